"""Property test of the API from its OpenAPI document: every operation, called by a role that has its
permission with path, query and body values drawn from the document's types and from junk (text where a
number is expected, numbers beyond 64 bits, NaN, Infinity, invalid dates, NUL bytes, 10 000 characters,
malformed JSON), answers 2xx or 4xx with a French JSON `detail`, never a 5xx."""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urlencode

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from pilote.core import services
from pilote.core.permissions import role_can
from pilote.core.tests.junk import HUGE, ROLES

pytestmark = pytest.mark.django_db

JUNK_TEXT = st.sampled_from(
    ["abc", HUGE, "-" + HUGE, "NaN", "Infinity", "-Infinity", "-0", "", "x" * 10_000, "a\x00b", "31/02/2026",
     "2026-02-31", "1e400", "Ünïcödé 日本語 🙂", "²", "-1", "0", "true", "null", "[]"]
)  # fmt: skip
JUNK_NUMBER = st.sampled_from([int(HUGE), -int(HUGE), 2**63, 2**63 - 1, -(2**63), 0, -1])
JUNK_JSON = st.one_of(
    st.none(), st.booleans(), st.integers(), JUNK_NUMBER, JUNK_TEXT, st.text(max_size=30),
    st.floats(allow_nan=True, allow_infinity=True), st.lists(JUNK_TEXT, max_size=3), st.just({"a": 1}),
)  # fmt: skip


ENGLISH = re.compile(r"\b(Not Found|Unauthorized|Input should|Field required|Cannot parse|Invalid)\b")


def _resolve(doc: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _valid(doc: dict, schema: dict, ids: list[int]) -> st.SearchStrategy:
    """Values of the schema's own type (so that the junk of the other fields gets past the parsing)."""
    schema = _resolve(doc, schema)
    if "anyOf" in schema:
        return st.one_of([_valid(doc, option, ids) for option in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "integer":
        return st.one_of(st.sampled_from(ids), st.integers(min_value=-5, max_value=300), JUNK_NUMBER)
    if kind == "number":
        return st.one_of(st.integers(-(10**6), 10**6), st.decimals(allow_nan=False, places=2).map(str))
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        return st.lists(_valid(doc, schema.get("items", {}), ids), max_size=3)
    if kind == "string" and schema.get("format") == "date":
        return st.dates().map(str)
    if kind == "string" and schema.get("format") == "date-time":
        return st.datetimes().map(lambda d: d.isoformat())
    return st.text(max_size=40)


def _value(doc, schema, ids, *, json_body=False) -> st.SearchStrategy:
    junk = JUNK_JSON if json_body else st.one_of(JUNK_TEXT, JUNK_NUMBER.map(str))
    return st.one_of(_valid(doc, schema, ids), junk)


@st.composite
def _request(draw, doc: dict, operations: list, ids: list[int]):
    path, method, operation = draw(st.sampled_from(operations))
    query = {}
    for parameter in operation.get("parameters", []):
        value = draw(_value(doc, parameter["schema"], ids))
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", quote(str(value), safe="") or "0")
        elif draw(st.booleans()):
            query[parameter["name"]] = "" if value is None else str(value).lower() if value is True else str(value)
    body = None
    if "requestBody" in operation:
        schema = _resolve(doc, operation["requestBody"]["content"]["application/json"]["schema"])
        fields = {
            name: draw(_value(doc, prop, ids, json_body=True))
            for name, prop in schema.get("properties", {}).items()
            if name in schema.get("required", []) or draw(st.booleans())
        }
        body = draw(
            st.one_of(
                st.just(json.dumps(fields, allow_nan=True, default=str)),
                st.sampled_from(["", "{", "[]", "null", '"x"', "NaN", '{"name": NaN}', "\x00", "x" * 10_000]),
            )
        )
    return path, method, operation, query, body


def test_no_api_operation_answers_a_5xx_to_junk(client, client_as, personas, structure):
    from decimal import Decimal

    from pilote.catalog.models import Product
    from pilote.contacts.models import Contact
    from pilote.sales import services as sales_services

    contact = Contact.objects.create(name="Cible", is_customer=True)
    product = Product.objects.create(reference="P1", name="Produit", unit_price=Decimal("12.5"))
    line = sales_services.LineSpec(description="Conseil", quantity=Decimal("1"), unit_price=Decimal("100"))
    invoice = sales_services.create_invoice(
        actor=personas["commercial"], customer=contact, date=structure.fiscal_year_start, lines=[line]
    )
    ids = [contact.pk, product.pk, invoice.pk]
    doc = client_as("direction").get("/api/v1/openapi.json").json()
    client.logout()
    operations = [(path, method, op) for path, methods in doc["paths"].items() for method, op in methods.items()]
    keys = {}
    for role in ROLES:
        _, keys[role] = services.create_api_token(actor=personas[role], name="junk")

    @settings(max_examples=300, database=None)
    @given(st.data())
    def check(data):
        path, method, operation, query, body = data.draw(_request(doc, operations, ids))
        role = next(role for role in ROLES if role_can(role, operation["x-permission"]))
        url = path + ("?" + urlencode(query) if query else "")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {keys[role]}"}
        with transaction.atomic():
            if body is None:
                response = getattr(client, method)(url, **headers)
            else:
                response = getattr(client, method)(url, body, content_type="application/json", **headers)
            transaction.set_rollback(True)
        assert response.status_code < 500, (method, url, body and body[:200], response.content[:300])
        if response.status_code >= 400:  # one French sentence, not pydantic's list of English messages
            assert isinstance(response.json()["detail"], str), (method, url, response.content[:300])
            assert not ENGLISH.search(response.content.decode()), (method, url, response.content[:300])

    check()
