"""How the lounge's commands print a failed import: one ``row N, column X: reason`` line per error.

That line format is part of the commands' contract (issue 10), which scripts and tests rely on, so it is
spelled here once rather than taken from ``RowError.__str__`` (which is Indonesian prose for pages).
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from spbe.accounts.models import Pemda
from spbe.core.errors import REPORT_LIMIT, ImportFailed


def import_failure_lines(failure: ImportFailed, limit: int = REPORT_LIMIT) -> list[str]:
    """The first ``limit`` errors as contract lines, then the count of the rest and the counts per column."""
    shown = failure.errors[:limit]
    return [e.contract_line() for e in shown] + failure.report(limit)[len(shown) :]


def pemda_or_error(code: str) -> Pemda:
    pemda = Pemda.objects.filter(code=code).first()
    if pemda is None:
        raise CommandError(_("Pemda dengan kode %(code)s tidak ada.") % {"code": code})
    return pemda
