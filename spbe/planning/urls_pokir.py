"""Routes of the pokir pages (listed in ``spbe.planning.urls``; ``baru`` and ``sekretariat`` are no ids)."""

from django.urls import path

from . import views_pokir

urlpatterns = [
    path("app/<str:pemda_code>/pokir/", views_pokir.pokir_home, name="pokir-home"),
    path("app/<str:pemda_code>/pokir/baru/", views_pokir.pokir_new, name="pokir-new"),
    path("app/<str:pemda_code>/pokir/sekretariat/", views_pokir.secretariat_list, name="pokir-secretariat"),
    path(
        "app/<str:pemda_code>/pokir/sekretariat/teruskan/",
        views_pokir.secretariat_forward,
        name="pokir-forward-many",
    ),
    path("app/<str:pemda_code>/pokir/<str:public_id>/", views_pokir.pokir_detail, name="pokir-detail"),
]
