"""Every write of e-monitoring, each in one transaction with its audit entry.

Projects, contracts, addenda and S-curves are the agency's (``manage``); progress reports come from field
supervisors (``report``) and are verified or returned by someone else (``verify``). Whenever the reports
that count change (a report arrives, one is returned) the project's critical-contract status is recomputed
with :func:`spbe.monitoring.rules.status` in the same transaction, with the project row locked, so two
reports arriving at once never leave a status computed from only one of them.

Photo files are written to storage before the rows that name them; if the transaction then rolls back,
the files stay behind unnamed (harmless, and cleaned by a sweep), never the other way round.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spbe.accounts.access import Place
from spbe.accounts.models import Pemda, PerangkatDaerah, VillageGovernment
from spbe.core import audit, photos
from spbe.core.actors import MaybeActor, is_person, require_actor
from spbe.core.errors import Conflict, ValidationFailed
from spbe.core.geo import COORDINATE_PLACES, GeoPoint, distance_m, distance_to_path_m
from spbe.core.money import parse_rupiah
from spbe.core.published import bump_version
from spbe.core.text import clean_name, describe_characters, invisible_characters
from spbe.reference.models import Nomenclature
from spbe.reference.selectors import nomenclature_for

from . import escalation, rules, selectors
from .access import PROJECT
from .models import (
    Addendum,
    Contract,
    LocationKind,
    Method,
    PlanPoint,
    ProgressReport,
    Project,
    ReportPhoto,
)
from .speed import MAP_DATA_SET, dashboard_changed, refresh_verified
from .workflow import REPORT_FLOW

PERCENT_PLACES = Decimal("0.01")
OCID_PATTERN = re.compile(r"ocds-[A-Za-z0-9]{6}-[A-Za-z0-9._/-]{1,80}")
MAX_TEXT = 5000
MAX_PHOTOS = 10
MIN_YEAR, MAX_YEAR = 2000, 2100


def map_changed(pemda_code: str) -> None:
    """Call in the transaction of any change to what the public map shows of the pemda's projects.

    The pemda's public map points (api.project_map) are replayed by spbe.core.published and kept by
    spbe.monitoring.speed until this changes; what the map shows is also on the dashboards.
    """
    bump_version(MAP_DATA_SET.format(pemda=pemda_code))
    dashboard_changed(pemda_code)


def pemda_today(pemda: Pemda) -> date:
    """Today in the pemda's own time zone (a report filed at 23:30 WIT is that day's in Jayapura)."""
    return timezone.localdate(timezone.now(), ZoneInfo(pemda.time_zone))


def parse_percent(value: Decimal | str | int, *, field: str = "percent") -> Decimal:
    """A cumulative % from 0 to 100 with at most 2 decimals; floats are refused (never exact)."""
    if isinstance(value, (bool, float)):
        raise ValidationFailed(
            _('Persentase harus ditulis sebagai angka desimal, misalnya "42.5".'), field=field
        )
    try:
        number = Decimal(value.strip().replace(",", ".")) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(100):
        raise ValidationFailed(_("Persentase harus antara 0 dan 100."), field=field)
    if number != number.quantize(PERCENT_PLACES):
        raise ValidationFailed(_("Persentase paling banyak 2 angka di belakang koma."), field=field)
    return number.quantize(PERCENT_PLACES)


def clean_text(value: str, *, label: str, field: str, max_length: int = MAX_TEXT) -> str:
    """Free text (a note, problems): NFC, trimmed, line breaks kept, no other invisible characters."""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").strip()
    hidden = invisible_characters(text.replace("\n", "").replace("\t", ""))
    if hidden:
        raise ValidationFailed(
            _(
                "%(label)s berisi karakter kendali atau tak terlihat (%(chars)s); "
                "hapus karakter itu lalu ulangi"
            )
            % {"label": label, "chars": describe_characters(hidden)},
            field=field,
        )
    if len(text) > max_length:
        raise ValidationFailed(
            _("%(label)s lebih dari %(max)d karakter") % {"label": label, "max": max_length}, field=field
        )
    return text


def parse_location(kind: str, points: Sequence[tuple[Decimal, Decimal]]) -> list[GeoPoint]:
    """Check a point (one position) or a line (two or more) given as (latitude, longitude) decimals."""
    if kind not in LocationKind.values:
        raise ValidationFailed(_("Bentuk lokasi harus titik atau garis."), field="location_kind")
    if kind == LocationKind.POINT and len(points) != 1:
        raise ValidationFailed(_("Lokasi titik harus tepat satu koordinat."), field="coordinates")
    if kind == LocationKind.LINE and len(points) < 2:
        raise ValidationFailed(_("Lokasi garis perlu paling sedikit dua koordinat."), field="coordinates")
    if len(points) > 1000:
        raise ValidationFailed(_("Lokasi paling banyak 1000 koordinat."), field="coordinates")
    checked: list[GeoPoint] = []
    for number, (lat, lon) in enumerate(points, start=1):
        if not isinstance(lat, Decimal) or not isinstance(lon, Decimal):
            raise ValidationFailed(
                _("Koordinat harus angka desimal, bukan pecahan biner."), field="coordinates"
            )
        if (
            not (lat.is_finite() and lon.is_finite())
            or lat != lat.quantize(COORDINATE_PLACES)
            or (lon != lon.quantize(COORDINATE_PLACES))
        ):
            raise ValidationFailed(
                _("Koordinat ke-%(n)d paling banyak 6 angka di belakang koma.") % {"n": number},
                field="coordinates",
            )
        try:
            checked.append(GeoPoint(lat, lon))
        except ValueError:
            raise ValidationFailed(
                _("Koordinat ke-%(n)d di luar lintang -90..90 atau bujur -180..180.") % {"n": number},
                field="coordinates",
            ) from None
    return checked


def geojson_coordinates(points: Sequence[GeoPoint]) -> list[list[str]]:
    """GeoJSON order (longitude first), as exact decimal strings."""
    return [
        [str(p.longitude.quantize(COORDINATE_PLACES)), str(p.latitude.quantize(COORDINATE_PLACES))]
        for p in points
    ]


def _sub_kegiatan(year: int, code: str) -> Nomenclature:
    row = nomenclature_for(year, code.strip())
    if row is None or row.level != Nomenclature.Level.SUB_KEGIATAN:
        raise ValidationFailed(
            _("Kode %(code)s bukan sub kegiatan dalam nomenklatur tahun %(year)d.")
            % {"code": code, "year": year},
            field="sub_kegiatan_code",
        )
    return row


def new_project(
    *,
    unit: PerangkatDaerah,
    year: int,
    sub_kegiatan_code: str,
    name: str,
    location_kind: str,
    points: Sequence[tuple[Decimal, Decimal]],
    village: VillageGovernment | None = None,
    address: str = "",
) -> Project:
    """A checked, unsaved project (the one place both :func:`project_create` and the batch path build it)."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            _("Tahun harus antara %(min)d dan %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR}, field="year"
        )
    _sub_kegiatan(year, sub_kegiatan_code)
    geometry = parse_location(location_kind, points)
    project = Project(
        pemda_id=unit.pemda_id,
        unit=unit,
        year=year,
        sub_kegiatan_code=sub_kegiatan_code.strip(),
        name=clean_name(name, label=_("nama pekerjaan"), max_length=200, field="name"),
        village=village,
        address=clean_text(address, label=_("alamat"), field="address", max_length=255),
        location_kind=location_kind,
        coordinates=geojson_coordinates(geometry),
        latitude=geometry[0].latitude,
        longitude=geometry[0].longitude,
    )
    project.check_tenant()
    return project


