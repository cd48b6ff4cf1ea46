"""Sign-in throttling, the authentication backend and the forced password change.

Failed sign-ins throttle their source, never the account: a client that keeps guessing is slowed down per
(client, username) and per client overall, while the account owner signing in from elsewhere gets in with
the right password. Only a pemda admin locks an account (``services.user_lock``).
This module owns ``SignInFailure``; it does not touch users (services.py does).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from .models import SignInFailure, User


class SpbeBackend(ModelBackend):
    """Django's backend, refusing accounts an admin locked as well as deactivated ones.

    ``get_user`` asks the same question on every request, so locking or deactivating an account ends its
    sessions at their next request. Unknown usernames still run the hasher (ModelBackend does it), so an
    unknown and a known username take the same time to refuse.
    """

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "locked_at", None) is None


def client_key(request: HttpRequest) -> str:
    """Return the throttle key of the request's client: its IP, or its /64 network for IPv6.

    Behind a reverse proxy every request comes from the proxy; ``SPBE_CLIENT_IP_HEADER`` names the header
    the proxy sets (e.g. ``X-Forwarded-For``) and the right-most address in it is used: that is the one
    the trusted proxy added, while anything left of it came from the client and could be forged.
    """
    raw = request.META.get("REMOTE_ADDR", "") or ""
    header = settings.SPBE_CLIENT_IP_HEADER
    if header:
        forwarded = request.headers.get(header, "")
        if forwarded.strip():
            raw = forwarded.split(",")[-1].strip()
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64] or "unknown"
    if address.version == 6:
        # One IPv6 client usually owns a whole /64 and can rotate addresses within it at will.
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _normal(username: str) -> str:
    return username.strip().lower()[:150]


def signin_throttled(*, client: str, username: str) -> bool:
    """Whether the client made too many failed attempts in the window, for this username or overall.

    Answers from the failure table only, before any user lookup, so a throttled answer reveals nothing
    about whether the account exists.
    """
    # Parallel attempts may all pass the count before any failure is written, overshooting the limit by
    # the attacker's concurrency once; accepted, since each attempt still costs a full password hash.
    since = timezone.now() - timedelta(seconds=settings.SPBE_SIGNIN_WINDOW_SECONDS)
    recent = SignInFailure.objects.filter(client=client, at__gt=since)
    if recent.filter(username=_normal(username)).count() >= settings.SPBE_SIGNIN_MAX_PER_USERNAME:
        return True
    return recent.count() >= settings.SPBE_SIGNIN_MAX_PER_CLIENT


def signin_failure_record(*, client: str, username: str) -> None:
    """Record a failed attempt and forget those older than the window.

    Not audited: failures change no record anyone is accountable for, and an attacker must not be able
    to flood the hash chain.
    """
    now = timezone.now()
    SignInFailure.objects.filter(at__lt=now - timedelta(seconds=settings.SPBE_SIGNIN_WINDOW_SECONDS)).delete()
    SignInFailure.objects.create(client=client, username=_normal(username), at=now)


def signin_success_record(*, client: str, username: str) -> None:
    """Forget this client's failures for this username: the person at the keyboard knew the password."""
    SignInFailure.objects.filter(client=client, username=_normal(username)).delete()


class PasswordChangeRequiredMiddleware:
    """Send a user whose password was set by an admin to the change-password page before anything else."""

    # Pages a user may still reach: the change page itself, signing out, language switch, static files.
    allowed_url_names = ("accounts:password-change", "accounts:logout")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # No session, nobody signed in: public pages skip the user lookup.
            return self.get_response(request)
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.must_change_password and not self._allowed(request):
            target = reverse("accounts:password-change")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _allowed(self, request: HttpRequest) -> bool:
        path = request.path
        if path.startswith(("/api/", f"/{settings.STATIC_URL.lstrip('/')}")):
            return True
        languages = {reverse("language", args=[code]) for code, _name in settings.LANGUAGES}
        return path in {reverse(name) for name in self.allowed_url_names} | languages
