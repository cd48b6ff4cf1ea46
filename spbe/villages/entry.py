"""Line entry on the staff pages: change or remove a draft's line, start a perubahan, and the page's reads.

Adding a line is :func:`services.apbdes_line_save` (idempotent per key). Changing and removing carry what
the operator saw (:func:`line_fingerprint` of the line when the form was drawn) and are re-checked under the
version's row lock: if someone else changed or removed the line meanwhile, the write is refused with a
message, never a silent overwrite of the other person's work.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from spbe.core import audit, versions
from spbe.core.actors import MaybeActor
from spbe.core.errors import Conflict, NotFound
from spbe.reference.models import VillageAccount, VillageActivity

from . import priorities, selectors
from .access import APBDES
from .models import LINE_SPEC, AccountName, Apbdes, ApbdesLine, LineNote, Origin
from .rules import budget_problems
from .services import LineData, _checked

ZERO = Decimal("0.00")


def line_fingerprint(line: ApbdesLine) -> str:
    """What a form saw of a line: every field an operator can change, hashed (16 hex digits)."""
    text = "\x1f".join(
        [
            str(line.pk),
            line.account_code,
            line.activity_code,
            line.source_code,
            line.description,
            format(line.amount, "f"),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _locked_line(apbdes: Apbdes, line_id: int, seen: str) -> tuple[Apbdes, ApbdesLine]:
    """Lock the draft, then find the line as the form saw it; Conflict if it is gone or changed."""
    locked = versions.ensure_draft(apbdes)
    assert isinstance(locked, Apbdes)
    if locked.stage != Apbdes.Stage.DRAFT:
        raise Conflict(
            _("APBDes sedang dalam tahap '%(stage)s'; rincian hanya dapat diubah pada tahap draf.")
            % {"stage": locked.get_stage_display()}
        )
    line = ApbdesLine.objects.filter(apbdes_id=apbdes.pk, pk=line_id).first()
    if line is None:
        raise Conflict(_("Rincian ini sudah dihapus oleh pengguna lain; muat ulang halaman."))
    if line_fingerprint(line) != seen:
        raise Conflict(
            _(
                "Rincian ini sudah diubah oleh pengguna lain sejak formulir dibuka; perubahan Anda tidak "
                "disimpan. Periksa isi terbaru lalu ubah lagi bila perlu."
            )
        )
    return locked, line


def _money(value: object) -> object:
    return format(value, "f") if isinstance(value, Decimal) else value


def apbdes_line_change(
    *, actor: MaybeActor, apbdes: Apbdes, line_id: int, seen: str, data: LineData
) -> ApbdesLine:
    """Change a line of a draft, refused if it changed since the form showed it (``seen``)."""
    APBDES.require(actor, apbdes.place(), "edit")
    fields = _checked(apbdes, data)
    with transaction.atomic():
        _locked, line = _locked_line(apbdes, line_id, seen)
        before = {name: _money(getattr(line, name)) for name in fields} | {"number": line.number}
        if (fields["account_code"], fields["activity_code"]) != (line.account_code, line.activity_code):
            # A line moved to another account or kegiatan takes the next number there (its key).
            line.number = (
                ApbdesLine.objects.filter(
                    apbdes_id=apbdes.pk,
                    activity_code=fields["activity_code"],
                    account_code=fields["account_code"],
                    sub_code=line.sub_code,
                ).aggregate(last=Max("number"))["last"]
                or 0
            ) + 1
        for name, value in fields.items():
            setattr(line, name, value)
        line.save()
        audit.record(
            actor=actor,
            action="apbdes.line_change",
            obj=line,
            pemda_code=apbdes.pemda_id,
            before=before,
            after={name: _money(value) for name, value in fields.items()} | {"number": line.number},
        )
    return line


def apbdes_line_remove(*, actor: MaybeActor, apbdes: Apbdes, line_id: int, seen: str) -> None:
    """Remove a line of a draft, refused if it changed since the form showed it."""
    APBDES.require(actor, apbdes.place(), "edit")
    with transaction.atomic():
        _locked, line = _locked_line(apbdes, line_id, seen)
        audit.record(
            actor=actor,
            action="apbdes.line_remove",
            obj=line,
            pemda_code=apbdes.pemda_id,
            before={
                "apbdes": apbdes.pk,
                "account_code": line.account_code,
                "activity_code": line.activity_code,
                "number": line.number,
                "source_code": line.source_code,
                "amount": _money(line.amount),
            },
        )
        line.delete()


def apbdes_revise(*, actor: MaybeActor, apbdes: Apbdes) -> Apbdes:
    """Start an APBDes perubahan as a draft copy of the adopted version ``apbdes`` (its lines, not its
    notes). Refused unless ``apbdes`` is the desa's latest version and adopted; a budget kept in Siskeudes
    is revised in Siskeudes and imported again."""
    APBDES.require(actor, apbdes.place(), "edit")
    with transaction.atomic():
        latest = (
            Apbdes.objects.select_for_update(of=("self",))
            .filter(village_id=apbdes.village_id, year=apbdes.year)
            .order_by("-number")
            .first()
        )
        if latest is None or latest.pk != apbdes.pk or latest.stage != Apbdes.Stage.ADOPTED:
            raise Conflict(_("Perubahan hanya dapat dibuat dari versi terakhir yang sudah ditetapkan."))
        if latest.origin != Origin.ENTRY:
            raise Conflict(
                _(
                    "APBDes ini berasal dari Siskeudes: perubahannya dibuat di Siskeudes lalu diimpor lagi. "
                    "Satu desa satu sumber per tahun."
                )
            )
        draft = versions.copy_to_draft(
            latest,
            LINE_SPEC,
            actor=actor,
            values={
                "pemda_id": latest.pemda_id,
                "village_id": latest.village_id,
                "year": latest.year,
                "number": latest.number + 1,
                "label": _("APBDes perubahan %(n)d") % {"n": latest.number},
                "kind": Apbdes.Kind.PERUBAHAN,
                "origin": Origin.ENTRY,
                "stage": Apbdes.Stage.DRAFT,
            },
            action="apbdes.revise",
        )
    assert isinstance(draft, Apbdes)
    return draft


# --- reads of the staff page ------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A line as the page shows it: with the camat's notes and the fingerprint its forms carry."""

    line: ApbdesLine
    notes: list[LineNote]
    seen: str


