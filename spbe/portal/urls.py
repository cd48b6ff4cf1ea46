from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("pemda/<str:pemda_code>/", views.pemda_home, name="pemda"),
    path(
        "pemda/<str:pemda_code>/kecamatan/<str:district_code>/", views.pemda_district, name="pemda-district"
    ),
    path("modul/<slug:slug>/", views.module_soon, name="module-soon"),
    path("wilayah/", views.regions_page, name="regions"),
    # Before wilayah/<code>/: "cari" is not a region code, and must never be read as one.
    path("wilayah/cari/", views.region_search, name="region-search"),
    path("wilayah/<str:code>/", views.region, name="region"),
]
