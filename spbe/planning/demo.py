"""Demo data for e-planning: Banyuwangi's Musrenbang season for 2028 and four years of history.

Proposals enter through the import (the batch path users run, from a CSV written here) and move through the
forums with the batch services a forum uses (``proposals_rank`` per forum, ``proposals_decide_many`` per
outcome), so the demo exercises the real rules: quotas, maker-checker between Bappeda and the Musrenbang
kabupaten, reasons for rejections, ranks kept on decisions. The desa and kecamatan forums and the agencies
decide as the demo system (no login exists for every kepala desa and camat); Bappeda forwards as the demo
``bappeda`` user and the Musrenbang kabupaten is recorded by ``tapd``, as two people must.

Safe to run again: a year that already has proposals is left as it is.
"""

from __future__ import annotations

import csv
import random
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from spbe.accounts.demo import KECAMATAN_CENTRES
from spbe.accounts.models import Pemda, PerangkatDaerah, User, VillageGovernment
from spbe.core.actors import Actor

from .demo_plans import seed_plans
from .imports import COLUMNS, proposals_import
from .models import Proposal, Stage
from .services import planning_year_set, proposals_decide_many, proposals_rank

SEASON = 2028
HISTORY = (2024, 2025, 2026, 2027)
PER_DESA = 16
HISTORY_PER_YEAR = 400
POKIR = 120
QUOTA = 45

# What desa forums ask for, with the agency that verifies it: (title, problem, unit, cost range in
# millions, bidang, agency code).
NEEDS = [
    (
        "Rehabilitasi jalan lingkungan",
        "Jalan rusak dan berlubang, sulit dilalui saat hujan",
        "m",
        (75, 450),
        "infrastruktur",
        "1.03.0.00.0.00.02.0000",
    ),
    (
        "Pengaspalan jalan poros desa",
        "Jalan poros desa masih makadam, hasil panen sulit diangkut",
        "m",
        (250, 900),
        "infrastruktur",
        "1.03.0.00.0.00.02.0000",
    ),
    (
        "Pembangunan jembatan penghubung dusun",
        "Warga memutar jauh saat sungai meluap",
        "unit",
        (300, 1200),
        "infrastruktur",
        "1.03.0.00.0.00.02.0000",
    ),
    (
        "Normalisasi saluran irigasi tersier",
        "Air tidak sampai ke sawah di ujung saluran",
        "m",
        (90, 400),
        "infrastruktur",
        "1.03.0.00.0.00.01.0000",
    ),
    (
        "Pembangunan dam parit",
        "Sawah tadah hujan gagal tanam di musim kemarau",
        "unit",
        (150, 600),
        "infrastruktur",
        "1.03.0.00.0.00.01.0000",
    ),
    (
        "Pembangunan saluran drainase",
        "Genangan di permukiman setiap hujan deras",
        "m",
        (60, 300),
        "infrastruktur",
        "1.03.0.00.0.00.03.0000",
    ),
    (
        "Penerangan jalan umum tenaga surya",
        "Jalan dusun gelap dan rawan kecelakaan",
        "titik",
        (40, 180),
        "infrastruktur",
        "1.04.1.03.0.00.01.0000",
    ),
    (
        "Bedah rumah tidak layak huni",
        "Keluarga miskin tinggal di rumah berdinding bambu",
        "unit",
        (35, 250),
        "sosial",
        "1.04.1.03.0.00.01.0000",
    ),
    (
        "Rehabilitasi gedung posyandu",
        "Atap posyandu bocor, pelayanan balita terganggu",
        "unit",
        (50, 200),
        "sosial",
        "1.02.0.00.0.00.01.0000",
    ),
    (
        "Pengadaan alat kesehatan polindes",
        "Alat pemeriksaan ibu hamil di polindes tidak lengkap",
        "paket",
        (25, 120),
        "sosial",
        "1.02.0.00.0.00.01.0000",
    ),
    (
        "Rehabilitasi ruang kelas SD",
        "Dua ruang kelas rusak berat",
        "ruang",
        (120, 500),
        "sosial",
        "1.01.0.00.0.00.01.0000",
    ),
    (
        "Pembangunan PAUD",
        "Anak usia dini belajar di teras rumah warga",
        "unit",
        (150, 450),
        "sosial",
        "1.01.0.00.0.00.01.0000",
    ),
    (
        "Pelatihan keterampilan pemuda",
        "Banyak lulusan SMA belum bekerja",
        "orang",
        (20, 90),
        "ekonomi",
        "2.07.0.00.0.00.01.0000",
    ),
    (
        "Bantuan alat pengolahan kopi",
        "Petani menjual kopi gelondong dengan harga rendah",
        "paket",
        (40, 200),
        "ekonomi",
        "3.27.0.00.0.00.01.0000",
    ),
    (
        "Pengembangan kandang ternak komunal",
        "Ternak dipelihara di dekat rumah, sanitasi buruk",
        "unit",
        (60, 300),
        "ekonomi",
        "3.27.0.00.0.00.02.0000",
    ),
    (
        "Bantuan perahu dan alat tangkap nelayan",
        "Perahu nelayan kecil sudah lapuk",
        "unit",
        (50, 250),
        "ekonomi",
        "3.25.0.00.0.00.01.0000",
    ),
    (
        "Pelatihan pemasaran daring UMKM",
        "Produk UMKM desa hanya dijual di pasar lokal",
        "orang",
        (15, 80),
        "ekonomi",
        "2.17.3.30.0.00.01.0000",
    ),
    (
        "Pengembangan destinasi wisata desa",
        "Potensi air terjun belum dikelola",
        "paket",
        (100, 500),
        "ekonomi",
        "2.22.0.00.0.00.01.0000",
    ),
    (
        "Pembangunan tempat pengolahan sampah",
        "Sampah dibuang ke sungai",
        "unit",
        (150, 700),
        "infrastruktur",
        "2.11.0.00.0.00.01.0000",
    ),
    (
        "Penyediaan sarana air bersih",
        "Sumur warga kering di musim kemarau",
        "unit",
        (80, 450),
        "infrastruktur",
        "1.04.1.03.0.00.01.0000",
    ),
]
DUSUN = [
    "Krajan",
    "Sumberejo",
    "Karangrejo",
    "Tegalsari",
    "Sukomulyo",
    "Kedungrejo",
    "Sidomulyo",
    "Rejoagung",
]
NAMES = ["Slamet", "Siti Aminah", "Bambang", "Sri Wahyuni", "Agus", "Nur Hasanah", "Joko", "Dewi"]
REJECT: dict[str, str] = {
    Stage.DESA: "Dapat dibiayai APBDes tahun berjalan",
    Stage.KECAMATAN: "Bukan prioritas kecamatan tahun ini",
    Stage.AGENCY: "Sudah dianggarkan pada tahun berjalan",
    Stage.BAPPEDA: "Tidak sesuai prioritas pembangunan daerah",
    Stage.KABUPATEN: "Pagu indikatif tidak mencukupi",
}


