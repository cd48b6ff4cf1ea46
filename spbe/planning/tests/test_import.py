"""``spbe import_proposals``: all or nothing, every bad row named, one public id per line on success."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from openpyxl import Workbook

from spbe.core.models import AuditEntry
from spbe.planning.management.commands.import_proposals import Command
from spbe.planning.models import Decision, Proposal, ProposalCounter, Proposer, Stage

from .helpers import new_proposal

pytestmark = pytest.mark.django_db

HEADER = [
    "kode_desa", "sumber", "judul", "masalah", "alamat", "lat", "lon", "bidang", "kode_skpd", "volume",
    "satuan", "perkiraan_biaya", "penerima_manfaat", "swadaya", "nama_pengusul", "nik_pengusul",
    "telepon_pengusul",
]  # fmt: skip


def row(**changes: str) -> list[str]:
    values = {
        "kode_desa": "35.10.02.2001",
        "sumber": "musrenbang",
        "judul": "Rehab jalan dusun Krajan",
        "masalah": "Jalan rusak",
        "alamat": "Dusun Krajan RT 02",
        "lat": "-8,512345",
        "lon": "114.123456",
        "bidang": "1.03",
        "kode_skpd": "",
        "volume": "1,5",
        "satuan": "km",
        "perkiraan_biaya": "Rp 1.250.000.000,50",
        "penerima_manfaat": "1.200",
        "swadaya": "",
        "nama_pengusul": "Budi Santoso",
        "nik_pengusul": "3510021234567890",
        "telepon_pengusul": "0812 3456 7890",
    }
    values.update(changes)
    return [values[key] for key in HEADER]


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def run(path, pemda="35.10", year=2028):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_proposals", str(path), pemda=pemda, year=year, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_good_file_is_imported_with_one_public_id_per_line_in_file_order(world, tmp_path):
    new_proposal(world)  # number 1 is taken: the import continues after it
    path = write_csv(
        tmp_path / "usulan.csv",
        [
            row(),
            row(kode_desa="35.10.03.2001", judul="Sumur bor", lat="", lon="", swadaya="2.000.000"),
            row(sumber="renja", kode_skpd=world.unit_a.code, judul="Jembatan"),
        ],
    )
    out, err = run(path)
    assert err == ""
    assert out.splitlines() == ["35.10-2028-000002", "35.10-2028-000003", "35.10-2028-000004"]
    first = Proposal.objects.get(public_id="35.10-2028-000002")
    assert (first.village, first.state, first.estimated_cost) == (
        world.desa_x,
        Stage.DESA,
        Decimal("1250000000.50"),
    )
    assert (first.volume, first.latitude, first.beneficiaries) == (
        Decimal("1.50"),
        Decimal("-8.512345"),
        1200,
    )
    assert Proposer.objects.get(proposal=first).nik == "3510021234567890"
    second = Proposal.objects.get(public_id="35.10-2028-000003")
    assert second.latitude is None and second.community_contribution == Decimal("2000000.00")
    renja = Proposal.objects.get(public_id="35.10-2028-000004")
    assert (renja.state, renja.suggested_unit) == (Stage.AGENCY, world.unit_a)
    assert Decision.objects.filter(action="import").count() == 3
    entries = AuditEntry.objects.filter(action="proposal.import", pemda_code="35.10")
    assert entries.count() == 3 and {e.actor_label for e in entries} == {"sistem:import_proposals"}
    assert ProposalCounter.objects.get(pemda=world.pemda_a, year=2028).last == 4


def test_an_xlsx_file_is_read_too(world, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(row(perkiraan_biaya="", volume="2"))
    sheet["L2"] = 15000000.5  # a number cell, as Excel stores it
    path = tmp_path / "usulan.xlsx"
    book.save(path)
    out, _err = run(path)
    assert out.splitlines() == ["35.10-2028-000001"]
    assert Proposal.objects.get().estimated_cost == Decimal("15000000.50")


def test_every_bad_row_is_reported_and_nothing_is_written(world, tmp_path):
    path = write_csv(
        tmp_path / "usulan.csv",
        [
            row(),  # row 2 is good, and still not written
            row(kode_desa="35.10.99.2001"),  # row 3: unknown desa
            row(kode_desa="19.06.01.2001"),  # row 4: desa of another pemda
            row(perkiraan_biaya="12,345,67"),  # row 5: malformed money
            row(lat="-95"),  # row 6: latitude out of range
            row(judul=""),  # row 7: missing title
            row(nik_pengusul="35100212345"),  # row 8: NIK not 16 digits
            row(sumber="aspirasi", lon="200"),  # row 9: two errors in one row
            row(volume="1,0055"),  # row 10: volume finer than the column holds
        ],
    )
    with pytest.raises(CommandError):
        run(path)
    assert not Proposal.objects.exists() and not Proposer.objects.exists()
    assert not AuditEntry.objects.filter(action="proposal.import").exists()
    assert not ProposalCounter.objects.filter(last__gt=0).exists()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_proposals", str(path), pemda="35.10", year=2028, stderr=err)
    lines = err.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "row 3, column kode_desa",
        "row 4, column kode_desa",
        "row 5, column perkiraan_biaya",
        "row 6, column lat",
        "row 7, column judul",
        "row 8, column nik_pengusul",
        "row 9, column sumber",
        "row 9, column lon",
        "row 10, column volume",
    ]
    assert "19.06" in lines[1]


def test_a_missing_column_is_reported_in_the_same_form(world, tmp_path):
    path = tmp_path / "usulan.csv"
    path.write_text("kode_desa,sumber,judul\n35.10.02.2001,musrenbang,Jalan\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_proposals", str(path), pemda="35.10", year=2028, stderr=err)
    assert "row 1, column masalah: " in err.getvalue()


def test_the_command_exits_non_zero_on_a_bad_file(world, tmp_path, capsys, monkeypatch):
    # run_from_argv closes every connection when it ends, which would end the test's own transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    path = write_csv(tmp_path / "usulan.csv", [row(judul="")])
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["spbe", "import_proposals", "--pemda", "35.10", "--year", "2028", str(path)])
    assert exited.value.code != 0
    assert "row 2, column judul: " in capsys.readouterr().err
    assert not Proposal.objects.exists()


def test_pokir_without_an_agency_and_an_unknown_pemda_are_refused(world, tmp_path):
    path = write_csv(tmp_path / "usulan.csv", [row(sumber="pokir")])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_proposals", str(path), pemda="35.10", year=2028, stderr=err)
    assert err.getvalue().startswith("row 2, column kode_skpd: ")
    with pytest.raises(CommandError):
        run(write_csv(tmp_path / "ok.csv", [row()]), pemda="99.99")
    with pytest.raises(CommandError):
        run(tmp_path / "ok.csv", year=1899)
    assert not Proposal.objects.exists()


def test_pokir_rows_after_the_pokir_deadline_are_bad_rows(world, tmp_path):
    from datetime import date

    from spbe.planning.services import stage_window_set

    from .helpers import planners

    planner, _second = planners(world)
    stage_window_set(
        actor=planner,
        pemda=world.pemda_a,
        year=2028,
        stage="pokir",
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 3, 1),
    )
    path = write_csv(tmp_path / "usulan.csv", [row(), row(sumber="pokir", kode_skpd=world.unit_a.code)])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_proposals", str(path), pemda="35.10", year=2028, stderr=err)
    assert err.getvalue().startswith("row 3, column sumber: ")
    assert "1 Maret 2026" in err.getvalue()
    assert not Proposal.objects.exists()
    # Musrenbang rows are not held up by the pokir deadline.
    out, _err = run(write_csv(tmp_path / "ok.csv", [row()]))
    assert out.splitlines() == ["35.10-2028-000001"]


def test_a_grouped_volume_reads_like_the_money_beside_it(world, tmp_path):
    """``1.500`` meter is fifteen hundred, as ``1.500.000`` rupiah is a million and a half."""
    from spbe.planning.imports import _quantity

    assert _quantity("1.500") == Decimal("1500")
    assert _quantity("1,500") == Decimal("1500")
    assert _quantity("1,5") == Decimal("1.5")
    assert _quantity("1.5") == Decimal("1.5")
    assert _quantity("12.5") == Decimal("12.5")


def test_musrenbang_rows_after_the_desa_forum_closed_are_bad_rows(world, tmp_path):
    from datetime import date

    from spbe.planning.services import stage_window_set

    from .helpers import planners

    planner, _second = planners(world)
    stage_window_set(
        actor=planner,
        pemda=world.pemda_a,
        year=2028,
        stage="desa",
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 2, 1),
    )
    path = write_csv(tmp_path / "usulan.csv", [row(sumber="renja", kode_skpd=world.unit_a.code), row()])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_proposals", str(path), pemda="35.10", year=2028, stderr=err)
    assert err.getvalue().startswith("row 3, column sumber: ")
    assert "1 Februari 2026" in err.getvalue()
    assert not Proposal.objects.exists()
    # Before the forum opens, the season's proposals may still arrive (as a submitted one may).
    stage_window_set(
        actor=planner,
        pemda=world.pemda_a,
        year=2028,
        stage="desa",
        opens_on=date(2099, 1, 1),
        closes_on=date(2099, 2, 1),
    )
    out, _err = run(write_csv(tmp_path / "ok.csv", [row()]))
    assert out.splitlines() == ["35.10-2028-000001"]


def test_a_malformed_agency_code_is_explained_and_a_padded_one_is_found(world, tmp_path):
    path = write_csv(
        tmp_path / "usulan.csv",
        [
            row(kode_skpd="1.03.02"),
            row(kode_skpd="\uff11.03.0.00.0.00.02.0000"),
            row(kode_skpd="9.99.0.00.0.00.99.0000"),
        ],
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_proposals", str(path), pemda="35.10", year=2028, stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("row 2, column kode_skpd: ") and "1.03.0.00.0.00.01.0000" in lines[0]
    assert lines[1].startswith("row 3, column kode_skpd: ") and "1.03.0.00.0.00.01.0000" in lines[1]
    assert lines[2].startswith("row 4, column kode_skpd: ") and "tidak dikenal" in lines[2]
    out, _err = run(write_csv(tmp_path / "ok.csv", [row(kode_skpd=f" {world.unit_a.code} ")]))
    assert Proposal.objects.get(public_id=out.strip()).suggested_unit == world.unit_a