PROJECT_AUDIT_FIELDS = [
    "unit",
    "year",
    "sub_kegiatan_code",
    "name",
    "village",
    "address",
    "location_kind",
    "coordinates",
]


def project_create(
    *,
    actor: MaybeActor,
    unit: PerangkatDaerah,
    year: int,
    sub_kegiatan_code: str,
    name: str,
    location_kind: str,
    points: Sequence[tuple[Decimal, Decimal]],
    village: VillageGovernment | None = None,
    address: str = "",
) -> Project:
    """Register a physical work of ``unit`` under a sub-kegiatan of ``year`` at a point or along a line."""
    PROJECT.require(actor, Place.of_unit(unit), "manage")
    project = new_project(
        unit=unit,
        year=year,
        sub_kegiatan_code=sub_kegiatan_code,
        name=name,
        location_kind=location_kind,
        points=points,
        village=village,
        address=address,
    )
    with transaction.atomic():
        project.save()
        map_changed(project.pemda_id)
        audit.record(
            actor=actor,
            action="project.create",
            obj=project,
            pemda_code=project.pemda_id,
            after=audit.snapshot(project, PROJECT_AUDIT_FIELDS),
        )
    return project


def _check_dates(signed_on: date, starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise ValidationFailed(_("Tanggal selesai tidak boleh sebelum tanggal mulai."), field="ends_on")
    if signed_on > starts_on:
        raise ValidationFailed(
            _("Pekerjaan tidak dapat dimulai sebelum kontrak ditandatangani."), field="starts_on"
        )


def new_contract(
    *,
    project: Project,
    method: str,
    number: str,
    value: Decimal | str,
    signed_on: date,
    starts_on: date,
    ends_on: date,
    ocid: str,
    vendor_name: str = "",
) -> Contract:
    """A checked, unsaved contract of ``project`` (uniqueness is the caller's, under its lock)."""
    if method not in Method.values:
        raise ValidationFailed(_("Cara pengadaan harus penyedia atau swakelola."), field="method")
    vendor = vendor_name.strip()
    if method == Method.VENDOR:
        vendor = clean_name(vendor, label=_("nama penyedia"), max_length=200, field="vendor_name")
    elif vendor:
        raise ValidationFailed(_("Pekerjaan swakelola tidak memiliki penyedia."), field="vendor_name")
    amount = parse_rupiah(value, field="value")
    if amount < 0:
        raise ValidationFailed(_("Nilai kontrak tidak boleh negatif."), field="value")
    _check_dates(signed_on, starts_on, ends_on)
    ocid = ocid.strip()
    if not OCID_PATTERN.fullmatch(ocid):
        raise ValidationFailed(
            _("OCID harus berbentuk ocds-AWALAN-NOMOR (awalan 6 karakter), misalnya ocds-abc123-2027-0001."),
            field="ocid",
        )
    return Contract(
        pemda_id=project.pemda_id,
        project=project,
        method=method,
        number=clean_name(number, label=_("nomor kontrak"), max_length=100, field="number"),
        vendor_name=vendor,
        value=amount,
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
        ocid=ocid,
    )


CONTRACT_AUDIT_FIELDS = [
    "project",
    "method",
    "number",
    "vendor_name",
    "value",
    "signed_on",
    "starts_on",
    "ends_on",
    "ocid",
]


def contract_create(
    *,
    actor: MaybeActor,
    project: Project,
    method: str,
    number: str,
    value: Decimal | str,
    signed_on: date,
    starts_on: date,
    ends_on: date,
    ocid: str,
    vendor_name: str = "",
) -> Contract:
    """Record the contract of ``project``: with a vendor, or swakelola (which has none)."""
    PROJECT.require(actor, project.place(), "manage")
    contract = new_contract(
        project=project,
        method=method,
        number=number,
        value=value,
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
        ocid=ocid,
        vendor_name=vendor_name,
    )
    ocid = contract.ocid
    try:
        with transaction.atomic():
            # Locking the project serialises two officers entering its contract at once.
            Project.objects.select_for_update().filter(pk=project.pk).first()
            if Contract.objects.filter(project=project).exists():
                raise Conflict(_("Pekerjaan ini sudah memiliki kontrak; ubah dengan addendum."))
            if Contract.objects.filter(ocid=ocid).exists():
                raise ValidationFailed(
                    _("OCID %(ocid)s sudah dipakai kontrak lain.") % {"ocid": ocid}, field="ocid"
                )
            contract.save()
            map_changed(contract.pemda_id)
            audit.record(
                actor=actor,
                action="contract.create",
                obj=contract,
                pemda_code=contract.pemda_id,
                after=audit.snapshot(contract, CONTRACT_AUDIT_FIELDS),
            )
    except IntegrityError:
        # Another contract took the same OCID between the check and the insert.
        raise Conflict(_("OCID atau kontrak pekerjaan ini baru saja dicatat pengguna lain.")) from None
    return contract


def addendum_create(
    *,
    actor: MaybeActor,
    contract: Contract,
    signed_on: date,
    reason: str,
    value: Decimal | str | None = None,
    ends_on: date | None = None,
) -> Addendum:
    """Change a contract's value and/or end date; the addendum keeps both before and after."""
    PROJECT.require(actor, contract.place(), "manage")
    if value is None and ends_on is None:
        raise ValidationFailed(_("Addendum harus mengubah nilai atau tanggal selesai."), field="value")
    why = clean_text(reason, label=_("alasan"), field="reason")
    if not why:
        raise ValidationFailed(_("Alasan addendum wajib diisi."), field="reason")
    amount = parse_rupiah(value, field="value") if value is not None else None
    if amount is not None and amount < 0:
        raise ValidationFailed(_("Nilai kontrak tidak boleh negatif."), field="value")
    vetted = require_actor(actor)
    with transaction.atomic():
        current = Contract.objects.select_for_update().get(pk=contract.pk)
        if signed_on < current.signed_on:
            raise ValidationFailed(_("Addendum tidak dapat bertanggal sebelum kontrak."), field="signed_on")
        new_value = current.value if amount is None else amount
        new_end = current.ends_on if ends_on is None else ends_on
        if new_end < current.starts_on:
            raise ValidationFailed(_("Tanggal selesai tidak boleh sebelum tanggal mulai."), field="ends_on")
        if new_value == current.value and new_end == current.ends_on:
            raise ValidationFailed(_("Addendum ini tidak mengubah apa pun."), field="value")
        addendum = Addendum.objects.create(
            pemda_id=current.pemda_id,
            contract=current,
            number=current.addenda.count() + 1,
            signed_on=signed_on,
            reason=why,
            value_before=current.value,
            value_after=new_value,
            ends_on_before=current.ends_on,
            ends_on_after=new_end,
            created_by_id=vetted.pk if is_person(vetted) else None,
        )
        Contract.objects.filter(pk=current.pk).update(
            value=new_value, ends_on=new_end, updated_at=timezone.now()
        )
        map_changed(current.pemda_id)
        audit.record(
            actor=vetted,
            action="contract.addendum",
            obj=current,
            pemda_code=current.pemda_id,
            before={"value": current.value, "ends_on": current.ends_on},
            after={"value": new_value, "ends_on": new_end, "addendum": addendum.number, "reason": why},
        )
    contract.refresh_from_db()
    return addendum


def check_plan_points(
    starts_on: date, points: Sequence[tuple[date, Decimal | str]]
) -> list[tuple[date, Decimal]]:
    """A complete S-curve from ``points``, sorted: cumulative, 0% up to the contract start, ending at 100%.

    Raises :class:`spbe.monitoring.rules.PlanError` naming the offending point (index in date order).
    """
    parsed = sorted(((day, parse_percent(value)) for day, value in points), key=lambda p: p[0])
    rules.check_plan(starts_on, [(day, Fraction(value)) for day, value in parsed])
    if not parsed:
        raise rules.PlanError(_("kurva S kosong"), 0)
    if parsed[-1][1] != 100:
        raise rules.PlanError(_("titik terakhir kurva S harus 100%"), len(parsed) - 1)
    return parsed


def plan_set(
    *,
    actor: MaybeActor,
    project: Project,
    points: Sequence[tuple[date, Decimal | str]],
    source: str = "entry",
) -> list[PlanPoint]:
    """Replace the planned S-curve of ``project`` (cumulative % by date, 0% at the contract's start, ending
    at 100%). ``source`` says where it came from (``entry``, ``import``, ``schedule``), for the audit."""
    PROJECT.require(actor, project.place(), "manage")
    contract = Contract.objects.filter(project=project).first()
    if contract is None:
        raise Conflict(_("Catat kontrak pekerjaan ini dulu: kurva S dimulai dari tanggal mulai kontrak."))
    try:
        parsed = check_plan_points(contract.starts_on, points)
    except rules.PlanError as error:
        raise ValidationFailed(
            _("Titik kurva S ke-%(n)d: %(reason)s.") % {"n": error.index + 1, "reason": error}, field="points"
        ) from None
    return write_plans(actor=actor, plans={project: parsed}, source=source)[project.pk]


def write_plans(
    *, actor: MaybeActor, plans: dict[Project, list[tuple[date, Decimal]]], source: str
) -> dict[int, list[PlanPoint]]:
    """Replace the S-curves of several projects at once (already checked), all or nothing.

    The batch path of entry, import and schedule: projects locked in id order, one delete, one insert, one
    audit entry per project, then each project's critical status recomputed from its new curve.
    """
    vetted = require_actor(actor)
    for project in plans:
        PROJECT.require(vetted, project.place(), "manage")
    ordered = sorted(plans, key=lambda p: p.pk)
    ids = [p.pk for p in ordered]
    with transaction.atomic():
        list(Project.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        before: dict[int, list[list[object]]] = {pk: [] for pk in ids}
        for project_id, on, percent in (
            PlanPoint.objects.filter(project_id__in=ids)
            .order_by("project_id", "on")
            .values_list("project_id", "on", "percent")
        ):
            before[project_id].append([on, percent])
        PlanPoint.objects.filter(project_id__in=ids).delete()
        rows = PlanPoint.objects.bulk_create(
            PlanPoint(pemda_id=project.pemda_id, project=project, on=day, percent=value)
            for project in ordered
            for day, value in plans[project]
        )
        audit.record_many(
            actor=vetted,
            changes=[
                audit.Change(
                    "project.plan_set",
                    obj=project,
                    pemda_code=project.pemda_id,
                    before={"points": before[project.pk]},
                    after={"points": [[day, value] for day, value in plans[project]], "source": source},
                )
                for project in ordered
            ],
        )
        from .scale import refresh_statuses  # the batch module builds on this one

        today: dict[str, date] = {}
        refresh_statuses(
            vetted,
            ids,
            {p.pk: today.setdefault(p.pemda_id, pemda_today(p.pemda)) for p in ordered},
        )
    result: dict[int, list[PlanPoint]] = {pk: [] for pk in ids}
    for row in rows:
        result[row.project_id].append(row)
    return result


@dataclass(frozen=True)
class PhotoChecks:
    distance_m: int | None
    is_far: bool
    is_old: bool
    no_position: bool
    no_time: bool


def check_photo(
    info: photos.PhotoInfo,
    *,
    project: Project,
    reported_on: date,
    zone: ZoneInfo,
    max_distance_m: int,
    max_age_days: int,
) -> PhotoChecks:
    """Where and when a photo was taken against its project and report.

    Far: more than ``max_distance_m`` from the project's point, or from the nearest part of its line. Old:
    taken more than ``max_age_days`` calendar days before the report date, in the pemda's time zone (a
    camera time without offset is taken as local time there).
    """
    distance = None
    if info.position is not None:
        geometry = [GeoPoint(Decimal(lat), Decimal(lon)) for lon, lat in project.coordinates]
        distance = (
            distance_m(info.position, geometry[0])
            if len(geometry) == 1
            else distance_to_path_m(info.position, geometry)
        )
    taken_on = None
    if info.taken_at is not None:
        moment = info.taken_at
        taken_on = moment.astimezone(zone).date() if moment.tzinfo is not None else moment.date()
    return PhotoChecks(
        distance_m=distance,
        is_far=distance is not None and distance > max_distance_m,
        is_old=taken_on is not None and (reported_on - taken_on).days > max_age_days,
        no_position=info.position is None,
        no_time=info.taken_at is None,
    )


def stored_name(extension: str) -> str:
    return f"{uuid.uuid4().hex}.{extension}"


def check_report(
    *,
    project: Project,
    contract: Contract | None,
    reported_on: date,
    percent: Decimal | str,
    note: str,
    problems: str,
    corrects: ProgressReport | None,
    photo_count: int,
    today: date,
) -> tuple[Decimal, str, str]:
    """The checks of one report before anything is written: its %, note and problems, cleaned.

    Shared by :func:`report_submit` and the batch path (:func:`spbe.monitoring.scale.reports_submit_many`).
    """
    value = parse_percent(percent)
    if reported_on > today:
        raise ValidationFailed(_("Tanggal laporan tidak boleh setelah hari ini."), field="reported_on")
    if contract is None:
        raise Conflict(_("Pekerjaan ini belum memiliki kontrak; laporan progres dimulai setelah kontrak."))
    if reported_on < contract.starts_on:
        raise ValidationFailed(
            _("Tanggal laporan sebelum pekerjaan dimulai (%(day)s).")
            % {"day": contract.starts_on.isoformat()},
            field="reported_on",
        )
    if corrects is not None and corrects.project_id != project.pk:
        raise ValidationFailed(_("Laporan yang dikoreksi bukan laporan pekerjaan ini."), field="corrects")
    if photo_count > MAX_PHOTOS:
        raise ValidationFailed(_("Paling banyak %(n)d foto per laporan.") % {"n": MAX_PHOTOS}, field="photos")
    return (
        value,
        clean_text(note, label=_("catatan"), field="note"),
        clean_text(problems, label=_("permasalahan"), field="problems"),
    )


def report_submit(
    *,
    actor: MaybeActor,
    project: Project,
    reported_on: date,
    percent: Decimal | str,
    note: str = "",
    problems: str = "",
    photo_files: Sequence[bytes | IO[bytes]] = (),
    corrects: ProgressReport | None = None,
) -> ProgressReport:
    """File a progress report with its photos; flag the photos; recompute the project's critical status.

    The report date may not be in the future (in the pemda's time zone) nor before the contract starts.
    Every photo is checked (:func:`spbe.core.photos.prepare`) before anything is written, so one bad photo
    refuses the whole report with a message naming it.
    """
    PROJECT.require(actor, project.place(), "report")
    vetted = require_actor(actor)
    today = pemda_today(project.pemda)
    value, note, problems = check_report(
        project=project,
        contract=Contract.objects.filter(project=project).first(),
        reported_on=reported_on,
        percent=percent,
        note=note,
        problems=problems,
        corrects=corrects,
        photo_count=len(photo_files),
        today=today,
    )
    limits = photos.PhotoLimits.from_settings()
    prepared = []
    for number, upload in enumerate(photo_files, start=1):
        try:
            prepared.append(photos.prepare(upload, limits=limits, field="photos"))
        except photos.PhotoRejected as error:
            raise photos.PhotoRejected(
                _("Foto ke-%(n)d: %(reason)s") % {"n": number, "reason": error.message}, field="photos"
            ) from None
    zone = ZoneInfo(project.pemda.time_zone)
    max_distance = settings.SPBE_MONITORING_PHOTO_MAX_DISTANCE_M
    max_age = settings.SPBE_MONITORING_PHOTO_MAX_AGE_DAYS
    checked = [
        (
            original,
            info,
            copies,
            check_photo(
                info,
                project=project,
                reported_on=reported_on,
                zone=zone,
                max_distance_m=max_distance,
                max_age_days=max_age,
            ),
        )
        for original, info, copies in prepared
    ]
    # The photo files are deleted again if the report is not committed (photos.files_of_transaction).
    with photos.files_of_transaction() as files:
        # One report at a time per project: the status below is computed from every report, this one included.
        Project.objects.select_for_update().filter(pk=project.pk).first()
        # Inserted once, complete: the database refuses later changes to anything but its check.
        report = ProgressReport.objects.create(
            pemda_id=project.pemda_id,
            project=project,
            reported_on=reported_on,
            percent=value,
            note=note,
            problems=problems,
            corrects=corrects,
            submitted_by_id=vetted.pk if is_person(vetted) else None,
            no_photo=not checked,
            photo_far=any(c.is_far for *_rest, c in checked),
            photo_old=any(c.is_old for *_rest, c in checked),
            photo_no_position=any(c.no_position for *_rest, c in checked),
            photo_no_time=any(c.no_time for *_rest, c in checked),
        )
        rows: list[ReportPhoto] = []
        for original, info, copies, checks in checked:
            photo = ReportPhoto(
                pemda_id=project.pemda_id,
                report=report,
                original_sha256=hashlib.sha256(original).hexdigest(),
                content_type=info.content_type,
                width=info.width,
                height=info.height,
                latitude=info.position.latitude if info.position else None,
                longitude=info.position.longitude if info.position else None,
                taken_at=aware(info.taken_at, zone),
                distance_m=checks.distance_m,
                is_far=checks.is_far,
                is_old=checks.is_old,
                no_position=checks.no_position,
                no_time=checks.no_time,
            )
            files.save(photo.original, stored_name(info.format.lower()), original)
            files.save(photo.public, stored_name("jpg"), copies.photo)
            files.save(photo.thumbnail, stored_name("jpg"), copies.thumbnail)
            photo.save()
            rows.append(photo)
        result = refresh_status(vetted, project, today)
        # A pending show-cause meeting is decided by the first report after it.
        escalation.decide_outcomes(vetted, report)
        audit.record(
            actor=vetted,
            action="progress_report.submit",
            obj=report,
            pemda_code=report.pemda_id,
            after={
                "project": project.pk,
                "reported_on": reported_on,
                "percent": value,
                "corrects": report.corrects_id,
                "photos": [
                    {
                        "sha256": p.original_sha256,
                        "distance_m": p.distance_m,
                        "far": p.is_far,
                        "old": p.is_old,
                        "no_position": p.no_position,
                        "no_time": p.no_time,
                    }
                    for p in rows
                ],
                "status": status_snapshot(result, today),
            },
        )
    return report


def aware(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=zone)


def report_verify(*, actor: MaybeActor, report: ProgressReport, note: str = "") -> ProgressReport:
    """Accept a report as true (it becomes public); never by whoever submitted it."""
    can = PROJECT.can(actor, report.place())
    with transaction.atomic():
        REPORT_FLOW.apply(report, "verify", actor=actor, can=can, note=note)
        refresh_verified([report.project_id])
        # The public map shows the latest verified %.
        map_changed(report.pemda_id)
    return report


def report_return(*, actor: MaybeActor, report: ProgressReport, note: str) -> ProgressReport:
    """Send a report back with a reason; it stops counting as progress, so the status is recomputed."""
    can = PROJECT.can(actor, report.place())
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=report.project_id).first()
        REPORT_FLOW.apply(report, "return", actor=actor, can=can, note=note)
        # Only a submitted report can be returned, so the verified progress stays; kept in step anyway,
        # so the column is the latest verified report whatever the workflow allows later.
        refresh_verified([report.project_id])
        project = report.project
        escalation.reopen_outcomes(actor, report)
        refresh_status(actor, project, pemda_today(project.pemda))
    return report


def project_status_refresh(
    *, actor: MaybeActor, project: Project, on: date | None = None
) -> rules.Status | None:
    """Recompute the critical-contract status as of ``on`` (default: today in the pemda), e.g. daily."""
    PROJECT.require(actor, project.place(), "manage")
    day = on or pemda_today(project.pemda)
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        result = refresh_status(actor, project, day)
        escalation.overdue_outcomes(actor, project, day)
        return result


def status_snapshot(result: rules.Status | None, on: date) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "on": on,
        "rencana": rules.two_decimals(result.rencana),
        "realisasi": rules.two_decimals(result.realisasi),
        "deviasi": rules.two_decimals(result.deviasi),
        "periode": result.periode,
        "proyeksi_selesai": result.proyeksi_selesai,
        "kritis": result.kritis,
    }


