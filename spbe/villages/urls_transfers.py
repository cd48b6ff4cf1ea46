from django.urls import path

from . import views_transfers as views

app_name = "villages"

# Scoped under /app/<pemda_code>/: every route is in spbe/accounts/tests/test_outsiders.py.
urlpatterns = [
    path("app/<str:pemda_code>/transfer-desa/", views.scenario_list, name="transfer-list"),
    path("app/<str:pemda_code>/transfer-desa/simulasi/", views.scenario_simulate, name="transfer-simulate"),
    path(
        "app/<str:pemda_code>/transfer-desa/impor-dana-desa/",
        views.scenario_import_dana_desa,
        name="transfer-import-dd",
    ),
    path("app/<str:pemda_code>/transfer-desa/banding/", views.scenario_compare, name="transfer-compare"),
    path("app/<str:pemda_code>/transfer-desa/<int:pk>/", views.scenario_detail, name="transfer-detail"),
    path(
        "app/<str:pemda_code>/transfer-desa/<int:pk>/tetapkan/", views.scenario_adopt, name="transfer-adopt"
    ),
]
