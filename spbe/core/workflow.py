"""State machines for every module: a table of transitions, and one call that moves an object safely.

A module declares its states and transitions once::

    RKA_FLOW = Workflow(
        "rka",
        [
            Transition("submit", source={"draft", "returned"}, target="submitted", capability="submit",
                       stamp="submitted_by"),
            Transition("return", source={"submitted"}, target="returned", capability="verify",
                       note_required=True, not_by="submitted_by"),
            Transition("accept", source={"submitted"}, target="accepted", capability="verify",
                       not_by="submitted_by"),
        ],
    )

and its service is one line: ``RKA_FLOW.apply(rka, "submit", actor=actor, can=can, note=note)``.
:meth:`Workflow.apply` does, in one transaction: check the capability (``can`` comes from the module's
:class:`~spbe.accounts.access.Policy`, asked with the actor), check maker-checker, move the state with a
conditional UPDATE (``WHERE pk = .. AND state = <the state the actor saw>``; no row means somebody else
moved it first: :class:`~spbe.core.errors.Conflict`, never a silent overwrite), stamp who did it, and append
the audit entry with the note. The caller's extra field updates ride in the same UPDATE.

This module knows nothing of roles or tenants: ``can`` is anything with ``require(name)``, and the audit
chain is the object's ``pemda_id`` (or ``pemda_code``) when it has one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .actors import MaybeActor, is_person, require_actor
from .bulk import update_rows
from .errors import Conflict, PermissionDenied, ValidationFailed


class Capabilities(Protocol):
    def require(self, name: str) -> None: ...

    def __contains__(self, name: object) -> bool: ...


@dataclass(frozen=True, init=False)
class Transition:
    """One allowed move: from any of ``source`` to ``target``, for whoever holds ``capability``.

    ``stamp`` names a user foreign key on the object set to the actor (``submitted_by``); ``not_by``
    names one that must not be the actor (maker-checker: whoever submitted cannot approve);
    ``note_required`` makes the reason mandatory (a rejection, a return).
    """

    name: str
    source: frozenset[str]
    target: str
    capability: str
    note_required: bool = False
    stamp: str | None = None
    not_by: str | None = None

    def __init__(
        self,
        name: str,
        *,
        source: Iterable[str],
        target: str,
        capability: str,
        note_required: bool = False,
        stamp: str | None = None,
        not_by: str | None = None,
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "source", frozenset(source))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "capability", capability)
        object.__setattr__(self, "note_required", note_required)
        object.__setattr__(self, "stamp", stamp)
        object.__setattr__(self, "not_by", not_by)


class Workflow:
    """The transitions of one kind of object, keyed by name; ``state_field`` holds the state."""

    def __init__(self, name: str, transitions: list[Transition], state_field: str = "state") -> None:
        self.name = name
        self.transitions = transitions
        self.state_field = state_field
        self.by_name = {t.name: t for t in transitions}
        if len(self.by_name) != len(transitions):
            raise ValueError(f"workflow {name}: transition names must be unique")

    def available(self, obj: models.Model, can: Capabilities) -> list[Transition]:
        """The transitions ``can`` allows from the object's current state (for buttons; not a decision)."""
        state = getattr(obj, self.state_field)
        return [t for t in self.transitions if state in t.source and t.capability in can]

    def apply(
        self,
        obj: models.Model,
        name: str,
        *,
        actor: MaybeActor,
        can: Capabilities,
        note: str = "",
        updates: Mapping[str, Any] | None = None,
        audit_extra: Mapping[str, Any] | None = None,
    ) -> Transition:
        """Move ``obj`` by transition ``name``; refresh ``obj`` from the row it moved.

        ``obj`` carries the state the actor saw; if the row has moved on since, nothing changes and
        :class:`Conflict` says so.
        """
        vetted = require_actor(actor)
        transition = self.by_name.get(name)
        if transition is None:
            raise ValueError(f"workflow {self.name} has no transition {name!r}")
        note = note.strip()
        seen = getattr(obj, self.state_field)
        if seen not in transition.source:
            raise Conflict(
                _("Tindakan '%(action)s' tidak dapat dilakukan pada status '%(state)s'.")
                % {"action": name, "state": seen}
            )
        can.require(transition.capability)
        if transition.note_required and not note:
            raise ValidationFailed(_("Alasan wajib diisi untuk tindakan ini."), field="note")
        if transition.not_by and is_person(vetted) and getattr(obj, f"{transition.not_by}_id") == vetted.pk:
            raise PermissionDenied(
                _("Yang mengajukan tidak dapat memutuskan pengajuannya sendiri (prinsip empat mata).")
            )
        values: dict[str, Any] = {self.state_field: transition.target, **(updates or {})}
        if transition.stamp:
            values[f"{transition.stamp}_id"] = vetted.pk if is_person(vetted) else None
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            values.setdefault("updated_at", timezone.now())
        model = type(obj)
        with transaction.atomic():
            moved = model._default_manager.filter(pk=obj.pk, **{self.state_field: seen}).update(**values)
            if not moved:
                raise Conflict(
                    _(
                        "Data ini baru saja diubah oleh pengguna lain (status sekarang berbeda). "
                        "Muat ulang halaman dan periksa sebelum mencoba lagi."
                    )
                )
            audit.record(
                actor=vetted,
                action=f"{self.name}.{name}",
                obj=obj,
                pemda_code=_pemda_code(obj),
                before={self.state_field: seen},
                after={self.state_field: transition.target, "note": note, **(audit_extra or {})},
            )
        obj.refresh_from_db()
        return transition

    def apply_many(
        self,
        objs: list[models.Model],
        name: str,
        *,
        actor: MaybeActor,
        can_for: Callable[[models.Model], Capabilities],
        note: str = "",
        updates: Mapping[str, Any] | None = None,
        audit_extra: Mapping[str, Any] | None = None,
        updates_for: Callable[[models.Model], Mapping[str, Any]] | None = None,
    ) -> Transition:
        """Move every object in ``objs`` by transition ``name`` at once, or none of them.

        For a forum forwarding its ranked list or a verifier accepting a page of lines: the same checks as
        :meth:`apply` for each object (``can_for(obj)`` answers for its place), then, per state seen, one
        conditional UPDATE whose row count must match (else :class:`Conflict` and nothing moved), per-object
        fields from ``updates_for`` in the same transaction, and one audit entry per object. The objects
        are updated in memory; call inside the service's transaction (this opens one if there is none).
        """
        vetted = require_actor(actor)
        transition = self.by_name.get(name)
        if transition is None:
            raise ValueError(f"workflow {self.name} has no transition {name!r}")
        note = note.strip()
        if transition.note_required and not note:
            raise ValidationFailed(_("Alasan wajib diisi untuk tindakan ini."), field="note")
        seen: dict[str, list[models.Model]] = {}
        for obj in objs:
            state = getattr(obj, self.state_field)
            if state not in transition.source:
                raise Conflict(
                    _("Tindakan '%(action)s' tidak dapat dilakukan pada status '%(state)s' (%(obj)s).")
                    % {"action": name, "state": state, "obj": obj}
                )
            can_for(obj).require(transition.capability)
            if (
                transition.not_by
                and is_person(vetted)
                and getattr(obj, f"{transition.not_by}_id") == vetted.pk
            ):
                raise PermissionDenied(
                    _("Yang mengajukan tidak dapat memutuskan pengajuannya sendiri (prinsip empat mata).")
                )
            seen.setdefault(state, []).append(obj)
        values: dict[str, Any] = {self.state_field: transition.target, **(updates or {})}
        if transition.stamp:
            values[f"{transition.stamp}_id"] = vetted.pk if is_person(vetted) else None
        if objs and any(f.name == "updated_at" for f in objs[0]._meta.concrete_fields):
            values.setdefault("updated_at", timezone.now())
        with transaction.atomic():
            for state, group in seen.items():
                model = type(group[0])
                keys = [obj.pk for obj in group]
                moved = 0
                # Chunks keep each statement under the databases' parameter limits.
                for start in range(0, len(keys), 500):
                    chunk = keys[start : start + 500]
                    moved += model._default_manager.filter(pk__in=chunk, **{self.state_field: state}).update(
                        **values
                    )
                if moved != len(group):
                    raise Conflict(
                        _(
                            "Sebagian data baru saja diubah oleh pengguna lain; tidak ada yang diproses. "
                            "Muat ulang halaman dan periksa sebelum mencoba lagi."
                        )
                    )
            changes = []
            extra_fields: set[str] = set()
            for obj in objs:
                before = getattr(obj, self.state_field)
                extra = dict(updates_for(obj)) if updates_for else {}
                extra_fields.update(extra)
                for field, value in {**values, **extra}.items():
                    setattr(obj, field, value)
                changes.append(
                    audit.Change(
                        f"{self.name}.{name}",
                        obj=obj,
                        pemda_code=_pemda_code(obj),
                        before={self.state_field: before},
                        after={self.state_field: transition.target, "note": note, **(audit_extra or {})},
                    )
                )
            if extra_fields and objs:
                names = sorted(extra_fields)
                update_rows(type(objs[0]), names, {obj.pk: [getattr(obj, n) for n in names] for obj in objs})
            audit.record_many(actor=vetted, changes=changes)
        return transition


def _pemda_code(obj: models.Model) -> str:
    code = getattr(obj, "pemda_id", None) or getattr(obj, "pemda_code", None) or ""
    return str(code)


def update_unchanged(obj: models.Model, *, check: Mapping[str, Any], values: Mapping[str, Any]) -> None:
    """Save ``values`` only if the row still has the ``check`` values the user saw; else Conflict.

    For plain edits (not state moves): pass the row version or ``updated_at`` the form was built from, so
    two people editing the same line never overwrite each other silently. Call inside the service's
    transaction, before recording its audit entry.
    """
    if not type(obj)._default_manager.filter(pk=obj.pk, **check).update(**values):
        raise Conflict(
            _(
                "Data ini baru saja diubah oleh pengguna lain. Muat ulang halaman, periksa perubahannya, "
                "lalu simpan lagi."
            )
        )
    for name, value in values.items():
        setattr(obj, name, value)
