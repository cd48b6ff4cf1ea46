"""The module bar of a pemda's staff pages, built from what the signed-in user may actually open.

A link appears only when its page would show this user something: no "Perangkat daerah" for a village
operator (an empty list), no "Jejak audit" for an agency operator (403), and each module's pages for the
roles that work in it. Modules not built yet are shown as such, with a visible "segera" and a page that
says what they will do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from spbe.core.modules import UPCOMING
from spbe.core.templatetags.spbe_nav import current_state

from .. import access
from ..models import Pemda, Role

register = template.Library()


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: str = ""  # "page", "true" (a page below this one) or ""
    soon: bool = False


# The modules' staff pages, each for the roles whose dashboard has that module's panel
# (``spbe.accounts.views.ROLE_PANELS``), so the bar and the dashboard always offer the same places.
MODULES: tuple[tuple[Promise, str, frozenset[str]], ...] = (
    (_lazy("Perencanaan"), "planning:proposal-list", frozenset({"planning", "pokir"})),
    (_lazy("Dokumen rencana"), "planning-plans:list", frozenset({"plans"})),
    (_lazy("Penganggaran"), "budgeting:version-list", frozenset({"budgeting"})),
    (_lazy("Monitoring"), "monitoring:project-list", frozenset({"monitoring"})),
    (_lazy("Layanan publik"), "lounge:queue-home", frozenset({"lounge"})),
    (_lazy("Pengaduan"), "complaints:staff-list", frozenset({"complaints"})),
)


def _panels(scope: access.PemdaScope) -> set[str]:
    from ..views import ROLE_PANELS  # the views import this module's app; read the table when asked

    return {panel for grant in scope.grants for panel in ROLE_PANELS.get(grant.role, [])}


def staff_nav_items(user: access.AnyUser, pemda: Pemda, path: str) -> list[NavItem]:
    """The module bar for ``user`` in ``pemda``, with the item for ``path`` marked."""
    scope = access.scope_in(user, pemda)
    links: list[tuple[str, str, bool]] = [
        (pemda.region.name, reverse("accounts:pemda-dashboard", args=[pemda.code]), True)
    ]
    if scope.all_units or scope.unit_ids:
        links.append((_("Perangkat daerah"), reverse("accounts:unit-list", args=[pemda.code]), False))
    if scope.all_villages or scope.village_ids or scope.camat_unit_ids:
        links.append((_("Desa"), reverse("accounts:village-list", args=[pemda.code]), False))
    if scope.roles & {Role.PEMDA_ADMIN, Role.AUDITOR}:
        links.append((_("Pengguna"), reverse("accounts:user-list", args=[pemda.code]), False))
        links.append((_("Jejak audit"), reverse("accounts:audit-log", args=[pemda.code]), False))
    panels = _panels(scope)
    for label, url_name, wanted in MODULES:
        if panels & wanted:
            links.append((str(label), reverse(url_name, args=[pemda.code]), False))
    items = [NavItem(str(label), url, current_state(path, url, exact=exact)) for label, url, exact in links]
    for module in UPCOMING.values():
        url = reverse("portal:module-soon", args=[module.slug])
        items.append(NavItem(str(module.title), url, current_state(path, url), soon=True))
    public = reverse("portal:pemda", args=[pemda.code])
    items.append(NavItem(_("Portal publik"), public, current_state(path, public)))
    return items


@register.simple_tag(takes_context=True)
def staff_nav(context: dict[str, Any], pemda: Pemda) -> list[NavItem]:
    request = context["request"]
    return staff_nav_items(request.user, pemda, request.path)
