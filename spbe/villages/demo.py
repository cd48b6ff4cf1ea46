"""Demo data for village finance: the year's transfers to every desa, and each desa's APBDes and realisation.

Written through the batch paths a regency uses, from files made here: the ADD and BHPRD are simulated by the
allocation engine from an indicator table and adopted, the published Dana Desa table is imported and
adopted (``transfers``), and one Siskeudes export zip of every desa is imported (``siskeudes``). The
budgets take their transfer revenue (4.2.1 / 4.2.2 / 4.2.3) from the adopted allocations, so the figures
agree across pages; the realisation exercises every rule of the importer (receipts in stages, payment
requests, advances with and without their SPJ, posted and unposted journals, bank interest, cash-bank
moves, financing both ways). Some desa absorb little of their budget, as a real regency has.

Every figure comes from a generator seeded by the desa code, so a second run makes the same data. Safe to
run again: adopted scenarios are kept, and only desa without an imported APBDes for the year are imported
(a desa whose APBDes is kept in OpenSPBE itself is left alone).
"""

from __future__ import annotations

import csv
import io
import random
import tempfile
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings

from spbe.accounts.models import Pemda, VillageGovernment
from spbe.core.actors import Actor
from spbe.reference.models import VillageActivity

from . import books
from .demo_stages import draft_codes, seed_stages
from .models import Apbdes, Origin
from .models_transfers import TransferAllocation, TransferKind, TransferScenario
from .siskeudes import siskeudes_import
from .transfer_lines import allocation_adopt
from .transfers import transfer_scenario_import_published, transfer_scenario_simulate

THOUSAND = 1_000
# Siltap at the domain guide's default floors (120% / 110% / 100% of a grade II/a civil servant's base pay).
SILTAP = {
    "kepala_desa": "2426640",
    "sekretaris_desa": "2224420",
    "perangkat_lain": "2022200",
    "months": 12,
}
ADD_PER_DESA = 760_000_000  # the ADD pool is about this much per desa
BHPRD_PER_DESA = 95_000_000
# The engine's configuration per kind (the total is the amount per desa times the number of desa): ADD
# with the 2021 indicator weights, BHPRD 60% equal and 40% by the land and building tax each desa raised.
CONFIGS: dict[str, tuple[int, dict[str, Any]]] = {
    TransferKind.ADD: (
        ADD_PER_DESA,
        {
            "rounding_unit": "1000",
            "equal_share": "0.5",
            "weights": {"penduduk": "0.1", "penduduk_miskin": "0.4", "luas_wilayah": "0.2", "ikg": "0.3"},
            "siltap": SILTAP,
        },
    ),
    TransferKind.BHPRD: (
        BHPRD_PER_DESA,
        {"rounding_unit": "1000", "equal_share": "0.6", "weights": {"realisasi_pbb": "1"}, "siltap": None},
    ),
}
SCENARIO_NAMES: dict[str, str] = {
    TransferKind.ADD: "Demo ADD (siltap + 50% merata + indikator)",
    TransferKind.BHPRD: "Demo BHPRD (60% merata + 40% realisasi PBB)",
    TransferKind.DD: "Demo pagu Dana Desa (rincian Kemenkeu)",
}

