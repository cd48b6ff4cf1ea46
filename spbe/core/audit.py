"""The audit trail: append an entry in the caller's transaction, and verify the hash chain.

Services call :func:`record` inside their ``transaction.atomic`` block, so the change and its entry are
committed together or not at all. Nothing else writes ``AuditEntry``; the database refuses UPDATE and
DELETE on it (see migration ``core.0002_audit_triggers``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditEntry, AuditHead

GENESIS_HASH = "0" * 64
Actor = AbstractBaseUser | AnonymousUser | None
SYSTEM_ACTOR = "sistem"


def jsonable(value: Any) -> Any:
    """Turn a model value into JSON that survives both databases unchanged (no floats: amounts as text)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        raise TypeError("floats are not allowed in the audit trail; use Decimal")
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, models.Model):
        return jsonable(value.pk)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """Return the concrete field values of ``instance`` as JSON-safe data (foreign keys by id)."""
    names = list(fields) if fields is not None else [f.name for f in instance._meta.concrete_fields]
    data: dict[str, Any] = {}
    for name in names:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        data[name] = jsonable(getattr(instance, attname))
    return data


def entry_hash(
    *,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    pemda_code: str,
    action: str,
    object_type: str,
    object_id: str,
    before: Any,
    after: Any,
    prev_hash: str,
) -> str:
    """Hash every column of an entry together with the previous entry's hash."""
    payload = json.dumps(
        [
            seq,
            at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            actor_id,
            actor_label,
            pemda_code,
            action,
            object_type,
            object_id,
            before,
            after,
            prev_hash,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Change:
    """One change to record: what was done to which object, and its state before and after."""

    action: str
    obj: models.Model | None = None
    object_type: str | None = None
    object_id: str | int | None = None
    pemda_code: str = ""
    before: Any = None
    after: Any = None


def record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    pemda_code: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Append one entry to the chain. Must run inside the transaction that makes the change."""
    change = Change(action, obj, object_type, object_id, pemda_code, before, after)
    return record_many(actor=actor, changes=[change])[0]


def record_many(*, actor: AbstractBaseUser | AnonymousUser | None, changes: list[Change]) -> list[AuditEntry]:
    """Append one entry per change, in order, with one lock of the head and one insert.

    For services that change many objects at once (a pemda's desa governments, an import): the chain is
    the same as if each change had been recorded alone.
    """
    # The test runner's own wrapping transaction does not count: the service must open its own.
    if not any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
        raise RuntimeError("audit.record() must run inside the service's transaction.atomic block")
    if actor is not None and actor.is_authenticated:
        actor_id: int | None = actor.pk
        actor_label = actor.get_username()
    else:
        actor_id, actor_label = None, SYSTEM_ACTOR
    rows: list[dict[str, Any]] = []
    for change in changes:
        object_type, object_id = change.object_type, change.object_id
        if change.obj is not None:
            object_type = object_type or change.obj._meta.label_lower
            object_id = change.obj.pk if object_id is None else object_id
        if not object_type:
            raise ValueError("audit.record() needs obj or object_type")
        rows.append(
            {
                "actor_id": actor_id,
                "actor_label": actor_label,
                "pemda_code": change.pemda_code,
                "action": change.action,
                "object_type": object_type,
                "object_id": "" if object_id is None else str(object_id),
                "before": jsonable(change.before),
                "after": jsonable(change.after),
            }
        )
    if not rows:
        return []
    # The head row lock serialises appends on PostgreSQL; on SQLite the IMMEDIATE transaction mode
    # already holds the database write lock from the start of the transaction.
    head = AuditHead.objects.select_for_update().get(pk=1)
    seq, prev_hash, at = head.seq, head.hash, timezone.now()
    entries = []
    for row in rows:
        seq += 1
        fields = {**row, "seq": seq, "at": at, "prev_hash": prev_hash}
        prev_hash = entry_hash(**fields)
        entries.append(AuditEntry(**fields, hash=prev_hash))
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev_hash)
    return entries


@dataclass(frozen=True)
class VerifyResult:
    count: int
    head_hash: str
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


_COLUMNS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "pemda_code",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "prev_hash",
    "hash",
)


def _rows(chunk_size: int) -> Iterator[tuple[Any, ...]]:
    # Keyset pagination keeps memory flat and each query short, whatever the size of the log.
    last = 0
    while True:
        chunk = list(
            AuditEntry.objects.filter(seq__gt=last).order_by("seq").values_list(*_COLUMNS)[:chunk_size]
        )
        if not chunk:
            return
        yield from chunk
        last = chunk[-1][0]


def verify(chunk_size: int = 20_000) -> VerifyResult:
    """Walk the chain from the first entry; report the first entry that does not fit."""
    with transaction.atomic():
        head = AuditHead.objects.get(pk=1)
        expected_prev = GENESIS_HASH
        expected_seq = 1
        count = 0
        for row in _rows(chunk_size):
            fields = dict(zip(_COLUMNS[:11], row[:11], strict=True))
            seq, prev_hash, stored = fields["seq"], fields["prev_hash"], row[11]
            if seq != expected_seq:
                return VerifyResult(count, head.hash, expected_seq, f"entry #{expected_seq} is missing")
            if prev_hash != expected_prev:
                return VerifyResult(count, head.hash, seq, "link to the previous entry is broken")
            digest = entry_hash(**fields)
            if digest != stored:
                return VerifyResult(count, head.hash, seq, "content does not match its hash")
            expected_prev = stored
            expected_seq += 1
            count += 1
        if head.seq != count or head.hash != expected_prev:
            return VerifyResult(count, head.hash, count + 1, "entries after the last one found are missing")
        return VerifyResult(count, head.hash)
