"""What e-planning's audit codes mean to people (read by ``spbe.core.audit_labels``)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from spbe.core.audit_labels import register, register_object_type

from .models import Follower, Proposal

register("proposal.create", _("Usulan dibuat"))
register("proposal.import", _("Usulan diimpor"))
register("proposal.submit", _("Usulan diajukan ke musrenbang desa"))
register("proposal.submit_pokir", _("Pokir diajukan ke sekretariat DPRD"))
register("proposal.submit_renja", _("Usulan Renja diajukan untuk verifikasi"))
register("proposal.forward_desa", _("Usulan diteruskan musrenbang desa"))
register("proposal.reject_desa", _("Usulan ditolak musrenbang desa"))
register("proposal.defer_desa", _("Usulan ditunda musrenbang desa"))
register("proposal.forward_kecamatan", _("Usulan diteruskan musrenbang kecamatan"))
register("proposal.reject_kecamatan", _("Usulan ditolak musrenbang kecamatan"))
register("proposal.defer_kecamatan", _("Usulan ditunda musrenbang kecamatan"))
register("proposal.forward_agency", _("Usulan lolos verifikasi perangkat daerah"))
register("proposal.reject_agency", _("Usulan ditolak verifikasi perangkat daerah"))
register("proposal.defer_agency", _("Usulan ditunda verifikasi perangkat daerah"))
register("proposal.forward_bappeda", _("Usulan diteruskan Bappeda"))
register("proposal.reject_bappeda", _("Usulan ditolak Bappeda"))
register("proposal.defer_bappeda", _("Usulan ditunda Bappeda"))
register("proposal.accept_kabupaten", _("Usulan diterima musrenbang kabupaten"))
register("proposal.reject_kabupaten", _("Usulan ditolak musrenbang kabupaten"))
register("proposal.defer_kabupaten", _("Usulan ditunda musrenbang kabupaten"))
register("proposal.edit", _("Usulan diubah"))
register("proposal.score", _("Usulan dinilai forum"))
register("proposal.rank", _("Peringkat usulan disusun forum"))
register("proposal.duplicate_link", _("Usulan ditandai duplikat"))
register("proposal.duplicate_dismiss", _("Calon duplikat usulan ditepis"))
register("proposal.follow", _("Usulan diikuti warga"))
register("proposal.follow_confirm", _("Warga mengonfirmasi mengikuti usulan"))
register("proposal.follow_stop", _("Warga berhenti mengikuti usulan"))
register("planning.window_set", _("Jadwal tahap perencanaan diatur"))
register("planning.year_set", _("Pengaturan tahun perencanaan diubah"))


def _proposals(ids: list[str]) -> Mapping[str, str]:
    rows = Proposal.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()]).only("public_id", "title")
    return {str(p.pk): f"{p.public_id} {p.title}" for p in rows}


register_object_type(
    "planning.proposal",
    _("Usulan"),
    describe=_proposals,
    fields={
        "public_id": _("Nomor usulan"),
        "year": _("Tahun"),
        "source": _("Sumber"),
        "title": _("Judul"),
        "village": _("Desa"),
        "suggested_unit": _("Perangkat daerah"),
        "volume": _("Volume"),
        "estimated_cost": _("Perkiraan biaya"),
        "problem": _("Masalah"),
        "address": _("Alamat"),
        "latitude": _("Lintang"),
        "longitude": _("Bujur"),
        "bidang": _("Bidang"),
        "unit_of_measure": _("Satuan"),
        "beneficiaries": _("Penerima manfaat"),
        "community_contribution": _("Swadaya masyarakat"),
        "state": _("Tahap"),
        "note": _("Catatan"),
        "rank": _("Peringkat"),
        "total": _("Nilai total"),
        # Scores by criterion (proposal.score); "beneficiaries" is labelled once, above.
        "urgency": _("Urgensi"),
        "alignment": _("Kesesuaian prioritas"),
        "readiness": _("Kesiapan"),
        "contribution": _("Swadaya"),
        "recommended_volume": _("Volume rekomendasi"),
        "recommended_cost": _("Biaya rekomendasi"),
    },
)

register_object_type(
    "planning.stagewindow",
    _("Jadwal tahap"),
    fields={
        "year": _("Tahun"),
        "stage": _("Tahap"),
        "opens_on": _("Dibuka"),
        "closes_on": _("Ditutup"),
    },
)
register_object_type(
    "planning.planningyear",
    _("Pengaturan tahun perencanaan"),
    fields={
        "year": _("Tahun"),
        "kecamatan_quota": _("Kuota usulan per kecamatan"),
        "weight_urgency": _("Bobot urgensi"),
        "weight_beneficiaries": _("Bobot penerima manfaat"),
        "weight_alignment": _("Bobot kesesuaian prioritas"),
        "weight_readiness": _("Bobot kesiapan"),
        "weight_contribution": _("Bobot swadaya"),
    },
)


def _followers(ids: list[str]) -> Mapping[str, str]:
    # Never the address: the audit page is read by staff who have no need for it.
    rows = Follower.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()]).select_related("proposal")
    return {str(f.pk): str(_("Pengikut usulan %(id)s") % {"id": f.proposal.public_id}) for f in rows}


register_object_type(
    "planning.follower",
    _("Pengikut usulan"),
    describe=_followers,
    fields={"proposal": _("Nomor usulan"), "confirmed": _("Terkonfirmasi")},
)


# The plans (RPJMD, Renstra, RKPD, Renja), and pokir with citizens' proposals.
from . import audit_labels_plans, audit_labels_pokir  # noqa: E402, F401
