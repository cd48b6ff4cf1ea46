"""The RKA's approval flow and the version's life over the API: submit, review a line, accept what is
pending, return or verify an RKA, adopt a version, start the next version as a copy.

Every move names the state the client saw (``status``; for a line review, optionally the line's
``jumlah``): if the object has moved on since, the answer is 409 and nothing changes, the same rule as the
pages. Scope is :data:`spbe.budgeting.access.BUDGET` through the access helpers: another pemda, or another
agency's RKA for an agency role, is a problem+json 404; a capability the user lacks is 403; whoever
submitted an RKA never reviews, returns or verifies it (403, as :data:`spbe.budgeting.workflow.RKA_FLOW`
says). Errors are the services' own, rendered by ``spbe.api.urls``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from spbe.accounts.access import Can
from spbe.accounts.api import TokenAuth
from spbe.accounts.models import User
from spbe.core.errors import Conflict
from spbe.core.schema import Rupiah

from . import services
from .access import line_for_user, version_for_user
from .api import VersionOut, _version
from .models import BudgetVersion, Rka, RkaLine, VersionKind
from .selectors_pages import rka_in_scope

router = Router(tags=["anggaran"], auth=TokenAuth())

VERSION_STATES = {"draf": "draft", "ditetapkan": "frozen"}


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


class RkaStateOut(Schema):
    id: int
    kode_skpd: str
    status: str
    diajukan_oleh: str | None
    diverifikasi_oleh: str | None
    baris_menunggu: int
    baris_dikembalikan: int


def _rka_out(rka: Rka) -> RkaStateOut:
    rka.refresh_from_db()
    counts = dict.fromkeys(("pending", "returned"), 0)
    for review in rka.lines.filter(review__in=list(counts)).values_list("review", flat=True):
        counts[review] += 1
    return RkaStateOut(
        id=rka.pk,
        kode_skpd=rka.unit.code,
        status=rka.state,
        diajukan_oleh=rka.submitted_by.username if rka.submitted_by else None,
        diverifikasi_oleh=rka.verified_by.username if rka.verified_by else None,
        baris_menunggu=counts["pending"],
        baris_dikembalikan=counts["returned"],
    )


def _rka(request: HttpRequest, code: str, version_id: int, unit_code: str, seen: str) -> tuple[Rka, Can]:
    """The agency's RKA in the user's scope (404 outside), as the client saw it (409 if it moved)."""
    rka, can = rka_in_scope(_user(request), code, version_id, unit_code)
    if seen != rka.state:
        raise Conflict(
            _("RKA ini berstatus '%(state)s', bukan '%(seen)s' seperti yang Anda lihat. Muat ulang dulu.")
            % {"state": rka.state, "seen": seen}
        )
    return rka, can


class MoveIn(Schema):
    """``status`` is the RKA's state as the client last read it (draft, submitted, returned, verified)."""

    status: str
    catatan: str = ""


RKA_PATH = "/pemda/{code}/budget/versions/{version_id}/rka/{unit_code}"


@router.post(
    RKA_PATH + "/submit",
    response=RkaStateOut,
    summary="Mengajukan RKA ke TAPD (kepala perangkat daerah)",
)
def rka_submit(request: HttpRequest, code: str, version_id: int, unit_code: str, body: MoveIn) -> RkaStateOut:
    rka, _can = _rka(request, code, version_id, unit_code, body.status)
    services.rka_submit(actor=_user(request), rka=rka, note=body.catatan)
    return _rka_out(rka)


@router.post(
    RKA_PATH + "/return",
    response=RkaStateOut,
    summary="Mengembalikan RKA ke perangkat daerah (TAPD, alasan wajib)",
)
def rka_return(request: HttpRequest, code: str, version_id: int, unit_code: str, body: MoveIn) -> RkaStateOut:
    rka, _can = _rka(request, code, version_id, unit_code, body.status)
    services.rka_return(actor=_user(request), rka=rka, note=body.catatan)
    return _rka_out(rka)


