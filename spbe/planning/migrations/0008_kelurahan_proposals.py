"""Kelurahan proposals: ``village`` becomes optional beside ``kelurahan`` (exactly one is set), and every
proposal gets its kecamatan office and desa/kelurahan region copied in, filled here for existing rows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_places(apps, schema_editor):
    """Copy each existing proposal's kecamatan office and region from its desa (all existing are desa)."""
    Proposal = apps.get_model("planning", "Proposal")
    VillageGovernment = apps.get_model("accounts", "VillageGovernment")
    places = {
        pk: (region_id, kecamatan_id)
        for pk, region_id, kecamatan_id in VillageGovernment.objects.values_list(
            "pk", "region_id", "kecamatan_id"
        )
    }
    for village_id in Proposal.objects.values_list("village_id", flat=True).distinct().order_by():
        region_id, kecamatan_id = places[village_id]
        Proposal.objects.filter(village_id=village_id).update(region_id=region_id, kecamatan_id=kecamatan_id)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_kelurahan_offices"),
        ("planning", "0007_proposal_photos"),
        ("regions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="proposal",
            name="proposal_village_year",
        ),
        migrations.AddField(
            model_name="proposal",
            name="kecamatan",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.perangkatdaerah",
                verbose_name="kecamatan",
            ),
        ),
        migrations.AddField(
            model_name="proposal",
            name="kelurahan",
            field=models.ForeignKey(
                blank=True,
                limit_choices_to={"kind": "kelurahan"},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.perangkatdaerah",
                verbose_name="kelurahan",
            ),
        ),
        migrations.AddField(
            model_name="proposal",
            name="region",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.region",
                verbose_name="desa/kelurahan (wilayah)",
            ),
        ),
        migrations.AlterField(
            model_name="proposal",
            name="village",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.villagegovernment",
                verbose_name="desa",
            ),
        ),
        migrations.RunPython(fill_places, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="proposal",
            name="kecamatan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.perangkatdaerah",
                verbose_name="kecamatan",
            ),
        ),
        migrations.AlterField(
            model_name="proposal",
            name="region",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.region",
                verbose_name="desa/kelurahan (wilayah)",
            ),
        ),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(fields=["region", "year"], name="proposal_region_year"),
        ),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(fields=["pemda", "-year", "number"], name="proposal_pemda_year_desc"),
        ),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(fields=["kecamatan", "year", "number"], name="proposal_kecamatan_year"),
        ),
        migrations.AddConstraint(
            model_name="proposal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kelurahan__isnull", True), ("village__isnull", False)),
                    models.Q(("kelurahan__isnull", False), ("village__isnull", True)),
                    _connector="OR",
                ),
                name="proposal_one_place",
            ),
        ),
    ]
