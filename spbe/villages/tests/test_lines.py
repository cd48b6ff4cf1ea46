"""Line entry: the idempotent save, and who may see and touch which desa's APBDes."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from spbe.accounts.services import api_token_create
from spbe.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.villages.access import apbdes_for_user
from spbe.villages.models import Apbdes, ApbdesLine, LineNote
from spbe.villages.services import (
    LineData,
    apbdes_adopt,
    apbdes_create,
    apbdes_line_note,
    apbdes_line_save,
    apbdes_move,
)

pytestmark = pytest.mark.django_db

YEAR = 2027
SILTAP = LineData("5.1.1", "01.01.01", "ADD", "Siltap kepala desa", "Rp 36.000.000")


@pytest.fixture
def drafts(world: Any, reference_year: int) -> tuple[Apbdes, Apbdes]:
    x = apbdes_create(actor=world.operator_x, village=world.desa_x, year=YEAR)
    y = apbdes_create(actor=world.operator_y, village=world.desa_y, year=YEAR)
    return x, y


def bearer(user: Any) -> dict[str, Any]:
    _token, secret = api_token_create(actor=user, user=user, name="tes")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def url(world: Any, desa: Any) -> str:
    return f"/api/v1/pemda/{world.pemda_a.code}/villages/{desa.region_id}/apbdes/{YEAR}/lines"


BODY = {
    "kode_rekening": "5.1.1",
    "kode_kegiatan": "01.01.01",
    "sumber_dana": "ADD",
    "anggaran": "36000000.00",
}


def test_a_retried_save_returns_the_first_line(world: Any, drafts: tuple[Apbdes, Apbdes]) -> None:
    apbdes, _y = drafts
    key = uuid.uuid4()
    line, created = apbdes_line_save(actor=world.operator_x, apbdes=apbdes, idempotency_key=key, data=SILTAP)
    again, created_again = apbdes_line_save(
        actor=world.operator_x, apbdes=apbdes, idempotency_key=key, data=SILTAP
    )
    assert (created, created_again) == (True, False)
    assert again.pk == line.pk
    assert ApbdesLine.objects.filter(apbdes=apbdes).count() == 1
    assert line.amount == Decimal("36000000.00") and line.number == 1
    assert AuditEntry.objects.filter(action="apbdes.line_create").count() == 1
    # A new save (new key) of the same content is a second line, numbered after the first.
    other, _new = apbdes_line_save(
        actor=world.operator_x, apbdes=apbdes, idempotency_key=uuid.uuid4(), data=SILTAP
    )
    assert other.number == 2 and ApbdesLine.objects.filter(apbdes=apbdes).count() == 2


def test_a_key_reused_for_other_content_is_a_conflict(world: Any, drafts: tuple[Apbdes, Apbdes]) -> None:
    apbdes, _y = drafts
    key = uuid.uuid4()
    apbdes_line_save(actor=world.operator_x, apbdes=apbdes, idempotency_key=key, data=SILTAP)
    changed = LineData("5.1.1", "01.01.01", "ADD", "Siltap kepala desa", "37000000")
    with pytest.raises(Conflict):
        apbdes_line_save(actor=world.operator_x, apbdes=apbdes, idempotency_key=key, data=changed)
    assert list(ApbdesLine.objects.values_list("amount", flat=True)) == [Decimal("36000000.00")]


def to_evaluated(world: Any, bpd: Any, apbdes: Apbdes) -> None:
    apbdes_move(actor=bpd, apbdes=apbdes, action="agree")
    apbdes_move(actor=world.kades_x, apbdes=apbdes, action="submit")
    apbdes_move(actor=world.camat_x, apbdes=apbdes, action="approve")


# Balanced, and within the 70:30 rule: 36,000,000 of 120,000,000 expenditure is exactly 30%.
BALANCED = [
    SILTAP,
    LineData("5.3.5", "02.03.01", "DDS", "Jalan dusun", "84000000"),
    LineData("4.2.1", "", "DDS", "Dana Desa", "100000000"),
    LineData("6.1.1", "", "PAD", "SiLPA", "20000000"),
]


def fill(world: Any, apbdes: Apbdes, lines: list[LineData]) -> None:
    for data in lines:
        apbdes_line_save(actor=world.operator_x, apbdes=apbdes, idempotency_key=uuid.uuid4(), data=data)


def test_a_retry_after_adoption_still_finds_its_line(
    world: Any, bpd_x: Any, drafts: tuple[Apbdes, Apbdes]
) -> None:
    apbdes, _y = drafts
    key = uuid.uuid4()
    line, _created = apbdes_line_save(actor=world.operator_x, apbdes=apbdes, idempotency_key=key, data=SILTAP)
    fill(world, apbdes, BALANCED[1:])
    to_evaluated(world, bpd_x, apbdes)
    apbdes_adopt(actor=world.kades_x, apbdes=apbdes)
    again, created = apbdes_line_save(actor=world.operator_x, apbdes=apbdes, idempotency_key=key, data=SILTAP)
    assert (again.pk, created) == (line.pk, False)
    with pytest.raises(Conflict):  # a new line on an adopted APBDes
        apbdes_line_save(actor=world.operator_x, apbdes=apbdes, idempotency_key=uuid.uuid4(), data=SILTAP)
    assert Client().get(f"/api/v1/villages/{world.desa_x.region_id}/apbdes/{YEAR}").json()["belanja"] == {
        "anggaran": "120000000.00",
        "realisasi": "0.00",
    }


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (LineData("5.9.9", "01.01.01", "ADD", "", "1"), "account_code"),
        (LineData("5.1.1", "", "ADD", "", "1"), "activity_code"),
        (LineData("5.1.1", "09.09.09", "ADD", "", "1"), "activity_code"),
        (LineData("4.2.1", "01.01.01", "DDS", "", "1"), "activity_code"),
        (LineData("4.2.1", "", "XYZ", "", "1"), "source_code"),
        (LineData("4.2.1", "", "DDS", "", "-5"), "amount"),
    ],
)
def test_it_refuses_codes_outside_the_year_lists(world: Any, drafts: Any, data: LineData, field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        apbdes_line_save(actor=world.operator_x, apbdes=drafts[0], idempotency_key=uuid.uuid4(), data=data)
    assert caught.value.field == field
    assert not ApbdesLine.objects.exists()


def test_the_api_saves_once_per_idempotency_key(world: Any, drafts: tuple[Apbdes, Apbdes]) -> None:
    client, headers = Client(), bearer(world.operator_x)
    key = str(uuid.uuid4())
    first = client.post(
        url(world, world.desa_x), BODY, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers
    )
    retry = client.post(
        url(world, world.desa_x), BODY, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers
    )
    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json() == retry.json()
    assert first.json()["anggaran"] == "36000000.00"
    assert ApbdesLine.objects.filter(apbdes=drafts[0]).count() == 1
    missing = client.post(url(world, world.desa_x), BODY, content_type="application/json", **headers)
    assert missing.status_code == 422
    assert ApbdesLine.objects.count() == 1


def test_an_operator_of_another_desa_neither_sees_nor_touches_it(
    world: Any, drafts: tuple[Apbdes, Apbdes]
) -> None:
    x, _y = drafts
    with pytest.raises(NotFound):
        apbdes_for_user(world.operator_y, "35.10", world.desa_x.region_id, YEAR)
    with pytest.raises(PermissionDenied):
        apbdes_line_save(actor=world.operator_y, apbdes=x, idempotency_key=uuid.uuid4(), data=SILTAP)
    client, headers = Client(), bearer(world.operator_y)
    assert client.get(url(world, world.desa_x), **headers).status_code == 404
    response = client.post(
        url(world, world.desa_x),
        BODY,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        **headers,
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert not ApbdesLine.objects.exists()
    assert client.get(url(world, world.desa_y), **headers).status_code == 200


def test_the_camat_sees_only_the_desa_of_the_kecamatan(world: Any, drafts: tuple[Apbdes, Apbdes]) -> None:
    x, _y = drafts
    seen, can = apbdes_for_user(world.camat_x, "35.10", world.desa_x.region_id, YEAR)
    assert seen.pk == x.pk and can.view and can.evaluate and not can.edit
    with pytest.raises(NotFound):
        apbdes_for_user(world.camat_x, "35.10", world.desa_y.region_id, YEAR)
    client, headers = Client(), bearer(world.camat_x)
    assert client.get(url(world, world.desa_x), **headers).status_code == 200
    assert client.get(url(world, world.desa_y), **headers).status_code == 404
    # Seeing is not drafting: the camat cannot add a line to the desa's budget.
    response = client.post(
        url(world, world.desa_x),
        BODY,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        **headers,
    )
    assert response.status_code == 403
    assert not ApbdesLine.objects.exists()


def test_the_way_to_adoption_each_step_by_its_own_role(
    world: Any, bpd_x: Any, drafts: tuple[Apbdes, Apbdes]
) -> None:
    x, _y = drafts
    fill(world, x, BALANCED)
    with pytest.raises(PermissionDenied):
        apbdes_move(actor=world.kades_x, apbdes=x, action="agree")  # the BPD agrees, not the Kades alone
    apbdes_move(actor=bpd_x, apbdes=x, action="agree")
    with pytest.raises(Conflict):  # lines are frozen for editing once agreed
        apbdes_line_save(actor=world.operator_x, apbdes=x, idempotency_key=uuid.uuid4(), data=SILTAP)
    apbdes_move(actor=world.kades_x, apbdes=x, action="submit")
    with pytest.raises(PermissionDenied):
        apbdes_move(actor=world.camat_y, apbdes=x, action="approve")  # another kecamatan's camat
    with pytest.raises(ValidationFailed):
        apbdes_move(actor=world.camat_x, apbdes=x, action="return")  # a return needs its reason
    apbdes_move(actor=world.camat_x, apbdes=x, action="approve")
    with pytest.raises(PermissionDenied):
        apbdes_adopt(actor=world.operator_x, apbdes=x)
    x.refresh_from_db()
    assert (x.stage, x.is_frozen) == ("evaluated", False)
    apbdes_adopt(actor=world.kades_x, apbdes=x)
    x.refresh_from_db()
    assert (x.stage, x.is_frozen, x.frozen_by_id) == ("adopted", True, world.kades_x.pk)
    assert list(
        AuditEntry.objects.filter(object_type="villages.apbdes", object_id=str(x.pk)).values_list(
            "action", flat=True
        )
    ) == ["apbdes.create", "apbdes.agree", "apbdes.submit", "apbdes.approve", "apbdes.freeze", "apbdes.adopt"]


def test_the_camat_notes_lines_while_evaluating_and_can_return_the_draft(
    world: Any, bpd_x: Any, drafts: tuple[Apbdes, Apbdes]
) -> None:
    x, _y = drafts
    fill(world, x, BALANCED)
    road = ApbdesLine.objects.get(apbdes=x, account_code="5.3.5")
    with pytest.raises(Conflict):  # not under evaluation yet
        apbdes_line_note(actor=world.camat_x, line=road, text="Volume jalan?")
    apbdes_move(actor=bpd_x, apbdes=x, action="agree")
    apbdes_move(actor=world.kades_x, apbdes=x, action="submit")
    with pytest.raises(PermissionDenied):
        apbdes_line_note(actor=world.camat_y, line=road, text="Bukan wilayah saya")
    note = apbdes_line_note(actor=world.camat_x, line=road, text="  Lampirkan RAB jalan dusun.  ")
    assert (note.text, note.author_id) == ("Lampirkan RAB jalan dusun.", world.camat_x.pk)
    apbdes_move(actor=world.camat_x, apbdes=x, action="return", note="Perbaiki RAB jalan")
    x.refresh_from_db()
    assert x.stage == "draft"
    assert list(LineNote.objects.filter(line=road).values_list("text", flat=True)) == [
        "Lampirkan RAB jalan dusun."
    ]
    # Back in draft, the operator may correct the lines again.
    fill(world, x, [LineData("5.3.5", "02.03.01", "DDS", "Jalan dusun tahap 2", "0")])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (LineData("5.2.1", "02.03.01", "DDS", "", "1000"), "tidak seimbang"),
        # 1,000 more in 01.01: 36,001,000 of 120,001,000 is above 30% even though the budget
        # is balanced by 1,000 more revenue.
        (LineData("5.1.2", "01.01.02", "ADD", "", "1000"), "30%"),
    ],
)
def test_adoption_is_refused_while_a_check_fails(
    world: Any, bpd_x: Any, drafts: tuple[Apbdes, Apbdes], extra: LineData, message: str
) -> None:
    x, _y = drafts
    fill(world, x, [*BALANCED, extra])
    if extra.activity_code.startswith("01.01"):
        fill(world, x, [LineData("4.1.1", "", "PAD", "", "1000")])
    to_evaluated(world, bpd_x, x)
    with pytest.raises(ValidationFailed) as caught:
        apbdes_adopt(actor=world.kades_x, apbdes=x)
    assert message in caught.value.message
    x.refresh_from_db()
    assert (x.stage, x.is_frozen) == ("evaluated", False)
