"""The header row of a table exactly as :func:`spbe.core.tabular.read_table` finds it, every title included.

``read_table`` returns only the columns an importer asks for and ignores the others, which suits most
imports. An importer that must refuse a column it does not know (a misspelt indicator would otherwise be
silently left out of a formula) asks here for the whole header first.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from .tabular import HEADER_SEARCH_ROWS, ErrorCollector, _records


def normalized_title(title: str) -> str:
    """A column title as ``read_table`` matches it: lower case, runs of white space as one ``_``."""
    return "_".join(title.lower().split())


def header_titles(path: Path | str, required: Collection[str]) -> list[str] | None:
    """The normalized titles of the row ``read_table`` takes as the header, or None when it finds none.

    That row is the first of the top ``HEADER_SEARCH_ROWS`` non-blank rows naming every ``required`` key.
    Unreadable files raise the same ``ImportFailed`` as ``read_table``; call this after ``read_table``
    succeeded and the file is known to be well formed.
    """
    looked_at = 0
    for _number, cells in _records(Path(path), ErrorCollector()):
        if not any(cells):
            continue
        titles = [normalized_title(cell) for cell in cells]
        if set(required) <= set(titles):
            # Trailing empty cells are not columns: spreadsheets save them after the last title.
            while titles and not titles[-1]:
                titles.pop()
            return titles
        looked_at += 1
        if looked_at >= HEADER_SEARCH_ROWS:
            return None
    return None
