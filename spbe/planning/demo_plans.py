"""Demo plans for Banyuwangi: the RPJMD 2026-2030, the Renstra of a few agencies, and the RKPD 2028 built from
the accepted proposals of the demo season, each of them linked to the RKPD sub-kegiatan that funds it; each
agency's Renja 2028 is its slice of the RKPD.

Everything goes through the paths users run: tables written here and read by ``plan_import``, adoption by
``plan_adopt``, links by ``proposals_fund_many`` (one batch). Safe to run again: a plan that exists is left.
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections import defaultdict
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.budgeting.calc import org_bidang
from spbe.core.actors import Actor
from spbe.reference.loader import load_bundled_reference
from spbe.reference.models import Nomenclature

from .models import Decision, Proposal, Stage
from .models_plans import Plan, PlanKind, PlanRow
from .plans import PERIOD_COLUMNS, YEAR_COLUMNS, plan_adopt, plan_import, proposals_fund_many

PERIOD = 2026
YEAR = 2028
RENSTRA_UNITS = ("1.03.0.00.0.00.02.0000", "1.01.0.00.0.00.01.0000", "1.02.0.00.0.00.01.0000")
MILLION = Decimal("1000000")
WORD = re.compile(r"[a-z]{4,}")

VISION = "Banyuwangi yang maju, sejahtera, berdaya saing dan berakhlak mulia"
MISSIONS = [
    (
        "1",
        "Membangun infrastruktur yang merata dan berkelanjutan",
        "Jalan kabupaten dalam kondisi mantap",
        "%",
    ),
    ("2", "Meningkatkan kualitas sumber daya manusia", "Indeks pembangunan manusia", "poin"),
    ("3", "Menumbuhkan ekonomi kerakyatan yang berdaya saing", "Pertumbuhan ekonomi", "%"),
]
TARGETS = {
    "1": ("78,50", ["80", "82", "84", "86", "88"]),
    "2": ("72,10", ["72,6", "73,1", "73,6", "74,1", "74,6"]),
    "3": ("5,10", ["5,2", "5,3", "5,4", "5,5", "5,6"]),
}


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


class _Codes:
    """The demo's choice of nomenclature codes per agency: real codes of the year, matched by words."""

    def __init__(self, year: int) -> None:
        self.rows = list(
            Nomenclature.objects.filter(year=year).values_list("code", "name", "level").order_by("code")
        )

        self.seen: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.chosen: dict[tuple[str, str], str | None] = {}

    def under(self, unit_code: str, level: str) -> list[tuple[str, str]]:
        key = (unit_code, level)
        if key not in self.seen:
            bidang = org_bidang(unit_code)
            self.seen[key] = [
                (code, name)
                for code, name, lvl in self.rows
                if lvl == level and code[:4] in bidang and code.split(".")[2] != "01"
            ]
        return self.seen[key]

    def best(self, unit_code: str, title: str) -> str | None:
        # A season repeats a few dozen titles hundreds of times.
        key = (unit_code, title)
        if key not in self.chosen:
            self.chosen[key] = self._best(unit_code, title)
        return self.chosen[key]

    def _best(self, unit_code: str, title: str) -> str | None:
        words = set(WORD.findall(title.lower()))
        found = self.under(unit_code, "sub_kegiatan")
        if not found:
            return None
        scored = [(-len(words & set(WORD.findall(name.lower()))), code) for code, name in found]
        return min(scored)[1]


