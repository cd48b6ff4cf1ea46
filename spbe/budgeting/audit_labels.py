"""What e-budgeting's audit codes mean to people (read by ``spbe.core.audit_labels``)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from spbe.core.audit_labels import register, register_object_type

from .models import BudgetVersion, Rka

register("budget.version_create", _("Versi APBD dibuat"))
register("budget.version_revise", _("Versi APBD baru disusun dari versi yang ditetapkan"))
register("budget.version_adopt", _("APBD ditetapkan"))
register("budget.import", _("APBD diimpor"))
register("budget.ceiling_set", _("Pagu ditetapkan"))
register("budget.rules_set", _("Ketentuan belanja wajib diubah"))
register("budget.cash_plan_set", _("Anggaran kas disusun"))
register("budget.standard_prices_import", _("Daftar harga standar diimpor"))
register("rka.open", _("RKA dibuka"))
register("rka.line_create", _("Baris RKA ditambahkan"))
register("rka.detail_add", _("Rincian RKA ditambahkan"))
register("rka.detail_change", _("Rincian RKA diubah"))
register("rka.detail_remove", _("Rincian RKA dihapus"))
register("rka.line_review", _("Baris RKA diperiksa TAPD"))
register("rka.submit", _("RKA diajukan"))
register("rka.return", _("RKA dikembalikan"))
register("rka.verify", _("RKA terverifikasi"))


def _versions(ids: list[str]) -> Mapping[str, str]:
    rows = BudgetVersion.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    return {str(v.pk): f"APBD {v.year} {v.label or v.number}" for v in rows}


def _rkas(ids: list[str]) -> Mapping[str, str]:
    rows = Rka.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()]).select_related("unit", "version")
    return {str(r.pk): f"RKA {r.unit.name} {r.version.year}" for r in rows}


register_object_type("budgeting.budgetversion", _("Versi APBD"), describe=_versions)
register_object_type("budgeting.rka", _("RKA"), describe=_rkas)
register_object_type("budgeting.rkaline", _("Baris RKA"))
register_object_type("budgeting.rkadetail", _("Rincian RKA"))
register_object_type("budgeting.ceiling", _("Pagu"))
register_object_type("budgeting.budgetrules", _("Ketentuan belanja wajib"))
register_object_type("reference.standardprice", _("Harga standar"))

# Realisation (spbe.budgeting.realisation, imports_realisation).
register("realisation.sp2d_record", _("SP2D dicatat"))
register("realisation.sp2d_correct", _("SP2D dikoreksi (pengembalian)"))
register("realisation.sts_record", _("STS dicatat"))
register("realisation.sts_correct", _("STS dikoreksi"))
register("realisation.import", _("Realisasi SP2D/STS diimpor"))
register_object_type("budgeting.sp2d", _("SP2D"))
register_object_type("budgeting.sts", _("STS"))
