"""Human names for what the audit trail stores as codes: actions, object types, their fields and values.

The trail keeps stable codes (``membership.grant``, ``accounts.membership``) because its entries are
hashed and must never change; people read labels. Each app says what its codes mean in its own
``audit_labels.py`` module, found the first time a label is asked for::

    from spbe.core import audit_labels
    audit_labels.register("membership.grant", _("Peran diberikan"))
    audit_labels.register_object_type("accounts.membership", _("Keanggotaan"), describe=..., fields=...)

A code nobody registered is shown as it is, so a new action is never hidden, only less readable.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

Label = str | Promise
# Given object ids (as stored in the trail, strings), return a readable text for those that still exist.
Describer = Callable[[list[str]], Mapping[str, str]]


@dataclass(frozen=True)
class Ref:
    """A field whose value is the id of another object type: shown as that object's description."""

    object_type: str


@dataclass
class ObjectType:
    label: Label
    describe: Describer | None = None
    fields: dict[str, Label] = field(default_factory=dict)
    # Per field: a mapping of stored values to labels (choices), a formatter, or a Ref to another object.
    values: dict[str, Mapping[Any, Label] | Callable[[Any], str] | Ref] = field(default_factory=dict)


_actions: dict[str, Label] = {}
_object_types: dict[str, ObjectType] = {}
_discovered = False
_lock = threading.Lock()


def register(action: str, label: Label) -> None:
    """Name an action code (``<thing>.<verb>``) for people."""
    _actions[action] = label


def register_object_type(
    object_type: str,
    label: Label,
    *,
    describe: Describer | None = None,
    fields: Mapping[str, Label] | None = None,
    values: Mapping[str, Mapping[Any, Label] | Callable[[Any], str] | Ref] | None = None,
) -> None:
    """Name an object type (``app_label.model``), how to describe its objects, and its fields."""
    _object_types[object_type] = ObjectType(label, describe, dict(fields or {}), dict(values or {}))


def discover() -> None:
    """Import every installed app's ``audit_labels`` module once."""
    global _discovered
    if _discovered:
        return
    with _lock:
        if not _discovered:
            autodiscover_modules("audit_labels")
            _discovered = True


def action_label(action: str) -> str:
    discover()
    label = _actions.get(action)
    return str(label) if label is not None else action


def action_choices() -> list[tuple[str, str]]:
    """Every registered action with its label, sorted by label, for a filter."""
    discover()
    return sorted(((code, str(label)) for code, label in _actions.items()), key=lambda c: c[1].lower())


def object_type_label(object_type: str) -> str:
    discover()
    found = _object_types.get(object_type)
    return str(found.label) if found is not None else object_type


def object_type_choices() -> list[tuple[str, str]]:
    discover()
    return sorted(((code, str(t.label)) for code, t in _object_types.items()), key=lambda c: c[1].lower())


def field_label(object_type: str, name: str) -> str:
    discover()
    found = _object_types.get(object_type)
    label = found.fields.get(name) if found is not None else None
    return str(label) if label is not None else name


def value_rule(object_type: str, name: str) -> Mapping[Any, Label] | Callable[[Any], str] | Ref | None:
    discover()
    found = _object_types.get(object_type)
    return found.values.get(name) if found is not None else None


def describe(object_type: str, ids: Iterable[str]) -> dict[str, str]:
    """Describe objects of one type in one call; objects removed since are left out."""
    discover()
    found = _object_types.get(object_type)
    wanted = sorted({i for i in ids if i})
    if found is None or found.describe is None or not wanted:
        return {}
    return dict(found.describe(wanted))
