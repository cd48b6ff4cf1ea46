"""Routes of proposal entry and photos, listed first in ``spbe.planning.urls`` (``baru`` is no public id)."""

from django.urls import path

from . import views_photos

urlpatterns = [
    path("app/<str:pemda_code>/usulan/baru/", views_photos.proposal_new, name="proposal-new"),
    path("app/<str:pemda_code>/usulan/<str:public_id>/foto/", views_photos.photo_add, name="photo-add"),
    path(
        "app/<str:pemda_code>/usulan/<str:public_id>/foto/<int:pk>/",
        views_photos.photo_file,
        name="photo",
    ),
    path(
        "app/<str:pemda_code>/usulan/<str:public_id>/foto/<int:pk>/hapus/",
        views_photos.photo_remove,
        name="photo-remove",
    ),
]
