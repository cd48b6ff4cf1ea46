"""Rupiah in the API: a decimal string out, the one parser in, 422 for a bad amount."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.test import RequestFactory
from ninja import NinjaAPI, Router, Schema
from ninja.testing import TestClient
from pydantic import ValidationError

from spbe.api.urls import api as spbe_api
from spbe.core.errors import ValidationFailed
from spbe.core.money import MoneyError, parse_rupiah
from spbe.core.schema import RUPIAH_PATTERN, Rupiah


class Anggaran(Schema):
    pagu: Rupiah
    realisasi: Rupiah | None = None


router = Router()


@router.post("/anggaran", response=Anggaran)
def echo(request, payload: Anggaran):
    assert isinstance(payload.pagu, Decimal)
    return {"pagu": payload.pagu + Decimal("0.01"), "realisasi": payload.realisasi}


test_api = NinjaAPI(urls_namespace="test-money-schema")
test_api.add_router("", router)


def test_it_serialises_money_as_a_decimal_string():
    anggaran = Anggaran(pagu=Decimal("1000000000000000.01"), realisasi=Decimal("5"))
    assert json.loads(anggaran.model_dump_json()) == {"pagu": "1000000000000000.01", "realisasi": "5.00"}
    assert re.fullmatch(RUPIAH_PATTERN, anggaran.model_dump()["pagu"])


@pytest.mark.parametrize(
    ("sent", "amount"),
    [
        ("1234567.89", Decimal("1234567.89")),
        ("1.234.567,89", Decimal("1234567.89")),
        ("Rp 1.234.567,89", Decimal("1234567.89")),
        ("1000000000000000.01", Decimal("1000000000000000.01")),
        (1234567, Decimal("1234567.00")),
    ],
)
def test_it_reads_input_through_the_one_parser(sent, amount):
    assert Anggaran.model_validate_json(json.dumps({"pagu": sent})).pagu == amount


def test_it_round_trips_through_an_endpoint():
    response = TestClient(router).post("/anggaran", json={"pagu": "999999999999999.99", "realisasi": None})
    assert response.status_code == 200
    assert response.json() == {"pagu": "1000000000000000.00", "realisasi": None}


@pytest.mark.parametrize("sent", ["1,005", "1.0055", "dua ribu", 0.1, 1234567.89, True])
def test_it_refuses_what_is_not_an_exact_amount(sent):
    if sent == "1,005":  # one comma and three digits is grouping: 1005
        assert Anggaran.model_validate({"pagu": sent}).pagu == Decimal("1005.00")
        return
    with pytest.raises(ValidationError):
        Anggaran.model_validate_json(json.dumps({"pagu": sent}))


def test_a_json_number_with_decimals_is_refused_with_a_hint():
    response = TestClient(router).post("/anggaran", json={"pagu": 0.1})
    assert response.status_code == 422
    assert "teks desimal" in json.dumps(response.json(), ensure_ascii=False)


def test_openapi_shows_money_as_a_string_with_a_pattern():
    schema = test_api.get_openapi_schema(path_prefix="/")
    pagu = schema["components"]["schemas"]["Anggaran"]["properties"]["pagu"]
    assert pagu["type"] == "string"
    assert pagu["pattern"] == RUPIAH_PATTERN
    assert pagu["format"] == "decimal"
    assert "pagu" in schema["components"]["schemas"]["Anggaran"]["required"]


def test_a_parse_error_is_a_validation_failure_and_the_api_answers_422():
    with pytest.raises(MoneyError) as caught:
        parse_rupiah("dua ribu", field="pagu")
    error = caught.value
    assert isinstance(error, ValidationFailed)
    assert isinstance(error, ValueError)  # callers that catch ValueError keep working
    assert error.field == "pagu"
    assert str(error) == error.message
    request = RequestFactory().post("/api/v1/anything")
    response = spbe_api.on_exception(request, error)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["code"] == "validation"
    assert body["field"] == "pagu"
    assert "dua ribu" in body["detail"]
