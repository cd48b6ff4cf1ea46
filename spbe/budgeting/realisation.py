"""Realisation of the adopted APBD: what the DPA allows, what was paid (SP2D) and deposited (STS).

Reads other modules rely on (their signatures are a contract):

* :func:`dpa_by_sub_kegiatan` - the DPA amount per (unit id, kode_sub_kegiatan) of the newest adopted version;
* :func:`spending_by_sub_kegiatan` - net SP2D spending per (unit id, kode_sub_kegiatan) up to a date.

Writes (every one audited, in one transaction):

* :func:`sp2d_record` charges a payment to a DPA line (agency x sub-kegiatan x account x funding source) and
  refuses one that would take the line's net spending above its amount in the newest adopted version;
* :func:`sp2d_correct` returns (part of) a payment as a new negative row; rows are never edited;
* :func:`sts_record` and :func:`sts_correct` do the same for revenue deposits, which have no ceiling.

**Never above the DPA line, under concurrent writers.** A payment, in one transaction:

1. share-locks the newest adopted version row (:func:`spbe.core.locks.lock_shared`), re-reading which version
   is newest until the one locked is still the newest. An adoption (:func:`lock_adopted_for_revision`, called
   by ``services.version_adopt``) locks every adopted version of the year ``FOR UPDATE``, so it waits for the
   payments in flight and then checks them against its new amounts, while later payments wait for it and then
   read the new version;
2. locks the version's lines with the payment's codes ``FOR UPDATE`` (``of=("self",)``; adopted lines never
   change, so only payments take this lock): two payments on one line queue here, and the second sums the
   line's rows in SQL *after* the first committed, so together they never pass the amount.

On SQLite every write transaction is ``IMMEDIATE``: writers run one after the other and the second one's
sum includes the first one's row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from spbe.accounts.access import Place, Policy
from spbe.accounts.models import Pemda, PerangkatDaerah, Role
from spbe.core import audit
from spbe.core.actors import MaybeActor
from spbe.core.errors import Conflict, NotFound, ValidationFailed
from spbe.core.locks import lock_shared
from spbe.core.money import format_rupiah, parse_rupiah
from spbe.core.money_sql import MoneySum
from spbe.core.text import clean_name

from . import calc
from .access import BUDGET
from .models import BudgetVersion, RkaLine
from .models_realisation import Sp2d, Sp2dKind, Sts

Unit = PerangkatDaerah
ZERO = Decimal("0.00")

#: The Bendahara Umum Daerah (BPKAD, held by the TAPD role) issues SP2D and books STS; everyone who reads the
#: budget reads its realisation (agency roles their own agency's only).
REALISATION = Policy(view=BUDGET.capabilities["view"], record={Role.TAPD})


# ------------------------------------------------------------------------------------------------- reads


def _adopted(pemda: Pemda | str, year: int) -> QuerySet[BudgetVersion]:
    return BudgetVersion.objects.filter(pemda=pemda, year=year, version_state=BudgetVersion.State.FROZEN)


def _pemda(pemda: Pemda | str) -> Pemda:
    return pemda if isinstance(pemda, Pemda) else Pemda.objects.get(pk=pemda)


def newest_adopted(pemda: Pemda | str, year: int, *, on: dt.date | None = None) -> BudgetVersion | None:
    """The newest adopted version of the year (the DPA, after a perubahan its revision); with ``on``, the
    newest one adopted on or before that day in the pemda's own time zone. ``None`` when there is none."""
    versions_ = _adopted(pemda, year)
    if on is not None:
        zone = ZoneInfo(_pemda(pemda).time_zone)
        end = dt.datetime.combine(on + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
        versions_ = versions_.filter(frozen_at__lt=end)
    return versions_.order_by("-number").first()


def dpa_by_sub_kegiatan(
    pemda: Pemda, year: int, *, on: dt.date | None = None, unit: Unit | None = None
) -> dict[tuple[int, str], Decimal]:
    """The DPA amount per (unit id, kode_sub_kegiatan): expenditure (5.x) of the newest adopted version of
    the year, adopted on or before ``on`` when given, of one agency when ``unit`` is given. Empty when no
    version was adopted (by then). Amounts are exact sums in SQL; sub-kegiatan with a zero total are kept."""
    version = newest_adopted(pemda, year, on=on)
    if version is None:
        return {}
    lines = RkaLine.objects.filter(version=version, account__startswith=f"{calc.EXPENDITURE}.")
    if unit is not None:
        lines = lines.filter(unit=unit)
    rows = lines.values("unit_id", "sub_kegiatan").annotate(total=MoneySum("amount")).order_by()
    return {(row["unit_id"], row["sub_kegiatan"]): row["total"] for row in rows}


def spending_by_sub_kegiatan(
    pemda: Pemda, year: int, *, until: dt.date, unit: Unit | None = None
) -> dict[tuple[int, str], Decimal]:
    """Net SP2D spending per (unit id, kode_sub_kegiatan) of the year: payments dated on or before ``until``
    less the returns and corrections dated on or before it, of one agency when ``unit`` is given. Only
    sub-kegiatan with any SP2D row appear (a fully returned one appears with 0.00)."""
    rows_ = Sp2d.objects.filter(pemda=pemda, year=year, date__lte=until).exclude(sub_kegiatan="")
    if unit is not None:
        rows_ = rows_.filter(unit=unit)
    rows = rows_.values("unit_id", "sub_kegiatan").annotate(total=MoneySum("amount")).order_by()
    return {(row["unit_id"], row["sub_kegiatan"]): row["total"] for row in rows}


@dataclass(frozen=True)
class LineKey:
    """A DPA line as realisation names it: the agency and the codes, never a version's line id."""

    unit_id: int
    sub_kegiatan: str
    account: str
    funding: str

    def lines(self, version: BudgetVersion) -> QuerySet[RkaLine]:
        return RkaLine.objects.filter(
            version=version,
            unit_id=self.unit_id,
            sub_kegiatan=self.sub_kegiatan,
            account=self.account,
            funding=self.funding,
        )

    def payments(self, pemda: Pemda | str, year: int) -> QuerySet[Sp2d]:
        return Sp2d.objects.filter(
            pemda=pemda,
            year=year,
            unit_id=self.unit_id,
            sub_kegiatan=self.sub_kegiatan,
            account=self.account,
            funding=self.funding,
        )


def line_spent(pemda: Pemda | str, year: int, key: LineKey) -> Decimal:
    """Net spending on one line so far (every date), summed in SQL."""
    total: Decimal = key.payments(pemda, year).aggregate(total=MoneySum("amount"))["total"]
    return total


def overspent_lines(version: BudgetVersion) -> list[tuple[LineKey, Decimal, Decimal]]:
    """Lines whose net spending so far is above their amount in ``version`` (a line the version no longer
    has counts as 0): ``(key, amount, spent)``. Empty for a revision that keeps every line covered."""
    spent = (
        Sp2d.objects.filter(pemda_id=version.pemda_id, year=version.year)
        .values("unit_id", "sub_kegiatan", "account", "funding")
        .annotate(total=MoneySum("amount"))
        .order_by()
    )
    amounts = {
        (r["unit_id"], r["sub_kegiatan"], r["account"], r["funding"]): r["total"]
        for r in RkaLine.objects.filter(version=version)
        .values("unit_id", "sub_kegiatan", "account", "funding")
        .annotate(total=MoneySum("amount"))
        .order_by()
    }
    out = []
    for row in spent:
        codes = (row["unit_id"], row["sub_kegiatan"], row["account"], row["funding"])
        amount = amounts.get(codes, ZERO)
        if row["total"] > amount:
            out.append((LineKey(*codes), amount, row["total"]))
    return sorted(out, key=lambda item: (item[0].unit_id, item[0].sub_kegiatan, item[0].account))


def lock_adopted_for_revision(version: BudgetVersion) -> None:
    """Called by the adoption of ``version`` inside its transaction: wait for the payments in flight (they
    share-lock the adopted version they charge), then refuse a revision that leaves a line below what has
    already been paid on it."""
    list(
        BudgetVersion.objects.select_for_update(of=("self",))
        .filter(pemda_id=version.pemda_id, year=version.year, version_state=BudgetVersion.State.FROZEN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    over = overspent_lines(version)
    if over:
        codes = dict(
            PerangkatDaerah.objects.filter(pk__in={k.unit_id for k, _a, _s in over}).values_list("pk", "code")
        )
        shown = "; ".join(
            f"{codes.get(key.unit_id, key.unit_id)} {key.sub_kegiatan or '-'} {key.account} "
            f"{key.funding or '-'}: {format_rupiah(amount)} < {format_rupiah(spent)}"
            for key, amount, spent in over[:10]
        )
        raise Conflict(
            _("Pagu baris berikut lebih kecil dari realisasi SP2D yang sudah dibayar: %(lines)s.")
            % {"lines": shown}
        )


# ------------------------------------------------------------------------------------------------ checks


def _year_bounds(year: int, value: dt.date, field: str) -> dt.date:
    if value.year != year:
        raise ValidationFailed(
            _("Tanggal %(date)s di luar tahun anggaran %(year)d.")
            % {"date": value.isoformat(), "year": year},
            field=field,
        )
    return value


def _number(raw: str) -> str:
    number = " ".join(raw.split())
    if not number:
        raise ValidationFailed(_("Nomor wajib diisi."), field="number")
    if len(number) > 60:
        raise ValidationFailed(_("Nomor paling panjang 60 karakter."), field="number")
    return number


def _description(raw: str) -> str:
    try:
        text = clean_name(raw)
    except ValueError:
        raise ValidationFailed(_("Uraian wajib diisi."), field="description") from None
    if len(text) > 500:
        raise ValidationFailed(_("Uraian paling panjang 500 karakter."), field="description")
    return text


def _positive(raw: Decimal | str, field: str = "amount") -> Decimal:
    value = parse_rupiah(raw, field=field)
    if value <= 0:
        raise ValidationFailed(_("Jumlah harus lebih dari nol."), field=field)
    return value


def _check_unit(pemda: Pemda, unit: PerangkatDaerah) -> None:
    if unit.pemda_id != pemda.code:
        raise ValidationFailed(_("%(what)s bukan bagian dari pemda ini.") % {"what": str(unit)}, field="unit")


@dataclass(frozen=True)
class Sp2dInput:
    """An SP2D as entered: the line it is charged to (by codes), its document data and amount."""

    unit: PerangkatDaerah
    number: str
    date: dt.date
    kind: str
    sub_kegiatan: str
    account: str
    funding: str
    description: str
    amount: Decimal | str

    def clean(self, pemda: Pemda, year: int) -> dict[str, Any]:
        _check_unit(pemda, self.unit)
        kind = self.kind.strip().upper()
        if kind not in Sp2dKind.values:
            raise ValidationFailed(_("Jenis SP2D adalah LS, UP, GU atau TU."), field="kind")
        account = self.account.strip()
        if not (
            account.startswith(f"{calc.EXPENDITURE}.") or account.startswith(f"{calc.FINANCING_EXPENDITURE}.")
        ):
            raise ValidationFailed(
                _("SP2D dibebankan pada rekening belanja (5) atau pengeluaran pembiayaan (6.2)."),
                field="account",
            )
        return {
            "unit": self.unit,
            "number": _number(self.number),
            "date": _year_bounds(year, self.date, "date"),
            "kind": kind,
            "sub_kegiatan": self.sub_kegiatan.strip(),
            "account": account,
            "funding": self.funding.strip(),
            "description": _description(self.description),
            "amount": _positive(self.amount),
        }


@dataclass(frozen=True)
class StsInput:
    unit: PerangkatDaerah
    number: str
    date: dt.date
    account: str
    description: str
    amount: Decimal | str

    def clean(self, pemda: Pemda, year: int, accounts: Iterable[str] | None = None) -> dict[str, Any]:
        _check_unit(pemda, self.unit)
        account = self.account.strip()
        if not (account.startswith(f"{calc.REVENUE}.") or account.startswith(f"{calc.FINANCING_RECEIPTS}.")):
            raise ValidationFailed(
                _("STS disetor pada rekening pendapatan (4) atau penerimaan pembiayaan (6.1)."),
                field="account",
            )
        known = set(accounts) if accounts is not None else None
        if known is None:
            from spbe.reference.selectors import leaf_account_codes

            known = set(leaf_account_codes(year))
        if account not in known:
            raise ValidationFailed(
                _("kode rekening %(code)s bukan rekening rincian pada bagan akun tahun %(year)d")
                % {"code": account, "year": year},
                field="account",
            )
        return {
            "unit": self.unit,
            "number": _number(self.number),
            "date": _year_bounds(year, self.date, "date"),
            "account": account,
            "description": _description(self.description),
            "amount": _positive(self.amount),
        }


# -------------------------------------------------------------------------------------------- the lock


def _lock_newest_adopted(pemda: Pemda | str, year: int) -> BudgetVersion:
    """Share-lock the newest adopted version, re-reading until the version locked is still the newest (an
    adoption that committed while we waited made a newer one)."""
    while True:
        newest = newest_adopted(pemda, year)
        if newest is None:
            raise Conflict(
                _("APBD %(year)d belum ditetapkan: belum ada DPA untuk dibebani.") % {"year": year}
            )
        lock_shared(BudgetVersion.objects.filter(pk=newest.pk))
        again = newest_adopted(pemda, year)
        if again is not None and again.pk == newest.pk:
            return newest


def _line_amount_locked(version: BudgetVersion, key: LineKey) -> Decimal:
    """Lock the version's lines with the key's codes (every location) and return their total; a key the DPA
    does not have is refused."""
    rows = list(
        key.lines(version).select_for_update(of=("self",)).order_by("pk").values_list("amount", flat=True)
    )
    if not rows:
        raise ValidationFailed(
            _(
                "Tidak ada baris DPA (versi %(number)d) untuk sub kegiatan %(sub)s, rekening %(account)s, "
                "sumber dana %(funding)s pada perangkat daerah ini."
            )
            % {
                "number": version.number,
                "sub": key.sub_kegiatan or "-",
                "account": key.account,
                "funding": key.funding or "-",
            },
            field="account",
        )
    return sum(rows, ZERO)


def _breach(key: LineKey, amount: Decimal, spent: Decimal, increase: Decimal) -> Conflict:
    return Conflict(
        _(
            "Pagu DPA baris %(sub)s / %(account)s / %(funding)s sebesar %(amount)s terlampaui: sudah "
            "terealisasi %(spent)s, sisa %(left)s, SP2D %(increase)s."
        )
        % {
            "sub": key.sub_kegiatan or "-",
            "account": key.account,
            "funding": key.funding or "-",
            "amount": format_rupiah(amount),
            "spent": format_rupiah(spent),
            "left": format_rupiah(amount - spent),
            "increase": format_rupiah(increase),
        }
    )


def _sp2d_snapshot(row: Sp2d, unit_code: str) -> dict[str, Any]:
    return {
        "year": row.year,
        "number": row.number,
        "date": row.date,
        "kind": row.kind,
        "unit": unit_code,
        "sub_kegiatan": row.sub_kegiatan,
        "account": row.account,
        "funding": row.funding,
        "description": row.description,
        "amount": row.amount,
        "corrects": row.corrects_id,
    }


def _sts_snapshot(row: Sts, unit_code: str) -> dict[str, Any]:
    return {
        "year": row.year,
        "number": row.number,
        "date": row.date,
        "unit": unit_code,
        "account": row.account,
        "description": row.description,
        "amount": row.amount,
        "corrects": row.corrects_id,
    }


def _number_taken(model: type[Sp2d] | type[Sts], pemda: Pemda, year: int, number: str) -> Conflict | None:
    if model.objects.filter(pemda=pemda, year=year, number=number).exists():
        return Conflict(
            _("Nomor %(number)s sudah dipakai pada tahun %(year)d.") % {"number": number, "year": year}
        )
    return None


# ------------------------------------------------------------------------------------------------ SP2D


def sp2d_record(
    *, actor: MaybeActor, pemda: Pemda, year: int, entry: Sp2dInput, idempotency_key: uuid.UUID | None = None
) -> tuple[Sp2d, bool]:
    """Record an SP2D against its DPA line; ``(row, True)``, or the row an earlier request with the same
    ``idempotency_key`` made and ``False``. Refused (Conflict) when the line's net spending would pass its
    amount in the newest adopted version, or when no version is adopted yet."""
    REALISATION.require(actor, Place.of_pemda(pemda), "record")
    if idempotency_key is not None and (done := _sp2d_done(pemda, idempotency_key)):
        return done, False
    values = entry.clean(pemda, year)
    key = LineKey(values["unit"].pk, values["sub_kegiatan"], values["account"], values["funding"])
    try:
        with transaction.atomic():
            version = _lock_newest_adopted(pemda, year)
            amount = _line_amount_locked(version, key)
            if idempotency_key is not None and (done := _sp2d_done(pemda, idempotency_key)):
                return done, False
            if taken := _number_taken(Sp2d, pemda, year, values["number"]):
                raise taken
            spent = line_spent(pemda, year, key)
            if spent + values["amount"] > amount:
                raise _breach(key, amount, spent, values["amount"])
            row = Sp2d.objects.create(pemda=pemda, year=year, idempotency_key=idempotency_key, **values)
            audit.record(
                actor=actor,
                action="realisation.sp2d_record",
                obj=row,
                pemda_code=pemda.code,
                after=_sp2d_snapshot(row, values["unit"].code) | {"version": version.number},
            )
    except IntegrityError:
        # Two retries or two equal numbers may both reach the insert on SQLite: the unique keys keep one.
        if idempotency_key is not None and (done := _sp2d_done(pemda, idempotency_key)):
            return done, False
        raise Conflict(_("Nomor %(number)s sudah dipakai.") % {"number": values["number"]}) from None
    return row, True


def _sp2d_done(pemda: Pemda, key: uuid.UUID) -> Sp2d | None:
    return Sp2d.objects.filter(pemda=pemda, idempotency_key=key).first()


def sp2d_correct(
    *,
    actor: MaybeActor,
    original: Sp2d,
    number: str,
    date: dt.date,
    amount: Decimal | str,
    description: str,
) -> Sp2d:
    """Return (part of) a payment (pengembalian belanja / koreksi): a new row of ``-amount`` on the same line.
    Refused above what is left of the payment after earlier corrections."""
    pemda = original.pemda
    REALISATION.require(actor, Place.of_pemda(pemda), "record")
    if original.corrects_id is not None:
        raise ValidationFailed(_("Koreksi dibuat atas SP2D asal, bukan atas koreksi."), field="corrects")
    value = _positive(amount)
    clean_number, text = _number(number), _description(description)
    _year_bounds(original.year, date, "date")
    if date < original.date:
        raise ValidationFailed(_("Tanggal koreksi tidak boleh sebelum tanggal SP2D asal."), field="date")
    key = LineKey(original.unit_id, original.sub_kegiatan, original.account, original.funding)
    with transaction.atomic():
        version = _lock_newest_adopted(pemda, original.year)
        # The line's lock serialises corrections of one payment too (they are on its line).
        if key.lines(version).exists():
            _line_amount_locked(version, key)
        else:
            list(Sp2d.objects.select_for_update(of=("self",)).filter(pk=original.pk).values_list("pk"))
        if taken := _number_taken(Sp2d, pemda, original.year, clean_number):
            raise taken
        left: Decimal = (
            original.amount + Sp2d.objects.filter(corrects=original).aggregate(t=MoneySum("amount"))["t"]
        )
        if value > left:
            raise Conflict(
                _("Koreksi %(amount)s melebihi sisa SP2D %(number)s (%(left)s).")
                % {"amount": format_rupiah(value), "number": original.number, "left": format_rupiah(left)}
            )
        row = Sp2d.objects.create(
            pemda=pemda,
            unit_id=original.unit_id,
            year=original.year,
            number=clean_number,
            date=date,
            kind=original.kind,
            sub_kegiatan=original.sub_kegiatan,
            account=original.account,
            funding=original.funding,
            description=text,
            amount=-value,
            corrects=original,
        )
        audit.record(
            actor=actor,
            action="realisation.sp2d_correct",
            obj=row,
            pemda_code=pemda.code,
            after=_sp2d_snapshot(row, original.unit.code),
        )
    return row


# ------------------------------------------------------------------------------------------------- STS


def sts_record(
    *, actor: MaybeActor, pemda: Pemda, year: int, entry: StsInput, idempotency_key: uuid.UUID | None = None
) -> tuple[Sts, bool]:
    """Record a revenue deposit (no ceiling: revenue may exceed its target); ``(row, created)`` as SP2D."""
    REALISATION.require(actor, Place.of_pemda(pemda), "record")
    if idempotency_key is not None and (done := _sts_done(pemda, idempotency_key)):
        return done, False
    values = entry.clean(pemda, year)
    try:
        with transaction.atomic():
            if taken := _number_taken(Sts, pemda, year, values["number"]):
                raise taken
            row = Sts.objects.create(pemda=pemda, year=year, idempotency_key=idempotency_key, **values)
            audit.record(
                actor=actor,
                action="realisation.sts_record",
                obj=row,
                pemda_code=pemda.code,
                after=_sts_snapshot(row, values["unit"].code),
            )
    except IntegrityError:
        if idempotency_key is not None and (done := _sts_done(pemda, idempotency_key)):
            return done, False
        raise Conflict(_("Nomor %(number)s sudah dipakai.") % {"number": values["number"]}) from None
    return row, True


def _sts_done(pemda: Pemda, key: uuid.UUID) -> Sts | None:
    return Sts.objects.filter(pemda=pemda, idempotency_key=key).first()


def sts_correct(
    *,
    actor: MaybeActor,
    original: Sts,
    number: str,
    date: dt.date,
    amount: Decimal | str,
    description: str,
) -> Sts:
    """Reverse (part of) a deposit as a new negative row; refused above what is left of it."""
    pemda = original.pemda
    REALISATION.require(actor, Place.of_pemda(pemda), "record")
    if original.corrects_id is not None:
        raise ValidationFailed(_("Koreksi dibuat atas STS asal, bukan atas koreksi."), field="corrects")
    value = _positive(amount)
    clean_number, text = _number(number), _description(description)
    _year_bounds(original.year, date, "date")
    if date < original.date:
        raise ValidationFailed(_("Tanggal koreksi tidak boleh sebelum tanggal STS asal."), field="date")
    with transaction.atomic():
        list(Sts.objects.select_for_update(of=("self",)).filter(pk=original.pk).values_list("pk"))
        if taken := _number_taken(Sts, pemda, original.year, clean_number):
            raise taken
        left: Decimal = (
            original.amount + Sts.objects.filter(corrects=original).aggregate(t=MoneySum("amount"))["t"]
        )
        if value > left:
            raise Conflict(
                _("Koreksi %(amount)s melebihi sisa STS %(number)s (%(left)s).")
                % {"amount": format_rupiah(value), "number": original.number, "left": format_rupiah(left)}
            )
        row = Sts.objects.create(
            pemda=pemda,
            unit_id=original.unit_id,
            year=original.year,
            number=clean_number,
            date=date,
            account=original.account,
            description=text,
            amount=-value,
            corrects=original,
        )
        audit.record(
            actor=actor,
            action="realisation.sts_correct",
            obj=row,
            pemda_code=pemda.code,
            after=_sts_snapshot(row, original.unit.code),
        )
    return row


# -------------------------------------------------------------------------------------------- lookups


def sp2d_by_number(pemda: Pemda, year: int, number: str) -> Sp2d:
    found = Sp2d.objects.select_related("unit", "pemda").filter(pemda=pemda, year=year, number=number).first()
    if found is None:
        raise NotFound(_("SP2D %(number)s tidak ditemukan.") % {"number": number})
    return found


def sts_by_number(pemda: Pemda, year: int, number: str) -> Sts:
    found = Sts.objects.select_related("unit", "pemda").filter(pemda=pemda, year=year, number=number).first()
    if found is None:
        raise NotFound(_("STS %(number)s tidak ditemukan.") % {"number": number})
    return found


__all__ = [
    "REALISATION",
    "LineKey",
    "Sp2dInput",
    "StsInput",
    "dpa_by_sub_kegiatan",
    "line_spent",
    "newest_adopted",
    "overspent_lines",
    "sp2d_correct",
    "sp2d_record",
    "spending_by_sub_kegiatan",
    "sts_correct",
    "sts_record",
]
