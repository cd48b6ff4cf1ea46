from django.urls import path

from . import views_curve_import

urlpatterns = [
    path(
        "app/<str:pemda_code>/monitoring/pekerjaan/<int:pk>/kurva/",
        views_curve_import.curve_edit,
        name="curve-edit",
    ),
    path(
        "app/<str:pemda_code>/monitoring/kurva-impor/", views_curve_import.curves_import, name="curves-import"
    ),
]
