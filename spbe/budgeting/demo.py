"""Demo data for e-budgeting: Banyuwangi's APBD 2028, adopted, and its perubahan, adopted after it.

2028 is the year the e-planning demo's Musrenbang season plans for, so the two modules tell one story. The
default reference year (``SPBE_DEFAULT_BUDGET_YEAR``, loaded by ``seed_demo``) is 2027; the 2028 lists are
loaded here through the reference loader when missing (the same bundled files, as 2027's nomenclature
governs from 2027 on), so every code checked below is one of the budget year's own lists.

Everything goes through the paths a pemda uses: the TAPD opens the year and sets the KUA-PPAS ceilings
(``ceiling_set``), the budget arrives as one SIPD-style detail file (``budget_import``, the batch path of
``spbe import_budget``, checked against those ceilings), agency heads submit (``kepala.pu`` for PU Bina
Marga, the demo system for agencies without a demo head), ``tapd`` accepts the lines in one batch and
verifies, then adopts; a perubahan starts as a copy, with raised ceilings and a few changed detail rows,
and goes through the same submission, verification and adoption (so the year has two adopted versions to
compare, and the public APBD answers from the perubahan); a pergeseran after it is left in draft, for the
operators to work in.
The amounts are shaped like a regency's APBD (about Rp3,5 triliun of spending, transfers the largest
revenue, SiLPA closing the deficit exactly); they are realistic, not Banyuwangi's real figures.

Safe to run again: a year that already has a version is left as it is.
"""

from __future__ import annotations

import csv
import random
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from spbe.accounts.demo import BANYUWANGI_UNITS
from spbe.accounts.models import Pemda, PerangkatDaerah, User
from spbe.core.actors import Actor
from spbe.core.money import format_rupiah
from spbe.planning.models_plans import PlanKind, PlanRow, RowKind
from spbe.reference.loader import load_bundled_reference
from spbe.reference.models import Account

from . import calc, demo_realisation, fungsi, rkpd_link
from .imports import COLUMNS, budget_import
from .models import BudgetVersion, Rka, RkaDetail, RkaLine, VersionKind
from .selectors import checks, summary
from .services import (
    DetailInput,
    YearCodes,
    ceiling_set,
    detail_add,
    detail_change,
    rka_accept_pending,
    rka_submit,
    rka_verify,
    version_adopt,
    version_create,
    version_revise,
)

YEAR = 2028
DETAILS = 20_000  # expenditure detail rows, spread over the agencies by the size of their budget
SPENDING = 3_500_000_000_000  # rupiah
REVISED_ROWS = 12  # detail rows PU Bina Marga's operator changes in the perubahan
SHIFT_LABEL = "Pergeseran 2028 setelah perubahan"
MILLION = 1_000_000

