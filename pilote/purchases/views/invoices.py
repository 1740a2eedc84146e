"""Supplier invoices: the list, receiving e-invoices (one or many files), the invoice page and its decision."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset, totals_within
from pilote.core.params import to_int
from pilote.lib.dates import local_today
from pilote.lib.french import plural
from pilote.purchases import inbox, matching, services
from pilote.purchases.forms import (
    SUPPLIER_VAT,
    DecisionForm,
    InvoiceFilterForm,
    LinkOrderForm,
    ReceiveForm,
    TypedInvoiceForm,
)
from pilote.purchases.models import PurchaseOrder, SupplierInvoice, SupplierInvoiceStatus
from pilote.purchases.queries import invoices as queries
from pilote.purchases.queries import orders as order_queries
from pilote.sales.forms import catalogue_data, line_formset


@require_perm("purchases.view")
def invoice_list(request):
    form = InvoiceFilterForm(request.GET or None)
    data = filter_data(form)
    invoices = queries.filter_invoices(data)
    invoices = sort_queryset(invoices, request.GET.get("tri", ""), queries.INVOICE_SORTS, "-date")
    if request.GET.get("export") in EXPORT_FORMATS:
        return export_response(
            invoices, queries.INVOICE_COLUMNS, "factures-fournisseurs", request.GET["export"],
            title="Factures fournisseurs",
        )  # fmt: skip
    page = paginate(request, invoices)
    context = {"form": form, "page": page, "totals": totals_within(page, lambda: queries.list_totals(invoices))}
    return render(request, "purchases/invoice_list.html", context)


def _receive_one(request, upload) -> dict:
    """One uploaded file → the row the results table shows."""
    content, name = upload.read(), upload.name
    try:
        invoice = services.receive_einvoice(actor=request.user, content=content, filename=name)
    except services.UnknownSupplier as unknown:
        token = inbox.keep(request.user, content, name)
        return {"name": name, "unknown": unknown, "token": token, "seller": unknown.invoice.seller}
    except services.EinvoiceRefused as refused:
        return {"name": name, "problems": refused.problems}
    return {"name": name, "invoice": invoice}


@require_perm("purchases.receive")
def invoice_receive(request):
    results = []
    form = ReceiveForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        results = [_receive_one(request, upload) for upload in form.cleaned_data["files"]]
        done = sum(1 for row in results if "invoice" in row)
        if done:
            messages.success(request, plural(done, "facture enregistrée", "factures enregistrées"))
    return render(request, "purchases/invoice_receive.html", {"form": form, "results": results})


@require_POST
@require_perm("purchases.receive")
def invoice_receive_new_supplier(request):
    """Create the supplier the invoice describes, then book the invoice kept in the inbox."""
    token = request.POST.get("token", "")
    kept = inbox.read(request.user, token)
    if kept is None:
        messages.error(request, "Ce fichier n'est plus en attente : déposez-le à nouveau.")
        return redirect("purchases:invoice-receive")
    content, name = kept
    try:
        invoice = services.receive_einvoice_creating_supplier(actor=request.user, content=content, filename=name)
        supplier = invoice.supplier
    except services.EinvoiceRefused as refused:
        inbox.discard(request.user, token)
        for problem in refused.problems:
            messages.error(request, problem)
        return redirect("purchases:invoice-receive")
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("purchases:invoice-receive")
    except ValidationError as error:  # a contact field the invoice filled in is refused by the contact's rules
        messages.error(request, "Le fournisseur n'a pas pu être créé : " + " ".join(error.messages))
        return redirect("purchases:invoice-receive")
    inbox.discard(request.user, token)
    messages.success(
        request, f"Fournisseur « {supplier.display_name} » créé et facture n° {invoice.number} enregistrée."
    )
    return redirect("purchases:invoice-detail", invoice.pk)


@require_perm("purchases.view")
def invoice_detail(request, pk: int):
    invoice = get_object_or_404(
        SupplierInvoice.objects.select_related("supplier", "entry__journal", "order", "match_accepted_by"), pk=pk
    )
    editable = invoice.entry_id is None and invoice.status in (
        SupplierInvoiceStatus.RECEIVED,
        SupplierInvoiceStatus.DISPUTED,
    )
    context = {
        "invoice": invoice,
        "lines": invoice.lines.all(),
        "groups": invoice.vat_groups.all(),
        "original": invoice.original if hasattr(invoice, "original") else None,
        "editable": editable,
        "decision_form": DecisionForm(),
        "accounts_url": reverse("core:picker-comptes"),
        "history": queries.history(invoice),
        "match": matching.compare(invoice),
        "reverse_charge": services.reverse_charge_summary(invoice),
        "link_form": LinkOrderForm(initial={"order": invoice.order.number if invoice.order_id else ""}),
        "payments": invoice.payment_items.select_related("run").order_by("run__execution_date", "pk"),
    }
    return render(request, "purchases/invoice_detail.html", context)


@require_perm("purchases.view")
def invoice_original(request, pk: int):
    invoice = get_object_or_404(SupplierInvoice, pk=pk)
    original = getattr(invoice, "original", None)
    if original is None:
        return redirect("purchases:invoice-detail", pk)
    response = HttpResponse(bytes(original.content), content_type=original.content_type)
    response["Content-Disposition"] = f'attachment; filename="{original.filename}"'
    return response


@require_POST
@require_perm("purchases.approve")
def invoice_accounts(request, pk: int):
    invoice = get_object_or_404(SupplierInvoice, pk=pk)
    accounts = {key.removeprefix("compte-"): value for key, value in request.POST.items() if key.startswith("compte-")}
    try:
        accounts = {int(line_id): code for line_id, code in accounts.items()}
        services.set_line_accounts(
            actor=request.user, invoice=invoice, accounts=accounts, expected_version=to_int(request.POST.get("version"))
        )
    except ValueError:
        messages.error(request, "Une ligne envoyée n'appartient pas à cette facture : rechargez la page.")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Comptes enregistrés.")
    return redirect("purchases:invoice-detail", pk)


@require_POST
@require_perm("purchases.approve")
def invoice_decide(request, pk: int):
    invoice = get_object_or_404(SupplierInvoice, pk=pk)
    decision = request.POST.get("decision")
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    actions = {
        "approve": lambda: services.approve_invoice(
            actor=request.user, invoice=invoice, expected_version=to_int(request.POST.get("version"))
        ),
        "dispute": lambda: services.dispute_invoice(
            actor=request.user, invoice=invoice, reason=reason, expected_version=to_int(request.POST.get("version"))
        ),
        "refuse": lambda: services.refuse_invoice(
            actor=request.user, invoice=invoice, reason=reason, expected_version=to_int(request.POST.get("version"))
        ),
    }
    if decision not in actions:
        messages.error(request, "Décision inconnue.")
        return redirect("purchases:invoice-detail", pk)
    try:
        invoice = actions[decision]()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Facture « {invoice.get_status_display()} ».")
    return redirect("purchases:invoice-detail", pk)


# --- typed invoices and the three-way match -----------------------------------------------------------------


def _order_initial(request) -> tuple[dict, list | None]:
    """?commande=pk: the order's supplier and number, and its lines received and not yet invoiced (all its lines for
    an order without receipt), each keeping its order line."""
    order = PurchaseOrder.objects.filter(pk=to_int(request.GET.get("commande")) or 0).first()
    initial = {"date": local_today(), "supplier": to_int(request.GET.get("fournisseur"))}
    if order is None:
        return initial, None
    initial |= {"supplier": order.supplier_id, "order": order.number}
    invoiced = order_queries.invoiced_quantities(order)
    lines = []
    for line in order.lines.all():
        base = line.received_quantity if order.receipts.exists() else line.quantity
        left = base - invoiced.get(line.pk, 0)
        if left > 0:
            lines.append({"product": line.product_id, "description": line.description, "quantity": left,
                          "unit": line.unit, "unit_price": line.unit_price, "discount_percent": line.discount_percent,
                          "vat_rate": line.vat_rate, "exemption_mention": line.exemption_mention, "kind": line.kind,
                          "source_pk": line.pk})  # fmt: skip
    return initial, lines


@require_perm("purchases.receive")
def invoice_create(request):
    post = request.POST if request.method == "POST" else None
    initial, lines = _order_initial(request) if post is None else ({}, None)
    form = TypedInvoiceForm(post, initial=initial)
    formset = line_formset(post, vat_policy=SUPPLIER_VAT)
    if lines:
        formset = line_formset(vat_policy=SUPPLIER_VAT)
        formset.initial, formset.extra = lines, 0
    if post and form.is_valid() and formset.is_valid():
        try:
            specs = formset.specs()
            for spec in specs:
                spec.account = ""  # the article's sales account is not an expense account: chosen before approval
            invoice = services.create_typed_invoice(actor=request.user, lines=specs, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Facture n° {invoice.number} enregistrée.")
            return redirect("purchases:invoice-detail", invoice.pk)
    elif post:
        messages.error(request, "Le formulaire contient des erreurs : corrigez les champs signalés.")
    context = {"form": form, "formset": formset, "catalogue": catalogue_data(SUPPLIER_VAT, purchase=True)}
    return render(request, "purchases/invoice_form.html", context)


@require_POST
@require_perm("purchases.receive")
def invoice_link(request, pk: int):
    invoice = get_object_or_404(SupplierInvoice, pk=pk)
    form = LinkOrderForm(request.POST)
    number = form.cleaned_data["order"].strip() if form.is_valid() else ""
    try:
        invoice = matching.link_order_number(actor=request.user, invoice=invoice, number=number,
                                             expected_version=to_int(request.POST.get("version")))  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Facture rattachée à la commande {invoice.order.number}." if invoice.order_id
                         else "Facture détachée.")  # fmt: skip
    return redirect("purchases:invoice-detail", pk)


@require_POST
@require_perm("purchases.override")
def invoice_match_accept(request, pk: int):
    invoice = get_object_or_404(SupplierInvoice, pk=pk)
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        matching.accept_differences(actor=request.user, invoice=invoice, reason=reason,
                                    expected_version=to_int(request.POST.get("version")))  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Écarts acceptés : le bon à payer est possible.")
    return redirect("purchases:invoice-detail", pk)
