"""Parameters read by hand (core.params) and the NUL character refused before any view."""

from decimal import Decimal

import pytest
from django.test import RequestFactory

from pilote.core.params import MAX_ID, safe_next, to_amount, to_ids, to_int
from pilote.lib.money import to_decimal


def test_integers_are_ascii_digits_within_bounds():
    assert to_int("42") == 42 and to_int(" 7 ") == 7 and to_int(str(MAX_ID)) == MAX_ID
    for junk in ("abc", "", None, "99999999999999999999", "1e3", "²", "١٢", "4.0", "NaN", "-1", "a\x00b"):
        assert to_int(junk) is None, junk
    assert to_int("-3", minimum=-5) == -3 and to_int("101", maximum=100) is None
    assert to_ids(["3", "x", "0", "99999999999999999999", "12"]) == [3, 12]


def test_amounts_are_finite_and_bounded():
    assert to_amount("1 234,56") == Decimal("1234.56") and to_amount("-0") == 0
    for junk in ("NaN", "Infinity", "-Infinity", "sNaN", "1e400", "abc", "", "1,2,3", "99999999999999999999"):
        assert to_amount(junk) is None, junk
    for junk in ("NaN", "Infinity", Decimal("-Infinity")):
        with pytest.raises(ValueError):
            to_decimal(junk)


def test_going_back_stays_on_this_site():
    factory = RequestFactory()
    for target, expected in (("/contacts/?page=2", "/contacts/?page=2"), ("https://evil.example/", "/"),
                             ("//evil.example/", "/"), ("abc", "/"), ("-Infinity", "/"), ("/a\x00b", "/")):  # fmt: skip
        assert safe_next(factory.post("/", {"next": target}), "core:home") == expected, target


@pytest.mark.django_db
def test_a_nul_character_is_refused_in_french(client_as):
    client = client_as("direction")
    response = client.get("/contacts/", {"q": "a\x00b"})
    assert response.status_code == 400 and "caractère nul" in response.content.decode()
    response = client.post("/contacts/nouveau/", "name=a%00b", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    response = client.get("/api/v1/contacts", {"q": "a\x00b"})
    assert response.status_code == 400 and "caractère nul" in response.json()["detail"]
    response = client.post("/api/v1/contacts", '{"name": "a\\u0000b"}', content_type="application/json")
    assert response.status_code == 400
    assert client.get("/api/v1/nulle-part").json() == {"detail": "Introuvable."}
    assert client.get("/contacts/", {"q": "Lumen"}).status_code == 200
