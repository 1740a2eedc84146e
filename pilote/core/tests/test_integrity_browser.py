"""The safety net seen from a browser: a refusal answered to an htmx request shows its French sentence."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.urls("pilote.core.tests.urls_integrity")
def test_a_refused_htmx_request_shows_the_french_message(page, sign_in, structure):
    sign_in(page, "commercial")
    page.goto("/")
    page.evaluate("htmx.ajax('GET', '/test-refus/', {source: document.body, swap: 'none'})")
    expect(page.locator(".message-error")).to_have_text("La fin de l'exercice doit suivre son début.")
