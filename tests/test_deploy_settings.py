"""Production settings pass Django's deployment check on HTTPS (HSTS, SSL redirect, secure cookies)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def deploy_check(tmp_path: Path, **env: str) -> str:
    environ = {
        **os.environ,
        "SPBE_DEBUG": "0",
        "SPBE_SECRET_KEY": secrets.token_urlsafe(60),
        "SPBE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
        **env,
    }
    for name in ("SPBE_SSL_REDIRECT", "SPBE_HSTS_SECONDS"):
        environ.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout + result.stderr


def test_https_production_sends_hsts_and_redirects(tmp_path):
    output = deploy_check(tmp_path, SPBE_HTTPS="1")
    assert "System check identified" in output or "no issues" in output
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning not in output


def test_plain_http_with_debug_off_is_what_the_check_warns_about(tmp_path):
    """SPBE_HTTPS=0 (the local demo) turns off HSTS, the redirect and secure cookies; the check says so."""
    output = deploy_check(tmp_path, SPBE_HTTPS="0")
    assert "security.W004" in output
    assert "security.W008" in output


def test_https_defaults_to_on_when_debug_is_off(tmp_path):
    environ = {**os.environ, "SPBE_DEBUG": "0", "SPBE_SECRET_KEY": "x" * 60, "SPBE_VAR_DIR": str(tmp_path)}
    for name in ("SPBE_HTTPS", "SPBE_SSL_REDIRECT", "SPBE_HSTS_SECONDS"):
        environ.pop(name, None)
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT, "
        "settings.SECURE_HSTS_SECONDS > 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["True"] * 4
