"""``import_proposals``: a season's proposals from CSV or XLSX, all or nothing, in one transaction.

Every row is checked first (the file through :func:`spbe.core.tabular.read_table`, then each value, then
the same rules as a proposal typed in, :func:`~spbe.planning.services.proposal_problems`); any bad row
means nothing is written and every error is reported with its spreadsheet row and column. A good file is
written with ``bulk_create`` and one ``audit.record_many``, never one service call per row, so ten
thousand proposals take seconds. Imported proposals have been through their forum on paper: a Musrenbang
proposal arrives at its desa forum's decision, pokir and Renja at the agency they name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spbe.accounts.codes import InvalidOrgCode, clean_org_code
from spbe.accounts.kelurahan import kecamatan_of_kelurahan
from spbe.accounts.models import Pemda, PerangkatDaerah, VillageGovernment
from spbe.core import audit
from spbe.core.actors import MaybeActor, actor_identity, is_person, require_actor
from spbe.core.bulk import insert_many
from spbe.core.errors import Conflict, NotFound, RowError, ValidationFailed
from spbe.core.money import MoneyError, parse_rupiah
from spbe.core.tabular import Column, ErrorCollector, TableRow, read_table
from spbe.regions.models import Region

from . import calendar
from .access import PROPOSAL
from .kelurahan import Origin
from .models import Decision, Proposal, Proposer, Source, Stage, WindowStage
from .services import (
    COORDINATE_PLACES,
    MAX_YEAR,
    MIN_YEAR,
    PROPOSER_FIELDS,
    ProposerData,
    allocate_numbers,
    proposal_problems,
    proposer_values,
    public_id,
    public_snapshot,
    published_changed,
    text_fields,
)

COLUMNS = [
    Column("kode_desa", max_length=20),
    Column("sumber", max_length=20),
    Column("judul", max_length=200),
    Column("masalah"),
    Column("alamat", required=False, max_length=255),
    Column("lat", required=False, max_length=30),
    Column("lon", required=False, max_length=30),
    Column("bidang", required=False, max_length=20),
    Column("kode_skpd", required=False, max_length=40),
    Column("volume", max_length=30),
    Column("satuan", max_length=40),
    Column("perkiraan_biaya", max_length=40),
    Column("penerima_manfaat", required=False, max_length=20),
    Column("swadaya", required=False, max_length=40),
    Column("nama_pengusul", required=False, max_length=150),
    Column("nik_pengusul", required=False, max_length=30),
    Column("telepon_pengusul", required=False, max_length=30),
]
# The service's field names as the file calls them, so one rule gives one message in both places.
FIELD_COLUMN = {
    "source": "sumber",
    "title": "judul",
    "problem": "masalah",
    "unit_of_measure": "satuan",
    "volume": "volume",
    "estimated_cost": "perkiraan_biaya",
    "community_contribution": "swadaya",
    "beneficiaries": "penerima_manfaat",
    "latitude": "lat",
    "longitude": "lon",
    "suggested_unit": "kode_skpd",
    "nik": "nik_pengusul",
    "name": "nama_pengusul",
    "phone": "telepon_pengusul",
}
GROUPED_WHOLE = re.compile(r"^[0-9]{1,3}(\.[0-9]{3})+$")
GROUPED_QUANTITY = re.compile(r"\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+")
# The columns the import writes, in order: every concrete column of a proposal but its id, and what an
# imported row's first decision holds (the rest of a Decision stays empty, as decision_row leaves it).
PROPOSAL_COLUMNS = tuple(f.name for f in Proposal._meta.concrete_fields if not f.primary_key)
PROPOSAL_ATTNAMES = tuple(f.attname for f in Proposal._meta.concrete_fields if not f.primary_key)
TEXT_KEYS = ("pemda", "region")
DECISION_COLUMNS = (
    *("pemda", "proposal", "stage", "action", "outcome", "note", "decided_by", "actor_label"),
    *("decided_at", "created_at", "updated_at"),
)


@dataclass(frozen=True)
class ImportResult:
    public_ids: list[str]


def _decimal(text: str) -> Decimal | None:
    """A number as typed in Indonesia or England: ``1,5`` and ``1.5`` alike; None if it is not one."""
    text = text.strip().replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _quantity(text: str) -> Decimal | None:
    """A volume as Indonesians write it, read the way the same row's money is read (``parse_rupiah``):
    ``1.500`` and ``1,500`` are grouped thousands (1500), ``1,5`` and ``1.5`` one and a half. Coordinates
    keep :func:`_decimal`, where ``114.250`` is a longitude, not a thousand."""
    stripped = text.strip().replace(" ", "")
    if GROUPED_QUANTITY.fullmatch(stripped):
        return Decimal(stripped.replace(".", "").replace(",", ""))
    return _decimal(stripped)


def _whole(text: str) -> int | None:
    text = text.strip()
    if GROUPED_WHOLE.match(text):
        text = text.replace(".", "")
    return int(text) if text.isascii() and text.isdigit() else None


class _Rows:
    """Checks the rows of one file against one pemda, collecting every error."""

    def __init__(self, pemda: Pemda, year: int) -> None:
        self.pemda = pemda
        self.year = year
        self.errors = ErrorCollector()
        self.villages = {
            v.region_id: v for v in VillageGovernment.objects.filter(pemda=pemda).select_related("kecamatan")
        }
        self.units = {u.code: u for u in PerangkatDaerah.objects.filter(pemda=pemda)}
        self.text_fields = text_fields()
        # ``kode_desa`` may name a kelurahan of the pemda: its proposal goes to the kelurahan office's forum.
        offices = [
            u for u in self.units.values() if u.kind == PerangkatDaerah.Kind.KELURAHAN and u.kelurahan_id
        ]
        kecamatan = kecamatan_of_kelurahan(offices)
        self.kelurahan = {
            u.kelurahan_id: Origin(pemda.code, None, u, kecamatan[u.pk], u.kelurahan_id)
            for u in offices
            if u.kelurahan_id and u.pk in kecamatan
        }
        # Pokir have their own entry deadline (spbe.planning.calendar): a late pokir row is a bad row.
        try:
            calendar.require_open(pemda, year, WindowStage.POKIR)
            self.pokir_closed = ""
        except Conflict as closed:
            self.pokir_closed = closed.message
        # An imported Musrenbang row lands at its desa forum's decision, as a submitted one does: once that
        # forum has closed, it would wait for a decision that cannot come (proposal_submit, early=True).
        try:
            calendar.require_open(pemda, year, WindowStage.DESA, early=True)
            self.desa_closed = ""
        except Conflict as closed:
            self.desa_closed = closed.message

    def error(self, row: TableRow, column: str | None, message: str) -> None:
        self.errors.add(RowError(row.row, message, column, row.file))

    def origin(self, row: TableRow, code: str) -> Origin | None:
        """The desa or kelurahan of ``kode_desa``, or None after recording why it cannot be used."""
        village = self.villages.get(code)
        if village is not None:
            return Origin(self.pemda.code, village, None, village.kecamatan, village.region_id)
        kelurahan = self.kelurahan.get(code)
        if kelurahan is not None:
            return kelurahan
        elsewhere = (
            VillageGovernment.objects.filter(region_id=code).values_list("pemda_id", flat=True).first()
        )
        region = Region.objects.filter(code=code).values_list("kind", "parent__parent_id").first()
        if not code:
            message = _("kode desa wajib diisi")
        elif elsewhere is not None:
            message = _("desa %(code)s milik pemda %(pemda)s, bukan %(this)s") % {
                "code": code,
                "pemda": elsewhere,
                "this": self.pemda.code,
            }
        elif region is not None and region[0] == "kelurahan" and region[1] != self.pemda.code:
            message = _("kelurahan %(code)s milik pemda %(pemda)s, bukan %(this)s") % {
                "code": code,
                "pemda": region[1],
                "this": self.pemda.code,
            }
        elif region is not None and region[0] == "kelurahan":
            message = _("kelurahan %(code)s belum memiliki kantor kelurahan di pemda ini") % {"code": code}
        else:
            message = _("kode desa %(code)s tidak dikenal di pemda ini") % {"code": code}
        self.error(row, "kode_desa", message)
        return None

    def money(self, row: TableRow, column: str, required: bool) -> Decimal | None:
        text = row.values.get(column, "").strip()
        if not text:
            if required:
                self.error(row, column, _("wajib diisi"))
                return None
            return Decimal("0.00")
        try:
            return parse_rupiah(text)
        except MoneyError as exc:
            self.error(row, column, exc.message)
            return None

    def coordinate(self, row: TableRow, column: str) -> Decimal | None:
        text = row.values.get(column, "").strip()
        if not text:
            return None
        value = _decimal(text)
        if value is None:
            self.error(row, column, _("'%(text)s' bukan angka") % {"text": text})
            return None
        return value.quantize(COORDINATE_PLACES, rounding=ROUND_HALF_UP)

    def check(self, row: TableRow) -> tuple[Proposal, ProposerData] | None:
        """The proposal of one row, or None after recording each of its errors."""
        values = row.values
        before = self.errors.total
        origin = self.origin(row, values["kode_desa"].strip())
        source = values["sumber"].strip().lower()
        if source == Source.POKIR and self.pokir_closed:
            self.error(row, "sumber", self.pokir_closed)
        elif source == Source.MUSRENBANG and self.desa_closed:
            self.error(row, "sumber", self.desa_closed)
        unit_code = values.get("kode_skpd", "").strip()
        unit = None
        if unit_code:
            # The same code rule as a unit typed in (accounts.codes): a malformed code gets the format
            # explained, not a bare "unknown".
            try:
                unit_code = clean_org_code(unit_code)
            except InvalidOrgCode as bad:
                self.error(row, "kode_skpd", bad.message)
            else:
                unit = self.units.get(unit_code)
                if unit is None:
                    self.error(
                        row, "kode_skpd", _("perangkat daerah %(code)s tidak dikenal") % {"code": unit_code}
                    )
        elif source in (Source.POKIR, Source.RENJA):
            self.error(row, "kode_skpd", _("wajib diisi untuk usulan pokir dan Renja"))
        volume = _quantity(values["volume"])
        if volume is None:
            self.error(row, "volume", _("'%(text)s' bukan angka") % {"text": values["volume"]})
        cost = self.money(row, "perkiraan_biaya", required=True)
        contribution = self.money(row, "swadaya", required=False)
        beneficiaries_text = values.get("penerima_manfaat", "").strip()
        beneficiaries = _whole(beneficiaries_text) if beneficiaries_text else 0
        if beneficiaries is None:
            self.error(row, "penerima_manfaat", _("harus bilangan bulat tidak negatif"))
        latitude = self.coordinate(row, "lat")
        longitude = self.coordinate(row, "lon")
        if origin is None or volume is None or cost is None or contribution is None or beneficiaries is None:
            return None
        proposal = _new_proposal(
            pemda_id=origin.pemda_id,
            village_id=origin.village.pk if origin.village is not None else None,
            kelurahan_id=origin.kelurahan.pk if origin.kelurahan is not None else None,
            kecamatan_id=origin.kecamatan.pk,
            region_id=origin.region_id,
            year=self.year,
            source=source,
            title=values["judul"],
            problem=values["masalah"],
            address=" ".join(values.get("alamat", "").split()),
            latitude=latitude,
            longitude=longitude,
            bidang=values.get("bidang", "").strip(),
            suggested_unit_id=unit.pk if unit is not None else None,
            volume=volume,
            unit_of_measure=values["satuan"],
            estimated_cost=cost,
            beneficiaries=beneficiaries,
            community_contribution=contribution,
        )
        if unit is not None:
            proposal.suggested_unit = unit  # read by the checks (its pemda): no query
        proposer = ProposerData(
            name=values.get("nama_pengusul", ""),
            nik=values.get("nik_pengusul", "").strip(),
            phone=values.get("telepon_pengusul", ""),
        )
        for field, message in proposal_problems(proposal, proposer, text_fields=self.text_fields):
            self.error(row, FIELD_COLUMN.get(field), message)
        return (proposal, proposer) if self.errors.total == before else None


# Every concrete field of a proposal by attribute name, with its default, in the order Model.__init__
# takes positional values (the order Model.from_db passes a row in).
_FIELD_DEFAULTS = tuple((f.attname, f.get_default()) for f in Proposal._meta.concrete_fields)


def _new_proposal(**values: object) -> Proposal:
    """A new, unsaved proposal from attribute values (foreign keys by id), every other field its default.

    Positional values take Django's quick path through ``Model.__init__``; keyword arguments and foreign
    key objects cost the import a millisecond a row in the descriptors (a fifth of its time).
    """
    unknown = values.keys() - {name for name, _default in _FIELD_DEFAULTS}
    if unknown:
        raise TypeError(f"_new_proposal: unknown fields {sorted(unknown)}")
    # Typed as Any: the stubs check positional values against the first field (the id) alone.
    model: Any = Proposal
    proposal: Proposal = model(*(values.get(name, default) for name, default in _FIELD_DEFAULTS))
    return proposal


def proposals_import(path: Path | str, *, actor: MaybeActor, pemda_code: str, year: int) -> ImportResult:
    """Import every proposal in ``path`` for ``pemda_code`` and ``year``, or none: ImportFailed lists why."""
    vetted = require_actor(actor)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            _("Tahun harus antara %(min)d dan %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR}, field="year"
        )
    pemda = Pemda.objects.filter(code=pemda_code).first()
    if pemda is None:
        raise NotFound(_("Pemda %(code)s tidak ditemukan.") % {"code": pemda_code})
    rows = read_table(path, COLUMNS)
    checker = _Rows(pemda, year)
    proposals: list[Proposal] = []
    proposers: list[ProposerData] = []
    for row in rows:
        checked = checker.check(row)
        if checked is not None:
            proposal, proposer = checked
            PROPOSAL.require(vetted, proposal.place(), f"propose_{proposal.source}")
            proposals.append(proposal)
            proposers.append(proposer)
    if checker.errors:
        raise checker.errors.failure(
            _("Tidak ada usulan yang diimpor: %(count)d isian tidak sah.") % {"count": checker.errors.total}
        )
    if not proposals:
        raise checker.errors.failure(_("Berkas tidak memuat usulan."))
    now = timezone.now()
    with transaction.atomic():
        first = allocate_numbers(pemda, year, len(proposals))
        for offset, proposal in enumerate(proposals):
            proposal.number = first + offset
            proposal.public_id = public_id(pemda.code, year, proposal.number)
            proposal.state = Stage.DESA if proposal.source == Source.MUSRENBANG else Stage.AGENCY
        # Written with one prepared INSERT per table (core.bulk.insert_many), not bulk_create: building
        # the SQL of ten thousand model rows in Python was half the import's time. No save() either way:
        # the tenant of every desa, kelurahan and unit was checked above (self.villages, self.kelurahan
        # and self.units hold only this pemda's).
        for proposal in proposals:
            proposal.created_at = proposal.updated_at = now
        insert_many(
            Proposal,
            PROPOSAL_COLUMNS,
            ([getattr(p, attname) for attname in PROPOSAL_ATTNAMES] for p in proposals),
            # Region codes, stored as they are: no conversion a value.
            prepared=TEXT_KEYS,
        )
        # The numbers were reserved above under the counter's lock: they name exactly these rows.
        ids = dict(
            Proposal.objects.filter(
                pemda=pemda, year=year, number__gte=first, number__lt=first + len(proposals)
            ).values_list("number", "pk")
        )
        for proposal in proposals:
            proposal.pk = ids[proposal.number]
            proposal._state.adding = False
        insert_many(
            Proposer,
            ("proposal", *PROPOSER_FIELDS),
            ((p.pk, *proposer_values(data)) for p, data in zip(proposals, proposers, strict=True)),
        )
        decided_by, label = (vetted.pk if is_person(vetted) else None), actor_identity(vetted)[1]
        insert_many(
            Decision,
            DECISION_COLUMNS,
            (
                (pemda.code, p.pk, Stage.DRAFT, "import", p.state, "", decided_by, label, now, now, now)
                for p in proposals
            ),
            prepared=("pemda",),
        )
        audit.record_many(
            actor=vetted,
            changes=[
                audit.Change("proposal.import", obj=p, pemda_code=pemda.code, after=public_snapshot(p))
                for p in proposals
            ],
        )
        # The rows are published at once (desa forum or agency): the pemda's public lists change.
        published_changed(pemda.code, year)
    return ImportResult([p.public_id for p in proposals])
