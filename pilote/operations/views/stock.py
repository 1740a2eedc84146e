from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.core.params import to_amount
from pilote.lib.dates import local_today
from pilote.operations.forms import (
    CountOpenForm,
    ItemFilterForm,
    ItemForm,
    LocationForm,
    MoveFilterForm,
    MoveForm,
    YearForm,
)
from pilote.operations.models import InventoryCount, Location, StockItem, Tracking
from pilote.operations.queries import stock as queries
from pilote.operations.services import closing
from pilote.operations.services import stock as services


def _message(exc) -> str:
    return getattr(exc, "message", None) or " ".join(exc.messages)


@require_perm("operations.view")
def item_list(request):
    form = ItemFilterForm(request.GET or None)
    data = filter_data(form)
    day = data.get("date")
    items = queries.with_value_at(queries.filter_items(data), day)
    items = sort_queryset(items, request.GET.get("tri", ""), queries.ITEM_SORTS, "reference")
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        title = f"Stock au {day:%d/%m/%Y}" if day else "Stock"
        return export_response(queries.decorate(items.iterator(chunk_size=500)), queries.ITEM_COLUMNS, "stock",
                               export, title=title)  # fmt: skip
    page = paginate(request, items)
    page.object_list = list(queries.decorate(page.object_list))
    context = {"form": form, "page": page, "day": day, "total": queries.total_value(day)}
    return render(request, "operations/item_list.html", context)


def _item_form(request, item=None):
    form = ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                item = services.track_product(actor=request.user, product=form.cleaned_data["product"],
                                              **form.service_fields())  # fmt: skip
            else:
                services.update_item(actor=request.user, item=item, expected_version=form.cleaned_data.get("version"),
                                     **form.service_fields())  # fmt: skip
            return redirect("operations:item", item.pk)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _message(exc))
    return render(request, "operations/item_form.html", {"form": form, "item": item})


@require_perm("operations.edit")
def item_create(request):
    if not Location.objects.exists():
        messages.info(request, "Créez d'abord un emplacement de stock (entrepôt, atelier, véhicule…).")
        return redirect("operations:locations")
    return _item_form(request)


@require_perm("operations.edit")
def item_edit(request, pk: int):
    return _item_form(request, get_object_or_404(StockItem, pk=pk))


@require_perm("operations.view")
def item_detail(request, pk: int):
    item = get_object_or_404(StockItem.objects.select_related("product", "default_location"), pk=pk)
    tracked = item.tracking != Tracking.NONE
    form = MoveForm(initial={"date": local_today(), "location": item.default_location_id}, tracked=tracked)
    context = {"item": item, "move_form": form, **queries.item_page(item)}
    if tracked:
        context["lots"] = item.lots.filter(quantity__gt=0).order_by("received_on", "number")
        context["fifo"] = services.fifo_suggestion(item, item.quantity)
    return render(request, "operations/item_detail.html", context)


@require_perm("operations.edit")
@require_POST
def move_add(request, pk: int):
    item = get_object_or_404(StockItem.objects.select_related("product"), pk=pk)
    form = MoveForm(request.POST, tracked=item.tracking != Tracking.NONE)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label} : {errors[0]}" if label else errors[0])
        return redirect("operations:item", item.pk)
    try:
        services.manual_move(actor=request.user, item=item, **form.cleaned_data)
        messages.success(request, "Mouvement enregistré : quantité, valeur et coût moyen pondéré mis à jour.")
    except (DomainError, ValidationError) as exc:
        messages.error(request, _message(exc))
    return redirect("operations:item", item.pk)


@require_perm("operations.view")
def move_list(request):
    form = MoveFilterForm(request.GET or None)
    data = filter_data(form)
    moves = sort_queryset(queries.filter_moves(data), request.GET.get("tri", ""), queries.MOVE_SORTS, "-date")
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        return export_response(moves.iterator(chunk_size=500), queries.MOVE_COLUMNS, "mouvements-de-stock", export,
                               title="Mouvements de stock")  # fmt: skip
    return render(request, "operations/move_list.html", {"form": form, "page": paginate(request, moves)})


@require_perm("operations.view")
def location_list(request, form=None):
    locations = Location.objects.order_by("code")
    return render(request, "operations/location_list.html", {"form": form or LocationForm(), "locations": locations})


@require_perm("operations.edit")
@require_POST
def location_create(request):
    form = LocationForm(request.POST)
    if form.is_valid():
        try:
            services.create_location(actor=request.user, **form.cleaned_data)
            messages.success(request, "Emplacement créé.")
            return redirect("operations:locations")
        except DomainError as exc:
            form.add_error(None, exc.message)
    return location_list.__wrapped__(request, form=form)


@require_perm("operations.view")
def count_list(request):
    form = CountOpenForm(initial={"date": local_today()})
    return render(request, "operations/count_list.html", {"form": form, "counts": paginate(request, queries.counts())})


@require_perm("operations.edit")
@require_POST
def count_open(request):
    form = CountOpenForm(request.POST)
    if form.is_valid():
        count = services.open_count(actor=request.user, **form.cleaned_data)
        return redirect("operations:count", count.pk)
    messages.error(request, "Choisissez un emplacement et une date.")
    return redirect("operations:counts")


def _count_lines(count):
    return count.lines.select_related("item__product").order_by("item__product__reference")


@require_perm("operations.view")
def count_detail(request, pk: int):
    count = get_object_or_404(InventoryCount.objects.select_related("location"), pk=pk)
    lines = _count_lines(count)
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        return export_response(lines.iterator(chunk_size=500), queries.COUNT_COLUMNS, f"inventaire-{count.pk}", export,
                               title=str(count))  # fmt: skip
    return render(request, "operations/count_detail.html", {"count": count, "lines": list(lines)})


@require_perm("operations.edit")
@require_POST
def count_save(request, pk: int):
    count = get_object_or_404(InventoryCount, pk=pk)
    counted = {}
    for line in _count_lines(count):
        raw = request.POST.get(f"line-{line.pk}", "").strip()
        counted[line.pk] = None if raw == "" else to_amount(raw, limit=Decimal("100000000"))
        if raw and counted[line.pk] is None:
            messages.error(request, f"{line.item.product.reference} : « {raw[:20]} » n'est pas une quantité.")
            return redirect("operations:count", count.pk)
    try:
        services.record_counts(actor=request.user, count=count, counted=counted)
        if request.POST.get("post"):
            moves = services.post_count(actor=request.user, count=count)
            messages.success(request, f"Inventaire clos : {len(moves)} écart(s) passé(s) en stock au CMUP.")
        else:
            messages.success(request, "Quantités comptées enregistrées.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("operations:count", count.pk)


def _year(request):
    form = YearForm(request.POST or request.GET or None)
    year = form.cleaned_data["year"] if form.is_valid() else form.fields["year"].queryset.first()
    return form, year


@require_perm("operations.view")
def stock_closing(request):
    form, year = _year(request)
    rows = closing.prepare(year) if year else []
    context = {"form": form, "year": year, "rows": rows, "entry": closing.existing_entry(year) if year else None}
    return render(request, "operations/closing.html", context)


@require_perm("operations.post")
@require_POST
def stock_closing_post(request):
    form, year = _year(request)
    if year is None:
        messages.error(request, "Aucun exercice comptable.")
        return redirect("operations:closing")
    try:
        entry = closing.post_stock_variation(actor=request.user, year=year)
        messages.success(request, f"Variation des stocks comptabilisée (écriture {entry.number}).")
    except (DomainError, ValidationError) as exc:
        messages.error(request, _message(exc))
    return redirect(f"{reverse('operations:closing')}?year={year.pk}")
