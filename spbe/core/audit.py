"""The audit trail: append an entry in the caller's transaction, and verify the hash chains.

Services call :func:`record` inside their ``transaction.atomic`` block, so the change and its entry are
committed together or not at all. Nothing else writes ``AuditEntry``; the database refuses UPDATE and
DELETE on it and refuses moving a chain's head back (``spbe.core.audit_guard``).

Each pemda has its own chain, and events of no tenant go to the platform chain (``pemda_code=""``). An
append locks only its own chain's head, so a long import in one regency never makes another wait.
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

from django.db import connection, models
from django.utils import timezone

from .actors import Actor, MaybeActor, actor_identity, require_actor
from .audit_guard import GENESIS_HASH
from .bulk import insert_many
from .models import AuditEntry, AuditHead

__all__ = ["GENESIS_HASH", "Actor", "Change", "record", "record_many", "snapshot", "verify"]
PLATFORM = ""


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
    actor: MaybeActor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    pemda_code: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Append one entry to its pemda's chain. Must run inside the transaction that makes the change."""
    change = Change(action, obj, object_type, object_id, pemda_code, before, after)
    return record_many(actor=actor, changes=[change])[0]


def record_many(*, actor: MaybeActor, changes: list[Change]) -> list[AuditEntry]:
    """Append one entry per change, in order, locking each chain's head once and inserting in one go.

    For services that change many objects at once (a pemda's desa governments, an import): each chain
    ends up the same as if every change had been recorded alone. ``actor`` must be a signed-in person or
    a :class:`~spbe.core.actors.SystemActor`; anyone else is refused, so an entry never says "sistem" for
    a write that nobody vouched for.
    """
    # The test runner's own wrapping transaction does not count: the service must open its own.
    if not any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
        raise RuntimeError("audit.record() must run inside the service's transaction.atomic block")
    actor_id, actor_label = actor_identity(require_actor(actor))
    by_chain: dict[str, list[dict[str, Any]]] = {}
    for change in changes:
        object_type, object_id = change.object_type, change.object_id
        if change.obj is not None:
            object_type = object_type or change.obj._meta.label_lower
            object_id = change.obj.pk if object_id is None else object_id
        if not object_type:
            raise ValueError("audit.record() needs obj or object_type")
        by_chain.setdefault(change.pemda_code, []).append(
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
    at = timezone.now()
    entries: list[AuditEntry] = []
    # Heads are locked in code order, so two writers touching the same chains never deadlock.
    for code in sorted(by_chain):
        entries += _append(code, by_chain[code], at)
    return entries  # chain by chain, each in the order given


# Above this many entries in one chain, _append writes them with insert_many (no primary keys returned).
BULK_ENTRIES = 100
ENTRY_COLUMNS = tuple(f.name for f in AuditEntry._meta.concrete_fields if not f.primary_key)
ENTRY_ATTNAMES = tuple(f.attname for f in AuditEntry._meta.concrete_fields if not f.primary_key)


def _lock_head(code: str) -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pemda_code=code).first()
    if head is not None:
        return head
    if AuditEntry.objects.filter(pemda_code=code).exists():
        # The head is protected by a trigger; its absence means someone with database rights removed it.
        # Starting a new chain here would hide that, so every write to this chain stops until it is examined.
        raise RuntimeError(
            f"the audit chain head of {code or 'the platform'} is missing; run 'spbe verify_audit'"
        )
    # First entry of this chain: create its head; a concurrent creator's row wins and is then locked.
    AuditHead.objects.bulk_create(
        [AuditHead(pemda_code=code, seq=0, hash=GENESIS_HASH)], ignore_conflicts=True
    )
    return AuditHead.objects.select_for_update().get(pemda_code=code)


def _append(code: str, rows: list[dict[str, Any]], at: Any) -> list[AuditEntry]:
    # On PostgreSQL the head row lock serialises appends to this chain only; on SQLite the IMMEDIATE
    # transaction mode already holds the database write lock from the start of the transaction.
    head = _lock_head(code)
    seq, prev_hash = head.seq, head.hash
    entries = []
    for row in rows:
        seq += 1
        fields = {**row, "seq": seq, "at": at, "prev_hash": prev_hash}
        prev_hash = entry_hash(**fields)
        entries.append(AuditEntry(**fields, hash=prev_hash))
    if len(entries) <= BULK_ENTRIES:
        AuditEntry.objects.bulk_create(entries, batch_size=1000)
    else:
        # An import's thousands of entries: one prepared INSERT (core.bulk.insert_many) instead of
        # bulk_create, whose SQL building in Python cost more than hashing the chain. The returned
        # entries then carry no primary key (nothing reads it: the chain is (pemda_code, seq)).
        insert_many(
            AuditEntry,
            ENTRY_COLUMNS,
            ([getattr(entry, name) for name in ENTRY_ATTNAMES] for entry in entries),
        )
    AuditHead.objects.filter(pemda_code=code).update(seq=seq, hash=prev_hash)
    return entries


