"""Shared row locks: many writers may hold one, while whoever changes the row itself waits for them all.

``select_for_update`` is exclusive, so two editors adding lines to one budget that both lock the budget row
would queue behind each other even when nothing they do conflicts. :func:`lock_shared` takes PostgreSQL's
``FOR SHARE`` instead: any number of editors hold it together, and an ``UPDATE`` of the row (a state
change, a freeze) waits until every one of them has committed, so no edit slips in after the row moved on.

On SQLite a transaction opens ``IMMEDIATE`` (``config.settings``): one writer at a time holds the whole
database, which is stronger than any row lock, so the rows are simply read.
"""

from __future__ import annotations

from django.db import connections, transaction
from django.db.models import Model, QuerySet


def lock_shared[T: Model](queryset: QuerySet[T]) -> list[T]:
    """The rows of ``queryset`` (a plain filter on one model), locked ``FOR SHARE`` until the transaction
    ends."""
    connection = connections[queryset.db]
    if not transaction.get_connection(queryset.db).in_atomic_block:
        raise RuntimeError("lock_shared() must run inside the service's transaction")
    if connection.vendor != "postgresql":
        return list(queryset)
    # No ordering (a default ordering on a foreign key would join, and lock, the related table too) and
    # OF the model's own table: only these rows are locked.
    sql, params = queryset.order_by().query.sql_with_params()
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    manager = queryset.model._default_manager.db_manager(queryset.db)
    return list(manager.raw(f"{sql} FOR SHARE OF {table}", params))
