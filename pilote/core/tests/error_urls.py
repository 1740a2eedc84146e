"""A test URLconf: the project's URLs plus views that fail, for the error-page tests."""

from django.core.exceptions import BadRequest
from django.db import OperationalError
from django.http import Http404
from django.urls import path

from pilote.core.access import public
from pilote.urls import urlpatterns as project_urlpatterns


@public
def broken(request):
    raise RuntimeError("boom")


@public
def missing(request):
    raise Http404("No Contact matches the given query.")


@public
def bad(request):
    raise BadRequest("bad")


@public
def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [
    path("test-base-absente/", database_gone),
    path("test-erreur/", broken),
    path("test-absent/", missing),
    path("test-invalide/", bad),
    *project_urlpatterns,
]
handler400 = "pilote.core.errors.bad_request"
handler403 = "pilote.core.errors.forbidden"
handler404 = "pilote.core.errors.not_found"
handler500 = "pilote.core.errors.server_error"
