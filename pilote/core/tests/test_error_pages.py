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


@pytest.mark.urls("pilote.core.tests.error_urls")
def test_a_database_that_does_not_answer_gets_a_french_503(client_as, debug):
    """PostgreSQL restarting or a lost connection: « service momentanément indisponible » with Retry-After,
    so a load balancer or a client retries — not « une erreur est survenue » (measured: a 3 s restart of
    PostgreSQL under load gave 132 such 500s)."""
    client = client_as("commercial")
    client.raise_request_exception = False
    response = client.get("/test-base-absente/")
    text = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "Service momentanément indisponible" in text and "server closed" not in text
    assert not [word for word in ENGLISH if word in text]


def test_a_database_lost_before_the_view_gets_the_503_too(client_as, settings, monkeypatch):
    """The failure can come before any view: the session is read from the database by a middleware."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import OperationalError

    settings.DEBUG = False
    client = client_as("commercial")
    client.raise_request_exception = False

    def gone(self):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(SessionStore, "load", gone)
    response = client.get("/contacts/")
    assert response.status_code == 503 and "Service momentanément indisponible" in response.content.decode()


def test_the_api_answers_503_in_json(client_as, monkeypatch):
    from django.db import OperationalError

    from pilote.api import contacts
    from pilote.core import errors

    client = client_as("direction")
    client.raise_request_exception = False

    def gone(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(contacts.queries, "filter_contacts", gone)
    response = client.get("/api/v1/contacts")
    assert response.status_code == 503, response.content[:300]
    assert response.json() == {"detail": errors.UNAVAILABLE} and response["Retry-After"] == "5"
