"""Make the audit table append-only in the database itself, and create the chain's head row."""

from django.db import migrations

from spbe.core import audit_guard

GENESIS_HASH = "0" * 64


def create(apps, schema_editor):
    audit_guard.install(schema_editor.connection)
    apps.get_model("core", "AuditHead").objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS_HASH})


def drop(apps, schema_editor):
    audit_guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
