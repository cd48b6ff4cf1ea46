"""What the transfer scenarios' audit codes mean to people (imported by ``audit_labels``)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from spbe.core.audit_labels import register, register_object_type

from .models_transfers import TransferScenario

register("transfer_scenario.simulate", _("Skenario transfer disimulasikan"))
register("transfer_scenario.import", _("Rincian Dana Desa diimpor"))
register("transfer_scenario.adopt", _("Skenario transfer ditetapkan"))
register("transfer_scenario.unadopt", _("Penetapan skenario transfer diganti"))
register("transfer_scenario.rename", _("Skenario transfer diganti nama"))


def _scenarios(ids: list[str]) -> Mapping[str, str]:
    rows = TransferScenario.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    return {str(s.pk): str(s) for s in rows}


register_object_type(
    "villages.transferscenario",
    _("Skenario transfer"),
    describe=_scenarios,
    fields={
        "year": _("Tahun"),
        "kind": _("Jenis transfer"),
        "name": _("Nama"),
        "source": _("Sumber"),
        "config": _("Konfigurasi"),
        "total": _("Total"),
        "desa_count": _("Jumlah desa"),
        "result_hash": _("Sidik hasil"),
        "adopted": _("Ditetapkan"),
        "replaces": _("Menggantikan"),
        "replaced_by": _("Digantikan oleh"),
    },
)
