"""The API object, its authentication and the permission guard every operation goes through."""

from __future__ import annotations

import datetime as dt
import json
from functools import wraps
from typing import Annotated, Generic, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as ParametersError
from ninja.openapi.docs import Swagger, _csrf_needed
from ninja.params import functions as params
from ninja.security import HttpBearer, django_auth
from pydantic import AfterValidator

from pilote.core import errors, integrity, tokens
from pilote.core.exceptions import DomainError
from pilote.core.params import MAX_ID
from pilote.core.permissions import MATRIX, user_can

# Numbers a caller sends are bounded by what the database can store: an id or a page number beyond a
# 64-bit integer (99999999999999999999) is a 422 in the parameters, never an overflow in the query.
MAX_PAGE = 1_000_000
ObjectId = Annotated[int, params.Path(..., ge=1, le=MAX_ID, description="Identifiant (entier positif).")]
OptionalId = Annotated[int | None, Field(ge=1, le=MAX_ID)]
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Field(ge=1, le=200)]
Item = TypeVar("Item")
# An id sent in a body (a customer, a task…), bounded like a path's.
RequiredId = Annotated[int, Field(ge=1, le=MAX_ID)]
# A business date sent to the API: within what a structure's books and plans can hold (no date arithmetic overflows
# at the ends of the calendar); a date outside is a French 422.
Day = Annotated[dt.date, Field(ge=dt.date(1900, 1, 1), le=dt.date(2199, 12, 31))]


def _moment(value: dt.datetime) -> dt.datetime:
    """A time sent to the API: in the years a Day allows, and at an offset some time zone has (±14:00) — PostgreSQL
    refuses an offset beyond ±15:59 (schemathesis sent « +19:15 »: a 500 before this)."""
    offset = value.utcoffset()
    if offset is not None and abs(offset) > dt.timedelta(hours=14):
        raise ValueError("Décalage horaire impossible : entre -14:00 et +14:00.")
    if not 1900 <= value.year <= 2199:
        raise ValueError("Date hors des années 1900 à 2199.")
    return value


Moment = Annotated[dt.datetime, AfterValidator(_moment)]


def _clock(value: dt.time) -> dt.time:
    """A time of day sent to the API (a visit's or a booking's hour): local, without an offset (combined with a
    day in the structure's time zone, as the pages' time inputs are)."""
    if value.tzinfo is not None:
        raise ValueError("Heure locale attendue, sans décalage horaire (HH:MM).")
    return value


Clock = Annotated[dt.time, AfterValidator(_clock)]


def _words(value: str) -> str:
    from pilote.core.listing import words_refusal

    refusal = words_refusal(value)
    if refusal:
        raise ValueError(refusal)
    return value.strip()


# The words filter (`q`) of a list: the pages' one rule (core.listing.words_refusal) — under 3 characters a French
# 422, since no index serves one or two characters and the list would read every row of its table.
Words = Annotated[str, Field(max_length=200), AfterValidator(_words)]


class TokenAuth(HttpBearer):
    """`Authorization: Bearer plt_…` — a personal token created in the user's profile."""

    def authenticate(self, request, token):
        user = tokens.user_for_key(token)
        if user is not None:
            request.user = user
        return user


class LocalSwagger(Swagger):
    """The Swagger UI from ninja's own template and static files (found through settings.NINJA_DIR), never a CDN.

    ninja renders them only when it is an installed app; it is not one, so that `manage.py` starts without
    importing it (and pydantic)."""

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": json.dumps(self.settings, indent=1), "api": api, "add_csrf": _csrf_needed(api)}
        return render(request, self.template, context)


api = NinjaAPI(
    title="API Pilote",
    version="1",
    description="Accès programmatique à Pilote. Authentification : `Authorization: Bearer <jeton>` "
    "(jetons créés dans « Mon profil »). Chaque opération exige le droit indiqué dans `x-permission`.",
    urls_namespace="api",
    auth=[TokenAuth(), django_auth],
    docs=LocalSwagger(),
    docs_decorator=login_required,
)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "Données invalides.", "erreurs": errors}, status=422)


