"""Staff JSON API of the APBDes (``api_staff``): the whole way to adoption over HTTP, each role its own move,
stale and retried writes, problem+json errors, and scope (desa X's operator gets 404 on desa Y)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from spbe.accounts.models import User
from spbe.core.models import AuditEntry
from spbe.villages import entry
from spbe.villages.models import Apbdes, ApbdesLine, LineNote
from spbe.villages.services import apbdes_create, apbdes_line_save

from .books_helpers import LINES, YEAR
from .test_lines import bearer

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def draft(world: Any, reference_year: int) -> Apbdes:
    apbdes = apbdes_create(actor=world.operator_x, village=world.desa_x, year=YEAR)
    for data in LINES:
        apbdes_line_save(actor=world.operator_x, apbdes=apbdes, idempotency_key=uuid.uuid4(), data=data)
    return apbdes


def base(world: Any, desa: Any = None) -> str:
    desa = desa or world.desa_x
    return f"/api/v1/pemda/{world.pemda_a.code}/villages/{desa.region_id}/apbdes/{YEAR}"


def api(user: User) -> Client:
    return Client(**bearer(user))


def move(client: Client, world: Any, action: str, stage: str, note: str = "") -> Any:
    return client.post(
        f"{base(world)}/{action}", {"tahap": stage, "catatan": note}, content_type="application/json"
    )


def test_the_whole_way_to_adoption_over_the_api_each_role_its_own_move(
    world: Any, draft: Apbdes, bpd_x: User
) -> None:
    operator, kades, camat, bpd = (api(u) for u in (world.operator_x, world.kades_x, world.camat_x, bpd_x))
    state = operator.get(base(world)).json()
    assert state["tahap"] == "draft" and state["tindakan"] == ["edit"]
    assert len(state["rincian"]) == len(LINES) and state["jumlah"]["selisih"] == "0.00"
    assert bpd.get(base(world)).json()["tindakan"] == ["agree"]

    # The Kades may not agree for the BPD: 403 as a problem document, nothing moves.
    refused = move(kades, world, "agree", "draft")
    assert refused.status_code == 403 and refused["Content-Type"] == PROBLEM
    assert Apbdes.objects.get(pk=draft.pk).stage == "draft"

    assert move(bpd, world, "agree", "draft").json()["tahap"] == "agreed"
    assert move(kades, world, "submit", "agreed").json()["tahap"] == "evaluation"
    # The camat notes a line, then returns the draft; a return without a reason is refused.
    line = ApbdesLine.objects.get(apbdes=draft, account_code="5.3.5")
    noted = camat.post(
        f"{base(world)}/lines/{line.pk}/notes", {"teks": "RAB rabat beton?"}, content_type="application/json"
    )
    assert noted.status_code == 201 and LineNote.objects.get(line=line).text == "RAB rabat beton?"
    bare = move(camat, world, "return", "evaluation")
    assert bare.status_code == 422 and bare["Content-Type"] == PROBLEM
    assert move(camat, world, "return", "evaluation", "Lengkapi RAB.").json()["tahap"] == "draft"
    seen = {row["id"]: row for row in operator.get(base(world)).json()["rincian"]}
    assert seen[line.pk]["catatan_camat"] == 1

    move(bpd, world, "agree", "draft")
    move(kades, world, "submit", "agreed")
    assert move(camat, world, "approve", "evaluation").json()["tindakan"] == []
    assert "adopt" in kades.get(base(world)).json()["tindakan"]
    adopted = move(kades, world, "adopt", "evaluated")
    assert adopted.status_code == 200 and adopted.json()["tahap"] == "adopted"
    assert adopted.json()["ditetapkan_pada"] is not None
    draft.refresh_from_db()
    assert draft.stage == "adopted" and draft.is_frozen

    # The perubahan: a new draft copying the adopted lines.
    revised = operator.post(f"{base(world)}/revise", {"tahap": "adopted"}, content_type="application/json")
    assert revised.status_code == 201
    assert revised.json()["nomor"] == 2 and revised.json()["jenis"] == "perubahan"
    assert [v["tahap"] for v in revised.json()["versi"]] == ["adopted", "draft"]
    assert Apbdes.objects.get(village=world.desa_x, year=YEAR, number=2).lines.count() == len(LINES)
    moves = set(AuditEntry.objects.filter(action__startswith="apbdes.").values_list("action", flat=True))
    assert {"apbdes.agree", "apbdes.submit", "apbdes.return", "apbdes.approve", "apbdes.adopt"} <= moves


def test_a_stale_move_is_409_and_a_retried_move_answers_the_state(
    world: Any, draft: Apbdes, bpd_x: User
) -> None:
    bpd, kades = api(bpd_x), api(world.kades_x)
    assert move(bpd, world, "agree", "draft").status_code == 200
    # The retry of the same agree (the answer was lost): the APBDes already stands where it leads.
    again = move(bpd, world, "agree", "draft")
    assert again.status_code == 200 and again.json()["tahap"] == "agreed"
    assert AuditEntry.objects.filter(action="apbdes.agree").count() == 1
    # A move drawn from a stage the APBDes has left, to somewhere else, is refused.
    stale = move(kades, world, "adopt", "draft")
    assert stale.status_code == 409 and stale["Content-Type"] == PROBLEM
    assert "Disepakati" in stale.json()["detail"]
    assert Apbdes.objects.get(pk=draft.pk).stage == "agreed"


def test_adoption_refused_by_the_checks_is_a_problem_naming_them(
    world: Any, draft: Apbdes, bpd_x: User
) -> None:
    operator = api(world.operator_x)
    extra = {"kode_rekening": "4.1.1", "sumber_dana": "PAD", "anggaran": "1.00"}
    key = str(uuid.uuid4())
    assert (
        operator.post(
            f"{base(world)}/lines", extra, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
        ).status_code
        == 201
    )
    assert operator.get(base(world)).json()["masalah"]
    move(api(bpd_x), world, "agree", "draft")
    move(api(world.kades_x), world, "submit", "agreed")
    move(api(world.camat_x), world, "approve", "evaluation")
    refused = move(api(world.kades_x), world, "adopt", "evaluated")
    assert refused.status_code == 422 and "tidak seimbang" in refused.json()["detail"]
    assert Apbdes.objects.get(pk=draft.pk).stage == "evaluated"
    # The Kades reopens it with the reason, and the operator can correct it again.
    assert (
        move(api(world.kades_x), world, "reopen", "evaluated", "Belum seimbang.").json()["tahap"] == "draft"
    )


def test_change_with_the_fingerprint_a_retry_answers_the_line_and_a_stale_change_is_409(
    world: Any, draft: Apbdes
) -> None:
    operator = api(world.operator_x)
    line = ApbdesLine.objects.get(apbdes=draft, account_code="5.3.5")
    seen = entry.line_fingerprint(line)
    body = {
        "sidik": seen,
        "kode_rekening": "5.3.5",
        "kode_kegiatan": line.activity_code,
        "sumber_dana": line.source_code,
        "uraian": "Rabat beton dusun Krajan",
        "anggaran": "12500000.00",
    }
    url = f"{base(world)}/lines/{line.pk}"
    assert operator.get(url).json()["sidik"] == seen
    changed = operator.put(url, body, content_type="application/json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["anggaran"] == "12500000.00" and changed.json()["sidik"] != seen
    # The same request again (the answer was lost on the way): the line already holds it, 200, no write.
    again = operator.put(url, body, content_type="application/json")
    assert again.status_code == 200 and again.json()["sidik"] == changed.json()["sidik"]
    assert AuditEntry.objects.filter(action="apbdes.line_change").count() == 1
    # A change drawn from the old content, asking for something else, is refused and changes nothing.
    stale = operator.put(url, {**body, "anggaran": "1.00"}, content_type="application/json")
    assert stale.status_code == 409 and stale["Content-Type"] == PROBLEM
    line.refresh_from_db()
    assert str(line.amount) == "12500000.00"
    # A float amount is refused (money travels as text), as a problem document.
    floated = operator.put(
        url, {**body, "sidik": changed.json()["sidik"], "anggaran": 1.5}, content_type="application/json"
    )
    assert floated.status_code == 422 and floated["Content-Type"] == PROBLEM
    # Remove with the current fingerprint; a second remove is 409 (the line is gone: 404 for its id).
    removed = operator.delete(f"{url}?sidik={changed.json()['sidik']}")
    assert removed.status_code == 204
    assert not ApbdesLine.objects.filter(pk=line.pk).exists()
    assert operator.delete(f"{url}?sidik={changed.json()['sidik']}").status_code == 404


def test_start_a_draft_then_only_the_operator_edits(world: Any, reference_year: int) -> None:
    operator = api(world.operator_x)
    assert operator.get(base(world)).status_code == 404
    started = operator.post(base(world))
    assert (
        started.status_code == 201 and started.json()["tahap"] == "draft" and started.json()["rincian"] == []
    )
    assert Apbdes.objects.filter(village=world.desa_x, year=YEAR).count() == 1
    twice = operator.post(base(world))
    assert twice.status_code == 409 and twice["Content-Type"] == PROBLEM
    # The Kades sees it but may not start one or edit lines (403, not 404: it is his desa).
    assert api(world.kades_x).get(base(world)).json()["tindakan"] == []


def test_desa_x_operator_gets_404_on_desa_y_and_the_camat_only_the_kecamatan(
    world: Any, draft: Apbdes, reference_year: int
) -> None:
    y = apbdes_create(actor=world.operator_y, village=world.desa_y, year=YEAR)
    apbdes_line_save(actor=world.operator_y, apbdes=y, idempotency_key=uuid.uuid4(), data=LINES[0])
    line_y = ApbdesLine.objects.get(apbdes=y)
    operator_x = api(world.operator_x)
    for response in (
        operator_x.get(base(world, world.desa_y)),
        operator_x.post(base(world, world.desa_y)),
        operator_x.put(
            f"{base(world, world.desa_y)}/lines/{line_y.pk}",
            {"sidik": entry.line_fingerprint(line_y), "kode_rekening": "5.1.1", "kode_kegiatan": "01.01.01",
             "sumber_dana": "ADD", "anggaran": "1.00"},
            content_type="application/json",
        ),
        operator_x.delete(f"{base(world, world.desa_y)}/lines/{line_y.pk}?sidik=x"),
        operator_x.post(
            f"{base(world, world.desa_y)}/agree", {"tahap": "draft"}, content_type="application/json"
        ),
        # Desa Y's line through desa X's address is not a line of this APBDes either.
        operator_x.delete(f"{base(world)}/lines/{line_y.pk}?sidik={entry.line_fingerprint(line_y)}"),
        api(world.camat_x).get(base(world, world.desa_y)),
        api(world.camat_y).get(base(world)),
        api(world.officer_b).get(base(world)),
    ):  # fmt: skip
        assert response.status_code == 404 and response["Content-Type"] == PROBLEM, response.content
    assert ApbdesLine.objects.filter(apbdes=y).count() == 1 and Apbdes.objects.get(pk=y.pk).stage == "draft"
    assert api(world.camat_x).get(base(world)).status_code == 200
    assert Client().get(base(world)).status_code == 401


def test_the_state_reads_a_fixed_number_of_queries(world: Any, draft: Apbdes) -> None:
    operator = api(world.operator_x)
    operator.get(base(world))  # the token's first use records last_used_at once

    def count() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert operator.get(base(world)).status_code == 200
        return len(seen.captured_queries)

    before = count()
    for n in range(6):
        apbdes_line_save(
            actor=world.operator_x, apbdes=draft, idempotency_key=uuid.uuid4(),
            data=LINES[n % len(LINES)],
        )  # fmt: skip
    assert count() == before
