"""The audit trail: written with the change, refused by the database for UPDATE/DELETE, hash-chained."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from spbe.accounts.services import unit_create
from spbe.core import audit, audit_guard
from spbe.core.actors import system
from spbe.core.models import AuditEntry, AuditHead

pytestmark = pytest.mark.django_db


def _existing() -> int:
    """Entries already in the platform chain: the test database starts with those of its reference data."""
    return AuditEntry.objects.filter(pemda_code="").count()


def _entry(**after) -> AuditEntry:
    with transaction.atomic():
        return audit.record(
            actor=system("tests"), action="test.write", object_type="test.thing", object_id=1, after=after
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
        audit.record(actor=system("tests"), action="test.write", object_type="test.thing")
        raise RuntimeError("the change failed")
    assert AuditEntry.objects.count() == before


def test_it_refuses_to_record_outside_a_transaction():
    with pytest.raises(RuntimeError, match="transaction"):
        audit.record(actor=system("tests"), action="test.write", object_type="test.thing")


def test_it_refuses_floats_so_amounts_stay_exact():
    with pytest.raises(TypeError), transaction.atomic():
        audit.record(
            actor=system("tests"), action="test.write", object_type="test.thing", after={"amount": 0.1}
        )


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
        ("UPDATE core_auditentry SET after = %s WHERE pemda_code = '' AND seq = %s", 3),
        ("UPDATE core_auditentry SET actor_label = %s WHERE pemda_code = '' AND seq = %s", 2),
        ("DELETE FROM core_auditentry WHERE %s IS NOT NULL AND pemda_code = '' AND seq = %s", 4),
        ("DELETE FROM core_auditentry WHERE %s IS NOT NULL AND pemda_code = '' AND seq = %s", 6),
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
            actor=system("tests"),
            changes=[
                audit.Change("test.bulk", object_type="test.thing", object_id=n, after={"n": n})
                for n in range(5)
            ],
        )
    _entry(n=6)
    assert [e.seq - existing for e in entries] == [2, 3, 4, 5, 6]
    assert entries[0].prev_hash == AuditEntry.objects.get(pemda_code="", seq=existing + 1).hash
    assert AuditEntry.objects.get(pemda_code="", seq=existing + 7).prev_hash == entries[-1].hash
    call_command("verify_audit")
    assert f"intact: {existing + 7} entries" in capsys.readouterr().out


# --- one chain per pemda, bounded verification, guarded heads --------------------------------------------


def _in(chain: str, n: int) -> AuditEntry:
    with transaction.atomic():
        return audit.record(
            actor=system("tests"),
            action="test.write",
            object_type="test.thing",
            pemda_code=chain,
            after={"n": n},
        )


def test_each_pemda_has_its_own_gapless_chain():
    existing = _existing()
    for n in range(3):
        _in("35.10", n)
        _in("19.06", n)
    _in("", 9)
    assert list(AuditEntry.objects.filter(pemda_code="35.10").values_list("seq", flat=True)) == [1, 2, 3]
    assert list(AuditEntry.objects.filter(pemda_code="19.06").values_list("seq", flat=True)) == [1, 2, 3]
    first = AuditEntry.objects.get(pemda_code="19.06", seq=1)
    assert first.prev_hash == audit.GENESIS_HASH
    result = audit.verify()
    assert result.ok
    assert {c.pemda_code: c.count for c in result.chains} == {"": existing + 1, "19.06": 3, "35.10": 3}


def test_a_change_in_one_chain_does_not_hide_in_another():
    for n in range(3):
        _in("35.10", n)
        _in("19.06", n)
    with audit_guard.suspended(connection), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET after = %s WHERE pemda_code = '19.06' AND seq = 2", ['{"n": 7}']
        )
    result = audit.verify()
    assert [(c.pemda_code, c.broken_seq) for c in result.broken] == [("19.06", 2)]


def test_verification_stops_at_the_head_it_started_from():
    """Entries appended while a check runs are not reported missing: the walk is bounded by the head."""
    for n in range(3):
        _in("35.10", n)
    head = AuditHead.objects.get(pemda_code="35.10")
    for n in range(3, 6):
        _in("35.10", n)  # a writer commits after the check has read the head
    result = audit.verify_chain("35.10", head.seq, head.hash)
    assert (result.ok, result.count) == (True, 3)


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM core_audithead",
        "UPDATE core_audithead SET seq = seq - 1",
        "UPDATE core_audithead SET pemda_code = '19.06'",
        "INSERT INTO core_audithead (pemda_code, seq, hash) VALUES ('99.99', 5, 'x')",
    ],
)
def test_the_database_refuses_to_delete_or_rewind_a_head(sql):
    _in("35.10", 1)
    _in("35.10", 2)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditHead.objects.get(pemda_code="35.10").seq == 2


def test_a_missing_head_stops_writes_to_its_chain_only():
    _in("35.10", 1)
    with audit_guard.suspended(connection), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_audithead WHERE pemda_code = '35.10'")
    with pytest.raises(RuntimeError, match=r"head of 35\.10 is missing"):
        _in("35.10", 2)
    _in("19.06", 1)  # other tenants go on
    assert [c.reason for c in audit.verify().broken] == ["the chain has no head"]


def test_expect_head_catches_deleted_entries_with_a_rewound_head(capsys):
    entries = [_in("35.10", n) for n in range(5)]
    call_command("verify_audit", "--pemda", "35.10")
    printed = capsys.readouterr().out
    head = f"35.10:5:{entries[-1].hash}"
    assert head in printed
    # Someone with database rights removes the newest entry and rewinds the head to match.
    with audit_guard.suspended(connection), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE pemda_code = '35.10' AND seq = 5")
        cursor.execute(
            "UPDATE core_audithead SET seq = 4, hash = %s WHERE pemda_code = '35.10'", [entries[3].hash]
        )
    call_command("verify_audit")  # the chain alone cannot tell
    with pytest.raises(CommandError, match=r"35\.10 broken at entry #5"):
        call_command("verify_audit", "--expect-head", head)
    with pytest.raises(CommandError, match="CHAIN:SEQ:HASH"):
        call_command("verify_audit", "--expect-head", "35.10:five")


def test_one_tenant_never_waits_for_another(django_db_blocker):
    """PostgreSQL: while one transaction holds pemda A's chain, pemda B appends at once; A's writers wait."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time by design (documented in docs/architecture.md)")
    import psycopg
    from django.db import OperationalError

    settings = connection.settings_dict
    dsn = {
        "host": settings["HOST"],
        "port": settings["PORT"],
        "user": settings["USER"],
        "password": settings["PASSWORD"],
        "dbname": settings["NAME"],
    }
    with psycopg.connect(**dsn) as other:
        other.execute(
            "INSERT INTO core_audithead (pemda_code, seq, hash) VALUES ('88.01', 0, %s), ('88.02', 0, %s) "
            "ON CONFLICT DO NOTHING",
            [audit.GENESIS_HASH, audit.GENESIS_HASH],
        )
        other.commit()
        other.execute("SELECT 1 FROM core_audithead WHERE pemda_code = '88.01' FOR UPDATE")  # a long import
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        try:
            _in("88.02", 1)
            assert AuditEntry.objects.filter(pemda_code="88.02").count() == 1
            with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
                audit.record(actor=system("tests"), action="test.write", object_type="t", pemda_code="88.01")
        finally:
            other.rollback()
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = 0")
