"""The modules announced in the navigation before they exist, and what each one will do.

A menu item for a module that is not built yet links to its page here, so a user learns what is coming
instead of meeting a dead label. A module that ships removes its entry and links to its own pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class UpcomingModule:
    slug: str
    title: Promise
    summary: Promise
    features: tuple[Promise, ...]


# Every module announced at the start has shipped (e-planning, e-budgeting, village finance, monitoring,
# public services): the module bar links to their pages for the roles that use them. The next announced
# module goes here until it ships.
UPCOMING: dict[str, UpcomingModule] = {}
