"""Every write of the lounge: importing a service catalogue and survey responses, all-or-nothing.

Both imports read the file through :func:`spbe.core.tabular.read_table`, check every row, and write
nothing unless every row is valid (one :class:`~spbe.core.errors.ImportFailed` lists what is wrong, by
row and column as the spreadsheet numbers them). The writes are batches: ``bulk_create`` and one
``audit.record_many`` in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spbe.accounts.access import PEMDA, Place
from spbe.accounts.codes import clean_org_code
from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.accounts.unit_imports import NewUnits
from spbe.core import audit
from spbe.core.actors import MaybeActor, require_actor
from spbe.core.errors import Conflict, RowError, SpbeError
from spbe.core.published import bump_version
from spbe.core.tabular import Column, ErrorCollector, TableRow, read_table
from spbe.core.text import clean_name, describe_characters, invisible_characters

from .access import SERVICE
from .ikm import ELEMENT_KEYS, MAX_ANSWER, MIN_ANSWER
from .models import Service, SurveyFile, SurveyResponse
from .selectors import catalogue_data_set
from .speed import events_changed, ikm_changed

BATCH = 2_000


def _max(model: type[Service] | type[SurveyResponse] | type[PerangkatDaerah], name: str) -> int:
    length = getattr(model._meta.get_field(name), "max_length", None)
    return length if isinstance(length, int) else 5_000


SERVICE_TEXT_FIELDS = (
    "dasar_hukum",
    "persyaratan",
    "prosedur",
    "waktu",
    "biaya",
    "produk",
    "pengaduan",
    "loket",
)
SERVICE_COLUMNS = [
    Column("kode_layanan", max_length=_max(Service, "kode_layanan")),
    Column("nama", max_length=_max(Service, "nama")),
    Column("kode_skpd", max_length=_max(PerangkatDaerah, "code")),
    Column("nama_skpd", required=False, max_length=_max(PerangkatDaerah, "name")),
    *(Column(name, required=False, max_length=_max(Service, name)) for name in SERVICE_TEXT_FIELDS),
]
# The fields of a service an import sets (and the audit trail records).
SERVICE_FIELDS = ["kode_layanan", "nama", "unit", *SERVICE_TEXT_FIELDS]
# A service code is typed at counters and kiosks and is part of its page address: letters, digits, . - _.
SERVICE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass
class ServiceImport:
    """What an import of a catalogue did."""

    file: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    units_created: list[str] = field(default_factory=list)


def _text(value: str) -> str:
    """A long text cell: NFC, line breaks kept (requirements are lists), trailing spaces removed."""
    lines = [" ".join(line.split()) for line in unicodedata.normalize("NFC", value).splitlines()]
    return "\n".join(lines).strip()


def _row_error(errors: ErrorCollector, row: TableRow, column: str, exc: SpbeError | str) -> None:
    message = exc if isinstance(exc, str) else exc.message
    errors.add(RowError(row.row, message, column, row.file))


def services_import(
    *, actor: MaybeActor, pemda: Pemda, path: Path | str, create_units: bool = False
) -> ServiceImport:
    """Create or update the pemda's services from a catalogue file; with ``create_units``, add the
    perangkat daerah it names that do not exist yet (named by ``nama_skpd``)."""
    actor = require_actor(actor)
    SERVICE.require(actor, Place.of_pemda(pemda), "import_catalogue")
    if create_units:
        PEMDA.require(actor, Place.of_pemda(pemda), "manage_units")
    path = Path(path)
    rows = read_table(path, SERVICE_COLUMNS)
    units = {unit.code: unit for unit in PerangkatDaerah.objects.filter(pemda=pemda)}
    new_units: dict[str, tuple[str, int]] = {}  # code -> (name, first row)
    seen: dict[str, int] = {}
    errors = ErrorCollector()
    parsed: list[tuple[TableRow, dict[str, str]]] = []
    for row in rows:
        values = row.values
        good = True
        kode = values["kode_layanan"].strip()
        if not kode:
            _row_error(errors, row, "kode_layanan", _("kode layanan wajib diisi"))
            good = False
        elif not SERVICE_CODE.fullmatch(kode):
            _row_error(
                errors,
                row,
                "kode_layanan",
                _("kode layanan '%(code)s' hanya boleh berisi huruf, angka, titik, - dan _") % {"code": kode},
            )
            good = False
        elif kode in seen:
            _row_error(
                errors,
                row,
                "kode_layanan",
                _("kode layanan %(code)s sudah ada di baris %(row)d") % {"code": kode, "row": seen[kode]},
            )
            good = False
        else:
            seen[kode] = row.row
        try:
            nama = clean_name(values["nama"], label=_("Nama layanan"), max_length=_max(Service, "nama"))
        except SpbeError as exc:
            _row_error(errors, row, "nama", exc)
            good = False
        try:
            unit_code = clean_org_code(values["kode_skpd"])
        except SpbeError as exc:
            _row_error(errors, row, "kode_skpd", exc)
            good = False
            unit_code = ""
        if unit_code and unit_code not in units:
            if not create_units:
                _row_error(
                    errors,
                    row,
                    "kode_skpd",
                    _(
                        "perangkat daerah %(code)s tidak ada di pemda ini; tambahkan dulu "
                        "atau impor dengan --create-units"
                    )
                    % {"code": unit_code},
                )
                good = False
            else:
                good = _check_new_unit(errors, row, unit_code, new_units) and good
        texts = {name: _text(values.get(name, "")) for name in SERVICE_TEXT_FIELDS}
        for name, text in texts.items():
            # Public pages show these fields: a right-to-left override or a zero-width character would
            # make a requirement read differently from what it says.
            hidden = [c for c in invisible_characters(text) if c != "\n"]
            if hidden:
                _row_error(
                    errors,
                    row,
                    name,
                    _("berisi karakter tak terlihat %(chars)s; hapus karakter itu")
                    % {"chars": describe_characters(hidden)},
                )
                good = False
        if good:
            parsed.append((row, {"kode_layanan": kode, "nama": nama, "unit": unit_code, **texts}))
    if errors:
        raise errors.failure(
            _("Berkas %(file)s tidak diimpor: %(count)d isian tidak sah. Perbaiki lalu ulangi.")
            % {"file": path.name, "count": errors.total}
        )
    summary = ServiceImport(file=path.name, rows=len(parsed))
    try:
        with transaction.atomic():
            changes = _create_units(pemda, new_units, units, summary)
            changes += _write_services(pemda, parsed, units, summary)
            audit.record_many(actor=actor, changes=changes)
            # The published catalogue pages (and their agency names) are stale from this commit on.
            bump_version(catalogue_data_set(pemda.code))
            # Events list the services they offer, and the IKM report names each service.
            events_changed(pemda.code)
            ikm_changed(pemda.code)
    except IntegrityError:
        # Someone else added the same service or unit code while this file was being checked.
        raise Conflict(_("Katalog layanan diubah bersamaan oleh orang lain; ulangi impor.")) from None
    return summary


def _check_new_unit(
    errors: ErrorCollector, row: TableRow, code: str, new_units: dict[str, tuple[str, int]]
) -> bool:
    return NewUnits(new_units).check(errors, row, code)


def _create_units(
    pemda: Pemda,
    new_units: dict[str, tuple[str, int]],
    units: dict[str, PerangkatDaerah],
    summary: ServiceImport,
) -> list[audit.Change]:
    created, changes = NewUnits(new_units).create(pemda)
    for unit in created:
        units[unit.code] = unit
        summary.units_created.append(unit.code)
    return changes


def _write_services(
    pemda: Pemda,
    parsed: list[tuple[TableRow, dict[str, str]]],
    units: dict[str, PerangkatDaerah],
    summary: ServiceImport,
) -> list[audit.Change]:
    existing = {
        s.kode_layanan: s
        for s in Service.objects.select_for_update().filter(
            pemda=pemda, kode_layanan__in=[values["kode_layanan"] for _row, values in parsed]
        )
    }
    to_create: list[Service] = []
    to_update: list[tuple[Service, dict[str, object]]] = []
    for _row, values in parsed:
        fields = {**values, "unit": units[values["unit"]]}
        service = existing.get(values["kode_layanan"])
        if service is None:
            service = Service(pemda=pemda, **fields)
            service.search_text = service.searchable_text()
            to_create.append(service)
            continue
        before = audit.snapshot(service, SERVICE_FIELDS)
        for name, value in fields.items():
            setattr(service, name, value)
        if audit.snapshot(service, SERVICE_FIELDS) == before:
            summary.unchanged += 1
            continue
        service.search_text = service.searchable_text()
        to_update.append((service, before))
    Service.objects.bulk_create(to_create, batch_size=BATCH)
    Service.objects.bulk_update(
        [s for s, _before in to_update], [*SERVICE_FIELDS, "search_text"], batch_size=BATCH
    )
    summary.created, summary.updated = len(to_create), len(to_update)
    changes = [
        audit.Change("service.create", s, pemda_code=pemda.code, after=audit.snapshot(s, SERVICE_FIELDS))
        for s in to_create
    ]
    changes += [
        audit.Change(
            "service.update",
            s,
            pemda_code=pemda.code,
            before=before,
            after=audit.snapshot(s, SERVICE_FIELDS),
        )
        for s, before in to_update
    ]
    return changes


# ---------------------------------------------------------------------------------------------- survey

SURVEY_COLUMNS = [
    Column("kode_layanan", max_length=_max(Service, "kode_layanan")),
    Column("tanggal", max_length=40),
    *(Column(key, max_length=20) for key in ELEMENT_KEYS),
    Column("jenis_kelamin", required=False, max_length=20),
    Column("usia", required=False, max_length=20),
    Column("pendidikan", required=False, max_length=_max(SurveyResponse, "pendidikan")),
    Column("pekerjaan", required=False, max_length=_max(SurveyResponse, "pekerjaan")),
]
GENDERS = {
    "l": SurveyResponse.Gender.MALE,
    "laki-laki": SurveyResponse.Gender.MALE,
    "laki laki": SurveyResponse.Gender.MALE,
    "pria": SurveyResponse.Gender.MALE,
    "p": SurveyResponse.Gender.FEMALE,
    "perempuan": SurveyResponse.Gender.FEMALE,
    "wanita": SurveyResponse.Gender.FEMALE,
}
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")


@dataclass
class SurveyImport:
    """What an import of survey responses did."""

    file: str
    rows: int = 0
    by_service: dict[str, int] = field(default_factory=dict)


def _parse_date(text: str) -> dt.date | None:
    # An XLSX date cell arrives as an ISO date-time at midnight.
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00(:00)?", text):
        text = text[:10]
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def survey_import(*, actor: MaybeActor, pemda: Pemda, path: Path | str) -> SurveyImport:
    """Add the survey responses of a file (paper forms or a form export) to the pemda's services."""
    actor = require_actor(actor)
    SERVICE.require(actor, Place.of_pemda(pemda), "import_survey")
    path = Path(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    _refuse_imported_twice(pemda, digest, path.name)
    rows = read_table(path, SURVEY_COLUMNS)
    services = {s.kode_layanan: s for s in Service.objects.filter(pemda=pemda)}
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(pemda.time_zone)).date()
    errors = ErrorCollector()
    responses: list[SurveyResponse] = []
    for row in rows:
        values = row.values
        bad = errors.total
        service = services.get(values["kode_layanan"].strip())
        if service is None:
            _row_error(
                errors,
                row,
                "kode_layanan",
                _("layanan %(code)s tidak ada di katalog pemda ini") % {"code": values["kode_layanan"]},
            )
        tanggal = _parse_date(values["tanggal"])
        if tanggal is None:
            _row_error(
                errors,
                row,
                "tanggal",
                _("tanggal '%(value)s' tidak dikenali; tulis TTTT-BB-HH, misalnya 2026-01-31")
                % {"value": values["tanggal"]},
            )
        elif tanggal > today:
            _row_error(errors, row, "tanggal", _("tanggal %(date)s belum terjadi") % {"date": tanggal})
        answers: dict[str, int] = {}
        for key in ELEMENT_KEYS:
            text = values[key].strip()
            if text.isascii() and text.isdigit() and MIN_ANSWER <= int(text) <= MAX_ANSWER:
                answers[key] = int(text)
            else:
                _row_error(
                    errors,
                    row,
                    key,
                    _("jawaban '%(value)s' harus 1, 2, 3 atau 4") % {"value": text}
                    if text
                    else _("jawaban wajib diisi (1, 2, 3 atau 4)"),
                )
        gender_text = " ".join(values.get("jenis_kelamin", "").lower().split())
        gender = GENDERS.get(gender_text, "") if gender_text else ""
        if gender_text and not gender:
            _row_error(
                errors,
                row,
                "jenis_kelamin",
                _("jenis kelamin '%(value)s' tidak dikenali; tulis L atau P")
                % {"value": values["jenis_kelamin"]},
            )
        age_text = values.get("usia", "").strip()
        age = int(age_text) if age_text.isascii() and age_text.isdigit() else None
        if age_text and (age is None or not 1 <= age <= 120):
            _row_error(errors, row, "usia", _("usia '%(value)s' harus bilangan 1-120") % {"value": age_text})
        profile: dict[str, str] = {}
        for name in ("pendidikan", "pekerjaan"):
            raw = values.get(name, "")
            try:
                profile[name] = (
                    clean_name(raw, label=name, max_length=_max(SurveyResponse, name)) if raw.strip() else ""
                )
            except SpbeError as exc:
                _row_error(errors, row, name, exc)
        if errors.total == bad and service is not None and tanggal is not None:
            responses.append(
                SurveyResponse(
                    pemda=pemda,
                    unit_id=service.unit_id,
                    service=service,
                    tanggal=tanggal,
                    jenis_kelamin=gender,
                    usia=age,
                    **answers,
                    **profile,
                )
            )
    if errors:
        raise errors.failure(
            _("Berkas %(file)s tidak diimpor: %(count)d isian tidak sah. Perbaiki lalu ulangi.")
            % {"file": path.name, "count": errors.total}
        )
    counts: Counter[str] = Counter()
    first: dict[str, dt.date] = {}
    last: dict[str, dt.date] = {}
    for response in responses:
        kode = response.service.kode_layanan
        counts[kode] += 1
        first[kode] = min(first.get(kode, response.tanggal), response.tanggal)
        last[kode] = max(last.get(kode, response.tanggal), response.tanggal)
    summary = SurveyImport(file=path.name, rows=len(responses), by_service=dict(sorted(counts.items())))
    try:
        with transaction.atomic():
            SurveyFile.objects.create(pemda=pemda, sha256=digest, name=path.name[:255], rows=len(responses))
            SurveyResponse.objects.bulk_create(responses, batch_size=BATCH)
            changes = [
                audit.Change(
                    "survey.import",
                    services[kode],
                    pemda_code=pemda.code,
                    after={
                        "file": path.name,
                        "sha256": digest,
                        "responses": count,
                        "from": first[kode],
                        "to": last[kode],
                    },
                )
                for kode, count in summary.by_service.items()
            ]
            audit.record_many(actor=actor, changes=changes)
            ikm_changed(pemda.code)
    except IntegrityError:
        # The same file imported at the same moment by someone else: the unique hash decided.
        _refuse_imported_twice(pemda, digest, path.name)
        raise
    return summary


def _refuse_imported_twice(pemda: Pemda, digest: str, name: str) -> None:
    earlier = SurveyFile.objects.filter(pemda=pemda, sha256=digest).first()
    if earlier is not None:
        when = earlier.created_at.astimezone(zoneinfo.ZoneInfo(pemda.time_zone))
        raise Conflict(
            _(
                "Berkas %(file)s sudah diimpor pada %(date)s (%(rows)d jawaban, sebagai %(earlier)s); "
                "mengimpornya lagi akan menghitung respondennya dua kali."
            )
            % {"file": name, "date": f"{when:%d-%m-%Y %H:%M}", "rows": earlier.rows, "earlier": earlier.name}
        )