@dataclass(frozen=True)
class DemoPlace:
    """A desa or a kelurahan proposals come from: its region code and its kecamatan's district code."""

    code: str
    district: str


def _places(pemda: Pemda) -> list[DemoPlace]:
    """Every desa and kelurahan of the pemda, by code (kelurahan offices made by the accounts demo)."""
    villages = VillageGovernment.objects.filter(pemda=pemda).values_list(
        "region_id", "kecamatan__district_id"
    )
    kelurahan = PerangkatDaerah.objects.filter(pemda=pemda, kind=PerangkatDaerah.Kind.KELURAHAN).values_list(
        "kelurahan_id", "kelurahan__parent_id"
    )
    return sorted(
        (DemoPlace(code, district or "") for code, district in [*villages, *kelurahan] if code),
        key=lambda p: p.code,
    )


def _rows(
    rng: random.Random, villages: list[DemoPlace], year: int, per_desa: int, units: set[str]
) -> list[list[str]]:
    rows = []
    for village in villages:
        lat, lon = KECAMATAN_CENTRES.get(village.district, ("-8.3000", "114.2000"))
        for index in range(per_desa):
            title, problem, unit, (low, high), bidang, agency = rng.choice(NEEDS)
            volume = {"m": rng.randrange(100, 2000, 50), "titik": rng.randint(5, 40)}.get(
                unit, rng.randint(1, 4)
            )
            rows.append(
                [
                    village.code,
                    "musrenbang",
                    f"{title} Dusun {rng.choice(DUSUN)}",
                    problem,
                    f"Dusun {rng.choice(DUSUN)} RT {index % 9 + 1:02d} RW {index % 4 + 1:02d}",
                    str(Decimal(lat) + Decimal(rng.randint(-300, 300)) / 10000),
                    str(Decimal(lon) + Decimal(rng.randint(-300, 300)) / 10000),
                    bidang,
                    agency if agency in units else "",
                    str(volume),
                    unit,
                    str(rng.randint(low, high) * 1_000_000),
                    str(rng.randint(40, 1500)),
                    str(rng.randint(0, 10) * 1_000_000),
                    rng.choice(NAMES),
                    f"3510{rng.randrange(10**11, 10**12)}",
                    f"08{rng.randrange(10**9, 10**10)}",
                ]
            )
    return rows