# Agency (short name) -> share of spending (weight) and its split (personnel, goods and services, capital,
# special: grants, social aid, unforeseen, transfers to desa). Shaped after a regency's APBD: education the
# largest agency with the teachers' pay, public works mostly capital, BPKAD carrying the transfers to desa.
DEFAULT_SPLIT = (0.33, 0.52, 0.15, 0.0)
AGENCIES: dict[str, tuple[int, tuple[float, float, float, float]]] = {
    "Dispendik": (780, (0.52, 0.33, 0.15, 0.0)),
    "Dinkes": (330, (0.45, 0.40, 0.15, 0.0)),
    "RSUD Blambangan": (230, (0.30, 0.55, 0.15, 0.0)),
    "RSUD Genteng": (120, (0.30, 0.55, 0.15, 0.0)),
    "PU Bina Marga": (400, (0.05, 0.13, 0.82, 0.0)),
    "PU Pengairan": (170, (0.08, 0.17, 0.75, 0.0)),
    "Cipta Karya": (110, (0.10, 0.22, 0.68, 0.0)),
    "Disperkim": (80, (0.10, 0.30, 0.60, 0.0)),
    "BPKAD": (370, (0.07, 0.07, 0.02, 0.84)),
    "Dinsos": (70, (0.15, 0.25, 0.0, 0.60)),
    "Setda": (160, (0.35, 0.55, 0.10, 0.0)),
    "Setwan": (90, (0.20, 0.72, 0.08, 0.0)),
    "DLH": (70, DEFAULT_SPLIT),
    "Disbudpar": (60, DEFAULT_SPLIT),
    "Dispertan": (60, DEFAULT_SPLIT),
    "Satpol PP": (45, DEFAULT_SPLIT),
    "Dishub": (45, DEFAULT_SPLIT),
    "Bapenda": (40, DEFAULT_SPLIT),
    "Diskominfo": (35, DEFAULT_SPLIT),
}
OTHER_WEIGHT = 22  # every other demo agency
CAPITAL = {
    "PU Bina Marga": ("5.2.04.01", "5.2.04.02"),
    "PU Pengairan": ("5.2.04.02", "5.2.04.03"),
    "Cipta Karya": ("5.2.03", "5.2.04.03", "5.2.04.04"),
    "Disperkim": ("5.2.03", "5.2.04"),
}
OFFICE_CAPITAL = ("5.2.02", "5.2.02", "5.2.03")
SPECIAL = {
    "BPKAD": (
        ("5.4.02.05.01.0003", 0.55, "Alokasi Dana Desa (ADD)"),
        ("5.4.01.01.03.0001", 0.08, "Bagi hasil pajak dan retribusi daerah kepada desa"),
        ("5.4.02.05.02.0003", 0.10, "Bantuan keuangan khusus kepada desa"),
        ("5.1.05.05", 0.20, "Hibah kepada badan, lembaga dan organisasi kemasyarakatan"),
        ("5.3.01.01.01.0001", 0.07, "Belanja tidak terduga"),
    ),
    "Dinsos": (("5.1.06", 1.0, "Bantuan sosial"),),
}

