"""A plan as a table (CSV or XLSX through :mod:`spbe.core.exports`), in exactly the columns its import reads,
plus the names the import ignores: an exported plan imports again unchanged."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse

from spbe.core.exports import Column, export_response

from . import selectors_plans
from .models_plans import PERIOD_KINDS, PERIOD_YEARS, STATEMENT_KINDS, Plan, PlanRow
from .plans import VISION


@dataclass(frozen=True)
class _Vision:
    """The RPJMD's vision as the first row of its table."""

    text: str


def _cell(row: PlanRow | _Vision, name: str) -> Any:
    if isinstance(row, _Vision):
        return {"jenis": VISION, "uraian": row.text}.get(name, "")
    return getattr(row, name)


def _unit_code(row: PlanRow | _Vision) -> str:
    return row.unit.code if isinstance(row, PlanRow) and row.unit else ""


def _unit_name(row: PlanRow | _Vision) -> str:
    return row.unit.name if isinstance(row, PlanRow) and row.unit else ""


def _target_of(n: int) -> Callable[[PlanRow | _Vision], Decimal | None]:
    return lambda row: None if isinstance(row, _Vision) else getattr(row, f"target_{n}")


def _ceiling_of(n: int) -> Callable[[PlanRow | _Vision], Decimal | None]:
    # Statements carry no money: blank, as the import expects them.
    return lambda row: (
        None if isinstance(row, _Vision) or row.row_kind in STATEMENT_KINDS else getattr(row, f"ceiling_{n}")
    )


PERIOD_EXPORT = [
    Column("jenis", lambda r: _cell(r, "jenis") if isinstance(r, _Vision) else r.row_kind, width=12),
    Column("kode", lambda r: _cell(r, "code"), width=20),
    Column("uraian", lambda r: _cell(r, "uraian") if isinstance(r, _Vision) else r.name, width=50),
    Column("induk", lambda r: _cell(r, "parent_code"), width=10),
    Column("kode_skpd", _unit_code, width=24),
    Column("nama_skpd", _unit_name, width=30),
    Column("indikator", lambda r: _cell(r, "indicator"), width=40),
    Column("satuan", lambda r: _cell(r, "measure"), width=12),
    Column("baseline", lambda r: _cell(r, "baseline") or None, kind="number", width=12),
    *(Column(f"target_{n}", _target_of(n), kind="number", width=12) for n in range(1, PERIOD_YEARS + 1)),
    *(Column(f"pagu_{n}", _ceiling_of(n), kind="money", width=20) for n in range(1, PERIOD_YEARS + 1)),
]

YEAR_EXPORT = [
    Column("kode_skpd", _unit_code, width=24),
    Column("nama_skpd", _unit_name, width=30),
    Column("kode_sub_kegiatan", lambda r: r.code, width=20),
    Column("nama_sub_kegiatan", lambda r: r.name, width=50),
    Column("lokasi", lambda r: r.location_id or "kabupaten", width=16),
    Column("nama_lokasi", lambda r: r.location.name if r.location else "", width=24),
    Column("indikator_keluaran", lambda r: r.indicator, width=40),
    Column("target", lambda r: r.target_1, kind="number", width=10),
    Column("satuan", lambda r: r.measure, width=12),
    Column("pagu_indikatif", lambda r: r.ceiling_1, kind="money", width=20),
]


def export_rows(plan: Plan) -> Iterator[PlanRow | _Vision]:
    if plan.is_period and plan.vision:
        yield _Vision(plan.vision)
    yield from selectors_plans.rows_of(plan).iterator(chunk_size=2000)


def filename(plan: Plan, fmt: str) -> str:
    unit = f"-{plan.unit.code}" if plan.unit else ""
    return f"{plan.kind}-{plan.pemda_id}-{plan.period_label}{unit}.{fmt}"


def plan_export(plan: Plan, fmt: str) -> StreamingHttpResponse | FileResponse:
    columns = PERIOD_EXPORT if plan.kind in PERIOD_KINDS else YEAR_EXPORT
    return export_response(
        fmt, export_rows(plan), columns, filename=filename(plan, fmt), sheet_title=plan.kind.upper()
    )


def export_bytes(plan: Plan, fmt: str) -> bytes:
    """The same file as the download, for the command line."""
    response = plan_export(plan, fmt)
    content = response.streaming_content
    assert isinstance(content, Iterator)  # the exports stream synchronously
    return b"".join(bytes(chunk) for chunk in content)
