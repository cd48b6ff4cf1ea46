"""Navigation offers each role only pages that show it something, and marks the page being shown."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SUBNAV = re.compile(r'<nav class="subnav".*?</nav>', re.S)
LINK = re.compile(r'<a [^>]*?href="([^"]+)"([^>]*)>')


def subnav_links(page: str) -> dict[str, str]:
    """href -> the rest of the tag, for every link in the module bar."""
    found = SUBNAV.search(page)
    assert found, "the page has no module bar"
    return dict(LINK.findall(found.group(0)))


def agency_operator(world):
    return world.agency_operator_a


def test_the_admin_sees_every_section_and_the_current_page_is_marked(world):
    page = world.client_for(world.officer_a).get("/app/35.10/").content.decode()
    links = subnav_links(page)
    for url in (
        "/app/35.10/perangkat-daerah/",
        "/app/35.10/desa/",
        "/app/35.10/pengguna/",
        "/app/35.10/audit/",
    ):
        assert url in links
    assert 'aria-current="page"' in links["/app/35.10/"]
    assert "aria-current" not in links["/app/35.10/desa/"]


def test_a_village_operator_is_not_offered_empty_or_forbidden_sections(world):
    links = subnav_links(world.client_for(world.operator_x).get("/app/35.10/").content.decode())
    assert "/app/35.10/desa/" in links
    for url in ("/app/35.10/perangkat-daerah/", "/app/35.10/pengguna/", "/app/35.10/audit/"):
        assert url not in links


def test_an_agency_operator_sees_their_unit_but_no_desa_list(world):
    client = world.client_for(agency_operator(world))
    links = subnav_links(client.get("/app/35.10/").content.decode())
    assert "/app/35.10/perangkat-daerah/" in links
    assert "/app/35.10/desa/" not in links
    assert "/app/35.10/audit/" not in links


@pytest.mark.parametrize(
    "persona", ["officer_a", "operator_x", "auditor", "agency", "camat_x", "tapd_a", "kades_x", "platform"]
)
def test_every_module_bar_link_opens_a_page_with_content(world, persona):
    user = agency_operator(world) if persona == "agency" else getattr(world, persona)
    client = world.client_for(user)
    links = subnav_links(client.get("/app/35.10/").content.decode())
    for url in links:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "Tidak ada desa dalam cakupan Anda" not in page, url
        assert "Tidak ada perangkat daerah dalam cakupan Anda" not in page, url


def test_a_page_below_a_section_marks_the_section(world):
    page = world.client_for(world.officer_a).get("/app/35.10/desa/35.10.02.2001/").content.decode()
    assert 'aria-current="true"' in subnav_links(page)["/app/35.10/desa/"]
    listing = world.client_for(world.officer_a).get("/app/35.10/desa/").content.decode()
    assert 'aria-current="page"' in subnav_links(listing)["/app/35.10/desa/"]


@pytest.mark.parametrize(
    ("persona", "present", "absent"),
    [
        (
            "tapd_a",
            ["/app/35.10/anggaran/", "/app/35.10/usulan/", "/app/35.10/rencana/"],
            ["/app/35.10/monitoring/"],
        ),
        ("agency", ["/app/35.10/anggaran/", "/app/35.10/monitoring/", "/app/35.10/pengaduan/"], []),
        ("operator_x", ["/app/35.10/usulan/"], ["/app/35.10/anggaran/", "/app/35.10/monitoring/"]),
    ],
)
def test_the_module_bar_offers_the_modules_a_role_works_in(world, persona, present, absent):
    user = agency_operator(world) if persona == "agency" else getattr(world, persona)
    bar = SUBNAV.search(world.client_for(user).get("/app/35.10/").content.decode()).group(0)
    links = subnav_links(bar)
    for url in present:
        assert url in links, url
    for url in absent:
        assert url not in links, url
    # Every module has shipped: nothing in the bar is announced as coming any more.
    assert "segera hadir" not in bar
    assert Client().get("/modul/perencanaan/").status_code == 404


@pytest.mark.parametrize(
    ("url", "link", "state"),
    [
        ("/wilayah/", "/wilayah/", "page"),
        ("/wilayah/35.10/", "/wilayah/", "true"),
        ("/masuk/", "/masuk/", "page"),
        ("/", "/", "page"),
    ],
)
def test_the_main_navigation_marks_where_the_reader_is(regions, url, link, state):
    page = Client().get(url).content.decode()
    header = page.split("</header>")[0]
    tags = dict(LINK.findall(header))
    assert f'aria-current="{state}"' in tags[link]
    others = [href for href, rest in tags.items() if "aria-current" in rest]
    # The language switch marks the language in use (aria-current="true"); of the places, only this one.
    assert [href for href in others if not href.startswith("/bahasa/")] == [link]
    assert [href for href in others if href.startswith("/bahasa/")] == [f"/bahasa/id/?next={url}"]


def test_operators_get_an_operations_link_and_staff_do_not(world, django_user_model):
    operator = django_user_model.objects.create_superuser("root", password="a-long-password-1")
    assert 'href="/operasi/"' in world.client_for(operator).get("/wilayah/").content.decode()
    assert 'href="/operasi/"' not in world.client_for(world.officer_a).get("/wilayah/").content.decode()


def test_each_role_s_dashboard_panel_links_to_the_module_pages_it_may_open(world):
    from conftest import grant, make_user
    from spbe.accounts.models import Role
    from spbe.lounge.tests.queue_helpers import build_mall

    build_mall(world)  # a lounge with a counter of unit A
    a = world.pemda_a
    dpmd = grant(make_user("dpmd.a", a), a, Role.DPMD)
    counter = grant(make_user("loket.a", a), a, Role.COUNTER_OFFICER, unit=world.unit_a)
    supervisor = grant(make_user("pengawas.a", a), a, Role.FIELD_SUPERVISOR, unit=world.unit_a)
    cases = [
        (dpmd, "/app/35.10/transfer-desa/"),
        (counter, "/app/35.10/antrean/"),
        (supervisor, "/app/35.10/monitoring/"),
        (world.tapd_a, None),
        (world.camat_x, None),
    ]
    for user, link in cases:
        client = world.client_for(user)
        page = client.get("/app/35.10/").content.decode()
        if link is not None:
            assert f'href="{link}"' in page
            assert client.get(link).status_code == 200
        # Nobody is offered the transfer pages they would be refused.
        if user is not dpmd:
            assert 'href="/app/35.10/transfer-desa/"' not in page
    planner = world.client_for(world.tapd_a)
    assert 'href="/app/35.10/usulan/"' in planner.get("/app/35.10/").content.decode()
    assert planner.get("/app/35.10/usulan/").status_code == 200