def refresh_status(actor: MaybeActor, project: Project, on: date) -> rules.Status | None:
    """Write the rule's answer on the project (inside the caller's transaction, project row locked).

    A change of the critical flag is an audit entry of its own (``project.critical`` or
    ``project.not_critical``): the early warning is on the record whatever caused it (a report, a day).
    """
    contract_input = selectors.rule_input(project, on)
    if contract_input is None:
        return None
    result = rules.status(contract_input)
    shown = ("planned_percent", "actual_percent", "deviation", "period", "is_critical")
    before = dict(zip(shown, Project.objects.filter(pk=project.pk).values_list(*shown).get(), strict=True))
    was_critical = before["is_critical"]
    values = {
        "status_on": on,
        "planned_percent": Decimal(rules.two_decimals(result.rencana)),
        "actual_percent": Decimal(rules.two_decimals(result.realisasi)),
        "deviation": Decimal(rules.two_decimals(result.deviasi)),
        "period": result.periode,
        "projected_finish": result.proyeksi_selesai,
        "is_critical": result.kritis,
        "updated_at": timezone.now(),
    }
    Project.objects.filter(pk=project.pk).update(**values)
    for name, value in values.items():
        setattr(project, name, value)
    if any(before[name] != values[name] for name in shown):
        # The dashboards show every project's planned, actual and deviation.
        dashboard_changed(project.pemda_id)
    if was_critical != result.kritis:
        # Only the flag is on the public map: a daily refresh that changes nothing keeps the cache.
        map_changed(project.pemda_id)
        audit.record(
            actor=actor,
            action="project.critical" if result.kritis else "project.not_critical",
            obj=project,
            pemda_code=project.pemda_id,
            before={"is_critical": was_critical},
            after=status_snapshot(result, on),
        )
        if result.kritis:
            # The warning goes to the agency head and Bappeda once per turn to critical.
            escalation.became_critical(actor, project, on)
    return result


@dataclass(frozen=True)
class RefreshResult:
    assessed: int
    critical: int
    changed: int


def projects_status_refresh(*, actor: MaybeActor, pemda: Pemda, on: date | None = None) -> RefreshResult:
    """Recompute every contracted project of ``pemda`` as of ``on`` (default today): the daily early warning.

    For a command or job (a system actor) or whoever manages every project it touches. The batch path
    (:func:`spbe.monitoring.scale.statuses_refresh_many`): a thousand projects per short transaction, their
    plans and reports read in bulk, so a regency's ten thousand contracts are judged in seconds and a
    report filed meanwhile waits only for its own chunk.
    """
    from .scale import statuses_refresh_many  # the batch module builds on this one

    day = on or pemda_today(pemda)
    assessed, critical, changed = statuses_refresh_many(actor=actor, pemda=pemda, on=day)
    return RefreshResult(assessed=assessed, critical=critical, changed=changed)
