"""Log lines carry the request id and the user; production writes them as JSON (issue 18, point 7)."""

import io
import json
import logging

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from pilote.core.logs import JsonFormatter, RequestContextFilter, RequestIdMiddleware

pytestmark = pytest.mark.django_db


def _capture():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("pilote.test.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return logger, handler, stream


def test_a_line_logged_during_a_request_names_the_request_and_the_user(django_user_model):
    logger, handler, stream = _capture()
    user = django_user_model.objects.create_user(username="claire", password="x")

    def view(request):
        request._cached_user = user  # what AuthenticationMiddleware leaves once the user was read
        logger.warning("Facture refusée : « %s »", "F-2026-00001")
        return HttpResponse("ok")

    try:
        request = RequestFactory().get("/", HTTP_X_REQUEST_ID="haproxy-0001-abcd")
        response = RequestIdMiddleware(view)(request)
        RequestIdMiddleware(lambda r: HttpResponse("ok"))(RequestFactory().get("/"))
        logger.warning("hors requête")
    finally:
        logger.removeHandler(handler)
    assert response["X-Request-ID"] == "haproxy-0001-abcd"
    first, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["request_id"] == "haproxy-0001-abcd" and first["user"] == "claire"
    assert first["message"] == "Facture refusée : « F-2026-00001 »" and first["level"] == "WARNING"
    assert outside["request_id"] == "-" and outside["user"] == "-"


def test_an_id_that_is_not_sane_is_replaced(client):
    response = client.get("/sante/", HTTP_X_REQUEST_ID="<script>\n" + "x" * 100)
    given = response["X-Request-ID"]
    assert len(given) == 32 and given.isalnum()
    assert client.get("/sante/")["X-Request-ID"] != given  # one per request


def test_a_traceback_stays_inside_its_json_line():
    logger, handler, stream = _capture()
    try:
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("Échec")
    finally:
        logger.removeHandler(handler)
    (line,) = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert "ValueError: boom" in entry["exception"] and entry["message"] == "Échec"
