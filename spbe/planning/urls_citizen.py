"""Routes of citizens' sign-up and proposals, and of the desa forum's list of them (in ``spbe.planning.urls``,
before ``usulan/<public_id>/``: ``warga`` is no public id)."""

from django.urls import path

from . import views_citizen

urlpatterns = [
    path("warga/daftar/", views_citizen.signup, name="citizen-signup"),
    path("warga/daftar/<str:token>/", views_citizen.signup_confirm, name="citizen-confirm"),
    path("warga/usulan/", views_citizen.citizen_home, name="citizen-home"),
    path("warga/usulan/baru/", views_citizen.choose_pemda, name="citizen-choose-pemda"),
    path("warga/usulan/baru/<str:pemda_code>/", views_citizen.citizen_new, name="citizen-new"),
    path("app/<str:pemda_code>/usulan/warga/", views_citizen.forum_list, name="citizen-forum"),
    path(
        "app/<str:pemda_code>/usulan/warga/<str:public_id>/",
        views_citizen.forum_decide,
        name="citizen-forum-decide",
    ),
]
