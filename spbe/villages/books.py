"""Village bookkeeping: every write of a desa's treasury, each in one transaction with its audit entry.

**One source per desa and year.** Bookkeeping runs only on an APBDes kept in OpenSPBE (``origin`` entry);
a desa whose APBDes of the year came from Siskeudes keeps its books in Siskeudes and sends the export
(every write here refuses it), and ``import_siskeudes`` already refuses a desa whose APBDes is kept here.
So the public page and the reports read exactly one set of ``Realisation`` rows per desa and year: those
of the APBDes's origin.

**Realisation** follows the rule Siskeudes' reports use (domain guide 4.2), row by row as vouchers are
recorded, into the same ``Realisation`` rows (desa, year, account, kegiatan, funding source) an import
writes: a receipt adds to its revenue or financing-receipt account; a paid SPP adds each of its lines,
except a cash advance (``panjar``, Siskeudes ``UM``), which is not spending until its SPJ is accepted and
then adds what the evidence shows was spent. Tax withheld and its deposit, a returned advance remainder
and a cash-bank move count for nothing (the gross payment already counted). Amounts are exact ``Decimal``
in sen throughout.

**Locking.** Every write takes the row lock of the desa's adopted APBDes version (``_locked``). That one
lock makes the remaining-budget check of an SPP, the cash balance check of a payment, the voucher number
and the realisation row update safe under concurrent treasurers and executors: a second writer waits, then
sees the first one's rows.

**Advances** must be accounted for within ten working days of payment (Permendagri 20/2018 art. 52):
working days are Monday to Friday counted on dates in the pemda's own time zone, without the national
holidays and cuti bersama and the pemda's own changes to them (``spbe.core.working_days``).
An advance is overdue when its books' day (``books_day``: today in the pemda's time zone, or the latest
voucher's date when the books run ahead of the clock) is past the deadline and no SPJ is in.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from spbe.accounts.access import Can, Place, Policy, get_village_for_user
from spbe.accounts.models import Pemda, Role, VillageGovernment
from spbe.core import audit, working_days
from spbe.core.actors import MaybeActor, is_person
from spbe.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from spbe.core.money import format_rupiah, parse_rupiah
from spbe.core.money_sql import Money
from spbe.core.published import bump_version
from spbe.core.text import clean_name
from spbe.core.workflow import Transition, Workflow

from .access import VILLAGE_OFFICERS
from .models import Apbdes, ApbdesLine, Origin, Realisation, published_data_set
from .models_books import CashMove, Channel, Receipt, Spj, SpjLine, Spp, SppLine, SppTax, TaxDeposit, TaxKind
from .models_template import ManualRealisation
from .rules import is_expenditure_side, is_receipt_side

ZERO = Decimal("0.00")
SPJ_WORKING_DAYS = 10
TEXT_LENGTH = 500

BOOKS = Policy(
    view={*VILLAGE_OFFICERS, Role.CAMAT, Role.DPMD, Role.AUDITOR, Role.PEMDA_ADMIN},
    # The kasi/kaur who carries out a kegiatan asks for its money and accounts for advances.
    request={Role.VILLAGE_EXECUTOR},
    verify={Role.VILLAGE_SECRETARY},
    approve={Role.KEPALA_DESA},
    # The Kaur Keuangan pays, receives, withholds and deposits taxes, moves cash to and from the bank.
    pay={Role.VILLAGE_TREASURER},
    keep={Role.VILLAGE_TREASURER},
)

#: The way of a payment request (Permendagri 20/2018 art. 49-51). Whoever asked never checks their own
#: request (``not_by``); the services also keep the verifier from approving and the approver from paying.
SPP_FLOW = Workflow(
    "books_spp",
    [
        Transition(
            "submit",
            source={"draft", "returned"},
            target="submitted",
            capability="request",
            stamp="submitted_by",
        ),
        Transition(
            "verify",
            source={"submitted"},
            target="verified",
            capability="verify",
            stamp="verified_by",
            not_by="submitted_by",
        ),
        Transition(
            "return", source={"submitted"}, target="returned", capability="verify", note_required=True
        ),
        Transition(
            "approve",
            source={"verified"},
            target="approved",
            capability="approve",
            stamp="approved_by",
            not_by="submitted_by",
        ),
        Transition(
            "send_back", source={"verified"}, target="returned", capability="approve", note_required=True
        ),
        Transition(
            "pay",
            source={"approved"},
            target="paid",
            capability="pay",
            stamp="paid_by",
            not_by="submitted_by",
        ),
        Transition("cancel", source={"draft", "returned"}, target="cancelled", capability="request"),
    ],
)

#: The accountability report of an advance: the Sekdes checks the evidence and accepts or returns it.
SPJ_FLOW = Workflow(
    "books_spj",
    [
        Transition(
            "accept",
            source={"submitted"},
            target="accepted",
            capability="verify",
            stamp="accepted_by",
            not_by="submitted_by",
        ),
        Transition(
            "return", source={"submitted"}, target="returned", capability="verify", note_required=True
        ),
    ],
)

#: States in which an SPP holds its amount against the budget (everything but a cancelled one).
LIVE_STATES = ("draft", "submitted", "verified", "approved", "paid", "returned")


# --- dates -------------------------------------------------------------------------------------------


def add_working_days(start: dt.date, days: int, pemda: Pemda | str | None = None) -> dt.date:
    """The ``days``-th working day after ``start`` in ``pemda`` (module doc); without a pemda, the national
    list only."""
    return working_days.add(start, days, pemda)


def pemda_today(pemda_or_code: Pemda | str) -> dt.date:
    """Today in the pemda's own time zone: an advance paid at 23:30 WIT is that day's in Jayapura."""
    pemda = pemda_or_code if isinstance(pemda_or_code, Pemda) else Pemda.objects.get(code=pemda_or_code)
    return timezone.localdate(timezone.now(), ZoneInfo(pemda.time_zone))


# --- access ------------------------------------------------------------------------------------------


def adopted_apbdes(village: VillageGovernment, year: int) -> Apbdes | None:
    """The desa's latest adopted APBDes version of ``year``, or None."""
    return (
        Apbdes.objects.select_related("village", "village__region")
        .filter(village=village, year=year, stage=Apbdes.Stage.ADOPTED)
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True)
class Books:
    """A desa's books of one year as a user may see them: the adopted APBDes and what the user may do."""

    village: VillageGovernment
    year: int
    apbdes: Apbdes | None
    can: Can

    @property
    def kept_here(self) -> bool:
        return self.apbdes is not None and self.apbdes.origin == Origin.ENTRY


def books_for_user(user: MaybeActor, pemda: Pemda, kode_desa: str, year: int) -> Books:
    """A desa's books for ``user``; NotFound outside the user's scope (another desa, another kecamatan)."""
    village = get_village_for_user(user, pemda, kode_desa)
    can = BOOKS.can(user, Place.of_village(village))
    if not can.view:
        raise NotFound(_("Data tidak ditemukan."))
    return Books(village, year, adopted_apbdes(village, year), can)


def spp_for_user(user: MaybeActor, pemda: Pemda, kode_desa: str, year: int, number: int) -> tuple[Spp, Books]:
    books = books_for_user(user, pemda, kode_desa, year)
    spp = (
        Spp.objects.select_related("village", "village__region")
        .filter(village=books.village, year=year, number=number)
        .first()
    )
    if spp is None:
        raise NotFound(_("SPP tidak ditemukan."))
    return spp, books


