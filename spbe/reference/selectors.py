"""Read access to the reference lists of a budget year, and the canonical form of account codes."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .codes import InvalidCode, canonical_account_code, parse_nomenclature_code
from .loader import KEGIATAN_DESA, NOMENKLATUR, REKENING, REKENING_DESA, TREES
from .models import Account, FundingSource, Nomenclature, ReferenceRow, StandardPrice

__all__ = [
    "InvalidCode",
    "accounts_for",
    "canonical_account_code",
    "children",
    "funding_sources_for",
    "nomenclature_for",
]

PENUNJANG_PROGRAM = "01"


def nomenclature_for(year: int, code: str) -> Nomenclature | None:
    """The nomenclature row of ``code`` in ``year``, or None.

    A program-penunjang code under a real bidang (``1.02.01.2.01.0001``) resolves to the generic row the
    regulation writes once as ``X.XX.01.2.01.0001`` when the year's list has no row of its own for it.
    """
    try:
        code, _level = parse_nomenclature_code(code)
    except InvalidCode:
        return None
    row = Nomenclature.objects.filter(year=year, code=code).first()
    if row is not None:
        return row
    parts = code.split(".")
    if len(parts) >= 3 and parts[0] != "X" and parts[2] == PENUNJANG_PROGRAM:
        generic = ".".join(["X", "XX", *parts[2:]])
        return Nomenclature.objects.filter(year=year, code=generic).first()
    return None


def children(year: int, code: str = "", *, kind: str = NOMENKLATUR) -> QuerySet[ReferenceRow]:
    """The rows directly under ``code`` (the top level when ``code`` is empty) in the list of ``kind``.

    ``kind`` is one of ``nomenklatur``, ``rekening``, ``rekening_desa``, ``kegiatan_desa``. Account codes
    may be given in either printed width.
    """
    if kind not in (NOMENKLATUR, REKENING, REKENING_DESA, KEGIATAN_DESA):
        raise ValueError(f"unknown reference kind {kind!r}")
    if code and kind == REKENING:
        code = canonical_account_code(code)
    model = TREES[kind].model
    return model._default_manager.filter(year=year, parent_code=code.strip())


def accounts_for(year: int, prefix: str = "", *, level: str | None = None) -> QuerySet[Account]:
    """The accounts of ``year`` at or below ``prefix`` (``"5.1.02"``; either printed width), optionally of
    one level. The prefix matches whole segments: ``5.1`` does not match ``5.10``.
    """
    rows = Account.objects.filter(year=year)
    if prefix:
        canonical = canonical_account_code(prefix)
        rows = rows.filter(Q(code=canonical) | Q(code__startswith=f"{canonical}."))
    if level:
        rows = rows.filter(level=level)
    return rows


def funding_sources_for(year: int, scope: str | None = None) -> QuerySet[FundingSource]:
    """The funding sources of ``year``, for ``daerah`` or ``desa`` budgets or both."""
    rows = FundingSource.objects.filter(year=year)
    return rows.filter(scope=scope) if scope else rows


def years() -> list[int]:
    """The budget years that have reference lists, newest first."""
    return sorted(set(Nomenclature.objects.values_list("year", flat=True).distinct()), reverse=True)


def search(year: int, kind: str, query: str, limit: int) -> QuerySet[ReferenceRow]:
    """Rows of one list whose name contains ``query`` or whose code starts with it."""
    rows = TREES[kind].model._default_manager.filter(year=year)
    return rows.filter(Q(name__icontains=query) | Q(code__startswith=query)).order_by("code")[:limit]


def row_with_trail(year: int, kind: str, code: str) -> tuple[ReferenceRow, list[ReferenceRow]] | None:
    """One row of a list by code (accounts in either width) and its ancestors from the top down."""
    rows = TREES[kind].model._default_manager.filter(year=year)
    row = rows.filter(code=canonical_account_code(code) if kind == REKENING else code).first()
    if row is None:
        return None
    trail: list[ReferenceRow] = []
    parent = row.parent_code
    while parent:
        found = rows.filter(code=parent).first()
        if found is None:
            break
        trail.insert(0, found)
        parent = found.parent_code
    return row, trail


def sub_kegiatan_codes(year: int) -> set[str]:
    """Every sub-kegiatan code of ``year``'s nomenclature (the support program as ``X.XX.01...``)."""
    rows = Nomenclature.objects.filter(year=year, level=Nomenclature.Level.SUB_KEGIATAN)
    return set(rows.values_list("code", flat=True))


def leaf_account_codes(year: int) -> set[str]:
    """The accounts of ``year`` that have no account under them: the ones a budget line may use."""
    pairs = list(Account.objects.filter(year=year).values_list("code", "parent_code"))
    parents = {parent for _code, parent in pairs}
    return {code for code, _parent in pairs if code not in parents}


def standard_price(pemda_code: str, year: int, kind: str, code: str) -> StandardPrice | None:
    """The item ``code`` of the pemda's ``kind`` list (ssh, sbu, hspk, asb) for ``year``, or None."""
    return StandardPrice.objects.filter(pemda_id=pemda_code, year=year, kind=kind, code=code.strip()).first()
