"""Every write of e-budgeting: versions, ceilings, RKA lines and detail rows, the approval flow, adoption.

Editing takes three kinds of lock in one transaction, always in this order, so editors never deadlock:

1. the version row and the agency's RKA row, ``FOR SHARE`` (:func:`spbe.core.locks.lock_shared`): many
   editors hold them together, while a submission (the workflow's UPDATE of the RKA) or an adoption (the
   freeze's ``FOR UPDATE`` of the version) waits for every edit in flight, then refuses the next ones;
2. the ceilings the line sits under (agency, program, kegiatan, sub-kegiatan), ``FOR UPDATE``, in code
   order: two editors adding under one ceiling queue here, and the second sums the lines *after* the first
   committed, so together they can never pass it;
3. the line itself, ``FOR UPDATE``, so detail positions and the line's total never race.

On SQLite every transaction is ``IMMEDIATE``: one writer at a time, the same guarantees by a coarser lock.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils.translation import gettext as _

from spbe.accounts.access import Place
from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.core import audit, versions
from spbe.core.actors import MaybeActor, is_person, require_actor
from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed
from spbe.core.locks import lock_shared
from spbe.core.money import SEN, allocate, format_rupiah, parse_rupiah, split_evenly
from spbe.core.money_sql import Money, MoneySum
from spbe.core.published import bump_version
from spbe.core.text import clean_name
from spbe.planning.budget_link import apbd_adopted
from spbe.reference.codes import InvalidCode, canonical_account_code, parse_nomenclature_code
from spbe.reference.selectors import (
    funding_sources_for,
    leaf_account_codes,
    standard_price,
    sub_kegiatan_codes,
)

from . import calc
from .access import BUDGET
from .models import (
    EDITABLE_RKA_STATES,
    FACTORS,
    BudgetRules,
    BudgetVersion,
    CashPlan,
    Ceiling,
    Review,
    Rka,
    RkaDetail,
    RkaLine,
    RkaState,
    VersionKind,
    published_data_set,
)
from .workflow import RKA_FLOW

# How versions are hashed (every detail row) and compared (line by line, by codes, never ids).
DETAIL_SPEC = versions.LineSpec(
    lines=lambda v: RkaDetail.objects.filter(line__version_id=v.pk),
    key=(
        "line__unit__code",
        "line__sub_kegiatan",
        "line__account",
        "line__funding",
        "line__location",
        "position",
    ),
    values=(
        "description",
        "volume1",
        "unit1",
        "volume2",
        "unit2",
        "volume3",
        "unit3",
        "volume4",
        "unit4",
        "unit_price",
        "tax_percent",
        "amount",
        "standard_kind",
        "standard_code",
    ),
    amount="amount",
    version_field="line__version",
)
LINE_SPEC = versions.LineSpec(
    lines=lambda v: RkaLine.objects.filter(version_id=v.pk),
    key=("unit__code", "sub_kegiatan", "account", "funding", "location"),
    values=("amount",),
    amount="amount",
)


# ------------------------------------------------------------------------------------------ reference


@dataclass(frozen=True)
class YearCodes:
    """The codes of one budget year a budget line may use, read once (an import checks 50,000 rows)."""

    year: int
    sub_kegiatan: frozenset[str]
    accounts: frozenset[str]
    funding: frozenset[str]

    @classmethod
    def load(cls, year: int) -> YearCodes:
        return cls(
            year=year,
            sub_kegiatan=frozenset(sub_kegiatan_codes(year)),
            accounts=frozenset(leaf_account_codes(year)),
            funding=frozenset(funding_sources_for(year, "daerah").values_list("code", flat=True)),
        )

    def account(self, raw: str) -> str:
        """A leaf account of the year's chart, in canonical form, in the budget (4, 5 or 6)."""
        code = canonical_account_code(raw)
        if code[0] not in {calc.REVENUE, calc.EXPENDITURE, calc.FINANCING}:
            raise ValidationFailed(
                _("kode rekening %(code)s bukan akun APBD (4 pendapatan, 5 belanja, 6 pembiayaan)")
                % {"code": code},
                field="account",
            )
        if code not in self.accounts:
            raise ValidationFailed(
                _(
                    "kode rekening %(code)s bukan rekening rincian (paling bawah) "
                    "pada bagan akun tahun %(year)d"
                )
                % {"code": code, "year": self.year},
                field="account",
            )
        return code

    def sub_kegiatan_for(self, raw: str, unit_code: str) -> str:
        """A sub-kegiatan of the year; the support program written with one of the agency's bidang."""
        try:
            code, level = parse_nomenclature_code(raw)
        except InvalidCode as exc:
            raise ValidationFailed(exc.message, field="sub_kegiatan") from exc
        if level != "sub_kegiatan":
            raise ValidationFailed(
                _("kode %(code)s bukan sub kegiatan (U.BB.PP.L.KK.SSSS)") % {"code": code},
                field="sub_kegiatan",
            )
        parts = code.split(".")
        if parts[0] == "X":
            raise ValidationFailed(
                _("program penunjang %(code)s ditulis dengan bidang perangkat daerah, mis. 1.03.01...")
                % {"code": code},
                field="sub_kegiatan",
            )
        if parts[2] == "01":
            bidang = calc.org_bidang(unit_code)
            if f"{parts[0]}.{parts[1]}" not in bidang:
                raise ValidationFailed(
                    _("program penunjang %(code)s harus ditulis dengan bidang perangkat daerah (%(bidang)s)")
                    % {"code": code, "bidang": ", ".join(sorted(bidang)) or "-"},
                    field="sub_kegiatan",
                )
            if code in self.sub_kegiatan or ".".join(["X", "XX", *parts[2:]]) in self.sub_kegiatan:
                return code
        elif code in self.sub_kegiatan:
            return code
        raise ValidationFailed(
            _("sub kegiatan %(code)s tidak ada pada nomenklatur tahun %(year)d")
            % {"code": code, "year": self.year},
            field="sub_kegiatan",
        )

    def funding_code(self, raw: str) -> str:
        code = raw.strip()
        if code and code not in self.funding:
            raise ValidationFailed(
                _("sumber dana %(code)s tidak ada pada daftar tahun %(year)d")
                % {"code": code, "year": self.year},
                field="funding",
            )
        return code