def _locked(village: VillageGovernment, year: int) -> Apbdes:
    """Lock the desa's adopted APBDes of ``year`` (the lock every bookkeeping write of it takes)."""
    apbdes = adopted_apbdes(village, year)
    if apbdes is None:
        raise Conflict(
            _("APBDes %(year)d desa ini belum ditetapkan; penatausahaan dimulai setelah APBDes ditetapkan.")
            % {"year": year}
        )
    if apbdes.origin != Origin.ENTRY:
        raise Conflict(
            _(
                "APBDes %(year)d desa ini berasal dari Siskeudes: penatausahaannya dicatat di Siskeudes dan "
                "realisasinya diimpor. Satu desa satu sumber per tahun."
            )
            % {"year": year}
        )
    # A short statement on purpose: it is what a waiting writer shows in pg_stat_activity (whose text is
    # cut at 1 kB), and the version row itself never changes once adopted.
    Apbdes.objects.select_for_update(of=("self",)).filter(pk=apbdes.pk).values_list("pk", flat=True).get()
    # Checked under that lock, as the template upload checks the books: one source of realisation a year.
    if ManualRealisation.objects.filter(village=village, year=year).exists():
        raise Conflict(
            _(
                "Realisasi %(year)d desa ini sudah diisi dari templat XLSX; penatausahaan di OpenSPBE akan "
                "menghitungnya dua kali. Satu desa satu sumber per tahun."
            )
            % {"year": year}
        )
    return apbdes


def _user_id(actor: MaybeActor) -> int | None:
    return actor.pk if is_person(actor) else None


def _text(value: str, field_name: str, *, required: bool = True) -> str:
    text = clean_name(value)[:TEXT_LENGTH] if value and value.strip() else ""
    if required and not text:
        raise ValidationFailed(_("Uraian wajib diisi."), field=field_name)
    return text


def _date(value: dt.date | str | None, field_name: str, year: int) -> dt.date:
    """A voucher date: a real date inside the budget year."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, dt.date):
        raise ValidationFailed(_("Tanggal tidak sah; tulis TTTT-BB-HH."), field=field_name)
    if value.year != year:
        raise ValidationFailed(
            _("Tanggal harus dalam tahun anggaran %(year)d.") % {"year": year}, field=field_name
        )
    return value


def last_voucher_day(village: VillageGovernment, year: int) -> dt.date | None:
    """The date of the latest voucher of the desa's year, if any."""
    days = [
        Receipt.objects.filter(village=village, year=year).aggregate(d=Max("received_on"))["d"],
        Spp.objects.filter(village=village, year=year).aggregate(d=Max("paid_on"))["d"],
        CashMove.objects.filter(village=village, year=year).aggregate(d=Max("moved_on"))["d"],
        TaxDeposit.objects.filter(village=village, year=year).aggregate(d=Max("deposited_on"))["d"],
        Spj.objects.filter(village=village, year=year).aggregate(d=Max("submitted_on"))["d"],
    ]
    known = [d for d in days if d is not None]
    return max(known) if known else None


def books_day(village: VillageGovernment, year: int) -> dt.date:
    """The day the desa's books stand at: today in the pemda's time zone, or the latest voucher's date when
    the books run ahead of the clock (a year recorded in advance, the demo). Deadlines are judged on it."""
    today = pemda_today(village.pemda_id)
    last = last_voucher_day(village, year)
    return max(today, last) if last is not None else today


def default_day(village: VillageGovernment, year: int) -> dt.date:
    """The date a voucher form suggests: the books' day, kept inside the budget year."""
    day = books_day(village, year)
    return min(max(day, dt.date(year, 1, 1)), dt.date(year, 12, 31))


def _amount(value: Decimal | str, field_name: str) -> Decimal:
    amount = parse_rupiah(value, field=field_name)
    if amount <= 0:
        raise ValidationFailed(_("Jumlah harus lebih dari nol."), field=field_name)
    return amount


def _next_number(
    model: type[Spp] | type[Receipt] | type[TaxDeposit] | type[CashMove], village: Any, year: int
) -> int:
    last = model.objects.filter(village=village, year=year).aggregate(last=Max("number"))["last"]
    return int(last or 0) + 1


def _money(value: Decimal) -> str:
    return format(value, "f")


# --- realisation -------------------------------------------------------------------------------------

Key = tuple[str, str, str]  # account, kegiatan, funding source


def _realise(apbdes: Apbdes, deltas: Mapping[Key, Decimal]) -> None:
    """Add ``deltas`` to the desa's realisation rows (origin entry). Runs under ``_locked``, so no other
    bookkeeping write of this desa and year can create the same row meanwhile."""
    for (account, activity, source), delta in sorted(deltas.items()):
        if not delta:
            continue
        rows = Realisation.objects.filter(
            village_id=apbdes.village_id,
            year=apbdes.year,
            origin=Origin.ENTRY,
            account_code=account,
            activity_code=activity,
            source_code=source,
        )
        if not rows.update(amount=F("amount") + Money(delta), updated_at=timezone.now()):
            Realisation.objects.create(
                pemda_id=apbdes.pemda_id,
                village_id=apbdes.village_id,
                year=apbdes.year,
                origin=Origin.ENTRY,
                account_code=account,
                activity_code=activity,
                source_code=source,
                amount=delta,
            )
    bump_version(published_data_set(apbdes.village.region_id, apbdes.year))


def realisation_from_vouchers(village: VillageGovernment, year: int) -> dict[Key, Decimal]:
    """Realisation recomputed from every voucher of the desa and year (the rule in the module doc).

    Not used to write: the rows are kept up to date voucher by voucher. It is what an auditor (and the
    tests) compare the rows with.
    """
    sums: defaultdict[Key, Decimal] = defaultdict(Decimal)
    for account, source, amount in Receipt.objects.filter(village=village, year=year).values_list(
        "account_code", "source_code", "amount"
    ):
        sums[(account, "", source)] += amount
    paid = SppLine.objects.filter(spp__village=village, spp__year=year, spp__state=Spp.State.PAID).exclude(
        spp__kind=Spp.Kind.PANJAR
    )
    for account, activity, source, amount in paid.values_list(
        "account_code", "activity_code", "source_code", "amount"
    ):
        sums[(account, activity, source)] += amount
    accounted = SpjLine.objects.filter(
        spj__village=village, spj__year=year, spj__state=Spj.State.ACCEPTED
    ).values_list("spp_line__account_code", "spp_line__activity_code", "spp_line__source_code", "amount")
    for account, activity, source, amount in accounted:
        sums[(account, activity, source)] += amount
    return {key: value for key, value in sums.items() if value}


# --- the budget an SPP may still use -----------------------------------------------------------------

LineKey = tuple[str, str, str, int]  # kegiatan, account, sub rincian, nomor urut (codes, never ids)


def _line_key(line: ApbdesLine | SppLine) -> LineKey:
    if isinstance(line, ApbdesLine):
        return (line.activity_code, line.account_code, line.sub_code, line.number)
    return (line.activity_code, line.account_code, line.sub_code, line.line_number)


def committed(
    village: VillageGovernment, year: int, *, exclude_spp: int | None = None
) -> dict[LineKey, Decimal]:
    """What the desa's SPPs hold against each budget line: every SPP not cancelled for its amount, except
    an advance whose SPJ is accepted, which holds only what it spent (the rest went back to the treasury)."""
    held: defaultdict[LineKey, Decimal] = defaultdict(Decimal)
    lines = SppLine.objects.filter(spp__village=village, spp__year=year, spp__state__in=LIVE_STATES)
    if exclude_spp is not None:
        lines = lines.exclude(spp_id=exclude_spp)
    spent: defaultdict[int, Decimal] = defaultdict(Decimal)
    for line_id, amount in SpjLine.objects.filter(
        spj__village=village, spj__year=year, spj__state=Spj.State.ACCEPTED
    ).values_list("spp_line_id", "amount"):
        spent[line_id] += amount
    accepted_spp = set(
        Spj.objects.filter(village=village, year=year, state=Spj.State.ACCEPTED).values_list(
            "spp_id", flat=True
        )
    )
    for line in lines:
        amount = spent[line.pk] if line.spp_id in accepted_spp else line.amount
        held[_line_key(line)] += amount
    return dict(held)


