"""Build Siskeudes export zips for the tests: one CSV per table, the columns Siskeudes writes."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from spbe.villages import demo

# The columns Siskeudes writes for each table: the same list the demo export uses.
COLUMNS = demo.COLUMNS

Rows = dict[str, list[dict[str, str]]]


def write_zip(
    path: Path, tables: Rows, *, drop_tables: tuple[str, ...] = (), drop_columns: dict[str, str] | None = None
) -> Path:
    """Write ``tables`` (rows as dicts; missing cells empty) as a Siskeudes export zip at ``path``."""
    drop_columns = drop_columns or {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, columns in COLUMNS.items():
            if name in drop_tables:
                continue
            header = [c for c in columns if c != drop_columns.get(name)]
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow(header)
            for row in tables.get(name, []):
                writer.writerow([row.get(c, "") for c in header])
            archive.writestr(f"{name}.csv", buffer.getvalue())
    return path
