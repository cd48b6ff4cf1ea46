"""Make the audit table append-only in the database itself, and create the chain's head row."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'core_auditentry is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'core_auditentry is append-only: DELETE refused'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION core_auditentry_refuse() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'core_auditentry is append-only: % refused', TG_OP;
       END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE OR DELETE ON core_auditentry
       FOR EACH ROW EXECUTE FUNCTION core_auditentry_refuse()""",
    """CREATE TRIGGER core_auditentry_no_truncate BEFORE TRUNCATE ON core_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditentry_refuse()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry",
    "DROP TRIGGER IF EXISTS core_auditentry_no_update ON core_auditentry",
    "DROP FUNCTION IF EXISTS core_auditentry_refuse()",
]
GENESIS_HASH = "0" * 64


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES)
    else:
        raise NotImplementedError(f"no append-only triggers for {vendor}")
    apps.get_model("core", "AuditHead").objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS_HASH})


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, SQLITE_DROP if vendor == "sqlite" else POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