# What pydantic says of a parameter or a body field, in French (by error type; others: « Valeur invalide. »).
PARAMETER_ERRORS = {
    "missing": "Champ obligatoire.",
    "int_parsing": "Nombre entier attendu.",
    "int_type": "Nombre entier attendu.",
    "int_from_float": "Nombre entier attendu.",
    "float_parsing": "Nombre attendu.",
    "decimal_parsing": "Nombre décimal attendu.",
    "finite_number": "Nombre fini attendu.",
    "bool_parsing": "Booléen attendu (true ou false).",
    "bool_type": "Booléen attendu (true ou false).",
    "string_type": "Texte attendu.",
    "date_parsing": "Date attendue au format AAAA-MM-JJ.",
    "date_from_datetime_parsing": "Date attendue au format AAAA-MM-JJ.",
    "date_type": "Date attendue au format AAAA-MM-JJ.",
    "datetime_parsing": "Date et heure attendues au format ISO 8601.",
    "datetime_from_date_parsing": "Date et heure attendues au format ISO 8601.",
    "datetime_type": "Date et heure attendues au format ISO 8601.",
    "time_parsing": "Heure attendue au format HH:MM.",
    "time_type": "Heure attendue au format HH:MM.",
    "enum": "Valeur non reconnue.",
    "list_type": "Liste attendue.",
    "model_attributes_type": "Objet JSON attendu.",
    "dict_type": "Objet JSON attendu.",
    "json_invalid": "JSON illisible.",
    "extra_forbidden": "Champ inconnu.",
}


def _parameter_error(error: dict) -> str:
    context = error.get("ctx") or {}
    kind = error.get("type", "")
    if kind in ("greater_than_equal", "greater_than"):
        return f"Valeur trop petite (au moins {context.get('ge', context.get('gt'))})."
    if kind in ("less_than_equal", "less_than"):
        return f"Valeur trop grande (au plus {context.get('le', context.get('lt'))})."
    if kind == "value_error" and context.get("error"):  # our validators' own French sentence
        return str(context["error"])
    if kind == "enum" and context.get("expected"):
        return f"Valeur non reconnue : {context['expected']}."
    return PARAMETER_ERRORS.get(kind, "Valeur invalide.")


@api.exception_handler(ParametersError)
def parameters_error(request, exc: ParametersError):
    """Parameters or body that do not fit the operation's types: each field with its problem, in French."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "payload")) or "__all__"
        errors.setdefault(where, []).append(_parameter_error(error))
    return api.create_response(request, {"detail": "Paramètres invalides.", "erreurs": errors}, status=422)


# django-ninja's own refusals, in French (the API's operations raise theirs in French already).
HTTP_ERRORS = {"Cannot parse request body": "Corps de la requête illisible : un objet JSON est attendu."}


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(request, {"detail": HTTP_ERRORS.get(str(exc), str(exc))}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Introuvable."}, status=404)


@api.exception_handler(AuthenticationError)
def not_authenticated(request, exc):
    return api.create_response(request, {"detail": "Authentification requise : jeton absent, expiré ou révoqué."},
                               status=401)  # fmt: skip


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


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unavailable(request, exc):
    """The database could not answer (restarting, connection lost, lock given up): 503 and Retry-After, the
    same answer as the pages' (core.errors), logged like a server error."""
    return errors.unavailable(request, exc)


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

        extra = {"x-permission": perm, **kwargs.pop("openapi_extra", {})}  # a file's response declared there
        if "responses" in extra:  # keyed by int as django-ninja's own: "200" beside 200 was one key twice in the JSON
            extra["responses"] = {int(code) if str(code).isdigit() else code: answer
                                  for code, answer in extra["responses"].items()}  # fmt: skip
        router.api_operation([method], path, openapi_extra=extra, **kwargs)(wrapped)
        return wrapped

    return decorator


class Paging(Schema):
    """The paging every list takes: `page` (from 1) and `taille` (1 to 200 rows)."""

    page: PageNumber = 1
    taille: PageSize = 50


