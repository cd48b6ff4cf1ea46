"""The kecamatan Musrenbang minutes' annex (issue 6, point 8): the forum's ranked list, signed, as PDF.

The annex lists the proposals of every desa of one kecamatan for one year in the order the kecamatan
forum last ranked them (``proposals_rank``): rank, public id, desa, title, bidang, volume, estimated cost
and the forum's weighted score, then the total cost in figures and words and the signature blocks of the
camat, the minute-taker (notulis) and the participants' representative. It reads the ranking from the
forum's ``rank`` decisions, not from ``Proposal.rank``, so the annex can still be printed after the forum
has forwarded, rejected or deferred the proposals it ranked (a forwarded proposal loses its rank to the
next forum). The score is recomputed from the forum's scores and the year's weights by
:func:`spbe.planning.ranking.total_score`, the rule the ranking itself uses.

This module only reads; it writes nothing and needs no audit entry.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from spbe.accounts.access import Place, Policy
from spbe.accounts.models import Pemda, PerangkatDaerah, Role
from spbe.accounts.views import pemda_view
from spbe.core.actors import MaybeActor
from spbe.core.documents import Signer, render_pdf_response, signing_place
from spbe.core.errors import NotFound, ValidationFailed
from spbe.core.money_sql import MoneySum
from spbe.core.text import clean_name

from . import selectors
from .access import PROPOSAL
from .models import Decision, Proposal, Stage
from .ranking import total_score
from .services import RANK_ACTION, year_weights

#: Who may print a kecamatan forum's annex: whoever may read its ranking (the camat of that kecamatan,
#: the pemda-wide planning roles), and the pemda admin, whose secretariat files the minutes.
ANNEX = Policy(view={*PROPOSAL.capabilities["view"], Role.PEMDA_ADMIN})

NIP_PATTERN = re.compile(r"[0-9]{18}")
MAX_NAME = 150


@dataclass(frozen=True)
class AnnexRow:
    rank: int
    proposal: Proposal
    score: Decimal


@dataclass(frozen=True)
class KecamatanAnnex:
    pemda: Pemda
    kecamatan: PerangkatDaerah
    year: int
    rows: list[AnnexRow]
    total_cost: Decimal
    ranked_at: dt.datetime | None

    @property
    def place(self) -> str:
        """The kecamatan's own name (``Genteng``), where the forum meets and the minutes are signed."""
        district = self.kecamatan.district
        return district.name if district is not None else signing_place(self.kecamatan.name)


def kecamatan_for_annex(user: MaybeActor, pemda: Pemda, district_code: str) -> PerangkatDaerah:
    """The kecamatan office of ``district_code``, or NotFound outside the user's scope (as if absent)."""
    kecamatan = (
        PerangkatDaerah.objects.select_related("district")
        .filter(pemda=pemda, kind=PerangkatDaerah.Kind.KECAMATAN, district_id=district_code)
        .first()
    )
    if kecamatan is None or not ANNEX.can(user, Place.of_unit(kecamatan)).view:
        raise NotFound(_("Data tidak ditemukan."))
    return kecamatan


def kecamatan_annex(kecamatan: PerangkatDaerah, year: int) -> KecamatanAnnex:
    """The kecamatan forum's last ranking of ``year`` with each proposal's score; empty before any ranking.

    One ranking writes all its ``rank`` decisions at one moment, so the last ranking is the decisions of
    the latest moment: a proposal ranked only by an earlier ranking (forwarded before the forum ranked
    again) is not listed twice with clashing ranks.
    """
    pemda = kecamatan.pemda
    decisions = Decision.objects.filter(
        pemda=pemda,
        proposal__kecamatan=kecamatan,  # its desa and its kelurahan alike
        proposal__year=year,
        stage=Stage.KECAMATAN,
        action=RANK_ACTION,
    )
    ranked_at = decisions.aggregate(at=Max("decided_at"))["at"]
    if ranked_at is None:
        return KecamatanAnnex(pemda, kecamatan, year, [], Decimal("0.00"), None)
    last = decisions.filter(decided_at=ranked_at)
    chosen = list(last.select_related("proposal__region").order_by("rank", "proposal__public_id"))
    proposals = [d.proposal for d in chosen]
    scores = selectors.stage_scores(proposals, Stage.KECAMATAN)
    weights = year_weights(pemda, year)
    rows = []
    for decision in chosen:
        total = total_score(scores[decision.proposal_id], weights)
        score = Decimal(total.numerator) / Decimal(total.denominator)
        rows.append(AnnexRow(decision.rank or 0, decision.proposal, score))
    total_cost = last.aggregate(total=MoneySum("proposal__estimated_cost"))["total"]
    return KecamatanAnnex(pemda, kecamatan, year, rows, total_cost, ranked_at)


# --- the staff URL: /app/<pemda>/musrenbang/<year>/kecamatan/<district>/lampiran.pdf -------------------


def _name(request: HttpRequest, key: str, label: str) -> str:
    value = request.GET.get(key, "")
    if not value.strip():
        return ""
    return clean_name(value, label=label, max_length=MAX_NAME, field=key)


def _nip(request: HttpRequest, key: str) -> str:
    value = request.GET.get(key, "").strip()
    if value and not NIP_PATTERN.fullmatch(value):
        raise ValidationFailed(_("NIP terdiri dari 18 angka."), field=key)
    return value


def _signed_on(request: HttpRequest, pemda: Pemda) -> dt.date:
    value = request.GET.get("tanggal", "").strip()
    if not value:
        return timezone.localdate(timezone=ZoneInfo(pemda.time_zone))
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            _("Tanggal '%(value)s' harus berbentuk TTTT-BB-HH.") % {"value": value[:20]}, field="tanggal"
        ) from None


@require_GET
@pemda_view
def kecamatan_annex_pdf(request: HttpRequest, pemda: Pemda, year: int, district_code: str) -> HttpResponse:
    """The annex as PDF; ``?camat=&nip_camat=&notulis=&peserta=&tanggal=`` fill in the signature blocks.

    Names left out print as dotted lines, signed by hand at the forum.
    """
    kecamatan = kecamatan_for_annex(request.user, pemda, district_code)
    # Read and check what the user typed first, so a mistake is told in the user's language.
    camat = _name(request, "camat", _("nama camat"))
    nip_camat = _nip(request, "nip_camat")
    notulis = _name(request, "notulis", _("nama notulis"))
    peserta = _name(request, "peserta", _("nama perwakilan peserta"))
    signed_on = _signed_on(request, pemda)
    annex = kecamatan_annex(kecamatan, year)
    # The document itself is Indonesian (see spbe.core.documents), its words made here included.
    with translation.override("id"):
        context = {
            "annex": annex,
            "signers": [
                Signer(role=_("Camat %(place)s") % {"place": annex.place}, name=camat, nip=nip_camat),
                Signer(role=_("Notulis"), name=notulis),
                Signer(role=_("Perwakilan Peserta"), name=peserta),
            ],
            "signed_on": signed_on,
            "pemda_name": pemda.name,
            "issuer": _("Kecamatan %(place)s") % {"place": annex.place},
            "document_title": _("Lampiran Berita Acara Musrenbang Kecamatan"),
            "document_subtitle": _("Daftar peringkat usulan Rencana Kerja Pemerintah Daerah Tahun %(year)d")
            % {"year": year},
        }
    filename = f"Lampiran BA Musrenbang Kecamatan {annex.place} {year}"
    return render_pdf_response("planning/documents/kecamatan_annex.html", context, filename, request=request)
