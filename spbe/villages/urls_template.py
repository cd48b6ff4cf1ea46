"""The APBDes XLSX template: downloads and uploads (scoped; in spbe/accounts/tests/test_outsiders.py)."""

from django.urls import path

from . import views_template as views

BASE = "app/<str:pemda_code>/desa/<str:kode_desa>/apbdes/<int:year>/templat/"

urlpatterns = [
    path(BASE, views.template_page, name="entry-template"),
    path(BASE + "<str:kind>.xlsx", views.template_download, name="entry-template-download"),
]
