from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.quality.forms import WatchFilterForm, WatchSourceForm, WatchTriageForm
from pilote.quality.models import WatchItem, WatchSource
from pilote.quality.queries import watch as queries
from pilote.quality.services import watch as services


def _message(exc) -> str:
    return getattr(exc, "message", None) or " ".join(exc.messages)


@require_perm("quality.watch.view")
def item_list(request):
    form = WatchFilterForm(request.GET or None)
    data = filter_data(form)
    items = sort_queryset(queries.filter_items(request.user, data), request.GET.get("tri", ""), queries.SORTS,
                          queries.DEFAULT_SORT)  # fmt: skip
    page = paginate(request, queries.with_list_relations(items))
    return render(request, "quality/watch_list.html", {"form": form, "page": page})


@require_perm("quality.watch.view")
def item_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    form = WatchFilterForm(request.GET or None)
    data = filter_data(form)
    items = sort_queryset(queries.filter_items(request.user, data), request.GET.get("tri", ""), queries.SORTS,
                          queries.DEFAULT_SORT)  # fmt: skip
    return export_response(queries.export_rows(items), queries.EXPORT_COLUMNS, "veille", fmt, title="Veille")


def _item(request, pk: int) -> WatchItem:
    item = queries.visible_items(request.user).select_related("source", "risk", "nonconformity").filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


@require_perm("quality.watch.view")
def item_detail(request, pk: int):
    item = _item(request, pk)
    form = WatchTriageForm(initial={"status": item.status, "note": item.note, "shared_roles": item.shared_roles})
    return render(request, "quality/watch_item.html", {"item": item, "form": form})


@require_POST
@require_perm("quality.watch.edit")
def item_triage(request, pk: int):
    item = _item(request, pk)
    form = WatchTriageForm(request.POST)
    if form.is_valid():
        try:
            services.triage(actor=request.user, item=item, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, "L'article est trié.")
            return redirect("quality:watch-item", pk=pk)
    return render(request, "quality/watch_item.html", {"item": item, "form": form}, status=400)


@require_POST
@require_perm("quality.watch.edit")
def item_convert(request, pk: int):
    """One click: a risk of the register (direction keeps it) or a non-conformity, from the item."""
    item = _item(request, pk)
    target = request.POST.get("vers")
    try:
        made = services.convert(actor=request.user, item=item, target=target)
    except (DomainError, ValidationError) as exc:
        messages.error(request, _message(exc))
        return redirect("quality:watch-item", pk=pk)
    if target == "risque":
        messages.success(request, f"Le risque {made.reference} est créé : cotez-le et planifiez son traitement.")
        return redirect("quality:risk-detail", pk=made.pk)
    messages.success(request, f"La non-conformité {made.reference} est ouverte depuis l'article.")
    return redirect("quality:nc-detail", pk=made.pk)


@require_perm("quality.watch.edit")
def source_list(request):
    form = WatchSourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_source(actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(
                request,
                "La source est ajoutée : elle sera relevée cette nuit, ou tout de suite avec « Relever maintenant ».",
            )
            return redirect("quality:watch-sources")
    return render(request, "quality/watch_sources.html", {"form": form, "sources": queries.sources()})


@require_POST
@require_perm("quality.watch.edit")
def source_toggle(request, pk: int):
    source = get_object_or_404(WatchSource, pk=pk)
    services.set_active(actor=request.user, source=source, active=not source.is_active)
    messages.success(request, "La source est reprise." if source.is_active else "La source est suspendue.")
    return redirect("quality:watch-sources")


@require_POST
@require_perm("quality.watch.edit")
def fetch_now(request):
    """Starts the relevé as a background job (the page never fetches a feed itself)."""
    services.start_fetch(actor=request.user)
    messages.success(
        request,
        "Le relevé des flux est lancé en arrière-plan ; suivez-le dans « Traitements » ou revenez dans un instant.",
    )
    return redirect("quality:watch-sources")