@dataclass(frozen=True)
class ChainResult:
    """What verifying one chain found: ``count`` intact entries up to the head read at the start."""

    pemda_code: str
    count: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


@dataclass(frozen=True)
class VerifyResult:
    chains: list[ChainResult]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.chains)

    @property
    def count(self) -> int:
        return sum(c.count for c in self.chains)

    @property
    def broken(self) -> list[ChainResult]:
        return [c for c in self.chains if not c.ok]


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


def _rows(code: str, upto: int, chunk_size: int) -> Iterator[tuple[Any, ...]]:
    # Keyset pagination keeps memory flat and each query short, whatever the size of the log. The walk
    # stops at the head read before it started: entries appended meanwhile are not looked at, and every
    # entry up to that head was committed together with the head, so none can be "missing" by timing.
    last = 0
    while last < upto:
        chunk = list(
            AuditEntry.objects.filter(pemda_code=code, seq__gt=last, seq__lte=upto)
            .order_by("seq")
            .values_list(*_COLUMNS)[:chunk_size]
        )
        if not chunk:
            return
        yield from chunk
        last = chunk[-1][0]


def verify_chain(code: str, head_seq: int, head_hash: str, chunk_size: int = 20_000) -> ChainResult:
    """Walk one chain from its first entry up to the given head; report the first entry that does not fit."""
    expected_prev, expected_seq, count = GENESIS_HASH, 1, 0

    def broken(seq: int, reason: str) -> ChainResult:
        return ChainResult(code, count, head_seq, head_hash, seq, reason)

    for row in _rows(code, head_seq, chunk_size):
        fields = dict(zip(_COLUMNS[:11], row[:11], strict=True))
        seq, prev_hash, stored = fields["seq"], fields["prev_hash"], row[11]
        if seq != expected_seq:
            return broken(expected_seq, f"entry #{expected_seq} is missing")
        if prev_hash != expected_prev:
            return broken(seq, "link to the previous entry is broken")
        if entry_hash(**fields) != stored:
            return broken(seq, "content does not match its hash")
        expected_prev, expected_seq, count = stored, expected_seq + 1, count + 1
    if count != head_seq:
        return broken(count + 1, f"entry #{count + 1} is missing (the head says {head_seq} entries)")
    if expected_prev != head_hash:
        return broken(count, "the newest entry does not match the head")
    return ChainResult(code, count, head_seq, head_hash)


def verify(
    chunk_size: int = 20_000,
    *,
    pemda_code: str | None = None,
    expect: dict[str, tuple[int, str]] | None = None,
) -> VerifyResult:
    """Verify every chain (or one), each up to the head it had when the check started.

    ``expect`` maps a chain to a (seq, hash) recorded elsewhere earlier (a printed report, another
    system): the chain must still contain that entry unchanged. This catches what the chain alone cannot:
    newest entries deleted and the head rewound by someone who switched the database guards off.
    """
    heads = {h.pemda_code: (h.seq, h.hash) for h in AuditHead.objects.all()}
    codes = set(heads)
    codes.update(AuditEntry.objects.values_list("pemda_code", flat=True).distinct())
    if expect:
        codes.update(expect)
    if pemda_code is not None:
        codes = {pemda_code}
    results = []
    for code in sorted(codes):
        if code not in heads:
            results.append(ChainResult(code, 0, 0, "", 1, "the chain has no head"))
            continue
        seq, digest = heads[code]
        result = verify_chain(code, seq, digest, chunk_size)
        if result.ok and expect and code in expect:
            result = _check_expected(result, *expect[code])
        results.append(result)
    return VerifyResult(results)


def _check_expected(result: ChainResult, seq: int, digest: str) -> ChainResult:
    if seq > result.head_seq:
        return ChainResult(
            result.pemda_code,
            result.count,
            result.head_seq,
            result.head_hash,
            result.head_seq + 1,
            f"entries after #{result.head_seq} are missing (#{seq} was recorded earlier)",
        )
    found = AuditEntry.objects.filter(pemda_code=result.pemda_code, seq=seq).values_list("hash", flat=True)
    if list(found) != [digest]:
        return ChainResult(
            result.pemda_code,
            result.count,
            result.head_seq,
            result.head_hash,
            seq,
            f"entry #{seq} differs from the head recorded earlier",
        )
    return result
