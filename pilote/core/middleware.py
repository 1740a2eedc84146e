from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from pilote.core import integrity
from pilote.core.exceptions import DomainError
from pilote.core.models import Structure

# Reachable before the structure exists: the wizard itself, the health check and the files a browser
# fetches on its own (style sheets, scripts, the favicon, robots.txt).
SETUP_OPEN_PREFIXES = ("/installation/", "/sante/", "/favicon.ico", "/robots.txt")
# Never pages: answered « not installed yet », never sent to the wizard.
NON_PAGE_PREFIXES = ("/api/", "/.well-known/", "/apple-touch-icon")
# Sec-Fetch-Dest of a navigation; anything else (image, script, style, empty = fetch/htmx…) is a resource.
PAGE_DESTINATIONS = {"document", "iframe", "frame"}
NOT_INSTALLED = "Pilote n'est pas encore installé : terminez l'assistant d'installation."


def is_page_request(request) -> bool:
    """A navigation to a page, as opposed to a static or uploaded file, the favicon, an API call or a
    fragment fetched by a script. Only pages may be sent to the set-up wizard."""
    path = request.path
    if path.startswith((settings.STATIC_URL, settings.MEDIA_URL, *NON_PAGE_PREFIXES)):
        return False
    if "." in path.rstrip("/").rsplit("/", 1)[-1]:  # a file name (sitemap.xml, icon.png…), not a page
        return False
    if request.headers.get("HX-Request") == "true":
        return False
    destination = request.headers.get("Sec-Fetch-Dest")
    return destination is None or destination in PAGE_DESTINATIONS


class SetupRequiredMiddleware:
    """Loads the structure once per request; until one exists, every page leads to the set-up wizard.

    Only page navigations are redirected: a request for a file or an API call gets a plain 503, so the
    browser's own requests (favicon, style sheets…) never land on the wizard."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.structure = Structure.objects.filter(pk=1).first()
        if request.structure is None and not request.path.startswith((*SETUP_OPEN_PREFIXES, settings.STATIC_URL)):
            if is_page_request(request):
                return redirect("core:setup")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NOT_INSTALLED}, status=503)
            response = HttpResponse(NOT_INSTALLED, status=503, content_type="text/plain; charset=utf-8")
            if request.headers.get("HX-Request") == "true":
                response["HX-Redirect"] = resolve_url("core:setup")
            return response
        return self.get_response(request)


class FriendlyErrorsMiddleware:
    """The safety net under the services: a write the database refuses (IntegrityError), a deletion it
    protects, or a French DomainError/ValidationError a view forgot to catch never reaches the user as a
    500 or as raw text. The failed transaction has rolled back, so nothing was written: a form's POST goes
    back to the page it came from with the French message; anything else gets a French 409 page (JSON under
    /api/, whose own handlers normally answer first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        message = friendly_message(exception)
        if message is None:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=409)
        if request.headers.get("HX-Request"):
            return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = ""
        if request.method == "POST" and back:
            messages.error(request, message)
            return redirect(back)
        return render(request, "errors/refused.html", {"message": message, "back": back}, status=409)


def friendly_message(exception) -> str | None:
    """The French sentence for an exception the safety net answers, None for the others (real 500s)."""
    if isinstance(exception, IntegrityError):
        return integrity.message_for(exception)
    if isinstance(exception, (ProtectedError, RestrictedError)):
        return integrity.IN_USE
    if isinstance(exception, DomainError):
        return exception.message
    if isinstance(exception, ValidationError):
        return " ".join(exception.messages)
    return None


NUL_REFUSED = "La demande contient un caractère nul : elle a été refusée et rien n'a été enregistré."


class NulCharacterMiddleware:
    """A NUL character (\\x00) in the address, a query parameter or a form field is never legitimate
    input, and PostgreSQL refuses it in any text (a 500 wherever a view reads the parameter by hand).
    Such a request is answered 400 in French before any view runs. Form bodies are
    parsed with the upload handlers of the settings, as the CSRF check parses them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not self._has_nul(request):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": NUL_REFUSED}, status=400)
        return render(request, "errors/400.html", {"message": NUL_REFUSED}, status=400)

    @staticmethod
    def _has_nul(request) -> bool:
        sources = [request.path, *request.GET.keys(), *(v for key in request.GET for v in request.GET.getlist(key))]
        if request.method == "POST":
            sources += [*request.POST.keys(), *(v for key in request.POST for v in request.POST.getlist(key))]
        if request.content_type == "application/json" and b"\\u0000" in request.body:  # JSON writes it so
            return True
        return any("\x00" in text for text in sources)