@dataclass(frozen=True)
class BudgetLine:
    """A line of the adopted APBDes with what is left of it for new SPPs."""

    line: ApbdesLine
    held: Decimal

    @property
    def remaining(self) -> Decimal:
        budget: Decimal = self.line.amount
        return budget - self.held


def budget_lines(
    apbdes: Apbdes, *, spending: bool = True, exclude_spp: int | None = None
) -> list[BudgetLine]:
    """The spending (5.x, 6.2.x) or receiving (4.x, 6.1.x) lines of an adopted APBDes, with what is held."""
    held = committed(apbdes.village, apbdes.year, exclude_spp=exclude_spp) if spending else {}
    lines = ApbdesLine.objects.filter(apbdes=apbdes).order_by(
        "activity_code", "account_code", "sub_code", "number"
    )
    side = is_expenditure_side if spending else is_receipt_side
    return [BudgetLine(line, held.get(_line_key(line), ZERO)) for line in lines if side(line.account_code)]


# --- payment requests --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SppLineData:
    """One line of a payment request: the APBDes line (by id, from the form) and the amount asked."""

    apbdes_line_id: int
    amount: Decimal | str


def _checked_lines(
    apbdes: Apbdes, kind: str, activity_code: str, lines: Iterable[SppLineData], *, exclude_spp: int | None
) -> list[tuple[ApbdesLine, Decimal]]:
    wanted = [(item.apbdes_line_id, _amount(item.amount, "amount")) for item in lines]
    if not wanted:
        raise ValidationFailed(_("SPP harus memiliki paling sedikit satu rincian."), field="lines")
    ids = [line_id for line_id, _a in wanted]
    if len(set(ids)) != len(ids):
        raise ValidationFailed(_("Satu rincian anggaran hanya boleh muncul sekali dalam SPP."), field="lines")
    found = {line.pk: line for line in ApbdesLine.objects.filter(apbdes=apbdes, pk__in=ids)}
    held = committed(apbdes.village, apbdes.year, exclude_spp=exclude_spp)
    checked = []
    for line_id, amount in wanted:
        line = found.get(line_id)
        if line is None:
            raise ValidationFailed(
                _("Rincian anggaran tidak ada dalam APBDes %(year)d yang berlaku.") % {"year": apbdes.year},
                field="lines",
            )
        if kind == Spp.Kind.PEMBIAYAAN:
            if not line.account_code.startswith("6.2."):
                raise ValidationFailed(
                    _("SPP pembiayaan hanya untuk rekening pengeluaran pembiayaan (6.2)."), field="lines"
                )
        elif not line.account_code.startswith("5.") or line.activity_code != activity_code:
            raise ValidationFailed(
                _("Rincian %(code)s bukan belanja kegiatan %(activity)s.")
                % {"code": line.account_code, "activity": activity_code},
                field="lines",
            )
        remaining = line.amount - held.get(_line_key(line), ZERO)
        if amount > remaining:
            raise ValidationFailed(
                _(
                    "Jumlah %(amount)s untuk %(code)s %(text)s melebihi sisa anggaran %(remaining)s "
                    "(anggaran %(budget)s)."
                )
                % {
                    "amount": format_rupiah(amount),
                    "code": line.account_code,
                    "text": line.description,
                    "remaining": format_rupiah(remaining),
                    "budget": format_rupiah(line.amount),
                },
                field="lines",
            )
        checked.append((line, amount))
    return checked


def _write_lines(spp: Spp, checked: list[tuple[ApbdesLine, Decimal]]) -> None:
    SppLine.objects.bulk_create(
        [
            SppLine(
                spp=spp,
                apbdes_line=line,
                account_code=line.account_code,
                activity_code=line.activity_code,
                sub_code=line.sub_code,
                line_number=line.number,
                source_code=line.source_code,
                amount=amount,
            )
            for line, amount in checked
        ]
    )


def _lines_audit(checked: list[tuple[ApbdesLine, Decimal]]) -> list[dict[str, str]]:
    return [
        {"account_code": line.account_code, "source_code": line.source_code, "amount": _money(amount)}
        for line, amount in checked
    ]


def _kind_and_activity(kind: str, activity_code: str) -> tuple[str, str]:
    if kind not in Spp.Kind.values:
        raise ValidationFailed(_("Jenis SPP tidak dikenal."), field="kind")
    activity = activity_code.strip().removesuffix(".")
    if kind == Spp.Kind.PEMBIAYAAN:
        return kind, ""
    if not activity:
        raise ValidationFailed(_("Pilih kegiatan yang dibiayai SPP ini."), field="activity_code")
    return kind, activity


def spp_create(
    *,
    actor: MaybeActor,
    village: VillageGovernment,
    year: int,
    kind: str,
    activity_code: str,
    description: str,
    lines: Iterable[SppLineData],
) -> Spp:
    """An executor drafts a payment request on lines of the adopted APBDes, never above what is left."""
    BOOKS.require(actor, Place.of_village(village), "request")
    kind, activity = _kind_and_activity(kind, activity_code)
    text = _text(description, "description")
    with transaction.atomic():
        apbdes = _locked(village, year)
        checked = _checked_lines(apbdes, kind, activity, lines, exclude_spp=None)
        spp = Spp.objects.create(
            pemda_id=village.pemda_id,
            village=village,
            year=year,
            number=_next_number(Spp, village, year),
            kind=kind,
            activity_code=activity,
            description=text,
            total=sum((amount for _line, amount in checked), ZERO),
            created_by_id=_user_id(actor),
        )
        _write_lines(spp, checked)
        audit.record(
            actor=actor,
            action="books_spp.create",
            obj=spp,
            pemda_code=village.pemda_id,
            after={
                "desa": village.region_id,
                "year": year,
                "number": spp.number,
                "kind": kind,
                "activity_code": activity,
                "total": _money(spp.total),
                "lines": _lines_audit(checked),
            },
        )
    return spp


def spp_revise(*, actor: MaybeActor, spp: Spp, description: str, lines: Iterable[SppLineData]) -> Spp:
    """The executor corrects a draft or returned SPP: new lines, checked again against what is left."""
    BOOKS.require(actor, spp.place(), "request")
    text = _text(description, "description")
    with transaction.atomic():
        apbdes = _locked(spp.village, spp.year)
        current = Spp.objects.select_for_update(of=("self",)).get(pk=spp.pk)
        if current.state not in (Spp.State.DRAFT, Spp.State.RETURNED):
            raise Conflict(_("SPP hanya dapat diubah saat draf atau dikembalikan."))
        checked = _checked_lines(apbdes, current.kind, current.activity_code, lines, exclude_spp=spp.pk)
        before = {"total": _money(current.total), "description": current.description}
        SppLine.objects.filter(spp=current).delete()
        _write_lines(current, checked)
        current.description = text
        current.total = sum((amount for _line, amount in checked), ZERO)
        current.save(update_fields=["description", "total", "updated_at"])
        audit.record(
            actor=actor,
            action="books_spp.revise",
            obj=current,
            pemda_code=current.pemda_id,
            before=before,
            after={"total": _money(current.total), "description": text, "lines": _lines_audit(checked)},
        )
    spp.refresh_from_db()
    return spp


def spp_move(*, actor: MaybeActor, spp: Spp, action: str, note: str = "") -> Spp:
    """Move an SPP along ``SPP_FLOW``: submit, verify, return (Sekdes), approve, send_back (Kades), cancel.
    Payment is :func:`spp_pay`."""
    if action == "pay":
        raise ValueError("paying records the payment and its taxes: use spp_pay()")
    can = BOOKS.can(actor, spp.place())
    if action == "approve" and is_person(actor) and spp.verified_by_id == actor.pk:
        raise PermissionDenied(
            _("Yang memverifikasi SPP tidak dapat juga menyetujuinya (prinsip empat mata).")
        )
    SPP_FLOW.apply(spp, action, actor=actor, can=can, note=note)
    return spp


