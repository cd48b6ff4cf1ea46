"""The audit trail of one pemda as people read it: filters, and each entry with labels and its changes.

Reads only; the caller has already checked that the user may read the pemda's trail. Labels come from
``spbe.core.audit_labels``; objects are described in one query per object type per page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format, localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spbe.core import audit_labels
from spbe.core.actors import SYSTEM_LABEL
from spbe.core.audit_labels import Ref
from spbe.core.models import AuditEntry

from .models import Pemda


class AuditFilterForm(forms.Form):
    """Narrow the trail by action, actor, date range and object. Every field is optional."""

    action = forms.ChoiceField(label=gettext_lazy("Tindakan"), required=False)
    actor = forms.CharField(label=gettext_lazy("Pelaku"), required=False, max_length=150)
    date_from = forms.DateField(
        label=gettext_lazy("Dari tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("Sampai tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    object_type = forms.ChoiceField(label=gettext_lazy("Jenis objek"), required=False)
    object_id = forms.CharField(label=gettext_lazy("ID objek"), required=False, max_length=80)

    def __init__(self, *args: Any, actors: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("— semua —"))]
        self.fields["action"].choices = everything + audit_labels.action_choices()  # type: ignore[attr-defined]
        self.fields["object_type"].choices = everything + audit_labels.object_type_choices()  # type: ignore[attr-defined]
        self.fields["actor"].widget.attrs["list"] = "audit-actors"
        self.actors = list(actors)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Tanggal akhir harus sama dengan atau sesudah tanggal awal."))
        return cleaned


def pemda_entries(pemda: Pemda) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(pemda_code=pemda.code)


def actor_names(pemda: Pemda) -> list[str]:
    """Who appears in the pemda's trail, for the actor field's suggestions."""
    return list(pemda_entries(pemda).order_by("actor_label").values_list("actor_label", flat=True).distinct())


def _start_of(day: dt.date) -> dt.datetime:
    # Days are the pemda's days: the view runs under the pemda's time zone.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filtered_entries(pemda: Pemda, filters: Mapping[str, Any]) -> QuerySet[AuditEntry]:
    entries = pemda_entries(pemda)
    if filters.get("action"):
        entries = entries.filter(action=filters["action"])
    if filters.get("actor"):
        entries = entries.filter(actor_label__iexact=filters["actor"].strip())
    if filters.get("date_from"):
        entries = entries.filter(at__gte=_start_of(filters["date_from"]))
    if filters.get("date_to"):
        entries = entries.filter(at__lt=_start_of(filters["date_to"] + dt.timedelta(days=1)))
    if filters.get("object_type"):
        entries = entries.filter(object_type=filters["object_type"])
    if filters.get("object_id"):
        entries = entries.filter(object_id=filters["object_id"].strip())
    return entries.order_by("-seq")


@dataclass
class FieldChange:
    label: str
    before: str
    after: str
    changed: bool


@dataclass
class EntryView:
    entry: AuditEntry
    action_label: str
    object_type_label: str
    object_text: str
    changes: list[FieldChange]

    @property
    def changed(self) -> list[FieldChange]:
        return [c for c in self.changes if c.changed]

    @property
    def actor(self) -> tuple[str, str]:
        """Who acted, for people: a person's username, or "Sistem" with the command or job that acted."""
        label = self.entry.actor_label
        prefix = f"{SYSTEM_LABEL}:"
        if label.startswith(prefix):
            name = label.removeprefix(prefix)
            if name.startswith("job:"):
                return _("Sistem"), _("pekerjaan latar belakang")
            return _("Sistem"), _("perintah server %(name)s") % {"name": name}
        return label, ""

    @property
    def kind(self) -> str:
        """``created`` (nothing before), ``removed`` (nothing after) or ``changed``."""
        if self.entry.before is None:
            return "created"
        if self.entry.after is None:
            return "removed"
        return "changed"


_MISSING = object()


def _refs(entries: Iterable[AuditEntry]) -> dict[str, set[str]]:
    """Every object id a page needs described, grouped by type: the entries' objects and referenced ids."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        if e.object_id:
            wanted[e.object_type].add(e.object_id)
        for snapshot in (e.before, e.after):
            if not isinstance(snapshot, dict):
                continue
            for name, value in snapshot.items():
                rule = audit_labels.value_rule(e.object_type, name)
                if isinstance(rule, Ref) and value not in (None, ""):
                    wanted[rule.object_type].add(str(value))
    return wanted


def _datetime(text: str) -> dt.datetime | None:
    """A timestamp as the trail stores it (ISO 8601 with its offset), or None for any other text."""
    if len(text) < 19 or text[4] != "-" or "T" not in text:
        return None
    try:
        moment = parse_datetime(text)
    except ValueError:
        return None
    return moment if moment is not None and timezone.is_aware(moment) else None


def _show(value: Any, rule: Any, described: Mapping[str, Mapping[str, str]]) -> str:
    if value is _MISSING or value is None or value == "":
        return "—"
    if isinstance(rule, Ref):
        return described.get(rule.object_type, {}).get(str(value), f"#{value}")
    if isinstance(rule, Mapping):
        label = rule.get(value)
        return str(label) if label is not None else str(value)
    if callable(rule):
        return str(rule(value))
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, int):
        return str(localize(value))
    if isinstance(value, str) and (moment := _datetime(value)) is not None:
        return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


# Bookkeeping columns every snapshot carries: the entry's own time and object already say this.
_HIDDEN_FIELDS = frozenset({"id", "created_at", "updated_at"})


def _changes(e: AuditEntry, described: Mapping[str, Mapping[str, str]]) -> list[FieldChange]:
    """One row per field that has a value on either side; ``changed`` where the two sides differ."""
    before = e.before if isinstance(e.before, dict) else {}
    after = e.after if isinstance(e.after, dict) else {}
    rows = []
    for name in dict.fromkeys([*before, *after]):
        if name in _HIDDEN_FIELDS:
            continue
        rule = audit_labels.value_rule(e.object_type, name)
        old = _show(before.get(name, _MISSING), rule, described)
        new = _show(after.get(name, _MISSING), rule, described)
        if old == new == "—":
            continue
        rows.append(FieldChange(audit_labels.field_label(e.object_type, name), old, new, changed=old != new))
    return rows


def entry_views(entries: Iterable[AuditEntry]) -> list[EntryView]:
    """Turn one page of entries into what the page shows (one describe call per object type)."""
    page = list(entries)
    described = {t: audit_labels.describe(t, ids) for t, ids in _refs(page).items()}
    views = []
    for e in page:
        type_label = audit_labels.object_type_label(e.object_type)
        name = described.get(e.object_type, {}).get(e.object_id)
        if name is None:
            name = f"{type_label} #{e.object_id}" if e.object_id else type_label
        views.append(
            EntryView(e, audit_labels.action_label(e.action), type_label, name, _changes(e, described))
        )
    return views
