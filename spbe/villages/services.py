"""Every write to a desa's APBDes typed in OpenSPBE: start a draft, save a line, adopt it.

A line is saved with an idempotency key chosen by the client (a UUID made when the operator pressed
"Simpan"). On deadline day a phone in a village loses its connection after the server committed but
before the answer arrived; the retry carries the same key and gets the line already made, never a second
one. The key is unique per APBDes version in the database too, so even a bug here cannot duplicate a line.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, Max, Subquery
from django.utils.translation import gettext as _

from spbe.accounts.access import Place
from spbe.accounts.models import VillageGovernment
from spbe.core import audit, versions
from spbe.core.actors import MaybeActor, is_person
from spbe.core.errors import Conflict, ValidationFailed
from spbe.core.money import parse_rupiah
from spbe.core.published import bump_version
from spbe.core.text import clean_name
from spbe.reference.models import FundingSource, VillageAccount, VillageActivity

from . import priorities, selectors
from .access import APBDES
from .models import (
    CODE_LENGTH,
    LINE_SPEC,
    MAX_YEAR,
    MIN_YEAR,
    Apbdes,
    ApbdesLine,
    LineNote,
    Origin,
    published_data_set,
)
from .rules import budget_problems
from .siskeudes import ACCOUNT, ACTIVITY, DESCRIPTION_LENGTH
from .workflow import APBDES_FLOW


@dataclass(frozen=True)
class LineData:
    """What an operator types for one APBDes line."""

    account_code: str
    activity_code: str
    source_code: str
    description: str
    amount: Decimal | str


def apbdes_create(*, actor: MaybeActor, village: VillageGovernment, year: int) -> Apbdes:
    """Start the desa's APBDes murni for ``year`` as an empty draft."""
    APBDES.require(actor, Place.of_village(village), "edit")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(_("Tahun anggaran tidak sah."), field="year")
    with transaction.atomic():
        if Apbdes.objects.select_for_update().filter(village=village, year=year).exists():
            raise Conflict(_("APBDes %(year)d desa ini sudah ada.") % {"year": year})
        apbdes = Apbdes.objects.create(
            pemda_id=village.pemda_id,
            village=village,
            year=year,
            label=_("APBDes murni"),
            origin=Origin.ENTRY,
        )
        audit.record(
            actor=actor,
            action="apbdes.create",
            obj=apbdes,
            pemda_code=village.pemda_id,
            after={"desa": village.region_id, "year": year},
        )
    return apbdes


def _checked(apbdes: Apbdes, data: LineData) -> dict[str, object]:
    """The line's fields, each checked against the village chart and lists of the APBDes's year.

    The three reference lookups go to the database as one query (three EXISTS): on deadline day every
    round trip of every save counts, and the answers are read before the version is locked.
    """
    year = apbdes.year
    account = data.account_code.strip().removesuffix(".")
    if not (len(account) <= CODE_LENGTH and ACCOUNT.match(account)) or account.count(".") < 2:
        raise ValidationFailed(
            _("Kode rekening '%(code)s' tidak sah; gunakan rekening APBDes sampai jenis, misalnya 5.2.1.")
            % {"code": data.account_code},
            field="account_code",
        )
    jenis = ".".join(account.split(".")[:3])
    activity = data.activity_code.strip().removesuffix(".")
    expenditure = account.startswith("5.")
    source = data.source_code.strip().upper()
    known_account, known_activity, known_source = (
        Apbdes.objects.filter(pk=apbdes.pk)
        .annotate(
            known_account=Exists(VillageAccount.objects.filter(year=year, code=jenis)),
            known_activity=Exists(
                VillageActivity.objects.filter(year=year, code=activity, level=VillageActivity.Level.KEGIATAN)
            ),
            known_source=Exists(
                FundingSource.objects.filter(year=year, scope=FundingSource.Scope.DESA, code=source)
            ),
        )
        .values_list("known_account", "known_activity", "known_source")
        .get()
    )
    if not known_account:
        raise ValidationFailed(
            _("Rekening %(code)s tidak ada dalam bagan akun APBDes %(year)d.")
            % {"code": jenis, "year": year},
            field="account_code",
        )
    if expenditure:
        if not ACTIVITY.match(activity) or not known_activity:
            raise ValidationFailed(
                _("Belanja wajib memiliki kegiatan dari daftar kegiatan desa %(year)d (BB.SS.KK).")
                % {"year": year},
                field="activity_code",
            )
    elif activity:
        raise ValidationFailed(_("Pendapatan dan pembiayaan tidak memiliki kegiatan."), field="activity_code")
    if not known_source:
        raise ValidationFailed(
            _("Sumber dana '%(code)s' tidak dikenal untuk APBDes %(year)d.") % {"code": source, "year": year},
            field="source_code",
        )
    amount = parse_rupiah(data.amount, field="amount")
    if amount < 0:
        raise ValidationFailed(_("Anggaran tidak boleh negatif."), field="amount")
    description = clean_name(data.description)[:DESCRIPTION_LENGTH] if data.description.strip() else ""
    return {
        "account_code": account,
        "activity_code": activity,
        "source_code": source,
        "description": description,
        "amount": amount,
    }


def _same(line: ApbdesLine, fields: dict[str, object]) -> bool:
    return all(getattr(line, name) == value for name, value in fields.items())


