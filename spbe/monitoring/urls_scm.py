from django.urls import path

from . import views_scm

urlpatterns = [
    path("app/<str:pemda_code>/monitoring/pekerjaan/<int:pk>/scm/", views_scm.meetings, name="scm"),
    path("app/<str:pemda_code>/monitoring/peringatan/", views_scm.notices, name="notices"),
    path(
        "app/<str:pemda_code>/monitoring/peringatan/<int:pk>/baca/", views_scm.notice_read, name="notice-read"
    ),
]