def _channel(value: str) -> str:
    if value not in Channel.values:
        raise ValidationFailed(_("Pilih tunai atau bank."), field="via")
    return value


def spp_pay(
    *,
    actor: MaybeActor,
    spp: Spp,
    paid_on: dt.date | str,
    via: str,
    taxes: Mapping[str, Decimal | str] | None = None,
) -> Spp:
    """The treasurer pays an approved SPP, withholding taxes; it becomes realisation unless an advance."""
    can = BOOKS.require(actor, spp.place(), "pay")
    via = _channel(via)
    if is_person(actor) and actor.pk in (spp.approved_by_id, spp.verified_by_id):
        raise PermissionDenied(_("Yang memverifikasi atau menyetujui SPP tidak dapat juga membayarnya."))
    withheld: dict[str, Decimal] = {}
    for kind, value in (taxes or {}).items():
        if value in ("", None):
            continue
        if kind not in TaxKind.values:
            raise ValidationFailed(_("Jenis pajak tidak dikenal."), field="taxes")
        amount = parse_rupiah(value, field=kind)
        if amount < 0:
            raise ValidationFailed(_("Pajak tidak boleh negatif."), field=kind)
        if amount:
            withheld[kind] = amount
    with transaction.atomic():
        apbdes = _locked(spp.village, spp.year)
        day = _date(paid_on, "paid_on", spp.year)
        tax_total = sum(withheld.values(), ZERO)
        if tax_total > spp.total:
            raise ValidationFailed(_("Pajak yang dipotong melebihi jumlah SPP."), field="taxes")
        net = spp.total - tax_total
        balance = balances(spp.village, spp.year)[via]
        if net > balance:
            raise Conflict(
                _("Saldo %(via)s %(balance)s tidak cukup untuk membayar %(net)s.")
                % {"via": Channel(via).label, "balance": format_rupiah(balance), "net": format_rupiah(net)}
            )
        due = add_working_days(day, SPJ_WORKING_DAYS, spp.pemda_id) if spp.kind == Spp.Kind.PANJAR else None
        SPP_FLOW.apply(
            spp,
            "pay",
            actor=actor,
            can=can,
            updates={"paid_on": day, "paid_via": via, "advance_due_on": due},
            audit_extra={
                "paid_on": day.isoformat(),
                "via": via,
                "taxes": {kind: _money(amount) for kind, amount in withheld.items()},
                "advance_due_on": due.isoformat() if due else None,
            },
        )
        SppTax.objects.bulk_create(
            [SppTax(spp=spp, kind=kind, amount=amount) for kind, amount in withheld.items()]
        )
        if spp.kind != Spp.Kind.PANJAR:
            deltas: defaultdict[Key, Decimal] = defaultdict(Decimal)
            for line in SppLine.objects.filter(spp=spp):
                deltas[(line.account_code, line.activity_code, line.source_code)] += line.amount
            _realise(apbdes, deltas)
    return spp


# --- advances and their SPJ --------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One receipt or invoice in an SPJ."""

    spp_line_id: int
    evidence_no: str
    evidence_date: dt.date | str
    description: str
    amount: Decimal | str


def spj_submit(
    *, actor: MaybeActor, spp: Spp, submitted_on: dt.date | str, evidence: Iterable[Evidence]
) -> Spj:
    """The executor accounts for a paid advance: evidence per SPP line, the remainder returned in cash."""
    BOOKS.require(actor, spp.place(), "request")
    with transaction.atomic():
        _locked(spp.village, spp.year)
        current = Spp.objects.select_for_update(of=("self",)).get(pk=spp.pk)
        if current.kind != Spp.Kind.PANJAR or current.state != Spp.State.PAID:
            raise Conflict(_("SPJ hanya untuk panjar yang sudah dibayar."))
        existing = Spj.objects.filter(spp=current).first()
        if existing is not None and existing.state != Spj.State.RETURNED:
            raise Conflict(_("SPJ panjar ini sudah diajukan."))
        day = _date(submitted_on, "submitted_on", current.year)
        lines = {line.pk: line for line in SppLine.objects.filter(spp=current)}
        rows: list[SpjLine] = []
        per_line: defaultdict[int, Decimal] = defaultdict(Decimal)
        for item in evidence:
            line = lines.get(item.spp_line_id)
            if line is None:
                raise ValidationFailed(_("Bukti harus untuk rincian SPP ini."), field="evidence")
            amount = _amount(item.amount, "evidence")
            evidence_day = _date(item.evidence_date, "evidence", current.year)
            if current.paid_on and evidence_day < current.paid_on:
                raise ValidationFailed(_("Tanggal bukti sebelum panjar dibayar."), field="evidence")
            number = _text(item.evidence_no, "evidence")[:60]
            per_line[line.pk] += amount
            rows.append(
                SpjLine(
                    spp_line=line,
                    evidence_no=number,
                    evidence_date=evidence_day,
                    description=_text(item.description, "evidence"),
                    amount=amount,
                )
            )
        for line_id, spent in per_line.items():
            if spent > lines[line_id].amount:
                raise ValidationFailed(
                    _("Bukti untuk %(code)s (%(spent)s) melebihi panjarnya (%(amount)s).")
                    % {
                        "code": lines[line_id].account_code,
                        "spent": format_rupiah(spent),
                        "amount": format_rupiah(lines[line_id].amount),
                    },
                    field="evidence",
                )
        spent_total = sum(per_line.values(), ZERO)
        values = {
            "state": Spj.State.SUBMITTED,
            "submitted_on": day,
            "spent": spent_total,
            "returned_amount": current.total - spent_total,
            "submitted_by_id": _user_id(actor),
        }
        if existing is None:
            spj = Spj.objects.create(
                pemda_id=current.pemda_id,
                village_id=current.village_id,
                spp=current,
                year=current.year,
                **values,
            )
        else:
            spj = existing
            SpjLine.objects.filter(spj=spj).delete()
            Spj.objects.filter(pk=spj.pk).update(**values, updated_at=timezone.now())
            spj.refresh_from_db()
        for row in rows:
            row.spj = spj
        SpjLine.objects.bulk_create(rows)
        audit.record(
            actor=actor,
            action="books_spj.submit",
            obj=spj,
            pemda_code=spj.pemda_id,
            after={
                "spp": current.number,
                "submitted_on": day.isoformat(),
                "spent": _money(spent_total),
                "returned": _money(spj.returned_amount),
                "evidence": len(rows),
                "late": bool(current.advance_due_on and day > current.advance_due_on),
            },
        )
    return spj


def spj_move(
    *, actor: MaybeActor, spj: Spj, action: str, note: str = "", accepted_on: dt.date | str | None = None
) -> Spj:
    """The Sekdes accepts an SPJ (what it spent becomes realisation; the remainder is back in the cash box)
    or returns it with a reason."""
    can = BOOKS.can(actor, spj.place())
    with transaction.atomic():
        apbdes = _locked(spj.spp.village, spj.year)
        updates: dict[str, Any] = {}
        if action == "accept":
            day = (
                _date(accepted_on, "accepted_on", spj.year)
                if accepted_on is not None
                else max(spj.submitted_on, default_day(spj.spp.village, spj.year))
            )
            if day < spj.submitted_on:
                raise ValidationFailed(_("SPJ tidak dapat disahkan sebelum diajukan."), field="accepted_on")
            updates["accepted_on"] = day
        SPJ_FLOW.apply(spj, action, actor=actor, can=can, note=note, updates=updates)
        if action == "accept":
            deltas: defaultdict[Key, Decimal] = defaultdict(Decimal)
            for row in SpjLine.objects.filter(spj=spj).select_related("spp_line"):
                line = row.spp_line
                deltas[(line.account_code, line.activity_code, line.source_code)] += row.amount
            _realise(apbdes, deltas)
    return spj