@dataclass
class Group:
    """One heading of the APBDes as it is read, with its lines or sub-headings and its total."""

    code: str
    name: str
    total: Decimal = ZERO
    lines: list[Row] = field(default_factory=list)
    children: list[Group] = field(default_factory=list)


@dataclass
class Page:
    revenue: list[Group]
    expenditure: list[Group]  # bidang > sub-bidang > kegiatan > lines
    by_type: list[Group]  # expenditure by economic type (5.1 ... 5.4), totals only
    financing: list[Group]
    totals: dict[str, Decimal]
    problems: list[str]
    findings: list[priorities.Finding]
    regulation: str
    lines: list[ApbdesLine]
    rows: list[Row]  # every line in the order the APBDes is read: revenue, expenditure, financing


def _names(year: int, codes: set[str]) -> dict[str, str]:
    names = dict(VillageAccount.objects.filter(year=year, code__in=codes).values_list("code", "name"))
    deeper = codes - names.keys()
    if deeper:
        names.update(AccountName.objects.filter(year=year, code__in=deeper).values_list("code", "name"))
    return names


def _breakable(name: str) -> str:
    """Official names join words with "/" and no space ("Pembangunan/Rehabilitasi/Peningkatan"), which a
    browser never breaks: a zero-width space after each slash lets a phone wrap them."""
    return name.replace("/", "/\u200b")


def _tree_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split(".") if part.isdigit())