def seed_plans(pemda: Pemda, *, actor: Actor) -> str:
    if not Nomenclature.objects.filter(year=YEAR).exists():
        load_bundled_reference(YEAR, actor=actor)
    codes = _Codes(YEAR)
    units = {u.code: u for u in PerangkatDaerah.objects.filter(pemda=pemda)}
    done: list[str] = []
    with tempfile.TemporaryDirectory(prefix="spbe-demo-plans-") as folder:
        base = Path(folder)
        if not Plan.objects.filter(pemda=pemda, kind=PlanKind.RPJMD, year=PERIOD).exists():
            _rpjmd(base, pemda, actor, codes, units)
            done.append("RPJMD")
        for code in RENSTRA_UNITS:
            unit = units.get(code)
            if unit is None or Plan.objects.filter(pemda=pemda, kind=PlanKind.RENSTRA, unit=unit).exists():
                continue
            _renstra(base, pemda, actor, codes, unit)
            done.append(f"Renstra {unit.short_name or unit.code}")
        if not Plan.objects.filter(pemda=pemda, kind=PlanKind.RKPD, year=YEAR).exists():
            linked, agencies = _rkpd(base, pemda, actor, codes, units)
            done.append(f"RKPD {YEAR} ({linked} usulan terhubung, Renja {agencies} perangkat daerah)")
    return f"rencana: {', '.join(done) or 'sudah ada'}"


def _rpjmd(base: Path, pemda: Pemda, actor: Actor, codes: _Codes, units: dict[str, PerangkatDaerah]) -> None:
    blank = [""] * 10
    rows: list[list[str]] = [["visi", "", VISION, "", "", "", "", "", *blank]]
    plans_by_mission = {
        "1": ["1.03.0.00.0.00.02.0000", "1.03.0.00.0.00.01.0000"],
        "2": list(RENSTRA_UNITS[1:]),
        "3": [],
    }
    for number, mission, indicator, measure in MISSIONS:
        rows.append(["misi", number, mission, "", "", "", "", "", *blank])
        rows.append(
            ["tujuan", f"{number}.1", mission.replace("Membangun", "Mewujudkan"), "", "", "", "", "", *blank]
        )
        baseline, targets = TARGETS[number]
        rows.append(
            ["sasaran", f"{number}.1.1", indicator, "", "", indicator, measure, baseline, *targets, *[""] * 5]
        )
        for unit_code in plans_by_mission[number]:
            if unit_code not in units:
                continue
            for program, _name in codes.under(unit_code, "program")[:2]:
                ceilings = [str((40_000 + 2_500 * n) * 1_000_000) for n in range(5)]
                rows.append(
                    [
                        "program",
                        program,
                        "",
                        f"{number}.1.1",
                        unit_code,
                        "Capaian program",
                        "%",
                        "70",
                        "74",
                        "78",
                        "82",
                        "86",
                        "90",
                        *ceilings,
                    ]
                )
    path = _write(base / "rpjmd.csv", [c.key for c in PERIOD_COLUMNS], rows)
    plan = plan_import(path, actor=actor, pemda_code=pemda.code, kind=PlanKind.RPJMD, year=PERIOD).plan
    plan_adopt(actor=actor, plan=plan)


def _renstra(base: Path, pemda: Pemda, actor: Actor, codes: _Codes, unit: PerangkatDaerah) -> None:
    blank = [""] * 10
    rows: list[list[str]] = [
        ["tujuan", "1.1", f"Meningkatnya kinerja {unit.name}", "", "", "", "", "", *blank],
        [
            "sasaran",
            "1.1.1",
            "Layanan urusan yang bermutu",
            "",
            "",
            "Indeks kepuasan layanan",
            "poin",
            "78",
            "79",
            "80",
            "81",
            "82",
            "83",
            *[""] * 5,
        ],
    ]
    for program, _name in codes.under(unit.code, "program")[:2]:
        rows.append(
            [
                "program",
                program,
                "",
                "1.1.1",
                "",
                "Capaian program",
                "%",
                "70",
                "74",
                "78",
                "82",
                "86",
                "90",
                *[""] * 5,
            ]
        )
        kegiatan = [k for k, _n in codes.under(unit.code, "kegiatan") if k.startswith(program + ".")][:2]
        for k in kegiatan:
            rows.append(["kegiatan", k, "", "", "", "", "", "", *blank])
            subs = [s for s, _n in codes.under(unit.code, "sub_kegiatan") if s.startswith(k + ".")][:3]
            for s in subs:
                ceilings = [str((1_500 + 150 * n) * 1_000_000) for n in range(5)]
                rows.append(
                    [
                        "sub_kegiatan",
                        s,
                        "",
                        "",
                        "",
                        "Keluaran sub kegiatan",
                        "paket",
                        "",
                        "1",
                        "1",
                        "1",
                        "1",
                        "1",
                        *ceilings,
                    ]
                )
    path = _write(base / f"renstra-{unit.code}.csv", [c.key for c in PERIOD_COLUMNS], rows)
    plan = plan_import(
        path, actor=actor, pemda_code=pemda.code, kind=PlanKind.RENSTRA, year=PERIOD, unit_code=unit.code
    ).plan
    plan_adopt(actor=actor, plan=plan)


