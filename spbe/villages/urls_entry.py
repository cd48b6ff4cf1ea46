"""Staff pages of a desa's APBDes: the draft, line entry, the workflow and the camat's evaluation.

Scoped under /app/<pemda_code>/: every route is in spbe/accounts/tests/test_outsiders.py.
"""

from django.urls import path

from . import views_entry as views

BASE = "app/<str:pemda_code>/desa/<str:kode_desa>/apbdes/<int:year>/"
LINE = BASE + "rincian/<int:pk>/"

urlpatterns = [
    path("app/<str:pemda_code>/desa/<str:kode_desa>/apbdes/", views.entry_latest, name="entry-latest"),
    path("app/<str:pemda_code>/apbdes-desa/", views.entry_list_current, name="entry-list-current"),
    path("app/<str:pemda_code>/apbdes-desa/<int:year>/", views.entry_list, name="entry-list"),
    path(BASE, views.entry_home, name="entry-home"),
    path(BASE + "mulai/", views.entry_start, name="entry-start"),
    path(BASE + "rincian/baru/", views.entry_line_new, name="entry-line-new"),
    path(LINE, views.entry_line_edit, name="entry-line-edit"),
    path(LINE + "hapus/", views.entry_line_remove, name="entry-line-remove"),
    path(LINE + "catatan/", views.entry_note, name="entry-note"),
    path(BASE + "aksi/", views.entry_action, name="entry-action"),
    path(BASE + "perubahan/", views.entry_revise, name="entry-revise"),
    path(BASE + "evaluasi/", views.entry_evaluation, name="entry-evaluation"),
]
