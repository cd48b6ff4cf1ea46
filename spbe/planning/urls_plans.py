from django.urls import path

from . import views_plans

app_name = "planning-plans"

# Routes under /app/<pemda_code>/ are scoped: the outsider test checks each answers 404 to an outsider.
urlpatterns = [
    path("app/<str:pemda_code>/rencana/", views_plans.plan_list, name="list"),
    path("app/<str:pemda_code>/rencana/<int:pk>/", views_plans.plan_detail, name="detail"),
    path("app/<str:pemda_code>/rencana/<int:pk>/dokumen.pdf", views_plans.plan_pdf, name="pdf"),
]