@router.post(
    RKA_PATH + "/verify",
    response=RkaStateOut,
    summary="Memverifikasi RKA setelah semua baris diterima (TAPD)",
)
def rka_verify(request: HttpRequest, code: str, version_id: int, unit_code: str, body: MoveIn) -> RkaStateOut:
    rka, _can = _rka(request, code, version_id, unit_code, body.status)
    services.rka_verify(actor=_user(request), rka=rka)
    return _rka_out(rka)


class AcceptPendingOut(RkaStateOut):
    diterima: int


@router.post(
    RKA_PATH + "/accept-pending",
    response=AcceptPendingOut,
    summary="Menerima semua baris RKA yang belum diperiksa (TAPD)",
)
def rka_accept_pending(
    request: HttpRequest, code: str, version_id: int, unit_code: str, body: MoveIn
) -> AcceptPendingOut:
    rka, _can = _rka(request, code, version_id, unit_code, body.status)
    count = services.rka_accept_pending(actor=_user(request), rka=rka)
    return AcceptPendingOut(**_rka_out(rka).model_dump(), diterima=count)


class ReviewIn(Schema):
    """The TAPD's verdict on one line; ``jumlah``, when sent, is the line's total as the reviewer saw it."""

    keputusan: Literal["accepted", "returned"]
    catatan: str = ""
    jumlah: Rupiah | None = None


class LineReviewOut(Schema):
    id: int
    kode_sub_kegiatan: str
    kode_rekening: str
    jumlah: Rupiah
    verifikasi: str
    catatan_verifikasi: str


@router.post(
    "/pemda/{code}/budget/lines/{line_id}/review",
    response=LineReviewOut,
    summary="Memeriksa satu baris RKA: diterima atau dikembalikan dengan catatan (TAPD)",
)
def line_review(request: HttpRequest, code: str, line_id: int, body: ReviewIn) -> LineReviewOut:
    user = _user(request)
    line: RkaLine = line_for_user(user, code, line_id)
    seen: Decimal | None = body.jumlah
    reviewed = services.line_review(
        actor=user, line=line, accept=body.keputusan == "accepted", note=body.catatan, seen_amount=seen
    )
    return LineReviewOut(
        id=reviewed.pk,
        kode_sub_kegiatan=reviewed.sub_kegiatan,
        kode_rekening=reviewed.account,
        jumlah=reviewed.amount,
        verifikasi=reviewed.review,
        catatan_verifikasi=reviewed.review_note,
    )


class VersionMoveIn(Schema):
    """``status`` is the version's state as the client last read it: ``draf`` or ``ditetapkan``."""

    status: Literal["draf", "ditetapkan"]


def _version_as_seen(request: HttpRequest, code: str, version_id: int, seen: str) -> BudgetVersion:
    version = version_for_user(_user(request), code, version_id)
    if VERSION_STATES[seen] != version.version_state:
        raise Conflict(
            _("Versi ini sudah berubah status sejak Anda membacanya. Muat ulang dulu."),
        )
    return version


@router.post(
    "/pemda/{code}/budget/versions/{version_id}/adopt",
    response=VersionOut,
    summary="Menetapkan APBD: versi dibekukan dengan sidik isinya (TAPD)",
)
def version_adopt(request: HttpRequest, code: str, version_id: int, body: VersionMoveIn) -> VersionOut:
    version = _version_as_seen(request, code, version_id, body.status)
    return _version(services.version_adopt(actor=_user(request), version=version))


class ReviseIn(VersionMoveIn):
    jenis: Literal["pergeseran", "perubahan"] = "perubahan"
    nama: str = ""


@router.post(
    "/pemda/{code}/budget/versions/{version_id}/revise",
    response={201: VersionOut},
    summary="Memulai versi berikutnya (pergeseran/perubahan) sebagai salinan versi yang ditetapkan (TAPD)",
)
def version_revise(request: HttpRequest, code: str, version_id: int, body: ReviseIn) -> Status[VersionOut]:
    version = _version_as_seen(request, code, version_id, body.status)
    draft = services.version_revise(
        actor=_user(request), version=version, kind=VersionKind(body.jenis), label=body.nama.strip()
    )
    return Status(201, _version(draft))
