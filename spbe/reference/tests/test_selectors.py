import pytest

from spbe.reference.selectors import accounts_for, children, funding_sources_for, nomenclature_for


@pytest.fixture
def year_2027(reference_year):
    """The session's test database already holds the bundled lists of the default year, 2027."""
    assert reference_year == 2027
    return reference_year


def test_it_reads_the_reference_lists(year_2027):
    sub = nomenclature_for(year_2027, "1.02.02.2.01.0001")
    assert sub is not None
    assert sub.level == "sub_kegiatan"
    assert nomenclature_for(year_2027, "9.99.99") is None
    assert nomenclature_for(year_2027, "bukan kode") is None
    assert nomenclature_for(2026, "1.02.02.2.01.0001") is None

    # The program penunjang of a real bidang resolves to the row written once as X.XX.01...
    generic = nomenclature_for(year_2027, "1.02.01.2.01.0001")
    assert generic is not None
    assert generic.code == "X.XX.01.2.01.0001"

    bidang = {row.code for row in children(year_2027, "1")}
    assert {"1.01", "1.02", "1.06"} <= bidang
    assert all(code.startswith("1.") for code in bidang)
    assert [row.code for row in children(year_2027, kind="rekening")] == ["4", "5", "6"]
    assert {row.code for row in children(year_2027, "5.1.02.01.001", kind="rekening")} >= {
        "5.1.02.01.01.0024"
    }
    assert children(year_2027, "01", kind="kegiatan_desa").count() > 0

    belanja_pegawai = accounts_for(year_2027, "5.1.01")
    assert belanja_pegawai.filter(code="5.1.01").exists()
    assert not belanja_pegawai.exclude(code__startswith="5.1.01").exists()
    assert accounts_for(year_2027, "4", level="jenis").count() == 9
    assert accounts_for(year_2027).count() == 4483

    assert funding_sources_for(year_2027, "desa").filter(code="DDS").exists()
    assert funding_sources_for(year_2027).count() == 19


def test_it_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown"):
        children(2027, kind="anggaran")