# Revenue: (agency, leaf account, millions, description). PAD about 17%, transfers about 80%.
REVENUE: list[tuple[str, str, int, str]] = [
    ("Bapenda", "4.1.01.15.01.0001", 62_000, "PBB-P2"),
    ("Bapenda", "4.1.01.16.01.0001", 71_000, "BPHTB pemindahan hak"),
    ("Bapenda", "4.1.01.16.02.0001", 4_000, "BPHTB pemberian hak baru"),
    ("Bapenda", "4.1.01.19.01.0001", 36_000, "PBJT makanan dan minuman (restoran)"),
    ("Bapenda", "4.1.01.19.01.0002", 3_500, "PBJT jasa boga"),
    ("Bapenda", "4.1.01.19.02.0001", 44_000, "PBJT tenaga listrik"),
    ("Bapenda", "4.1.01.19.03.0001", 27_000, "PBJT jasa perhotelan"),
    ("Bapenda", "4.1.01.19.04.0001", 2_800, "PBJT jasa parkir"),
    ("Bapenda", "4.1.01.19.05.0002", 1_900, "PBJT jasa kesenian dan hiburan"),
    ("Bapenda", "4.1.01.09.01.0001", 5_600, "Pajak reklame"),
    ("Bapenda", "4.1.01.12.01.0001", 2_100, "Pajak air tanah"),
    ("Bapenda", "4.1.01.13.01.0001", 450, "Pajak sarang burung walet"),
    ("Bapenda", "4.1.01.14.37.0001", 7_800, "Pajak MBLB"),
    ("Bapenda", "4.1.01.20.01.0001", 41_000, "Opsen PKB"),
    ("Bapenda", "4.1.01.21.01.0001", 19_500, "Opsen BBNKB"),
    ("Dinkes", "4.1.02.01.01.0001", 21_000, "Retribusi pelayanan kesehatan puskesmas"),
    ("Dishub", "4.1.02.01.04.0001", 4_800, "Retribusi parkir di tepi jalan umum"),
    ("Diskop UMP", "4.1.02.01.05.0002", 3_200, "Retribusi los pasar"),
    ("Diskop UMP", "4.1.02.01.05.0003", 2_900, "Retribusi kios pasar"),
    ("DLH", "4.1.02.01.14.0001", 7_600, "Retribusi pelayanan persampahan"),
    ("Disnakkeswan", "4.1.02.02.07.0001", 950, "Retribusi rumah potong hewan"),
    ("BPKAD", "4.1.03.02.01.0001", 11_500, "Dividen Bank Jatim"),
    ("BPKAD", "4.1.03.02.03.0001", 2_700, "Dividen Perumda Air Minum"),
    ("BPKAD", "4.1.04.05.01.0001", 6_500, "Jasa giro kas daerah"),
    ("BPKAD", "4.1.04.07.01.0001", 9_800, "Bunga deposito kas daerah"),
    ("RSUD Blambangan", "4.1.04.16", 152_000, "Pendapatan BLUD RSUD Blambangan"),
    ("RSUD Genteng", "4.1.04.16", 71_000, "Pendapatan BLUD RSUD Genteng"),
    ("BPKAD", "4.2.01.08.01.0001", 1_612_000, "Dana Alokasi Umum"),
    ("BPKAD", "4.2.01.08.02.0003", 92_000, "DAU tambahan penggajian PPPK"),
    ("BPKAD", "4.2.01.08.02.0004", 96_000, "DAU ditentukan penggunaannya bidang pendidikan"),
    ("BPKAD", "4.2.01.08.02.0005", 61_000, "DAU ditentukan penggunaannya bidang kesehatan"),
    ("BPKAD", "4.2.01.08.02.0006", 52_000, "DAU ditentukan penggunaannya bidang pekerjaan umum"),
    ("BPKAD", "4.2.01.07.01.0001", 12_500, "DBH PBB"),
    ("BPKAD", "4.2.01.07.01.0002", 31_000, "DBH PPh Pasal 21"),
    ("BPKAD", "4.2.01.07.01.0003", 2_900, "DBH PPh Pasal 25/29 OPDN"),
    ("BPKAD", "4.2.01.07.01.0004", 46_000, "DBH Cukai Hasil Tembakau"),
    ("BPKAD", "4.2.01.07.02.0003", 3_100, "DBH SDA panas bumi"),
    ("BPKAD", "4.2.01.07.02.0009", 1_400, "DBH SDA perikanan"),
    ("BPKAD", "4.2.01.05.01.0001", 206_000, "Dana Desa"),
    ("BPKAD", "4.2.01.06.01.0001", 9_500, "Insentif fiskal kinerja tahun berjalan"),
    ("BPKAD", "4.2.01.09.01.0002", 31_000, "DAK fisik pendidikan SD"),
    ("BPKAD", "4.2.01.09.01.0040", 12_000, "DAK fisik sanitasi"),
    ("BPKAD", "4.2.01.09.02.0001", 121_000, "DAK non fisik BOS reguler"),
    ("BPKAD", "4.2.01.09.02.0004", 152_000, "DAK non fisik tunjangan profesi guru"),
    ("BPKAD", "4.2.01.09.02.0035", 26_000, "DAK non fisik BOK puskesmas"),
    ("BPKAD", "4.2.02.01.01.0003", 61_000, "Bagi hasil PBBKB Provinsi Jawa Timur"),
    ("BPKAD", "4.2.02.01.01.0004", 900, "Bagi hasil pajak air permukaan"),
    ("BPKAD", "4.2.02.01.01.0005", 42_000, "Bagi hasil pajak rokok"),
    ("BPKAD", "4.2.02.02.02.0001", 15_000, "Bantuan keuangan khusus Provinsi Jawa Timur"),
    ("BPKAD", "4.3.01.01.01.0001", 18_000, "Hibah dari Pemerintah Pusat"),
    ("BPKAD", "4.3.03.01.01.0001", 48_000, "Lain-lain pendapatan daerah yang sah"),
]
FINANCING_OUT = ("BPKAD", "6.2.02.01.01.0001", 10_000, "Penyertaan modal Perumda Air Minum")
# SiLPA receipts close the gap exactly: part from PAD above target, the rest from spending savings.
SILPA = (
    ("6.1.01.01.01.0001", 0.35, "SiLPA pelampauan penerimaan PAD"),
    ("6.1.01.05.01.0001", 0.65, "SiLPA penghematan belanja"),
)
QUARTERS = ("triwulan I", "triwulan II", "triwulan III", "triwulan IV")

