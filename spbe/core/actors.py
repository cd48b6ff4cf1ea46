"""Who acts: the one type every service takes as ``actor``, and the gate that refuses everybody else.

A write is done either by a signed-in person (staff or a citizen with an account) or by the deployment
itself: a command run by whoever operates the server, or a background job. The second kind is never
implied: a command or job passes an explicit :class:`SystemActor` naming itself, so the audit trail says
``sistem:create_pemda`` rather than guessing. A missing, anonymous or deactivated actor is refused before a
service looks at anything else (fail closed), so reaching a service without a real actor changes nothing.

This module must not import any app: ``core`` sits below every app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeGuard

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext as _

from .errors import PermissionDenied

SYSTEM_LABEL = "sistem"


@dataclass(frozen=True)
class SystemActor:
    """The deployment acting for itself: a management command, a background job, a migration.

    ``name`` says which one (``create_pemda``, ``job:regions.load``), and is recorded in the audit trail.
    """

    name: str

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a SystemActor needs a name saying which command or job acts")

    # The duck-typed parts of a user that templates and helpers read.
    pk = None
    is_authenticated = False
    is_active = True
    is_superuser = False

    @property
    def label(self) -> str:
        return f"{SYSTEM_LABEL}:{self.name}"

    def __str__(self) -> str:
        return self.label


def system(name: str) -> SystemActor:
    """The actor for a command or job called ``name``."""
    return SystemActor(name)


# A person with an account, or the system. ``None`` and ``AnonymousUser`` are in the type only so that a
# service can be handed ``request.user`` and refuse it with a clear error, never act on it.
Actor = AbstractBaseUser | SystemActor
MaybeActor = Actor | AnonymousUser | None


def is_system(actor: Any) -> TypeGuard[SystemActor]:
    return isinstance(actor, SystemActor)


def is_person(actor: Any) -> TypeGuard[AbstractBaseUser]:
    return (
        isinstance(actor, AbstractBaseUser)
        and bool(actor.is_authenticated)
        and bool(getattr(actor, "is_active", False))
        and actor.pk is not None
    )


def is_platform_operator(actor: Any) -> TypeGuard[AbstractBaseUser]:
    """A platform operator: an active person flagged superuser. The one definition every check uses."""
    return is_person(actor) and bool(getattr(actor, "is_superuser", False))


def require_actor(actor: MaybeActor) -> Actor:
    """Return ``actor`` if it is a system actor or an active signed-in person; refuse anyone else."""
    if is_system(actor) or is_person(actor):
        return actor
    raise PermissionDenied(_("Tindakan ini memerlukan akun yang masuk dan aktif."))


def require_person(actor: MaybeActor) -> AbstractBaseUser:
    """Like :func:`require_actor`, for actions only a person may take (a system actor is refused too)."""
    if is_person(actor):
        return actor
    raise PermissionDenied(_("Tindakan ini hanya dapat dilakukan oleh pengguna yang masuk."))


def actor_identity(actor: Actor) -> tuple[int | None, str]:
    """The audit trail's (actor_id, actor_label) for a vetted actor."""
    if isinstance(actor, SystemActor):
        return None, actor.label
    return actor.pk, actor.get_username()


def require_platform(actor: MaybeActor) -> Actor:
    """Platform work (regions, reference lists, tenants) is for a platform operator or a command."""
    vetted = require_actor(actor)
    if is_system(vetted) or is_platform_operator(vetted):
        return vetted
    raise PermissionDenied(_("Hanya operator platform yang dapat melakukan ini."))
