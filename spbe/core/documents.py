"""Official documents as PDF: a Django template rendered by WeasyPrint, offline, in the house style.

Every module's printable documents (minutes' annexes, reports, plans, budget tables) extend the template
``core/documents/base.html`` and its stylesheet ``spbe/documents.css`` (A4, margins, a running header with
the pemda and the document's title, "Halaman X dari Y", table headers repeated on every page, figures
right-aligned in tabular digits), sign with ``{% signature_blocks %}`` and write dates and numbers with the
filters of ``{% load documents %}``; amounts go through ``{% load money %}`` (``rupiah``, ``terbilang``).

This module owns the rendering and the response; it knows nothing of the documents themselves.

Rendering never reaches the network or the file system beyond the product's own static files: the
document's base address is a reserved name that cannot resolve (``.invalid``, RFC 6761), and
:func:`static_only_fetcher` answers only that origin's ``/static/`` paths, from the static files the
product ships; every other address (http, https, file, ftp) is refused, so text a user typed into a
document can never make the server fetch anything. Fonts are the machine's own (fontconfig), never
downloaded.

An official document is written in Bahasa Indonesia (UU 24/2009, article 27), so rendering switches to
Indonesian whatever language the user reads the product in.
"""

from __future__ import annotations

import datetime as dt
import functools
import mimetypes
import posixpath
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import content_disposition_header

from .money import ROUNDING

#: The address documents are rendered at. ``.invalid`` never resolves, so even a bug in the fetcher
#: could not turn it into a request to some real host.
DOCUMENT_ORIGIN = "https://dokumen.invalid"

#: Indonesian month names: an official document is dated in Indonesian whatever the reader's language.
MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

# Region names carry their kind ("Kabupaten Banyuwangi"); a document is signed at the place's name.
_PLACE_PREFIXES = ("Kota Administrasi ", "Kabupaten Administrasi ", "Kabupaten ", "Kota ", "Provinsi ")
_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_FILENAME_MAX = 100


class DocumentFetchRefused(ValueError):
    """A document asked for a resource outside the product's own static files."""


def static_only_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves the product's static files and ``data:`` addresses only.

    WeasyPrint reports a refused resource as a warning and leaves it out (an image, a stylesheet), so a
    stray external address degrades the document instead of failing it, and never leaves the machine.
    """
    return _fetcher_class()()


@functools.cache
def _fetcher_class() -> type:
    # WeasyPrint takes seconds to import: only a process that renders a document pays for it, not every
    # command, worker and web process that merely loads the URL map.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint ships no types
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("https", "data"), allow_redirects=False)

        def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> Any:
            if url.startswith("data:"):
                # Inline data (a QR code drawn by segno, say) is decoded locally by urllib's data handler.
                return super().fetch(url, dict(headers or {}))
            return URLFetcherResponse(url, body=_static_bytes(url), headers={"Content-Type": _mime_type(url)})

    return StaticOnlyFetcher


def _static_prefix() -> str:
    return DOCUMENT_ORIGIN + "/" + settings.STATIC_URL.strip("/") + "/"


def _static_bytes(url: str) -> bytes:
    """The bytes of the static file ``url`` names on the document origin, or DocumentFetchRefused."""
    prefix = _static_prefix()
    parts = urlsplit(url)
    if not url.startswith(prefix) or parts.query:
        raise DocumentFetchRefused(f"documents may load only the product's static files, not {url[:200]}")
    relative = unquote(parts.path)[len(urlsplit(prefix).path) :]
    normal = posixpath.normpath(relative) if relative else ""
    # "..", an absolute path or a backslash could climb out of the static folders.
    if (
        not normal
        or normal != relative
        or normal.startswith(("/", ".."))
        or "\\" in normal
        or "\x00" in normal
    ):
        raise DocumentFetchRefused(f"not a static file path: {relative[:200]}")
    found = finders.find(normal)
    if isinstance(found, str):
        return Path(found).read_bytes()
    # A deployment may serve collected (possibly hashed) names that only the storage knows.
    if staticfiles_storage.exists(normal):
        with staticfiles_storage.open(normal) as handle:
            data = handle.read()
            return data if isinstance(data, bytes) else data.encode()
    raise DocumentFetchRefused(f"no static file {normal[:200]}")


def _mime_type(url: str) -> str:
    guessed, _encoding = mimetypes.guess_type(urlsplit(url).path)
    return guessed or "application/octet-stream"


def render_html(template_name: str, context: Mapping[str, Any], *, language: str = "id") -> str:
    """The document's HTML, rendered in ``language`` (Indonesian by default, as official documents are)."""
    with translation.override(language):
        return render_to_string(template_name, dict(context))


