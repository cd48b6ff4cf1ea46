from django.urls import path

from . import kiosk, views, views_queue

app_name = "lounge"

urlpatterns = [
    path("pemda/<str:pemda_code>/layanan/", views.catalogue, name="catalogue"),
    path("pemda/<str:pemda_code>/layanan/<str:kode>/", views.service_page, name="service"),
    *views_queue.urlpatterns,
    *kiosk.urlpatterns,
]
