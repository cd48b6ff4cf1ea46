"""A year of Banyuwangi's physical works for the demo: hundreds of projects on the adopted APBD 2028.

Every project sits under a sub-kegiatan of the adopted demo APBD that has capital (5.2.x) lines, paid
through the year by the budgeting demo's SP2D, with contracts summing to part of that capital budget, so
the monthly RFK has DPA, cash plan, payments and verified physical progress to compare. Projects are
spread over the demo agencies and the regency's desa (a point near the kecamatan, roads as lines), most
with a vendor and an OCDS ``ocid``, some swakelola, some with addenda; S-curves are drawn from the
schedule; weekly reports run from each contract's start to the demo's day, with photos (small generated
JPEGs, one per photographed report, with real EXIF GPS positions and times inside the regency) at 0%, 50%
and 100% and in the last fortnight, a few of them far, old or without a position; the weeks between
carry none (photo files are what a seed pays for, in time and disk). Most reports are verified, some returned
and corrected (the correction re-sends the same photo: one stored file, two photo records), the latest
still wait. Contracts that slip turn critical and go through SCM I, II and III in turn.

2028 lies ahead of the real clock, so the year is recorded "in advance" as of :data:`AS_OF` (the batch
services' ``as_of``, as the villages' books run ahead of the clock); ``spbe contracts_refresh --pemda
35.10 --on 2028-11-15`` re-judges it on that day. Deterministic (seeded). Everything goes through the batch
services of :mod:`spbe.monitoring.scale` and the services a user goes through.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.db.models import Sum
from PIL import ExifTags, Image, TiffImagePlugin

from spbe.accounts.demo import KECAMATAN_CENTRES
from spbe.accounts.models import Pemda, PerangkatDaerah, VillageGovernment
from spbe.budgeting.models import RkaLine
from spbe.budgeting.realisation import newest_adopted, spending_by_sub_kegiatan
from spbe.core.actors import Actor

from .curve_import import schedule_points
from .models import Contract, Method, ProgressReport, Project, ReportState
from .scale import (
    ContractSpec,
    ProjectSpec,
    ReportSpec,
    projects_create_many,
    refresh_statuses,
    reports_return_many,
    reports_submit_many,
    reports_verify_many,
)
from .scm import next_stage, scm_record
from .services import addendum_create, check_plan_points, write_plans

YEAR = 2028  # the budgeting demo's adopted APBD
AS_OF = dt.date(2028, 11, 15)
PROJECTS = 360
OCID_PREFIX = f"ocds-spbe35-3510-{YEAR}-T"
PHOTO_SIZE = (200, 150)
CAPITAL = "5.2."
# Names by agency short name (the demo organisation's), else a building of the agency.
WORKS: dict[str, tuple[str, ...]] = {
    "PU Bina Marga": (
        "Rehabilitasi Jalan Poros Desa",
        "Peningkatan Jalan Kabupaten Ruas",
        "Pemeliharaan Berkala Jalan",
        "Pembangunan Jembatan",
    ),
    "PU Pengairan": ("Rehabilitasi Saluran Irigasi", "Normalisasi Sungai", "Pembangunan Bendung"),
    "Cipta Karya": ("Pembangunan Drainase Lingkungan", "Pembangunan SPAM Perdesaan", "Pembangunan Sanitasi"),
    "Disperkim": ("Penerangan Jalan Umum", "Rehabilitasi Rumah Tidak Layak Huni", "Pembangunan RTH"),
    "Dispendik": (
        "Rehabilitasi Ruang Kelas SD",
        "Pembangunan Toilet Sekolah",
        "Pembangunan Perpustakaan SMP",
    ),
    "Dinkes": ("Renovasi Puskesmas Pembantu", "Pembangunan Polindes", "Rehabilitasi Puskesmas"),
}
OTHER_WORKS = ("Rehabilitasi Gedung Kantor", "Pembangunan Pagar dan Halaman Kantor", "Renovasi Aula")
LINE_AGENCIES = {"PU Bina Marga", "PU Pengairan"}
VENDORS = (
    "CV Blambangan Karya",
    "CV Sritanjung Jaya",
    "PT Ijen Konstruksi",
    "CV Alas Purwo Mandiri",
    "CV Gandrung Perkasa",
    "PT Osing Bangun Nusantara",
    "CV Kalibaru Sejahtera",
    "CV Muncar Teknik",
)
RETURN_REASONS = (
    "Foto tidak menunjukkan pekerjaan yang dilaporkan.",
    "Persentase melebihi hasil pengukuran di lapangan.",
)
# Profiles: the actual progress as a share of the plan, and how often each occurs.
PROFILES = (("on_plan", 70), ("ahead", 12), ("slipping", 10), ("late", 8))
# Phases of the year: reports up to the day, then the meetings of that day.
PHASES = (AS_OF - dt.timedelta(days=63), AS_OF - dt.timedelta(days=35), AS_OF - dt.timedelta(days=12), AS_OF)


def photo(latitude: Decimal | None, longitude: Decimal | None, taken: dt.datetime, shade: int) -> bytes:
    """A small field photo with the position and local time a phone writes (no GPS when position is None)."""
    image = Image.new("RGB", PHOTO_SIZE, (100 + shade % 60, 120 + shade % 40, 100))
    image.paste((70 + shade % 30, 70, 75), (0, PHOTO_SIZE[1] // 2, PHOTO_SIZE[0], PHOTO_SIZE[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Demo"
    if latitude is not None and longitude is not None:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        for ref_tag, value_tag, value, refs in (
            (ExifTags.GPS.GPSLatitudeRef, ExifTags.GPS.GPSLatitude, latitude, "NS"),
            (ExifTags.GPS.GPSLongitudeRef, ExifTags.GPS.GPSLongitude, longitude, "EW"),
        ):
            degrees = int(abs(value))
            minutes_full = (abs(value) - degrees) * 60
            minutes = int(minutes_full)
            seconds = (minutes_full - minutes) * 60
            gps[ref_tag] = refs[1] if value < 0 else refs[0]
            gps[value_tag] = (
                TiffImagePlugin.IFDRational(degrees, 1),
                TiffImagePlugin.IFDRational(minutes, 1),
                TiffImagePlugin.IFDRational(int(seconds * 10_000), 10_000),
            )
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.DateTimeOriginal] = taken.strftime("%Y:%m:%d %H:%M:%S")
    details[ExifTags.Base.OffsetTimeOriginal] = "+07:00"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70, exif=exif)
    return out.getvalue()


def _capital_subs(pemda: Pemda) -> list[tuple[PerangkatDaerah, str, Decimal]]:
    """(unit, sub-kegiatan, capital amount) of the adopted version's sub-kegiatan that were paid."""
    version = newest_adopted(pemda, YEAR)
    if version is None:
        return []
    paid = spending_by_sub_kegiatan(pemda, YEAR, until=dt.date(YEAR, 12, 31))
    rows = (
        RkaLine.objects.filter(version=version, account__startswith=CAPITAL)
        .exclude(sub_kegiatan="")
        .values("unit_id", "sub_kegiatan")
        .annotate(total=Sum("amount"))
        .order_by("-total", "unit_id", "sub_kegiatan")
    )
    units = PerangkatDaerah.objects.in_bulk([r["unit_id"] for r in rows])
    return [
        (units[r["unit_id"]], r["sub_kegiatan"], r["total"])
        for r in rows
        if r["total"] and paid.get((r["unit_id"], r["sub_kegiatan"]))
    ]


