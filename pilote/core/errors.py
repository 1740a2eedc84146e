"""Pilote's own error pages, in French, also under `make run` (DEBUG=1).

Django shows its English technical pages whenever DEBUG is on; a user trying Pilote locally is not a
developer. `FrenchErrorPagesMiddleware` renders the project's templates/errors/*.html in DEBUG too, and
logs the traceback to the console; `PILOTE_TECHNICAL_ERRORS=1` brings Django's technical pages back.
"""

import logging
import sys

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template

logger = logging.getLogger("django.request")


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):  # an address no operation matches: the API's own JSON, in French
        return JsonResponse({"detail": "Introuvable."}, status=404)
    return render(request, "errors/404.html", status=404)


UNAVAILABLE = "Service momentanément indisponible : rien n'a été enregistré, réessayez dans un instant."
RETRY_AFTER = "5"


def is_unavailable(exception) -> bool:
    """The database could not answer (down, restarting, connection lost, a lock or a deadlock it gave up on):
    a passing failure of the service, not a fault of the page. The transaction rolled back."""
    return isinstance(exception, OperationalError | InterfaceError)


def unavailable(request, exception=None):
    """503 with Retry-After, so a load balancer or an API client retries and a user reads why; `exception`, when the
    caller caught it (the DEBUG middleware, the API), is logged here like a server error."""
    if exception is not None:
        logger.error("Base indisponible : %s", request.path, exc_info=exception, extra={"status_code": 503})
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": UNAVAILABLE}, status=503)
    else:
        response = HttpResponse(get_template("errors/503.html").render(), status=503)
    response["Retry-After"] = RETRY_AFTER
    return response


def server_error(request):
    # Called by Django while it handles the exception, so the exception is still the current one.
    if is_unavailable(sys.exc_info()[1]):
        return unavailable(request)
    # Rendered without context processors: the database may be the thing that failed.
    return HttpResponseServerError(get_template("errors/500.html").render())


def _friendly() -> bool:
    return settings.DEBUG and not getattr(settings, "PILOTE_TECHNICAL_ERRORS", False)


class FrenchErrorPagesMiddleware:
    """With DEBUG on, answer errors with the French pages instead of Django's technical ones."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # An address no URL pattern matches never reaches a view (no resolver_match): Django's technical
        # 404 page is replaced here. A view's own 404 went through process_exception below.
        if _friendly() and response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return not_found(request)
        return response

    def process_exception(self, request, exception):
        if not _friendly():
            return None
        if isinstance(exception, Http404):
            return not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return forbidden(request, exception)
        if isinstance(exception, BadRequest | SuspiciousOperation):
            return bad_request(request, exception)
        if is_unavailable(exception):
            return unavailable(request, exception)
        logger.error("Erreur serveur : %s", request.path, exc_info=exception, extra={"status_code": 500})
        return server_error(request)