# --------------------------------------------------------------------------------------------- versions


def version_create(
    *, actor: MaybeActor, pemda: Pemda, year: int, kind: str = VersionKind.MURNI, label: str = ""
) -> BudgetVersion:
    """Open the year's first (murni) draft. Later versions start as copies: :func:`version_revise`."""
    BUDGET.require(actor, Place.of_pemda(pemda), "manage")
    with transaction.atomic():
        if BudgetVersion.objects.filter(pemda=pemda, year=year).exists():
            raise Conflict(
                _("APBD %(year)d sudah mempunyai versi; buat versi berikutnya dari versi yang ditetapkan.")
                % {"year": year}
            )
        version = BudgetVersion(pemda=pemda, year=year, kind=kind, number=1, label=label or _("APBD murni"))
        try:
            with transaction.atomic():
                version.save()
        except IntegrityError:
            raise Conflict(_("Versi APBD ini baru saja dibuat oleh pengguna lain.")) from None
        audit.record(
            actor=actor,
            action="budget.version_create",
            obj=version,
            pemda_code=pemda.code,
            after={"year": year, "kind": kind, "number": 1, "label": version.label},
        )
    return version


def version_revise(
    *, actor: MaybeActor, version: BudgetVersion, kind: str = VersionKind.PERUBAHAN, label: str = ""
) -> BudgetVersion:
    """Start the next version (a pergeseran or the perubahan) as a copy of an adopted one.

    Ceilings, RKAs, lines and detail rows are copied; the RKAs start again as drafts with their lines
    unreviewed, because what TAPD verified was the old version.
    """
    BUDGET.require(actor, version.place(), "manage")
    if kind not in (VersionKind.PERGESERAN, VersionKind.PERUBAHAN):
        raise ValidationFailed(_("Versi lanjutan adalah pergeseran atau perubahan."), field="kind")
    with transaction.atomic():
        source = BudgetVersion.objects.select_for_update().get(pk=version.pk)
        if not source.is_frozen:
            raise Conflict(_("Hanya versi yang sudah ditetapkan yang dapat menjadi dasar versi baru."))
        if BudgetVersion.objects.filter(
            pemda_id=source.pemda_id, year=source.year, version_state="draft"
        ).exists():
            raise Conflict(_("Tahun ini sudah mempunyai versi draf; selesaikan dulu versi itu."))
        number = (
            BudgetVersion.objects.filter(pemda_id=source.pemda_id, year=source.year).aggregate(
                n=Max("number")
            )["n"]
            + 1
        )
        draft = BudgetVersion.objects.create(
            pemda_id=source.pemda_id,
            year=source.year,
            kind=kind,
            number=number,
            label=label or f"{VersionKind(kind).label} {number - 1}",
            based_on=source,
        )
        _copy_content(source, draft)
        audit.record(
            actor=actor,
            action="budget.version_revise",
            obj=draft,
            pemda_code=draft.pemda_id,
            after={"based_on": source.pk, "kind": kind, "number": number, "label": draft.label},
        )
    return draft


def _copy_content(source: BudgetVersion, draft: BudgetVersion) -> None:
    Ceiling.objects.bulk_create(
        [
            Ceiling(pemda_id=c.pemda_id, unit_id=c.unit_id, version=draft, code=c.code, amount=c.amount)
            for c in source.ceilings.all()
        ]
    )
    rkas = {
        r.unit_id: r
        for r in Rka.objects.bulk_create(
            [Rka(pemda_id=r.pemda_id, unit_id=r.unit_id, version=draft) for r in source.rkas.all()]
        )
    }
    old_lines = list(source.lines.order_by("pk"))
    new_lines = RkaLine.objects.bulk_create(
        [
            RkaLine(
                pemda_id=line.pemda_id,
                unit_id=line.unit_id,
                version=draft,
                rka=rkas[line.unit_id],
                sub_kegiatan=line.sub_kegiatan,
                account=line.account,
                funding=line.funding,
                location=line.location,
                amount=line.amount,
            )
            for line in old_lines
        ],
        batch_size=2000,
    )
    line_map = {old.pk: new for old, new in zip(old_lines, new_lines, strict=True)}
    details = []
    for detail in RkaDetail.objects.filter(line__version=source).order_by("pk").iterator(chunk_size=5000):
        detail.pk = None
        detail._state.adding = True
        detail.line = line_map[detail.line_id]
        details.append(detail)
    RkaDetail.objects.bulk_create(details, batch_size=2000)