@dataclass(frozen=True)
class Advance:
    """A paid advance and where its accounting stands on ``today``."""

    spp: Spp
    spj: Spj | None
    today: dt.date

    @property
    def settled(self) -> bool:
        return self.spj is not None and self.spj.state == Spj.State.ACCEPTED

    @property
    def accounted(self) -> bool:
        """An SPJ is in (submitted or accepted): the executor has done their part."""
        return self.spj is not None and self.spj.state != Spj.State.RETURNED

    @property
    def overdue(self) -> bool:
        due = self.spp.advance_due_on
        return not self.accounted and due is not None and self.today > due

    @property
    def late(self) -> bool:
        """Accounted for, but after the deadline."""
        due = self.spp.advance_due_on
        return self.accounted and due is not None and self.spj is not None and self.spj.submitted_on > due

    @property
    def outstanding(self) -> Decimal:
        return ZERO if self.settled else self.spp.total


def advances(spps: QuerySet[Spp]) -> list[Advance]:
    """Every paid advance of ``spps`` with its SPJ, oldest deadline first, judged on its desa's books day."""
    rows = list(
        spps.filter(kind=Spp.Kind.PANJAR, state=Spp.State.PAID)
        .select_related("village", "village__region", "spj")
        .order_by("advance_due_on", "village_id", "number")
    )
    days: dict[tuple[int, int], dt.date] = {}
    found = []
    for spp in rows:
        key = (spp.village_id, spp.year)
        if key not in days:
            days[key] = books_day(spp.village, spp.year)
        found.append(Advance(spp, getattr(spp, "spj", None), days[key]))
    return found


def overdue_advances(pemda: Pemda, villages: QuerySet[VillageGovernment]) -> list[Advance]:
    """Advances past their ten working days without an SPJ, in the desa of ``villages``."""
    candidates = Spp.objects.filter(pemda=pemda, village__in=villages).exclude(
        spj__state__in=[Spj.State.SUBMITTED, Spj.State.ACCEPTED]
    )
    return [a for a in advances(candidates) if a.overdue]


# --- receipts, taxes, cash moves ---------------------------------------------------------------------


def receipt_record(
    *,
    actor: MaybeActor,
    village: VillageGovernment,
    year: int,
    apbdes_line_id: int,
    received_on: dt.date | str,
    via: str,
    amount: Decimal | str,
    description: str,
    payer: str = "",
) -> Receipt:
    """The treasurer records money received (a transfer from the regency, bank interest, SiLPA...) on a
    revenue or financing-receipt line of the adopted APBDes. More than budgeted may come in."""
    BOOKS.require(actor, Place.of_village(village), "keep")
    via = _channel(via)
    value = _amount(amount, "amount")
    text = _text(description, "description")
    with transaction.atomic():
        apbdes = _locked(village, year)
        line = ApbdesLine.objects.filter(apbdes=apbdes, pk=apbdes_line_id).first()
        if line is None or not is_receipt_side(line.account_code):
            raise ValidationFailed(
                _("Pilih rekening pendapatan atau penerimaan pembiayaan dari APBDes."), field="line"
            )
        day = _date(received_on, "received_on", year)
        receipt = Receipt.objects.create(
            pemda_id=village.pemda_id,
            village=village,
            year=year,
            number=_next_number(Receipt, village, year),
            received_on=day,
            account_code=line.account_code,
            source_code=line.source_code,
            description=text,
            payer=_text(payer, "payer", required=False)[:200],
            via=via,
            amount=value,
            recorded_by_id=_user_id(actor),
        )
        _realise(apbdes, {(line.account_code, "", line.source_code): value})
        audit.record(
            actor=actor,
            action="books_receipt.create",
            obj=receipt,
            pemda_code=village.pemda_id,
            after={
                "number": receipt.number,
                "received_on": day.isoformat(),
                "account_code": line.account_code,
                "source_code": line.source_code,
                "via": via,
                "amount": _money(value),
            },
        )
    return receipt


def tax_outstanding(village: VillageGovernment, year: int) -> dict[str, Decimal]:
    """Tax withheld and not yet deposited, per kind."""
    left: defaultdict[str, Decimal] = defaultdict(Decimal)
    for kind, amount in SppTax.objects.filter(
        spp__village=village, spp__year=year, spp__state=Spp.State.PAID
    ).values_list("kind", "amount"):
        left[kind] += amount
    for kind, amount in TaxDeposit.objects.filter(village=village, year=year).values_list("kind", "amount"):
        left[kind] -= amount
    return {kind: left.get(kind, ZERO) for kind in TaxKind.values}


def tax_deposit_record(
    *,
    actor: MaybeActor,
    village: VillageGovernment,
    year: int,
    kind: str,
    deposited_on: dt.date | str,
    via: str,
    amount: Decimal | str,
    ntpn: str = "",
) -> TaxDeposit:
    """The treasurer deposits tax withheld; never more than is withheld and not yet deposited."""
    BOOKS.require(actor, Place.of_village(village), "keep")
    via = _channel(via)
    if kind not in TaxKind.values:
        raise ValidationFailed(_("Jenis pajak tidak dikenal."), field="kind")
    value = _amount(amount, "amount")
    with transaction.atomic():
        _locked(village, year)
        day = _date(deposited_on, "deposited_on", year)
        left = tax_outstanding(village, year)[kind]
        if value > left:
            raise Conflict(
                _("%(kind)s yang belum disetor hanya %(left)s.")
                % {"kind": TaxKind(kind).label, "left": format_rupiah(left)}
            )
        if value > balances(village, year)[via]:
            raise Conflict(_("Saldo %(via)s tidak cukup untuk menyetor pajak.") % {"via": Channel(via).label})
        deposit = TaxDeposit.objects.create(
            pemda_id=village.pemda_id,
            village=village,
            year=year,
            number=_next_number(TaxDeposit, village, year),
            kind=kind,
            deposited_on=day,
            via=via,
            ntpn=ntpn.strip()[:40],
            amount=value,
            recorded_by_id=_user_id(actor),
        )
        audit.record(
            actor=actor,
            action="books_tax.deposit",
            obj=deposit,
            pemda_code=village.pemda_id,
            after={
                "kind": kind,
                "deposited_on": day.isoformat(),
                "via": via,
                "amount": _money(value),
                "ntpn": deposit.ntpn,
            },
        )
    return deposit


def cash_move_record(
    *,
    actor: MaybeActor,
    village: VillageGovernment,
    year: int,
    direction: str,
    moved_on: dt.date | str,
    amount: Decimal | str,
    description: str,
) -> CashMove:
    """Cash paid into the bank, or drawn from it into the cash box: no realisation, only a change of place."""
    BOOKS.require(actor, Place.of_village(village), "keep")
    if direction not in CashMove.Direction.values:
        raise ValidationFailed(_("Arah mutasi tidak dikenal."), field="direction")
    value = _amount(amount, "amount")
    text = _text(description, "description")
    with transaction.atomic():
        _locked(village, year)
        day = _date(moved_on, "moved_on", year)
        source = Channel.CASH if direction == CashMove.Direction.TO_BANK else Channel.BANK
        if value > balances(village, year)[source]:
            raise Conflict(_("Saldo %(via)s tidak cukup.") % {"via": Channel(source).label})
        move = CashMove.objects.create(
            pemda_id=village.pemda_id,
            village=village,
            year=year,
            number=_next_number(CashMove, village, year),
            moved_on=day,
            direction=direction,
            description=text,
            amount=value,
            recorded_by_id=_user_id(actor),
        )
        audit.record(
            actor=actor,
            action="books_cash.move",
            obj=move,
            pemda_code=village.pemda_id,
            after={"direction": direction, "moved_on": day.isoformat(), "amount": _money(value)},
        )
    return move


