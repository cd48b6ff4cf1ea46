"""Staff JSON API of a desa's APBDes: its state and checks, line change and removal, the camat's notes and
the whole way to adoption (agree, submit, return, approve, reopen, adopt, revise).

For a desa's own tools and the deadline-day load: the same services as the pages (``services`` for
create, moves, notes and adoption; ``entry`` for change, removal and perubahan), never a second copy of
their rules. Adding a line is ``POST .../lines`` in :mod:`spbe.villages.api` (idempotency key).

Scope is :data:`spbe.villages.access.APBDES` through :func:`access.apbdes_for_user`: an officer of another
desa, a camat of another kecamatan or another pemda's staff get a problem+json 404 exactly as if the APBDes
did not exist; a capability the user lacks is 403. Every error is a problem document (``spbe.api.urls``).

**Retries.** A phone in a village loses its connection after the server committed but before the answer
arrived, and sends again. Each write here says what the client saw (``sidik``: the line's fingerprint;
``tahap``: the APBDes's stage), so a retry is recognised rather than repeated:

* a change whose line already holds exactly what was asked answers 200 with the line (the first attempt
  made it), though its fingerprint moved; any other stale change is 409 and changes nothing;
* a move whose APBDes already stands where the move leads answers 200 with that state; any other stage
  than the one seen is 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from spbe.accounts.access import Can, Place, get_pemda_for_user, get_village_for_user
from spbe.accounts.api import TokenAuth
from spbe.accounts.models import User
from spbe.core.errors import Conflict, NotFound
from spbe.core.schema import Rupiah

from . import entry, services
from .access import APBDES, apbdes_for_user
from .models import Apbdes, ApbdesLine, LineNote
from .services import LineData, _checked, _same
from .workflow import APBDES_FLOW

router = Router(tags=["keuangan desa"], auth=TokenAuth())

BASE = "/pemda/{code}/villages/{kode_desa}/apbdes/{year}"
TARGETS = {t.name: t.target for t in APBDES_FLOW.transitions}


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


class StaffLineOut(Schema):
    id: int
    kode_rekening: str
    kode_kegiatan: str
    nomor: int
    sumber_dana: str
    uraian: str
    anggaran: Rupiah
    sidik: str
    catatan_camat: int


def _line_out(line: ApbdesLine, notes: int = 0) -> StaffLineOut:
    return StaffLineOut(
        id=line.pk,
        kode_rekening=line.account_code,
        kode_kegiatan=line.activity_code,
        nomor=line.number,
        sumber_dana=line.source_code,
        uraian=line.description,
        anggaran=line.amount,
        sidik=entry.line_fingerprint(line),
        catatan_camat=notes,
    )


class TotalsOut(Schema):
    pendapatan: Rupiah
    belanja: Rupiah
    pembiayaan_netto: Rupiah
    selisih: Rupiah
    sub_bidang_01_01: Rupiah


class VersionRef(Schema):
    nomor: int
    jenis: str
    tahap: str


class ApbdesStateOut(Schema):
    kode_desa: str
    nama_desa: str
    tahun: int
    nomor: int
    jenis: str
    asal: str
    tahap: str
    tahap_nama: str
    ditetapkan_pada: dt.datetime | None
    terakhir: bool
    tindakan: list[str]
    jumlah: TotalsOut
    masalah: list[str]
    peraturan_prioritas: str
    versi: list[VersionRef]
    rincian: list[StaffLineOut]


def _actions(apbdes: Apbdes, can: Can, latest: bool) -> list[str]:
    """What this user may do to this version now (for a client's buttons; the services decide)."""
    if not latest:
        return []
    actions = [t.name for t in APBDES_FLOW.available(apbdes, can)]
    if can.edit and apbdes.stage == Apbdes.Stage.DRAFT and not apbdes.is_frozen:
        actions.insert(0, "edit")
    if can.edit and apbdes.stage == Apbdes.Stage.ADOPTED:
        actions.append("revise")
    if can.evaluate and apbdes.stage == Apbdes.Stage.EVALUATION:
        actions.append("note")
    return actions


def _state(apbdes: Apbdes, can: Can) -> ApbdesStateOut:
    """The version with its lines and checks, in a fixed number of queries (``entry.page``)."""
    page = entry.page(apbdes)
    versions = list(
        Apbdes.objects.filter(village_id=apbdes.village_id, year=apbdes.year)
        .order_by("number")
        .values_list("number", "kind", "stage")
    )
    notes = dict(
        LineNote.objects.filter(line__apbdes=apbdes)
        .values("line_id")
        .annotate(n=Count("pk"))
        .values_list("line_id", "n")
    )
    latest = versions[-1][0] == apbdes.number
    totals = page.totals
    return ApbdesStateOut(
        kode_desa=apbdes.village.region_id,
        nama_desa=apbdes.village.region.name,
        tahun=apbdes.year,
        nomor=apbdes.number,
        jenis=apbdes.kind,
        asal=apbdes.origin,
        tahap=apbdes.stage,
        tahap_nama=apbdes.get_stage_display(),
        ditetapkan_pada=apbdes.frozen_at,
        terakhir=latest,
        tindakan=_actions(apbdes, can, latest),
        jumlah=TotalsOut(
            pendapatan=totals["revenue"],
            belanja=totals["expenditure"],
            pembiayaan_netto=totals["financing_net"],
            selisih=totals["surplus"],
            sub_bidang_01_01=totals["government"],
        ),
        masalah=page.problems,
        peraturan_prioritas=page.regulation,
        versi=[VersionRef(nomor=n, jenis=kind, tahap=stage) for n, kind, stage in versions],
        rincian=[_line_out(row.line, notes.get(row.line.pk, 0)) for row in page.rows],
    )


def _fresh(request: HttpRequest, code: str, kode_desa: str, year: int) -> ApbdesStateOut:
    apbdes, can = apbdes_for_user(_user(request), code, kode_desa, year)
    return _state(apbdes, can)


@router.get(
    BASE,
    response=ApbdesStateOut,
    summary="APBDes satu desa untuk staf: tahap, rincian dengan sidik, jumlah, pemeriksaan, tindakan",
    description="Versi terakhir, atau versi `versi`. `tindakan` menyebut apa yang boleh dilakukan pengguna "
    "ini sekarang (edit, agree, submit, return, approve, reopen, adopt, revise, note). `sidik` setiap "
    "rincian dikirim kembali saat mengubah atau menghapusnya.",
)
def apbdes_state(
    request: HttpRequest, code: str, kode_desa: str, year: int, versi: int | None = None
) -> ApbdesStateOut:
    apbdes, can = apbdes_for_user(_user(request), code, kode_desa, year, versi)
    return _state(apbdes, can)


@router.post(
    BASE,
    response={201: ApbdesStateOut},
    summary="Memulai draf APBDes murni desa untuk tahun ini (operator desa, sekretaris desa)",
)
def apbdes_start(request: HttpRequest, code: str, kode_desa: str, year: int) -> Status[ApbdesStateOut]:
    user = _user(request)
    pemda = get_pemda_for_user(user, code)
    village = get_village_for_user(user, pemda, kode_desa)
    if not APBDES.can(user, Place.of_village(village)).view:
        raise NotFound(_("Data tidak ditemukan."))
    services.apbdes_create(actor=user, village=village, year=year)
    return Status(201, _fresh(request, code, kode_desa, year))


class LineChangeIn(Schema):
    """A line's new content with ``sidik``, the line's fingerprint as the client last read it."""

    sidik: str
    kode_rekening: str
    kode_kegiatan: str = ""
    sumber_dana: str
    uraian: str = ""
    anggaran: Rupiah


def _latest(request: HttpRequest, code: str, kode_desa: str, year: int) -> tuple[Apbdes, Can]:
    return apbdes_for_user(_user(request), code, kode_desa, year)


@router.get(
    BASE + "/lines/{line_id}",
    response=StaffLineOut,
    summary="Satu rincian APBDes dengan sidiknya (dibaca sebelum mengubah atau menghapus)",
)
def line_detail(
    request: HttpRequest, code: str, kode_desa: str, year: int, line_id: int, versi: int | None = None
) -> StaffLineOut:
    apbdes, _can = apbdes_for_user(_user(request), code, kode_desa, year, versi)
    line = entry.version_for(apbdes, line_id)
    return _line_out(line, LineNote.objects.filter(line_id=line.pk).count())


@router.put(
    BASE + "/lines/{line_id}",
    response=StaffLineOut,
    summary="Mengubah satu rincian draf APBDes (dengan sidik yang terakhir dibaca)",
    description="Ditolak (409) bila rincian sudah diubah atau dihapus orang lain sejak `sidik` dibaca. "
    "Permintaan yang diulang setelah koneksi putus, ketika rincian sudah berisi tepat yang diminta, "
    "dijawab 200 dengan rincian itu.",
)
def line_change(
    request: HttpRequest, code: str, kode_desa: str, year: int, line_id: int, body: LineChangeIn
) -> StaffLineOut:
    user = _user(request)
    apbdes, _can = _latest(request, code, kode_desa, year)
    entry.version_for(apbdes, line_id)  # a line of another version or desa is 404, not 409
    data = LineData(
        account_code=body.kode_rekening,
        activity_code=body.kode_kegiatan,
        source_code=body.sumber_dana,
        description=body.uraian,
        amount=body.anggaran,
    )
    try:
        line = entry.apbdes_line_change(
            actor=user, apbdes=apbdes, line_id=line_id, seen=body.sidik, data=data
        )
    except Conflict:
        # The retry of a change that was committed: the line already holds what was asked.
        current = ApbdesLine.objects.filter(apbdes_id=apbdes.pk, pk=line_id).first()
        if current is None or not _same(current, _checked(apbdes, data)):
            raise
        line = current
    return _line_out(line, LineNote.objects.filter(line_id=line.pk).count())


@router.delete(
    BASE + "/lines/{line_id}",
    response={204: None},
    summary="Menghapus satu rincian draf APBDes (dengan sidik yang terakhir dibaca)",
)
def line_remove(
    request: HttpRequest, code: str, kode_desa: str, year: int, line_id: int, sidik: str
) -> Status[None]:
    apbdes, _can = _latest(request, code, kode_desa, year)
    entry.version_for(apbdes, line_id)
    entry.apbdes_line_remove(actor=_user(request), apbdes=apbdes, line_id=line_id, seen=sidik)
    return Status(204, None)


class NoteIn(Schema):
    teks: str


class NoteOut(Schema):
    id: int
    rincian: int
    teks: str
    penulis: str | None
    dibuat_pada: dt.datetime


@router.post(
    BASE + "/lines/{line_id}/notes",
    response={201: NoteOut},
    summary="Catatan camat pada satu rincian selama evaluasi",
)
def line_note(
    request: HttpRequest, code: str, kode_desa: str, year: int, line_id: int, body: NoteIn
) -> Status[NoteOut]:
    user = _user(request)
    apbdes, _can = _latest(request, code, kode_desa, year)
    line = entry.version_for(apbdes, line_id)
    note = services.apbdes_line_note(actor=user, line=line, text=body.teks)
    return Status(
        201,
        NoteOut(
            id=note.pk,
            rincian=line.pk,
            teks=note.text,
            penulis=user.username,
            dibuat_pada=note.created_at,
        ),
    )


class MoveIn(Schema):
    """``tahap`` is the APBDes's stage as the client last read it (draft, agreed, evaluation, evaluated)."""

    tahap: Literal["draft", "agreed", "evaluation", "evaluated", "adopted"]
    catatan: str = ""


def _move(
    request: HttpRequest, code: str, kode_desa: str, year: int, action: str, body: MoveIn
) -> ApbdesStateOut:
    user = _user(request)
    apbdes, can = _latest(request, code, kode_desa, year)
    if body.tahap != apbdes.stage:
        if apbdes.stage == TARGETS[action] and TARGETS[action] != body.tahap:
            # Already where this move leads (the first attempt went through): the state, unchanged.
            return _state(apbdes, can)
        raise Conflict(
            _("Tahap APBDes sudah berubah menjadi '%(stage)s' sejak Anda membacanya; muat ulang dulu.")
            % {"stage": apbdes.get_stage_display()}
        )
    if action == "adopt":
        services.apbdes_adopt(actor=user, apbdes=apbdes)
    else:
        services.apbdes_move(actor=user, apbdes=apbdes, action=action, note=body.catatan)
    return _fresh(request, code, kode_desa, year)


@router.post(BASE + "/agree", response=ApbdesStateOut, summary="Kesepakatan draf oleh BPD")
def apbdes_agree(request: HttpRequest, code: str, kode_desa: str, year: int, body: MoveIn) -> ApbdesStateOut:
    return _move(request, code, kode_desa, year, "agree", body)


@router.post(BASE + "/submit", response=ApbdesStateOut, summary="Kades mengirim draf ke camat untuk evaluasi")
def apbdes_submit(request: HttpRequest, code: str, kode_desa: str, year: int, body: MoveIn) -> ApbdesStateOut:
    return _move(request, code, kode_desa, year, "submit", body)


@router.post(
    BASE + "/return",
    response=ApbdesStateOut,
    summary="Camat mengembalikan draf untuk diperbaiki (alasan wajib)",
)
def apbdes_return(request: HttpRequest, code: str, kode_desa: str, year: int, body: MoveIn) -> ApbdesStateOut:
    return _move(request, code, kode_desa, year, "return", body)


@router.post(BASE + "/approve", response=ApbdesStateOut, summary="Camat menutup evaluasi")
def apbdes_approve(
    request: HttpRequest, code: str, kode_desa: str, year: int, body: MoveIn
) -> ApbdesStateOut:
    return _move(request, code, kode_desa, year, "approve", body)


@router.post(
    BASE + "/reopen",
    response=ApbdesStateOut,
    summary="Kades membuka kembali draf yang selesai dievaluasi (alasan wajib)",
)
def apbdes_reopen(request: HttpRequest, code: str, kode_desa: str, year: int, body: MoveIn) -> ApbdesStateOut:
    return _move(request, code, kode_desa, year, "reopen", body)


@router.post(
    BASE + "/adopt",
    response=ApbdesStateOut,
    summary="Kades menetapkan APBDes: diperiksa (seimbang, 70:30, prioritas Dana Desa) lalu dibekukan",
)
def apbdes_adopt(request: HttpRequest, code: str, kode_desa: str, year: int, body: MoveIn) -> ApbdesStateOut:
    return _move(request, code, kode_desa, year, "adopt", body)


@router.post(
    BASE + "/revise",
    response={201: ApbdesStateOut},
    summary="Memulai APBDes perubahan sebagai salinan versi yang ditetapkan",
)
def apbdes_revise(
    request: HttpRequest, code: str, kode_desa: str, year: int, body: MoveIn
) -> Status[ApbdesStateOut]:
    apbdes, _can = _latest(request, code, kode_desa, year)
    if body.tahap != apbdes.stage:
        raise Conflict(
            _("Tahap APBDes sudah berubah menjadi '%(stage)s' sejak Anda membacanya; muat ulang dulu.")
            % {"stage": apbdes.get_stage_display()}
        )
    entry.apbdes_revise(actor=_user(request), apbdes=apbdes)
    return Status(201, _fresh(request, code, kode_desa, year))