# Objek accounts used by the demo budgets, with the names Siskeudes lists in Ref_Rek4.
OBJEK: dict[str, str] = {
    "4.1.1.01": "Bagi Hasil BUMDesa",
    "4.1.2.01": "Hasil Pengelolaan Tanah Kas Desa",
    "4.2.1.01": "Dana Desa",
    "4.2.2.01": "Bagi Hasil Pajak Daerah Kabupaten/Kota",
    "4.2.3.01": "Alokasi Dana Desa",
    "4.2.5.01": "Bantuan Keuangan dari APBD Kabupaten/Kota",
    "4.3.6.01": "Bunga Bank",
    "5.1.1.01": "Penghasilan Tetap Kepala Desa",
    "5.1.1.02": "Tunjangan Kepala Desa",
    "5.1.2.01": "Penghasilan Tetap Perangkat Desa",
    "5.1.2.02": "Tunjangan Perangkat Desa",
    "5.1.3.01": "Jaminan Kesehatan Kepala Desa dan Perangkat",
    "5.1.4.01": "Tunjangan Kedudukan BPD",
    "5.2.1.01": "Belanja Perlengkapan Alat Tulis Kantor dan Benda Pos",
    "5.2.1.02": "Belanja Bahan Makanan dan Minuman Rapat",
    "5.2.2.01": "Belanja Jasa Honorarium Tim dan Narasumber",
    "5.2.2.02": "Belanja Insentif Kader dan Pengajar",
    "5.2.3.01": "Belanja Perjalanan Dinas Dalam Kabupaten",
    "5.2.5.01": "Belanja Jasa Langganan Listrik, Air dan Internet",
    "5.2.6.01": "Belanja Pemeliharaan Gedung dan Bangunan",
    "5.2.7.01": "Belanja Barang yang Diserahkan kepada Masyarakat",
    "5.3.2.01": "Belanja Modal Peralatan Kantor",
    "5.3.4.01": "Belanja Modal Gedung dan Bangunan",
    "5.3.5.01": "Belanja Modal Jalan Desa",
    "5.3.7.01": "Belanja Modal Prasarana Air Bersih dan Sanitasi",
    "5.4.1.01": "Belanja Tidak Terduga (BLT-Dana Desa)",
    "6.1.1.01": "SILPA Tahun Sebelumnya",
    "6.2.2.01": "Penyertaan Modal BUM Desa",
}

# What each source pays for: (kegiatan, [(account, description, weight)]). Sub-bidang 01.01 (siltap and
# operations) is budgeted apart, under the 30% cap.
GOVERNMENT: list[tuple[str, str, str, int]] = [
    ("01.01.01", "5.1.1.01", "Siltap Kepala Desa", 10),
    ("01.01.01", "5.1.1.02", "Tunjangan Kepala Desa", 3),
    ("01.01.02", "5.1.2.01", "Siltap Sekretaris Desa dan Perangkat Desa", 42),
    ("01.01.02", "5.1.2.02", "Tunjangan Perangkat Desa", 9),
    ("01.01.03", "5.1.3.01", "Iuran BPJS Kesehatan dan Ketenagakerjaan", 5),
    ("01.01.04", "5.2.1.01", "ATK dan Operasional Kantor Desa", 8),
    ("01.01.04", "5.2.5.01", "Listrik, Air dan Internet Kantor Desa", 4),
    ("01.01.05", "5.1.4.01", "Tunjangan BPD", 8),
    ("01.01.06", "5.2.1.02", "Operasional BPD (rapat dan makan minum)", 3),
    ("01.01.07", "5.2.2.02", "Insentif Ketua RT/RW", 8),
]
Spend = list[tuple[str, list[tuple[str, str, int]]]]
SPENDING: dict[str, Spend] = {
    "ADD": [
        ("01.03.01", [("5.2.1.01", "Blangko dan ATK pelayanan kependudukan", 1)]),
        ("01.04.01", [("5.2.1.02", "Musdes perencanaan dan pembahasan APBDes", 1)]),
        ("01.04.04", [("5.2.2.01", "Honor tim penyusun APBDes dan LPJ", 1)]),
        ("01.04.08", [("5.2.5.01", "Langganan dan pemeliharaan Sistem Informasi Desa", 1)]),
        ("03.04.03", [("5.2.1.01", "Pembinaan PKK desa", 1), ("5.2.3.01", "Perjalanan kader PKK", 1)]),
        ("04.03.02", [("5.2.3.01", "Bimtek peningkatan kapasitas perangkat desa", 1)]),
    ],
    "DDS": [
        ("05.03.01", [("5.4.1.01", "BLT-Dana Desa keluarga penerima manfaat", 3)]),
        (
            "02.03.10",
            [("5.3.5.01", "Rabat beton jalan desa", 6), ("5.2.2.01", "Upah kerja tukang (padat karya)", 2)],
        ),
        ("02.04.11", [("5.3.7.01", "Sumur bor dan tandon air bersih", 3)]),
        ("02.01.01", [("5.2.2.02", "Insentif guru PAUD dan TPQ", 2)]),
        (
            "02.02.02",
            [
                ("5.2.7.01", "Makanan tambahan balita dan ibu hamil", 2),
                ("5.2.2.02", "Insentif kader posyandu", 1),
            ],
        ),
        ("04.02.03", [("5.2.7.01", "Bibit dan pupuk ketahanan pangan", 3)]),
    ],
    "PBH": [
        ("01.02.02", [("5.2.6.01", "Pemeliharaan kantor desa", 2)]),
        ("01.05.06", [("5.2.2.01", "Honor petugas pemungut PBB", 1)]),
        ("03.01.90", [("5.2.1.01", "Seragam dan operasional Linmas", 1)]),
    ],
    "PAD": [
        ("03.02.03", [("5.2.1.02", "Peringatan HUT RI dan hari besar keagamaan", 2)]),
        ("01.02.01", [("5.3.2.01", "Komputer dan printer pelayanan", 1)]),
        ("03.03.06", [("5.2.1.01", "Pembinaan karang taruna dan klub olahraga", 1)]),
    ],
    "BKK": [("02.03.15", [("5.3.4.01", "Rehabilitasi balai desa", 1)])],
    "DLL": [("02.03.02", [("5.3.5.01", "Paving jalan lingkungan dari SILPA", 1)])],
}


