"""Writing a different value to each of many rows, fast: one prepared UPDATE run for every row.

Django's ``bulk_update`` builds one ``CASE WHEN pk = .. THEN ..`` expression per object and resolves each
through the ORM, which costs milliseconds per row in Python: a forum ranking a hundred proposals, or a
verifier's batch, would spend most of its time there. :func:`update_rows` sends the same statement with
one parameter row per object (``executemany``), after converting each value exactly as Django would save
it (``get_db_prep_save``: money as integer sen, dates, foreign keys), so the stored values are the same.

No signals, no ``auto_now``: like ``bulk_update``, it is for services that record their own audit entries
inside the transaction they run in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