def version_adopt(*, actor: MaybeActor, version: BudgetVersion) -> BudgetVersion:
    """Adopt (tetapkan) a draft: every agency's RKA verified; the version is frozen with its content hash."""
    BUDGET.require(actor, version.place(), "adopt")
    with transaction.atomic():
        locked = versions.ensure_draft(version)
        waiting = list(
            Rka.objects.filter(version_id=locked.pk)
            .exclude(state=RkaState.VERIFIED)
            .values_list("unit__code", flat=True)
        )
        if waiting:
            raise Conflict(
                _("RKA perangkat daerah berikut belum terverifikasi: %(units)s.")
                % {"units": ", ".join(waiting)}
            )
        if not Rka.objects.filter(version_id=locked.pk).exists():
            raise Conflict(_("Versi ini belum berisi RKA."))
        # Payments already made must fit the revision's lines (spbe.budgeting.realisation).
        from .realisation import lock_adopted_for_revision

        lock_adopted_for_revision(version)
        versions.freeze(locked, DETAIL_SPEC, actor=actor, action="budget.version_adopt")
        # The public APBD (spbe.budgeting.api) answers from the newest adopted version: it changes now.
        bump_version(published_data_set(version.pemda_id, version.year))
        apbd_adopted(version.pemda_id, version.year)  # proposal journeys show adopted amounts
    version.refresh_from_db()
    return version


# --------------------------------------------------------------------------------------------- ceilings


def ceiling_set(
    *,
    actor: MaybeActor,
    version: BudgetVersion,
    unit: PerangkatDaerah,
    code: str,
    amount: Decimal | str,
    seen: Decimal | None = None,
    create_only: bool = False,
) -> Ceiling:
    """Set a KUA-PPAS ceiling of an agency (``code`` empty) or one of its program/kegiatan/sub-kegiatan.

    Refused below what the lines under it already add up to: a ceiling is never exceeded. A form passes
    the amount it showed (``seen``) or, for a new ceiling, ``create_only``: a ceiling another TAPD member
    set in between is refused instead of overwritten.
    """
    BUDGET.require(actor, Place.of_unit(unit), "set_ceiling")
    if unit.pemda_id != version.pemda_id:
        raise ValidationFailed(_("%(what)s bukan bagian dari pemda ini.") % {"what": str(unit)}, field="unit")
    value = parse_rupiah(amount, field="amount")
    if value < 0:
        raise ValidationFailed(_("Pagu tidak boleh negatif."), field="amount")
    code = code.strip()
    if code:
        try:
            code, level = parse_nomenclature_code(code)
        except InvalidCode as exc:
            raise ValidationFailed(exc.message, field="code") from exc
        if level not in ("program", "kegiatan", "sub_kegiatan"):
            raise ValidationFailed(
                _("Pagu ditetapkan per program, kegiatan atau sub kegiatan."), field="code"
            )
    with transaction.atomic():
        # Exclusive, unlike editors' shared lock: a ceiling is set (rarely) while no line changes under it,
        # so what is summed below is final until this transaction commits, even for a new ceiling row.
        locked = BudgetVersion.objects.select_for_update().get(pk=version.pk)
        if locked.is_frozen:
            raise Conflict(_("Versi ini sudah ditetapkan dan tidak dapat diubah; buat versi baru."))
        ceiling = (
            Ceiling.objects.select_for_update(of=("self",))
            .filter(version=version, unit=unit, code=code)
            .first()
        )
        before = None if ceiling is None else {"amount": ceiling.amount}
        if ceiling is not None and (create_only or (seen is not None and ceiling.amount != seen)):
            raise Conflict(
                _("Pagu ini sudah diubah oleh pengguna lain menjadi %(amount)s. Muat ulang lalu ulangi.")
                % {"amount": format_rupiah(ceiling.amount)}
            )
        if ceiling is None and seen is not None:
            raise Conflict(_("Pagu ini sudah dihapus atau diganti. Muat ulang lalu ulangi."))
        if ceiling is None:
            ceiling = Ceiling(pemda_id=version.pemda_id, unit=unit, version=version, code=code, amount=value)
            try:
                with transaction.atomic():
                    ceiling.save()
            except IntegrityError:
                raise Conflict(_("Pagu ini baru saja ditetapkan oleh pengguna lain; muat ulang.")) from None
        used = _used_under(ceiling)
        if used > value:
            raise Conflict(
                _("Pagu %(amount)s lebih kecil dari belanja yang sudah dianggarkan di bawahnya (%(used)s).")
                % {"amount": format_rupiah(value), "used": format_rupiah(used)}
            )
        if before is not None:
            Ceiling.objects.filter(pk=ceiling.pk).update(amount=value)
            ceiling.amount = value
        audit.record(
            actor=actor,
            action="budget.ceiling_set",
            obj=ceiling,
            pemda_code=version.pemda_id,
            before=before,
            after={"unit": unit.code, "code": code, "amount": value},
        )
    return ceiling


def _used_under(ceiling: Ceiling) -> Decimal:
    """What the agency's expenditure lines under the ceiling add up to now (SQL, exact)."""
    lines = RkaLine.objects.filter(
        version_id=ceiling.version_id, unit_id=ceiling.unit_id, account__startswith=calc.EXPENDITURE
    )
    if ceiling.code:
        lines = lines.filter(Q(sub_kegiatan=ceiling.code) | Q(sub_kegiatan__startswith=f"{ceiling.code}."))
    total: Decimal = lines.aggregate(total=MoneySum("amount"))["total"]
    return total


