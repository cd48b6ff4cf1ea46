from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("pemda/<str:pemda_code>/", views.pemda_home, name="pemda"),
    path(
        "pemda/<str:pemda_code>/kecamatan/<str:district_code>/", views.pemda_district, name="pemda-district"
    ),
    path("wilayah/", views.regions, name="regions"),
    path("wilayah/<str:code>/", views.region, name="region"),
]