def _split(total: int, weights: list[int]) -> list[int]:
    """``total`` rupiah (a multiple of 1,000) split by ``weights`` into multiples of 1,000, exactly."""
    units = total // THOUSAND
    whole = sum(weights)
    parts = [units * w // whole for w in weights]
    for i in range(units - sum(parts)):
        parts[i % len(parts)] += 1
    return [p * THOUSAND for p in parts]


def _thousands(rng: random.Random, low: int, high: int) -> int:
    return rng.randint(low // THOUSAND, high // THOUSAND) * THOUSAND


@dataclass
class DesaFigures:
    """One desa's transfers (rupiah) and, once written, what its realisation must come to."""

    code: str
    dd: int
    add: int
    bhprd: int
    budget: dict[str, int] = field(default_factory=dict)  # pendapatan, belanja, penerimaan, pengeluaran
    realised: dict[str, int] = field(default_factory=dict)  # the same keys
    low: bool = False


# The columns Siskeudes writes for each table this demo fills (the importer reads a subset).
COLUMNS: dict[str, list[str]] = {
    "Ta_RABRinci": [
        "Tahun",
        "Kd_Desa",
        "Kd_Keg",
        "Kd_Rincian",
        "Kd_SubRinci",
        "No_Urut",
        "SumberDana",
        "Uraian",
        "Satuan",
        "JmlSatuan",
        "HrgSatuan",
        "Anggaran",
        "JmlSatuanPAK",
        "HrgSatuanPAK",
        "AnggaranStlhPAK",
        "AnggaranPAK",
    ],
    "Ta_TBP": ["Tahun", "No_Bukti", "Tgl_Bukti", "Kd_Desa", "Uraian", "Jumlah"],
    "Ta_TBPRinci": [
        "Tahun",
        "No_Bukti",
        "Kd_Desa",
        "Kd_Keg",
        "Kd_Rincian",
        "RincianSD",
        "SumberDana",
        "Nilai",
    ],
    "Ta_SPP": ["Tahun", "No_SPP", "Tgl_SPP", "Jn_SPP", "Kd_Desa", "Keterangan", "Jumlah", "Potongan"],
    "Ta_SPPRinci": ["Tahun", "No_SPP", "Kd_Desa", "Kd_Keg", "Kd_Rincian", "Sumberdana", "Nilai"],
    "Ta_SPJ": ["Tahun", "No_SPJ", "Tgl_SPJ", "Kd_Desa", "No_SPP", "Keterangan", "Jumlah"],
    "Ta_SPJRinci": [
        "Tahun",
        "No_SPJ",
        "Kd_Keg",
        "Kd_Rincian",
        "Sumberdana",
        "Kd_Desa",
        "No_SPP",
        "JmlCair",
        "Nilai",
        "Sisa",
    ],
    "Ta_Mutasi": [
        "Tahun",
        "Kd_Desa",
        "No_Bukti",
        "Tgl_Bukti",
        "Keterangan",
        "Kd_Bank",
        "Kd_Rincian",
        "Kd_Keg",
        "Sumberdana",
        "Kd_Mutasi",
        "Nilai",
    ],
    "Ta_JurnalUmum": [
        "Tahun",
        "KdBuku",
        "Kd_Desa",
        "Tanggal",
        "JnsBukti",
        "NoBukti",
        "Keterangan",
        "DK",
        "Debet",
        "Kredit",
        "Jenis",
        "Posted",
    ],
    "Ta_JurnalUmumRinci": [
        "Tahun",
        "NoBukti",
        "Kd_Keg",
        "RincianSD",
        "NoID",
        "Kd_Desa",
        "Akun",
        "Kd_Rincian",
        "Sumberdana",
        "DK",
        "Debet",
        "Kredit",
    ],
    "Ref_Rek4": ["Jenis", "Obyek", "Nama_Obyek", "Peraturan"],
}


class _Export:
    """The rows of every table of one Siskeudes export, and the writer of its zip."""

    def __init__(self, year: int) -> None:
        self.year = str(year)
        self.rows: dict[str, list[list[str]]] = {name: [] for name in COLUMNS}

    def add(self, table: str, **cells: object) -> None:
        cells.setdefault("Tahun", self.year)
        self.rows[table].append([str(cells.get(column, "")) for column in COLUMNS[table]])

    def write(self, path: Path) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for name, columns in COLUMNS.items():
                buffer = io.StringIO()
                writer = csv.writer(buffer, lineterminator="\r\n")
                writer.writerow(columns)
                writer.writerows(self.rows[name])
                archive.writestr(f"{name}.csv", buffer.getvalue())


def _date(year: str, month: int, day: int) -> str:
    return f"{year}-{month:02d}-{day:02d}"


def _desa_export(export: _Export, figures: DesaFigures, known: set[str] | None) -> None:
    """Budget and a year of bookkeeping for one desa, added to ``export``; fills ``figures``' totals."""
    rng = random.Random(zlib.crc32(f"apbdes:{figures.code}".encode()))
    kk, dddd = figures.code.split(".")[2:4]
    desa = f"{kk}.{dddd}."
    year = export.year
    no_activity = f"{desa}00.00.00."

    # --- budget -----------------------------------------------------------------------------------
    revenue: list[tuple[str, str, str, int]] = [
        ("4.1.1.01", "PAD", "Bagi hasil usaha BUMDesa", _thousands(rng, 10_000_000, 60_000_000)),
        ("4.1.2.01", "PAD", "Sewa tanah kas desa", _thousands(rng, 15_000_000, 80_000_000)),
        ("4.2.1.01", "DDS", "Dana Desa", figures.dd),
        ("4.2.2.01", "PBH", "Bagi hasil pajak dan retribusi daerah", figures.bhprd),
        ("4.2.3.01", "ADD", "Alokasi Dana Desa", figures.add),
        ("4.3.6.01", "PAD", "Bunga bank rekening kas desa", _thousands(rng, 1_000_000, 4_000_000)),
    ]
    if rng.random() < 0.3:
        revenue.append(
            ("4.2.5.01", "BKK", "Bantuan keuangan khusus kabupaten", _thousands(rng, 50_000_000, 200_000_000))
        )
    silpa = _thousands(rng, 10_000_000, 150_000_000)
    capital = _thousands(rng, 25_000_000, 75_000_000) if rng.random() < 0.4 else 0
    pools = {"ADD": figures.add, "DDS": figures.dd - capital, "PBH": figures.bhprd, "DLL": silpa}
    pools["PAD"] = sum(amount for account, source, _d, amount in revenue if source == "PAD")
    pools["BKK"] = sum(amount for account, source, _d, amount in revenue if source == "BKK")
    total_spending = sum(pools.values())
    # Sub-bidang 01.01 from the ADD, kept under 30% of expenditure (PP 11/2019) with room to spare.
    government = min(figures.add * 6 // 10, total_spending * 27 // 100) // THOUSAND * THOUSAND
    pools["ADD"] -= government
    lines: list[tuple[str, str, str, str, int]] = [  # kegiatan, account, source, description, amount
        (keg, account, "ADD", text, amount)
        for (keg, account, text, _w), amount in zip(
            GOVERNMENT, _split(government, [w for *_x, w in GOVERNMENT]), strict=True
        )
    ]
    for source, plan in SPENDING.items():
        usable = [(keg, items) for keg, items in plan if known is None or keg in known] or plan
        # Each desa funds a few of the usual kegiatan, not always the same ones; the first of each list
        # always (for Dana Desa the BLT, which the year's priorities make mandatory).
        chosen = usable[:1] + [entry for entry in usable[1:] if rng.random() < 0.8]
        items = [
            (keg, account, text, w * rng.randint(2, 5))
            for keg, entries in chosen
            for account, text, w in entries
        ]
        for (keg, account, text, _w), amount in zip(
            items, _split(pools[source], [w for *_x, w in items]), strict=True
        ):
            lines.append((keg, account, source, text, amount))

    urut: dict[tuple[str, str], int] = {}

    def budget_row(keg: str, account: str, source: str, text: str, amount: int) -> None:
        number = urut[(keg, account)] = urut.get((keg, account), 0) + 1
        # A tenth of the lines were revised in the perubahan: the murni figure differed.
        before = amount + _thousands(rng, -5_000_000, 5_000_000) if rng.random() < 0.1 else amount
        export.add(
            "Ta_RABRinci",
            Kd_Desa=desa,
            Kd_Keg=f"{desa}{keg}." if keg else no_activity,
            Kd_Rincian=f"{account}.",
            Kd_SubRinci="01",
            No_Urut=number,
            SumberDana=source,
            Uraian=text,
            Satuan="paket",
            JmlSatuan=1,
            HrgSatuan=max(before, 0),
            Anggaran=max(before, 0),
            JmlSatuanPAK=1,
            HrgSatuanPAK=amount,
            AnggaranStlhPAK=amount,
            AnggaranPAK=amount,
        )

    for account, source, text, amount in revenue:
        budget_row("", account, source, text, amount)
    budget_row("", "6.1.1.01", "DLL", "SILPA tahun sebelumnya", silpa)
    if capital:
        budget_row("", "6.2.2.01", "DDS", "Penyertaan modal BUM Desa", capital)
    for keg, account, source, text, amount in lines:
        budget_row(keg, account, source, text, amount)
    figures.budget = {
        "pendapatan": sum(amount for *_x, amount in revenue),
        "belanja": sum(amount for *_x, amount in lines),
        "penerimaan": silpa,
        "pengeluaran": capital,
    }

    # --- receipts: transfers in stages, own revenue, bank interest, cash-bank moves -------------------
    figures.low = rng.random() < 0.15
    absorption = rng.uniform(0.25, 0.55) if figures.low else rng.uniform(0.78, 0.97)
    # Dana Desa 40/40/20; a desa that spends little has not earned its last stages.
    stages = (40, 40) if figures.low else (40, 40, 20)
    received = 0
    receipt_no = 0

    def receipt(account: str, source: str, text: str, amount: int, month: int) -> None:
        nonlocal received, receipt_no
        receipt_no += 1
        no = f"{receipt_no:04d}/TBP/{kk}.{dddd}/{year}"
        export.add(
            "Ta_TBP", No_Bukti=no, Tgl_Bukti=_date(year, month, 10), Kd_Desa=desa, Uraian=text, Jumlah=amount
        )
        export.add(
            "Ta_TBPRinci",
            No_Bukti=no,
            Kd_Desa=desa,
            Kd_Keg=no_activity,
            Kd_Rincian=f"{account}.",
            RincianSD=f"{account}.{source}",
            SumberDana=source,
            Nilai=amount,
        )
        received += amount

    for stage, (percent, month) in enumerate(zip(stages, (3, 7, 11), strict=False), start=1):
        receipt("4.2.1.01", "DDS", f"Penerimaan Dana Desa tahap {stage}", figures.dd * percent // 100, month)
    for quarter in range(2 if figures.low else 4):
        receipt(
            "4.2.3.01",
            "ADD",
            f"Penerimaan ADD triwulan {quarter + 1}",
            _split(figures.add, [1] * 4)[quarter],
            3 * quarter + 2,
        )
    receipt("4.2.2.01", "PBH", "Penerimaan bagi hasil pajak dan retribusi", figures.bhprd, 6)
    for account, source, text, amount in revenue:
        if source in ("PAD", "BKK") and account != "4.3.6.01":
            receipt(account, source, text, amount * rng.randint(70, 110) // 100, rng.randint(4, 12))
    interest = 0
    for month in (3, 6, 9, 12):
        amount = rng.randint(150_000, 900_000)
        interest += amount
        export.add(
            "Ta_Mutasi",
            Kd_Desa=desa,
            No_Bukti=f"BB/{month:02d}/{kk}.{dddd}",
            Tgl_Bukti=_date(year, month, 28),
            Keterangan="Bunga bank",
            Kd_Bank="01",
            Kd_Rincian="4.3.6.01.",
            Kd_Keg=no_activity,
            Sumberdana="PAD",
            Kd_Mutasi="1",
            Nilai=amount,
        )
    for month in (2, 8):  # cash drawn from the bank for the month's payments: not revenue, not spending
        export.add(
            "Ta_Mutasi",
            Kd_Desa=desa,
            No_Bukti=f"MT/{month:02d}/{kk}.{dddd}",
            Tgl_Bukti=_date(year, month, 5),
            Keterangan="Pengambilan tunai dari bank",
            Kd_Bank="01",
            Kd_Rincian="",
            Kd_Keg="",
            Sumberdana="",
            Kd_Mutasi="2",
            Nilai=_thousands(rng, 5_000_000, 25_000_000),
        )

    # --- spending: SPP (LS and advances), SPJ, journals -----------------------------------------------
    spent = 0
    spp_no = 0
    journal_no = 0

    def spp(kind: str, keg: str, account: str, source: str, text: str, amount: int, month: int) -> str:
        nonlocal spp_no
        spp_no += 1
        no = f"{spp_no:04d}/SPP/{kk}.{dddd}/{year}"
        export.add(
            "Ta_SPP",
            No_SPP=no,
            Tgl_SPP=_date(year, month, 15),
            Jn_SPP=kind,
            Kd_Desa=desa,
            Keterangan=text,
            Jumlah=amount,
            Potongan=0,
        )
        export.add(
            "Ta_SPPRinci",
            No_SPP=no,
            Kd_Desa=desa,
            Kd_Keg=f"{desa}{keg}." if keg else no_activity,
            Kd_Rincian=f"{account}.",
            Sumberdana=source,
            Nilai=amount,
        )
        return no

    def journal(
        posted: bool, text: str, month: int, entries: Iterable[tuple[str, str, str, int, int]]
    ) -> None:
        nonlocal journal_no
        journal_no += 1
        no = f"{journal_no:04d}/JU/{kk}.{dddd}/{year}"
        rows = list(entries)
        export.add(
            "Ta_JurnalUmum",
            KdBuku="0",
            Kd_Desa=desa,
            Tanggal=_date(year, month, 20),
            JnsBukti="JU",
            NoBukti=no,
            Keterangan=text,
            DK="D",
            Debet=sum(r[3] for r in rows),
            Kredit=sum(r[4] for r in rows),
            Jenis="Umum",
            Posted=1 if posted else 0,
        )
        for n, (keg, account, source, debit, credit) in enumerate(rows, start=1):
            export.add(
                "Ta_JurnalUmumRinci",
                NoBukti=no,
                Kd_Keg=f"{desa}{keg}." if keg else no_activity,
                RincianSD=f"{account}.{source}",
                NoID=n,
                Kd_Desa=desa,
                Akun=account.split(".")[0],
                Kd_Rincian=f"{account}.",
                Sumberdana=source,
                DK="D" if debit else "K",
                Debet=debit,
                Kredit=credit,
            )

    # SILPA brought forward is booked by a journal against equity (3.x, not counted).
    journal(
        True, "Saldo awal SILPA", 1, [("", "3.1.1.01", "DLL", silpa, 0), ("", "6.1.1.01", "DLL", 0, silpa)]
    )
    if capital:
        spp("LS", "", "6.2.2.01", "DDS", "Penyertaan modal BUM Desa", capital, 8)
    for keg, account, source, text, amount in lines:
        # Siltap is paid in full every month; the rest follows the desa's absorption.
        share: float = (
            1.0 if keg.startswith("01.01.0") and not figures.low else absorption * rng.uniform(0.85, 1.15)
        )
        real = min(amount, int(amount * share) // THOUSAND * THOUSAND)
        if real <= 0:
            continue
        month = rng.randint(3, 12)
        roll = rng.random()
        if roll < 0.2 and real >= 2 * THOUSAND:
            # An advance (UM) accounted for by an SPJ; the advance itself is not spending.
            advance = real + _thousands(rng, 0, 2_000_000)
            no = spp("UM", keg, account, source, f"Panjar {text}", advance, month)
            spj = f"{spp_no:04d}/SPJ/{kk}.{dddd}/{year}"
            export.add(
                "Ta_SPJ",
                No_SPJ=spj,
                Tgl_SPJ=_date(year, min(month + 1, 12), 5),
                Kd_Desa=desa,
                No_SPP=no,
                Keterangan=text,
                Jumlah=real,
            )
            export.add(
                "Ta_SPJRinci",
                No_SPJ=spj,
                Kd_Keg=f"{desa}{keg}.",
                Kd_Rincian=f"{account}.",
                Sumberdana=source,
                Kd_Desa=desa,
                No_SPP=no,
                JmlCair=advance,
                Nilai=real,
                Sisa=advance - real,
            )
        elif roll < 0.28 and real >= 2 * THOUSAND:
            # Part paid by SPP, the rest booked by a posted correcting journal against cash (1.x).
            part = real // 2 // THOUSAND * THOUSAND
            spp("LS", keg, account, source, text, part, month)
            journal(
                True,
                f"Koreksi {text}",
                12,
                [(keg, account, source, real - part, 0), ("", "1.1.1.01", source, 0, real - part)],
            )
        else:
            spp("LS", keg, account, source, text, real, month)
        spent += real
    # An advance still open at year end (not yet accounted for: not spending) and a journal left unposted.
    keg, account, source, text, _amount = lines[-1]
    spp(
        "UM",
        keg,
        account,
        source,
        f"Panjar belum di-SPJ-kan: {text}",
        _thousands(rng, 1_000_000, 10_000_000),
        12,
    )
    journal(
        False,
        "Draf koreksi (belum diposting)",
        12,
        [(keg, account, source, 1_000_000, 0), ("", "1.1.1.01", source, 0, 1_000_000)],
    )

    figures.realised = {
        "pendapatan": received + interest,
        "belanja": spent,
        "penerimaan": silpa,
        "pengeluaran": capital,
    }


def build_export(path: Path, year: int, desa: list[DesaFigures], known: set[str] | None = None) -> Path:
    """Write one Siskeudes export zip of every desa in ``desa`` at ``path``, filling in their totals.

    ``known`` is the kegiatan codes of the year's reference list (the demo uses only those), or None.
    """
    export = _Export(year)
    for figures in desa:
        _desa_export(export, figures, known)
    for code, name in OBJEK.items():
        export.add(
            "Ref_Rek4",
            Jenis=code.rsplit(".", 1)[0] + ".",
            Obyek=f"{code}.",
            Nama_Obyek=name,
            Peraturan="Permendagri 20/2018",
        )
    export.write(path)
    return path


# --------------------------------------------------------------------------------------------- transfers


def _indicators(villages: list[VillageGovernment]) -> tuple[str, str]:
    """The ADD indicator table (CSV) and the BHPRD one, generated per desa from its code."""
    add = ["kode_desa,penduduk,penduduk_miskin,luas_wilayah,ikg,jumlah_perangkat_lain"]
    bhprd = ["kode_desa,realisasi_pbb"]
    for village in villages:
        rng = random.Random(zlib.crc32(f"indikator:{village.region_id}".encode()))
        people = rng.randint(2_500, 14_000)
        poor = people * rng.randint(6, 20) // 100
        area = Decimal(rng.randint(300, 4_500)) / 100  # km2
        ikg = Decimal(rng.randint(3_000, 8_000)) / 100
        add.append(f"{village.region_id},{people},{poor},{area},{ikg},{rng.randint(6, 10)}")
        bhprd.append(f"{village.region_id},{_thousands(rng, 20_000_000, 400_000_000)}")
    return "\n".join(add) + "\n", "\n".join(bhprd) + "\n"


def _dana_desa(villages: list[VillageGovernment]) -> str:
    """The published Dana Desa table: about Rp0.75-1.35 billion per desa, larger for larger desa."""
    rows = ["kode_desa,nama_desa,pagu"]
    for village in villages:
        rng = random.Random(zlib.crc32(f"indikator:{village.region_id}".encode()))
        people = rng.randint(2_500, 14_000)
        pagu = 700_000_000 + people * 40_000 + _thousands(rng, 0, 100_000_000)
        rows.append(f"{village.region_id},{village.name.replace(',', ' ')},{pagu // THOUSAND * THOUSAND}")
    return "\n".join(rows) + "\n"


def _adopted_scenario(
    pemda: Pemda, year: int, kind: str, *, actor: Actor, folder: Path, desa_count: int
) -> TransferScenario:
    """The adopted scenario of ``kind``: the one already adopted (the regency's choice stands), else the
    demo's, simulated (or, for Dana Desa, imported) from the tables in ``folder`` if need be, and adopted."""
    scenarios = TransferScenario.objects.filter(pemda=pemda, year=year, kind=kind)
    adopted = scenarios.filter(adopted=True).first()
    if adopted is not None:
        return adopted
    name = SCENARIO_NAMES[kind]
    scenario = scenarios.filter(name=name).first()
    if scenario is None and kind == TransferKind.DD:
        scenario = transfer_scenario_import_published(
            actor=actor, pemda=pemda, year=year, name=name, path=folder / "dana_desa.csv"
        )
    elif scenario is None:
        per_desa, config = CONFIGS[kind]
        scenario = transfer_scenario_simulate(
            actor=actor,
            pemda=pemda,
            year=year,
            kind=kind,
            name=name,
            config={**config, "total": str(desa_count * per_desa)},
            indicators=folder / f"indikator_{kind.lower()}.csv",
        )
    # Adopted through the service that also writes the amounts into the year's draft APBDes (4.2.1-4.2.3).
    return allocation_adopt(actor=actor, scenario=scenario)[0]


def seed_transfers(pemda: Pemda, year: int, *, actor: Actor, folder: Path) -> dict[str, dict[str, int]]:
    """Adopt ADD, BHPRD and Dana Desa for ``year``; the adopted amount per kind and desa code, in rupiah."""
    villages = list(VillageGovernment.objects.filter(pemda=pemda).order_by("region_id"))
    add_csv, bhprd_csv = _indicators(villages)
    (folder / "indikator_add.csv").write_text(add_csv, encoding="utf-8")
    (folder / "indikator_bhprd.csv").write_text(bhprd_csv, encoding="utf-8")
    (folder / "dana_desa.csv").write_text(_dana_desa(villages), encoding="utf-8")
    adopted: dict[str, dict[str, int]] = {}
    for kind in (TransferKind.ADD, TransferKind.BHPRD, TransferKind.DD):
        scenario = _adopted_scenario(pemda, year, kind, actor=actor, folder=folder, desa_count=len(villages))
        adopted[kind] = {
            code: int(amount)
            for code, amount in TransferAllocation.objects.filter(scenario=scenario).values_list(
                "village__region_id", "jumlah"
            )
        }
    return adopted


# ------------------------------------------------------------------------------------------------- seed


def seed(pemda: Pemda, *, actor: Actor, year: int | None = None) -> str:
    """Adopt the year's transfers and import an APBDes with a year of realisation for every desa."""
    year = year or settings.SPBE_DEFAULT_BUDGET_YEAR
    if not VillageGovernment.objects.filter(pemda=pemda).exists():
        return "villages: pemda ini tidak memiliki desa"  # a city has only kelurahan: nothing to transfer
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        adopted = seed_transfers(pemda, year, actor=actor, folder=folder)
        # First: the desa that keep their books in OpenSPBE are then not imported from Siskeudes.
        kept = books.seed_demo(pemda, year, actor=actor, adopted=adopted)
        done = set(
            Apbdes.objects.filter(pemda=pemda, year=year)
            .values_list("village__region_id", flat=True)
            .distinct()
        )
        dd, add, bhprd = (adopted[k] for k in (TransferKind.DD, TransferKind.ADD, TransferKind.BHPRD))
        todo = [
            DesaFigures(code, dd[code], add[code], bhprd[code])
            for code in sorted(add)
            if code not in done and code in dd and code in bhprd and code not in draft_codes(list(add))
        ]
        if todo:
            known = set(
                VillageActivity.objects.filter(year=year, level=VillageActivity.Level.KEGIATAN).values_list(
                    "code", flat=True
                )
            )
            path = build_export(folder / f"siskeudes_{pemda.code}_{year}.zip", year, todo, known or None)
            siskeudes_import(path, actor=actor, pemda_code=pemda.code)
    imported = Apbdes.objects.filter(pemda=pemda, year=year, origin=Origin.SISKEUDES).count()
    low = sum(1 for f in todo if f.low)
    return (
        f"villages: ADD/BHPRD/Dana Desa {year} ditetapkan untuk {len(adopted[TransferKind.ADD])} desa; "
        f"{len(todo)} APBDes diimpor dari Siskeudes ({low} berserapan rendah), {imported} APBDes impor {year}"
        f"; {kept}"
        f"; {seed_stages(pemda, year, actor=actor)}"
    )