def _split(total: Decimal, parts: int, rng: random.Random) -> list[Decimal]:
    """Contract values for ``parts`` packages: 70-95% of ``total`` in whole rupiah, unevenly."""
    budget = (total * Decimal(rng.randint(70, 95)) / 100).quantize(Decimal(1), rounding=ROUND_DOWN)
    weights = [rng.randint(3, 10) for _ in range(parts)]
    values = [(budget * w / sum(weights)).quantize(Decimal(1), rounding=ROUND_DOWN) for w in weights]
    return [v.quantize(Decimal("0.01")) for v in values]


def _jitter(value: str, rng: random.Random, spread: int) -> Decimal:
    return (Decimal(value) + Decimal(rng.randint(-spread, spread)) / 10_000).quantize(Decimal("0.000001"))


def _specs(pemda: Pemda, rng: random.Random) -> list[ProjectSpec]:
    subs = _capital_subs(pemda)
    if not subs:
        return []
    villages = list(
        VillageGovernment.objects.filter(pemda=pemda)
        .select_related("region", "kecamatan")
        .order_by("region_id")
    )
    rng.shuffle(villages)
    # Packages per sub-kegiatan by the size of its capital budget, largest first, up to PROJECTS.
    largest = subs[0][2]
    plan: list[tuple[PerangkatDaerah, str, Decimal, int]] = []
    count = 0
    for unit, sub, total in subs:
        parts = max(1, min(8, int(8 * total / largest) + 1))
        parts = min(parts, PROJECTS - count)
        if parts <= 0:
            break
        plan.append((unit, sub, total, parts))
        count += parts
    specs: list[ProjectSpec] = []
    number = 0
    for unit, sub, total, parts in plan:
        names = WORKS.get(unit.short_name, OTHER_WORKS)
        for value in _split(total, parts, rng):
            village = villages[number % len(villages)]
            number += 1
            lat, lon = KECAMATAN_CENTRES.get(village.kecamatan.district_id or "", ("-8.3000", "114.2000"))
            point = (_jitter(lat, rng, 250), _jitter(lon, rng, 250))
            line = unit.short_name in LINE_AGENCIES and rng.random() < 0.7
            points = [point]
            if line:
                for _ in range(rng.randint(1, 3)):
                    last = points[-1]
                    points.append(
                        (
                            last[0] + Decimal(rng.randint(-40, 40)) / 10_000,
                            last[1] + Decimal(rng.randint(10, 60)) / 10_000,
                        )
                    )
            starts = dt.date(YEAR, 2, 1) + dt.timedelta(days=rng.randint(0, 180))
            ends = starts + dt.timedelta(days=rng.choice((90, 120, 150, 180, 210)))
            ends = min(ends, dt.date(YEAR, 12, 20))
            swakelola = rng.random() < 0.1
            specs.append(
                ProjectSpec(
                    unit=unit,
                    year=YEAR,
                    sub_kegiatan_code=sub,
                    name=f"{rng.choice(names)} {village.region.name.title()}",
                    location_kind="line" if line else "point",
                    points=points,
                    village=village,
                    address=f"Desa {village.region.name.title()}",
                    contract=ContractSpec(
                        method=Method.SWAKELOLA if swakelola else Method.VENDOR,
                        number=f"027/{number:04d}/{unit.short_name[:12].upper().replace(' ', '')}/{YEAR}",
                        value=value,
                        signed_on=starts - dt.timedelta(days=rng.randint(3, 10)),
                        starts_on=starts,
                        ends_on=ends,
                        ocid=f"{OCID_PREFIX}{number:05d}",
                        vendor_name="" if swakelola else f"{rng.choice(VENDORS)} {number % 17 + 1}",
                    ),
                )
            )
    return specs


