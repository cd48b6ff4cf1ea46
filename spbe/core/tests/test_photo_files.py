"""``photos.files_of_transaction``: files stored by a transaction that does not commit are deleted again."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import IntegrityError, transaction
from django.db.models import FileField
from django.db.models.fields.files import FieldFile

from spbe.core import photos

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _slot() -> FieldFile:
    """A file field of a row not saved yet, as a service holds one before ``row.save()``."""
    field = FileField(upload_to="test")
    field.set_attributes_from_name("stored")
    return FieldFile(SimpleNamespace(), field, None)  # type: ignore[arg-type]  # any object holds the name


def _files(tmp_path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "media").rglob("*") if p.is_file())


def test_files_stay_when_the_transaction_commits(tmp_path):
    with photos.files_of_transaction() as files:
        first, second = _slot(), _slot()
        files.save(first, "a.jpg", b"one")
        files.save(second, "b.jpg", b"two")
    assert _files(tmp_path) == ["a.jpg", "b.jpg"]
    with first.open("rb") as handle:
        assert handle.read() == b"one"


def test_files_go_when_the_transaction_fails_after_they_were_written(tmp_path):
    with pytest.raises(IntegrityError), photos.files_of_transaction() as files:
        files.save(_slot(), "a.jpg", b"one")
        assert _files(tmp_path) == ["a.jpg"]
        raise IntegrityError("a constraint at the end")
    assert _files(tmp_path) == []


def test_it_refuses_to_run_inside_another_transaction(tmp_path):
    # Nested, an outer rollback would take the rows but leave the files: Django refuses a durable block.
    with pytest.raises(RuntimeError), transaction.atomic(), photos.files_of_transaction() as files:
        files.save(_slot(), "a.jpg", b"one")
    assert _files(tmp_path) == []
