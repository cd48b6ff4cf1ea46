"""``insert_many``: one prepared INSERT for many rows, values converted as Django saves them."""

from __future__ import annotations

import pytest

from spbe.core.bulk import insert_many
from spbe.core.models import DataVersion


@pytest.mark.django_db
def test_inserts_every_row_in_batches():
    rows = [(f"bulk-{n:03d}", n) for n in range(7)]
    assert insert_many(DataVersion, ["name", "version"], rows, batch_size=3) == 7
    stored = DataVersion.objects.filter(name__startswith="bulk-").order_by("name")
    assert list(stored.values_list("name", "version")) == rows


@pytest.mark.django_db
def test_values_are_prepared_by_their_field():
    # A number for a text column and a bool for a number go through the fields' own conversion.
    insert_many(DataVersion, ["name", "version"], [(12345, True)])
    assert DataVersion.objects.get(name="12345").version == 1


@pytest.mark.django_db
def test_refuses_rows_of_the_wrong_width_and_unknown_fields():
    with pytest.raises(ValueError, match="2 fields"):
        insert_many(DataVersion, ["name", "version"], [("x",)])
    with pytest.raises(Exception, match="nope"):
        insert_many(DataVersion, ["name", "nope"], [("x", 1)])
    assert not DataVersion.objects.filter(name="x").exists()
