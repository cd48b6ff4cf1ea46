from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from spbe.accounts.services import api_token_create, api_token_revoke
from spbe.core.actors import system

pytestmark = pytest.mark.django_db


def _get(url, secret=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    return Client().get(url, **headers)


def test_it_requires_a_token(world):
    response = _get(f"/api/v1/pemda/{world.pemda_a.code}/units")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Bearer"


def test_it_serves_the_tokens_owner_within_scope(world):
    _token, secret = api_token_create(actor=world.officer_a, user=world.officer_a, name="excel")
    me = _get("/api/v1/me", secret).json()
    assert me["username"] == "officer.a"
    assert me["memberships"] == [
        {"pemda_code": "35.10", "role": "pemda_admin", "unit_id": None, "village_code": None}
    ]
    assert [p["code"] for p in _get("/api/v1/pemda", secret).json()] == ["35.10"]
    units = _get(f"/api/v1/pemda/{world.pemda_a.code}/units", secret).json()
    assert "Dinas PU Bina Marga" in {u["name"] for u in units}


def test_an_outsider_token_gets_404(world):
    _token, secret = api_token_create(actor=system("tests"), user=world.officer_b, name="b")
    for url in [
        f"/api/v1/pemda/{world.pemda_a.code}/units",
        f"/api/v1/pemda/{world.pemda_a.code}/villages",
        f"/api/v1/pemda/{world.pemda_a.code}/villages/{world.desa_x.code}",
    ]:
        response = _get(url, secret)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/problem+json"


def test_a_village_operator_sees_only_their_desa(world):
    _token, secret = api_token_create(actor=system("tests"), user=world.operator_x, name="x")
    villages = _get(f"/api/v1/pemda/{world.pemda_a.code}/villages", secret).json()
    assert [v["code"] for v in villages] == [world.desa_x.code]
    assert _get(f"/api/v1/pemda/{world.pemda_a.code}/villages/{world.desa_y.code}", secret).status_code == 404


def test_a_revoked_token_stops_working(world):
    token, secret = api_token_create(actor=system("tests"), user=world.officer_a, name="old")
    api_token_revoke(actor=world.officer_a, token=token)
    assert _get("/api/v1/me", secret).status_code == 401


def test_the_command_prints_a_working_token(world, capsys):
    call_command("create_api_token", "auditor.a", name="laporan")
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("spbe_")
    assert _get("/api/v1/me", secret).json()["username"] == "auditor.a"
