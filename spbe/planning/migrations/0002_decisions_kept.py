"""Decisions are a record: the database refuses to change or delete one (SQLite and PostgreSQL).

A submitted proposal always has a decision, and ``Decision.proposal`` is PROTECT, so the proposal cannot
be deleted either: nothing of a journey a citizen follows can disappear, even by a direct query.
"""

from django.db import migrations

SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS planning_decision_no_update BEFORE UPDATE ON planning_decision
       BEGIN SELECT RAISE(ABORT, 'planning_decision is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS planning_decision_no_delete BEFORE DELETE ON planning_decision
       BEGIN SELECT RAISE(ABORT, 'planning_decision is append-only: DELETE refused'); END""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS planning_decision_no_update",
    "DROP TRIGGER IF EXISTS planning_decision_no_delete",
]
POSTGRES_INSTALL = [
    """CREATE OR REPLACE FUNCTION planning_decision_refuse() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'planning_decision is append-only: % refused', TG_OP;
       END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER planning_decision_no_change BEFORE UPDATE OR DELETE ON planning_decision
       FOR EACH ROW EXECUTE FUNCTION planning_decision_refuse()""",
    """CREATE TRIGGER planning_decision_no_truncate BEFORE TRUNCATE ON planning_decision
       FOR EACH STATEMENT EXECUTE FUNCTION planning_decision_refuse()""",
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS planning_decision_no_truncate ON planning_decision",
    "DROP TRIGGER IF EXISTS planning_decision_no_change ON planning_decision",
    "DROP FUNCTION IF EXISTS planning_decision_refuse()",
]


def _run(schema_editor, statements):
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, SQLITE_INSTALL if vendor == "sqlite" else POSTGRES_INSTALL)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, SQLITE_REMOVE if vendor == "sqlite" else POSTGRES_REMOVE)


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_proposals")]

    operations = [migrations.RunPython(install, remove)]
