"""Purchase orders: list, line editor (the sales one), page, approval, PDF and e-mail, receipts, approval limits.

Thin views: the services in purchases/orders.py decide; their French refusals are shown as they are."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset, totals_within
from pilote.core.params import to_int
from pilote.core.pdf import pdf_file_response
from pilote.core.permissions import user_can
from pilote.lib.dates import local_today
from pilote.purchases import matching, sending
from pilote.purchases import orders as services
from pilote.purchases.forms import (
    SUPPLIER_VAT,
    ApprovalLimitsForm,
    OrderFilterForm,
    OrderForm,
    ReasonForm,
    ReceiptForm,
    ToleranceForm,
)
from pilote.purchases.models import PurchaseOrder
from pilote.purchases.queries import orders as queries
from pilote.sales.forms import EmailForm, catalogue_data, line_formset

FIX_ERRORS = "Le formulaire contient des erreurs : corrigez les champs signalés."


@require_perm("purchases.view")
def order_list(request):
    form = OrderFilterForm(request.GET or None)
    data = filter_data(form)
    orders = sort_queryset(queries.filter_orders(data), request.GET.get("tri", ""), queries.ORDER_SORTS, "-date")
    if request.GET.get("export") in EXPORT_FORMATS:
        return export_response(orders, queries.ORDER_COLUMNS, "commandes-fournisseurs", request.GET["export"],
                               title="Commandes fournisseurs")  # fmt: skip
    page = paginate(request, orders)
    context = {"form": form, "page": page, "totals": totals_within(page, lambda: queries.list_totals(orders))}
    return render(request, "purchases/order_list.html", context)


def _editor(request, order: PurchaseOrder | None, initial: dict):
    post = request.POST if request.method == "POST" else None
    form = OrderForm(post, initial=initial)
    lines = list(order.lines.all()) if order and not post else None
    formset = line_formset(post, lines=lines, vat_policy=SUPPLIER_VAT)
    if post and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        specs = formset.specs()
        for spec in specs:
            spec.extra.pop("source_pk", None)
            spec.account = ""  # the sales account of the article is not an expense account
        try:
            if order is None:
                order = services.create_order(actor=request.user, lines=specs, **data)
            else:
                order = services.update_order(actor=request.user, order=order, version=version, lines=specs, **data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Commande {order.number} enregistrée.")
            return redirect("purchases:order-detail", order.pk)
    elif post:
        messages.error(request, FIX_ERRORS)
    context = {"form": form, "formset": formset, "catalogue": catalogue_data(SUPPLIER_VAT, purchase=True),
               "order": order}  # fmt: skip
    return render(request, "purchases/order_form.html", context)


@require_perm("purchases.order")
def order_create(request):
    return _editor(request, None, {"date": local_today(), "supplier": to_int(request.GET.get("fournisseur"))})


@require_perm("purchases.order")
def order_edit(request, pk: int):
    order = get_object_or_404(PurchaseOrder, pk=pk)
    if not order.is_editable and request.method != "POST":
        messages.error(request, f"La commande {order.number} est « {order.get_status_display()} » : elle ne se "
                                "modifie plus.")  # fmt: skip
        return redirect("purchases:order-detail", pk)
    names = ("supplier", "date", "expected_delivery", "delivery_place", "supplier_reference", "notes", "version")
    return _editor(request, order, {name: getattr(order, name) for name in names})


@require_perm("purchases.view")
def order_detail(request, pk: int):
    order = get_object_or_404(PurchaseOrder.objects.select_related("supplier", "created_by", "approved_by"), pk=pk)
    context = {
        "order": order,
        **queries.order_detail(order),
        "may_approve": services.may_approve(request.user, order) and user_can(request.user, "purchases.order"),
        "approvers": services.approvers_of(order),
        "reason_form": ReasonForm(),
    }
    return render(request, "purchases/order_detail.html", context)


ACTIONS = {
    "submit": (lambda user, order, v, reason: services.submit_order(actor=user, order=order, version=v),
               "Commande {number} : {status}."),
    "approve": (lambda user, order, v, reason: services.approve_order(actor=user, order=order, version=v),
                "Commande {number} approuvée."),
    "refuse": (lambda user, order, v, reason: services.refuse_order(actor=user, order=order, reason=reason, version=v),
               "Commande {number} refusée et renvoyée au demandeur."),
    "sent": (lambda user, order, v, reason: services.mark_order_sent(actor=user, order=order, version=v),
             "Commande {number} marquée comme envoyée."),
    "cancel": (lambda user, order, v, reason: services.cancel_order(actor=user, order=order, reason=reason, version=v),
               "Commande {number} annulée."),
    "close": (lambda user, order, v, reason: services.close_order(actor=user, order=order, reason=reason, version=v),
              "Commande {number} soldée."),
}  # fmt: skip


@require_POST
@require_perm("purchases.order")
def order_action(request, pk: int):
    order = get_object_or_404(PurchaseOrder, pk=pk)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, "Action inconnue.")
        return redirect("purchases:order-detail", pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    call, done = action
    try:
        order = call(request.user, order, to_int(request.POST.get("version")), reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done.format(number=order.number, status=order.get_status_display().lower()))
    return redirect("purchases:order-detail", pk)


# --- PDF and e-mail -----------------------------------------------------------------------------------------


@require_perm("purchases.view")
def order_pdf(request, pk: int):
    order = get_object_or_404(PurchaseOrder.objects.select_related("supplier"), pk=pk)
    return pdf_file_response(sending.order_pdf_bytes(order), sending.order_filename(order), inline=True)


@require_perm("purchases.order")
def order_send(request, pk: int):
    order = get_object_or_404(PurchaseOrder.objects.select_related("supplier"), pk=pk)
    form = EmailForm(request.POST or None, initial=sending.order_email(order))
    if request.method == "POST" and form.is_valid():
        try:
            sending.send_order(actor=request.user, order=order, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Commande {order.number} envoyée à {form.cleaned_data['to']}.")
            return redirect("purchases:order-detail", pk)
    elif request.method == "POST":
        messages.error(request, FIX_ERRORS)
    return render(request, "purchases/order_send.html", {"order": order, "form": form})


# --- receipts -----------------------------------------------------------------------------------------------


@require_perm("purchases.order")
def order_receive(request, pk: int):
    order = get_object_or_404(PurchaseOrder.objects.select_related("supplier"), pk=pk)
    if not order.can_receive:
        messages.error(request, f"La commande {order.number} est « {order.get_status_display()} » : rien à recevoir.")
        return redirect("purchases:order-detail", pk)
    lines = queries.order_lines(order)
    form = ReceiptForm(request.POST or None, lines=lines, initial={"date": max(local_today(), order.date)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            receipt = services.record_receipt(
                actor=request.user, order=order, date=data["date"], quantities=form.quantities(),
                delivery_note=data["delivery_note"], notes=data["notes"], allow_over=data["allow_over"],
                lots=form.lots(),
            )  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Réception {receipt.number} enregistrée.")
            return redirect("purchases:order-detail", pk)
    elif request.method == "POST":
        messages.error(request, FIX_ERRORS)
    return render(request, "purchases/order_receive.html", {"order": order, "form": form})


# --- settings -----------------------------------------------------------------------------------------------


@require_perm("purchases.settings")
def purchase_settings(request):
    limits = queries.approval_limits()
    tolerance = matching.tolerance()  # read only: the row is written when direction first saves it
    post = request.POST if request.method == "POST" else None
    limits_form = ApprovalLimitsForm(post if post and "limits" in post else None, limits=limits)
    tolerance_form = ToleranceForm(
        post if post and "tolerance" in post else None,
        initial={"price_percent": tolerance.price_percent, "quantity_percent": tolerance.quantity_percent},
    )
    if post and ("limits" in post and limits_form.is_valid() or "tolerance" in post and tolerance_form.is_valid()):
        try:
            if "limits" in post:
                services.set_approval_limits(actor=request.user, limits=limits_form.cleaned_data)
            else:
                matching.set_tolerance(actor=request.user, **tolerance_form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Réglages des achats enregistrés.")
            return redirect("purchases:settings")
    elif post:
        messages.error(request, FIX_ERRORS)
    context = {"limits_form": limits_form, "tolerance_form": tolerance_form}
    return render(request, "purchases/settings.html", context)
