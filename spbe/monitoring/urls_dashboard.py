from django.urls import path

from . import views_dashboard

app_name = "monitoring-dashboard"

urlpatterns = [
    path("app/<str:pemda_code>/monitoring/dasbor/", views_dashboard.monitoring_dashboard, name="dashboard"),
]
