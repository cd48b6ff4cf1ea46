"""``spbe contract_status --json FILE``: the contract of issue 9 point 5, output and errors."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from spbe.monitoring.management.commands.contract_status import Command


def contract(**fields):
    base = {
        "id": "K-001",
        "tahun": 2026,
        "mulai": "2026-03-01",
        "rencana": [["2026-04-01", "20"], ["2026-06-01", "80"], ["2026-09-01", "100"]],
        "realisasi": [["2026-04-15", "10"], ["2026-05-15", "40"]],
        "tanggal": "2026-05-20",
    }
    base.update(fields)
    return base


def run(tmp_path, data):
    path = tmp_path / "kontrak.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    out = StringIO()
    call_command("contract_status", "--json", str(path), stdout=out)
    return json.loads(out.getvalue())


def run_failing(tmp_path, data, capsys):
    """Run as the operator does (``spbe contract_status``): the exit status and stderr lines."""
    path = tmp_path / "kontrak.json"
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["spbe", "contract_status", "--json", str(path)])
    captured = capsys.readouterr()
    assert exited.value.code != 0
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_it_prints_every_contract_in_input_order(tmp_path):
    result = run(
        tmp_path,
        [
            contract(id="B"),
            contract(id="A", rencana=[], realisasi=[], tanggal="2026-02-01"),
            contract(id="C", realisasi=[["2026-09-01", "100"]], tanggal="2026-10-01"),
        ],
    )
    assert result == [
        {
            # 20 + 60 * 49/61 = 68.1967...; 40 now, 10 on 20 April: 1%/day, 60 days to go.
            "id": "B",
            "rencana": "68.20",
            "realisasi": "40.00",
            "deviasi": "28.20",
            "periode": "I",
            "proyeksi_selesai": "2026-07-19",
            "kritis": True,
        },
        {
            "id": "A",
            "rencana": "0.00",
            "realisasi": "0.00",
            "deviasi": "0.00",
            "periode": "I",
            "proyeksi_selesai": None,
            "kritis": False,
        },
        {
            "id": "C",
            "rencana": "100.00",
            "realisasi": "100.00",
            "deviasi": "0.00",
            "periode": "II",
            "proyeksi_selesai": None,
            "kritis": False,
        },
    ]


def test_the_rule_uses_exact_values_and_only_the_output_is_rounded(tmp_path):
    # rencana 80 on 1 June; 74.996 reported: deviasi 5.004 prints as "5.00" but is above 5, so critical.
    over = contract(realisasi=[["2026-06-01", "74.996"]], tanggal="2026-06-01")
    exact = contract(id="K-002", realisasi=[["2026-06-01", "75"]], tanggal="2026-06-01")
    first, second = run(tmp_path, [over, exact])
    assert (first["deviasi"], first["periode"], first["kritis"]) == ("5.00", "II", True)
    assert (second["deviasi"], second["kritis"]) == ("5.00", False)


def test_numbers_and_unsorted_points_are_read_exactly(tmp_path):
    data = (
        '[{"id": "K", "tahun": 2026, "mulai": "2026-03-01", "rencana": [["2026-06-01", 80], '
        '["2026-04-01", 20.0]], "realisasi": [["2026-05-20", 0.1]], "tanggal": "2026-05-20"}]'
    )
    (result,) = run(tmp_path, data)
    assert (result["rencana"], result["realisasi"], result["deviasi"]) == ("68.20", "0.10", "68.10")


def test_an_empty_list_prints_an_empty_list(tmp_path):
    assert run(tmp_path, []) == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"id": "K"}, "daftar"),
        ([contract(mulai="2026-02-30")], 'kontrak ke-1 ("K-001"), mulai: tanggal "2026-02-30" tidak sah'),
        ([contract(tanggal="31/05/2026")], "tanggal: tanggal"),
        (
            [contract(), contract(id="K-2", realisasi=[["2026-05-01", "101"]])],
            'kontrak ke-2 ("K-2"), realisasi titik 1',
        ),
        ([contract(rencana=[["2026-04-01", "-1"]])], "di luar 0 sampai 100"),
        ([contract(rencana=[["2026-04-01", "abc"]])], 'persentase "abc" tidak sah'),
        ([contract(rencana=[["2026-04-01", "12,5"]])], "titik desimal"),
        ([contract(rencana=[["2026-04-01", True]])], "angka desimal"),
        ([contract(rencana=[["2026-04-01", "NaN"]])], "tidak sah"),
        (
            [contract(rencana=[["2026-04-01", "30"], ["2026-05-01", "25"]])],
            "rencana titik 2: rencana tidak kumulatif",
        ),
        # The file's point number is named even when the points are not in date order.
        (
            [contract(rencana=[["2026-05-01", "25"], ["2026-04-01", "30"]])],
            "rencana titik 1: rencana tidak kumulatif",
        ),
        ([contract(rencana=[["2026-02-01", "5"]])], "harus 0%"),
        ([contract(rencana=[["2026-04-01", "5"], ["2026-04-01", "5"]])], "dua kali"),
        ([{k: v for k, v in contract().items() if k != "realisasi"}], "kolom realisasi tidak ada"),
        ([contract(tahun="2026")], "tahun harus bilangan bulat"),
        ([contract(id=7)], "id harus teks"),
        ([contract(rencana=[["2026-04-01"]])], "pasangan"),
        ([contract(realisasi="40")], "realisasi: harus berupa daftar"),
        (["K-1"], "kontrak ke-1: harus berupa objek"),
        ("[{", "bukan JSON yang sah"),
        ("", "bukan JSON yang sah"),
        ('[{"id": "K", "tahun": NaN}]', "bukan angka"),
    ],
)
def test_a_malformed_file_is_one_error_line_and_a_non_zero_exit(tmp_path, capsys, data, expected):
    line = run_failing(tmp_path, data, capsys)
    assert expected in line


def test_an_id_with_a_line_break_still_gives_one_line(tmp_path, capsys):
    line = run_failing(tmp_path, [contract(id="K\n1", mulai="x")], capsys)
    assert '"K\\n1"' in line


def test_a_file_that_is_not_utf8_or_missing(tmp_path, capsys):
    assert "UTF-8" in run_failing(tmp_path, b"[\xff]", capsys)
    with pytest.raises(SystemExit):
        Command().run_from_argv(["spbe", "contract_status", "--json", str(tmp_path / "none.json")])
    assert "tidak dapat dibaca" in capsys.readouterr().err
