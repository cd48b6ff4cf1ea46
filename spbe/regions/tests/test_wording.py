from __future__ import annotations

from django.utils import translation

from spbe.regions import wording


def test_counts_follow_each_languages_plural_and_grouping():
    with translation.override("en"):
        assert wording.n_desa(1) == "1 village"
        assert wording.n_desa(83762) == "83,762 villages"
        assert wording.n_kecamatan(1) == "1 district"
        assert wording.n_kabupaten(2) == "2 regencies/cities"
        assert wording.n_kelurahan(0) == "0 kelurahan"
    with translation.override("id"):
        assert wording.n_desa(1) == "1 desa"
        assert wording.n_desa(83762) == "83.762 desa"
        assert wording.n_kecamatan(7) == "7 kecamatan"