def _rkpd(
    base: Path, pemda: Pemda, actor: Actor, codes: _Codes, units: dict[str, PerangkatDaerah]
) -> tuple[int, int]:
    """One RKPD row per agency, sub-kegiatan and kecamatan of the accepted proposals, its ceiling their
    accepted amounts plus a margin; each agency also gets its support program regency-wide."""
    accepted = list(
        Proposal.objects.filter(pemda=pemda, year=YEAR, state=Stage.ACCEPTED, suggested_unit__isnull=False)
        .select_related("suggested_unit", "kecamatan__district")
        .order_by("public_id")
    )
    recommended = dict(
        Decision.objects.filter(
            proposal__in=accepted, action="accept_kabupaten", recommended_cost__isnull=False
        ).values_list("proposal_id", "recommended_cost")
    )
    groups: dict[tuple[str, str, str], list[tuple[Proposal, Decimal]]] = defaultdict(list)
    for proposal in accepted:
        unit = proposal.suggested_unit
        assert unit is not None
        sub = codes.best(unit.code, proposal.title)
        district = proposal.kecamatan.district
        if sub is None or district is None:
            continue
        amount = recommended.get(proposal.pk, proposal.estimated_cost)
        groups[(unit.code, sub, district.code)].append((proposal, amount))
    rows: list[list[str]] = []
    for (unit_code, sub, place), members in sorted(groups.items()):
        total = sum((a for _p, a in members), Decimal("0"))
        # A tenth more than accepted, in whole millions up: room the agency plans around the proposals.
        ceiling = (total * Decimal("1.1") / MILLION).to_integral_value(rounding=ROUND_CEILING) * MILLION
        rows.append(
            [
                unit_code,
                sub,
                place,
                "Usulan musrenbang terlaksana",
                str(len(members)),
                "paket",
                format(ceiling, "f"),
            ]
        )
    agencies = sorted({u for u, _s, _d in groups})
    for unit_code in agencies:
        bidang = sorted(org_bidang(unit_code))
        if bidang:
            rows.append(
                [
                    unit_code,
                    f"{bidang[0]}.01.2.02.0001",
                    "",
                    "Pegawai yang menerima gaji",
                    "12",
                    "orang/bulan",
                    "2400000000",
                ]
            )
    path = _write(base / "rkpd.csv", [c.key for c in YEAR_COLUMNS], rows)
    plan = plan_import(path, actor=actor, pemda_code=pemda.code, kind=PlanKind.RKPD, year=YEAR).plan
    items = {
        (r.unit.code, r.code, r.location_id or ""): r
        for r in PlanRow.objects.filter(plan=plan).select_related("unit", "plan")
        if r.unit is not None
    }
    links: list[tuple[Proposal, PlanRow, Decimal | None]] = [
        (proposal, items[key], amount) for key, members in groups.items() for proposal, amount in members
    ]
    proposals_fund_many(actor=actor, links=links)
    plan_adopt(actor=actor, plan=plan)
    for unit_code in agencies:
        own = [row for row in rows if row[0] == unit_code]
        renja = _write(base / f"renja-{unit_code}.csv", [c.key for c in YEAR_COLUMNS], own)
        plan_import(
            renja, actor=actor, pemda_code=pemda.code, kind=PlanKind.RENJA, year=YEAR, unit_code=unit_code
        )
    return len(links), len(agencies)
