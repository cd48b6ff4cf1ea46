"""Demo data for e-monitoring (first slice): a few Dinas PU Bina Marga road works in Banyuwangi.

Each has a contract dated from today, an S-curve, and reports with photos carrying real EXIF positions
inside the regency, so the supervisor's and the agency head's pages have something to show: one on plan,
one slipping into critical, one just started. Written through the services a user goes through. Runs once
per pemda (a second run adds nothing). The year of hundreds of projects on the adopted APBD 2028 is
:mod:`spbe.monitoring.demo_scale`, seeded first.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from PIL import ExifTags, Image, TiffImagePlugin

from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.core.actors import Actor

from . import demo_scale
from .curve_import import plans_import, schedule_points
from .e81 import targets_import
from .models import Contract, Project
from .scm import scm_record
from .services import contract_create, pemda_today, plan_set, project_create, report_submit

UNIT_CODE = "1.03.0.00.0.00.02.0000"  # Dinas Pekerjaan Umum Bina Marga in the demo organisation
SUB_KEGIATAN = "1.03.10.2.01.0028"
# (name, latitude, longitude, contract value, reported % 45 and 15 days ago)
WORKS = [
    ("Rehabilitasi Jalan Genteng - Kalibaru", "-8.367512", "114.152804", "2150000000.00", ("20", "48")),
    ("Peningkatan Jalan Rogojampi - Songgon", "-8.288913", "114.247121", "1780500000.00", ("8", "12")),
    ("Pemeliharaan Jalan Lingkar Muncar", "-8.433240", "114.331902", "965000000.00", None),
]


def _photo(latitude: str, longitude: str, taken: dt.datetime) -> bytes:
    """A field photo as a phone writes it: GPS degrees/minutes/seconds and the local time with its offset."""
    image = Image.new("RGB", (1200, 900), (120, 130, 110))
    image.paste((70, 70, 75), (0, 500, 1200, 900))  # the road
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Demo"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    for ref_tag, value_tag, text, refs in (
        (ExifTags.GPS.GPSLatitudeRef, ExifTags.GPS.GPSLatitude, latitude, "NS"),
        (ExifTags.GPS.GPSLongitudeRef, ExifTags.GPS.GPSLongitude, longitude, "EW"),
    ):
        value = Decimal(text)
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
    image.save(out, "JPEG", quality=80, exif=exif)
    return out.getvalue()


def seed(pemda: Pemda, *, actor: Actor) -> str:
    """Add the demo works once, with contracts from 90 days ago, S-curves and two reports each."""
    unit = PerangkatDaerah.objects.filter(pemda=pemda, code=UNIT_CODE).first()
    year = "; ".join(
        part
        for part in (
            demo_scale.seed_year(pemda, actor=actor),
            demo_scale.seed_village_works(pemda, actor=actor),
        )
        if part
    )
    # The three works below ran already when the pemda has an agency project outside the year's demo.
    ran = (
        Project.objects.filter(pemda=pemda, unit__isnull=False)
        .exclude(contract__ocid__startswith=demo_scale.OCID_PREFIX)
        .exists()
    )
    if unit is None or ran:
        return f"monitoring: {year}" if year else "monitoring: tidak ada yang ditambahkan"
    today = pemda_today(pemda)
    start = today - dt.timedelta(days=90)
    reports = 0
    waiting: list[Project] = []
    for number, (name, lat, lon, value, progress) in enumerate(WORKS, start=1):
        project = project_create(
            actor=actor,
            unit=unit,
            year=settings.SPBE_DEFAULT_BUDGET_YEAR,  # the year whose nomenclature the demo loads
            sub_kegiatan_code=SUB_KEGIATAN,
            name=name,
            location_kind="point",
            points=[(Decimal(lat), Decimal(lon))],
        )
        contract_create(
            actor=actor,
            project=project,
            method="penyedia",
            number=f"600/{number:03d}/PU-BM/{start.year}",
            vendor_name=f"CV Blambangan Karya {number}",
            value=value,
            signed_on=start - dt.timedelta(days=5),
            starts_on=start if progress else today - dt.timedelta(days=3),
            ends_on=start + dt.timedelta(days=210),
            ocid=f"ocds-spbe35-3510-{start.year}-{number:04d}",
        )
        if progress is None:
            waiting.append(project)
            continue
        for days_ago, percent in zip((45, 15), progress, strict=True):
            day = today - dt.timedelta(days=days_ago)
            taken = dt.datetime.combine(day, dt.time(9, 30))
            report_submit(
                actor=actor,
                project=project,
                reported_on=day,
                percent=percent,
                note="Laporan mingguan pengawas lapangan",
                photo_files=[_photo(lat, lon, taken)],
            )
            reports += 1
        # The curve after the reports: a contract on plan never flashes critical in between.
        plan_set(
            actor=actor,
            project=project,
            points=[(start + dt.timedelta(days=120), "70"), (start + dt.timedelta(days=200), "100")],
        )
    _curves_from_file(pemda, waiting, actor=actor)
    meetings = _show_cause(unit, actor=actor, today=today)
    rows = _e81(unit, settings.SPBE_DEFAULT_BUDGET_YEAR, actor=actor)
    summary = (
        f"monitoring: {len(WORKS)} pekerjaan, {reports} laporan progres, {meetings} SCM, {rows} baris E.81"
    )
    return f"{summary}; {year}" if year else summary


def _curves_from_file(pemda: Pemda, projects: list[Project], *, actor: Actor) -> None:
    """The just-started works get their S-curve the way an agency uploads many: one generated CSV."""
    lines = ["kode_proyek,tanggal,rencana_kumulatif"]
    for project in projects:
        contract = Contract.objects.get(project=project)
        for day, percent in schedule_points(contract.starts_on, contract.ends_on, shape="s", step="monthly"):
            lines.append(f"{project.pk},{day.isoformat()},{percent}")
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "kurva.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        plans_import(actor=actor, pemda=pemda, path=path)


def _show_cause(unit: PerangkatDaerah, *, actor: Actor, today: dt.date) -> int:
    """SCM I for every one of the works above the rule found critical: held a week ago, 25% agreed within
    two weeks. Only those: the year's demo (and the village works packages, of a later budget year than
    today) keep their own meetings."""
    count = 0
    works = Project.objects.filter(
        unit=unit, is_critical=True, contract__starts_on__lte=today - dt.timedelta(days=7)
    ).exclude(contract__ocid__startswith=demo_scale.OCID_PREFIX)
    for project in works.select_related("pemda"):
        scm_record(
            actor=actor,
            project=project,
            stage=1,
            held_on=today - dt.timedelta(days=7),
            attendees="PPK Dinas PU Bina Marga, konsultan pengawas, direktur penyedia",
            agreed_percent="25",
            target_on=today + dt.timedelta(days=14),
            notes="Penyedia menambah tenaga kerja dan satu unit alat pemadat.",
        )
        count += 1
    return count


E81_ROWS = [
    (
        "program",
        "1.03.10",
        "Program Penyelenggaraan Jalan",
        "Persentase jalan kabupaten mantap",
        "%",
        "85",
        "72.5",
        "78",
        "73.1",
        "74.4",
    ),
    (
        "kegiatan",
        "1.03.10.2.01",
        "Penyelenggaraan Jalan Kabupaten",
        "Panjang jalan ditangani",
        "km",
        "240",
        "150",
        "45",
        "6.5",
        "11.25",
    ),
    (
        "sub kegiatan",
        SUB_KEGIATAN,
        "Pengelolaan Leger Jalan",
        "Ruas jalan terdata dalam leger",
        "ruas",
        "120",
        "80",
        "20",
        "4",
        "5",
    ),
]


def _e81(unit: PerangkatDaerah, year: int, *, actor: Actor) -> int:
    """The agency's E.81 rows with two quarters realised, through the import agencies use."""
    header = (
        "tingkat,kode,nama,indikator,satuan,target_renstra,realisasi_sd_tahun_lalu,target_tahun_ini,tw1,tw2"
    )
    body = [",".join(row) for row in E81_ROWS]
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "e81.csv"
        path.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
        return targets_import(actor=actor, unit=unit, year=year, path=path)
