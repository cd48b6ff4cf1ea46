"""Audit entries may be written unsealed and sealed into their chain right after the commit.

``seq`` becomes nullable (an unsealed entry has none), a partial index finds the unsealed ones, and the
guard is reinstalled so that it allows exactly one UPDATE of an entry: its seal. On SQLite altering the
column rebuilds the table, which drops its triggers; the guard is removed first and installed last.
"""

from django.db import migrations, models

from spbe.core import audit_guard


def drop_guard(apps, schema_editor):
    audit_guard.remove(schema_editor.connection)


def install_guard(apps, schema_editor):
    audit_guard.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_local_holidays"),
    ]

    operations = [
        migrations.RunPython(drop_guard, install_guard),
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="nomor dalam rantai"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(
                condition=models.Q(("seq__isnull", True)),
                fields=["pemda_code", "id"],
                name="audit_entry_unsealed",
            ),
        ),
        migrations.RunPython(install_guard, drop_guard),
    ]
