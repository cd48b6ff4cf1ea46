"""What the lounge's audit codes mean to people (read by ``spbe.core.audit_labels``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from spbe.core.audit_labels import Ref, register, register_object_type

from .models import Service

register("service.create", _("Layanan ditambahkan ke katalog"))
register("service.update", _("Standar layanan diubah"))
register("survey.import", _("Jawaban survei kepuasan diimpor"))


def _services(ids: list[str]) -> dict[str, str]:
    found = Service.objects.filter(pk__in=[i for i in ids if i.isdigit()])
    return {str(s.pk): f"{s.kode_layanan} {s.nama}" for s in found}


register_object_type(
    "lounge.service",
    _("Layanan publik"),
    describe=_services,
    fields={
        "kode_layanan": _("Kode layanan"),
        "nama": _("Nama layanan"),
        "unit": _("Perangkat daerah"),
        "dasar_hukum": _("Dasar hukum"),
        "persyaratan": _("Persyaratan"),
        "prosedur": _("Prosedur"),
        "waktu": _("Waktu penyelesaian"),
        "biaya": _("Biaya/tarif"),
        "produk": _("Produk layanan"),
        "pengaduan": _("Pengaduan"),
        "loket": _("Loket"),
        "file": _("Berkas"),
        "responses": _("Jawaban"),
        "from": _("Tanggal pertama"),
        "to": _("Tanggal terakhir"),
    },
    values={"unit": Ref("accounts.perangkatdaerah")},
)
