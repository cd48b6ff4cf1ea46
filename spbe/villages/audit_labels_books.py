"""What village bookkeeping's audit codes mean to people (imported by ``audit_labels``)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from spbe.core.audit_labels import register, register_object_type

from .models_books import CashMove, Receipt, Spj, Spp, TaxDeposit

register("books_spp.create", _("SPP desa dibuat"))
register("books_spp.revise", _("SPP desa diperbaiki"))
register("books_spp.submit", _("SPP desa diajukan ke Sekdes"))
register("books_spp.verify", _("SPP desa diverifikasi Sekdes"))
register("books_spp.return", _("SPP desa dikembalikan Sekdes"))
register("books_spp.approve", _("SPP desa disetujui Kades"))
register("books_spp.send_back", _("SPP desa dikembalikan Kades"))
register("books_spp.pay", _("SPP desa dibayar"))
register("books_spp.cancel", _("SPP desa dibatalkan"))
register("books_spj.submit", _("SPJ panjar diajukan"))
register("books_spj.accept", _("SPJ panjar disahkan"))
register("books_spj.return", _("SPJ panjar dikembalikan"))
register("books_receipt.create", _("Penerimaan desa dicatat"))
register("books_tax.deposit", _("Setoran pajak desa dicatat"))
register("books_cash.move", _("Mutasi kas-bank desa dicatat"))
register("books.demo_seed", _("Penatausahaan desa demo dibuat"))


def _describe(model: type[Spp] | type[Spj] | type[Receipt] | type[TaxDeposit] | type[CashMove]) -> object:
    def describe(ids: list[str]) -> Mapping[str, str]:
        rows = model.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
        return {str(row.pk): str(row) for row in rows}

    return describe


FIELDS = {
    "state": _("Status"),
    "note": _("Catatan"),
    "total": _("Jumlah"),
    "amount": _("Jumlah"),
    "paid_on": _("Tanggal bayar"),
    "via": _("Kas/bank"),
    "taxes": _("Pajak dipotong"),
    "advance_due_on": _("Batas SPJ panjar"),
    "lines": _("Rincian"),
    "description": _("Uraian"),
}
for object_type, label, model in (
    ("villages.spp", _("SPP desa"), Spp),
    ("villages.spj", _("SPJ panjar"), Spj),
    ("villages.receipt", _("Penerimaan desa"), Receipt),
    ("villages.taxdeposit", _("Setoran pajak desa"), TaxDeposit),
    ("villages.cashmove", _("Mutasi kas-bank desa"), CashMove),
):
    register_object_type(object_type, label, describe=_describe(model), fields=FIELDS)  # type: ignore[arg-type]
