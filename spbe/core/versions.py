"""Versions of budget-like documents (APBD murni/perubahan, APBDes, RKPD, plans), the same way everywhere.

A module's document model extends :class:`Version`; its lines point at it. Then:

* :func:`ensure_draft` locks the version row and refuses a frozen one. Every service that changes a line
  calls it first, inside its transaction, so an edit and a freeze never interleave.
* :func:`freeze` moves draft -> frozen (conditional update), storing the content hash over a canonical form
  of the lines: sorted by their key, amounts as decimal strings, JSON with sorted keys. A frozen version
  never changes again; its hash lets anyone check that what is published is what was adopted.
* :func:`copy_to_draft` starts the next version (a revision, the perubahan) as a copy of the lines.
* :func:`diff` compares any two sets of lines by key: added, removed, changed (with the fields that
  changed) and the totals of the amount field before and after.

A :class:`LineSpec` says which fields identify a line across versions and which are compared.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit
from .actors import MaybeActor, is_person, require_actor
from .errors import Conflict

HASH_ALGORITHM = "sha256"


class Version(models.Model):
    """A version of a document: editable while a draft, frozen forever once adopted."""

    class State(models.TextChoices):
        DRAFT = "draft", gettext_lazy("draf")
        FROZEN = "frozen", gettext_lazy("ditetapkan")

    number = models.PositiveIntegerField(gettext_lazy("nomor versi"), default=1)
    label = models.CharField(gettext_lazy("nama versi"), max_length=60, blank=True)
    version_state = models.CharField(
        gettext_lazy("status versi"), max_length=8, choices=State.choices, default=State.DRAFT
    )
    content_hash = models.CharField(gettext_lazy("sidik isi (SHA-256)"), max_length=64, blank=True)
    frozen_at = models.DateTimeField(gettext_lazy("ditetapkan pada"), null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="revisions"
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(version_state="draft", content_hash="")
                | (models.Q(version_state="frozen") & ~models.Q(content_hash="")),
                name="%(app_label)s_%(class)s_frozen_has_hash",
            )
        ]

    @property
    def is_frozen(self) -> bool:
        return self.version_state == self.State.FROZEN


@dataclass(frozen=True)
class LineSpec:
    """How the lines of one kind of version are read, identified, compared and copied.

    ``lines`` returns the line queryset of a version; ``key`` fields identify a line across versions
    (codes, not database ids); ``values`` are compared; ``amount`` (one of ``values``) is totalled;
    ``version_field`` is the lines' foreign key to the version, rewritten when lines are copied.
    """

    lines: Callable[[Version], models.QuerySet[Any]]
    key: Sequence[str]
    values: Sequence[str]
    amount: str | None = None
    version_field: str = "version"

    def rows(self, version: Version) -> list[dict[str, Any]]:
        return list(self.lines(version).values(*self.key, *self.values))


def _canonical_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        raise TypeError("floats are not allowed in a version's content; use Decimal")
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return audit.jsonable(value)


def _key(row: Mapping[str, Any], spec: LineSpec) -> tuple[str, ...]:
    return tuple("" if row[k] is None else str(row[k]) for k in spec.key)


def canonical(
    rows: Iterable[Mapping[str, Any]], spec: LineSpec, header: Mapping[str, Any] | None = None
) -> bytes:
    """The bytes a version's hash covers: header and lines sorted by key, decimals as exact strings."""
    lines = sorted(
        ([_canonical_value(row[f]) for f in (*spec.key, *spec.values)] for row in rows),
        key=lambda line: json.dumps(line[: len(spec.key)], ensure_ascii=True),
    )
    keys = [_key(dict(zip((*spec.key, *spec.values), line, strict=True)), spec) for line in lines]
    if len(set(keys)) != len(keys):
        raise ValueError("two lines of one version share a key; the key must identify a line")
    document = {
        "fields": [*spec.key, *spec.values],
        "header": {k: _canonical_value(v) for k, v in (header or {}).items()},
        "lines": lines,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def content_hash(
    rows: Iterable[Mapping[str, Any]], spec: LineSpec, header: Mapping[str, Any] | None = None
) -> str:
    return hashlib.sha256(canonical(rows, spec, header)).hexdigest()


def _pemda_code(version: Version) -> str:
    return str(getattr(version, "pemda_id", None) or getattr(version, "pemda_code", None) or "")


def ensure_draft(version: Version) -> Version:
    """Lock the version row for this transaction and refuse to go on if it is frozen."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ensure_draft() must run inside the service's transaction")
    locked = type(version)._default_manager.select_for_update().get(pk=version.pk)
    if locked.is_frozen:
        raise Conflict(
            _("Versi %(label)s sudah ditetapkan dan tidak dapat diubah; buat versi baru untuk perubahan.")
            % {"label": locked.label or locked.number}
        )
    return locked


def freeze(
    version: Version,
    spec: LineSpec,
    *,
    actor: MaybeActor,
    header: Mapping[str, Any] | None = None,
    action: str | None = None,
) -> Version:
    """Freeze a draft: compute its content hash and make it immutable, recorded in the audit trail.

    The caller's service has already checked that ``actor`` may adopt it (``can.require(...)``).
    """
    vetted = require_actor(actor)
    model = type(version)
    with transaction.atomic():
        locked = ensure_draft(version)
        digest = content_hash(spec.rows(locked), spec, header)
        now = timezone.now()
        moved = model._default_manager.filter(pk=locked.pk, version_state=Version.State.DRAFT).update(
            version_state=Version.State.FROZEN,
            content_hash=digest,
            frozen_at=now,
            frozen_by_id=vetted.pk if is_person(vetted) else None,
        )
        if not moved:  # pragma: no cover - the row lock above makes this unreachable; kept as a guard
            raise Conflict(_("Versi ini baru saja ditetapkan oleh pengguna lain."))
        audit.record(
            actor=vetted,
            action=action or f"{model._meta.label_lower}.freeze",
            obj=locked,
            pemda_code=_pemda_code(locked),
            before={"version_state": Version.State.DRAFT},
            after={
                "version_state": Version.State.FROZEN,
                "content_hash": digest,
                "algorithm": HASH_ALGORITHM,
            },
        )
    version.refresh_from_db()
    return version


def verify_frozen(version: Version, spec: LineSpec, header: Mapping[str, Any] | None = None) -> bool:
    """Whether a frozen version's lines still hash to what was recorded when it was frozen."""
    return version.is_frozen and content_hash(spec.rows(version), spec, header) == version.content_hash


def copy_to_draft(
    version: Version,
    spec: LineSpec,
    *,
    actor: MaybeActor,
    values: Mapping[str, Any],
    action: str | None = None,
) -> Version:
    """Start the next version as a copy of ``version`` and its lines (a revision starts from what was).

    ``values`` are the new version's own fields (label, number, its pemda and year ...). Lines are copied
    with every concrete field except the primary key, pointing at the new version.
    """
    vetted = require_actor(actor)
    model = type(version)
    with transaction.atomic():
        # One mapping: the django-stubs plugin reads keyword arguments against the abstract base, which
        # has no manager, and refuses ``based_on`` once a concrete subclass exists.
        fields = {**values, "based_on": version, "version_state": Version.State.DRAFT, "content_hash": ""}
        draft = model(**fields)
        draft.save()
        source = list(spec.lines(version).order_by("pk"))
        copies = []
        for line in source:
            line.pk = None
            line._state.adding = True
            setattr(line, spec.version_field, draft)
            copies.append(line)
        if copies:
            type(copies[0])._default_manager.bulk_create(copies, batch_size=1000)
        audit.record(
            actor=vetted,
            action=action or f"{model._meta.label_lower}.copy",
            obj=draft,
            pemda_code=_pemda_code(draft),
            after={
                "based_on": version.pk,
                "lines": len(copies),
                "label": draft.label,
                "number": draft.number,
            },
        )
    return draft


@dataclass(frozen=True)
class LineChange:
    key: tuple[str, ...]
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    fields: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed"


@dataclass(frozen=True)
class Diff:
    added: list[LineChange] = field(default_factory=list)
    removed: list[LineChange] = field(default_factory=list)
    changed: list[LineChange] = field(default_factory=list)
    total_before: Decimal = Decimal("0.00")
    total_after: Decimal = Decimal("0.00")

    @property
    def total_change(self) -> Decimal:
        return self.total_after - self.total_before

    @property
    def lines(self) -> list[LineChange]:
        """Every difference, in key order."""
        return sorted([*self.added, *self.removed, *self.changed], key=lambda c: c.key)


def diff(before: Iterable[Mapping[str, Any]], after: Iterable[Mapping[str, Any]], spec: LineSpec) -> Diff:
    """Compare two versions' lines (``spec.rows(v)``) by key: added, removed and changed, and totals."""
    old = {_key(r, spec): dict(r) for r in before}
    new = {_key(r, spec): dict(r) for r in after}
    result = Diff()
    for key in sorted(new.keys() - old.keys()):
        result.added.append(LineChange(key, None, new[key]))
    for key in sorted(old.keys() - new.keys()):
        result.removed.append(LineChange(key, old[key], None))
    for key in sorted(old.keys() & new.keys()):
        fields = tuple(f for f in spec.values if old[key][f] != new[key][f])
        if fields:
            result.changed.append(LineChange(key, old[key], new[key], fields))
    if spec.amount:
        total_before = sum((Decimal(r[spec.amount] or 0) for r in old.values()), Decimal("0.00"))
        total_after = sum((Decimal(r[spec.amount] or 0) for r in new.values()), Decimal("0.00"))
        return Diff(result.added, result.removed, result.changed, total_before, total_after)
    return result
