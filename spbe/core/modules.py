"""The modules announced in the navigation before they exist, and what each one will do.

A menu item for a module that is not built yet links to its page here, so a user learns what is coming
instead of meeting a dead label. A module that ships removes its entry and links to its own pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class UpcomingModule:
    slug: str
    title: Promise
    summary: Promise
    features: tuple[Promise, ...]


UPCOMING: dict[str, UpcomingModule] = {
    m.slug: m
    for m in (
        UpcomingModule(
            "perencanaan",
            _("Perencanaan"),
            _("Perencanaan pembangunan daerah dari usulan warga sampai dokumen resmi."),
            (
                _("Usulan Musrenbang dari desa dan kecamatan, dengan pelacakan statusnya untuk warga"),
                _("Pokok-pokok pikiran DPRD dari reses"),
                _("RPJMD, Renstra, RKPD dan Renja perangkat daerah"),
            ),
        ),
        UpcomingModule(
            "penganggaran",
            _("Penganggaran"),
            _("Penyusunan APBD dari pagu sampai DPA, dengan pemeriksaan otomatis."),
            (
                _("Pagu KUA-PPAS per perangkat daerah"),
                _("RKA dan verifikasi TAPD, dengan versi yang dapat dibandingkan"),
                _("DPA, anggaran kas, realisasi dan LRA"),
            ),
        ),
        UpcomingModule(
            "keuangan-desa",
            _("Keuangan desa"),
            _("Dana untuk desa dan pengelolaan APBDes."),
            (
                _("ADD, BHPRD dan Dana Desa per desa, dengan pencairan bertahap"),
                _("APBDes dan penatausahaan keuangan desa"),
                _("Pertukaran data dengan Siskeudes dan laporan ke kabupaten"),
            ),
        ),
        UpcomingModule(
            "monitoring",
            _("Monitoring"),
            _("Pemantauan pembangunan fisik dan keuangan."),
            (
                _("Proyek dan kontrak dengan kurva S"),
                _("Laporan kemajuan dengan foto bertanda lokasi"),
                _("Realisasi fisik dan keuangan (RFK) dan kontrak kritis"),
            ),
        ),
        UpcomingModule(
            "layanan-publik",
            _("Layanan publik"),
            _("Pelayanan kepada warga di kantor dan secara daring."),
            (
                _("Katalog standar pelayanan"),
                _("Antrean, layar ruang tunggu dan kios"),
                _("Survei kepuasan masyarakat (IKM) dan pengaduan"),
            ),
        ),
    )
}