# --- the books ---------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One row of a book: what came in or went out, where, on which voucher."""

    date: dt.date
    rank: int  # the order of entries of one day: receipts first, so a day never dips below zero
    reference: str
    description: str
    channel: str
    money_in: Decimal = ZERO
    money_out: Decimal = ZERO
    account_code: str = ""
    tax_kind: str = ""
    balance: Decimal = ZERO
    sort: tuple[Any, ...] = field(default=())


def _reference(prefix: str, number: int, village: VillageGovernment, year: int) -> str:
    return f"{number:04d}/{prefix}/{village.region_id}/{year}"


def entries(village: VillageGovernment, year: int) -> list[Entry]:
    """Every cash and bank movement of the desa's year, in book order (not yet with balances)."""
    rows: list[Entry] = []
    for r in Receipt.objects.filter(village=village, year=year):
        rows.append(
            Entry(
                r.received_on,
                0,
                _reference("TBP", r.number, village, year),
                r.description,
                r.via,
                money_in=r.amount,
                account_code=r.account_code,
                sort=(r.number,),
            )
        )
    for m in CashMove.objects.filter(village=village, year=year):
        out_of, into = (
            (Channel.CASH, Channel.BANK)
            if m.direction == CashMove.Direction.TO_BANK
            else (Channel.BANK, Channel.CASH)
        )
        ref = _reference("MUT", m.number, village, year)
        rows.append(Entry(m.moved_on, 1, ref, m.description, out_of, money_out=m.amount, sort=(m.number, 0)))
        rows.append(Entry(m.moved_on, 1, ref, m.description, into, money_in=m.amount, sort=(m.number, 1)))
    paid = Spp.objects.filter(village=village, year=year, state=Spp.State.PAID).prefetch_related(
        "taxes", "lines"
    )
    for s in paid:
        assert s.paid_on is not None
        ref = _reference("SPP", s.number, village, year)
        accounts = ", ".join(sorted({line.account_code for line in s.lines.all()}))
        rows.append(
            Entry(
                s.paid_on,
                2,
                ref,
                s.description,
                s.paid_via,
                money_out=s.total,
                account_code=accounts,
                sort=(s.number, 0),
            )
        )
        for tax in s.taxes.all():
            rows.append(
                Entry(
                    s.paid_on,
                    2,
                    ref,
                    _("Potongan %(kind)s") % {"kind": tax.get_kind_display()},
                    s.paid_via,
                    money_in=tax.amount,
                    tax_kind=tax.kind,
                    sort=(s.number, 1, tax.kind),
                )
            )
    for d in TaxDeposit.objects.filter(village=village, year=year):
        text = _("Setor %(kind)s") % {"kind": d.get_kind_display()} + (f" (NTPN {d.ntpn})" if d.ntpn else "")
        rows.append(
            Entry(
                d.deposited_on,
                3,
                _reference("STS", d.number, village, year),
                text,
                d.via,
                money_out=d.amount,
                tax_kind=d.kind,
                sort=(d.number,),
            )
        )
    for j in Spj.objects.filter(
        village=village, year=year, state=Spj.State.ACCEPTED, returned_amount__gt=ZERO
    ).select_related("spp"):
        assert j.accepted_on is not None
        rows.append(
            Entry(
                j.accepted_on,
                4,
                _reference("SPJ", j.spp.number, village, year),
                _("Pengembalian sisa panjar: %(text)s") % {"text": j.spp.description},
                Channel.CASH,
                money_in=j.returned_amount,
                sort=(j.spp.number,),
            )
        )
    rows.sort(key=lambda e: (e.date, e.rank, e.sort))
    return rows


def balances(village: VillageGovernment, year: int) -> dict[str, Decimal]:
    """The cash box and bank balance after every recorded voucher of the year."""
    totals = {Channel.CASH.value: ZERO, Channel.BANK.value: ZERO}
    for e in entries(village, year):
        totals[e.channel] += e.money_in - e.money_out
    return totals


BOOK_KINDS = ("bku", "bank", "pajak", "panjar")


@dataclass
class Book:
    """One book for a period: the balance brought forward, its rows with running balance, the totals."""

    kind: str
    start: dt.date
    end: dt.date
    opening: Decimal
    rows: list[Entry]
    total_in: Decimal
    total_out: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.total_in - self.total_out


def book(village: VillageGovernment, year: int, kind: str, start: dt.date, end: dt.date) -> Book:
    """The general cash book (``bku``: cash and bank), the bank book, the tax book or the advance
    sub-ledger of a period, each row with the running balance."""
    if kind not in BOOK_KINDS:
        raise NotFound(_("Buku tidak dikenal."))
    if start > end:
        raise ValidationFailed(_("Tanggal awal setelah tanggal akhir."), field="dari")
    if kind == "panjar":
        all_rows = _advance_rows(village, year)
    else:
        all_rows = entries(village, year)
        if kind == "bank":
            all_rows = [e for e in all_rows if e.channel == Channel.BANK]
        elif kind == "pajak":
            all_rows = [e for e in all_rows if e.tax_kind]
        else:
            # A cash-bank move changes neither side of the general book's total; it is listed once.
            all_rows = [e for e in all_rows if not (e.rank == 1 and e.money_in)]
            for e in all_rows:
                if e.rank == 1:
                    e.money_out = ZERO
                    e.description = f"{e.description} ({_('mutasi kas-bank')})"
    opening = sum((e.money_in - e.money_out for e in all_rows if e.date < start), ZERO)
    rows = [e for e in all_rows if start <= e.date <= end]
    running = opening
    for e in rows:
        running += e.money_in - e.money_out
        e.balance = running
    return Book(
        kind,
        start,
        end,
        opening,
        rows,
        sum((e.money_in for e in rows), ZERO),
        sum((e.money_out for e in rows), ZERO),
    )


def _advance_rows(village: VillageGovernment, year: int) -> list[Entry]:
    """The advance sub-ledger: an advance given is owed by the executor until its SPJ is accepted."""
    rows: list[Entry] = []
    for a in advances(Spp.objects.filter(village=village, year=year)):
        s = a.spp
        assert s.paid_on is not None
        ref = _reference("SPP", s.number, village, year)
        rows.append(Entry(s.paid_on, 0, ref, s.description, s.paid_via, money_in=s.total, sort=(s.number, 0)))
        if a.settled and a.spj is not None and a.spj.accepted_on is not None:
            if a.spj.spent:
                rows.append(
                    Entry(
                        a.spj.accepted_on,
                        1,
                        ref,
                        _("SPJ disahkan"),
                        s.paid_via,
                        money_out=a.spj.spent,
                        sort=(s.number, 1),
                    )
                )
            if a.spj.returned_amount:
                rows.append(
                    Entry(
                        a.spj.accepted_on,
                        1,
                        ref,
                        _("Sisa panjar dikembalikan"),
                        Channel.CASH,
                        money_out=a.spj.returned_amount,
                        sort=(s.number, 2),
                    )
                )
    rows.sort(key=lambda e: (e.date, e.rank, e.sort))
    return rows


# --- demo ----------------------------------------------------------------------------------------------

#: How many desa of the demo keep their books in OpenSPBE instead of Siskeudes: the demo village (where
#: the demo's village users sit) and the next ones of its kecamatan.
DEMO_DESA = 4


def demo_villages(pemda: Pemda, first: str) -> list[VillageGovernment]:
    """The demo's bookkeeping desa: ``first`` and the next desa of its kecamatan by code."""
    head = VillageGovernment.objects.filter(pemda=pemda, region_id=first).first()
    if head is None:
        return []
    rest = VillageGovernment.objects.filter(pemda=pemda, kecamatan_id=head.kecamatan_id, region_id__gt=first)
    return [head, *rest.order_by("region_id")[: DEMO_DESA - 1]]


