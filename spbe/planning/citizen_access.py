"""What a citizen account may do to a proposal: only to the one they entered, while it is still a draft."""

from __future__ import annotations

from spbe.accounts.models import User
from spbe.core.actors import MaybeActor, is_person

from .models import Proposal, Stage


def is_citizen(user: MaybeActor) -> bool:
    return is_person(user) and isinstance(user, User) and user.kind == User.Kind.CITIZEN and user.is_active


def owns_draft(user: MaybeActor, proposal: Proposal) -> bool:
    """Whether ``user`` is the citizen who entered ``proposal`` and the desa forum has not taken it in yet."""
    if proposal.state != Stage.DRAFT or not is_citizen(user):
        return False
    entry = getattr(proposal, "citizen_entry", None)
    return entry is not None and user is not None and entry.citizen_id == user.pk
