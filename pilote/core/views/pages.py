from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from pilote.core import queries, services, tokens
from pilote.core.access import public, require_perm
from pilote.core.exceptions import DomainError
from pilote.core.forms import AuditFilterForm, StructureSettingsForm
from pilote.core.listing import EXPORT_FORMATS, Column, export_response, filter_data, paginate, sort_queryset
from pilote.core.models import ApiToken, AuditEvent
from pilote.core.params import to_int
from pilote.core.registry import home_panels_for, search_providers_for, todos_for
from pilote.core.vocabulary import structure_type_of
from pilote.lib.dates import local_today


@require_perm("core.home")
def home(request):
    structure_type = structure_type_of(request.structure)
    tiles = queries.home_tiles(request.user, structure_type)
    todos = queries.todo_groups(todos_for(request.user, structure_type=structure_type), local_today())
    context = {"tiles": tiles, "todo_groups": todos, "panels": home_panels_for(request)}
    return render(request, "core/home.html", context)


@require_perm("core.search")
def search(request):
    query = request.GET.get("q", "").strip()
    compact = request.headers.get("HX-Request") == "true"
    sections = []
    if len(query) >= 2:
        limit = 5 if compact else 50
        for provider in search_providers_for(request.user):
            hits = provider.search(request.user, query, limit)
            if hits:
                sections.append((provider.label, hits))
    template = "core/_search_dropdown.html" if compact else "core/search.html"
    return render(request, template, {"query": query, "sections": sections})


@require_perm("core.profile")
def profile(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.set_user_password(actor=request.user, user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, "Votre mot de passe a été modifié.")
        return redirect("core:profile")
    context = {
        "form": form,
        "tokens": request.user.api_tokens.all(),
        "lifetimes": tokens.LIFETIMES.items(),
        "default_days": tokens.DEFAULT_DAYS,
        "new_key": request.session.pop(NEW_KEY_SESSION, None),  # shown once, never again
    }
    return render(request, "core/profile.html", context)


NEW_KEY_SESSION = "new_api_key"


@require_POST
@require_perm("core.profile")
def token_create(request):
    days = request.POST.get("duree") or str(tokens.DEFAULT_DAYS)
    try:
        days = to_int(days, maximum=9999) or 0  # refused in French by the service
        _, key = services.create_api_token(actor=request.user, name=request.POST.get("name", ""), days=days)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        request.session[NEW_KEY_SESSION] = key
    return redirect("core:profile")


@require_POST
@require_perm("core.profile")
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_api_token(actor=request.user, token=token)
    messages.success(request, f"Le jeton « {token.name} » est révoqué.")
    return redirect("core:profile")


@require_perm("core.settings.view")
def settings_view(request):
    return render(request, "core/settings.html", {"structure": request.structure})


@require_perm("core.settings.edit")
def settings_edit(request):
    structure = request.structure
    form = StructureSettingsForm(request.POST or None, request.FILES or None, instance=structure)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if not (k == "logo" and v is None)}
        if changes.get("logo") is False:
            changes["logo"] = ""
        expected = changes.pop("version", None)
        try:
            services.update_structure(actor=request.user, structure=structure, expected_version=expected, **changes)
        except ValidationError as exc:
            form.add_error(None, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Les paramètres de la structure ont été enregistrés.")
            return redirect("core:settings")
    return render(request, "core/settings_form.html", {"form": form})


AUDIT_COLUMNS = [
    Column("Date", lambda e: e.at),
    Column("Auteur", lambda e: e.actor_name),
    Column("Action", lambda e: e.action_label),
    Column("Objet", lambda e: e.object_repr),
    Column("Avant", lambda e: _changes(e, 1)),
    Column("Après", lambda e: _changes(e, 2)),
]


def _changes(event, side: int) -> str:
    """The changed fields on one side, as the page shows them: « Nom : Alpha ; Ville : Lyon »."""
    return " ; ".join(f"{change[0]} : {change[side]}" for change in event.changes)


AUDIT_SORTS = {
    "date": ["at"],
    "auteur": ["actor_label", "at"],
    "action": ["action", "at"],
    "objet": ["object_repr", "at"],
}


@require_perm("core.audit.view")
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.select_related("actor")
    if filter_data(form):  # the valid filters apply; refused words show their message and are left out alone
        events = form.apply(events)
    events = sort_queryset(events, request.GET.get("tri", ""), AUDIT_SORTS, "-date")
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        return export_response(events.iterator(chunk_size=2000), AUDIT_COLUMNS, "journal-audit", export)
    return render(request, "core/audit_log.html", {"form": form, "page": paginate(request, events)})


@public
@require_GET
def health(request):
    """Up (200 « ok ») or down (503 « indisponible ») for anyone, a load balancer first; the checks and their
    details as JSON only to a signed-in user whose role may see the background jobs (direction)."""
    from django.http import JsonResponse

    from pilote.core import health as health_checks

    found = health_checks.checks()
    up = all(check.ok for check in found)
    status = 200 if up else 503
    if request.user.is_authenticated and request.user.can("core.jobs"):
        release = health_checks.release()
        body = {
            "etat": "ok" if up else "indisponible",
            "version": release.version,
            "derniere_migration": release.last_migration,
            "controles": [{"nom": c.name, "ok": c.ok, "detail": c.detail} for c in found],
        }
        return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    return HttpResponse("ok" if up else "indisponible", status=status, content_type="text/plain; charset=utf-8")


FAVICON = "pilote/favicon.ico"
ROBOTS = "User-agent: *\nDisallow: /\n"  # a private business application: nothing to index


@public
@require_GET
def favicon(request):
    """/favicon.ico, which browsers and tools ask for on their own, answered with Pilote's icon."""
    from pathlib import Path

    from django.contrib.staticfiles import finders

    response = HttpResponse(Path(finders.find(FAVICON)).read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@public
@require_GET
def robots(request):
    return HttpResponse(ROBOTS, content_type="text/plain; charset=utf-8")