def _check_ceilings(line: RkaLine, increase: Decimal) -> None:
    """Lock every ceiling above the line (in code order) and refuse an increase that would pass one."""
    if increase <= 0 or not line.account.startswith(calc.EXPENDITURE):
        return
    ceilings = (
        Ceiling.objects.select_for_update(of=("self",))
        .filter(
            version_id=line.version_id,
            unit_id=line.unit_id,
            code__in=calc.nomenclature_prefixes(line.sub_kegiatan),
        )
        .order_by("code")
    )
    for ceiling in list(ceilings):
        used = _used_under(ceiling)
        if used + increase > ceiling.amount:
            raise Conflict(
                _(
                    "Pagu %(scope)s sebesar %(ceiling)s terlampaui: sudah terpakai %(used)s, sisa %(left)s, "
                    "tambahan %(increase)s."
                )
                % {
                    "scope": ceiling.code or _("perangkat daerah"),
                    "ceiling": format_rupiah(ceiling.amount),
                    "used": format_rupiah(used),
                    "left": format_rupiah(ceiling.amount - used),
                    "increase": format_rupiah(increase),
                }
            )


# ----------------------------------------------------------------------------------------- RKA editing
# Every select_for_update here names of=("self",): the models order by foreign keys by default, and
# without it PostgreSQL would also lock the joined version and pemda rows, which every editor's shared
# lock on the version would then wait for.


def _gone() -> Conflict:
    # A draft replaced by an import while this page was open: its RKA and lines are no longer there.
    return Conflict(_("Data ini sudah tidak ada (draf APBD diganti). Muat ulang halaman."))


def _editable(rka: Rka) -> Rka:
    """Share-lock the version and the RKA, and refuse if either has moved beyond editing."""
    version = lock_shared(BudgetVersion.objects.filter(pk=rka.version_id))[0]
    if version.is_frozen:
        raise Conflict(_("Versi ini sudah ditetapkan dan tidak dapat diubah; perubahan melalui versi baru."))
    rows = lock_shared(Rka.objects.filter(pk=rka.pk))
    if not rows:
        raise _gone()
    current = rows[0]
    if current.state not in EDITABLE_RKA_STATES:
        raise Conflict(
            _("RKA berstatus '%(state)s' tidak dapat diubah.") % {"state": RkaState(current.state).label}
        )
    return current


def rka_open(*, actor: MaybeActor, version: BudgetVersion, unit: PerangkatDaerah) -> Rka:
    """The agency's RKA in the version, created on first use (by its operator or the TAPD)."""
    can = BUDGET.can(actor, Place.of_unit(unit))
    if not (can.edit or can.manage):
        can.require("edit")
    if unit.pemda_id != version.pemda_id:
        raise ValidationFailed(_("%(what)s bukan bagian dari pemda ini.") % {"what": str(unit)}, field="unit")
    with transaction.atomic():
        locked = lock_shared(BudgetVersion.objects.filter(pk=version.pk))[0]
        if locked.is_frozen:
            raise Conflict(
                _("Versi ini sudah ditetapkan dan tidak dapat diubah; perubahan melalui versi baru.")
            )
        rka = Rka.objects.filter(version=version, unit=unit).first()
        if rka is not None:
            return rka
        rka = Rka(pemda_id=version.pemda_id, unit=unit, version=version)
        try:
            with transaction.atomic():
                rka.save()
        except IntegrityError:
            return Rka.objects.get(version=version, unit=unit)
        audit.record(
            actor=actor, action="rka.open", obj=rka, pemda_code=rka.pemda_id, after={"unit": unit.code}
        )
    return rka


def line_create(
    *,
    actor: MaybeActor,
    rka: Rka,
    account: str,
    sub_kegiatan: str = "",
    funding: str = "",
    location: str = "",
) -> RkaLine:
    """Add a line (sub-kegiatan x account x funding source x location) to an agency's RKA."""
    BUDGET.require(actor, rka.place(), "edit")
    codes = YearCodes.load(rka.version.year)
    account_code = codes.account(account)
    if account_code.startswith(calc.EXPENDITURE):
        if not sub_kegiatan.strip():
            raise ValidationFailed(_("Belanja wajib berada di bawah sub kegiatan."), field="sub_kegiatan")
        sub = codes.sub_kegiatan_for(sub_kegiatan, rka.unit.code)
    elif sub_kegiatan.strip():
        raise ValidationFailed(
            _("Pendapatan dan pembiayaan tidak berada di bawah sub kegiatan."), field="sub_kegiatan"
        )
    else:
        sub = ""
    place = clean_name(location, label=_("Lokasi"), max_length=200) if location.strip() else ""
    with transaction.atomic():
        _editable(rka)
        line = RkaLine(
            pemda_id=rka.pemda_id,
            unit_id=rka.unit_id,
            version_id=rka.version_id,
            rka=rka,
            sub_kegiatan=sub,
            account=account_code,
            funding=codes.funding_code(funding),
            location=place,
        )
        try:
            with transaction.atomic():
                line.save()
        except IntegrityError:
            raise Conflict(
                _("Baris dengan sub kegiatan, rekening, sumber dana dan lokasi ini sudah ada.")
            ) from None
        audit.record(
            actor=actor,
            action="rka.line_create",
            obj=line,
            pemda_code=line.pemda_id,
            after=_line_snapshot(line),
        )
    return line


