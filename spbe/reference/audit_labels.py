"""What the reference app's audit codes mean to people (read by ``spbe.core.audit_labels``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from spbe.core.audit_labels import register, register_object_type

register("reference.load", _("Data referensi bawaan dimuat"))
register("reference.import", _("Data referensi diimpor"))

_FIELDS = {
    "kind": _("Jenis data"),
    "year": _("Tahun anggaran"),
    "files": _("Berkas"),
    "rows": _("Baris"),
    "created": _("Baru"),
    "updated": _("Diubah"),
    "unchanged": _("Tetap"),
    "deleted": _("Dihapus"),
    "by_level": _("Per tingkat"),
    "replace": _("Mengganti seluruh tahun"),
}


def _years(ids: list[str]) -> dict[str, str]:
    return {i: str(_("Tahun anggaran %(year)s") % {"year": i}) for i in ids}


for object_type, label in (
    ("reference.nomenclature", _("Nomenklatur perencanaan")),
    ("reference.account", _("Kode rekening daerah")),
    ("reference.villageaccount", _("Rekening APBDes")),
    ("reference.villageactivity", _("Kegiatan desa")),
    ("reference.fundingsource", _("Sumber dana")),
):
    register_object_type(object_type, label, describe=_years, fields=_FIELDS)
