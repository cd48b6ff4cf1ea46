"""Sealing: entries written unsealed in the change's transaction are chained right after it commits.

On PostgreSQL a real write inserts its entry unsealed and seals it after the commit (covered with real
commits in ``test_audit_concurrency.py``). Here the unsealed entries are made the same way, inside the
test's transaction, and sealed by hand: the order, the guard's one allowed UPDATE, and what
``verify_audit`` and ``seal_audit`` say about entries a crashed writer left unsealed.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from spbe.core import audit
from spbe.core.actors import system
from spbe.core.models import AuditEntry, AuditHead

pytestmark = pytest.mark.django_db


def _write(chain: str, n: int) -> AuditEntry:
    with transaction.atomic():
        return audit.record(
            actor=system("tests"),
            action="test.seal",
            object_type="test.thing",
            pemda_code=chain,
            after={"n": n},
        )


@pytest.fixture
def unsealed(monkeypatch):
    """A write on the PostgreSQL path: unsealed in its transaction, to be sealed after a commit."""

    def write(chain: str, n: int) -> AuditEntry:
        with monkeypatch.context() as patch:
            patch.setattr(audit, "_seal_after_commit", lambda: True)
            return _write(chain, n)

    return write


def _seqs(chain: str) -> list[int | None]:
    return list(AuditEntry.objects.filter(pemda_code=chain).order_by("id").values_list("seq", flat=True))


def test_a_write_leaves_its_entry_unsealed_and_the_seal_chains_it_in_order(unsealed):
    _write("35.10", 0)  # sealed inline (the test's transaction never commits)
    for n in range(1, 4):
        unsealed("35.10", n)
    unsealed("19.06", 0)
    assert _seqs("35.10") == [1, None, None, None]
    assert AuditEntry.objects.filter(seq__isnull=True, hash="", prev_hash="").count() == 4
    assert audit.seal("35.10") == 3
    assert _seqs("35.10") == [1, 2, 3, 4]
    assert _seqs("19.06") == [None]  # another chain is sealed by its own writers
    assert AuditHead.objects.get(pemda_code="35.10").seq == 4
    result = audit.verify(pemda_code="35.10")
    assert (result.ok, result.count) == (True, 4)
    assert audit.seal("35.10") == 0


def test_sealing_gives_the_same_chain_as_sealing_inline(unsealed):
    entries = [unsealed("35.10", n) for n in range(3)]
    audit.seal("35.10")
    sealed = list(AuditEntry.objects.filter(pemda_code="35.10").order_by("seq"))
    assert [e.pk for e in sealed] == [e.pk for e in entries]
    assert sealed[0].prev_hash == audit.GENESIS_HASH
    for before, entry in zip([None, *sealed], sealed, strict=False):
        assert entry.prev_hash == (before.hash if before else audit.GENESIS_HASH)
        assert entry.hash == audit.entry_hash(
            seq=entry.seq,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_label=entry.actor_label,
            pemda_code=entry.pemda_code,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            before=entry.before,
            after=entry.after,
            prev_hash=entry.prev_hash,
        )


def test_seal_refuses_to_run_inside_a_writers_transaction(unsealed):
    unsealed("35.10", 1)
    with pytest.raises(RuntimeError, match="its own transactions"), transaction.atomic():
        audit.seal("35.10")


def test_a_missing_head_still_stops_unsealed_writes(unsealed):
    from spbe.core import audit_guard

    unsealed("35.10", 1)
    audit.seal("35.10")
    with audit_guard.suspended(connection), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_audithead WHERE pemda_code = '35.10'")
    with pytest.raises(RuntimeError, match=r"head of 35\.10 is missing"):
        unsealed("35.10", 2)
    assert AuditEntry.objects.filter(pemda_code="35.10").count() == 1


@pytest.mark.parametrize(
    "sql",
    [
        # changing content, with or without sealing it at the same time
        "UPDATE core_auditentry SET action = 'forged' WHERE seq IS NULL",
        "UPDATE core_auditentry SET seq = 99, prev_hash = 'p', hash = 'h', after = NULL WHERE seq IS NULL",
        # a seal must fill all three
        "UPDATE core_auditentry SET seq = 99 WHERE seq IS NULL",
        "DELETE FROM core_auditentry WHERE seq IS NULL",
    ],
)
def test_the_guard_refuses_anything_on_an_unsealed_entry_but_its_seal(unsealed, sql):
    unsealed("35.10", 1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
        c.execute(sql)
    assert AuditEntry.objects.get(pemda_code="35.10").action == "test.seal"


def test_the_guard_allows_one_seal_and_verify_catches_a_forged_one(unsealed):
    unsealed("35.10", 1)
    with connection.cursor() as cursor:
        # Someone with the application's rights seals it themselves, with a made-up hash: allowed once...
        cursor.execute(
            "UPDATE core_auditentry SET seq = 1, prev_hash = %s, hash = %s WHERE pemda_code = '35.10'",
            [audit.GENESIS_HASH, "f" * 64],
        )
        cursor.execute("UPDATE core_audithead SET seq = 1, hash = %s WHERE pemda_code = '35.10'", ["f" * 64])
    # ...never twice,
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
        c.execute(
            "UPDATE core_auditentry SET seq = 2, prev_hash = 'p', hash = 'h' WHERE pemda_code = '35.10'"
        )
    # and the check names it.
    result = audit.verify(pemda_code="35.10")
    assert [(c.broken_seq, c.reason) for c in result.broken] == [(1, "content does not match its hash")]


def test_verify_audit_reports_entries_a_crashed_writer_left_unsealed_and_seal_audit_chains_them(
    unsealed, capsys
):
    unsealed("35.10", 1)
    unsealed("", 2)
    call_command("verify_audit")  # just committed: the seal is on its way
    out = capsys.readouterr().out
    assert "35.10: 1 entries committed and not yet sealed" in out
    # The same entries seen as older than the grace period: their writer stopped before sealing.
    with pytest.raises(CommandError, match=r"2 audit entries were committed but never sealed.*seal_audit"):
        call_command("verify_audit", "--unsealed-grace", "0")
    assert not audit.verify(grace=dt.timedelta(0)).ok
    call_command("seal_audit")
    out = capsys.readouterr().out
    assert "35.10: sealed 1 entries" in out
    assert "Sealed 2 audit entries in 2 chains" in out
    call_command("verify_audit", "--unsealed-grace", "0")
    out = capsys.readouterr().out
    assert "not yet sealed" not in out
    assert "35.10: intact, 1 entries" in out
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 0


def test_the_audit_page_shows_an_entry_awaiting_its_seal_without_a_number(world, unsealed):
    unsealed(world.pemda_a.code, 1)
    page = world.client_for(world.officer_a).get(f"/app/{world.pemda_a.code}/audit/").content.decode()
    assert 'id="entry-None"' not in page
    assert ">None<" not in page
