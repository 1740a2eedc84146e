"""Every page carries a strict Content-Security-Policy: scripts, styles and everything else from Pilote
only, nothing inline, no plugins, no framing, no foreign base or form target. (The demo crawl checks the
header on every page of every role; test_template_lint that no template holds inline code.)"""

import pytest
from django.urls import reverse

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def assert_strict(response):
    found = policy(response)
    assert {k: found.get(k) for k in STRICT} == STRICT
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_the_login_and_reset_pages_are_covered(client, structure):
    for name in ("login", "core:password-reset"):
        assert_strict(client.get(reverse(name)))


@pytest.mark.parametrize("path", ["/", "/profil/", "/contacts/", "/api/v1/docs", "/page-qui-n-existe-pas/"])
def test_signed_in_pages_errors_and_the_api_documentation_are_covered(client_as, path):
    assert_strict(client_as("direction").get(path))


def test_htmx_is_configured_for_the_policy(client_as):
    page = client_as("direction").get("/").content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false, "allowEval": false}'>""" in page


def test_the_500_page_has_no_inline_style():
    from django.template.loader import get_template

    page = get_template("errors/500.html").render()
    assert "style=" not in page and "/static/pilote/error.css" in page
