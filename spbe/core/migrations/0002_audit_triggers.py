"""Make the audit table append-only in the database itself, and create the chain's head row."""

from django.db import migrations

GENESIS_HASH = "0" * 64

# The guard as it was at this point (the entries only); 0004 replaces it with ``spbe.core.audit_guard``.
SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'core_auditentry is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS core_auditentry_no_delete BEFORE DELETE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'core_auditentry is append-only: DELETE refused'); END""",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION core_auditentry_refuse() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'core_auditentry is append-only: % refused', TG_OP;
       END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER core_auditentry_no_change BEFORE UPDATE OR DELETE ON core_auditentry
       FOR EACH ROW EXECUTE FUNCTION core_auditentry_refuse()""",
    """CREATE TRIGGER core_auditentry_no_truncate BEFORE TRUNCATE ON core_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditentry_refuse()""",
]
REMOVE = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS core_auditentry_no_update",
        "DROP TRIGGER IF EXISTS core_auditentry_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry",
        "DROP TRIGGER IF EXISTS core_auditentry_no_change ON core_auditentry",
        "DROP FUNCTION IF EXISTS core_auditentry_refuse()",
    ],
}


def _run(connection, statements):
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def create(apps, schema_editor):
    connection = schema_editor.connection
    _run(connection, SQLITE if connection.vendor == "sqlite" else POSTGRES)
    apps.get_model("core", "AuditHead").objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS_HASH})


def drop(apps, schema_editor):
    _run(schema_editor.connection, REMOVE[schema_editor.connection.vendor])


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
