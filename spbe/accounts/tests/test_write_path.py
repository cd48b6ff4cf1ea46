"""The write path is closed: no service acts for a missing, anonymous or deactivated actor, and nothing
is recorded as done by the system unless a command or job said so."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from spbe.accounts import services
from spbe.accounts.models import Membership, Role
from spbe.core.actors import SystemActor, system
from spbe.core.errors import PermissionDenied
from spbe.core.models import AuditEntry

pytestmark = pytest.mark.django_db

NOBODY = [None, AnonymousUser()]


@pytest.mark.parametrize("actor", NOBODY, ids=["none", "anonymous"])
def test_nobody_grants_a_membership(world, actor):
    before = Membership.objects.count()
    with pytest.raises(PermissionDenied):
        services.membership_grant(
            actor=actor, user=world.operator_y, pemda=world.pemda_a, role=Role.PEMDA_ADMIN
        )
    assert Membership.objects.count() == before


@pytest.mark.parametrize("actor", NOBODY, ids=["none", "anonymous"])
def test_nobody_revokes_a_membership_or_a_token(world, actor):
    membership = world.auditor.memberships.get()
    with pytest.raises(PermissionDenied):
        services.membership_revoke(actor=actor, membership=membership)
    token, _secret = services.api_token_create(actor=world.auditor, user=world.auditor, name="laptop")
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(actor=actor, token=token)
    membership.refresh_from_db()
    token.refresh_from_db()
    assert membership.is_active and token.revoked_at is None


@pytest.mark.parametrize("actor", NOBODY, ids=["none", "anonymous"])
def test_nobody_creates_units_users_or_tenants(world, actor):
    with pytest.raises(PermissionDenied):
        services.unit_create(
            actor=actor, pemda=world.pemda_a, code="2.16.0.00.0.00.01.0000", name="X", kind="dinas"
        )
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=actor, username="siapa.saja", password="sandi-yang-panjang-9", pemda=world.pemda_a
        )
    with pytest.raises(PermissionDenied):
        services.pemda_create(actor=actor, region_code="35.79")


def test_another_user_cannot_revoke_my_token(world):
    token, _secret = services.api_token_create(actor=world.auditor, user=world.auditor, name="laptop")
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(actor=world.operator_x, token=token)
    services.api_token_revoke(actor=world.auditor, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_deactivated_user_acts_no_more(world):
    world.officer_a.is_active = False
    world.officer_a.save(update_fields=["is_active"])
    with pytest.raises(PermissionDenied):
        services.membership_grant(
            actor=world.officer_a, user=world.operator_y, pemda=world.pemda_a, role=Role.AUDITOR
        )


def test_a_pemda_role_elsewhere_gives_nothing_here(world):
    """The admin of pemda B cannot grant roles in pemda A; a village operator cannot grant at all."""
    for actor in (world.officer_b, world.operator_x, world.agency_head_a):
        with pytest.raises(PermissionDenied):
            services.membership_grant(
                actor=actor, user=world.operator_y, pemda=world.pemda_a, role=Role.AUDITOR
            )


def test_the_platform_operator_appoints_an_admin_but_no_workflow_role(world):
    user = services.user_create(
        actor=world.platform, username="admin.baru", password="sandi-yang-panjang-9", pemda=world.pemda_a
    )
    services.membership_grant(actor=world.platform, user=user, pemda=world.pemda_a, role=Role.PEMDA_ADMIN)
    with pytest.raises(PermissionDenied):
        services.membership_grant(
            actor=world.platform, user=user, pemda=world.pemda_a, role=Role.KEPALA_DESA, village=world.desa_x
        )


def test_a_command_is_recorded_by_name_never_as_an_anonymous_sistem(world):
    services.unit_create(
        actor=system("import_units"),
        pemda=world.pemda_a,
        code="2.16.0.00.0.00.01.0000",
        name="Diskominfo",
        kind="dinas",
    )
    entry = AuditEntry.objects.filter(action="unit.create", after__name="Diskominfo").get()
    assert (entry.actor_id, entry.actor_label) == (None, "sistem:import_units")
    assert not AuditEntry.objects.filter(actor_label="sistem").exists()
    with pytest.raises(ValueError):
        SystemActor(" ")


def test_a_citizen_account_never_holds_a_staff_role(world):
    from spbe.accounts.models import User

    citizen = User.objects.create(username="warga.1", kind=User.Kind.CITIZEN)
    with pytest.raises(Exception, match="akun staf"):
        services.membership_grant(actor=world.officer_a, user=citizen, pemda=world.pemda_a, role=Role.AUDITOR)
