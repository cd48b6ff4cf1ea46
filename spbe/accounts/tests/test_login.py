from __future__ import annotations

from datetime import timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.timezone import localtime

from conftest import PASSWORD
from spbe.accounts.models import SignInFailure, User
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


def _sign_in(username, password, ip="203.0.113.7", client=None):
    return (client or Client()).post("/masuk/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_a_wrong_password_gets_one_plain_message(world):
    page = _sign_in("officer.a", "salah").content.decode()
    assert "Nama pengguna atau kata sandi salah." in page
    assert "nama pengguna nama pengguna" not in page.lower()


def test_it_throttles_the_attacking_client_and_not_the_victim(world, settings):
    settings.SPBE_SIGNIN_MAX_PER_USERNAME = 3
    for _ in range(3):
        assert _sign_in("officer.a", "salah", ip="198.51.100.9").status_code == 200
    # The attacker's client is refused now, even with the right password ...
    page = _sign_in("officer.a", PASSWORD, ip="198.51.100.9").content.decode()
    assert "Terlalu banyak percobaan" in page
    # ... while the victim signs in from their own client, and the account was never locked.
    assert _sign_in("officer.a", PASSWORD, ip="192.0.2.20").status_code == 302
    user = User.objects.get(username="officer.a")
    assert user.locked_at is None
    assert not AuditEntry.objects.filter(action="user.lock").exists()
    assert SignInFailure.objects.filter(client="198.51.100.9", username="officer.a").count() == 3


def test_an_empty_password_neither_counts_nor_clears_failures(world, settings):
    settings.SPBE_SIGNIN_MAX_PER_USERNAME = 2
    _sign_in("officer.a", "salah")
    assert Client().post("/masuk/", {"username": "officer.a"}, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert SignInFailure.objects.count() == 1
    _sign_in("officer.a", "salah")
    assert "Terlalu banyak" in _sign_in("officer.a", PASSWORD).content.decode()


def test_it_throttles_a_client_trying_many_usernames(world, settings):
    settings.SPBE_SIGNIN_MAX_PER_CLIENT = 4
    for name in ["a1x", "b2x", "c3x", "d4x"]:
        _sign_in(name, "salah", ip="198.51.100.10")
    page = _sign_in("officer.a", PASSWORD, ip="198.51.100.10").content.decode()
    assert "Terlalu banyak percobaan" in page
    assert _sign_in("officer.a", PASSWORD, ip="198.51.100.11").status_code == 302


def test_the_throttle_treats_an_ipv6_clients_whole_network_as_one(world, settings):
    settings.SPBE_SIGNIN_MAX_PER_USERNAME = 2
    _sign_in("officer.a", "salah", ip="2001:db8:1:2::1")
    _sign_in("officer.a", "salah", ip="2001:db8:1:2::ffff")
    page = _sign_in("officer.a", PASSWORD, ip="2001:db8:1:2:abcd::9").content.decode()
    assert "Terlalu banyak percobaan" in page
    assert _sign_in("officer.a", PASSWORD, ip="2001:db8:1:3::1").status_code == 302


def test_failures_leave_the_window(world, settings):
    settings.SPBE_SIGNIN_MAX_PER_USERNAME = 2
    _sign_in("officer.a", "salah")
    _sign_in("officer.a", "salah")
    assert "Terlalu banyak" in _sign_in("officer.a", PASSWORD).content.decode()
    old = timezone.now() - timedelta(seconds=settings.SPBE_SIGNIN_WINDOW_SECONDS + 1)
    SignInFailure.objects.update(at=old)
    assert _sign_in("officer.a", PASSWORD).status_code == 302
    # A good sign-in forgets that client's failures for the name; expired ones are swept on the next failure.
    _sign_in("officer.a", "salah")
    assert list(SignInFailure.objects.values_list("username", flat=True)) == ["officer.a"]


def test_a_throttled_answer_is_the_same_for_known_and_unknown_names(world, settings):
    settings.SPBE_SIGNIN_MAX_PER_USERNAME = 2
    pages = {}
    for name in ["officer.a", "tidak.ada"]:
        _sign_in(name, "salah")
        _sign_in(name, "salah")
        page = _sign_in(name, "salah").content.decode()
        pages[name] = page.split('role="alert">')[1].split("</div>")[0]
    assert "Terlalu banyak" in pages["officer.a"]
    assert pages["officer.a"] == pages["tidak.ada"]


def _counting_hasher():
    """Patch the test hasher so every encode and verify is counted (MD5's verify hashes via encode)."""
    encode, verify = MD5PasswordHasher.encode, MD5PasswordHasher.verify
    return (
        mock.patch.object(MD5PasswordHasher, "encode", autospec=True, side_effect=encode),
        mock.patch.object(MD5PasswordHasher, "verify", autospec=True, side_effect=verify),
    )


def test_known_and_unknown_names_both_run_the_hasher(world):
    """Both cost one password hash, so the time taken does not tell which names exist."""
    calls = {}
    for name in ["officer.a", "tidak.ada"]:
        patch_encode, patch_verify = _counting_hasher()
        with patch_encode as encode, patch_verify as verify:
            page = _sign_in(name, "salah").content.decode()
        assert "Nama pengguna atau kata sandi salah." in page
        calls[name] = (encode.call_count, verify.call_count)
    # The known name verifies against its hash; the unknown one hashes the password all the same.
    assert calls == {"officer.a": (1, 1), "tidak.ada": (1, 0)}


def test_a_throttled_answer_runs_no_lookup_and_no_hasher(world, settings):
    settings.SPBE_SIGNIN_MAX_PER_USERNAME = 1
    _sign_in("officer.a", "salah")
    patch_encode, patch_verify = _counting_hasher()
    with (
        patch_encode as encode,
        patch_verify as verify,
        mock.patch.object(User.objects, "get_by_natural_key", autospec=True) as lookup,
    ):
        assert "Terlalu banyak" in _sign_in("officer.a", PASSWORD).content.decode()
    assert (encode.call_count, verify.call_count, lookup.call_count) == (0, 0, 0)


def test_a_proxy_header_names_the_client_when_configured(world, settings):
    settings.SPBE_SIGNIN_MAX_PER_USERNAME = 1
    settings.SPBE_CLIENT_IP_HEADER = "X-Forwarded-For"
    client = Client()
    # Same proxy address for both, different real clients: only the failing one is throttled.
    client.post(
        "/masuk/",
        {"username": "officer.a", "password": "salah"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.50",
    )
    assert SignInFailure.objects.get().client == "198.51.100.50"
    ok = Client().post(
        "/masuk/",
        {"username": "officer.a", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.60",
    )
    assert ok.status_code == 302


def test_a_locked_or_deactivated_account_cannot_sign_in(world):
    User.objects.filter(pk=world.operator_x.pk).update(locked_at=timezone.now())
    User.objects.filter(pk=world.operator_y.pk).update(is_active=False)
    for name in ["operator.x", "operator.y"]:
        page = _sign_in(name, PASSWORD).content.decode()
        assert "Nama pengguna atau kata sandi salah." in page


def test_a_password_with_spaces_is_kept_as_typed(world):
    """Regression: the staff form stripped the password, so ' awal ' became 'awal'."""
    client = world.client_for(world.officer_a)
    password = "  kata sandi  dengan spasi  "
    response = client.post(
        f"/app/{world.pemda_a.code}/pengguna/",
        {"username": "spasi.ok", "password": password, "role": "auditor"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="spasi.ok")
    assert user.check_password(password)
    assert not user.check_password(password.strip())
    assert _sign_in("spasi.ok", password).status_code == 302


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
