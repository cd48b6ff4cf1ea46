from django.urls import path

from . import views

app_name = "villages"

urlpatterns = [
    path("desa/<str:kode_desa>/apbdes/<int:year>/", views.apbdes_page, name="apbdes"),
]
