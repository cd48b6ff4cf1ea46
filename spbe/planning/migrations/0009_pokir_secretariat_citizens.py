"""Pokir pass the DPRD secretariat (a new stage and its calendar window), and citizens enter proposals.

The new stage widens the check constraints of the proposal and decision tables. SQLite rebuilds a table to
change a constraint and drops its triggers with it, so the append-only triggers of ``planning_decision``
(0002_decisions_kept) are installed again at the end; PostgreSQL keeps them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SQLITE_DECISION_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS planning_decision_no_update BEFORE UPDATE ON planning_decision
       BEGIN SELECT RAISE(ABORT, 'planning_decision is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS planning_decision_no_delete BEFORE DELETE ON planning_decision
       BEGIN SELECT RAISE(ABORT, 'planning_decision is append-only: DELETE refused'); END""",
]


def reinstall_decision_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for sql in SQLITE_DECISION_TRIGGERS:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_kelurahan_offices"),
        ("planning", "0008_kelurahan_proposals"),
        ("regions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CitizenProposal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="dibuat")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="diubah")),
            ],
            options={
                "verbose_name": "usulan warga",
                "verbose_name_plural": "usulan warga",
            },
        ),
        migrations.CreateModel(
            name="CitizenSignup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("client", models.CharField(max_length=64)),
                ("address_digest", models.CharField(max_length=64)),
                ("at", models.DateTimeField(db_index=True)),
            ],
        ),
        migrations.CreateModel(
            name="PokirDetail",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="dibuat")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="diubah")),
                ("dapil", models.CharField(max_length=60, verbose_name="daerah pemilihan")),
                ("recess_date", models.DateField(verbose_name="tanggal reses")),
                ("recess_place", models.CharField(max_length=200, verbose_name="tempat reses")),
                ("attendees", models.PositiveIntegerField(default=0, verbose_name="konstituen yang hadir")),
            ],
            options={
                "verbose_name": "rincian pokir",
                "verbose_name_plural": "rincian pokir",
            },
        ),
        migrations.RemoveConstraint(
            model_name="decision",
            name="decision_stage_valid",
        ),
        migrations.RemoveConstraint(
            model_name="decision",
            name="decision_outcome_valid",
        ),
        migrations.RemoveConstraint(
            model_name="proposal",
            name="proposal_state_valid",
        ),
        migrations.RemoveConstraint(
            model_name="stagewindow",
            name="stage_window_stage_valid",
        ),
        migrations.AlterField(
            model_name="decision",
            name="outcome",
            field=models.CharField(
                choices=[
                    ("draft", "Draf"),
                    ("secretariat", "Verifikasi sekretariat DPRD"),
                    ("desa", "Musrenbang desa"),
                    ("kecamatan", "Musrenbang kecamatan"),
                    ("agency", "Verifikasi perangkat daerah"),
                    ("bappeda", "Bappeda"),
                    ("kabupaten", "Musrenbang kabupaten"),
                    ("accepted", "Diterima"),
                    ("rejected", "Ditolak"),
                    ("deferred", "Ditunda"),
                ],
                max_length=12,
                verbose_name="hasil",
            ),
        ),
        migrations.AlterField(
            model_name="decision",
            name="stage",
            field=models.CharField(
                choices=[
                    ("draft", "Draf"),
                    ("secretariat", "Verifikasi sekretariat DPRD"),
                    ("desa", "Musrenbang desa"),
                    ("kecamatan", "Musrenbang kecamatan"),
                    ("agency", "Verifikasi perangkat daerah"),
                    ("bappeda", "Bappeda"),
                    ("kabupaten", "Musrenbang kabupaten"),
                    ("accepted", "Diterima"),
                    ("rejected", "Ditolak"),
                    ("deferred", "Ditunda"),
                ],
                max_length=12,
                verbose_name="tahap",
            ),
        ),
        migrations.AlterField(
            model_name="proposal",
            name="state",
            field=models.CharField(
                choices=[
                    ("draft", "Draf"),
                    ("secretariat", "Verifikasi sekretariat DPRD"),
                    ("desa", "Musrenbang desa"),
                    ("kecamatan", "Musrenbang kecamatan"),
                    ("agency", "Verifikasi perangkat daerah"),
                    ("bappeda", "Bappeda"),
                    ("kabupaten", "Musrenbang kabupaten"),
                    ("accepted", "Diterima"),
                    ("rejected", "Ditolak"),
                    ("deferred", "Ditunda"),
                ],
                default="draft",
                max_length=12,
                verbose_name="tahap",
            ),
        ),
        migrations.AlterField(
            model_name="score",
            name="stage",
            field=models.CharField(
                choices=[
                    ("draft", "Draf"),
                    ("secretariat", "Verifikasi sekretariat DPRD"),
                    ("desa", "Musrenbang desa"),
                    ("kecamatan", "Musrenbang kecamatan"),
                    ("agency", "Verifikasi perangkat daerah"),
                    ("bappeda", "Bappeda"),
                    ("kabupaten", "Musrenbang kabupaten"),
                    ("accepted", "Diterima"),
                    ("rejected", "Ditolak"),
                    ("deferred", "Ditunda"),
                ],
                max_length=12,
                verbose_name="tahap",
            ),
        ),
        migrations.AlterField(
            model_name="stagewindow",
            name="stage",
            field=models.CharField(
                choices=[
                    ("desa", "Musrenbang desa"),
                    ("kecamatan", "Musrenbang kecamatan"),
                    ("agency", "Verifikasi perangkat daerah"),
                    ("bappeda", "Bappeda"),
                    ("kabupaten", "Musrenbang kabupaten"),
                    ("pokir", "Pemasukan pokir DPRD"),
                    ("secretariat", "Verifikasi pokir oleh sekretariat DPRD"),
                ],
                max_length=12,
                verbose_name="tahap",
            ),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "stage__in",
                        [
                            "draft",
                            "secretariat",
                            "desa",
                            "kecamatan",
                            "agency",
                            "bappeda",
                            "kabupaten",
                            "accepted",
                            "rejected",
                            "deferred",
                        ],
                    )
                ),
                name="decision_stage_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "outcome__in",
                        [
                            "draft",
                            "secretariat",
                            "desa",
                            "kecamatan",
                            "agency",
                            "bappeda",
                            "kabupaten",
                            "accepted",
                            "rejected",
                            "deferred",
                        ],
                    )
                ),
                name="decision_outcome_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="proposal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "state__in",
                        [
                            "draft",
                            "secretariat",
                            "desa",
                            "kecamatan",
                            "agency",
                            "bappeda",
                            "kabupaten",
                            "accepted",
                            "rejected",
                            "deferred",
                        ],
                    )
                ),
                name="proposal_state_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="stagewindow",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "stage__in",
                        ["desa", "kecamatan", "agency", "bappeda", "kabupaten", "pokir", "secretariat"],
                    )
                ),
                name="stage_window_stage_valid",
            ),
        ),
        migrations.AddField(
            model_name="citizenproposal",
            name="citizen",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="warga",
            ),
        ),
        migrations.AddField(
            model_name="citizenproposal",
            name="pemda",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.pemda",
                verbose_name="pemda",
            ),
        ),
        migrations.AddField(
            model_name="citizenproposal",
            name="proposal",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="citizen_entry",
                to="planning.proposal",
            ),
        ),
        migrations.AddIndex(
            model_name="citizensignup",
            index=models.Index(fields=["client", "at"], name="citizen_signup_client"),
        ),
        migrations.AddIndex(
            model_name="citizensignup",
            index=models.Index(fields=["address_digest", "at"], name="citizen_signup_address"),
        ),
        migrations.AddField(
            model_name="pokirdetail",
            name="member",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="anggota DPRD",
            ),
        ),
        migrations.AddField(
            model_name="pokirdetail",
            name="pemda",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.pemda",
                verbose_name="pemda",
            ),
        ),
        migrations.AddField(
            model_name="pokirdetail",
            name="proposal",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT, related_name="pokir", to="planning.proposal"
            ),
        ),
        migrations.AddIndex(
            model_name="citizenproposal",
            index=models.Index(fields=["citizen", "created_at"], name="citizen_proposal_citizen"),
        ),
        migrations.AddIndex(
            model_name="pokirdetail",
            index=models.Index(fields=["member", "pemda"], name="pokir_member_pemda"),
        ),
        migrations.AddConstraint(
            model_name="pokirdetail",
            constraint=models.CheckConstraint(
                condition=models.Q(("dapil", ""), _negated=True), name="pokir_dapil_required"
            ),
        ),
        migrations.RunPython(reinstall_decision_triggers, migrations.RunPython.noop),
    ]