GOODS_WORDS = ("Kegiatan", "Paket", "Layanan", "Pengadaan", "Penyelenggaraan")
SATUAN = {
    "personnel": ("orang/bulan",),
    "goods": ("paket", "kegiatan", "orang/hari", "unit", "bulan", "eksemplar", "OK", "lembar"),
    "capital": ("paket", "unit", "m", "m2", "km"),
    "special": ("lembaga", "desa", "paket", "KK"),
}


@dataclass
class _Plan:
    """One agency's share of the file: what it spends on, under which sub-kegiatan and accounts."""

    unit: PerangkatDaerah
    short: str
    amount: int
    details: int
    split: tuple[float, float, float, float]


def _ensure_reference(year: int, actor: Actor) -> None:
    if not Account.objects.filter(year=year).exists():
        load_bundled_reference(year, actor=actor)
    # The LRA and the APBD summary by function read the year's klasifikasi fungsi (a few dozen rows).
    fungsi.ensure_loaded(year, actor=actor)


def _support(code: str, unit_code: str) -> str:
    """``X.XX.01...`` written with the agency's main bidang, as SIPD exports do."""
    parts = unit_code.split(".")
    return f"{parts[0]}.{parts[1]}{code[4:]}"


def _program_subs(codes: YearCodes, unit: PerangkatDaerah, rng: random.Random, size: int) -> list[str]:
    bidang = calc.org_bidang(unit.code)
    found = sorted(
        c for c in codes.sub_kegiatan if c[:4] in bidang and c.split(".")[2] != "01" and not c.startswith("X")
    )
    return rng.sample(found, min(len(found), size)) if found else []


def _leaves(codes: YearCodes, prefix: str) -> list[str]:
    return sorted(c for c in codes.accounts if c.startswith(prefix))


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    weights = [rng.uniform(0.4, 1.6) for _ in range(parts)]
    scale = total / sum(weights)
    return [int(w * scale) for w in weights]