def _actual(plan: list[tuple[dt.date, Decimal]], starts: dt.date, day: dt.date, profile: str) -> Decimal:
    """The demo's reported cumulative % on ``day``: the plan interpolated, shaped by the profile."""
    before = (starts, Decimal(0))
    planned = plan[-1][1]
    for point in plan:
        if point[0] >= day:
            span = (point[0] - before[0]).days or 1
            planned = before[1] + (point[1] - before[1]) * (day - before[0]).days / span
            break
        before = point
    factor = {"on_plan": Decimal(1), "ahead": Decimal("1.08"), "slipping": Decimal("0.6")}.get(
        profile, Decimal("0.85")
    )
    if profile == "late" and planned >= 100:
        factor = Decimal("0.93")
    value = min(Decimal(100), planned * factor)
    if profile in ("on_plan", "ahead") and planned >= 100:
        value = Decimal(100)
    return value.quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def seed_year(pemda: Pemda, *, actor: Actor) -> str:
    """Seed the year once (nothing when the adopted APBD 2028 is missing or the year is already there)."""
    if Contract.objects.filter(pemda=pemda, ocid__startswith=OCID_PREFIX).exists():
        return ""
    rng = random.Random(YEAR * 31)
    specs = _specs(pemda, rng)
    if not specs:
        return ""
    projects = projects_create_many(actor=actor, items=specs)
    contracts = {c.project_id: c for c in Contract.objects.filter(project__in=projects)}
    addenda = 0
    for project in projects:
        contract = contracts[project.pk]
        if contract.method == Method.VENDOR and rng.random() < 0.08:
            longer = rng.random() < 0.6
            addendum_create(
                actor=actor,
                contract=contract,
                signed_on=contract.starts_on + dt.timedelta(days=30),
                reason="Perpanjangan waktu karena cuaca" if longer else "Pekerjaan tambah kurang (CCO)",
                ends_on=min(contract.ends_on + dt.timedelta(days=30), dt.date(YEAR, 12, 28))
                if longer
                else None,
                value=None if longer else (contract.value * Decimal("1.07")).quantize(Decimal(1)),
            )
            addenda += 1
    contracts = {c.project_id: c for c in Contract.objects.filter(project__in=projects)}
    plans = {
        p: check_plan_points(
            contracts[p.pk].starts_on,
            schedule_points(contracts[p.pk].starts_on, contracts[p.pk].ends_on, shape="s", step="weekly"),
        )
        for p in projects
    }
    write_plans(actor=actor, plans=plans, source="schedule:s:weekly")
    names = [name for name, _weight in PROFILES]
    weights = [weight for _name, weight in PROFILES]
    profiles = {p.pk: rng.choices(names, weights)[0] for p in projects}
    reports = photos = meetings = 0
    start = dt.date(YEAR, 1, 1)
    for phase in PHASES:
        recent = AS_OF - dt.timedelta(days=14)
        batch, photographed = _reports(projects, contracts, plans, profiles, rng, start, phase, recent)
        if batch:
            reports_submit_many(actor=actor, items=batch, as_of=phase)
        reports += len(batch)
        photos += photographed
        _decide(pemda, actor, rng, phase)
        meetings += _meetings(pemda, actor, phase)
        start = phase + dt.timedelta(days=1)
    # The demo's day passes for every project of the year, reported lately or not (the daily check's path).
    with transaction.atomic():
        ids = [p.pk for p in projects]
        list(Project.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        refresh_statuses(actor, ids, AS_OF)
    verified = ProgressReport.objects.filter(pemda=pemda, project__in=projects, state=ReportState.VERIFIED)
    returned = ProgressReport.objects.filter(pemda=pemda, project__in=projects, state=ReportState.RETURNED)
    return (
        f"setahun {YEAR} per {AS_OF.isoformat()}: {len(projects)} pekerjaan "
        f"({sum(c.method == Method.SWAKELOLA for c in contracts.values())} swakelola, {addenda} addendum), "
        f"{reports} laporan ({photos} berfoto; {verified.count()} diverifikasi, "
        f"{returned.count()} dikembalikan), "
        f"{Project.objects.filter(pk__in=[p.pk for p in projects], is_critical=True).count()} kritis, "
        f"{meetings} SCM"
    )


def _reports(
    projects: list[Project],
    contracts: dict[int, Contract],
    plans: dict[Project, list[tuple[dt.date, Decimal]]],
    profiles: dict[int, str],
    rng: random.Random,
    start: dt.date,
    until: dt.date,
    recent: dt.date,
) -> tuple[list[ReportSpec], int]:
    """The weekly reports dated ``start..until`` of every project, with photos on some (and on every
    report after ``recent``)."""
    batch: list[ReportSpec] = []
    photographed = 0
    for project in projects:
        contract = contracts[project.pk]
        day = contract.starts_on
        week = 0
        last_percent = Decimal(-1)
        while day <= min(until, contract.ends_on + dt.timedelta(days=28)):
            if day >= start:
                percent = _actual(plans[project], contract.starts_on, day, profiles[project.pk])
                if last_percent >= 100:
                    break
                # Banyuwangi's 0/50/100% photos, and the latest fortnight's (the map's current state).
                with_photo = week == 0 or (percent >= 50 > last_percent) or percent >= 100
                with_photo = with_photo or day > recent
                files: tuple[bytes, ...] = ()
                if with_photo:
                    files = (_field_photo(project, day, rng),)
                    photographed += 1
                batch.append(
                    ReportSpec(
                        project=project,
                        reported_on=day,
                        percent=percent,
                        note="Laporan mingguan pengawas lapangan",
                        problems="Cuaca hujan menghambat pengecoran"
                        if profiles[project.pk] == "slipping"
                        else "",
                        photo_files=files,
                    )
                )
                last_percent = percent
            else:
                last_percent = _actual(plans[project], contract.starts_on, day, profiles[project.pk])
            week += 1
            day += dt.timedelta(days=7)
    return batch, photographed


def _field_photo(project: Project, day: dt.date, rng: random.Random) -> bytes:
    """Near the project (within ~100 m), taken that morning; a few far, old or without position."""
    lon, lat = (Decimal(v) for v in project.coordinates[0])
    luck = rng.random()
    taken = dt.datetime.combine(day, dt.time(8 + rng.randint(0, 6), rng.randint(0, 59)))
    if luck < 0.03:  # far: a photo of another site, ~2 km away
        lat += Decimal("0.0180")
    elif luck < 0.06:  # old: taken two weeks before the report
        taken -= dt.timedelta(days=14)
    elif luck < 0.08:  # the phone's location was off
        return photo(None, None, taken, rng.randint(0, 255))
    lat += Decimal(rng.randint(-8, 8)) / 10_000
    lon += Decimal(rng.randint(-8, 8)) / 10_000
    return photo(lat, lon, taken, rng.randint(0, 255))


def _decide(pemda: Pemda, actor: Actor, rng: random.Random, day: dt.date) -> None:
    """Supervisors check what arrived up to two weeks before ``day``: most verified, a few returned and
    corrected (the correction re-sends the same photo)."""
    waiting = list(
        ProgressReport.objects.filter(
            pemda=pemda,
            state=ReportState.SUBMITTED,
            reported_on__lte=day - dt.timedelta(days=14),
            project__contract__ocid__startswith=OCID_PREFIX,
        )
        .select_related("project__pemda")
        .prefetch_related("photos")
        .order_by("pk")
    )
    if not waiting:
        return
    back = [r for r in waiting if rng.random() < 0.03 and r.percent > 0]
    back_ids = {r.pk for r in back}
    reports_verify_many(actor=actor, reports=[r for r in waiting if r.pk not in back_ids])
    if not back:
        return
    reports_return_many(actor=actor, returns=[(r, rng.choice(RETURN_REASONS)) for r in back], as_of=day)
    corrections = []
    for report in back:
        files = tuple(p.original.read() for p in report.photos.all())
        for stored in report.photos.all():
            stored.original.close()
        corrections.append(
            ReportSpec(
                project=report.project,
                reported_on=report.reported_on,
                percent=(report.percent - Decimal("2.50")).max(Decimal(0)),
                note="Koreksi setelah pengukuran ulang bersama PPK",
                photo_files=files,
                corrects=report,
            )
        )
    made = reports_submit_many(actor=actor, items=corrections, as_of=day)
    reports_verify_many(actor=actor, reports=made)


def _meetings(pemda: Pemda, actor: Actor, day: dt.date) -> int:
    """On ``day`` each critical contract has its next show-cause meeting, when the rules allow one."""
    count = 0
    critical = Project.objects.filter(
        pemda=pemda, is_critical=True, contract__ocid__startswith=OCID_PREFIX
    ).select_related("pemda")
    for project in critical:
        stage = next_stage(project)
        if stage is None:
            continue
        scm_record(
            actor=actor,
            project=project,
            stage=stage,
            held_on=day,
            attendees="PPK, konsultan pengawas, direktur penyedia, Bappeda",
            agreed_percent=min(Decimal(100), (project.actual_percent or Decimal(0)) + Decimal(10 * stage)),
            target_on=day + dt.timedelta(days=14),
            notes="Penyedia menambah tenaga kerja dan jam kerja lembur.",
            today=day,
        )
        count += 1
    return count


# ------------------------------------------------------------------------------------- village works

WORKS_YEAR = 2027  # the villages demo's APBDes year
WORKS_AS_OF = dt.date(2027, 11, 15)
WORKS_DESA = 36
WORKS_KEGIATAN = (("02.03.10", "Rabat beton jalan dusun"), ("02.03.02", "Pembangunan saluran drainase desa"))
WORKS_OCID = f"ocds-spbe35-desa-{WORKS_YEAR}-"


def seed_village_works(pemda: Pemda, *, actor: Actor) -> str:
    """A few dozen desa's works packages on kegiatan of their adopted APBDes 2027, with weekly reports."""
    from spbe.villages.models import Apbdes, ApbdesLine

    from .village_works import works_create

    if Contract.objects.filter(pemda=pemda, ocid__startswith=WORKS_OCID).exists():
        return ""
    rng = random.Random(WORKS_YEAR * 17)
    adopted = (
        Apbdes.objects.filter(pemda=pemda, year=WORKS_YEAR, version_state=Apbdes.State.FROZEN)
        .select_related("village__region", "village__kecamatan")
        .order_by("village__region_id")
    )
    packages: list[Project] = []
    for apbdes in adopted:
        if len(packages) >= WORKS_DESA:
            break
        codes = set(ApbdesLine.objects.filter(apbdes=apbdes).values_list("activity_code", flat=True))
        kegiatan = next(((c, n) for c, n in WORKS_KEGIATAN if c in codes), None)
        if kegiatan is None:
            continue
        village = apbdes.village
        lat, lon = KECAMATAN_CENTRES.get(village.kecamatan.district_id or "", ("-8.3000", "114.2000"))
        packages.append(
            works_create(
                actor=actor,
                village=village,
                year=WORKS_YEAR,
                kegiatan=kegiatan[0],
                name=f"{kegiatan[1]} {village.region.name.title()}",
                location_kind="point",
                points=[(_jitter(lat, rng, 250), _jitter(lon, rng, 250))],
                address=f"Desa {village.region.name.title()}",
            )
        )
    if not packages:
        return ""
    from .services import contract_create

    for number, project in enumerate(packages, start=1):
        starts = dt.date(WORKS_YEAR, 4, 1) + dt.timedelta(days=rng.randint(0, 120))
        swakelola = number % 3 != 0  # most by the desa itself (padat karya), some with a vendor
        contract_create(
            actor=actor,
            project=project,
            method=Method.SWAKELOLA if swakelola else Method.VENDOR,
            number=f"141/{number:03d}/DESA/{WORKS_YEAR}",
            vendor_name="" if swakelola else f"CV Karya Desa {number}",
            value=Decimal(rng.randint(80, 400)) * 1_000_000,
            signed_on=starts - dt.timedelta(days=3),
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=rng.choice((60, 90, 120))),
            ocid=f"{WORKS_OCID}{number:04d}",
        )
    contracts = {c.project_id: c for c in Contract.objects.filter(project__in=packages)}
    plans = {
        p: check_plan_points(
            contracts[p.pk].starts_on,
            schedule_points(
                contracts[p.pk].starts_on, contracts[p.pk].ends_on, shape="linear", step="weekly"
            ),
        )
        for p in packages
    }
    write_plans(actor=actor, plans=plans, source="schedule:linear:weekly")
    profiles = {p.pk: rng.choices(["on_plan", "late"], [80, 20])[0] for p in packages}
    first, recent = dt.date(WORKS_YEAR, 1, 1), WORKS_AS_OF - dt.timedelta(days=14)
    batch, _photos = _reports(packages, contracts, plans, profiles, rng, first, WORKS_AS_OF, recent)
    made = reports_submit_many(actor=actor, items=batch, as_of=WORKS_AS_OF)
    older = [r for r in made if r.reported_on <= WORKS_AS_OF - dt.timedelta(days=14)]
    reports_verify_many(actor=actor, reports=older)
    return f"{len(packages)} paket pekerjaan desa {WORKS_YEAR} ({len(made)} laporan)"
