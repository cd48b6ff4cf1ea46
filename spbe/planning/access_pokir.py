"""Who sees a pokir before the DPRD secretariat has passed it on: its own member and the secretariat only.

A pokir at ``draft`` or ``secretariat`` (:data:`~spbe.planning.models.UNPUBLISHED_STAGES`) is a member's
work in progress: another member, Bappeda, an agency or the auditor get 404 for it, exactly as if it did
not exist, while every pemda-wide viewer keeps seeing the published proposals. Pokir without a
:class:`~spbe.planning.models_pokir.PokirDetail` (imported ones, which arrive already verified) have no
member and follow the general rule.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from spbe.accounts.access import PemdaScope, scopes_for
from spbe.accounts.models import Role
from spbe.core.actors import MaybeActor, is_person, is_system
from spbe.core.errors import NotFound, PermissionDenied

from .models import UNPUBLISHED_STAGES, Proposal, Source
from .models_pokir import PokirDetail


def _secretariat(scope: PemdaScope | None) -> bool:
    return scope is not None and Role.DPRD_SECRETARIAT in scope.roles


def hidden_pokir(user: MaybeActor, scope: PemdaScope) -> Q:
    """The rows of a proposal query that ``user`` must not see: other members' unpublished pokir.

    A subquery over the few unpublished pokir rather than a join: a list of a year's thousands of
    proposals reads it once, instead of probing the pokir table for each row.
    """
    if _secretariat(scope):
        return Q(pk__in=[])
    others = PokirDetail.objects.filter(proposal__state__in=UNPUBLISHED_STAGES)
    if is_person(user):
        others = others.exclude(member_id=user.pk)
    return Q(pk__in=others.values("proposal_id"))


def may_see(user: MaybeActor, proposal: Proposal) -> bool:
    """Whether ``user`` may see ``proposal`` as far as pokir go (the place-based policy still applies)."""
    if proposal.source != Source.POKIR or proposal.state not in UNPUBLISHED_STAGES or is_system(user):
        return True
    detail = getattr(proposal, "pokir", None)
    if detail is None:
        return True
    if is_person(user) and detail.member_id == user.pk:
        return True
    return _secretariat(scopes_for(user).get(proposal.pemda_id))


def require_visible(user: MaybeActor, proposal: Proposal) -> None:
    """NotFound for another member's unpublished pokir: the same answer as for no proposal at all."""
    if not may_see(user, proposal):
        raise NotFound(_("Data tidak ditemukan."))


def require_own_draft(user: MaybeActor, proposal: Proposal) -> None:
    """A pokir draft is corrected, sent on and given photos by its own member only (NotFound to others)."""
    if proposal.source != Source.POKIR or is_system(user):
        return
    detail = getattr(proposal, "pokir", None)
    if detail is not None and not (is_person(user) and detail.member_id == user.pk):
        if may_see(user, proposal):  # the secretariat: it sees the draft, but it is not its to change
            raise PermissionDenied(
                _("Hanya anggota DPRD pengusulnya yang dapat mengubah atau mengajukan pokir ini.")
            )
        raise NotFound(_("Data tidak ditemukan."))
