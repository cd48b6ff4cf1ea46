"""The photos of a published proposal over the API: their metadata-free copies only, never an original.

``GET /api/v1/proposals/{public_id}/photos`` lists them (links, sizes); the two image routes serve the
clean JPEG and its thumbnail. A draft's photos, a removed photo, or a photo asked for under another
proposal's id answer 404 (problem+json).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Schema

from . import photos, selectors

router = Router(tags=["perencanaan"])
# Short: a photo removed by its desa should disappear from caches within minutes.
PHOTO_MAX_AGE = 300


class ProposalPhotoOut(Schema):
    id: int
    url: str
    thumbnail_url: str
    width: int
    height: int


@router.get(
    "/proposals/{public_id}/photos",
    response=list[ProposalPhotoOut],
    url_name="proposal_photos",
    summary="Foto suatu usulan (salinan publik tanpa metadata)",
)
def proposal_photos(request: HttpRequest, public_id: str) -> list[ProposalPhotoOut]:
    proposal = selectors.public_proposal(public_id)
    return [
        ProposalPhotoOut(
            id=p.pk,
            url=request.build_absolute_uri(reverse("api-v1:proposal_photo", args=[public_id, p.pk])),
            thumbnail_url=request.build_absolute_uri(
                reverse("api-v1:proposal_photo_thumbnail", args=[public_id, p.pk])
            ),
            width=p.public_width,
            height=p.public_height,
        )
        for p in photos.shown_photos(proposal)
    ]


def _image(data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = f"public, max-age={PHOTO_MAX_AGE}"
    return response


@router.get(
    "/proposals/{public_id}/photos/{photo_id}",
    url_name="proposal_photo",
    summary="Foto usulan (salinan publik tanpa metadata)",
    response={200: None},
    openapi_extra={"responses": {200: {"content": {"image/jpeg": {}}, "description": "JPEG"}}},
)
def proposal_photo(request: HttpRequest, public_id: str, photo_id: int) -> HttpResponse:
    photo = photos.public_photo(public_id, photo_id)
    with photo.public.open("rb") as handle:
        return _image(handle.read())


@router.get(
    "/proposals/{public_id}/photos/{photo_id}/thumbnail",
    url_name="proposal_photo_thumbnail",
    summary="Gambar kecil foto usulan",
    response={200: None},
    openapi_extra={"responses": {200: {"content": {"image/jpeg": {}}, "description": "JPEG"}}},
)
def proposal_photo_thumbnail(request: HttpRequest, public_id: str, photo_id: int) -> HttpResponse:
    photo = photos.public_photo(public_id, photo_id)
    with photo.thumbnail.open("rb") as handle:
        return _image(handle.read())
