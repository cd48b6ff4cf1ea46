"""Staff pages of the APBDes: line entry, stale edits, the workflow buttons per role, the camat's evaluation,
the perubahan, and scope (desa officials their desa, camat the kecamatan, DPMD all, outsiders 404)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import grant, make_user
from spbe.accounts.models import Role, User
from spbe.core.errors import Conflict
from spbe.core.models import AuditEntry
from spbe.villages import entry
from spbe.villages.models import Apbdes, ApbdesLine, LineNote
from spbe.villages.services import LineData, apbdes_create, apbdes_line_save, apbdes_move

from .books_helpers import LINES, YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpmd(world: Any) -> User:
    return grant(make_user("dpmd.entry", world.pemda_a), world.pemda_a, Role.DPMD)


@pytest.fixture
def bpd(world: Any) -> User:
    return grant(make_user("bpd.entry", world.pemda_a), world.pemda_a, Role.BPD_MEMBER, village=world.desa_x)


@pytest.fixture
def draft(world: Any, reference_year: int) -> Apbdes:
    apbdes = apbdes_create(actor=world.operator_x, village=world.desa_x, year=YEAR)
    for data in LINES:
        apbdes_line_save(actor=world.operator_x, apbdes=apbdes, idempotency_key=uuid.uuid4(), data=data)
    return apbdes


def base(world: Any, desa: Any = None) -> str:
    desa = desa or world.desa_x
    return f"/app/{world.pemda_a.code}/desa/{desa.region_id}/apbdes/{YEAR}/"


def line_of(apbdes: Apbdes, account: str) -> ApbdesLine:
    return ApbdesLine.objects.get(apbdes=apbdes, account_code=account)


FORM = {
    "account_code": "5.2.1",
    "activity_code": "04.02.03",
    "source_code": "DDS",
    "description": "Benih padi lumbung desa",
    "amount": "1.250.000,50",
}


def test_the_operator_starts_a_draft_and_adds_a_line_once_however_often_it_is_posted(
    world: Any, reference_year: int
) -> None:
    client = world.client_for(world.operator_x)
    empty = client.get(base(world))
    assert empty.status_code == 200 and b'id="no-apbdes"' in empty.content
    assert client.post(base(world) + "mulai/").status_code == 302
    apbdes = Apbdes.objects.get(village=world.desa_x, year=YEAR)

    form = client.get(base(world) + "rincian/baru/")
    assert form.status_code == 200
    text = form.content.decode()
    assert 'list="account-list"' in text and '<option value="04.02.03">' in text
    key = text.split('name="key" value="')[1].split('"')[0]
    uuid.UUID(key)

    first = client.post(base(world) + "rincian/baru/", {**FORM, "key": key})
    retried = client.post(base(world) + "rincian/baru/", {**FORM, "key": key})
    assert first.status_code == 302 and retried.status_code == 302
    line = ApbdesLine.objects.get(apbdes=apbdes)
    assert line.amount == Decimal("1250000.50") and line.idempotency_key == uuid.UUID(key)
    assert AuditEntry.objects.filter(action="apbdes.line_create").count() == 1

    page = client.get(base(world)).content.decode()
    assert f'id="line-{line.pk}"' in page and "Rp1.250.000,50" in page
    assert "04.02 Pertanian dan Peternakan" in page  # grouped under its sub-bidang


def test_a_bad_line_comes_back_with_what_was_typed(world: Any, draft: Apbdes) -> None:
    client = world.client_for(world.operator_x)
    response = client.post(
        base(world) + "rincian/baru/", {**FORM, "activity_code": "", "key": str(uuid.uuid4())}
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "Belanja wajib memiliki kegiatan" in text and 'value="Benih padi lumbung desa"' in text
    assert not ApbdesLine.objects.filter(apbdes=draft, description="Benih padi lumbung desa").exists()


def test_a_stale_edit_is_refused_and_shows_the_other_change(world: Any, draft: Apbdes) -> None:
    line = line_of(draft, "5.3.5")
    seen = entry.line_fingerprint(line)
    sekdes = grant(
        make_user("sekdes.entry", world.pemda_a), world.pemda_a, Role.VILLAGE_SECRETARY, village=world.desa_x
    )
    # The Sekdes changes the line after the operator opened the form.
    entry.apbdes_line_change(
        actor=sekdes, apbdes=draft, line_id=line.pk, seen=seen,
        data=LineData("5.3.5", "02.03.01", "DDS", "Rabat beton", "60000000"),
    )  # fmt: skip
    client = world.client_for(world.operator_x)
    response = client.post(
        base(world) + f"rincian/{line.pk}/",
        {**FORM, "account_code": "5.3.5", "activity_code": "02.03.01", "amount": "99000000", "seen": seen},
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "sudah diubah oleh pengguna lain" in text and "99000000" in text
    line.refresh_from_db()
    assert line.amount == Decimal("60000000.00") and line.description == "Rabat beton"

    # Seen as it is now, the change goes through, audited with before and after.
    fresh = entry.line_fingerprint(line)
    ok = client.post(
        base(world) + f"rincian/{line.pk}/",
        {**FORM, "account_code": "5.3.5", "activity_code": "02.03.01", "amount": "59.000.000", "seen": fresh},
    )
    assert ok.status_code == 302
    line.refresh_from_db()
    assert line.amount == Decimal("59000000.00")
    change = AuditEntry.objects.filter(action="apbdes.line_change").order_by("pk").last()
    assert change is not None and change.before is not None
    assert change.before["amount"] == "60000000.00"


def test_a_stale_remove_is_refused_and_a_current_one_removes(world: Any, draft: Apbdes) -> None:
    line = line_of(draft, "4.3.6")
    client = world.client_for(world.operator_x)
    client.post(base(world) + f"rincian/{line.pk}/hapus/", {"seen": "0" * 16})
    assert ApbdesLine.objects.filter(pk=line.pk).exists()
    client.post(base(world) + f"rincian/{line.pk}/hapus/", {"seen": entry.line_fingerprint(line)})
    assert not ApbdesLine.objects.filter(pk=line.pk).exists()
    assert AuditEntry.objects.filter(action="apbdes.line_remove").count() == 1


def test_a_line_moved_to_another_kegiatan_takes_the_next_number_there(world: Any, draft: Apbdes) -> None:
    line = line_of(draft, "5.2.2")
    apbdes_line_save(
        actor=world.operator_x, apbdes=draft, idempotency_key=uuid.uuid4(),
        data=LineData("5.2.2", "02.03.02", "DDS", "Upah gang", "1000"),
    )  # fmt: skip
    moved = entry.apbdes_line_change(
        actor=world.operator_x, apbdes=draft, line_id=line.pk, seen=entry.line_fingerprint(line),
        data=LineData("5.2.2", "02.03.02", "DDS", "Upah tukang", "25000000"),
    )  # fmt: skip
    assert (moved.activity_code, moved.number) == ("02.03.02", 2)


def post_action(client: Any, world: Any, action: str, stage: str, note: str = "") -> Any:
    return client.post(base(world) + "aksi/", {"action": action, "stage": stage, "note": note})


def test_the_whole_way_through_the_pages_each_role_its_own_button(
    world: Any, draft: Apbdes, bpd: User
) -> None:
    operator, kades, camat = (world.client_for(u) for u in (world.operator_x, world.kades_x, world.camat_x))
    bpd_client = world.client_for(bpd)
    # Each role sees only its own button.
    assert b'value="agree"' in bpd_client.get(base(world)).content
    assert b'value="agree"' not in operator.get(base(world)).content
    assert b'value="agree"' not in kades.get(base(world)).content
    # The Kades cannot agree for the BPD; nothing moves.
    post_action(kades, world, "agree", "draft")
    draft.refresh_from_db()
    assert draft.stage == "draft"

    post_action(bpd_client, world, "agree", "draft")
    post_action(kades, world, "submit", "agreed")
    draft.refresh_from_db()
    assert draft.stage == "evaluation"
    # Lines are closed while the camat evaluates: no add button, no edit links.
    page = operator.get(base(world)).content
    assert b'id="add-line"' not in page and b"/hapus/" not in page

    # The camat notes one line and returns the draft with a reason.
    line = line_of(draft, "5.3.5")
    evaluation = camat.get(base(world) + "evaluasi/")
    assert evaluation.status_code == 200 and f'action="{base(world)}rincian/{line.pk}/catatan/"'.encode() in (
        evaluation.content
    )
    camat.post(base(world) + f"rincian/{line.pk}/catatan/", {"text": "Volume rabat beton belum ada RAB."})
    assert LineNote.objects.get(line=line).text == "Volume rabat beton belum ada RAB."
    refused = post_action(camat, world, "return", "evaluation", note="")
    draft.refresh_from_db()
    assert refused.status_code == 302 and draft.stage == "evaluation"  # a return needs its reason
    post_action(camat, world, "return", "evaluation", note="Lengkapi RAB rabat beton.")
    draft.refresh_from_db()
    assert draft.stage == "draft"
    # The operator sees the note on the line.
    assert "Volume rabat beton belum ada RAB." in operator.get(base(world)).content.decode()

    post_action(bpd_client, world, "agree", "draft")
    post_action(kades, world, "submit", "agreed")
    post_action(camat, world, "approve", "evaluation")
    draft.refresh_from_db()
    assert draft.stage == "evaluated"
    assert b'value="adopt"' in kades.get(base(world)).content
    post_action(kades, world, "adopt", "evaluated")
    draft.refresh_from_db()
    assert draft.stage == "adopted" and draft.is_frozen

    # A perubahan starts from the adopted version with its lines, as a new draft.
    operator.post(base(world) + "perubahan/")
    revised = Apbdes.objects.get(village=world.desa_x, year=YEAR, number=2)
    assert revised.kind == "perubahan" and revised.stage == "draft" and revised.based_on_id == draft.pk
    assert revised.lines.count() == len(LINES)
    assert b'id="add-line"' in operator.get(base(world)).content
    assert b"bukan versi terakhir" in operator.get(base(world) + "?versi=1").content


def test_a_stale_workflow_button_is_refused(world: Any, draft: Apbdes, bpd: User) -> None:
    apbdes_move(actor=bpd, apbdes=draft, action="agree")
    kades = world.client_for(world.kades_x)
    post_action(kades, world, "submit", "draft")  # the page was drawn while it was still a draft
    draft.refresh_from_db()
    assert draft.stage == "agreed"


def test_adoption_is_refused_on_the_page_when_the_budget_does_not_balance(
    world: Any, draft: Apbdes, bpd: User
) -> None:
    apbdes_line_save(
        actor=world.operator_x, apbdes=draft, idempotency_key=uuid.uuid4(),
        data=LineData("4.1.1", "", "PAD", "Hasil usaha", "1"),
    )  # fmt: skip
    apbdes_move(actor=bpd, apbdes=draft, action="agree")
    apbdes_move(actor=world.kades_x, apbdes=draft, action="submit")
    apbdes_move(actor=world.camat_x, apbdes=draft, action="approve")
    kades = world.client_for(world.kades_x)
    page = kades.get(base(world)).content.decode()
    assert "APBDes tidak seimbang" in page
    response = post_action(kades, world, "adopt", "evaluated")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.stage == "evaluated" and not draft.is_frozen


def test_scope_desa_camat_dpmd_and_outsiders(world: Any, draft: Apbdes, dpmd: User) -> None:
    y = apbdes_create(actor=world.operator_y, village=world.desa_y, year=YEAR)
    line = line_of(draft, "5.3.5")
    for user in (world.operator_x, world.kades_x, world.camat_x, dpmd, world.auditor):
        assert world.client_for(user).get(base(world)).status_code == 200, user
    assert world.client_for(dpmd).get(base(world, world.desa_y)).status_code == 200
    for user in (world.operator_y, world.camat_y, world.officer_b, world.agency_operator_a):
        client = world.client_for(user)
        assert client.get(base(world)).status_code == 404, user
        assert client.get(base(world) + "evaluasi/").status_code == 404, user
        assert client.get(base(world) + f"rincian/{line.pk}/").status_code == 404, user
        assert client.post(base(world) + f"rincian/{line.pk}/hapus/", {"seen": "x"}).status_code == 404
        assert (
            client.post(base(world) + "rincian/baru/", {**FORM, "key": str(uuid.uuid4())}).status_code == 404
        )
    # Desa Y's line is not reachable through desa X's URL, even by desa X's own operator.
    y_line = apbdes_line_save(actor=world.operator_y, apbdes=y, idempotency_key=uuid.uuid4(), data=LINES[0])[
        0
    ]
    assert world.client_for(world.operator_x).get(base(world) + f"rincian/{y_line.pk}/").status_code == 404
    # Viewers who may not edit get no form.
    assert world.client_for(world.camat_x).get(base(world) + "rincian/baru/").status_code == 404
    assert (
        world.client_for(dpmd)
        .post(base(world) + "rincian/baru/", {**FORM, "key": str(uuid.uuid4())})
        .status_code
        == 404
    )
    assert ApbdesLine.objects.filter(apbdes=draft).count() == len(LINES)


def test_only_the_camat_of_the_kecamatan_may_note_a_line(world: Any, draft: Apbdes, bpd: User) -> None:
    apbdes_move(actor=bpd, apbdes=draft, action="agree")
    apbdes_move(actor=world.kades_x, apbdes=draft, action="submit")
    line = line_of(draft, "5.3.5")
    assert (
        world.client_for(world.camat_y)
        .post(base(world) + f"rincian/{line.pk}/catatan/", {"text": "x"})
        .status_code
        == 404
    )
    world.client_for(world.operator_x).post(base(world) + f"rincian/{line.pk}/catatan/", {"text": "x"})
    assert not LineNote.objects.exists()
    page = world.client_for(world.operator_x).get(base(world) + "evaluasi/").content
    assert b'name="text"' not in page  # the operator reads the evaluation but writes no note


def test_revise_is_refused_from_a_draft(world: Any, draft: Apbdes) -> None:
    with pytest.raises(Conflict):
        entry.apbdes_revise(actor=world.operator_x, apbdes=draft)
    assert Apbdes.objects.filter(village=world.desa_x, year=YEAR).count() == 1


def test_the_page_reads_a_fixed_number_of_queries(world: Any, draft: Apbdes) -> None:
    client = world.client_for(world.operator_x)
    client.get(base(world))
    with CaptureQueriesContext(connection) as few:
        client.get(base(world))
    for i in range(30):
        apbdes_line_save(
            actor=world.operator_x, apbdes=draft, idempotency_key=uuid.uuid4(),
            data=LineData("5.2.1", f"02.03.{(i % 5) + 1:02d}", "DDS", f"Baris {i}", "1000"),
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        client.get(base(world))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_list_shows_the_camat_the_kecamatans_desa_awaiting_evaluation(
    world: Any, draft: Apbdes, bpd: User, dpmd: User
) -> None:
    apbdes_create(actor=world.operator_y, village=world.desa_y, year=YEAR)
    apbdes_move(actor=bpd, apbdes=draft, action="agree")
    apbdes_move(actor=world.kades_x, apbdes=draft, action="submit")
    url = f"/app/{world.pemda_a.code}/apbdes-desa/{YEAR}/"
    camat = world.client_for(world.camat_x).get(url + "?tahap=evaluation").content.decode()
    assert world.desa_x.name in camat and world.desa_y.name not in camat
    assert "Dievaluasi camat" in camat
    every = world.client_for(dpmd).get(url).content.decode()
    assert world.desa_x.name in every and world.desa_y.name in every
    assert every.index(world.desa_x.name) < every.index(world.desa_y.name)  # awaiting the camat first
    assert world.client_for(world.officer_b).get(url).status_code == 404
    latest = world.client_for(world.operator_x).get(
        f"/app/{world.pemda_a.code}/desa/{world.desa_x.region_id}/apbdes/"
    )
    assert latest.status_code == 302 and latest["Location"].endswith(f"/apbdes/{YEAR}/")