class Page(Schema, Generic[Item]):
    """One page of a list: the number of rows over every page, this page's number, the number of pages."""

    count: int
    page: int
    pages: int
    results: list[Item]


def page_of(rows, paging: Paging | dict) -> dict:
    """The page `paging` asks for of a query set (or a list): the same shape for every list of the API."""
    data = paging if isinstance(paging, dict) else paging.dict()
    count = rows.count() if hasattr(rows, "count") and not isinstance(rows, list) else len(rows)
    start = (data["page"] - 1) * data["taille"]
    results = list(rows[start : start + data["taille"]])
    return {"count": count, "page": data["page"], "pages": -(-count // data["taille"]), "results": results}


def sorted_page(rows, data: dict, sorts: dict, default: str) -> dict:
    """The page of `rows` sorted by the list's `tri` key, as the page's list sorts them (its SORTS and default)."""
    from pilote.core.listing import sort_queryset

    return page_of(sort_queryset(rows, data.get("tri") or "", sorts, default), data)


def fetch(queryset, pk: int):
    """The row `pk` of `queryset`, or the API's French 404."""
    return get_object_or_404(queryset, pk=pk)


def through_form(form_class, payload: Schema | dict, *, instance=None, current: dict | None = None,
                 **form_kwargs) -> dict:  # fmt: skip
    """The payload checked by the page's own form (`form_class`), so the API applies the very rules the page does:
    a change (`instance` for a model form, or the record's `current` values for a plain one, as its page fills it)
    starts from the record's current values and the payload's fields replace them. Returns the form's cleaned data;
    a refusal is a `ValidationError` with the form's French messages (422)."""
    from django.forms.models import model_to_dict

    if current is not None:
        data = dict(current)
    elif instance is not None:
        data = {name: value for name, value in model_to_dict(instance).items() if value is not None}
    else:  # what the page's empty form proposes (the model's defaults)
        blank = form_class(**form_kwargs)
        data = {name: blank.get_initial_for_field(field, name) for name, field in blank.fields.items()}
        data = {name: value for name, value in data.items() if value is not None}
    if isinstance(payload, dict):
        data.update(payload)
    else:  # the schema's own defaults, then what was sent: a field sent as null is emptied, as a blank input would be
        data.update(payload.dict(exclude_none=True))
        data.update(payload.dict(exclude_unset=True))
    data = {name: [item.pk if hasattr(item, "pk") else item for item in value] if isinstance(value, list) else value
            for name, value in data.items()}  # fmt: skip
    if instance is not None:
        form_kwargs["instance"] = instance
    form = checked(form_class(data=data, **form_kwargs))
    return {name: value for name, value in form.cleaned_data.items() if name != "version"}


def checked(form):
    """The page's bound form, valid; else a `ValidationError` with its French messages by field (422)."""
    if not form.is_valid():
        raise ValidationError({name: [error["message"] for error in errors]
                               for name, errors in form.errors.get_json_data().items()})  # fmt: skip
    return form


def only_for(router, serves, refusal: str):
    """The decorator of a router's operations that serve some kinds of structure only, as their pages do:
    `guarded`, then `serves(structure)` or the pages' French refusal (404)."""

    def operation(method: str, path: str, perm: str, **kwargs):
        def decorator(func):
            @wraps(func)
            def only_where_served(request, *args, **kw):
                if not serves(getattr(request, "structure", None)):
                    raise HttpError(404, refusal)
                return func(request, *args, **kw)

            return guarded(router, method, path, perm, **kwargs)(only_where_served)

        return decorator

    return operation


def uploaded_base64(file_name: str, content_base64: str, *, field: str = "content_base64"):
    """A file sent in base64 as the page's upload would be (an uploaded file its form checks: size, type…); text
    that is not base64 is a French 422 on `field`."""
    import base64
    import binascii

    from django.core.files.uploadedfile import SimpleUploadedFile

    try:
        content = base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({field: ["Contenu illisible : du base64 est attendu."]}) from None
    return SimpleUploadedFile(file_name or "fichier", content)
