from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.lib.dates import local_today
from pilote.operations.forms import (
    BomForm,
    BomLineForm,
    BomOperationForm,
    DoneForm,
    ProductionFilterForm,
    ProductionOrderForm,
    WorkCentreForm,
)
from pilote.operations.models import Bom, BomLine, ProductionOrder, ProductionStatus, WorkCentre
from pilote.operations.queries import production as queries
from pilote.operations.services import production as services


def _fail(request, form=None, exc=None) -> None:
    if exc is not None:
        messages.error(request, getattr(exc, "message", None) or " ".join(exc.messages))
        return
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label} : {errors[0]}" if label else errors[0])


@require_perm("operations.view")
def bom_list(request):
    context = {
        "boms": queries.boms(),
        "centres": WorkCentre.objects.order_by("name"),
        "form": BomForm(),
        "centre_form": WorkCentreForm(),
    }
    return render(request, "operations/bom_list.html", context)


@require_perm("operations.edit")
@require_POST
def bom_create(request):
    form = BomForm(request.POST)
    if form.is_valid():
        try:
            bom = services.create_bom(actor=request.user, **form.cleaned_data)
            return redirect("operations:bom", bom.pk)
        except (DomainError, ValidationError) as exc:
            _fail(request, exc=exc)
    else:
        _fail(request, form)
    return redirect("operations:boms")


@require_perm("operations.edit")
@require_POST
def work_centre_create(request):
    form = WorkCentreForm(request.POST)
    if form.is_valid():
        try:
            services.create_work_centre(actor=request.user, **form.cleaned_data)
            messages.success(request, "Poste de charge créé.")
        except (DomainError, ValidationError) as exc:
            _fail(request, exc=exc)
    else:
        _fail(request, form)
    return redirect("operations:boms")


@require_perm("operations.view")
def bom_detail(request, pk: int):
    bom = get_object_or_404(Bom.objects.select_related("product__product", "product__default_location"), pk=pk)
    context = {"bom": bom, **queries.bom_page(bom), "line_form": BomLineForm(), "operation_form": BomOperationForm()}
    return render(request, "operations/bom_detail.html", context)


def _add_to_bom(request, pk: int, form_class, add):
    """A component or an operation added to a BOM through its service; a refusal comes back in French."""
    bom = get_object_or_404(Bom, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            add(actor=request.user, bom=bom, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            _fail(request, exc=exc)
    else:
        _fail(request, form)
    return redirect("operations:bom", bom.pk)


@require_perm("operations.edit")
@require_POST
def bom_line_add(request, pk: int):
    return _add_to_bom(request, pk, BomLineForm, services.add_component)


@require_perm("operations.edit")
@require_POST
def bom_operation_add(request, pk: int):
    return _add_to_bom(request, pk, BomOperationForm, services.add_operation)


@require_perm("operations.edit")
@require_POST
def bom_line_delete(request, pk: int):
    line = get_object_or_404(BomLine, pk=pk)
    services.remove_line(actor=request.user, line=line)
    return redirect("operations:bom", line.bom_id)


@require_perm("operations.view")
def order_list(request):
    form = ProductionFilterForm(request.GET or None)
    data = filter_data(form)
    orders = sort_queryset(queries.filter_orders(data), request.GET.get("tri", ""), queries.ORDER_SORTS, "-date")
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        return export_response(orders.iterator(chunk_size=500), queries.ORDER_COLUMNS, "ordres-de-fabrication",
                               export, title="Ordres de fabrication")  # fmt: skip
    create = ProductionOrderForm(initial={"planned_date": local_today()})
    return render(request, "operations/order_list.html", {"form": form, "page": paginate(request, orders),
                                                          "create_form": create})  # fmt: skip


@require_perm("operations.edit")
@require_POST
def order_create(request):
    form = ProductionOrderForm(request.POST)
    if form.is_valid():
        try:
            order = services.create_order(actor=request.user, **form.cleaned_data)
            return redirect("operations:order", order.pk)
        except (DomainError, ValidationError) as exc:
            _fail(request, exc=exc)
    else:
        _fail(request, form)
    return redirect("operations:orders")


@require_perm("operations.view")
def order_detail(request, pk: int):
    order = get_object_or_404(ProductionOrder.objects.select_related("bom__product__product", "location"), pk=pk)
    context = {"order": order, **queries.order_page(order), "done_form": DoneForm(initial={"date": local_today()})}
    if order.status == ProductionStatus.RELEASED:
        context["tracked"] = services.tracked_needs(order)
    return render(request, "operations/order_detail.html", context)


def _tracked_ids(order) -> list[int]:
    return [item.pk for item, _, _ in services.tracked_needs(order)]


@require_perm("operations.edit")
@require_POST
def order_action(request, pk: int):
    order = get_object_or_404(ProductionOrder, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "release":
            services.release(actor=request.user, order=order)
            messages.success(request, "Ordre lancé : tous les composants sont en stock.")
        elif action == "done":
            form = DoneForm(request.POST)
            if not form.is_valid():
                _fail(request, form)
                return redirect("operations:order", order.pk)
            lots = services.typed_lots(order, {pk: request.POST.get(f"lots_{pk}", "") for pk in _tracked_ids(order)})
            services.complete(actor=request.user, order=order, date=form.cleaned_data["date"], lots=lots)
            messages.success(
                request, "Ordre terminé : composants consommés au CMUP, produits finis entrés à leur coût."
            )
        elif action == "cancel":
            services.cancel(actor=request.user, order=order)
            messages.success(request, "Ordre annulé.")
        else:
            messages.error(request, "Action inconnue.")
    except (DomainError, ValidationError) as exc:
        _fail(request, exc=exc)
    return redirect("operations:order", order.pk)
