"""What the disbursement and report audit codes mean to people (imported by ``audit_labels``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from spbe.core.audit_labels import register

register("apbdes.transfer_revenue", _("Pendapatan transfer APBDes disesuaikan dengan alokasi"))
register("disbursement_stage.plan", _("Susunan tahap penyaluran ditetapkan"))
register("disbursement_stage.release", _("Tahap penyaluran disalurkan ke desa"))
register("realisation_report.submit", _("Laporan realisasi desa dikirim"))
register("realisation_report.camat_receive", _("Laporan realisasi diterima camat"))
register("realisation_report.receive", _("Laporan realisasi diterima kabupaten"))
register("realisation_report.return", _("Laporan realisasi dikembalikan"))
register("activity_completion.set", _("Penyelesaian kegiatan desa dicatat"))
register("activity_completion.set_many", _("Penyelesaian kegiatan desa dicatat (sekaligus)"))
