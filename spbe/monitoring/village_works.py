"""Village works packages: physical works of a desa's APBDes kegiatan, monitored like the regency's.

A package is a :class:`~spbe.monitoring.models.Project` with no unit and no sub-kegiatan: it belongs to its
desa and to one kegiatan ``BB.SS.KK`` of the desa's adopted APBDes (a database check keeps exactly one of
the two links). The desa's officials run it (:data:`~spbe.monitoring.access.VILLAGE_WORKS`): the Kades or
the desa operator registers it and its contract (often swakelola, padat karya), the Kasi/Kaur pelaksana
kegiatan reports progress from the field with photos, the Kades or Sekdes verifies; the camat and DPMD
read it. Contracts, S-curves, reports, photos and the critical-contract rule are the module's own services,
unchanged. Its money side is the desa's: the kegiatan's budget in the adopted APBDes and its realisation
(:func:`works_finance`).

:func:`kegiatan_done` is what the villages app reads for its disbursement condition "no unfinished
kegiatan funded by the previous stage" (``spbe.villages.stages``): a kegiatan with works packages is
finished when every package's latest verified report says 100%, and unfinished otherwise, whatever the
desa recorded by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from spbe.accounts.access import Place, scope_in, villages_for_user
from spbe.accounts.models import Pemda, VillageGovernment
from spbe.core import audit
from spbe.core.actors import MaybeActor
from spbe.core.errors import ValidationFailed
from spbe.core.text import clean_name
from spbe.villages.models import Apbdes, ApbdesLine, Realisation

from .access import PROJECT, VILLAGE_WORKS
from .models import ProgressReport, Project, ReportState
from .services import MAX_YEAR, MIN_YEAR, clean_text, geojson_coordinates, map_changed, parse_location

WORKS_AUDIT_FIELDS = ["village", "year", "apbdes_kegiatan", "name", "address", "location_kind", "coordinates"]


def adopted_apbdes(village: VillageGovernment, year: int) -> Apbdes | None:
    """The desa's newest adopted (frozen) APBDes of ``year``, or None."""
    return (
        Apbdes.objects.filter(village=village, year=year, version_state=Apbdes.State.FROZEN)
        .order_by("-number")
        .first()
    )


def works_create(
    *,
    actor: MaybeActor,
    village: VillageGovernment,
    year: int,
    kegiatan: str,
    name: str,
    location_kind: str,
    points: Sequence[tuple[Decimal, Decimal]],
    address: str = "",
) -> Project:
    """Register a works package of ``village`` under a kegiatan of its adopted APBDes of ``year``."""
    PROJECT.require(actor, Place.of_village(village), "manage")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            _("Tahun harus antara %(min)d dan %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR}, field="year"
        )
    code = kegiatan.strip()
    apbdes = adopted_apbdes(village, year)
    if apbdes is None:
        raise ValidationFailed(
            _("Desa ini belum memiliki APBDes %(year)d yang ditetapkan.") % {"year": year}, field="kegiatan"
        )
    if not ApbdesLine.objects.filter(apbdes=apbdes, activity_code=code).exists():
        raise ValidationFailed(
            _("Kegiatan %(code)s tidak ada dalam APBDes %(year)d desa ini.") % {"code": code, "year": year},
            field="kegiatan",
        )
    geometry = parse_location(location_kind, points)
    project = Project(
        pemda_id=village.pemda_id,
        unit=None,
        year=year,
        sub_kegiatan_code="",
        apbdes_kegiatan=code,
        name=clean_name(name, label=_("nama pekerjaan"), max_length=200, field="name"),
        village=village,
        address=clean_text(address, label=_("alamat"), field="address", max_length=255),
        location_kind=location_kind,
        coordinates=geojson_coordinates(geometry),
        latitude=geometry[0].latitude,
        longitude=geometry[0].longitude,
    )
    with transaction.atomic():
        project.save()
        map_changed(project.pemda_id)
        audit.record(
            actor=actor,
            action="project.create",
            obj=project,
            pemda_code=project.pemda_id,
            after=audit.snapshot(project, WORKS_AUDIT_FIELDS),
        )
    return project


def works_for_user(user: MaybeActor, pemda: Pemda) -> QuerySet[Project]:
    """The village works packages the user may see: their desa's, their kecamatan's, or all for DPMD."""
    scope = scope_in(user, pemda)
    viewers = VILLAGE_WORKS.capabilities["view"]
    works = Project.objects.filter(pemda=pemda, unit__isnull=True).select_related("village__region")
    if not (scope.roles & viewers) and scope.grants:
        return works.none()
    return works.filter(village__in=villages_for_user(user, pemda))


@dataclass(frozen=True)
class WorksFinance:
    """The money side of a works package: its kegiatan's budget and realisation in the desa's books."""

    budget: Decimal  # the kegiatan's expenditure in the newest adopted APBDes
    realised: Decimal  # the desa's realised spending on the kegiatan (Siskeudes or its own books)


def works_finance(project: Project) -> WorksFinance:
    """What the desa budgeted and spent on the package's kegiatan (shared by every package of it)."""
    if project.village is None or not project.apbdes_kegiatan:
        raise ValueError("works_finance() is for village works packages")
    apbdes = adopted_apbdes(project.village, project.year)
    budget = Decimal(0)
    if apbdes is not None:
        budget = ApbdesLine.objects.filter(
            apbdes=apbdes, activity_code=project.apbdes_kegiatan, account_code__startswith="5"
        ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    realised = Realisation.objects.filter(
        village=project.village,
        year=project.year,
        activity_code=project.apbdes_kegiatan,
        account_code__startswith="5",
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return WorksFinance(budget=Decimal(budget), realised=Decimal(realised))


def kegiatan_done(village_ids: Iterable[int], year: int) -> list[tuple[int, str, bool]]:
    """(desa id, kegiatan, finished) for every kegiatan of ``year`` that has works packages in monitoring.

    Finished when every package of the kegiatan has a verified report of 100% as its latest verified one;
    one query whatever the number of desa (the villages' stage check reads it for a whole kecamatan).
    """
    latest = (
        ProgressReport.objects.filter(project=OuterRef("pk"), state=ReportState.VERIFIED)
        .order_by("-reported_on", "-pk")
        .values("percent")[:1]
    )
    rows = (
        Project.objects.filter(unit__isnull=True, village_id__in=list(village_ids), year=year)
        .annotate(verified=Subquery(latest, output_field=DecimalField(max_digits=5, decimal_places=2)))
        .values_list("village_id", "apbdes_kegiatan", "verified")
    )
    done: dict[tuple[int, str], bool] = {}
    for village_id, code, verified in rows:
        assert village_id is not None  # a works package always has its desa (database check)
        finished = verified is not None and Decimal(verified) >= 100
        done[(village_id, code)] = done.get((village_id, code), True) and finished
    return [(village_id, code, finished) for (village_id, code), finished in sorted(done.items())]
