"""Error pages are Pilote's own, in French, with DEBUG off (production) and on (`make run`), unless
PILOTE_TECHNICAL_ERRORS asks for Django's technical pages."""

import pytest

ENGLISH = ("Page not found", "Server Error", "Traceback", "Request Method", "Bad Request", "DEBUG = True")


def _page(client, url):
    response = client.get(url)
    text = response.content.decode()
    assert not [word for word in ENGLISH if word in text], text[:500]
    return response.status_code, text


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.mark.urls("pilote.core.tests.error_urls")
def test_french_error_pages_with_and_without_debug(client_as, debug):
    client = client_as("commercial")
    client.raise_request_exception = False
    assert _page(client, "/nulle-part/")[0] == 404
    status, text = _page(client, "/test-absent/")
    assert status == 404 and "Page introuvable" in text
    status, text = _page(client, "/contacts/999999/")
    assert status == 404 and "Page introuvable" in text
    status, text = _page(client, "/journal-audit/")
    assert status == 403 and "Accès refusé" in text
    status, text = _page(client, "/test-invalide/")
    assert status == 400 and "Requête invalide" in text
    status, text = _page(client, "/test-erreur/")
    assert status == 500 and "Une erreur est survenue" in text


@pytest.mark.urls("pilote.core.tests.error_urls")
def test_technical_pages_only_when_asked(client_as, settings):
    settings.DEBUG = True
    settings.PILOTE_TECHNICAL_ERRORS = True
    response = client_as("commercial").get("/nulle-part/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_a_missing_slash_still_redirects_in_debug(client_as, settings):
    settings.DEBUG = True
    assert client_as("commercial").get("/contacts").status_code == 301
