"""header_titles: the whole header row, as read_table finds it."""

from pathlib import Path

from spbe.core.table_header import header_titles, normalized_title


def test_it_returns_every_title_of_the_row_read_table_takes(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    # A title line above the header, as official exports have; trailing empty cells are not columns.
    path.write_text("Data desa 2028,,,\nKode Desa,Penduduk  Miskin,Lain,\n1,2,3,\n", encoding="utf-8")
    assert header_titles(path, ["kode_desa"]) == ["kode_desa", "penduduk_miskin", "lain"]


def test_it_returns_none_without_a_header(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert header_titles(path, ["kode_desa"]) is None


def test_titles_are_normalized_like_read_table() -> None:
    assert normalized_title("  Luas\tWilayah ") == "luas_wilayah"
