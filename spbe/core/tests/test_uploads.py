"""spbe.core.uploads: an uploaded CSV/XLSX saved under its own name, inside the folder, checked first."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from spbe.core.errors import ValidationFailed
from spbe.core.uploads import save_table_upload


def test_saves_under_its_own_name_in_the_folder(tmp_path):
    upload = SimpleUploadedFile("Realisasi Mei.CSV", b"a,b\n1,2\n")
    path = save_table_upload(upload, tmp_path, field="berkas", default_name="x.csv")
    assert path == tmp_path / "Realisasi Mei.CSV" and path.read_bytes() == b"a,b\n1,2\n"


@pytest.mark.parametrize("name", ["../../etc/x.csv", "C:\\Users\\op\\data\\x.csv", "/srv/unggah/x.csv"])
def test_a_path_in_the_name_cannot_leave_the_folder(tmp_path, name):
    folder = tmp_path / "inner"
    folder.mkdir()
    path = save_table_upload(SimpleUploadedFile(name, b"1"), folder, field="berkas", default_name="d.csv")
    assert path == folder / "x.csv" and path.read_bytes() == b"1"


def test_wrong_suffix_too_large_or_missing_is_refused_before_writing(tmp_path):
    with pytest.raises(ValidationFailed) as wrong:
        save_table_upload(SimpleUploadedFile("x.pdf", b"1"), tmp_path, field="berkas", default_name="d.csv")
    assert wrong.value.field == "berkas" and "CSV atau XLSX" in wrong.value.message
    with pytest.raises(ValidationFailed) as large:
        save_table_upload(
            SimpleUploadedFile("x.xlsx", b"12345"), tmp_path, field="file", default_name="d.csv", max_bytes=4
        )
    assert large.value.field == "file"
    with pytest.raises(ValidationFailed):
        save_table_upload(None, tmp_path, field="berkas", default_name="d.csv")
    assert list(tmp_path.iterdir()) == []
