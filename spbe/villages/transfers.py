"""Every write on transfer scenarios: simulate one with the engine, import the published Dana Desa, adopt one.

Each service checks the actor's capability (:data:`~spbe.villages.transfers_access.TRANSFER`), validates
everything before writing, and writes the scenario, its per-desa rows and the audit entry in one
transaction. The engine itself is :mod:`spbe.villages.allocation`; this module maps its desa codes onto
the pemda's village governments and keeps the result. An adopted scenario is frozen: no service changes
it, and adopting another one of the same pemda, year and kind un-adopts it in the same transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spbe.accounts.access import Place
from spbe.accounts.models import Pemda, VillageGovernment
from spbe.core import audit
from spbe.core.actors import MaybeActor, is_person
from spbe.core.errors import Conflict, ImportFailed, RowError, ValidationFailed
from spbe.core.money import MoneyError, parse_rupiah, to_sen
from spbe.core.tabular import Column, ErrorCollector, read_table

from .allocation import (
    KODE_DESA,
    NAMA_DESA,
    AllocationConfig,
    AllocationResult,
    VillageIndicators,
    allocate_transfers,
    parse_config,
    plain_amount,
    read_villages,
)
from .models_transfers import ScenarioSource, TransferAllocation, TransferKind, TransferScenario
from .transfers_access import TRANSFER

MIN_YEAR, MAX_YEAR = 2000, 2100
PAGU = "pagu"


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed(_("Nama skenario wajib diisi."), field="name")
    if len(name) > TransferScenario._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ValidationFailed(_("Nama skenario terlalu panjang (paling banyak 120 karakter)."), field="name")
    return name


def _check_year_kind(year: int, kind: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            _("Tahun anggaran harus antara %(min)d dan %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            field="year",
        )
    if kind not in TransferKind.values:
        raise ValidationFailed(_("Jenis transfer tidak dikenal: %(kind)s.") % {"kind": kind}, field="kind")


def _villages_by_code(
    pemda: Pemda, codes: Sequence[tuple[str, int]], file: str
) -> dict[str, VillageGovernment]:
    """Every desa of the pemda by code; ImportFailed for a code that is not one of them, or a desa left out.

    A desa left out of the table would receive nothing, which is never what a regency means to decide.
    """
    villages = {v.region_id: v for v in VillageGovernment.objects.filter(pemda=pemda)}
    if not villages:
        raise ValidationFailed(_("Pemda ini belum memiliki desa; transfer tidak dapat dialokasikan."))
    errors = ErrorCollector()
    for code, row in codes:
        if code not in villages:
            errors.add(
                RowError(
                    row,
                    _("'%(code)s' bukan kode desa di pemda ini (kelurahan tidak menerima transfer desa)")
                    % {"code": code},
                    KODE_DESA,
                    file,
                )
            )
    listed = {code for code, _row in codes}
    last_row = max((row for _code, row in codes), default=1)
    for code in sorted(set(villages) - listed):
        errors.add(
            RowError(
                last_row,
                _("desa %(code)s (%(name)s) tidak ada di berkas")
                % {"code": code, "name": villages[code].name},
                KODE_DESA,
                file,
            )
        )
    if errors:
        raise errors.failure(
            _("Berkas %(file)s tidak cocok dengan desa pemda ini: %(count)d masalah.")
            % {"file": file, "count": errors.total}
        )
    return villages


def _result_hash(rows: Sequence[tuple[str, int, int, int, int]]) -> str:
    """SHA-256 of the table as RESULT.csv with two decimals, rows by code: the same figures, the same hash."""
    lines = ["kode_desa,siltap,alokasi_dasar,alokasi_proporsional,jumlah"]
    for code, *amounts in sorted(rows):
        lines.append(",".join([code, *(plain_amount(sen, whole=False) for sen in amounts)]))
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _create(
    *,
    actor: MaybeActor,
    pemda: Pemda,
    year: int,
    kind: str,
    name: str,
    source: str,
    config: dict[str, Any],
    rows: list[tuple[VillageGovernment, int, int, int, int, int, dict[str, str]]],
) -> TransferScenario:
    """Write the scenario, its rows and the audit entry (rows: desa, then amounts in sen, then indicators)."""
    table = [(v.region_id, s, d, p, j) for v, s, d, p, j, _need, _ind in rows]
    total_sen = sum(j for _v, _s, _d, _p, j, _need, _ind in rows)
    scenario = TransferScenario(
        pemda=pemda,
        year=year,
        kind=kind,
        name=name,
        source=source,
        config=config,
        total=Decimal(total_sen) / 100,
        desa_count=len(rows),
        result_hash=_result_hash(table),
        created_by=actor if is_person(actor) else None,  # type: ignore[misc]
    )
    try:
        with transaction.atomic():
            if TransferScenario.objects.filter(pemda=pemda, year=year, kind=kind, name=name).exists():
                raise ValidationFailed(
                    _("Skenario %(kind)s %(year)d bernama '%(name)s' sudah ada; pilih nama lain.")
                    % {"kind": kind, "year": year, "name": name},
                    field="name",
                )
            scenario.save()
            TransferAllocation.objects.bulk_create(
                [
                    TransferAllocation(
                        scenario=scenario,
                        village=village,
                        siltap=Decimal(s) / 100,
                        alokasi_dasar=Decimal(d) / 100,
                        alokasi_proporsional=Decimal(p) / 100,
                        jumlah=Decimal(j) / 100,
                        siltap_need=Decimal(need) / 100,
                        indicators=indicators,
                    )
                    for village, s, d, p, j, need, indicators in rows
                ],
                batch_size=2_000,
            )
            audit.record(
                actor=actor,
                action=f"transfer_scenario.{'import' if source == ScenarioSource.PUBLISHED else 'simulate'}",
                obj=scenario,
                pemda_code=pemda.code,
                after={
                    "year": year,
                    "kind": kind,
                    "name": name,
                    "source": source,
                    "config": config,
                    "total": str(scenario.total),
                    "desa_count": len(rows),
                    "result_hash": scenario.result_hash,
                },
            )
    except IntegrityError as exc:
        # Two people saving the same name at once: the unique constraint decides, and says so plainly.
        raise Conflict(_("Skenario dengan nama ini baru saja dibuat orang lain; pilih nama lain.")) from exc
    return scenario


def transfer_scenario_simulate(
    *,
    actor: MaybeActor,
    pemda: Pemda,
    year: int,
    kind: str,
    name: str,
    config: Mapping[str, Any] | AllocationConfig,
    indicators: Path | str,
) -> TransferScenario:
    """Allocate ``config`` over the desa in the ``indicators`` table (CSV or XLSX) and keep it as a scenario.

    The table must list every desa of the pemda, once, with its indicators (as ``spbe allocate_transfers``
    reads them). Nothing is written unless the whole allocation succeeds.
    """
    TRANSFER.require(actor, Place.of_pemda(pemda), "simulate")
    _check_year_kind(year, kind)
    name = _clean_name(name)
    checked = config if isinstance(config, AllocationConfig) else parse_config(config)
    path = Path(indicators)
    table = read_villages(path, checked)
    villages = _villages_by_code(pemda, [(v.kode_desa, v.row) for v in table], path.name)
    result: AllocationResult = allocate_transfers(checked, table)
    by_code: dict[str, VillageIndicators] = {v.kode_desa: v for v in table}
    rows: list[tuple[VillageGovernment, int, int, int, int, int, dict[str, str]]] = []
    for allocation in result.rows:
        source_row = by_code[allocation.kode_desa]
        shown = {key: str(value) for key, value in source_row.indicators.items()}
        if checked.siltap is not None:
            shown["jumlah_perangkat_lain"] = str(source_row.officials)
        rows.append(
            (
                villages[allocation.kode_desa],
                allocation.siltap_sen,
                allocation.dasar_sen,
                allocation.proporsional_sen,
                allocation.jumlah_sen,
                allocation.need_sen,
                shown,
            )
        )
    return _create(
        actor=actor,
        pemda=pemda,
        year=year,
        kind=kind,
        name=name,
        source=ScenarioSource.FORMULA,
        config=checked.as_json(),
        rows=rows,
    )


def transfer_scenario_import_published(
    *, actor: MaybeActor, pemda: Pemda, year: int, name: str, path: Path | str
) -> TransferScenario:
    """Record the nationally published Dana Desa per desa (``kode_desa``, ``pagu``) as a DD scenario.

    Amounts are read by the product's one parser (``1.234.567.000`` and ``1234567000`` alike); every desa
    of the pemda must be listed once. The published table has no components, so only ``jumlah`` is set.
    """
    TRANSFER.require(actor, Place.of_pemda(pemda), "simulate")
    _check_year_kind(year, TransferKind.DD)
    name = _clean_name(name)
    path = Path(path)
    table = read_table(
        path,
        [Column(KODE_DESA, max_length=40), Column(PAGU, max_length=40), Column(NAMA_DESA, required=False)],
    )
    errors = ErrorCollector()
    amounts: dict[str, int] = {}
    first_row: dict[str, int] = {}
    for row in table:
        code = row.values[KODE_DESA]
        if not code:
            errors.add(RowError(row.row, _("kode desa kosong"), KODE_DESA, row.file))
            continue
        if code in first_row:
            errors.add(
                RowError(
                    row.row,
                    _("kode desa '%(code)s' sudah ada di baris %(row)d")
                    % {"code": code, "row": first_row[code]},
                    KODE_DESA,
                    row.file,
                )
            )
            continue
        first_row[code] = row.row
        try:
            pagu = parse_rupiah(row.values[PAGU], field=PAGU)
        except MoneyError as exc:
            errors.add(RowError(row.row, exc.message, PAGU, row.file))
            continue
        if pagu < 0:
            errors.add(RowError(row.row, _("pagu tidak boleh negatif"), PAGU, row.file))
            continue
        amounts[code] = to_sen(pagu)
    if errors:
        raise errors.failure(
            _("Berkas %(file)s tidak dibaca: %(count)d isian tidak sah. Perbaiki lalu ulangi.")
            % {"file": path.name, "count": errors.total}
        )
    if not table:
        raise ImportFailed(
            _("Berkas %(file)s tidak memuat satu desa pun.") % {"file": path.name},
            [RowError(2, _("tidak ada baris desa di bawah judul kolom"), None, path.name)],
        )
    villages = _villages_by_code(pemda, list(first_row.items()), path.name)
    rows: list[tuple[VillageGovernment, int, int, int, int, int, dict[str, str]]] = [
        (villages[code], 0, 0, 0, sen, 0, {}) for code, sen in sorted(amounts.items())
    ]
    return _create(
        actor=actor,
        pemda=pemda,
        year=year,
        kind=TransferKind.DD,
        name=name,
        source=ScenarioSource.PUBLISHED,
        config={},
        rows=rows,
    )


def transfer_scenario_adopt(*, actor: MaybeActor, scenario: TransferScenario) -> TransferScenario:
    """Adopt ``scenario`` as its pemda's allocation of its kind and year, un-adopting the previous one.

    The scenarios of that pemda, year and kind are locked first, so two adoptions never interleave: the
    second waits, then finds the state the first left. Adopting the adopted scenario again is a Conflict.
    """
    TRANSFER.require(actor, scenario.place(), "adopt")
    try:
        return _adopt(actor, scenario)
    except IntegrityError as exc:
        # The lock in _adopt keeps adoptions apart; should a write ever bypass it, the one-adopted
        # constraint still refuses the second, and the user hears why rather than meeting a server error.
        raise Conflict(
            _("Skenario lain baru saja ditetapkan untuk jenis dan tahun ini; muat ulang halaman.")
        ) from exc


def _adopt(actor: MaybeActor, scenario: TransferScenario) -> TransferScenario:
    with transaction.atomic():
        group = list(
            TransferScenario.objects.select_for_update()
            .filter(pemda_id=scenario.pemda_id, year=scenario.year, kind=scenario.kind)
            .order_by("pk")
        )
        target = next((s for s in group if s.pk == scenario.pk), None)
        if target is None:
            raise Conflict(_("Skenario ini tidak ditemukan lagi."))
        if target.adopted:
            raise Conflict(_("Skenario ini sudah ditetapkan."))
        previous = next((s for s in group if s.adopted), None)
        now = timezone.now()
        if previous is not None:
            # Un-adopt first: the one-adopted constraint is checked row by row, not at commit.
            previous.adopted, previous.adopted_at, previous.adopted_by = False, None, None
            previous.save(update_fields=["adopted", "adopted_at", "adopted_by", "updated_at"])
            audit.record(
                actor=actor,
                action="transfer_scenario.unadopt",
                obj=previous,
                pemda_code=previous.pemda_id,
                before={"adopted": True},
                after={"adopted": False, "replaced_by": target.pk},
            )
        target.adopted, target.adopted_at = True, now
        target.adopted_by = actor if is_person(actor) else None  # type: ignore[assignment]
        target.save(update_fields=["adopted", "adopted_at", "adopted_by", "updated_at"])
        audit.record(
            actor=actor,
            action="transfer_scenario.adopt",
            obj=target,
            pemda_code=target.pemda_id,
            before={"adopted": False},
            after={
                "adopted": True,
                "replaces": previous.pk if previous is not None else None,
                "total": str(target.total),
                "result_hash": target.result_hash,
            },
        )
    return target


def transfer_scenario_rename(*, actor: MaybeActor, scenario: TransferScenario, name: str) -> TransferScenario:
    """Rename a scenario that is not adopted; an adopted scenario is frozen (Conflict)."""
    TRANSFER.require(actor, scenario.place(), "simulate")
    name = _clean_name(name)
    with transaction.atomic():
        current = TransferScenario.objects.select_for_update().get(pk=scenario.pk)
        if current.adopted:
            raise Conflict(_("Skenario yang sudah ditetapkan tidak dapat diubah."))
        if name == current.name:
            return current
        if (
            TransferScenario.objects.filter(
                pemda_id=current.pemda_id, year=current.year, kind=current.kind, name=name
            )
            .exclude(pk=current.pk)
            .exists()
        ):
            raise ValidationFailed(
                _("Nama '%(name)s' sudah dipakai skenario lain.") % {"name": name}, field="name"
            )
        before = current.name
        current.name = name
        current.save(update_fields=["name", "updated_at"])
        audit.record(
            actor=actor,
            action="transfer_scenario.rename",
            obj=current,
            pemda_code=current.pemda_id,
            before={"name": before},
            after={"name": name},
        )
    return current
