from django.urls import include, path

from . import event_views, kiosk, kiosk_complaint, reports, views, views_queue, views_screens, views_setup

app_name = "lounge"

urlpatterns = [
    path("pemda/<str:pemda_code>/layanan/", views.catalogue, name="catalogue"),
    path("pemda/<str:pemda_code>/layanan/<str:kode>/", views.service_page, name="service"),
    path("pemda/<str:pemda_code>/jemput-bola/", event_views.calendar, name="events"),
    path("pemda/<str:pemda_code>/jemput-bola.ics", event_views.feed, name="events-feed"),
    path("app/<str:pemda_code>/jemput-bola/", event_views.staff_events, name="staff-events"),
    path("pemda/<str:pemda_code>/ikm/", include(reports.urlpatterns)),
    *views_setup.urlpatterns,
    *views_screens.urlpatterns,
    *views_queue.urlpatterns,
    *kiosk.urlpatterns,
    *kiosk_complaint.urlpatterns,
]