def _import(folder: Path, pemda: Pemda, year: int, rows: list[list[str]], actor: Actor) -> None:
    path = folder / f"usulan-{year}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([column.key for column in COLUMNS])
        writer.writerows(rows)
    proposals_import(path, actor=actor, pemda_code=pemda.code, year=year)


def _waiting(pemda: Pemda, year: int, stage: str) -> list[Proposal]:
    return list(
        Proposal.objects.select_related("village", "kelurahan", "kecamatan", "pemda")
        .filter(pemda=pemda, year=year, state=stage)
        .order_by("rank", "public_id")
    )


def _split(
    proposals: list[Proposal], forward: float, reject: float, defer: float
) -> tuple[list[Proposal], list[Proposal], list[Proposal]]:
    """The first share goes on (they are in rank order), then rejections and deferrals; the rest waits."""
    n = len(proposals)
    a, b, c = round(n * forward), round(n * (forward + reject)), round(n * (forward + reject + defer))
    return proposals[:a], proposals[a:b], proposals[b:c]


def _decide(actor: Actor, stage: str, groups: tuple[list[Proposal], list[Proposal], list[Proposal]]) -> None:
    forward, reject, defer = groups
    for outcome, chosen, note in (
        ("forward", forward, "Disepakati forum"),
        ("reject", reject, REJECT[stage]),
        ("defer", defer, "Diusulkan kembali tahun depan"),
    ):
        if chosen:
            proposals_decide_many(actor=actor, proposals=chosen, outcome=outcome, note=note)


def _by_forum(proposals: list[Proposal], key: str) -> dict[str | int, list[Proposal]]:
    groups: dict[str | int, list[Proposal]] = defaultdict(list)
    for proposal in proposals:
        groups[proposal.region_id if key == "desa" else proposal.kecamatan_id].append(proposal)
    return groups


