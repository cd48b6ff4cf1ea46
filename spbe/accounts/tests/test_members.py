"""A pemda admin adds staff and roles and revokes them; every change is on the record."""

from __future__ import annotations

import pytest

from spbe.accounts.models import Membership, User
from spbe.core.actors import system
from spbe.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def url(world):
    return f"/app/{world.pemda_a.code}/pengguna/"


def test_the_admin_creates_an_agency_operator(world):
    client = world.client_for(world.officer_a)
    response = client.post(
        url(world),
        {
            "username": "op.pu",
            "full_name": "Operator PU",
            "password": "sandi-awal-123",
            "role": "agency_operator",
            "unit": world.unit_a.pk,
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="op.pu")
    assert (membership.pemda, membership.unit, membership.role) == (
        world.pemda_a,
        world.unit_a,
        "agency_operator",
    )
    actions = set(AuditEntry.objects.filter(actor=world.officer_a).values_list("action", flat=True))
    assert {"user.create", "membership.grant"} <= actions
    assert "Operator PU" in client.get(url(world)).content.decode()


def test_a_role_that_needs_a_desa_is_refused_without_one(world):
    client = world.client_for(world.officer_a)
    response = client.post(
        url(world), {"username": "kades.baru", "password": "sandi-awal-123", "role": "kepala_desa"}
    )
    assert response.status_code == 200
    assert "Peran desa memerlukan desa" in response.content.decode()
    # Nothing half-written: the account is created in the same transaction as its refused role.
    assert not User.objects.filter(username="kades.baru").exists()
    assert not AuditEntry.objects.filter(action="user.create", after__username="kades.baru").exists()


def test_a_desa_of_another_pemda_cannot_be_chosen(world):
    client = world.client_for(world.officer_a)
    other = world.pemda_b.villages.first()
    response = client.post(
        url(world),
        {"username": "kades.z", "password": "sandi-awal-123", "role": "kepala_desa", "village": other.pk},
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(village=other).exists()


def test_a_taken_username_of_another_pemda_is_refused(world):
    client = world.client_for(world.officer_a)
    response = client.post(
        url(world), {"username": "officer.b", "password": "sandi-awal-123", "role": "auditor"}
    )
    assert response.status_code == 200
    assert "sudah dipakai" in response.content.decode()
    assert not Membership.objects.filter(user=world.officer_b, pemda=world.pemda_a).exists()


def test_the_admin_revokes_a_role(world):
    client = world.client_for(world.officer_a)
    membership = world.operator_y.memberships.get()
    response = client.post(f"/app/{world.pemda_a.code}/pengguna/keanggotaan/{membership.pk}/cabut/")
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    entry = AuditEntry.objects.filter(action="membership.revoke").get()
    assert (entry.before["is_active"], entry.after["is_active"]) == (True, False)
    # The revoked operator no longer reaches the pemda.
    assert world.client_for(world.operator_y).get(f"/app/{world.pemda_a.code}/").status_code == 404


def test_an_auditor_reads_the_list_but_cannot_change_it(world):
    client = world.client_for(world.auditor)
    page = client.get(url(world)).content.decode()
    assert "officer.a" in page
    assert 'id="member-form"' not in page
    response = client.post(url(world), {"username": "x1", "password": "sandi-awal-123", "role": "auditor"})
    assert response.status_code == 403
    assert not User.objects.filter(username="x1").exists()


def test_the_admin_adds_a_perangkat_daerah_and_a_duplicate_code_is_refused(world):
    client = world.client_for(world.officer_a)
    url = f"/app/{world.pemda_a.code}/perangkat-daerah/"
    data = {
        "code": "2.16.2.20.2.21.01.0000",
        "name": "Dinas Kominfo",
        "short_name": "Diskominfo",
        "kind": "dinas",
    }
    assert client.post(url, data).status_code == 302
    assert AuditEntry.objects.filter(action="unit.create", after__name="Dinas Kominfo").exists()
    response = client.post(url, {**data, "name": "Dinas Lain"})
    assert response.status_code == 200
    assert "sudah dipakai" in response.content.decode()
    response = client.post(url, {**data, "code": "2.16"})
    assert "harus berbentuk" in response.content.decode()


def test_only_the_admin_adds_perangkat_daerah(world):
    client = world.client_for(world.auditor)
    url = f"/app/{world.pemda_a.code}/perangkat-daerah/"
    assert 'id="unit-form"' not in client.get(url).content.decode()
    response = client.post(url, {"code": "2.16.0.00.0.00.09.0000", "name": "X", "kind": "dinas"})
    assert response.status_code == 403


def test_an_admin_cannot_revoke_their_own_admin_role(world):
    client = world.client_for(world.officer_a)
    own = world.officer_a.memberships.get()
    response = client.post(f"/app/{world.pemda_a.code}/pengguna/keanggotaan/{own.pk}/cabut/")
    assert response.status_code == 403
    assert "admin Anda sendiri" in response.content.decode()
    own.refresh_from_db()
    assert own.is_active


def test_a_revoked_role_no_longer_shows_on_the_dashboard(world):
    """A DPMD officer who was camat of one kecamatan and is now camat of another sees only the new one."""
    from spbe.accounts.models import PerangkatDaerah
    from spbe.accounts.services import membership_grant, membership_revoke

    user, pemda = world.auditor, world.pemda_a
    office_x = PerangkatDaerah.objects.get(pemda=pemda, district_id="35.10.02")
    office_y = PerangkatDaerah.objects.get(pemda=pemda, district_id="35.10.03")
    membership_grant(actor=system("tests"), user=user, pemda=pemda, role="dpmd")
    membership_grant(actor=system("tests"), user=user, pemda=pemda, role="camat", unit=office_x)
    old = membership_grant(actor=system("tests"), user=user, pemda=pemda, role="camat", unit=office_y)
    membership_revoke(actor=system("tests"), membership=old)
    panel = world.client_for(user).get(f"/app/{pemda.code}/").content.decode().split('id="panel-villages"')[1]
    panel = panel.split("</section>")[0]
    assert world.desa_x.name in panel
    assert world.desa_y.name not in panel
