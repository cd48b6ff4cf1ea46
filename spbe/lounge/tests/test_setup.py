"""The service-mall manager's set-up: lounges and their limits, ticket letters, counters; audited, scoped."""

from __future__ import annotations

import pytest

from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.lounge import queues
from spbe.lounge.models import Counter, Lounge, LoungeService, Service

pytestmark = pytest.mark.django_db


def test_the_manager_opens_a_lounge_and_sets_its_limits_on_the_pages(world, mall):
    client = world.client_for(mall.manager)
    assert client.get("/app/35.10/antrean/ruang/").status_code == 200
    response = client.post("/app/35.10/antrean/ruang/", {"code": "mpp-genteng", "name": "MPP Genteng"})
    assert response.status_code == 302 and response["Location"] == "/app/35.10/antrean/ruang/mpp-genteng/"
    lounge = Lounge.objects.get(code="mpp-genteng")
    assert AuditEntry.objects.filter(action="lounge.create", object_id=str(lounge.pk)).exists()
    page = client.get("/app/35.10/antrean/ruang/mpp-genteng/")
    assert page.status_code == 200 and "MPP Genteng" in page.content.decode()
    edit = {"name": "MPP Genteng Baru", "max_per_visitor": "3", "max_per_network": "50", "max_per_kiosk": "0"}
    assert client.post("/app/35.10/antrean/ruang/mpp-genteng/", edit).status_code == 302
    lounge.refresh_from_db()
    assert (lounge.name, lounge.max_per_visitor, lounge.max_per_network, lounge.max_per_kiosk) == (
        "MPP Genteng Baru",
        3,
        50,
        0,
    )
    entry = AuditEntry.objects.get(action="lounge.update")
    assert entry.before["max_per_visitor"] == 2 and entry.after["max_per_visitor"] == 3
    # A duplicate code and a negative limit are refused on the page, nothing written.
    again = client.post("/app/35.10/antrean/ruang/", {"code": "mpp-genteng", "name": "Lagi"})
    assert again.status_code == 422 and "sudah ada" in again.content.decode()
    bad = client.post("/app/35.10/antrean/ruang/mpp-genteng/", {**edit, "max_per_visitor": "-1"})
    assert bad.status_code == 422
    assert Lounge.objects.get(pk=lounge.pk).max_per_visitor == 3


def test_saving_an_unchanged_lounge_writes_no_entry(mall):
    before = AuditEntry.objects.count()
    queues.lounge_update(
        actor=mall.manager, lounge=mall.lounge, name=mall.lounge.name, max_per_visitor=2, max_per_network=30,
        max_per_kiosk=400,
    )  # fmt: skip
    assert AuditEntry.objects.count() == before


def test_a_whole_agency_is_offered_under_one_letter_with_an_entry_per_service(world, mall):
    extra = Service.objects.create(
        pemda=world.pemda_a, unit=world.unit_a, kode_layanan="PU-03", nama="Izin Jalan", search_text="pu-03"
    )
    client = world.client_for(mall.manager)
    response = client.post(
        "/app/35.10/antrean/ruang/mpp/", {"form": "offer", "unit": str(world.unit_a.pk), "letter": "c"}
    )
    assert response.status_code == 302
    prefixes = dict(
        LoungeService.objects.filter(lounge=mall.lounge, service__unit=world.unit_a).values_list(
            "service__kode_layanan", "prefix"
        )
    )
    assert prefixes == {"PU-01": "C", "PU-02": "C", "PU-03": "C"}
    entries = AuditEntry.objects.filter(action="lounge.offer").order_by("-pk")[:3]
    assert sorted(e.after["service"] for e in entries) == ["PU-01", "PU-02", "PU-03"]
    moved = next(e for e in entries if e.after["service"] == "PU-01")
    assert moved.before == {"prefix": "A"}
    assert LoungeService.objects.get(service=extra).pk == int(
        next(e for e in entries if e.after["service"] == "PU-03").object_id
    )
    # One service, or one agency: not both, not neither.
    both = client.post(
        "/app/35.10/antrean/ruang/mpp/",
        {"form": "offer", "unit": str(world.unit_a.pk), "service": str(extra.pk), "letter": "D"},
    )
    assert both.status_code == 422
    assert client.post("/app/35.10/antrean/ruang/mpp/", {"form": "offer", "letter": "D"}).status_code == 422
    bad = client.post(
        "/app/35.10/antrean/ruang/mpp/", {"form": "offer", "service": str(extra.pk), "letter": "D1"}
    )
    assert bad.status_code == 422 and "1-3 huruf" in bad.content.decode()


