"""Importing a pemda's standard price lists (SSH, SBU, HSPK, ASB) for a year, all rows or none.

Columns ``kode, nama, spesifikasi, satuan, harga``. Existing codes of the same list are updated, new ones
added; the lists live in ``spbe.reference`` (``StandardPrice``), the TAPD imports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from spbe.accounts.access import Place
from spbe.accounts.models import Pemda
from spbe.core import audit
from spbe.core.actors import MaybeActor
from spbe.core.errors import Conflict, RowError, SpbeError, ValidationFailed
from spbe.core.money import parse_rupiah
from spbe.core.tabular import Column, ErrorCollector, read_table
from spbe.core.text import clean_name
from spbe.reference.models import StandardPrice

from .access import BUDGET

COLUMNS = [
    Column("kode", max_length=40),
    Column("nama", max_length=500),
    Column("spesifikasi", required=False, max_length=5_000),
    Column("satuan", max_length=40),
    Column("harga", max_length=40),
]


@dataclass
class PriceImport:
    file: str
    rows: int = 0
    created: int = 0
    updated: int = 0


def standard_prices_import(
    *, actor: MaybeActor, pemda: Pemda, year: int, kind: str, path: Path | str
) -> PriceImport:
    """Add or update the items of one standard price list of ``year`` from a CSV or XLSX file."""
    BUDGET.require(actor, Place.of_pemda(pemda), "manage")
    if kind not in StandardPrice.Kind.values:
        raise ValidationFailed(
            _("Jenis daftar harga %(kind)s tidak dikenal (ssh, sbu, hspk, asb).") % {"kind": kind},
            field="kind",
        )
    path = Path(path)
    errors = ErrorCollector()
    items: dict[str, tuple[str, str, str, Decimal]] = {}
    first_row: dict[str, int] = {}
    for row in read_table(path, COLUMNS):
        values = row.values
        code = values["kode"].strip()
        good = True
        if not code:
            errors.add(RowError(row.row, _("kode wajib diisi"), "kode", row.file))
            good = False
        elif code in first_row:
            errors.add(
                RowError(
                    row.row,
                    _("kode %(code)s sudah ada di baris %(row)d") % {"code": code, "row": first_row[code]},
                    "kode",
                    row.file,
                )
            )
            good = False
        first_row.setdefault(code, row.row)
        try:
            name = clean_name(values["nama"], label=_("Nama"), max_length=500)
        except SpbeError as exc:
            errors.add(RowError(row.row, exc.message, "nama", row.file))
            good = False
        satuan = " ".join(values["satuan"].split())
        if not satuan:
            errors.add(RowError(row.row, _("satuan wajib diisi"), "satuan", row.file))
            good = False
        try:
            price = parse_rupiah(values["harga"], field="harga")
            if price < 0:
                raise ValidationFailed(_("harga tidak boleh negatif"), field="harga")
        except SpbeError as exc:
            errors.add(RowError(row.row, exc.message, "harga", row.file))
            good = False
        if good:
            items[code] = (name, values.get("spesifikasi", "").strip(), satuan, price)
    if errors:
        raise errors.failure(
            _("Berkas %(file)s tidak diimpor: %(count)d isian tidak sah.")
            % {"file": path.name, "count": errors.total}
        )
    summary = PriceImport(file=path.name, rows=len(items))
    try:
        with transaction.atomic():
            existing = {
                p.code: p
                for p in StandardPrice.objects.select_for_update(of=("self",)).filter(
                    pemda=pemda, year=year, kind=kind
                )
            }
            new, changed = [], []
            for code, (name, spec, satuan, price) in items.items():
                item = existing.get(code)
                if item is None:
                    new.append(
                        StandardPrice(
                            pemda=pemda,
                            year=year,
                            kind=kind,
                            code=code,
                            name=name,
                            specification=spec,
                            unit=satuan,
                            price=price,
                        )
                    )
                elif (item.name, item.specification, item.unit, item.price) != (name, spec, satuan, price):
                    item.name, item.specification, item.unit, item.price = name, spec, satuan, price
                    changed.append(item)
            StandardPrice.objects.bulk_create(new, batch_size=2000)
            StandardPrice.objects.bulk_update(
                changed, ["name", "specification", "unit", "price"], batch_size=2000
            )
            summary.created, summary.updated = len(new), len(changed)
            audit.record(
                actor=actor,
                action="budget.standard_prices_import",
                object_type="reference.standardprice",
                object_id=f"{year}-{kind}",
                pemda_code=pemda.code,
                after={
                    "file": path.name,
                    "year": year,
                    "kind": kind,
                    "created": len(new),
                    "updated": len(changed),
                },
            )
    except IntegrityError:
        raise Conflict(_("Daftar harga ini diubah bersamaan oleh orang lain; ulangi impor.")) from None
    return summary
