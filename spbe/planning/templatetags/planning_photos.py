"""``{% staff_proposal_photos p %}``, ``{% public_proposal_photos p %}``: the photos of proposal ``p``.

Tags rather than view context so the proposal pages each include them with one line. The public one links
only the metadata-free copies served by the API; neither ever shows an original or its EXIF position.
"""

from __future__ import annotations

from typing import Any

from django import template

from spbe.accounts.models import Pemda
from spbe.planning import photos
from spbe.planning.kelurahan import proposing_kelurahan
from spbe.planning.models import Proposal
from spbe.planning.views_photos import PHOTO_ACCEPT, proposing_villages

register = template.Library()


@register.inclusion_tag("planning/photos/_staff_photos.html", takes_context=True)
def staff_proposal_photos(context: dict[str, Any], proposal: Proposal) -> dict[str, Any]:
    request = context["request"]
    return {
        "proposal": proposal,
        "pemda_code": proposal.pemda_id,
        "photos": photos.shown_photos(proposal),
        "point_from_photo": photos.point_from_photo(proposal),
        "may_change": photos.may_change_photos(request.user, proposal),
        "accept": PHOTO_ACCEPT,
        "most": photos.per_proposal(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("planning/photos/_public_photos.html")
def public_proposal_photos(proposal: Proposal) -> dict[str, Any]:
    return {
        "proposal": proposal,
        "photos": photos.shown_photos(proposal),
        "point_from_photo": photos.point_from_photo(proposal),
    }


@register.inclusion_tag("planning/photos/_new_link.html", takes_context=True)
def proposal_new_link(context: dict[str, Any], pemda: Pemda) -> dict[str, Any]:
    """The "new proposal" button, for those who may enter a desa's or a kelurahan's Musrenbang proposal."""
    user = context["request"].user
    return {"pemda": pemda, "show": bool(proposing_villages(user, pemda) or proposing_kelurahan(user, pemda))}
