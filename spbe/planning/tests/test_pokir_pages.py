"""Pokir pages: the member's list and form, the secretariat's list, check and batch forward; others 404."""

from __future__ import annotations

import pytest

from spbe.planning.models import Decision, Proposal, Stage
from spbe.planning.models_pokir import PokirDetail
from spbe.planning.pokir import pokir_submit

from .pokir_helpers import dprd, new_pokir

pytestmark = pytest.mark.django_db
A = "35.10"


def _form(world, **extra):
    values = {
        "village": world.desa_x.region_id,
        "year": "2028",
        "dapil": "Banyuwangi 3",
        "recess_date": "2026-10-02",
        "recess_place": "Balai Desa Krajan",
        "attendees": "72",
        "title": "Rehab saluran irigasi tersier",
        "problem": "Sawah kekeringan",
        "volume": "300",
        "unit_of_measure": "meter",
        "estimated_cost": "150.000.000",
        "suggested_unit": str(world.unit_a.pk),
        "beneficiaries": "90",
        "then": "submit",
    }
    values.update(extra)
    return values


def test_a_member_enters_a_pokir_on_the_form_and_sends_it_to_the_secretariat(world):
    people = dprd(world)
    client = world.client_for(people.member)
    assert f'href="/app/{A}/pokir/"' in client.get(f"/app/{A}/").content.decode()  # the dashboard's panel
    assert client.get(f"/app/{A}/pokir/baru/").status_code == 200
    sent = client.post(f"/app/{A}/pokir/baru/", _form(world))
    pokir = Proposal.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/app/{A}/pokir/{pokir.public_id}/"
    assert pokir.state == Stage.SECRETARIAT
    assert PokirDetail.objects.get().recess_place == "Balai Desa Krajan"
    listed = client.get(f"/app/{A}/pokir/").content.decode()
    assert pokir.public_id in listed and "Verifikasi sekretariat DPRD" in listed
    # A bad form writes nothing and says why.
    bad = client.post(f"/app/{A}/pokir/baru/", _form(world, dapil="", suggested_unit=""))
    assert bad.status_code == 400 and Proposal.objects.count() == 1
    # The member's list, detail and form are theirs: others get 404.
    other = world.client_for(people.other_member)
    assert pokir.public_id not in other.get(f"/app/{A}/pokir/").content.decode()
    for outsider in (other, world.client_for(world.agency_operator_a), world.client_for(world.officer_b)):
        assert outsider.get(f"/app/{A}/pokir/{pokir.public_id}/").status_code == 404
        assert outsider.get(f"/app/{A}/usulan/{pokir.public_id}/").status_code == 404
    assert world.client_for(world.agency_operator_a).get(f"/app/{A}/pokir/baru/").status_code == 404


def test_the_secretariat_checks_returns_and_forwards_pokir_from_its_pages(world):
    people = dprd(world)
    first, second = (new_pokir(world, people.member, title=f"Drainase {n}") for n in range(2))
    for p in (first, second):
        pokir_submit(actor=people.member, proposal=p)
    secretariat = world.client_for(people.secretariat)
    assert secretariat.get(f"/app/{A}/pokir/").status_code == 302  # to its own list
    page = secretariat.get(f"/app/{A}/pokir/sekretariat/").content.decode()
    assert first.public_id in page and second.public_id in page and "belum ada foto" in page
    detail = f"/app/{A}/pokir/{first.public_id}/"
    # A return needs a note; a page of another stage is a conflict.
    secretariat.post(detail, {"stage": "secretariat", "action": "return", "note": ""})
    assert Proposal.objects.get(pk=first.pk).state == Stage.SECRETARIAT
    stale = secretariat.post(detail, {"stage": "draft", "action": "forward", "note": ""})
    assert stale.status_code == 409
    secretariat.post(detail, {"stage": "secretariat", "action": "return", "note": "Lengkapi foto lokasi"})
    assert Proposal.objects.get(pk=first.pk).state == Stage.DRAFT
    forwarded = secretariat.post(
        f"/app/{A}/pokir/sekretariat/teruskan/", {"pokir": [second.public_id], "note": "Lengkap"}
    )
    assert forwarded.status_code == 302
    assert Proposal.objects.get(pk=second.pk).state == Stage.AGENCY
    assert list(Decision.objects.filter(proposal=second).values_list("action", "note")) == [
        ("submit_pokir", ""),
        ("forward_secretariat", "Lengkap"),
    ]
    # The member cannot forward, and another pemda's secretariat sees nothing.
    member = world.client_for(people.member)
    member.post(f"/app/{A}/pokir/{first.public_id}/", {"stage": "draft", "action": "forward"})
    assert Proposal.objects.get(pk=first.pk).state == Stage.DRAFT
    assert member.get(f"/app/{A}/pokir/sekretariat/").status_code == 404
    outsider = world.client_for(people.secretariat_b)
    assert outsider.get(f"/app/{A}/pokir/sekretariat/").status_code == 404
    assert (
        outsider.post(f"/app/{A}/pokir/sekretariat/teruskan/", {"pokir": [first.public_id]}).status_code
        == 404
    )
    # The member sees the note and sends the pokir again from its page.
    page = member.get(f"/app/{A}/pokir/{first.public_id}/").content.decode()
    assert "Lengkapi foto lokasi" in page
    member.post(f"/app/{A}/pokir/{first.public_id}/", {"stage": "draft", "action": "submit"})
    assert Proposal.objects.get(pk=first.pk).state == Stage.SECRETARIAT