def _season(pemda: Pemda, year: int, actor: Actor, planners: tuple[Actor, Actor], *, complete: bool) -> None:
    """Move ``year``'s proposals through every forum; unless ``complete``, leave some at each stage."""
    rng = random.Random(year)
    keep = 0.0 if complete else 0.08
    # Desa forums: rank, then decide per forum in rank order.
    waiting = _waiting(pemda, year, Stage.DESA)
    if not complete:
        for region_id in sorted({p.region_id for p in waiting}):
            # A desa forum or a kelurahan forum: each ranks its own place's proposals.
            first = next(p for p in waiting if p.region_id == region_id)
            proposals_rank(
                actor=actor,
                pemda=pemda,
                year=year,
                stage=Stage.DESA,
                village=first.village,
                kelurahan=first.kelurahan,
            )
        waiting = _waiting(pemda, year, Stage.DESA)
    groups: list[list[Proposal]] = [[], [], []]
    for forum in _by_forum(waiting, "desa").values():
        for bucket, chosen in zip(groups, _split(forum, 0.82, 0.1, 0.08 - keep / 2), strict=True):
            bucket += chosen
    _decide(actor, Stage.DESA, (groups[0], groups[1], groups[2]))
    # Kecamatan forums: rank, forward up to the quota, reject the rest but a few deferred or waiting.
    waiting = _waiting(pemda, year, Stage.KECAMATAN)
    kecamatan_ids = sorted({p.kecamatan_id for p in waiting})
    # A few kecamatan forums have not met yet (none when there are too few to spare).
    undecided = set() if complete else set(rng.sample(kecamatan_ids, min(3, len(kecamatan_ids) // 4)))
    if not complete:
        for kecamatan_id in kecamatan_ids:
            kecamatan = PerangkatDaerah.objects.get(pk=kecamatan_id)
            proposals_rank(actor=actor, pemda=pemda, year=year, stage=Stage.KECAMATAN, kecamatan=kecamatan)
        waiting = _waiting(pemda, year, Stage.KECAMATAN)
    groups = [[], [], []]
    for forum_key, forum in _by_forum(waiting, "kecamatan").items():
        if forum_key in undecided:
            continue
        routed = [p for p in forum if p.suggested_unit_id is not None]
        forward = routed[:QUOTA]
        rest = [p for p in forum if p not in forward]
        groups[0] += forward
        groups[1] += rest[: len(rest) * 3 // 4]
        groups[2] += rest[len(rest) * 3 // 4 :]
    _decide(actor, Stage.KECAMATAN, (groups[0], groups[1], groups[2]))
    # Agencies verify; Bappeda forwards (planner one); the Musrenbang kabupaten decides (planner two).
    _decide(actor, Stage.AGENCY, _split(_shuffled(rng, pemda, year, Stage.AGENCY), 0.7, 0.18, 0.12 - keep))
    _decide(
        planners[0],
        Stage.BAPPEDA,
        _split(_shuffled(rng, pemda, year, Stage.BAPPEDA), 0.9, 0.06, 0.04 - keep / 2),
    )
    _decide(
        planners[1],
        Stage.KABUPATEN,
        _split(_shuffled(rng, pemda, year, Stage.KABUPATEN), 0.8, 0.12, 0.08 - keep / 2),
    )


def _shuffled(rng: random.Random, pemda: Pemda, year: int, stage: str) -> list[Proposal]:
    proposals = _waiting(pemda, year, stage)
    rng.shuffle(proposals)
    return proposals


def seed(pemda: Pemda, *, actor: Actor) -> str:
    """The 2028 season in every stage, and four earlier years with their final outcomes."""
    villages = _places(pemda)  # the 189 desa and the 28 kelurahan
    units = set(PerangkatDaerah.objects.filter(pemda=pemda).values_list("code", flat=True))
    bappeda = User.objects.filter(username="bappeda").first()
    tapd = User.objects.filter(username="tapd").first()
    planners: tuple[Actor, Actor] = (bappeda or actor, tapd or actor)
    added = []
    with tempfile.TemporaryDirectory(prefix="spbe-demo-") as folder:
        for year in (*HISTORY, SEASON):
            if Proposal.objects.filter(pemda=pemda, year=year).exists():
                continue
            rng = random.Random(year * 7)
            if year == SEASON:
                planning_year_set(actor=actor, pemda=pemda, year=year, kecamatan_quota=QUOTA)
                rows = _rows(rng, villages, year, PER_DESA, units)
                rows += _pokir(rng, villages, units)
            else:
                sample = rng.sample(villages, min(len(villages), HISTORY_PER_YEAR // 4))
                rows = _rows(rng, sample, year, 4, units)
            _import(Path(folder), pemda, year, rows, actor)
            _season(pemda, year, actor, planners, complete=year != SEASON)
            added.append(f"{year}: {len(rows)}")
    counts = Proposal.objects.filter(pemda=pemda, year=SEASON).values_list("state").order_by()
    by_state: dict[str, int] = defaultdict(int)
    for (state,) in counts:
        by_state[state] += 1
    shown = ", ".join(f"{Stage(s).label} {n}" for s, n in sorted(by_state.items()))
    plans = seed_plans(pemda, actor=actor)
    return f"perencanaan: usulan baru {', '.join(added) or 'tidak ada'}; {SEASON}: {shown}; {plans}"


def _pokir(rng: random.Random, villages: list[DemoPlace], units: set[str]) -> list[list[str]]:
    rows = []
    for row in _rows(rng, rng.sample(villages, min(len(villages), POKIR)), SEASON, 1, units):
        if not row[8]:
            continue
        row[1] = "pokir"
        row[2] = row[2].replace("Dusun", "hasil reses di Dusun")
        rows.append(row)
    return rows