def _line_snapshot(line: RkaLine) -> dict[str, Any]:
    return {
        "sub_kegiatan": line.sub_kegiatan,
        "account": line.account,
        "funding": line.funding,
        "location": line.location,
    }


@dataclass(frozen=True)
class DetailInput:
    """What a user types for one detail row; volumes and units pair up, at most four factors."""

    description: str
    factors: Sequence[tuple[Decimal | str, str]]
    unit_price: Decimal | str
    tax_percent: Decimal | str = Decimal("0")
    standard: tuple[str, str] | None = None  # (kind, code) of a standard price list item

    def clean(self) -> dict[str, Any]:
        if not 1 <= len(self.factors) <= FACTORS:
            raise ValidationFailed(_("Koefisien terdiri dari 1 sampai 4 faktor volume."), field="factors")
        values: dict[str, Any] = {
            "description": clean_name(self.description, label=_("Uraian"), max_length=500),
        }
        volumes: list[Decimal | None] = []
        for index in range(FACTORS):
            if index < len(self.factors):
                raw, unit = self.factors[index]
                volume = (
                    raw
                    if isinstance(raw, Decimal)
                    else calc.parse_volume(str(raw), field=f"volume{index + 1}")
                )
                if volume < 0 or -volume.as_tuple().exponent > calc.VOLUME_PLACES:  # type: ignore[operator]
                    raise ValidationFailed(_("Volume tidak sah."), field=f"volume{index + 1}")
                values[f"volume{index + 1}"] = volume
                values[f"unit{index + 1}"] = " ".join(unit.split())[:40]
                volumes.append(volume)
            else:
                values[f"volume{index + 1}"] = None
                values[f"unit{index + 1}"] = ""
        price = parse_rupiah(self.unit_price, field="unit_price")
        if price < 0:
            raise ValidationFailed(_("Harga satuan tidak boleh negatif."), field="unit_price")
        try:
            tax = Decimal(str(self.tax_percent).replace(",", "."))
        except ArithmeticError:
            raise ValidationFailed(_("Pajak tidak sah."), field="tax_percent") from None
        if (
            not tax.is_finite()
            or not Decimal(0) <= tax <= Decimal(100)
            or tax != tax.quantize(Decimal("0.01"))
        ):
            raise ValidationFailed(
                _("Pajak antara 0 dan 100 persen, paling banyak 2 desimal."), field="tax_percent"
            )
        values.update(unit_price=price, tax_percent=tax, amount=calc.detail_amount(volumes, price, tax))
        kind, code = self.standard or ("", "")
        values.update(standard_kind=kind.strip().lower(), standard_code=code.strip())
        return values


def _check_standard(line: RkaLine, values: Mapping[str, Any]) -> None:
    """A row priced by a standard price list item may not go above that item's price for the year."""
    kind, code = values["standard_kind"], values["standard_code"]
    if not kind and not code:
        return
    item = standard_price(line.pemda_id, line.version.year, kind, code)
    if item is None:
        raise ValidationFailed(
            _("Harga standar %(kind)s %(code)s tidak ada pada daftar tahun %(year)d.")
            % {"kind": kind.upper(), "code": code, "year": line.version.year},
            field="standard",
        )
    if values["unit_price"] > item.price:
        raise ValidationFailed(
            _("Harga satuan %(price)s di atas harga standar %(kind)s %(code)s (%(name)s): %(standard)s.")
            % {
                "price": format_rupiah(values["unit_price"]),
                "kind": kind.upper(),
                "code": code,
                "name": item.name,
                "standard": format_rupiah(item.price),
            },
            field="unit_price",
        )


def _detail_snapshot(detail: RkaDetail) -> dict[str, Any]:
    return audit.snapshot(detail, ["position", *DETAIL_SPEC.values])


def detail_fingerprint(detail: RkaDetail) -> str:
    """A short digest of everything a user sees of a detail row: a form carries it from the page it was
    loaded on, and :func:`detail_change`/:func:`detail_remove` refuse the write when the row no longer has
    it (someone else saved it in between), so an edit never silently overwrites another."""
    canonical = json.dumps(_detail_snapshot(detail), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:20]


def _still_as_seen(detail: RkaDetail, seen: str | None) -> None:
    """Under the line's lock: the row is still there and, when the caller saw it (``seen``), unchanged."""
    current = RkaDetail.objects.filter(pk=detail.pk).first()
    if current is None or (seen is not None and detail_fingerprint(current) != seen):
        raise Conflict(
            _(
                "Rincian ini sudah diubah atau dihapus oleh pengguna lain sejak halaman dimuat. "
                "Muat ulang untuk melihat isinya sekarang, lalu ulangi perubahan Anda."
            )
        )


def detail_add(*, actor: MaybeActor, line: RkaLine, detail: DetailInput) -> RkaDetail:
    """Add a detail row; the agency's ceilings above the line are locked and checked in this transaction."""
    row, _created = _detail_add(actor=actor, line=line, detail=detail, key=None)
    return row


def detail_add_once(
    *, actor: MaybeActor, line: RkaLine, detail: DetailInput, idempotency_key: uuid.UUID
) -> tuple[RkaDetail, bool]:
    """:func:`detail_add` once per ``idempotency_key`` on the line: a retry returns the row the first
    request made (and ``False``) instead of adding it twice or failing on the ceiling it itself used."""
    return _detail_add(actor=actor, line=line, detail=detail, key=idempotency_key)


