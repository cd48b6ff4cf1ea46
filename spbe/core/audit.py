"""The audit trail: append an entry in the caller's transaction, and verify the hash chains.

Services call :func:`record` inside their ``transaction.atomic`` block, so the change and its entry are
committed together or not at all. Nothing else writes ``AuditEntry``; the database refuses DELETE on it,
every UPDATE but the one that seals an entry, and moving a chain's head back (``spbe.core.audit_guard``).

Each pemda has its own chain, and events of no tenant go to the platform chain (``pemda_code=""``).

On PostgreSQL the entry is inserted *unsealed* (no ``seq``, no hashes) in the service's transaction, which
takes no audit lock at all, and :func:`seal` chains it in a short transaction of its own right after the
commit (``on_commit``): it locks the chain's head, numbers and hashes every entry still unsealed in id
order, and moves the head. Holding the head from ``record`` to the commit used to serialise every write
of a pemda (330 desa operators on deadline day queued behind one row lock). A sealer that finds the head
taken leaves: whoever holds it checks again after its commit and seals what arrived meanwhile. A crash
between the commit and the seal leaves the entry unsealed until the chain's next write or
``spbe seal_audit``; ``spbe verify_audit`` reports entries left unsealed for longer than a minute.

On SQLite, where every write transaction holds the database's single write lock from its start
(``IMMEDIATE``), a second transaction would only add a wait, so the entry is sealed inline; so it is inside
the test runner's own transaction, which never commits.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import connection, models, transaction
from django.utils import timezone

from .actors import Actor, MaybeActor, actor_identity, require_actor
from .audit_guard import GENESIS_HASH
from .bulk import insert_many
from .models import AuditEntry, AuditHead

__all__ = ["GENESIS_HASH", "Actor", "Change", "record", "record_many", "seal", "snapshot", "verify"]
PLATFORM = ""
logger = logging.getLogger(__name__)
# verify() reports an entry still unsealed after this long: its writer crashed between commit and seal.
UNSEALED_GRACE = dt.timedelta(minutes=1)


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
    if not _in_service_transaction():
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
    if _seal_after_commit():
        for code in sorted(by_chain):
            entries += _insert_unsealed(code, by_chain[code], at)
            transaction.on_commit(functools.partial(_seal_on_commit, code), robust=True)
        return entries  # chain by chain, each in the order given; seq and hashes come with the seal
    # Heads are locked in code order, so two writers touching the same chains never deadlock.
    for code in sorted(by_chain):
        entries += _append(code, by_chain[code], at)
    return entries  # chain by chain, each in the order given


def _in_service_transaction() -> bool:
    # The test runner's own wrapping transaction does not count: the service must open its own.
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _seal_after_commit() -> bool:
    # The test runner's wrapping transaction never commits, so an after-commit seal would never run there.
    in_test_case = getattr(connection.atomic_blocks[0], "_from_testcase", False)
    return connection.vendor == "postgresql" and not in_test_case


def _seal_on_commit(code: str) -> None:
    # Looks _seal_committed up when the commit happens, so a test can play a crash before the seal.
    _seal_committed(code)


def _seal_committed(code: str) -> None:
    seal(code)


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


def _insert_unsealed(code: str, rows: list[dict[str, Any]], at: Any) -> list[AuditEntry]:
    """Insert entries without seq or hashes, taking no lock: :func:`seal` chains them after the commit."""
    # A missing head still stops writes to its chain (a plain read, no lock): a new chain starts only
    # when it has no entries at all, exactly as _lock_head decides.
    if not AuditHead.objects.filter(pemda_code=code).exists():
        if AuditEntry.objects.filter(pemda_code=code).exists():
            raise RuntimeError(
                f"the audit chain head of {code or 'the platform'} is missing; run 'spbe verify_audit'"
            )
        AuditHead.objects.bulk_create(
            [AuditHead(pemda_code=code, seq=0, hash=GENESIS_HASH)], ignore_conflicts=True
        )
    entries = [AuditEntry(**row, seq=None, at=at, prev_hash="", hash="") for row in rows]
    if len(entries) <= BULK_ENTRIES:
        AuditEntry.objects.bulk_create(entries, batch_size=1000)
    else:
        insert_many(
            AuditEntry,
            ENTRY_COLUMNS,
            ([getattr(entry, name) for name in ENTRY_ATTNAMES] for entry in entries),
        )
    return entries


# The columns an entry's hash covers, as the sealer reads them back (as verify will).
_SEALED_FROM = (
    "at",
    "actor_id",
    "actor_label",
    "pemda_code",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
)
SEAL_BATCH = 1000


def seal(code: str, *, wait: bool = False) -> int:
    """Chain every committed, still unsealed entry of ``code``'s chain, in id order; return how many.

    Runs in transactions of its own (never inside a caller's). Without ``wait`` a sealer that finds the
    head locked leaves at once: the holder is sealing, and after its commit it looks again for entries
    committed meanwhile, so none is left behind (an entry committed before this sealer tried the lock is
    visible to that later look). ``wait`` (``spbe seal_audit``) waits for the lock instead.
    """
    if _in_service_transaction():
        raise RuntimeError("audit.seal() runs in its own transactions, after the writer's commit")
    total = 0
    while True:
        with transaction.atomic():
            head = _lock_head(code) if wait else _try_lock_head(code)
            if head is None:
                return total  # another sealer holds the head and will look again after its commit
            sealed = _seal_locked(head)
        total += sealed
        if not AuditEntry.objects.filter(pemda_code=code, seq__isnull=True).exists():
            return total


def _try_lock_head(code: str) -> AuditHead | None:
    head = AuditHead.objects.select_for_update(skip_locked=True).filter(pemda_code=code).first()
    if head is None and not AuditHead.objects.filter(pemda_code=code).exists():
        return _lock_head(code)  # no head at all: _lock_head starts the chain or refuses a missing head
    return head


def _seal_locked(head: AuditHead) -> int:
    rows = list(
        AuditEntry.objects.filter(pemda_code=head.pemda_code, seq__isnull=True)
        .order_by("id")
        .values_list("id", *_SEALED_FROM)
    )
    if not rows:
        return 0
    seq, prev_hash = head.seq, head.hash
    sealed: list[tuple[int, int, str, str]] = []
    for row in rows:
        seq += 1
        digest = entry_hash(**dict(zip(_SEALED_FROM, row[1:], strict=True)), seq=seq, prev_hash=prev_hash)
        sealed.append((row[0], seq, prev_hash, digest))
        prev_hash = digest
    for start in range(0, len(sealed), SEAL_BATCH):
        _write_seals(sealed[start : start + SEAL_BATCH])
    AuditHead.objects.filter(pemda_code=head.pemda_code).update(seq=seq, hash=prev_hash)
    return len(sealed)


def _write_seals(batch: list[tuple[int, int, str, str]]) -> None:
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            values = ", ".join(["(%s::bigint, %s::bigint, %s, %s)"] * len(batch))
            cursor.execute(
                f"UPDATE {table} AS e SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash "  # noqa: S608
                f"FROM (VALUES {values}) AS v(id, seq, prev_hash, hash) WHERE e.id = v.id AND e.seq IS NULL",
                [value for row in batch for value in row],
            )
            updated = cursor.rowcount
        else:
            updated = 0
            for entry_id, seq, prev_hash, digest in batch:
                cursor.execute(
                    f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s "  # noqa: S608
                    "WHERE id = %s AND seq IS NULL",
                    [seq, prev_hash, digest, entry_id],
                )
                updated += cursor.rowcount
    if updated != len(batch):  # the head lock makes this impossible; never leave a half-sealed chain
        raise RuntimeError(f"sealed {updated} of {len(batch)} audit entries; the seal is rolled back")


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
    # Entries not yet sealed into their chain, per chain; and those of them older than the grace period
    # (their writer stopped between its commit and the seal: ``spbe seal_audit`` chains them).
    unsealed: dict[str, int] = field(default_factory=dict)
    stale: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.chains) and not self.stale

    @property
    def count(self) -> int:
        return sum(c.count for c in self.chains)

    @property
    def broken(self) -> list[ChainResult]:
        return [c for c in self.chains if not c.ok]


_COLUMNS = ("seq", *_SEALED_FROM, "prev_hash", "hash")


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
    grace: dt.timedelta = UNSEALED_GRACE,
) -> VerifyResult:
    """Verify every chain (or one), each up to the head it had when the check started.

    ``expect`` maps a chain to a (seq, hash) recorded elsewhere earlier (a printed report, another
    system): the chain must still contain that entry unchanged. This catches what the chain alone cannot:
    newest entries deleted and the head rewound by someone who switched the database guards off.
    """
    unsealed, stale = _unsealed(pemda_code, grace)
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
    return VerifyResult(results, unsealed, stale)


def _unsealed(pemda_code: str | None, grace: dt.timedelta) -> tuple[dict[str, int], dict[str, int]]:
    # Read before the heads: an entry sealed meanwhile is then counted here and also walked, never neither.
    pending = AuditEntry.objects.filter(seq__isnull=True)
    if pemda_code is not None:
        pending = pending.filter(pemda_code=pemda_code)
    old_before = timezone.now() - grace
    unsealed: dict[str, int] = {}
    stale: dict[str, int] = {}
    for code, at in pending.order_by().values_list("pemda_code", "at"):
        unsealed[code] = unsealed.get(code, 0) + 1
        if at < old_before:
            stale[code] = stale.get(code, 0) + 1
    return unsealed, stale


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
