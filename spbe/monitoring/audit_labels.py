"""What e-monitoring's audit codes mean to people (read by ``spbe.core.audit_labels``)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from spbe.core.audit_labels import register, register_object_type

from .models import Contract, ProgressReport, Project

register("project.create", _("Pekerjaan fisik didaftarkan"))
register("project.plan_set", _("Kurva S rencana ditetapkan"))
register("project.critical", _("Kontrak menjadi kritis"))
register("project.not_critical", _("Kontrak tidak lagi kritis"))
register("contract.create", _("Kontrak dicatat"))
register("contract.addendum", _("Addendum kontrak dicatat"))
register("progress_report.submit", _("Laporan progres diajukan"))
register("progress_report.verify", _("Laporan progres diverifikasi"))
register("progress_report.return", _("Laporan progres dikembalikan"))
register("project.escalation", _("Peringatan dini dikirim"))
register("scm.record", _("Rapat pembuktian (SCM) dicatat"))
register("scm.outcome", _("Hasil rapat pembuktian (SCM) dicatat"))
register("scm.outcome_reopened", _("Hasil SCM dibuka kembali (laporan dikembalikan)"))
register("notice.read", _("Pemberitahuan dibaca"))
register("e81.target_set", _("Target E.81 dicatat"))
register("e81.realisation_set", _("Realisasi triwulan E.81 dicatat"))
register("e81.evaluation_set", _("Faktor pendorong, penghambat dan tindak lanjut E.81 dicatat"))
register("e81.import", _("Target E.81 diimpor"))


def _ids(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def _projects(ids: list[str]) -> Mapping[str, str]:
    return {
        str(p.pk): f"{p.year} {p.name}" for p in Project.objects.filter(pk__in=_ids(ids)).only("year", "name")
    }


def _contracts(ids: list[str]) -> Mapping[str, str]:
    return {str(c.pk): c.number for c in Contract.objects.filter(pk__in=_ids(ids)).only("number")}


def _reports(ids: list[str]) -> Mapping[str, str]:
    rows = (
        ProgressReport.objects.filter(pk__in=_ids(ids))
        .select_related("project")
        .only("reported_on", "percent", "project__name")
    )
    return {str(r.pk): f"{r.project.name}: {r.percent}% ({r.reported_on.isoformat()})" for r in rows}


register_object_type(
    "monitoring.project",
    _("Pekerjaan fisik"),
    describe=_projects,
    fields={
        "unit": _("Perangkat daerah"),
        "year": _("Tahun"),
        "sub_kegiatan_code": _("Sub kegiatan"),
        "name": _("Nama pekerjaan"),
        "village": _("Desa"),
        "address": _("Alamat"),
        "location_kind": _("Bentuk lokasi"),
        "coordinates": _("Koordinat"),
        "points": _("Titik kurva S"),
        "source": _("Sumber kurva S"),
        "is_critical": _("Kontrak kritis"),
        "rencana": _("Rencana (%)"),
        "realisasi": _("Realisasi (%)"),
        "deviasi": _("Deviasi (%)"),
        "periode": _("Periode"),
        "proyeksi_selesai": _("Proyeksi selesai"),
        "kritis": _("Kritis"),
        "on": _("Per tanggal"),
    },
)
register_object_type(
    "monitoring.contract",
    _("Kontrak"),
    describe=_contracts,
    fields={
        "project": _("Pekerjaan"),
        "method": _("Cara pengadaan"),
        "number": _("Nomor kontrak"),
        "vendor_name": _("Penyedia"),
        "value": _("Nilai kontrak"),
        "signed_on": _("Tanggal kontrak"),
        "starts_on": _("Tanggal mulai"),
        "ends_on": _("Tanggal selesai"),
        "ocid": _("OCID"),
        "addendum": _("Nomor addendum"),
        "reason": _("Alasan"),
    },
)
register_object_type(
    "monitoring.progressreport",
    _("Laporan progres"),
    describe=_reports,
    fields={
        "project": _("Pekerjaan"),
        "reported_on": _("Tanggal laporan"),
        "percent": _("Progres fisik (%)"),
        "corrects": _("Mengoreksi laporan"),
        "photos": _("Foto"),
        "status": _("Status kontrak"),
        "state": _("Status"),
        "note": _("Catatan"),
    },
)
register_object_type(
    "monitoring.showcausemeeting",
    _("Rapat pembuktian (SCM)"),
    fields={
        "project": _("Pekerjaan"),
        "episode": _("Episode kritis"),
        "stage": _("Tahap"),
        "held_on": _("Tanggal rapat"),
        "attendees": _("Peserta"),
        "agreed_percent": _("Target disepakati (%)"),
        "target_on": _("Tanggal target"),
        "notes": _("Catatan"),
        "outcome": _("Hasil"),
        "report": _("Laporan penentu"),
        "percent": _("Progres (%)"),
        "on": _("Tanggal"),
    },
)
register_object_type(
    "monitoring.escalation",
    _("Peringatan dini"),
    fields={
        "project": _("Pekerjaan"),
        "kind": _("Jenis"),
        "level": _("Tingkat"),
        "episode": _("Episode kritis"),
        "meeting": _("Rapat pembuktian"),
        "on": _("Tanggal"),
        "recipients": _("Penerima"),
    },
)
register_object_type("monitoring.notice", _("Pemberitahuan"), fields={"read": _("Dibaca")})