def _done(line: RkaLine, key: uuid.UUID) -> RkaDetail | None:
    return RkaDetail.objects.filter(line_id=line.pk, idempotency_key=key).first()


def _detail_add(
    *, actor: MaybeActor, line: RkaLine, detail: DetailInput, key: uuid.UUID | None
) -> tuple[RkaDetail, bool]:
    BUDGET.require(actor, line.place(), "edit")
    if key is not None and (done := _done(line, key)):
        return done, False
    values = detail.clean()
    _check_standard(line, values)
    try:
        with transaction.atomic():
            _editable(line.rka)
            try:
                _check_ceilings(line, values["amount"])
            except Conflict:
                # A retry waits on the ceiling lock until the first request commits, then finds the
                # ceiling used by its own row: that row is the answer, not a breach.
                if key is not None and (done := _done(line, key)):
                    return done, False
                raise
            locked = RkaLine.objects.select_for_update(of=("self",)).filter(pk=line.pk).first()
            if locked is None:
                raise _gone()
            if key is not None and (done := locked.details.filter(idempotency_key=key).first()):
                return done, False
            position = (locked.details.aggregate(p=Max("position"))["p"] or 0) + 1
            row = RkaDetail.objects.create(line=locked, position=position, idempotency_key=key, **values)
            _move_line(locked, values["amount"])
            audit.record(
                actor=actor,
                action="rka.detail_add",
                obj=row,
                pemda_code=line.pemda_id,
                after=_detail_snapshot(row),
            )
    except IntegrityError:
        # Two retries may both reach the insert (SQLite takes no row locks): the unique key keeps one.
        if key is not None and (done := _done(line, key)):
            return done, False
        raise
    line.refresh_from_db()
    # As stored (volumes to 4 places, tax to 2): a retry, which reads it back, answers the same.
    row.refresh_from_db()
    return row, True


def detail_change(
    *, actor: MaybeActor, detail: RkaDetail, change: DetailInput, seen: str | None = None
) -> RkaDetail:
    """Change a detail row as the user saw it (``detail.amount``, and every field when ``seen``, its
    :func:`detail_fingerprint`, is given); an increase is checked against ceilings."""
    line = detail.line
    BUDGET.require(actor, line.place(), "edit")
    values = change.clean()
    _check_standard(line, values)
    with transaction.atomic():
        _editable(line.rka)
        increase = values["amount"] - detail.amount
        _check_ceilings(line, increase)
        locked = RkaLine.objects.select_for_update(of=("self",)).filter(pk=line.pk).first()
        if locked is None:
            raise _gone()
        _still_as_seen(detail, seen)
        before = _detail_snapshot(detail)
        if not RkaDetail.objects.filter(
            pk=detail.pk, amount=detail.amount, unit_price=detail.unit_price
        ).update(**values):
            raise Conflict(_("Rincian ini baru saja diubah oleh pengguna lain. Muat ulang lalu simpan lagi."))
        _move_line(locked, increase)
        detail.refresh_from_db()
        audit.record(
            actor=actor,
            action="rka.detail_change",
            obj=detail,
            pemda_code=line.pemda_id,
            before=before,
            after=_detail_snapshot(detail),
        )
    return detail


def detail_remove(*, actor: MaybeActor, detail: RkaDetail, seen: str | None = None) -> None:
    """Remove a detail row (refused, when ``seen`` is given, if someone changed it since)."""
    line = detail.line
    BUDGET.require(actor, line.place(), "edit")
    with transaction.atomic():
        _editable(line.rka)
        locked = RkaLine.objects.select_for_update(of=("self",)).filter(pk=line.pk).first()
        if locked is None:
            raise _gone()
        _still_as_seen(detail, seen)
        before = _detail_snapshot(detail)
        if not RkaDetail.objects.filter(pk=detail.pk, amount=detail.amount).delete()[0]:
            raise Conflict(_("Rincian ini baru saja diubah oleh pengguna lain. Muat ulang lalu coba lagi."))
        _move_line(locked, -detail.amount)
        audit.record(
            actor=actor, action="rka.detail_remove", obj=detail, pemda_code=line.pemda_id, before=before
        )


def _move_line(line: RkaLine, change: Decimal) -> None:
    """Keep the line's total the exact sum of its details; an edited line goes back to TAPD unreviewed."""
    # Money() is a rupiah literal; a negative change is written as a subtraction of its size.
    amount = F("amount") + Money(change) if change >= 0 else F("amount") - Money(-change)
    RkaLine.objects.filter(pk=line.pk).update(amount=amount, review=Review.PENDING, review_note="")


# ------------------------------------------------------------------------------------------ approval


def rka_submit(*, actor: MaybeActor, rka: Rka, note: str = "") -> Rka:
    """The agency head submits the RKA to the TAPD; every line waits for its review again."""
    can = BUDGET.require(actor, rka.place(), "submit")
    with transaction.atomic():
        if lock_shared(BudgetVersion.objects.filter(pk=rka.version_id))[0].is_frozen:
            raise Conflict(_("Versi ini sudah ditetapkan."))
        if not rka.lines.exists():
            raise Conflict(_("RKA tanpa baris tidak dapat diajukan."))
        RKA_FLOW.apply(rka, "submit", actor=actor, can=can, note=note)
        rka.lines.filter(review=Review.RETURNED).update(review=Review.PENDING)
    return rka


