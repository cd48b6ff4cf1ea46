"""Weighted scoring of proposals and their rank: pure, exact and deterministic (no database).

A forum scores each proposal from 1 to 5 on each :class:`~spbe.planning.models.Criterion`; the pemda sets a
weight per criterion for the year (decimals summing to exactly 1). The total is ``sum(weight * score)``,
computed with :class:`~fractions.Fraction` so no rounding ever decides a rank. A criterion left unscored
counts as 0: an unscored proposal ranks below every scored one, never silently above. Ties are broken by
the earlier submission, then by the public id, so the same scores always give the same ranks (1, 2, 3...,
no shared ranks: a forum forwards a list, not a set of ties).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.utils.translation import gettext as _

from spbe.core.errors import ValidationFailed

from .models import MAX_SCORE, MIN_SCORE, Criterion

WEIGHT_PLACES = 4
EQUAL_WEIGHTS: dict[str, Decimal] = {c: Decimal("0.2") for c in Criterion.values}


@dataclass(frozen=True)
class Entry:
    """One proposal to rank: its public id, when it was submitted, and its scores by criterion."""

    key: str
    submitted_at: datetime
    scores: Mapping[str, int]


@dataclass(frozen=True)
class Ranked:
    key: str
    rank: int
    total: Fraction

    @property
    def total_decimal(self) -> Decimal:
        """The total as an exact decimal (weights have at most 4 places, scores are whole)."""
        return Decimal(self.total.numerator) / Decimal(self.total.denominator)


def parse_weights(values: Mapping[str, str | Decimal]) -> dict[str, Decimal]:
    """Check a weight per criterion, each a decimal from 0 to 1 with at most 4 places, summing to exactly 1.

    Floats are refused (``0.1 + 0.2`` is not ``0.3`` in binary); strings like ``"0.25"`` are the way in.
    """
    unknown = sorted(set(values) - set(Criterion.values))
    if unknown:
        raise ValidationFailed(_("Kriteria tidak dikenal: %(names)s.") % {"names": ", ".join(unknown)})
    weights: dict[str, Decimal] = {}
    for criterion in Criterion.values:
        raw = values.get(criterion)
        if raw is None:
            raise ValidationFailed(_("Bobot %(name)s belum diisi.") % {"name": criterion}, field=criterion)
        if not isinstance(raw, (str, Decimal)):
            raise ValidationFailed(
                _('Bobot %(name)s harus ditulis sebagai angka desimal, misalnya "0.25".')
                % {"name": criterion},
                field=criterion,
            )
        try:
            weight = Decimal(raw.strip().replace(",", ".")) if isinstance(raw, str) else raw
        except InvalidOperation:
            weight = Decimal("NaN")
        if not weight.is_finite() or not Decimal(0) <= weight <= Decimal(1):
            raise ValidationFailed(
                _("Bobot %(name)s harus antara 0 dan 1.") % {"name": criterion}, field=criterion
            )
        if weight != weight.quantize(Decimal(1).scaleb(-WEIGHT_PLACES)):
            raise ValidationFailed(
                _("Bobot %(name)s paling banyak %(places)d angka di belakang koma.")
                % {"name": criterion, "places": WEIGHT_PLACES},
                field=criterion,
            )
        weights[criterion] = weight
    total = sum(weights.values(), Decimal(0))
    if total != 1:
        raise ValidationFailed(_("Jumlah bobot harus tepat 1, bukan %(total)s.") % {"total": total})
    return weights


def check_score(criterion: str, score: int) -> None:
    if criterion not in Criterion.values:
        raise ValidationFailed(
            _("Kriteria tidak dikenal: %(names)s.") % {"names": criterion}, field=criterion
        )
    if isinstance(score, bool) or not isinstance(score, int) or not MIN_SCORE <= score <= MAX_SCORE:
        raise ValidationFailed(
            _("Nilai %(name)s harus bilangan bulat %(min)d sampai %(max)d.")
            % {"name": criterion, "min": MIN_SCORE, "max": MAX_SCORE},
            field=criterion,
        )


def total_score(scores: Mapping[str, int], weights: Mapping[str, Decimal]) -> Fraction:
    """``sum(weight * score)`` exactly; an unscored criterion counts as 0."""
    return sum((Fraction(weights[c]) * scores.get(c, 0) for c in Criterion.values), Fraction(0))


def rank(entries: Iterable[Entry], weights: Mapping[str, Decimal]) -> list[Ranked]:
    """Rank ``entries``: highest total first, then earlier submission, then public id; ranks 1..n."""
    scored = [(total_score(e.scores, weights), e) for e in entries]
    keys = [e.key for _total, e in scored]
    if len(set(keys)) != len(keys):
        raise ValueError("each proposal may be ranked once")
    scored.sort(key=lambda pair: (-pair[0], pair[1].submitted_at, pair[1].key))
    return [Ranked(e.key, position, total) for position, (total, e) in enumerate(scored, start=1)]
