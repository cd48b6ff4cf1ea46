from django.urls import path

from . import views_e81

urlpatterns = [path("app/<str:pemda_code>/monitoring/e81/", views_e81.e81_page, name="e81")]
