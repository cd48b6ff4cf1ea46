from django.urls import path

from . import views_rfk

urlpatterns = [path("app/<str:pemda_code>/monitoring/rfk/", views_rfk.rfk_page, name="rfk")]
