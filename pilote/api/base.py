"""The API object, its authentication and the permission guard every operation goes through."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from pilote.core import integrity, tokens
from pilote.core.exceptions import DomainError
from pilote.core.permissions import MATRIX, user_can


class TokenAuth(HttpBearer):
    """`Authorization: Bearer plt_…` — a personal token created in the user's profile."""

    def authenticate(self, request, token):
        user = tokens.user_for_key(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="API Pilote",
    version="1",
    description="Accès programmatique à Pilote. Authentification : `Authorization: Bearer <jeton>` "
    "(jetons créés dans « Mon profil »). Chaque opération exige le droit indiqué dans `x-permission`.",
    urls_namespace="api",
    auth=[TokenAuth(), django_auth],
    docs_decorator=login_required,
)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "Données invalides.", "erreurs": errors}, status=422)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, {"detail": exc.message}, status=409)


@api.exception_handler(IntegrityError)
def integrity_error(request, exc: IntegrityError):
    """The database refused the write (the transaction rolled back): its rule in French, never the raw text."""
    return api.create_response(request, {"detail": integrity.message_for(exc)}, status=409)


@api.exception_handler(ProtectedError)
@api.exception_handler(RestrictedError)
def protected_error(request, exc):
    return api.create_response(request, {"detail": integrity.IN_USE}, status=409)


def guarded(router, method: str, path: str, perm: str, **kwargs):
    """Declare an operation that requires `perm`; the permission is also published in the OpenAPI
    document (x-permission), which the permission test walks."""
    if perm not in MATRIX:
        raise KeyError(perm)

    def decorator(func):
        @wraps(func)
        def wrapped(request, *args, **kw):
            if not user_can(request.auth, perm):
                raise HttpError(403, "Votre rôle ne permet pas cette opération.")
            return func(request, *args, **kw)

        router.api_operation([method], path, openapi_extra={"x-permission": perm}, **kwargs)(wrapped)
        return wrapped

    return decorator
