"""``spbe allocate_transfers``: the result file, and one line on stderr with no file for every error."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import execute_from_command_line

CONFIG: dict[str, Any] = {
    "total": "1000000",
    "rounding_unit": "1000",
    "equal_share": "0.5",
    "weights": {"penduduk": "0.5", "luas": "0.5"},
    "siltap": {"kepala_desa": "10000", "sekretaris_desa": "5000", "perangkat_lain": "2500.50", "months": 2},
}
VILLAGES = "kode_desa,penduduk,luas,jumlah_perangkat_lain\nC,0,2,2\nA,1,1,0\nB,3,1,1\n"


def run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: Any, villages: str
) -> tuple[int, str, str]:
    config_path = tmp_path / "config.json"
    config_path.write_text(config if isinstance(config, str) else json.dumps(config), encoding="utf-8")
    villages_path = tmp_path / "villages.csv"
    villages_path.write_text(villages, encoding="utf-8")
    argv = ["spbe", "allocate_transfers", "--config", str(config_path), "--indicators", str(villages_path)]
    argv += ["--out", str(tmp_path / "result.csv")]
    code = 0
    try:
        execute_from_command_line(argv)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_it_writes_the_result(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(tmp_path, capsys, CONFIG, VILLAGES)
    assert (code, err) == (0, "")
    with (tmp_path / "result.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    # The worked example of test_allocation: exact siltap, one rounding per desa, the unit left goes to B.
    assert rows == [
        ["kode_desa", "siltap", "alokasi_dasar", "alokasi_proporsional", "jumlah"],
        ["A", "30000", "149000", "112000", "291000"],
        ["B", "35001", "149000", "223999", "408000"],
        ["C", "40002", "149000", "111998", "301000"],
    ]
    assert sum(int(row[4]) for row in rows[1:]) == 1000000
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_sen_units_are_written_with_two_decimals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = {"total": "10.01", "rounding_unit": "0.01", "equal_share": "0", "weights": {"penduduk": "1"}}
    code, _out, err = run(tmp_path, capsys, config, "kode_desa,nama_desa,penduduk\nA,Satu,0.25\nB,Dua,0.75\n")
    assert (code, err) == (0, "")
    assert (tmp_path / "result.csv").read_text() == (
        "kode_desa,siltap,alokasi_dasar,alokasi_proporsional,jumlah\nA,0.00,0.00,2.50,2.50\nB,0.00,0.00,7.51,7.51\n"
    )


def _with(**changes: Any) -> dict[str, Any]:
    return {**CONFIG, **changes}


@pytest.mark.parametrize(
    ("config", "villages", "fragment"),
    [
        (CONFIG, VILLAGES.replace("luas", "luas_wilayah"), "luas"),  # a weight names a column not in the file
        (CONFIG, "kode_desa,penduduk,luas,jumlah_perangkat_lain,foo\nC,0,2,2,9\nA,1,1,0,9\n", "'foo'"),
        (_with(weights={"penduduk": "0.5", "luas": "0.6"}), VILLAGES, "tepat 1"),
        (CONFIG, VILLAGES.replace("A,1,1,0", "A,-1,1,0"), "negatif"),
        (_with(total="1"), VILLAGES, "kelipatan"),
        (_with(total="50000"), VILLAGES, "tidak cukup untuk siltap"),
        (_with(total="1,000,000"), VILLAGES, "bilangan tidak sah"),
        (CONFIG, VILLAGES.replace("A,1,1,0", "A,1.5.1,1,0"), "bilangan tidak sah"),
        (CONFIG, VILLAGES.replace("A,1,1,0", "A,1,1,dua"), "bukan bilangan bulat"),
        (
            CONFIG,
            VILLAGES.replace("C,0,2,2", "C,0,0,2")
            .replace("B,3,1,1", "B,3,0,1")
            .replace("A,1,1,0", "A,1,0,0"),
            "berjumlah nol",
        ),
        (CONFIG, VILLAGES.replace("A,1,1,0", ",1,1,0"), "kode desa kosong"),
        (CONFIG, VILLAGES.replace("A,1,1,0", "B,1,1,0"), "sudah ada di baris"),
        ({k: v for k, v in CONFIG.items() if k != "equal_share"}, VILLAGES, "'equal_share' tidak ada"),
        ("{not json", VILLAGES, "bukan JSON"),
        ('{"total": "1", "total": "2"}', VILLAGES, "dua kali"),
        (CONFIG, "kode_desa,penduduk,luas,jumlah_perangkat_lain\n", "tidak ada baris desa"),
        (CONFIG, VILLAGES.replace("C,0,2,2", "C,0,2,2\nD,-1,1,1\nE,x,1,1"), "dan 1 kesalahan lain"),
    ],
)
def test_every_error_is_one_line_and_no_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: Any, villages: str, fragment: str
) -> None:
    code, out, err = run(tmp_path, capsys, config, villages)
    assert code != 0
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert fragment in err
    assert list(tmp_path.iterdir()) and not (tmp_path / "result.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.json", "villages.csv"]


def test_a_failed_run_leaves_an_earlier_result_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "result.csv").write_text("earlier\n")
    code, _out, err = run(tmp_path, capsys, _with(total="1"), VILLAGES)
    assert code != 0 and "kelipatan" in err
    assert (tmp_path / "result.csv").read_text() == "earlier\n"


def test_a_missing_config_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["spbe", "allocate_transfers", "--config", str(tmp_path / "none.json"), "--indicators", "x.csv"]
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line([*argv, "--out", str(tmp_path / "r.csv")])
    assert exit_.value.code != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "none.json" in err
    assert not (tmp_path / "r.csv").exists()
