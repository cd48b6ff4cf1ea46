"""Reads of the organisation that pages and the API need beyond the access helpers (no writes here).

Every function takes a pemda the caller already fetched through :mod:`spbe.accounts.access`, so nothing
here widens a user's scope.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from spbe.core.models import AuditEntry

from .models import Membership, Pemda, PerangkatDaerah, User, VillageGovernment


def memberships_of(user: User, pemda: Pemda) -> QuerySet[Membership]:
    """The user's own active roles in the pemda, with their places."""
    return (
        Membership.objects.filter(user_id=user.pk, pemda=pemda, is_active=True)
        .select_related("unit", "village")
        .order_by("role")
    )


def staff_count(pemda: Pemda) -> int:
    return User.objects.filter(memberships__pemda=pemda).distinct().count()


def recent_audit(pemda: Pemda, limit: int = 8) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(pemda_code=pemda.code).order_by("-id")[:limit])


def staff_memberships(pemda: Pemda, users: Iterable[User] | QuerySet[User]) -> QuerySet[Membership]:
    """Every membership (active or revoked) of the given staff in the pemda, for the staff page."""
    return (
        Membership.objects.filter(pemda=pemda, user__in=users)
        .select_related("user", "unit", "village")
        .order_by("user__username", "role")
    )


def membership_in(pemda: Pemda, membership_id: int) -> Membership | None:
    return Membership.objects.filter(pk=membership_id, pemda=pemda).select_related("user", "pemda").first()


def units_of(pemda: Pemda) -> QuerySet[PerangkatDaerah]:
    return PerangkatDaerah.objects.filter(pemda=pemda)


def villages_by_kecamatan(pemda: Pemda) -> QuerySet[VillageGovernment]:
    return (
        VillageGovernment.objects.filter(pemda=pemda)
        .select_related("region", "kecamatan")
        .order_by("kecamatan__name", "region__name")
    )


def village_of(pemda: Pemda, village_id: int) -> VillageGovernment | None:
    return VillageGovernment.objects.filter(pemda=pemda, pk=village_id).first()
