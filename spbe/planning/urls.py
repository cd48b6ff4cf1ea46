from django.urls import path

from . import urls_citizen, urls_photos, urls_pokir, views

app_name = "planning"

# Routes under /app/<pemda_code>/ are scoped: the outsider test checks each answers 404 to an outsider.
urlpatterns = [
    *urls_photos.urlpatterns,
    *urls_pokir.urlpatterns,
    *urls_citizen.urlpatterns,
    path("app/<str:pemda_code>/usulan/", views.proposal_list, name="proposal-list"),
    path("app/<str:pemda_code>/usulan/<str:public_id>/", views.proposal_detail, name="proposal-detail"),
    path("pemda/<str:pemda_code>/usulan/", views.tracker, name="tracker"),
    # Before usulan/<public_id>/: "ikuti" and "berhenti" are not public ids.
    path("usulan/ikuti/<str:token>/", views.follow_confirm, name="follow-confirm"),
    path("usulan/berhenti/<str:token>/", views.follow_stop, name="follow-stop"),
    path("usulan/<str:public_id>/", views.public_page, name="public-proposal"),
    path("usulan/<str:public_id>/ikuti/", views.follow, name="follow"),
]