def page(apbdes: Apbdes) -> Page:
    """The draft (or adopted) version as the APBDes is read, with its checks: a fixed number of queries."""
    lines = selectors.lines_of(apbdes)
    notes: defaultdict[int, list[LineNote]] = defaultdict(list)
    for note in LineNote.objects.filter(line__apbdes=apbdes).select_related("author"):
        notes[note.line_id].append(note)
    rows = {line.pk: Row(line, notes.get(line.pk, []), line_fingerprint(line)) for line in lines}
    jenis_codes = {".".join(line.account_code.split(".")[:3]) for line in lines}
    kelompok_codes = {".".join(line.account_code.split(".")[:2]) for line in lines}
    names = _names(apbdes.year, jenis_codes | kelompok_codes | {"5.1", "5.2", "5.3", "5.4"})
    activities = dict(
        VillageActivity.objects.filter(
            year=apbdes.year,
            code__in={
                code
                for line in lines
                if line.activity_code
                for code in (
                    line.activity_code[:2],
                    line.activity_code[:5],
                    line.activity_code,
                )
            },
        ).values_list("code", "name")
    )
    activities = {code: _breakable(name) for code, name in activities.items()}

    def by_account(prefix: str) -> list[Group]:
        """Kelompok > jenis > lines of the lines under ``prefix`` (revenue, financing)."""
        kelompok: dict[str, Group] = {}
        jenis: dict[str, Group] = {}
        for line in lines:
            if not line.account_code.startswith(prefix):
                continue
            k = ".".join(line.account_code.split(".")[:2])
            j = ".".join(line.account_code.split(".")[:3])
            top = kelompok.setdefault(k, Group(k, names.get(k, "")))
            if j not in jenis:
                jenis[j] = Group(j, names.get(j, ""))
                top.children.append(jenis[j])
            jenis[j].lines.append(rows[line.pk])
            jenis[j].total += line.amount
            top.total += line.amount
        for top in kelompok.values():
            top.children.sort(key=lambda g: _tree_key(g.code))
        return sorted(kelompok.values(), key=lambda g: _tree_key(g.code))

    bidang: dict[str, Group] = {}
    sub: dict[str, Group] = {}
    kegiatan: dict[str, Group] = {}
    by_type: dict[str, Group] = {}
    for line in lines:
        if not line.account_code.startswith("5."):
            continue
        code = line.activity_code
        b, s = code[:2], code[:5]
        top = bidang.setdefault(b, Group(b, activities.get(b, "")))
        if s not in sub:
            sub[s] = Group(s, activities.get(s, ""))
            top.children.append(sub[s])
        if code not in kegiatan:
            kegiatan[code] = Group(code, activities.get(code, ""))
            sub[s].children.append(kegiatan[code])
        kegiatan[code].lines.append(rows[line.pk])
        for group in (top, sub[s], kegiatan[code]):
            group.total += line.amount
        kind = ".".join(line.account_code.split(".")[:2])
        by_type.setdefault(kind, Group(kind, names.get(kind, ""))).total += line.amount
    for group in [*bidang.values(), *sub.values()]:
        group.children.sort(key=lambda g: g.code)

    revenue, financing = by_account("4."), by_account("6.")
    expenditure = sorted(bidang.values(), key=lambda g: g.code)
    in_order = [
        *(row for g in revenue for j in g.children for row in j.lines),
        *(row for b in expenditure for s_ in b.children for k in s_.children for row in k.lines),
        *(row for g in financing for j in g.children for row in j.lines),
    ]
    totals_row = selectors.apbdes_totals(apbdes)
    findings = priorities.check(apbdes, lines)
    problems = budget_problems(totals_row) + [f.message() for f in findings if f.refuses]
    return Page(
        revenue=revenue,
        expenditure=expenditure,
        by_type=sorted(by_type.values(), key=lambda g: _tree_key(g.code)),
        financing=financing,
        totals={
            "revenue": totals_row.revenue,
            "expenditure": totals_row.expenditure,
            "financing_in": totals_row.financing_in,
            "financing_out": totals_row.financing_out,
            "financing_net": totals_row.financing_in - totals_row.financing_out,
            "surplus": totals_row.surplus,
            "government": totals_row.government,
        },
        problems=problems,
        findings=findings,
        regulation=priorities.rules_for(apbdes.year).describe(apbdes.year),
        lines=lines,
        rows=in_order,
    )


def version_for(apbdes: Apbdes, pk: int) -> ApbdesLine:
    """A line of this version (NotFound for a line of another version or desa)."""
    line = ApbdesLine.objects.filter(apbdes_id=apbdes.pk, pk=pk).first()
    if line is None:
        raise NotFound(_("Rincian tidak ditemukan."))
    return line
