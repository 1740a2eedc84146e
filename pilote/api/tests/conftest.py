"""Fixtures of the API's tests."""

import pytest

from pilote.core import services


@pytest.fixture
def call(client, personas):
    """call(role, method, url, body=None) → response, with a fresh token of that persona."""
    keys = {}

    def make(role: str, method: str, url: str, body=None):
        if role not in keys:
            keys[role] = services.create_api_token(actor=personas[role], name="test")[1]
        auth = {"HTTP_AUTHORIZATION": f"Bearer {keys[role]}"}
        if body is None:
            return getattr(client, method)(url, **auth)
        return getattr(client, method)(url, body, content_type="application/json", **auth)

    return make
