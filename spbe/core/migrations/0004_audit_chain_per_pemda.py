"""One audit chain per pemda (plus the platform's), with guarded heads.

Existing entries are first checked against their old single chain, then re-chained per pemda in their
original order, keeping every recorded column; a broken old chain stops the migration rather than being
laundered into a fresh, valid-looking one.
"""

import hashlib
import json
from collections import defaultdict

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from spbe.core import audit_guard

GENESIS_HASH = "0" * 64
COLUMNS = [
    "at",
    "actor_id",
    "actor_label",
    "pemda_code",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
]


def _hash(seq, row, prev_hash):
    # The entry hash as of this migration (kept here so later changes to spbe.core.audit cannot alter it).
    payload = json.dumps(
        [
            seq,
            row["at"].astimezone(__import__("datetime").UTC).isoformat(timespec="microseconds"),
            row["actor_id"],
            row["actor_label"],
            row["pemda_code"],
            row["action"],
            row["object_type"],
            row["object_id"],
            row["before"],
            row["after"],
            prev_hash,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def drop_guard(apps, schema_editor):
    audit_guard.remove(schema_editor.connection)


def rechain(apps, schema_editor):
    Old = apps.get_model("core", "OldAuditEntry")
    Entry = apps.get_model("core", "AuditEntry")
    Head = apps.get_model("core", "AuditHead")
    prev = GENESIS_HASH
    heads = defaultdict(lambda: (0, GENESIS_HASH))
    batch = []
    for old in Old.objects.order_by("seq").iterator(chunk_size=2000):
        row = {c: getattr(old, c) for c in COLUMNS}
        if old.prev_hash != prev or _hash(old.seq, row, prev) != old.hash:
            raise RuntimeError(
                f"audit entry #{old.seq} does not match the old chain: run 'spbe verify_audit' on the old "
                "version and investigate before migrating"
            )
        prev = old.hash
        seq, chain_prev = heads[row["pemda_code"]]
        seq += 1
        digest = _hash(seq, row, chain_prev)
        heads[row["pemda_code"]] = (seq, digest)
        batch.append(Entry(seq=seq, prev_hash=chain_prev, hash=digest, **row))
        if len(batch) >= 2000:
            Entry.objects.bulk_create(batch)
            batch = []
    Entry.objects.bulk_create(batch)
    Head.objects.bulk_create(Head(pemda_code=code, seq=seq, hash=h) for code, (seq, h) in heads.items())


def install_guard(apps, schema_editor):
    audit_guard.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_data_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_guard, migrations.RunPython.noop),
        migrations.RenameModel("AuditEntry", "OldAuditEntry"),
        migrations.DeleteModel("AuditHead"),
        migrations.CreateModel(
            name="AuditEntry",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("pemda_code", models.CharField(blank=True, max_length=13, verbose_name="pemda")),
                ("seq", models.BigIntegerField(verbose_name="nomor dalam rantai")),
                ("at", models.DateTimeField(verbose_name="waktu")),
                ("actor_label", models.CharField(max_length=150, verbose_name="pelaku")),
                ("action", models.CharField(max_length=80, verbose_name="tindakan")),
                ("object_type", models.CharField(max_length=80, verbose_name="jenis objek")),
                ("object_id", models.CharField(blank=True, max_length=80, verbose_name="id objek")),
                ("before", models.JSONField(blank=True, null=True, verbose_name="sebelum")),
                ("after", models.JSONField(blank=True, null=True, verbose_name="sesudah")),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "catatan audit",
                "verbose_name_plural": "catatan audit",
                "ordering": ["id"],
                "indexes": [
                    models.Index(fields=["object_type", "object_id"], name="audit_entry_object"),
                    models.Index(fields=["pemda_code", "-id"], name="audit_entry_pemda_recent"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("pemda_code", "seq"), name="audit_entry_chain_seq")
                ],
            },
        ),
        migrations.CreateModel(
            name="AuditHead",
            fields=[
                (
                    "pemda_code",
                    models.CharField(blank=True, max_length=13, primary_key=True, serialize=False),
                ),
                ("seq", models.BigIntegerField(default=0)),
                ("hash", models.CharField(max_length=64)),
            ],
        ),
        migrations.RunPython(rechain, migrations.RunPython.noop),
        migrations.DeleteModel("OldAuditEntry"),
        migrations.RunPython(install_guard, drop_guard),
    ]
