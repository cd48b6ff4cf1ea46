"""What the complaint module's audit codes mean to people (read by ``spbe.core.audit_labels``)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from spbe.core.audit_labels import Ref, register, register_object_type

from .models import Complaint

register("complaint.submit", _("Pengaduan diterima"))
register("complaint.verify", _("Pengaduan diverifikasi"))
register("complaint.reject", _("Pengaduan ditolak"))
register("complaint.route", _("Pengaduan diteruskan ke perangkat daerah"))
register("complaint.return", _("Pengaduan dikembalikan perangkat daerah"))
register("complaint.answer", _("Pengaduan dijawab"))
register("complaint.close", _("Pengaduan ditutup"))
register("complaint.reply", _("Tanggapan tambahan atas pengaduan"))
register("complaint.escalate", _("Pengaduan melewati tenggat dan dinaikkan"))
register("complaint.deadlines_set", _("Tenggat pengaduan diatur"))


def _complaints(ids: list[str]) -> Mapping[str, str]:
    rows = Complaint.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()]).only("ticket", "subject")
    return {str(c.pk): f"{c.ticket} {c.subject}" for c in rows}


register_object_type(
    "complaints.complaint",
    _("Pengaduan"),
    describe=_complaints,
    fields={
        "ticket": _("Nomor tiket"),
        "channel": _("Saluran"),
        "subject": _("Pokok pengaduan"),
        "state": _("Status"),
        "due_on": _("Tenggat"),
        "note": _("Catatan"),
        "text": _("Isi"),
        "unit": _("Perangkat daerah"),
        "escalated_to": _("Dinaikkan kepada"),
    },
    values={"unit": Ref("accounts.perangkatdaerah")},
)
register_object_type(
    "complaints.complaintdeadlines",
    _("Tenggat pengaduan"),
    fields={
        "verify_days": _("Hari untuk verifikasi"),
        "route_days": _("Hari untuk disposisi"),
        "answer_days": _("Hari untuk jawaban"),
        "close_days": _("Hari untuk penutupan"),
    },
)
