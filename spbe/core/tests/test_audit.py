"""The audit trail: written with the change, refused by the database for UPDATE/DELETE, hash-chained."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from spbe.accounts.services import unit_create
from spbe.core import audit, audit_guard
from spbe.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _existing() -> int:
    """Entries already in the chain: the test database starts with those of its reference data."""
    return AuditEntry.objects.count()


def _entry(**after) -> AuditEntry:
    with transaction.atomic():
        return audit.record(
            actor=None, action="test.write", object_type="test.thing", object_id=1, after=after
        )


def test_it_writes_the_entry_with_the_change(world):
    before = AuditEntry.objects.count()
    unit = unit_create(
        actor=world.officer_a,
        pemda=world.pemda_a,
        code="2.16.0.00.0.00.01.0000",
        name="Diskominfo",
        kind="dinas",
    )
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.object_id, entry.actor_id) == (
        "unit.create",
        str(unit.pk),
        world.officer_a.pk,
    )
    assert entry.after["name"] == "Diskominfo"
    assert entry.pemda_code == world.pemda_a.code


def test_it_rolls_back_the_entry_with_a_failed_change(world):
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=None, action="test.write", object_type="test.thing")
        raise RuntimeError("the change failed")
    assert AuditEntry.objects.count() == before


def test_it_refuses_to_record_outside_a_transaction():
    with pytest.raises(RuntimeError, match="transaction"):
        audit.record(actor=None, action="test.write", object_type="test.thing")


def test_it_refuses_floats_so_amounts_stay_exact():
    with pytest.raises(TypeError), transaction.atomic():
        audit.record(actor=None, action="test.write", object_type="test.thing", after={"amount": 0.1})


@pytest.mark.parametrize(
    "sql", ["UPDATE core_auditentry SET action = 'forged'", "DELETE FROM core_auditentry"]
)
def test_the_database_refuses_update_and_delete(sql):
    _entry(n=1)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEntry.objects.filter(action="test.write").count() == 1


def test_verify_audit_passes_an_intact_chain(capsys):
    existing = _existing()
    for n in range(5):
        _entry(n=n, text="Rp1.234,56 — ünïcode")
    call_command("verify_audit")
    assert f"intact: {existing + 5} entries" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("sql", "broken"),
    [
        ("UPDATE core_auditentry SET after = %s WHERE seq = %s", 3),
        ("UPDATE core_auditentry SET actor_label = %s WHERE seq = %s", 2),
        ("DELETE FROM core_auditentry WHERE %s IS NOT NULL AND seq = %s", 4),
        ("DELETE FROM core_auditentry WHERE %s IS NOT NULL AND seq = %s", 6),
    ],
)
def test_verify_audit_names_the_first_altered_entry(sql, broken):
    existing = _existing()
    for n in range(6):
        _entry(n=n)
    # Inside the test's transaction, so the triggers come back when it rolls back.
    with audit_guard.suspended(connection), connection.cursor() as cursor:
        cursor.execute(sql, ['{"n": 99}' if "after" in sql else "mallory", existing + broken])
    with pytest.raises(CommandError, match=f"entry #{existing + broken}"):
        call_command("verify_audit")


def test_record_many_builds_the_same_chain_as_one_by_one(capsys):
    existing = _existing()
    _entry(n=0)
    with transaction.atomic():
        entries = audit.record_many(
            actor=None,
            changes=[
                audit.Change("test.bulk", object_type="test.thing", object_id=n, after={"n": n})
                for n in range(5)
            ],
        )
    _entry(n=6)
    assert [e.seq - existing for e in entries] == [2, 3, 4, 5, 6]
    assert entries[0].prev_hash == AuditEntry.objects.get(seq=existing + 1).hash
    assert AuditEntry.objects.get(seq=existing + 7).prev_hash == entries[-1].hash
    call_command("verify_audit")
    assert f"intact: {existing + 7} entries" in capsys.readouterr().out