def line_review(
    *,
    actor: MaybeActor,
    line: RkaLine,
    accept: bool,
    note: str = "",
    seen_amount: Decimal | None = None,
) -> RkaLine:
    """TAPD's verdict on one line of a submitted RKA: accepted, or returned with a note (required).

    ``seen_amount`` is the line's total as the reviewer saw it: if the line has changed since (returned,
    edited and submitted again), the verdict is refused rather than given to an amount nobody looked at.
    """
    BUDGET.require(actor, line.place(), "verify")
    note = note.strip()
    if not accept and not note:
        raise ValidationFailed(_("Catatan wajib diisi untuk baris yang dikembalikan."), field="note")
    with transaction.atomic():
        rows = lock_shared(Rka.objects.filter(pk=line.rka_id))
        if not rows:
            raise _gone()
        rka = rows[0]
        if rka.state != RkaState.SUBMITTED:
            raise Conflict(_("Baris hanya diperiksa selama RKA berstatus diajukan."))
        vetted = require_actor(actor)
        if is_person(vetted) and rka.submitted_by_id == vetted.pk:
            raise PermissionDenied(
                _("Yang mengajukan tidak dapat memeriksa pengajuannya sendiri (prinsip empat mata).")
            )
        verdict = Review.ACCEPTED if accept else Review.RETURNED
        before = {"review": line.review, "review_note": line.review_note}
        target = RkaLine.objects.filter(pk=line.pk)
        if seen_amount is not None:
            target = target.filter(amount=seen_amount)
        if not target.update(review=verdict, review_note=note):
            raise Conflict(
                _("Jumlah baris ini sudah berubah sejak halaman dimuat. Muat ulang lalu periksa lagi.")
            )
        line.refresh_from_db()
        audit.record(
            actor=actor,
            action="rka.line_review",
            obj=line,
            pemda_code=line.pemda_id,
            before=before,
            after={"review": verdict, "review_note": note},
        )
    return line


def rka_accept_pending(*, actor: MaybeActor, rka: Rka) -> int:
    """TAPD accepts every line of a submitted RKA still waiting for review, in one batch ("terima semua").

    Lines already returned keep their verdict and note; each accepted line gets its own audit entry, as if
    reviewed one by one, written with ``record_many``. Returns how many lines were accepted.
    """
    BUDGET.require(actor, rka.place(), "verify")
    with transaction.atomic():
        rows = lock_shared(Rka.objects.filter(pk=rka.pk))
        if not rows:
            raise _gone()
        locked = rows[0]
        if locked.state != RkaState.SUBMITTED:
            raise Conflict(_("Baris hanya diperiksa selama RKA berstatus diajukan."))
        vetted = require_actor(actor)
        if is_person(vetted) and locked.submitted_by_id == vetted.pk:
            raise PermissionDenied(
                _("Yang mengajukan tidak dapat memeriksa pengajuannya sendiri (prinsip empat mata).")
            )
        pending = list(
            RkaLine.objects.select_for_update(of=("self",))
            .filter(rka_id=locked.pk, review=Review.PENDING)
            .order_by("pk")
        )
        # The same rows as just locked: edits wait for the RKA lock, and it is no longer editable anyway.
        RkaLine.objects.filter(rka_id=locked.pk, review=Review.PENDING).update(review=Review.ACCEPTED)
        audit.record_many(
            actor=vetted,
            changes=[
                audit.Change(
                    "rka.line_review",
                    line,
                    pemda_code=line.pemda_id,
                    before={"review": Review.PENDING, "review_note": line.review_note},
                    after={"review": Review.ACCEPTED, "review_note": ""},
                )
                for line in pending
            ],
        )
    return len(pending)


def rka_return(*, actor: MaybeActor, rka: Rka, note: str) -> Rka:
    """TAPD returns the RKA to the agency (reason required); returned lines keep their notes."""
    can = BUDGET.require(actor, rka.place(), "verify")
    RKA_FLOW.apply(rka, "return", actor=actor, can=can, note=note)
    return rka


def rka_verify(*, actor: MaybeActor, rka: Rka) -> Rka:
    """TAPD verifies the RKA once every line is accepted."""
    can = BUDGET.require(actor, rka.place(), "verify")
    with transaction.atomic():
        # Exclusive: reviews in flight (which share-lock the RKA) finish first, later ones see it verified,
        # so no line is returned between this count and the verification.
        Rka.objects.select_for_update(of=("self",)).filter(pk=rka.pk).first()
        open_lines = rka.lines.exclude(review=Review.ACCEPTED).count()
        if open_lines:
            raise Conflict(
                _("%(count)d baris belum diterima; terima semua baris atau kembalikan RKA.")
                % {"count": open_lines}
            )
        RKA_FLOW.apply(rka, "verify", actor=actor, can=can)
    return rka


# ---------------------------------------------------------------------------------- rules and cash plan

MONTHS = tuple(range(1, 13))


