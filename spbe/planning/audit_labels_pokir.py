"""What the audit codes of pokir and of citizens' proposals mean to people (imported by audit_labels)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from spbe.core.audit_labels import register

register("proposal.forward_secretariat", _("Pokir diteruskan sekretariat DPRD ke perangkat daerah"))
register("proposal.return_secretariat", _("Pokir dikembalikan sekretariat DPRD ke anggotanya"))
register("proposal.decline_citizen", _("Usulan warga ditolak musrenbang desa/kelurahan"))
register("pokir.recess", _("Data reses pokir dicatat"))
register("citizen.signup", _("Warga mendaftar dengan e-mail"))
register("citizen.signup_request", _("Permintaan pendaftaran warga (tautan dikirim)"))
register("citizen.proposal", _("Warga memasukkan usulan"))
