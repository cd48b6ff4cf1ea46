"""Staff pages of realisation, under /app/<pemda_code>/realisasi/<year>/ (scoped: the outsider test checks
each answers 404 to an outsider)."""

from django.urls import path

from . import views_realisation as views

app_name = "realisation"

urlpatterns = [
    path("app/<str:pemda_code>/realisasi/<int:year>/", views.lra_page, name="lra"),
    path("app/<str:pemda_code>/realisasi/<int:year>/lra.pdf", views.lra_pdf, name="lra-pdf"),
    path("app/<str:pemda_code>/realisasi/<int:year>/lra.xlsx", views.lra_xlsx, name="lra-xlsx"),
    path("app/<str:pemda_code>/realisasi/<int:year>/sp2d/", views.sp2d_register, name="sp2d"),
    path("app/<str:pemda_code>/realisasi/<int:year>/sts/", views.sts_register, name="sts"),
]