def apbdes_line_save(
    *, actor: MaybeActor, apbdes: Apbdes, idempotency_key: uuid.UUID, data: LineData
) -> tuple[ApbdesLine, bool]:
    """Add a line to a draft APBDes, once per ``idempotency_key``; return it and whether it is new.

    A retry with the same key and the same content returns the line the first save made (even if the
    APBDes has been adopted since); the same key with different content is a Conflict, because the
    client reused a key it should not have.
    """
    APBDES.require(actor, apbdes.place(), "edit")
    fields = _checked(apbdes, data)
    with transaction.atomic():
        # The version row lock serialises saves to one APBDes (and a save against adoption): a retry racing
        # its original waits here and then finds the line the original committed. Everything read under
        # the lock is read after it was granted (a new statement sees what the holder committed) and costs
        # one round trip; the lock is held for that read, the insert and the audit entry only.
        frozen: Conflict | None = None
        try:
            locked = versions.ensure_draft(apbdes)
        except Conflict as exc:
            # Adopted since: a retry of a save that made it before adoption still gets its line.
            frozen, locked = exc, None
        key = idempotency_key
        existing_pk, last = (
            Apbdes.objects.filter(pk=apbdes.pk)
            .values_list(
                Subquery(ApbdesLine.objects.filter(apbdes_id=apbdes.pk, idempotency_key=key).values("pk")),
                Subquery(
                    ApbdesLine.objects.filter(
                        apbdes_id=apbdes.pk,
                        activity_code=fields["activity_code"],
                        account_code=fields["account_code"],
                        sub_code="",
                    )
                    .order_by()
                    .values("apbdes_id")
                    .annotate(last=Max("number"))
                    .values("last")
                ),
            )
            .get()
        )
        if existing_pk is not None:
            existing = ApbdesLine.objects.get(pk=existing_pk)
            if not _same(existing, fields):
                raise Conflict(
                    _(
                        "Kunci simpan ini sudah dipakai untuk rincian lain; "
                        "muat ulang formulir lalu simpan lagi."
                    )
                )
            return existing, False
        if frozen is not None:
            raise frozen
        assert locked is not None
        if getattr(locked, "stage", None) != Apbdes.Stage.DRAFT:
            raise Conflict(
                _("APBDes sedang dalam tahap '%(stage)s'; rincian hanya dapat diubah pada tahap draf.")
                % {"stage": locked.get_stage_display()}  # type: ignore[attr-defined]
            )
        number = (last or 0) + 1
        line = ApbdesLine.objects.create(
            apbdes=apbdes, number=number, idempotency_key=idempotency_key, **fields
        )
        audit.record(
            actor=actor,
            action="apbdes.line_create",
            obj=line,
            pemda_code=apbdes.pemda_id,
            after={
                "apbdes": apbdes.pk,
                "number": number,
                **{k: (format(v, "f") if isinstance(v, Decimal) else v) for k, v in fields.items()},
            },
        )
    return line, True


def apbdes_move(*, actor: MaybeActor, apbdes: Apbdes, action: str, note: str = "") -> Apbdes:
    """Move a draft along ``APBDES_FLOW``: ``agree`` (BPD), ``submit`` (Kades, to the camat), ``return``
    (camat, with a reason), ``approve`` (camat closes the evaluation) or ``reopen`` (Kades, with a reason: an
    evaluated draft back to the draft stage). Adoption is :func:`apbdes_adopt`."""
    if action == "adopt":
        raise ValueError("adoption freezes the version: use apbdes_adopt()")
    can = APBDES.can(actor, apbdes.place())
    APBDES_FLOW.apply(apbdes, action, actor=actor, can=can, note=note)
    return apbdes


def apbdes_adopt(*, actor: MaybeActor, apbdes: Apbdes) -> Apbdes:
    """The Kades adopts the evaluated draft: checked, frozen with the hash of its lines, published.

    Refused while the budget does not balance or breaks the 70:30 rule (``rules.budget_problems``) or a
    mandatory Dana Desa priority of the year (``priorities``: the BLT-Dana Desa cap).
    """
    can = APBDES.require(actor, apbdes.place(), "adopt")
    with transaction.atomic():
        versions.ensure_draft(apbdes)
        if not ApbdesLine.objects.filter(apbdes_id=apbdes.pk).exists():
            raise ValidationFailed(_("APBDes tanpa rincian tidak dapat ditetapkan."))
        problems = budget_problems(selectors.apbdes_totals(apbdes)) + priorities.adoption_problems(apbdes)
        if problems:
            raise ValidationFailed(" ".join(problems))
        # Frozen first, then moved: if the stage moved meanwhile, apply() raises and the freeze rolls back.
        stage_seen = apbdes.stage
        versions.freeze(apbdes, LINE_SPEC, actor=actor, action="apbdes.freeze")
        apbdes.stage = stage_seen
        APBDES_FLOW.apply(apbdes, "adopt", actor=actor, can=can)
        bump_version(published_data_set(apbdes.village.region_id, apbdes.year))
    return apbdes


def apbdes_line_note(*, actor: MaybeActor, line: ApbdesLine, text: str) -> LineNote:
    """The camat's note on one line of a draft under evaluation."""
    apbdes = line.apbdes
    APBDES.require(actor, apbdes.place(), "evaluate")
    text = text.strip()
    if not text:
        raise ValidationFailed(_("Catatan tidak boleh kosong."), field="text")
    with transaction.atomic():
        # The row lock keeps a note from landing after the camat's own "approve" moved the stage on.
        stage = Apbdes.objects.select_for_update().values_list("stage", flat=True).get(pk=apbdes.pk)
        if stage != Apbdes.Stage.EVALUATION:
            raise Conflict(_("Catatan hanya dapat ditulis selama APBDes dievaluasi camat."))
        note = LineNote.objects.create(line=line, author_id=actor.pk if is_person(actor) else None, text=text)
        audit.record(
            actor=actor,
            action="apbdes.line_note",
            obj=note,
            pemda_code=apbdes.pemda_id,
            after={"apbdes": apbdes.pk, "line": line.pk, "account_code": line.account_code, "text": text},
        )
    return note
