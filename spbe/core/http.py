"""Small HTTP pieces every module's API answers with, written once.

* :func:`strong_etag` -- the ETag of a body: the first 128 bits of its SHA-256, quoted.
* :func:`public_answer` -- a public, cacheable answer with that ETag; a matching ``If-None-Match`` gets 304.
  The published-response layer (:mod:`spbe.core.published`) replays exactly such answers.
* :func:`idempotency_key` -- the ``Idempotency-Key`` header of a write that may be retried, as a UUID.
"""

from __future__ import annotations

import hashlib
import uuid

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.translation import gettext as _

from .errors import ValidationFailed


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def public_answer(
    request: HttpRequest,
    body: bytes,
    *,
    max_age: int,
    etag: str | None = None,
    content_type: str = "application/json",
) -> HttpResponse:
    """``body`` for anyone, cacheable for ``max_age`` seconds, 304 when the client already holds it."""
    etag = etag or strong_etag(body)
    response: HttpResponse
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


def idempotency_key(request: HttpRequest, *, required: bool = False) -> uuid.UUID | None:
    """The request's ``Idempotency-Key`` as a UUID; None when absent and not ``required``."""
    raw = request.headers.get("Idempotency-Key", "").strip()
    if not raw and not required:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValidationFailed(_("Idempotency-Key harus berupa UUID."), field="Idempotency-Key") from None
