"""What the plans' audit codes mean to people (imported by ``spbe.planning.audit_labels``)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from spbe.core.audit_labels import register, register_object_type

from .models_plans import Plan

register("plan.import", _("Dokumen rencana diimpor"))
register("plan.adopt", _("Dokumen rencana ditetapkan"))
register("proposal.fund", _("Usulan dihubungkan dengan sub kegiatan RKPD"))


def _plans(ids: list[str]) -> Mapping[str, str]:
    rows = Plan.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()]).select_related("unit")
    return {str(p.pk): str(p) for p in rows}


register_object_type(
    "planning.plan",
    _("Dokumen rencana"),
    describe=_plans,
    fields={
        "kind": _("Jenis rencana"),
        "year": _("Tahun"),
        "unit": _("Perangkat daerah"),
        "file": _("Berkas"),
        "rows": _("Jumlah baris"),
        "added": _("Baris baru"),
        "kept": _("Baris diperbarui"),
        "removed": _("Baris dihapus"),
        "totals": _("Pagu indikatif per tahun"),
        "version_state": _("Status versi"),
        "content_hash": _("Sidik isi"),
    },
)