def _detail(rng: random.Random, kind: str, share: int) -> tuple[int, str, int]:
    """(volume, satuan, unit price) of about ``share`` rupiah; prices in hundreds of rupiah."""
    satuan = rng.choice(SATUAN[kind])
    if kind == "personnel":
        volume = rng.randint(2, 90) * 12
    elif kind == "special":
        volume = rng.randint(1, 200)
    else:
        volume = rng.choice((1, 1, 1, 2, 3, 4, 5, 6, 10, 12, 20, 24, 50, 100, 250))
    price = max(1_000, share // volume // 100 * 100)
    return volume, satuan, price


def _expenditure_rows(
    rng: random.Random, plan: _Plan, codes: YearCodes, names: dict[str, str]
) -> list[list[str]]:
    unit = plan.unit
    programs = _program_subs(codes, unit, rng, max(4, min(40, plan.details // 25)))
    support = [_support(c, unit.code) for c in sorted(codes.sub_kegiatan) if c.startswith("X.XX.01.")]
    salary = _support("X.XX.01.2.02.0001", unit.code)
    office = [c for c in support if c != salary]
    personnel = _leaves(codes, "5.1.01.01.") + _leaves(codes, "5.1.01.02.")
    goods = _leaves(codes, "5.1.02.")
    capital = [a for p in CAPITAL.get(plan.short, OFFICE_CAPITAL) for a in _leaves(codes, p)]
    rows: list[list[str]] = []
    kinds = ("personnel", "goods", "capital", "special")
    for kind, share in zip(kinds, plan.split, strict=True):
        amount = int(plan.amount * share)
        count = max(1, round(plan.details * share)) if amount else 0
        if not count:
            continue
        if kind == "special":
            for account_prefix, part, text in SPECIAL.get(plan.short, ()):
                accounts = _leaves(codes, account_prefix)
                part_count = max(1, round(count * part))
                for piece in _split(rng, int(amount * part), part_count):
                    account = rng.choice(accounts)
                    volume, satuan, price = _detail(rng, kind, piece)
                    sub = rng.choice(programs) if programs else salary
                    rows.append(_row(unit, sub, account, f"{text} ({names[account]})", volume, satuan, price))
            continue
        # A line (sub-kegiatan x account) holds several detail rows, as RKA lines do.
        left, sub, account = 0, "", ""
        for piece in _split(rng, amount, count):
            if not left:
                left = rng.randint(3, 12)
                if kind == "personnel":
                    sub, account = salary, rng.choice(personnel)
                elif kind == "goods":
                    sub = rng.choice(office) if rng.random() < 0.3 or not programs else rng.choice(programs)
                    account = rng.choice(goods)
                else:
                    sub = rng.choice(programs) if programs else rng.choice(office)
                    account = rng.choice(capital)
            left -= 1
            volume, satuan, price = _detail(rng, kind, piece)
            if kind == "personnel":
                text = (
                    f"{names[account]} golongan {rng.choice(('I', 'II', 'III', 'IV'))}/{rng.choice('abcd')}"
                )
            elif kind == "goods":
                text = f"{rng.choice(GOODS_WORDS)} {names[account].removeprefix('Belanja ').lower()}"
            else:
                text = f"{names[account]} lokasi {rng.randint(1, 25)}"
            rows.append(_row(unit, sub, account, text, volume, satuan, price))
    return rows


def _row(
    unit: PerangkatDaerah, sub: str, account: str, text: str, volume: int, satuan: str, price: int
) -> list[str]:
    return [
        unit.code,
        unit.name,
        sub,
        account,
        text[:500],
        str(volume),
        satuan,
        str(price),
        str(volume * price),
    ]


def _revenue_rows(units: dict[str, PerangkatDaerah], codes: YearCodes) -> list[list[str]]:
    rows = []
    for short, account, millions, text in REVENUE:
        if short not in units or account not in codes.accounts:
            continue
        quarter = millions * MILLION // 4
        for index, label in enumerate(QUARTERS):
            amount = quarter if index < 3 else millions * MILLION - 3 * quarter
            rows.append(_row(units[short], "", account, f"{text} {label}", 1, "tahun", amount))
    return rows


def _plans(units: dict[str, PerangkatDaerah], details: int, spending: int) -> list[_Plan]:
    weights = {short: AGENCIES.get(short, (OTHER_WEIGHT, DEFAULT_SPLIT)) for short in units}
    total = sum(w for w, _split in weights.values())
    # Detail rows grow slower than money: a small agency still has its office, travel and events.
    row_weights = {short: w**0.6 for short, (w, _split) in weights.items()}
    row_total = sum(row_weights.values())
    return [
        _Plan(
            unit=units[short],
            short=short,
            amount=spending * w // total,
            details=max(4, round(details * row_weights[short] / row_total)),
            split=split,
        )
        for short, (w, split) in sorted(weights.items())
    ]


def _sum(rows: list[list[str]], prefix: str) -> int:
    return sum(int(r[8]) for r in rows if r[3].startswith(prefix))


def budget_rows(pemda: Pemda, details: int = DETAILS) -> tuple[list[list[str]], dict[PerangkatDaerah, int]]:
    """The year's budget as SIPD-style detail rows (``import_budget`` columns) with about ``details``
    expenditure rows, balanced by SiLPA; and each agency's KUA-PPAS ceiling: its spending rounded up to the
    million, so the RKA fills it. Deterministic; the benchmark builds its 50,000 rows with it too."""
    codes = YearCodes.load(YEAR)
    demo_codes = [code for code, _name, _short, _kind in BANYUWANGI_UNITS]
    units = {u.short_name: u for u in PerangkatDaerah.objects.filter(pemda=pemda, code__in=demo_codes)}
    names = dict(Account.objects.filter(year=YEAR).values_list("code", "name"))
    rng = random.Random(YEAR)
    rows: list[list[str]] = []
    plans = _plans(units, details, SPENDING)
    for plan in plans:
        rows += _expenditure_rows(rng, plan, codes, names)
    rows += _revenue_rows(units, codes)
    bpkad = units["BPKAD"]
    short, account, millions, text = FINANCING_OUT
    rows.append(_row(units[short], "", account, text, 1, "paket", millions * MILLION))
    gap = _sum(rows, "5") + millions * MILLION - _sum(rows, "4")
    if gap > 0:
        first = int(gap * SILPA[0][1])
        for (silpa, _part, label), amount in zip(SILPA, (first, gap - first), strict=True):
            rows.append(_row(bpkad, "", silpa, label, 1, "tahun", amount))
    spent_by: dict[str, int] = {}
    for row in rows:
        if row[3].startswith(calc.EXPENDITURE):
            spent_by[row[0]] = spent_by.get(row[0], 0) + int(row[8])
    ceilings = {
        plan.unit: -(-spent_by[plan.unit.code] // MILLION) * MILLION
        for plan in plans
        if spent_by.get(plan.unit.code)
    }
    return rows, ceilings


def write_budget_file(folder: Path, rows: list[list[str]]) -> Path:
    path = folder / f"apbd-{YEAR}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([column.key for column in COLUMNS])
        writer.writerows(rows)
    return path


def _start_from_rkpd(version: BudgetVersion, tapd: Actor) -> int:
    """Each agency's RKA list from the demo's adopted RKPD 2028 (e-planning's demo), where it exists; a
    few queries per agency. Returns the sub-kegiatan added."""
    rkpd = rkpd_link.adopted_plan(version.pemda_id, PlanKind.RKPD, version.year)
    if rkpd is None:
        return 0
    units = PlanRow.objects.filter(plan=rkpd, row_kind=RowKind.SUB_KEGIATAN).values("unit_id").distinct()
    added = 0
    # Only agencies the import gave an RKA: an empty RKA opened here could not be submitted for adoption.
    budgeted = Rka.objects.filter(version=version).values("unit_id")
    for unit in PerangkatDaerah.objects.filter(pk__in=units).filter(pk__in=budgeted).order_by("code"):
        added += rkpd_link.rka_start_from_plan(actor=tapd, version=version, unit=unit).created
    return added


def _adopted(pemda: Pemda, actor: Actor, head: Actor, tapd: Actor, head_unit: str) -> BudgetVersion:
    """Build the murni version: ceilings, the import, submission, verification, adoption."""
    rows, ceilings = budget_rows(pemda)
    version = version_create(actor=tapd, pemda=pemda, year=YEAR)
    for unit, amount in ceilings.items():
        ceiling_set(actor=tapd, version=version, unit=unit, code="", amount=Decimal(amount))
    with tempfile.TemporaryDirectory(prefix="spbe-demo-") as folder:
        path = write_budget_file(Path(folder), rows)
        budget_import(actor=tapd, pemda=pemda, year=YEAR, path=path, replace=True)
    _start_from_rkpd(version, tapd)
    return _verify_and_adopt(version, actor, head, tapd, head_unit)


def _verify_and_adopt(
    version: BudgetVersion, actor: Actor, head: Actor, tapd: Actor, head_unit: str
) -> BudgetVersion:
    """Every agency's RKA submitted by its head, its lines accepted in one batch and verified by the TAPD
    (who never submits), then the version adopted: the murni, and the perubahan the same way."""
    for rka in Rka.objects.filter(version=version).select_related("unit", "version").order_by("unit__code"):
        rka_submit(actor=head if rka.unit.code == head_unit else actor, rka=rka)
        rka_accept_pending(actor=tapd, rka=rka)
        rka_verify(actor=tapd, rka=rka)
    return version_adopt(actor=tapd, version=version)


def _revise(
    adopted: BudgetVersion, unit: PerangkatDaerah, operator: Actor, tapd: Actor, actor: Actor
) -> BudgetVersion:
    """The perubahan: PU Bina Marga's ceiling raised, some road works repriced, one new detail row, and the
    SiLPA receipt raised to cover them."""
    draft = version_revise(
        actor=tapd, version=adopted, kind=VersionKind.PERUBAHAN, label="APBD Perubahan 2028"
    )
    rows = list(
        RkaDetail.objects.filter(line__version=draft, line__unit=unit, line__account__startswith="5.2")
        .select_related("line__rka", "line__version")
        .order_by("-amount")[:REVISED_ROWS]
    )
    if not rows:
        return draft
    increase = sum((r.amount for r in rows), Decimal(0)) // 10 + 200 * MILLION
    current = draft.ceilings.get(unit=unit, code="").amount
    ceiling_set(actor=tapd, version=draft, unit=unit, code="", amount=current + increase)
    for detail in rows:
        factors = [(str(detail.volume1), detail.unit1)]
        price = (detail.unit_price * Decimal("1.08")).quantize(Decimal(100))
        detail_change(
            actor=operator,
            detail=detail,
            change=DetailInput(f"{detail.description} (penyesuaian harga)", factors, price),
        )
    detail_add(
        actor=operator,
        line=rows[0].line,
        detail=DetailInput(
            "Penanganan darurat jalan longsor ruas Glenmore-Kalibaru",
            [("1", "paket")],
            Decimal(150 * MILLION),
        ),
    )
    # The audited SiLPA of 2027 (larger than estimated) pays for it: BPKAD's row keeps the draft balanced.
    gap = -summary(draft)["silpa"]  # type: ignore[operator]
    silpa = (
        RkaDetail.objects.filter(line__version=draft, line__account=SILPA[1][0])
        .select_related("line__rka", "line__version")
        .first()
    )
    if silpa is not None and gap > 0:
        detail_change(
            actor=actor,
            detail=silpa,
            change=DetailInput(
                "SiLPA penghematan belanja (hasil audit BPK)", [("1", silpa.unit1)], silpa.unit_price + gap
            ),
        )
    return draft


def seed(pemda: Pemda, *, actor: Actor) -> str:
    """The 2028 APBD adopted, its perubahan adopted after it and a pergeseran in draft, unless the year
    already has a version."""
    if BudgetVersion.objects.filter(pemda=pemda, year=YEAR).exists():
        return f"anggaran: APBD {YEAR} sudah ada, tidak diubah"
    _ensure_reference(YEAR, actor)
    head = User.objects.filter(username="kepala.pu").first()
    operator = User.objects.filter(username="operator.pu").first()
    tapd = User.objects.filter(username="tapd").first()
    pu = PerangkatDaerah.objects.get(pemda=pemda, short_name="PU Bina Marga")
    # All or nothing: a failure half way leaves no year behind that the next run would skip.
    with transaction.atomic():
        adopted = _adopted(pemda, actor, head or actor, tapd or actor, pu.code)
        draft = _revise(adopted, pu, operator or actor, tapd or actor, actor)
        # The perubahan goes the murni's way to adoption (issue 7: "adopted and then revised"): the version
        # comparison shows its changes and the public APBD answers from it, the newest adopted version.
        revised = _verify_and_adopt(draft, actor, head or actor, tapd or actor, pu.code)
        # And a pergeseran after it, in draft: the version operators work in on the demo (the dashboard's
        # panels and the browser tests open the newest version), while both adopted ones stay as they are.
        shift = version_revise(
            actor=tapd or actor, version=revised, kind=VersionKind.PERGESERAN, label=SHIFT_LABEL
        )
        realised = demo_realisation.seed_year(revised, actor=tapd or actor)  # against the DPA in force
    totals = summary(adopted)
    shares = {c.name: c.percent for c in checks(adopted) if c.percent is not None}
    details = RkaDetail.objects.filter(line__version=adopted).count()
    lines = RkaLine.objects.filter(version=adopted).count()
    changed = summary(revised)["belanja"] - totals["belanja"]  # type: ignore[operator]
    return (
        f"anggaran: APBD {YEAR} ditetapkan ({details} rincian, {lines} baris; pendapatan "
        f"{format_rupiah(totals['pendapatan'])}, belanja {format_rupiah(totals['belanja'])}; "  # type: ignore[arg-type]
        f"pegawai {shares.get('belanja_pegawai')}%, pendidikan {shares.get('fungsi_pendidikan')}%), "
        f"perubahan v{revised.number} ditetapkan (belanja +{format_rupiah(changed)}), "
        f"pergeseran v{shift.number} draf; {realised}"
    )
