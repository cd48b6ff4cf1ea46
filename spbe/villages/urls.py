from django.urls import path

from . import views
from .urls_books import urlpatterns as books_urlpatterns
from .urls_entry import urlpatterns as entry_urlpatterns
from .urls_template import urlpatterns as template_urlpatterns
from .urls_transfers import urlpatterns as transfer_urlpatterns

app_name = "villages"

urlpatterns = [
    path("desa/<str:kode_desa>/apbdes/<int:year>/", views.apbdes_page, name="apbdes"),
    *transfer_urlpatterns,
    *books_urlpatterns,
    *entry_urlpatterns,
    *template_urlpatterns,
]