def rules_set(
    *,
    actor: MaybeActor,
    pemda: Pemda,
    year: int,
    personnel_max: Decimal | str,
    infrastructure_min: Decimal | str,
    education_min: Decimal | str,
    add_min: Decimal | str | None = None,
    bhprd_min: Decimal | str | None = None,
) -> BudgetRules:
    """Set the year's mandatory-spending thresholds (percent, 0-100, two decimals); ``add_min`` and
    ``bhprd_min`` left out keep their current value (the domain default, 10, on a new row)."""
    BUDGET.require(actor, Place.of_pemda(pemda), "manage")
    values: dict[str, Decimal] = {}
    for name, raw in (
        ("personnel_max", personnel_max),
        ("infrastructure_min", infrastructure_min),
        ("education_min", education_min),
        ("add_min", add_min),
        ("bhprd_min", bhprd_min),
    ):
        if raw is None:
            continue
        try:
            value = Decimal(str(raw).strip().replace(",", "."))
        except ArithmeticError:
            raise ValidationFailed(_("Persentase tidak sah."), field=name) from None
        if not value.is_finite() or not 0 <= value <= 100 or value != value.quantize(Decimal("0.01")):
            raise ValidationFailed(_("Persentase antara 0 dan 100, paling banyak 2 desimal."), field=name)
        values[name] = value
    with transaction.atomic():
        row = BudgetRules.objects.select_for_update(of=("self",)).filter(pemda=pemda, year=year).first()
        before = None if row is None else audit.snapshot(row, list(values))
        if row is None:
            row = BudgetRules(pemda=pemda, year=year, **values)
        else:
            for name, value in values.items():
                setattr(row, name, value)
        row.save()
        audit.record(
            actor=actor,
            action="budget.rules_set",
            obj=row,
            pemda_code=pemda.code,
            before=before,
            after=values,
        )
    return row


def sub_kegiatan_amount(version: BudgetVersion, unit: PerangkatDaerah, sub_kegiatan: str) -> Decimal:
    total: Decimal = RkaLine.objects.filter(
        version=version, unit=unit, sub_kegiatan=sub_kegiatan, account__startswith=calc.EXPENDITURE
    ).aggregate(total=MoneySum("amount"))["total"]
    return total


def cash_plan_set(
    *,
    actor: MaybeActor,
    version: BudgetVersion,
    unit: PerangkatDaerah,
    sub_kegiatan: str,
    months: Mapping[int, Decimal | str] | None = None,
    weights: Mapping[int, Decimal | int] | None = None,
) -> list[CashPlan]:
    """Plan a sub-kegiatan of the adopted version (the DPA) over the twelve months.

    Give ``months`` (every month's amount; they must add up to the sub-kegiatan exactly), or ``weights``
    per month, or neither for twelve equal shares: shares are split by largest remainder to the sen, so
    they always add up.
    """
    can = BUDGET.can(actor, Place.of_unit(unit))
    if not (can.edit or can.manage):
        can.require("edit")
    if unit.pemda_id != version.pemda_id:
        raise ValidationFailed(_("%(what)s bukan bagian dari pemda ini.") % {"what": str(unit)}, field="unit")
    with transaction.atomic():
        locked = BudgetVersion.objects.get(pk=version.pk)
        if not locked.is_frozen:
            raise Conflict(_("Anggaran kas disusun untuk APBD yang sudah ditetapkan (DPA)."))
        total = sub_kegiatan_amount(locked, unit, sub_kegiatan)
        if not total:
            raise ValidationFailed(
                _("Sub kegiatan ini tidak beranggaran pada versi ini."), field="sub_kegiatan"
            )
        if months is not None:
            if sorted(months) != list(MONTHS):
                raise ValidationFailed(_("Anggaran kas berisi tepat 12 bulan."), field="months")
            plan = {month: parse_rupiah(months[month], field="months") for month in MONTHS}
            if any(amount < 0 for amount in plan.values()):
                raise ValidationFailed(_("Rencana bulanan tidak boleh negatif."), field="months")
            planned = sum(plan.values(), Decimal("0.00"))
            if planned != total:
                raise ValidationFailed(
                    _("Jumlah 12 bulan %(planned)s harus sama dengan anggaran %(total)s (selisih %(gap)s).")
                    % {
                        "planned": format_rupiah(planned),
                        "total": format_rupiah(total),
                        "gap": format_rupiah(planned - total),
                    },
                    field="months",
                )
        elif weights is not None:
            if not set(weights) <= set(MONTHS) or not any(weights.values()):
                raise ValidationFailed(
                    _("Bobot per bulan 1-12, paling sedikit satu bukan nol."), field="weights"
                )
            plan = {m: Decimal("0.00") for m in MONTHS} | allocate(total, dict(weights), unit=SEN)
        else:
            plan = split_evenly(total, list(MONTHS), unit=SEN)
        rows = CashPlan.objects.select_for_update(of=("self",)).filter(
            version=locked, unit=unit, sub_kegiatan=sub_kegiatan
        )
        before = {str(p.month): p.amount for p in rows}
        rows.delete()
        created = CashPlan.objects.bulk_create(
            [
                CashPlan(
                    pemda_id=locked.pemda_id,
                    unit=unit,
                    version=locked,
                    sub_kegiatan=sub_kegiatan,
                    month=month,
                    amount=plan[month],
                )
                for month in MONTHS
            ]
        )
        audit.record(
            actor=actor,
            action="budget.cash_plan_set",
            obj=locked,
            pemda_code=locked.pemda_id,
            before=before or None,
            after={"unit": unit.code, "sub_kegiatan": sub_kegiatan, **{str(m): plan[m] for m in MONTHS}},
        )
    return created
