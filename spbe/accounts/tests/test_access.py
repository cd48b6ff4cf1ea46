"""Roles belong to a place: a role counts only at its own unit or desa; the operator is no pemda role."""

from __future__ import annotations

import pytest

from spbe.accounts import access
from spbe.accounts.access import PEMDA, Place, Policy
from spbe.accounts.models import Role
from spbe.core.actors import system
from spbe.core.errors import NotFound, PermissionDenied

pytestmark = pytest.mark.django_db

APBDES = Policy(
    view={Role.VILLAGE_OPERATOR, Role.KEPALA_DESA, Role.CAMAT, Role.DPMD, Role.AUDITOR},
    draft={Role.VILLAGE_OPERATOR},
    evaluate={Role.CAMAT},
    adopt={Role.KEPALA_DESA},
)


def test_the_kades_adopts_only_the_apbdes_of_their_own_desa(world):
    at_x, at_y = Place.of_village(world.desa_x), Place.of_village(world.desa_y)
    assert APBDES.can(world.kades_x, at_x).adopt
    assert not APBDES.can(world.kades_x, at_y).adopt
    assert not APBDES.can(world.kades_x, at_y).view
    # A village operator drafts but never adopts, even in their own desa.
    can = APBDES.can(world.operator_x, at_x)
    assert (can.draft, can.adopt) == (True, False)
    with pytest.raises(PermissionDenied):
        APBDES.require(world.operator_x, at_x, "adopt")


def test_a_camat_evaluates_only_the_desa_of_their_own_kecamatan(world):
    at_x, at_y = Place.of_village(world.desa_x), Place.of_village(world.desa_y)
    assert APBDES.can(world.camat_x, at_x).evaluate
    assert not APBDES.can(world.camat_x, at_y).evaluate
    assert APBDES.can(world.camat_y, at_y).evaluate
    assert not APBDES.can(world.camat_y, at_x).view


def test_pemda_wide_roles_count_everywhere_in_their_pemda_only(world):
    assert APBDES.can(world.auditor, Place.of_village(world.desa_y)).view
    assert not APBDES.can(world.auditor, Place.of_village(world.desa_y)).adopt
    desa_b = world.pemda_b.villages.first()
    assert not APBDES.can(world.auditor, Place.of_village(desa_b)).granted


def test_an_agency_operator_of_unit_a_holds_nothing_at_unit_a2(world):
    rka = Policy(view={Role.AGENCY_OPERATOR, Role.TAPD}, edit={Role.AGENCY_OPERATOR})
    assert rka.can(world.agency_operator_a, Place.of_unit(world.unit_a)).edit
    assert not rka.can(world.agency_operator_a, Place.of_unit(world.unit_a2)).granted
    assert rka.can(world.agency_operator_a2, Place.of_unit(world.unit_a2)).edit
    units = set(access.units_for_user(world.agency_operator_a, world.pemda_a))
    assert units == {world.unit_a}


def test_the_platform_operator_is_no_role_in_a_pemda(world):
    assert access.roles_in(world.platform, world.pemda_a) == set()
    assert not APBDES.can(world.platform, Place.of_village(world.desa_x)).granted
    can = PEMDA.can(world.platform, Place.of_pemda(world.pemda_a))
    # It may appoint a pemda's first admin, and nothing else of the pemda's own.
    assert can.grant_admin and not can.manage_staff and not can.read_audit
    with pytest.raises(PermissionDenied):
        access.users_for_user(world.platform, world.pemda_a)


def test_a_system_actor_holds_every_capability(world):
    assert APBDES.can(system("import_apbdes"), Place.of_village(world.desa_x)).granted == APBDES.known


def test_outsiders_and_anonymous_hold_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    for who in (None, AnonymousUser(), world.officer_b):
        assert not APBDES.can(who, Place.of_village(world.desa_x)).granted
    with pytest.raises(NotFound):
        access.get_pemda_for_user(world.officer_b, world.pemda_a.code)


def test_a_revoked_role_no_longer_counts(world):
    from spbe.accounts.services import membership_revoke

    membership = world.kades_x.memberships.get()
    membership_revoke(actor=world.officer_a, membership=membership)
    world.kades_x.refresh_from_db()
    assert not APBDES.can(world.kades_x, Place.of_village(world.desa_x)).granted


def test_a_policy_refuses_unknown_roles_and_capabilities():
    with pytest.raises(ValueError, match="unknown roles"):
        Policy(view={"kades"})
    with pytest.raises(AttributeError):
        _ = APBDES.can(None, Place("35.10")).approve
