"""The one error hierarchy of the product.

Services raise these; the API maps them to problem+json (``spbe.api``) and pages show ``message`` to the
user. A message says what was wrong, where (file, row, column, field) and how to fix it, in the user's
language (wrap it in ``gettext`` where it is raised).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


class SpbeError(Exception):
    """Base of every error a user may see."""

    status = 400
    code = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(SpbeError):
    code = "validation"
    status = 422


class PermissionDenied(SpbeError):
    """The user may see the object but not do this to it."""

    code = "forbidden"
    status = 403


class NotFound(SpbeError):
    """The object does not exist or is outside the user's scope (the two are never told apart)."""

    code = "not-found"
    status = 404


class Conflict(SpbeError):
    """Someone else changed the object first, or its state does not allow the action."""

    code = "conflict"
    status = 409


@dataclass(frozen=True)
class RowError:
    """One problem in an imported file, located precisely enough for the user to fix it."""

    row: int
    message: str
    column: str | None = None
    file: str | None = None

    def contract_line(self) -> str:
        """``row N, column X: reason`` (``row N: reason`` for a whole row): the line the import commands
        print on stderr, which the issues fix as a contract for scripts and users."""
        where = f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.message}"

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        where.append(f"baris {self.row}")
        if self.column:
            where.append(f"kolom '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


REPORT_LIMIT = 50


class ImportFailed(ValidationFailed):
    """An import stopped with nothing written.

    ``errors`` lists the bad rows found, at most as many as the import chose to keep (a file of a million
    bad rows must not hold a million messages in memory); ``total`` counts every one found, and
    ``by_column`` counts them per column (``None`` for errors about a whole row or file).
    """

    def __init__(
        self,
        message: str,
        errors: list[RowError],
        *,
        total: int | None = None,
        by_column: dict[str | None, int] | None = None,
    ) -> None:
        super().__init__(message)
        self.errors = errors
        self.total = max(total if total is not None else 0, len(errors))
        if by_column is None:
            by_column = {}
            for error in errors:
                by_column[error.column] = by_column.get(error.column, 0) + 1
        self.by_column = by_column

    def report(self, limit: int = REPORT_LIMIT) -> list[str]:
        """Return the first ``limit`` errors as lines, then a line for the rest and the counts per column."""
        lines = [str(e) for e in self.errors[:limit]]
        rest = self.total - min(limit, len(self.errors))
        if rest > 0:
            lines.append(_("... dan %(count)d kesalahan lain") % {"count": rest})
            counts = ", ".join(
                (_("kolom '%(column)s'") % {"column": column} if column else _("lainnya")) + f": {count}"
                for column, count in sorted(
                    self.by_column.items(), key=lambda item: (-item[1], item[0] or "")
                )
            )
            lines.append(_("Jumlah kesalahan per kolom: %(counts)s") % {"counts": counts})
        return lines

    def __str__(self) -> str:
        return "\n".join([self.message, *(f"  - {line}" for line in self.report())])
