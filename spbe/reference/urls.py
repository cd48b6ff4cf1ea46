from django.urls import path

from . import views

app_name = "reference"

urlpatterns = [
    path("referensi/", views.reference_home, name="home"),
    path("referensi/<int:year>/<str:kind>/", views.browse, name="browse"),
]
