"""A pemda admin edits, locks and deactivates staff accounts and resets passwords; users change their own."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from conftest import PASSWORD, TESTS
from spbe.accounts.models import Membership, Role, User
from spbe.accounts.services import (
    api_token_create,
    membership_grant,
    user_create,
    user_lock,
    user_password_reset,
    user_update,
)
from spbe.core.errors import NotFound, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def users_url(world, suffix=""):
    return f"/app/{world.pemda_a.code}/pengguna/{suffix}"


def member_url(world, user, suffix=""):
    return f"/app/{world.pemda_a.code}/pengguna/{user.pk}/{suffix}"


# --- passwords and usernames at creation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("1234567890", "seluruhnya terdiri dari angka"),
        ("password123", "terlalu umum"),
        ("pendek-1", "terlalu pendek"),
        ("operator.baru1", "terlalu mirip"),
    ],
)
def test_user_create_runs_the_password_validators_in_indonesian(world, password, message):
    with pytest.raises(ValidationFailed) as caught:
        user_create(actor=world.officer_a, username="operator.baru", password=password, pemda=world.pemda_a)
    assert message in caught.value.message.lower()
    assert caught.value.field == "password"
    assert not User.objects.filter(username="operator.baru").exists()


@pytest.mark.parametrize(
    "username",
    [
        "budi/santoso",
        "budi santoso",
        "admin\u202egnp.exe",
        "Budi",
        "bud\u00ed",
        "ab",
        ".budi",
        "budi\u200b",
        "x" * 151,
    ],
)
def test_user_create_refuses_usernames_outside_lowercase_ascii(world, username):
    before = User.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        user_create(actor=world.officer_a, username=username, password=PASSWORD, pemda=world.pemda_a)
    assert caught.value.field == "username"
    assert "huruf kecil a-z" in caught.value.message
    # The message shows invisible characters escaped, so the admin sees what was wrong.
    assert "\u202e" not in caught.value.message
    assert User.objects.count() == before


@pytest.mark.parametrize("username", ["budi.santoso", "op_desa-01", "123", "a" * 150])
def test_user_create_accepts_plain_usernames(world, username):
    assert user_create(actor=TESTS, username=username, password=PASSWORD).username == username


def test_the_staff_form_shows_errors_at_the_top_and_keeps_what_was_typed(world):
    client = world.client_for(world.officer_a)
    response = client.post(
        users_url(world),
        {"username": "op.baru", "full_name": "Operator Baru", "password": "1234567890", "role": "auditor"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    # The form with its error comes before the table of staff, and opens by itself.
    assert page.index("seluruhnya terdiri dari angka") < page.index("<table")
    assert re.search(r'<details class="add-member" open>', page)
    assert 'value="op.baru"' in page
    assert 'value="Operator Baru"' in page
    assert "1234567890" not in page
    assert "Kata sandi tidak ditampilkan ulang" in page
    assert not User.objects.filter(username="op.baru").exists()


def test_the_desa_picker_names_the_kecamatan_and_groups_by_it(world):
    page = world.client_for(world.officer_a).get(users_url(world)).content.decode()
    kecamatan = world.desa_x.kecamatan
    assert f'<optgroup label="{kecamatan.name}">' in page
    assert f"{kecamatan.short_name} — Desa {world.desa_x.region.name}" in page


def test_a_role_in_a_desa_is_granted_through_the_grouped_picker(world):
    client = world.client_for(world.officer_a)
    response = client.post(
        users_url(world),
        {"username": "kades.x", "password": PASSWORD, "role": "kepala_desa", "village": world.desa_x.pk},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user__username="kades.x").village == world.desa_x


# --- revoking a role --------------------------------------------------------------------------------------


def test_revoking_asks_for_confirmation_first(world):
    client = world.client_for(world.officer_a)
    membership = world.operator_y.memberships.get()
    url = users_url(world, f"keanggotaan/{membership.pk}/cabut/")
    page = client.get(url).content.decode()
    assert "Ya, cabut peran" in page
    membership.refresh_from_db()
    assert membership.is_active
    assert client.post(url).status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active


def test_the_admin_sees_no_revoke_on_their_own_admin_role(world):
    page = world.client_for(world.officer_a).get(users_url(world)).content.decode()
    own = world.officer_a.memberships.get()
    other = world.operator_x.memberships.get()
    assert f"keanggotaan/{own.pk}/cabut/" not in page
    assert f"keanggotaan/{other.pk}/cabut/" in page
    # A plain link to a confirmation page: no form posting straight from the table.
    assert '<form method="post" action="/app/' not in page


# --- edit -------------------------------------------------------------------------------------------------


def test_full_names_are_tidied_and_hidden_characters_refused(world):
    user = user_create(
        actor=TESTS, username="nama.rapi", password=PASSWORD, full_name="  Siti\u0301   Aminah "
    )
    assert User.objects.get(pk=user.pk).full_name == "Sit\u00ed Aminah"
    with pytest.raises(ValidationFailed, match="tak terlihat"):
        user_create(actor=TESTS, username="nama.rlo", password=PASSWORD, full_name="Budi\u202eitsoP")
    assert not User.objects.filter(username="nama.rlo").exists()
    with pytest.raises(ValidationFailed, match="tak terlihat"):
        user_update(
            actor=world.officer_a, pemda=world.pemda_a, user=world.operator_x, full_name="Op\u200bX", email=""
        )
    assert User.objects.get(pk=world.operator_x.pk).full_name == "Operator.X"


def test_the_admin_edits_name_and_email(world):
    client = world.client_for(world.officer_a)
    url = member_url(world, world.operator_x)
    response = client.post(url, {"full_name": "Siti Aminah", "email": "siti@banyuwangikab.go.id"})
    assert response.status_code == 302
    user = User.objects.get(pk=world.operator_x.pk)
    assert (user.full_name, user.email) == ("Siti Aminah", "siti@banyuwangikab.go.id")
    entry = AuditEntry.objects.get(action="user.update")
    assert entry.pemda_code == world.pemda_a.code
    assert entry.after["full_name"] == "Siti Aminah"
    response = client.post(url, {"full_name": "Siti", "email": "bukan-email"})
    assert response.status_code == 200
    assert User.objects.get(pk=world.operator_x.pk).full_name == "Siti Aminah"


def test_an_auditor_reads_an_account_but_cannot_change_it(world):
    client = world.client_for(world.auditor)
    url = member_url(world, world.operator_x)
    page = client.get(url).content.decode()
    assert "operator.x" in page
    assert 'id="user-edit-form"' not in page
    assert client.post(url, {"full_name": "X"}).status_code == 403
    assert client.post(member_url(world, world.operator_x, "lock/")).status_code == 403
    assert User.objects.get(pk=world.operator_x.pk).locked_at is None


# --- lock and unlock --------------------------------------------------------------------------------------


def test_the_admin_locks_and_unlocks_an_account(world):
    admin = world.client_for(world.officer_a)
    victim_session = world.client_for(world.operator_x)
    _token, secret = api_token_create(actor=world.operator_x, user=world.operator_x, name="excel")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert Client().get("/api/v1/me", **bearer).status_code == 200

    assert admin.post(member_url(world, world.operator_x, "lock/")).status_code == 302
    user = User.objects.get(pk=world.operator_x.pk)
    assert user.locked_at is not None
    entry = AuditEntry.objects.get(action="user.lock")
    assert (entry.actor_id, entry.pemda_code) == (world.officer_a.pk, world.pemda_a.code)
    # The admin's own audit page shows it.
    assert "user.lock" in admin.get(f"/app/{world.pemda_a.code}/audit/").content.decode()
    # The open session ends, the token stops working, and the right password no longer signs in.
    assert victim_session.get(f"/app/{world.pemda_a.code}/")["Location"].startswith("/masuk/")
    assert Client().get("/api/v1/me", **bearer).status_code == 401
    response = Client().post("/masuk/", {"username": "operator.x", "password": PASSWORD})
    assert response.status_code == 200
    assert "dikunci" in admin.get(users_url(world)).content.decode()

    assert admin.post(member_url(world, world.operator_x, "unlock/")).status_code == 302
    assert User.objects.get(pk=world.operator_x.pk).locked_at is None
    assert AuditEntry.objects.get(action="user.unlock").pemda_code == world.pemda_a.code
    assert Client().get("/api/v1/me", **bearer).status_code == 200
    assert Client().post("/masuk/", {"username": "operator.x", "password": PASSWORD}).status_code == 302


def test_a_lock_is_recorded_for_every_pemda_of_the_user(world):
    membership_grant(actor=TESTS, user=world.auditor, pemda=world.pemda_b, role=Role.AUDITOR)
    user_lock(actor=world.officer_a, pemda=world.pemda_a, user=world.auditor)
    codes = set(AuditEntry.objects.filter(action="user.lock").values_list("pemda_code", flat=True))
    assert codes == {world.pemda_a.code, world.pemda_b.code}


def test_locking_twice_records_once(world):
    assert user_lock(actor=world.officer_a, pemda=world.pemda_a, user=world.operator_x)
    assert not user_lock(actor=world.officer_a, pemda=world.pemda_a, user=world.operator_x)
    assert AuditEntry.objects.filter(action="user.lock").count() == 1


def test_an_admin_cannot_lock_themselves_or_another_pemdas_staff(world):
    with pytest.raises(PermissionDenied):
        user_lock(actor=world.officer_a, pemda=world.pemda_a, user=world.officer_a)
    with pytest.raises(NotFound):
        user_lock(actor=world.officer_a, pemda=world.pemda_a, user=world.officer_b)
    with pytest.raises(PermissionDenied):
        user_lock(actor=None, pemda=world.pemda_a, user=world.operator_x)
    response = world.client_for(world.officer_b).post(member_url(world, world.operator_x, "lock/"))
    assert response.status_code == 404
    assert not User.objects.filter(locked_at__isnull=False).exists()


def test_a_pemda_admin_cannot_manage_a_platform_operator(world):
    operator = world.platform
    Membership.objects.create(user=operator, pemda=world.pemda_a, role=Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        user_lock(actor=world.officer_a, pemda=world.pemda_a, user=operator)


# --- deactivate and reactivate ----------------------------------------------------------------------------


def test_a_deactivated_account_cannot_sign_in_and_its_session_ends(world):
    admin = world.client_for(world.officer_a)
    session = world.client_for(world.operator_y)
    assert admin.post(member_url(world, world.operator_y, "deactivate/")).status_code == 302
    assert not User.objects.get(pk=world.operator_y.pk).is_active
    assert AuditEntry.objects.get(action="user.deactivate").pemda_code == world.pemda_a.code
    assert session.get(f"/app/{world.pemda_a.code}/")["Location"].startswith("/masuk/")
    assert Client().post("/masuk/", {"username": "operator.y", "password": PASSWORD}).status_code == 200
    assert admin.post(member_url(world, world.operator_y, "reactivate/")).status_code == 302
    assert Client().post("/masuk/", {"username": "operator.y", "password": PASSWORD}).status_code == 302


def test_an_admin_cannot_deactivate_themselves(world):
    response = world.client_for(world.officer_a).post(member_url(world, world.officer_a, "deactivate/"))
    assert response.status_code == 403
    assert User.objects.get(pk=world.officer_a.pk).is_active


# --- password reset by the admin, change by the user ------------------------------------------------------


def test_the_admin_resets_a_password_the_user_must_then_change(world):
    admin = world.client_for(world.officer_a)
    old_session = world.client_for(world.operator_x)
    response = admin.post(member_url(world, world.operator_x, "kata-sandi/"), {"password": ""})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    generated = re.search(r'<code id="new-password"[^>]*>([^<]+)</code>', response.content.decode())[1]
    user = User.objects.get(pk=world.operator_x.pk)
    assert user.check_password(generated)
    assert not user.check_password(PASSWORD)
    assert user.must_change_password
    entry = AuditEntry.objects.get(action="user.password_reset")
    assert entry.pemda_code == world.pemda_a.code
    assert generated not in str(entry.after) and user.password not in str(entry.after)
    # The old session ended with the old password.
    assert old_session.get(f"/app/{world.pemda_a.code}/")["Location"].startswith("/masuk/")

    # Signing in with it leads to the change page, and nowhere else until it is changed.
    client = Client()
    assert client.post("/masuk/", {"username": "operator.x", "password": generated}).status_code == 302
    response = client.get(f"/app/{world.pemda_a.code}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/kata-sandi/?next=")
    assert client.get("/akun/kata-sandi/").status_code == 200
    new = "sandi baru milik saya sendiri"
    response = client.post(
        "/akun/kata-sandi/",
        {"old_password": generated, "new_password1": new, "new_password2": new, "next": "/app/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/app/"
    user.refresh_from_db()
    assert user.check_password(new)
    assert not user.must_change_password
    # This session stays signed in after the change.
    assert client.get(f"/app/{world.pemda_a.code}/").status_code == 200


def test_a_typed_reset_password_is_validated(world):
    admin = world.client_for(world.officer_a)
    response = admin.post(member_url(world, world.operator_x, "kata-sandi/"), {"password": "1234567890"})
    assert response.status_code == 200
    assert "seluruhnya terdiri dari angka" in response.content.decode()
    assert User.objects.get(pk=world.operator_x.pk).check_password(PASSWORD)
    password = user_password_reset(
        actor=world.officer_a, pemda=world.pemda_a, user=world.operator_x, password=" dengan spasi 2027 "
    )
    assert User.objects.get(pk=world.operator_x.pk).check_password(" dengan spasi 2027 ")
    assert password == " dengan spasi 2027 "


def test_an_admin_resets_no_password_outside_their_pemda(world):
    with pytest.raises(NotFound):
        user_password_reset(actor=world.officer_a, pemda=world.pemda_a, user=world.officer_b)
    response = world.client_for(world.officer_b).post(member_url(world, world.operator_x, "kata-sandi/"))
    assert response.status_code == 404
    assert User.objects.get(pk=world.operator_x.pk).check_password(PASSWORD)


@pytest.mark.parametrize(
    ("old", "new1", "new2", "message"),
    [
        ("salah-sekali", "sandi baru yang bagus", "sandi baru yang bagus", "Kata sandi lama salah"),
        (PASSWORD, "sandi baru yang bagus", "sandi baru yang lain", "tidak sama"),
        (PASSWORD, "1234567890", "1234567890", "seluruhnya terdiri dari angka"),
        (PASSWORD, PASSWORD, PASSWORD, "harus berbeda"),
    ],
)
def test_changing_ones_password_refuses_mistakes(world, old, new1, new2, message):
    client = world.client_for(world.auditor)
    response = client.post(
        "/akun/kata-sandi/", {"old_password": old, "new_password1": new1, "new_password2": new2}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.get(pk=world.auditor.pk).check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="user.password_change").exists()


def test_changing_ones_password_is_recorded_and_ends_other_sessions(world):
    here, elsewhere = world.client_for(world.auditor), world.client_for(world.auditor)
    new = "  kata sandi baru  "
    response = here.post(
        "/akun/kata-sandi/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=world.auditor.pk).check_password(new)
    assert AuditEntry.objects.get(action="user.password_change").pemda_code == world.pemda_a.code
    assert here.get(f"/app/{world.pemda_a.code}/").status_code == 200
    assert elsewhere.get(f"/app/{world.pemda_a.code}/")["Location"].startswith("/masuk/")


def test_the_change_page_needs_a_signed_in_user(world):
    response = Client().get("/akun/kata-sandi/")
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")
