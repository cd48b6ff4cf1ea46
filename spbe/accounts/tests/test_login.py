from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime

from conftest import PASSWORD
from spbe.accounts.models import User
from spbe.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.mark.real_hasher
def test_it_hashes_passwords_with_argon2(world):
    assert world.officer_a.password.startswith("argon2$argon2id$")
    assert Client().login(username="officer.a", password=PASSWORD)


def test_it_signs_in_and_lands_on_the_pemda_dashboard(world):
    client = Client()
    response = client.post("/masuk/", {"username": "officer.a", "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"/app/{world.pemda_a.code}/"
    page = client.get(response["Location"]).content.decode()
    assert "Admin pemda" in page
    assert 'id="panel-users"' in page


def test_it_locks_the_account_after_repeated_failures(world, settings):
    settings.SPBE_LOGIN_MAX_FAILURES = 3
    client = Client()
    for _ in range(3):
        response = client.post("/masuk/", {"username": "officer.a", "password": "salah"})
        assert response.status_code == 200
    assert "dikunci" in response.content.decode()
    # Even the right password is refused while the lock lasts.
    response = client.post("/masuk/", {"username": "officer.a", "password": PASSWORD})
    assert response.status_code == 200
    assert "dikunci" in response.content.decode()
    user = User.objects.get(username="officer.a")
    assert user.locked_until is not None
    assert AuditEntry.objects.filter(action="user.lock", object_id=str(user.pk)).count() == 1


def test_it_resets_the_failure_count_after_a_good_sign_in(world, settings):
    settings.SPBE_LOGIN_MAX_FAILURES = 3
    client = Client()
    client.post("/masuk/", {"username": "officer.a", "password": "salah"})
    client.post("/masuk/", {"username": "officer.a", "password": "salah"})
    assert client.post("/masuk/", {"username": "officer.a", "password": PASSWORD}).status_code == 302
    assert User.objects.get(username="officer.a").failed_logins == 0


def test_it_shows_each_role_its_own_dashboard(world):
    page = world.client_for(world.operator_x).get(f"/app/{world.pemda_a.code}/").content.decode()
    assert 'id="panel-my-village"' in page
    assert world.desa_x.name in page
    assert 'id="panel-users"' not in page
    page = world.client_for(world.auditor).get(f"/app/{world.pemda_a.code}/").content.decode()
    assert 'id="panel-audit"' in page
    assert 'id="panel-my-village"' not in page


def test_a_pemdas_pages_show_its_own_local_time(world):
    world.pemda_a.time_zone = "Asia/Jayapura"  # as if it were in Papua (WIT, UTC+9)
    world.pemda_a.save(update_fields=["time_zone"])
    page = world.client_for(world.officer_a).get(f"/app/{world.pemda_a.code}/audit/").content.decode()
    entry = AuditEntry.objects.filter(pemda_code=world.pemda_a.code).latest("seq")
    with translation.override("id"):
        wit = date_format(localtime(entry.at, ZoneInfo("Asia/Jayapura")), "SHORT_DATETIME_FORMAT")
        wib = date_format(localtime(entry.at, ZoneInfo("Asia/Jakarta")), "SHORT_DATETIME_FORMAT")
    assert wit in page
    assert wib not in page