def render_pdf(template_name: str, context: Mapping[str, Any], *, language: str = "id") -> bytes:
    """Render ``template_name`` (extending ``core/documents/base.html``) with ``context`` to PDF bytes."""
    from weasyprint import HTML  # imported on first use: see _fetcher_class

    html = render_html(template_name, context, language=language)
    document = HTML(string=html, base_url=DOCUMENT_ORIGIN + "/", url_fetcher=static_only_fetcher())
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def safe_filename(name: str, extension: str = ".pdf") -> str:
    """A download name that is plain ASCII, one path segment and ends in ``extension``.

    ``Laporan IKM Semester 1/2026 "Dinas PU"`` becomes ``Laporan-IKM-Semester-1-2026-Dinas-PU.pdf``: no
    quotes, separators or control characters can reach the header or the user's file system.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    if ascii_name.lower().endswith(extension):
        ascii_name = ascii_name[: -len(extension)]
    slug = _FILENAME_UNSAFE.sub("-", ascii_name).strip("-._")
    slug = re.sub(r"-{2,}", "-", slug)[:_FILENAME_MAX].rstrip("-._")
    return (slug or "dokumen") + extension


def pdf_response(pdf: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    """Answer ``pdf`` as ``application/pdf``, shown in the browser (or saved with ``attachment``)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = content_disposition_header(attachment, safe_filename(filename))
    assert disposition is not None
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    return response


def render_pdf_response(
    template_name: str,
    context: Mapping[str, Any],
    filename: str,
    *,
    request: HttpRequest | None = None,
    attachment: bool = False,
) -> HttpResponse:
    """Render a document and answer it as a PDF; ``request`` only marks the response as varying by user."""
    response = pdf_response(render_pdf(template_name, context), filename, attachment=attachment)
    if request is not None and request.user.is_authenticated:
        # A staff document is someone's scoped view of the data: no shared cache may keep it.
        response["Cache-Control"] = "private, no-store"
    return response


# --- words and figures as official documents print them -------------------------------------------------


def long_date(value: dt.date | dt.datetime) -> str:
    """``29 November 2026``; a moment is first read in the active time zone (the pemda's on its pages)."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def format_number(value: Decimal | int, places: int | None = None) -> str:
    """A number the Indonesian way: ``1.234,5``; with ``places``, rounded half up to that many decimals.

    Without ``places`` the value keeps the decimals it needs (``150.00`` prints as ``150``, ``2.50`` as
    ``2,5``). Money is not printed with this: ``format_rupiah`` owns amounts.
    """
    number = Decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING)
        text = f"{abs(number):,.{places}f}"
    else:
        text = f"{abs(number).normalize():,f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    whole, _dot, fraction = text.partition(".")
    grouped = whole.replace(",", ".")
    sign = "-" if number < 0 and number != 0 else ""
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def signing_place(region_name: str) -> str:
    """Where a document is signed: ``Kabupaten Banyuwangi`` is signed at ``Banyuwangi``."""
    for prefix in _PLACE_PREFIXES:
        if region_name.startswith(prefix):
            return region_name[len(prefix) :]
    return region_name


@dataclass(frozen=True)
class Signer:
    """One signature block: the role signing (``Camat Genteng``), the name, and the NIP if there is one.

    An empty name leaves a dotted line to be filled in by hand, as forms printed before a forum do.
    ``intro`` is the line above the role (``Mengetahui,``, ``Perwakilan peserta,``).
    """

    role: str
    name: str = ""
    nip: str = ""
    intro: str = ""
