from django.urls import path

from . import views_books as views

app_name = "villages"

# Scoped under /app/<pemda_code>/: every route is in spbe/accounts/tests/test_outsiders.py.
BASE = "app/<str:pemda_code>/desa/<str:kode_desa>/pembukuan/<int:year>/"
SPP = BASE + "spp/<int:number>/"

urlpatterns = [
    path("app/<str:pemda_code>/desa/<str:kode_desa>/pembukuan/", views.books_latest, name="books-latest"),
    path(BASE, views.books_home, name="books-home"),
    path(BASE + "spp/baru/", views.spp_create, name="books-spp-create"),
    path(SPP, views.spp_detail, name="books-spp"),
    path(SPP + "aksi/", views.spp_action, name="books-spp-action"),
    path(SPP + "bayar/", views.spp_pay, name="books-spp-pay"),
    path(SPP + "spj/", views.spj_submit, name="books-spj-submit"),
    path(SPP + "spj/aksi/", views.spj_action, name="books-spj-action"),
    path(BASE + "penerimaan/", views.receipt_create, name="books-receipt"),
    path(BASE + "setor-pajak/", views.tax_deposit, name="books-tax-deposit"),
    path(BASE + "mutasi-kas/", views.cash_move, name="books-cash-move"),
    path(BASE + "buku/<str:kind>/", views.book_page, name="books-book"),
    path("app/<str:pemda_code>/pembukuan-desa/panjar-terlambat/", views.overdue_list, name="books-overdue"),
]
