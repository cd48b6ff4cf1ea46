"""The one error hierarchy of the product.

Services raise these; the API maps them to problem+json (``spbe.api``) and pages show ``message`` to the
user. A message says what was wrong, where (file, row, column, field) and how to fix it, in the user's
language (wrap it in ``gettext`` where it is raised).
"""

from __future__ import annotations

from dataclasses import dataclass


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

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        where.append(f"baris {self.row}")
        if self.column:
            where.append(f"kolom '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class ImportFailed(ValidationFailed):
    """An import stopped with nothing written; ``errors`` lists every bad row found."""

    def __init__(self, message: str, errors: list[RowError]) -> None:
        super().__init__(message)
        self.errors = errors

    def __str__(self) -> str:
        lines = [self.message, *(f"  - {e}" for e in self.errors[:50])]
        if len(self.errors) > 50:
            lines.append(f"  ... dan {len(self.errors) - 50} kesalahan lain")
        return "\n".join(lines)
