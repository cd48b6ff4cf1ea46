"""Database triggers that make the audit log and its chain heads append-only, for SQLite and PostgreSQL.

One UPDATE is allowed on an entry, once: sealing it into its chain (``spbe.core.audit.seal``), which fills
``seq``, ``prev_hash`` and ``hash`` of an entry that has none and changes nothing else. Content is never
changed, an entry is never sealed twice and never deleted.

The migration installs them. ``suspended`` exists for tests that play an attacker with database access,
who can switch triggers off; ``spbe verify_audit`` must still catch what they change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.backends.base.base import BaseDatabaseWrapper

GENESIS_HASH = "0" * 64

# The log: no DELETE, no UPDATE but the one seal. The heads: no DELETE, never backwards, never to another
# chain, and a new chain starts at the genesis hash. Deleting the newest entries and rewinding the head to
# match therefore needs the triggers switched off first, which only a database owner can do;
# ``verify_audit --expect-head`` catches even that, against a head recorded elsewhere.
SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON core_auditentry
       WHEN NOT (OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.prev_hash != '' AND NEW.hash != ''
         AND NEW.id IS OLD.id AND NEW.pemda_code IS OLD.pemda_code AND NEW.at IS OLD.at
         AND NEW.actor_id IS OLD.actor_id AND NEW.actor_label IS OLD.actor_label AND NEW.action IS OLD.action
         AND NEW.object_type IS OLD.object_type AND NEW.object_id IS OLD.object_id
         AND NEW.before IS OLD.before AND NEW.after IS OLD.after)
       BEGIN SELECT RAISE(ABORT, 'core_auditentry is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS core_auditentry_no_delete BEFORE DELETE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'core_auditentry is append-only: DELETE refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS core_audithead_no_delete BEFORE DELETE ON core_audithead
       BEGIN SELECT RAISE(ABORT, 'core_audithead is append-only: DELETE refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS core_audithead_forward_only BEFORE UPDATE ON core_audithead
       WHEN NEW.seq <= OLD.seq OR NEW.pemda_code != OLD.pemda_code
       BEGIN SELECT RAISE(ABORT, 'core_audithead is append-only: moving the head back refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS core_audithead_genesis BEFORE INSERT ON core_audithead
       WHEN NEW.seq != 0 OR NEW.hash != '{GENESIS_HASH}'
       BEGIN SELECT RAISE(ABORT, 'core_audithead is append-only: a chain starts at genesis'); END""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete",
    "DROP TRIGGER IF EXISTS core_audithead_no_delete",
    "DROP TRIGGER IF EXISTS core_audithead_forward_only",
    "DROP TRIGGER IF EXISTS core_audithead_genesis",
]
POSTGRES_INSTALL = [
    """CREATE OR REPLACE FUNCTION core_auditentry_refuse() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'core_auditentry is append-only: % refused', TG_OP;
       END;
       $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION core_auditentry_seal_only() RETURNS trigger AS $$
       BEGIN
         IF OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.prev_hash <> '' AND NEW.hash <> ''
            AND (NEW.id, NEW.pemda_code, NEW.at, NEW.actor_id, NEW.actor_label, NEW.action,
                 NEW.object_type, NEW.object_id, NEW.before, NEW.after)
                IS NOT DISTINCT FROM
                (OLD.id, OLD.pemda_code, OLD.at, OLD.actor_id, OLD.actor_label, OLD.action,
                 OLD.object_type, OLD.object_id, OLD.before, OLD.after) THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION 'core_auditentry is append-only: UPDATE refused';
       END;
       $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS core_auditentry_no_change ON core_auditentry",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete ON core_auditentry",
    """CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry
       FOR EACH ROW EXECUTE FUNCTION core_auditentry_refuse()""",
    "DROP TRIGGER IF EXISTS core_auditentry_seal_only ON core_auditentry",
    """CREATE TRIGGER core_auditentry_seal_only BEFORE UPDATE ON core_auditentry
       FOR EACH ROW EXECUTE FUNCTION core_auditentry_seal_only()""",
    "DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry",
    """CREATE TRIGGER core_auditentry_no_truncate BEFORE TRUNCATE ON core_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditentry_refuse()""",
    f"""CREATE OR REPLACE FUNCTION core_audithead_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'INSERT' THEN
           IF NEW.seq <> 0 OR NEW.hash <> '{GENESIS_HASH}' THEN
             RAISE EXCEPTION 'core_audithead is append-only: a chain starts at genesis';
           END IF;
           RETURN NEW;
         ELSIF TG_OP = 'UPDATE' THEN
           IF NEW.seq <= OLD.seq OR NEW.pemda_code <> OLD.pemda_code THEN
             RAISE EXCEPTION 'core_audithead is append-only: moving the head back refused';
           END IF;
           RETURN NEW;
         END IF;
         RAISE EXCEPTION 'core_audithead is append-only: % refused', TG_OP;
       END;
       $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS core_audithead_guard ON core_audithead",
    """CREATE TRIGGER core_audithead_guard BEFORE INSERT OR UPDATE OR DELETE ON core_audithead
       FOR EACH ROW EXECUTE FUNCTION core_audithead_guard()""",
    "DROP TRIGGER IF EXISTS core_audithead_no_truncate ON core_audithead",
    """CREATE TRIGGER core_audithead_no_truncate BEFORE TRUNCATE ON core_audithead
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditentry_refuse()""",
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS core_audithead_no_truncate ON core_audithead",
    "DROP TRIGGER IF EXISTS core_audithead_guard ON core_audithead",
    "DROP FUNCTION IF EXISTS core_audithead_guard()",
    "DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry",
    "DROP TRIGGER IF EXISTS core_auditentry_no_change ON core_auditentry",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete ON core_auditentry",
    "DROP TRIGGER IF EXISTS core_auditentry_seal_only ON core_auditentry",
    "DROP FUNCTION IF EXISTS core_auditentry_seal_only()",
    "DROP FUNCTION IF EXISTS core_auditentry_refuse()",
]


def _statements(connection: BaseDatabaseWrapper, install: bool) -> list[str]:
    if connection.vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    if connection.vendor == "postgresql":
        return POSTGRES_INSTALL if install else POSTGRES_REMOVE
    raise NotImplementedError(f"no append-only guard for {connection.vendor}")


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, install=True):
            cursor.execute(sql)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, install=False):
            cursor.execute(sql)


@contextmanager
def suspended(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Switch the guard off and on again (tests only: this is what an attacker with DBA rights does)."""
    remove(connection)
    try:
        yield
    finally:
        install(connection)
