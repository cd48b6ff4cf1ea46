"""Public answers with a strong ETag, and the Idempotency-Key header."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from django.test import RequestFactory

from spbe.core.errors import ValidationFailed
from spbe.core.http import idempotency_key, public_answer, strong_etag

BODY = b'{"a":1}'


def test_the_etag_is_the_quoted_head_of_the_body_s_sha256():
    assert strong_etag(BODY) == '"' + hashlib.sha256(BODY).hexdigest()[:32] + '"'
    assert strong_etag(BODY) != strong_etag(b'{"a":2}')


def test_a_public_answer_is_cacheable_and_revalidates_to_304():
    first = public_answer(RequestFactory().get("/"), BODY, max_age=60, content_type="application/geo+json")
    assert (first.status_code, first.content, first["Content-Type"]) == (200, BODY, "application/geo+json")
    assert first["Cache-Control"] == "public, max-age=60"
    again = public_answer(RequestFactory().get("/", HTTP_IF_NONE_MATCH=first["ETag"]), BODY, max_age=60)
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", first["ETag"])
    stale = public_answer(RequestFactory().get("/", HTTP_IF_NONE_MATCH='"old"'), BODY, max_age=60)
    assert stale.status_code == 200


def test_a_precomputed_etag_is_kept():
    assert public_answer(RequestFactory().get("/"), BODY, max_age=5, etag='"kept"')["ETag"] == '"kept"'


def test_the_idempotency_key_is_a_uuid_optional_unless_required():
    key = uuid.uuid4()
    assert idempotency_key(RequestFactory().get("/", HTTP_IDEMPOTENCY_KEY=f" {key} ")) == key
    assert idempotency_key(RequestFactory().get("/")) is None
    with pytest.raises(ValidationFailed):
        idempotency_key(RequestFactory().get("/"), required=True)
    with pytest.raises(ValidationFailed):
        idempotency_key(RequestFactory().get("/", HTTP_IDEMPOTENCY_KEY="not-a-uuid"))
