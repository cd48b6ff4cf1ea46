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

register("lounge.create", _("Ruang layanan dibuat"))
register("lounge.offer", _("Layanan dibuka di ruang layanan"))
register("lounge.update", _("Ruang layanan diubah"))
register("lounge.withdraw", _("Layanan ditutup di ruang layanan"))
register("lounge.queue_history_load", _("Riwayat antrean dimuat"))
register("counter.create", _("Loket dibuka"))
register("counter.update", _("Loket diubah"))
register("queue_ticket.call", _("Nomor antrean dipanggil"))
register("queue_ticket.recall", _("Nomor antrean dipanggil ulang"))
register("queue_ticket.start", _("Pelayanan nomor antrean dimulai"))
register("queue_ticket.finish", _("Pelayanan nomor antrean selesai"))
register("queue_ticket.skip", _("Nomor antrean dilewati"))
register("kiosk.register", _("Perangkat kios didaftarkan"))
register("kiosk.deactivate", _("Perangkat kios dinonaktifkan"))
register("kiosk.enroll", _("Perangkat kios dipasang"))
