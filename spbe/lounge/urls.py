from django.urls import include, path

from . import reports, views

app_name = "lounge"

urlpatterns = [
    path("pemda/<str:pemda_code>/layanan/", views.catalogue, name="catalogue"),
    path("pemda/<str:pemda_code>/layanan/<str:kode>/", views.service_page, name="service"),
    path("pemda/<str:pemda_code>/ikm/", include(reports.urlpatterns)),
]
