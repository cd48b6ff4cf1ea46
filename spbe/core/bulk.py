"""Writing many rows fast: one prepared statement run for every row (``executemany``).

:func:`insert_many` inserts leaf rows; :func:`update_rows` writes a different value to each of many rows.

Django's ``bulk_update`` builds one ``CASE WHEN pk = .. THEN ..`` expression per object and resolves each
through the ORM, which costs milliseconds per row in Python: a forum ranking a hundred proposals, or a
verifier's batch, would spend most of its time there. :func:`update_rows` sends the same statement with
one parameter row per object (``executemany``), after converting each value exactly as Django would save
it (``get_db_prep_save``: money as integer sen, dates, foreign keys), so the stored values are the same.

No signals, no ``auto_now``: like ``bulk_update``, it is for services that record their own audit entries
inside the transaction they run in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import connections, models, router


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Mapping[Any, Sequence[Any]]) -> None:
    """Set ``fields`` of each row ``pk`` to ``rows[pk]`` (values in the order of ``fields``).

    Rows that do not exist are skipped silently, as by ``bulk_update``: callers move or lock the rows first.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    concrete: list[models.Field[Any, Any]] = []
    for name in fields:
        field = meta.get_field(name)
        if not isinstance(field, models.Field) or not field.concrete or field.column is None:
            raise ValueError(f"update_rows: {name} is not a concrete field of {meta.label}")
        concrete.append(field)
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in concrete)
    pk = meta.pk
    assert pk is not None and pk.column is not None  # every concrete model has a primary key column
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"  # noqa: S608
    params = [
        (
            *(
                field.get_db_prep_save(value, connection=connection)
                for field, value in zip(concrete, values, strict=True)
            ),
            pk.get_db_prep_value(key, connection),
        )
        for key, values in rows.items()
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


# ------------------------------------------------------------------------------------------- inserting

# Inserting many rows at once without building a model instance or an SQL string per row.
#
# ``bulk_create`` builds one model instance per row and assembles one long statement per batch, both in
# Python: for an import of 50,000 budget detail rows that is most of the time spent. :func:`insert_many`
# sends one prepared ``INSERT`` with ``executemany``, the values converted by each field exactly as Django
# would save them (``get_db_prep_save``: money to sen, decimals, dates, foreign keys by id). It returns no
# primary keys and runs no ``save()``, signals or ``auto_now``: callers pass every value, and use it for
# leaf rows nothing else points at (then read back what they need by a query).

BATCH = 5_000
# Values these fields save unchanged: text as text, whole numbers (and ids of integer keys) as themselves.
_PLAIN = {
    models.CharField: str,
    models.TextField: str,
    models.IntegerField: int,
    models.ForeignKey: int,
}


def _converter(field: models.Field[Any, Any], connection: Any) -> Callable[[Any], Any]:
    prepare = field.get_db_prep_save
    plain = next((kind for base, kind in _PLAIN.items() if isinstance(field, base)), None)
    if isinstance(field, models.ForeignKey) and not isinstance(field.target_field, models.IntegerField):
        plain = None
    if plain is None and isinstance(field, models.DateTimeField):
        # An import stamps every row with the same moment: convert it (time zone, text) once, not per row.
        last: list[Any] = [None, None]

        def moment(value: Any) -> Any:
            if value is not last[0] or value is None:
                last[0], last[1] = value, prepare(value, connection)
            return last[1]

        return moment
    if plain is None:
        return lambda value: prepare(value, connection)
    # type() rather than isinstance(): a bool is an int to Python but not a whole number to a database.
    return lambda value: value if type(value) is plain or value is None else prepare(value, connection)


def insert_many(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    using: str = "default",
    batch_size: int = BATCH,
) -> int:
    """Insert ``rows`` (values in the order of ``fields``, as Python values) into ``model``'s table."""
    connection = connections[using]
    meta: list[models.Field[Any, Any]] = []
    for name in fields:
        field = model._meta.get_field(name)
        if not isinstance(field, models.Field) or not field.concrete or not field.column:
            raise ValueError(f"insert_many() writes concrete fields only, not {name!r}")
        meta.append(field)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in meta)
    placeholders = ", ".join(["%s"] * len(meta))
    # Only names from the model's own metadata, quoted, and placeholders: no value enters the SQL text.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    convert = [_converter(field, connection) for field in meta]
    count = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            if len(row) != len(meta):
                raise ValueError(f"a row has {len(row)} values for {len(meta)} fields")
            batch.append([to_db(value) for to_db, value in zip(convert, row, strict=True)])
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