def seed_demo(pemda: Pemda, year: int, *, actor: MaybeActor, adopted: Mapping[str, Mapping[str, int]]) -> str:
    """A year of bookkeeping for the demo's bookkeeping desa, through the batch path.

    Each desa gets an APBDes built from the year's adopted transfers (the same budget generator the
    Siskeudes demo uses), adopted and frozen, then a year of vouchers written with ``bulk_create``:
    receipts in stages, monthly siltap, advances with their SPJ, capital works with tax withheld and
    deposited, cash drawn from the bank, and at the year's end requests at every step of their way
    (one approved and waiting for the treasurer) and overdue advances in half of the desa. Realisation
    is then computed from the vouchers by the same rule the services apply one by one. A desa that
    already has an APBDes for the year is left alone, so running the demo again adds nothing.
    """
    from spbe.accounts.demo import DEMO_VILLAGE

    seeded = 0
    for index, village in enumerate(demo_villages(pemda, DEMO_VILLAGE)):
        code = village.region_id
        if Apbdes.objects.filter(village=village, year=year).exists():
            continue
        if not all(code in adopted.get(kind, {}) for kind in ("DD", "ADD", "BHPRD")):
            continue
        with transaction.atomic():
            apbdes = _demo_apbdes(village, year, adopted, actor=actor)
            counts = _DemoYear(apbdes, overdue=index % 2 == 0).write()
            rows = realisation_from_vouchers(village, year)
            Realisation.objects.bulk_create(
                [
                    Realisation(
                        pemda_id=village.pemda_id,
                        village=village,
                        year=year,
                        origin=Origin.ENTRY,
                        account_code=a,
                        activity_code=k,
                        source_code=s,
                        amount=amount,
                    )
                    for (a, k, s), amount in sorted(rows.items())
                ]
            )
            audit.record(
                actor=actor,
                action="books.demo_seed",
                obj=apbdes,
                pemda_code=village.pemda_id,
                after={"desa": code, "year": year, **counts},
            )
            bump_version(published_data_set(code, year))
        seeded += 1
    return f"{seeded} desa dengan penatausahaan di OpenSPBE"


def _demo_apbdes(
    village: VillageGovernment, year: int, adopted: Mapping[str, Mapping[str, int]], *, actor: MaybeActor
) -> Apbdes:
    from spbe.core import versions

    from .demo import COLUMNS, DesaFigures, _desa_export, _Export
    from .models import LINE_SPEC
    from .rules import budget_problems
    from .selectors import apbdes_totals

    code = village.region_id
    export = _Export(year)
    figures = DesaFigures(code, adopted["DD"][code], adopted["ADD"][code], adopted["BHPRD"][code])
    _desa_export(export, figures, None)
    column = {name: i for i, name in enumerate(COLUMNS["Ta_RABRinci"])}
    prefix = ".".join(code.split(".")[2:4]) + "."
    apbdes = Apbdes.objects.create(
        pemda_id=village.pemda_id,
        village=village,
        year=year,
        number=1,
        label=_("APBDes murni"),
        origin=Origin.ENTRY,
    )
    lines = []
    for row in export.rows["Ta_RABRinci"]:
        activity = row[column["Kd_Keg"]].removeprefix(prefix).removesuffix(".")
        account = row[column["Kd_Rincian"]].removesuffix(".")
        lines.append(
            ApbdesLine(
                apbdes=apbdes,
                account_code=account,
                activity_code=activity if account.startswith("5.") else "",
                sub_code=row[column["Kd_SubRinci"]],
                number=int(row[column["No_Urut"]]),
                source_code=row[column["SumberDana"]],
                description=row[column["Uraian"]][:TEXT_LENGTH],
                amount=Decimal(row[column["AnggaranStlhPAK"]]),
            )
        )
    ApbdesLine.objects.bulk_create(lines)
    problems = budget_problems(apbdes_totals(apbdes))
    if problems:  # pragma: no cover - the generator balances every budget
        raise ValueError(f"demo APBDes {code}: {problems}")
    versions.freeze(apbdes, LINE_SPEC, actor=actor, action="apbdes.freeze")
    Apbdes.objects.filter(pk=apbdes.pk).update(stage=Apbdes.Stage.ADOPTED)
    apbdes.refresh_from_db()
    return apbdes


