from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("app/<str:pemda_code>/monitoring/", views.project_list, name="project-list"),
    path("app/<str:pemda_code>/monitoring/pekerjaan/<int:pk>/", views.project_detail, name="project-detail"),
    path(
        "app/<str:pemda_code>/monitoring/pekerjaan/<int:pk>/lapor/", views.report_create, name="report-create"
    ),
    path("app/<str:pemda_code>/monitoring/laporan/<int:pk>/", views.report_check, name="report-check"),
    path("app/<str:pemda_code>/monitoring/foto/<int:pk>/", views.photo, name="photo"),
]