def test_a_served_service_is_not_withdrawn_until_its_counter_lets_it_go(world, mall):
    offer = LoungeService.objects.get(lounge=mall.lounge, service=mall.reklame)
    with pytest.raises(Conflict, match="Loket 1"):
        queues.lounge_withdraw(actor=mall.manager, offer=offer)
    queues.counter_update(
        actor=mall.manager, counter=mall.loket_pu, name="Loket 1", services=[mall.izin], is_active=True
    )
    client = world.client_for(mall.manager)
    assert client.post(f"/app/35.10/antrean/ruang/mpp/layanan/{offer.pk}/tutup/").status_code == 302
    assert not LoungeService.objects.filter(pk=offer.pk).exists()
    assert AuditEntry.objects.get(action="lounge.withdraw").before["service"] == "PU-02"


def test_the_manager_opens_and_edits_a_counter_of_an_agency(world, mall):
    client = world.client_for(mall.manager)
    assert client.get("/app/35.10/antrean/ruang/mpp/loket/baru/").status_code == 200
    # A service of another agency is refused for this agency's counter.
    wrong = client.post(
        "/app/35.10/antrean/ruang/mpp/loket/baru/",
        {"name": "Loket 9", "unit": str(world.unit_a.pk), "services": [str(mall.ijazah.pk)]},
    )
    assert wrong.status_code == 422 and "bukan layanan" in wrong.content.decode()
    made = client.post(
        "/app/35.10/antrean/ruang/mpp/loket/baru/",
        {"name": "Loket 9", "unit": str(world.unit_a.pk), "services": [str(mall.izin.pk)]},
    )
    assert made.status_code == 302
    counter = Counter.objects.get(lounge=mall.lounge, name="Loket 9")
    assert list(counter.services.all()) == [mall.izin] and counter.unit == world.unit_a
    url = f"/app/35.10/antrean/ruang/mpp/loket/{counter.pk}/"
    assert client.get(url).status_code == 200
    edited = client.post(url, {"name": "Loket 9A", "services": [str(mall.izin.pk), str(mall.reklame.pk)]})
    assert edited.status_code == 302
    counter.refresh_from_db()
    assert counter.name == "Loket 9A" and not counter.is_active  # the box was left unticked: closed
    assert set(counter.services.all()) == {mall.izin, mall.reklame}
    entry = AuditEntry.objects.get(action="counter.update")
    assert entry.before["is_active"] is True and entry.after["services"] == ["PU-01", "PU-02"]


def test_a_counter_with_a_called_ticket_is_not_closed(mall):
    queues.ticket_take(taker=queues.Taker(), lounge=mall.lounge, service=mall.ijazah)
    queues.ticket_call_next(actor=mall.officer_dik, counter=mall.loket_dik)
    with pytest.raises(Conflict, match="selesaikan atau lewati"):
        queues.counter_update(
            actor=mall.manager,
            counter=mall.loket_dik,
            name="Loket 3",
            services=[mall.ijazah],
            is_active=False,
        )
    assert Counter.objects.get(pk=mall.loket_dik.pk).is_active


def test_only_the_manager_and_the_pemda_admin_set_up(world, mall):
    for user in (mall.officer_pu, world.agency_head_a):
        with pytest.raises(PermissionDenied):
            queues.lounge_update(
                actor=user,
                lounge=mall.lounge,
                name="X",
                max_per_visitor=1,
                max_per_network=1,
                max_per_kiosk=1,
            )
        client = world.client_for(user)
        assert client.get("/app/35.10/antrean/ruang/").status_code == 403
        assert client.get("/app/35.10/antrean/ruang/mpp/").status_code == 403
    admin = world.client_for(world.officer_a)
    assert admin.get("/app/35.10/antrean/ruang/mpp/").status_code == 200
    # Another pemda's people are told it does not exist.
    outsider = world.client_for(world.officer_b)
    assert outsider.get("/app/35.10/antrean/ruang/mpp/").status_code == 404
    with pytest.raises(ValidationFailed):
        queues.lounge_update(
            actor=mall.manager,
            lounge=mall.lounge,
            name="X",
            max_per_visitor=-1,
            max_per_network=1,
            max_per_kiosk=1,
        )


def test_a_counter_of_another_lounge_is_not_edited_through_this_one(world, mall):
    other = queues.lounge_create(actor=mall.manager, pemda=world.pemda_a, code="kedua", name="Kedua")
    client = world.client_for(mall.manager)
    assert client.get(f"/app/35.10/antrean/ruang/kedua/loket/{mall.loket_pu.pk}/").status_code == 404
    assert other.counters.count() == 0