class _DemoYear:
    """One desa's year of vouchers, simulated in date order so no payment exceeds what is in its channel."""

    def __init__(self, apbdes: Apbdes, *, overdue: bool) -> None:
        import random
        import zlib

        self.apbdes = apbdes
        self.village = apbdes.village
        self.year = apbdes.year
        self.rng = random.Random(zlib.crc32(f"books:{self.village.region_id}".encode()))
        self.overdue = overdue
        self.balance = {Channel.CASH.value: 0, Channel.BANK.value: 0}  # sen
        self.receipts: list[Receipt] = []
        self.moves: list[CashMove] = []
        self.spps: list[tuple[Spp, list[tuple[ApbdesLine, int]], dict[str, int], tuple[int, int] | None]] = []
        self.deposits: list[TaxDeposit] = []
        self.withheld: defaultdict[str, int] = defaultdict(int)
        self.calendar = working_days.Calendar(self.village.pemda_id)  # one read for every deadline below

    def day(self, month: int, day: int) -> dt.date:
        return dt.date(self.year, month, min(day, 28))

    def receive(self, line: ApbdesLine, sen: int, when: dt.date, via: str, text: str) -> None:
        if sen <= 0:
            return
        self.balance[via] += sen
        self.receipts.append(
            Receipt(
                pemda_id=self.village.pemda_id,
                village=self.village,
                year=self.year,
                number=len(self.receipts) + 1,
                received_on=when,
                account_code=line.account_code,
                source_code=line.source_code,
                description=text,
                via=via,
                amount=Decimal(sen) / 100,
            )
        )

    def move(self, sen: int, when: dt.date) -> None:
        sen = min(sen, self.balance[Channel.BANK])
        if sen <= 0:
            return
        self.balance[Channel.BANK] -= sen
        self.balance[Channel.CASH] += sen
        self.moves.append(
            CashMove(
                pemda_id=self.village.pemda_id,
                village=self.village,
                year=self.year,
                number=len(self.moves) + 1,
                moved_on=when,
                direction=CashMove.Direction.TO_CASH,
                description=_("Pengambilan tunai dari bank"),
                amount=Decimal(sen) / 100,
            )
        )

    def pay(
        self,
        kind: str,
        line: ApbdesLine,
        sen: int,
        when: dt.date | None,
        via: str,
        text: str,
        *,
        taxes: dict[str, int] | None = None,
        spent: int | None = None,
        state: str = "paid",
    ) -> bool:
        """One SPP on one line; paid (``when``) only if its channel holds the money, else not made."""
        taxes = taxes or {}
        net = sen - sum(taxes.values())
        if sen <= 0 or (state == "paid" and (when is None or net > self.balance[via])):
            return False
        due = self.calendar.add(when, SPJ_WORKING_DAYS) if (kind == Spp.Kind.PANJAR and when) else None
        paid = state == "paid"
        spp = Spp(
            pemda_id=self.village.pemda_id,
            village=self.village,
            year=self.year,
            number=len(self.spps) + 1,
            kind=kind,
            activity_code=line.activity_code,
            description=text,
            state=state,
            total=Decimal(sen) / 100,
            paid_on=when if paid else None,
            paid_via=via if paid else "",
            advance_due_on=due if paid else None,
        )
        settlement = None
        if paid:
            self.balance[via] += -sen + sum(taxes.values())
            for kind_, amount in taxes.items():
                self.withheld[kind_] += amount
            if spent is not None and when is not None:
                self.balance[Channel.CASH] += sen - spent
                settlement = (spent, 0)
        self.spps.append((spp, [(line, sen)], taxes if paid else {}, settlement))
        return True

    def deposit_taxes(self, when: dt.date) -> None:
        for kind, sen in sorted(self.withheld.items()):
            if sen <= 0 or sen > self.balance[Channel.BANK]:
                continue
            self.balance[Channel.BANK] -= sen
            self.withheld[kind] = 0
            self.deposits.append(
                TaxDeposit(
                    pemda_id=self.village.pemda_id,
                    village=self.village,
                    year=self.year,
                    number=len(self.deposits) + 1,
                    kind=kind,
                    deposited_on=when,
                    via=Channel.BANK,
                    ntpn=f"{self.rng.randrange(10**15):016d}",
                    amount=Decimal(sen) / 100,
                )
            )

    def write(self) -> dict[str, int]:
        rng = self.rng
        lines = list(
            ApbdesLine.objects.filter(apbdes=self.apbdes).order_by("account_code", "activity_code", "number")
        )
        revenue = [x for x in lines if is_receipt_side(x.account_code)]
        spending = [x for x in lines if x.account_code.startswith("5.")]
        financing = [x for x in lines if x.account_code.startswith("6.2.")]
        sen = {x.pk: int(x.amount * 100) for x in lines}
        absorption = rng.uniform(0.8, 0.95)
        # The demo's approved request (the treasurer pays it on a phone) comes out of an office line first.
        office = next((x for x in spending if x.account_code.startswith("5.2.")), spending[0])
        reserved = {office.pk: 1_250_000_00}
        for x in revenue:
            total = sen[x.pk]
            if x.account_code.startswith("6.1."):
                self.receive(x, total, self.day(1, 5), Channel.BANK, x.description)
            elif x.account_code.startswith("4.2.1"):
                for part, month in ((40, 3), (40, 6), (20, 9)):
                    self.receive(
                        x, total * part // 100, self.day(month, 10), Channel.BANK, f"{x.description} {part}%"
                    )
            elif x.account_code.startswith("4.3.6"):
                for month in range(1, 13):
                    self.receive(x, total // 12, self.day(month, 28), Channel.BANK, _("Bunga bank"))
            elif x.account_code.startswith("4.1"):
                for month in (3, 6, 9, 12):
                    self.receive(x, total // 4, self.day(month, 15), Channel.CASH, x.description)
            else:
                for month in (1, 4, 7, 10):
                    self.receive(x, total // 4, self.day(month, 20), Channel.BANK, x.description)
        self.receipts.sort(key=lambda r: r.received_on)
        # Payments month by month; money is re-checked as it came in, so early months pay less.
        plan: list[tuple[dt.date, Any]] = []
        for x in spending:
            budget = (sen[x.pk] - reserved.get(x.pk, 0)) * absorption
            total = int(budget) // 100_000 * 100_000
            if x.account_code.startswith(("5.1", "5.4")):
                for month in range(1, 13):
                    plan.append((self.day(month, 25), ("definitif", x, total // 12, Channel.CASH, {}, None)))
            elif x.account_code.startswith("5.3"):
                first = total * 4 // 10
                for part, month in ((first, rng.randint(4, 6)), (total - first, rng.randint(8, 11))):
                    taxes = {"ppn": part * 10 // 110 // 100 * 100, "pph22": part * 15 // 1000 // 100 * 100}
                    plan.append((self.day(month, 14), ("definitif", x, part, Channel.BANK, taxes, None)))
            else:
                advance = total // 2 // 100_000 * 100_000
                month = rng.randint(3, 9)
                spent = advance * rng.randint(90, 100) // 100 // 100 * 100
                plan.append((self.day(month, 3), ("panjar", x, advance, Channel.CASH, {}, spent)))
                plan.append(
                    (self.day(month + 2, 18), ("definitif", x, total - advance, Channel.BANK, {}, None))
                )
        for x in financing:
            plan.append((self.day(4, 22), ("pembiayaan", x, sen[x.pk], Channel.BANK, {}, None)))
        plan.sort(key=lambda item: (item[0], item[1][1].account_code))
        receipts = iter(self.receipts)
        pending = next(receipts, None)
        self.balance = {Channel.CASH.value: 0, Channel.BANK.value: 0}
        month_seen = 0
        for when, (kind, x, amount, via, taxes, spent) in plan:
            while pending is not None and pending.received_on <= when:
                self.balance[pending.via] += int(pending.amount * 100)
                pending = next(receipts, None)
            if when.month != month_seen:
                month_seen = when.month
                self.deposit_taxes(self.day(when.month, 10))
                self.move(80_000_000_00 - self.balance[Channel.CASH], self.day(when.month, 2))
            self.pay(kind, x, amount, when, via, x.description, taxes=taxes, spent=spent)
        while pending is not None:
            self.balance[pending.via] += int(pending.amount * 100)
            pending = next(receipts, None)
        self.moves.sort(key=lambda m: m.moved_on)
        # The year's end: requests at every step, one approved and waiting for the treasurer.
        self.pay(
            "definitif",
            office,
            reserved[office.pk],
            None,
            "",
            _("Pembelian ATK dan materai kantor desa"),
            state="approved",
        )
        for state in ("submitted", "verified", "draft", "returned"):
            self.pay(
                "definitif", office, 500_000_00, None, "", f"{office.description} ({state})", state=state
            )
        if self.overdue:
            wage = next((x for x in spending if x.account_code.startswith("5.2.2")), office)
            self.pay(
                "panjar",
                wage,
                2_500_000_00,
                self.day(11, 16),
                Channel.CASH,
                _("Panjar upah kerja padat karya"),
            )
            self.receive(revenue[0], 100_000_00, self.day(12, 28), Channel.BANK, revenue[0].description)
        return self._save()

    def _save(self) -> dict[str, int]:
        for i, move in enumerate(self.moves, start=1):
            move.number = i
        for i, receipt in enumerate(sorted(self.receipts, key=lambda r: (r.received_on, r.number)), start=1):
            receipt.number = i
        Receipt.objects.bulk_create(self.receipts)
        CashMove.objects.bulk_create(self.moves)
        TaxDeposit.objects.bulk_create(self.deposits)
        Spp.objects.bulk_create([spp for spp, *_rest in self.spps])
        spp_lines = [
            SppLine(
                spp=spp,
                apbdes_line=line,
                account_code=line.account_code,
                activity_code=line.activity_code,
                sub_code=line.sub_code,
                line_number=line.number,
                source_code=line.source_code,
                amount=Decimal(amount) / 100,
            )
            for spp, parts, _t, _s in self.spps
            for line, amount in parts
        ]
        SppLine.objects.bulk_create(spp_lines)
        SppTax.objects.bulk_create(
            [
                SppTax(spp=spp, kind=kind, amount=Decimal(amount) / 100)
                for spp, _p, taxes, _s in self.spps
                for kind, amount in taxes.items()
                if amount
            ]
        )
        by_spp = {line.spp_id: line for line in spp_lines}
        settled = [(spp, spent) for spp, _p, _t, s in self.spps if s is not None for spent in (s[0],)]
        spjs = [
            Spj(
                pemda_id=spp.pemda_id,
                village=self.village,
                spp=spp,
                year=self.year,
                state=Spj.State.ACCEPTED,
                submitted_on=self.calendar.add(spp.paid_on, 5),
                accepted_on=self.calendar.add(spp.paid_on, 6),
                spent=Decimal(spent) / 100,
                returned_amount=spp.total - Decimal(spent) / 100,
            )
            for spp, spent in settled
            if spp.paid_on is not None
        ]
        Spj.objects.bulk_create(spjs)
        SpjLine.objects.bulk_create(
            [
                SpjLine(
                    spj=spj,
                    spp_line=by_spp[spj.spp.pk],
                    evidence_no=f"KW-{spj.spp.number:04d}",
                    evidence_date=spj.submitted_on,
                    description=spj.spp.description,
                    amount=spj.spent,
                )
                for spj in spjs
                if spj.spent
            ]
        )
        return {
            "receipts": len(self.receipts),
            "spp": len(self.spps),
            "spj": len(spjs),
            "tax_deposits": len(self.deposits),
            "cash_moves": len(self.moves),
        }
