"""The static ceiling for the API benchmark: a WSGI app that answers every request with one constant body.

``scripts/bench.py`` serves it with the same granian settings as the real application, so the requests per
second it reaches are the most any Python WSGI app can do on this machine with that server. The body has the
shape and about the size of ``GET /api/v1/regions/35.10`` (a regency with its counts).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from wsgiref.types import StartResponse, WSGIEnvironment

BODY: bytes = json.dumps(
    {
        "code": "35.10",
        "name": "Kabupaten Banyuwangi",
        "level": "regency",
        "kind": "kabupaten",
        "parent_code": "35",
        "district_count": 25,
        "desa_count": 189,
        "kelurahan_count": 28,
    },
    ensure_ascii=False,
    separators=(",", ":"),
).encode()

_HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))]


def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", list(_HEADERS))
    return [BODY]
