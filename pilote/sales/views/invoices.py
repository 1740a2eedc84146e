"""Invoices and credit notes: list, drafts typed with the line editor, issue, Factur-X PDF, e-mail."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import (
    EXPORT_FORMATS,
    WordsField,
    export_response,
    filter_data,
    paginate,
    sort_queryset,
    totals_within,
)
from pilote.core.pdf import pdf_file_response
from pilote.lib.dates import local_today
from pilote.sales import documents, hooks, issuing, pickers, sending, services
from pilote.sales.forms import CreditNoteForm, EmailForm, InvoiceHeaderForm, IssueForm, catalogue_data, line_formset
from pilote.sales.models import Invoice, InvoiceKind
from pilote.sales.queries import invoices as invoice_queries

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InvoiceFilterForm(forms.Form):
    q = WordsField(label="Recherche")
    state = forms.ChoiceField(
        label="État",
        required=False,
        choices=[
            ("", "Toutes"),
            ("draft", "Brouillons"),
            ("unpaid", "À encaisser"),
            ("late", "En retard"),
            ("paid", "Soldées"),
        ],
    )
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous"), *InvoiceKind.choices])
    start = forms.DateField(label="Du", required=False, widget=DATE)
    end = forms.DateField(label="Au", required=False, widget=DATE)
    customer = forms.ModelChoiceField(queryset=pickers.customers(), required=False, widget=forms.HiddenInput)


@require_perm("sales.view")
def invoice_list(request):
    today = local_today()
    form = InvoiceFilterForm(request.GET or None)
    data = filter_data(form)
    invoices = invoice_queries.filter_invoices(data, today)
    invoices = sort_queryset(invoices, request.GET.get("tri", ""), invoice_queries.INVOICE_SORTS, "-date")
    if request.GET.get("export") in EXPORT_FORMATS:
        return export_response(
            invoices, invoice_queries.INVOICE_COLUMNS, "factures", request.GET["export"], title="Factures"
        )
    page = paginate(request, invoices)
    rows = [(invoice, invoice_queries.payment_state(invoice, today)) for invoice in page]
    # The old invoices of the previous tool are owed too but are no Pilote document: named apart, to the day.
    customer = data.get("customer")
    others = hooks.receivables_beyond_invoices(customer.pk if customer else None)
    totals = totals_within(page, lambda: invoice_queries.list_totals(invoices))
    context = {"form": form, "page": page, "rows": rows, "totals": totals, "others": others}
    return render(request, "sales/invoice_list.html", context)


def _editor(request, invoice: Invoice | None, header_initial: dict):
    post = request.POST if request.method == "POST" else None
    header = InvoiceHeaderForm(post, initial=header_initial)
    formset = line_formset(post, lines=list(invoice.lines.all()) if invoice and not post else None)
    if post and header.is_valid() and formset.is_valid():
        data = header.cleaned_data
        fields = dict(
            date=data["date"],
            lines=formset.specs(),
            payment_term=data["payment_term"],
            customer_reference=data["customer_reference"],
            delivery_date=data["delivery_date"],
            notes=data["notes"],
            due_date=data["due_date"],
        )
        try:
            if invoice is None:
                invoice = services.create_invoice(actor=request.user, customer=data["customer"], **fields)
            else:
                invoice = services.update_invoice_draft(
                    actor=request.user, invoice=invoice, version=data["version"], **fields
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Brouillon enregistré : vérifiez-le, puis émettez la facture.")
            return redirect("sales:invoice-detail", invoice.pk)
    context = {"header": header, "formset": formset, "catalogue": catalogue_data(), "invoice": invoice}
    return render(request, "sales/invoice_form.html", context)


@require_perm("sales.edit")
def invoice_create(request):
    initial = {"date": local_today(), "payment_term": "30", "customer": request.GET.get("client")}
    return _editor(request, None, initial)


@require_perm("sales.edit")
def invoice_edit(request, pk: int):
    invoice = get_object_or_404(Invoice, pk=pk)
    if not invoice.is_draft:
        messages.error(request, invoice.locked_message)
        return redirect("sales:invoice-detail", pk)
    initial = {
        name: getattr(invoice, name)
        for name in ("customer", "date", "payment_term", "customer_reference", "delivery_date", "notes", "version")
        + ("due_date",)
    }
    return _editor(request, invoice, initial)


@require_perm("sales.view")
def invoice_detail(request, pk: int):
    invoice = get_object_or_404(Invoice.objects.select_related("customer", "order", "credited_invoice", "entry"), pk=pk)
    today = local_today()
    context = {
        "invoice": invoice,
        "state": invoice_queries.payment_state(invoice, today),
        "issue_form": IssueForm(),
        "credit_form": CreditNoteForm(initial={"date": today}),
        "has_pdf": not invoice.is_draft,
        **invoice_queries.invoice_detail(invoice),
    }
    return render(request, "sales/invoice_detail.html", context)


@require_POST
@require_perm("sales.issue")
def invoice_issue(request, pk: int):
    invoice = get_object_or_404(Invoice, pk=pk)
    if not IssueForm(request.POST).is_valid():
        messages.error(request, "Cochez la confirmation pour émettre la facture.")
        return redirect("sales:invoice-detail", pk)
    try:
        invoice = issuing.issue_invoice(actor=request.user, invoice=invoice)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        done = ", ".join(invoice.agreed(word) for word in ("émis", "comptabilisé"))
        messages.success(request, f"{invoice} {done} et {invoice.agreed('archivé')} au format Factur-X.")
    return redirect("sales:invoice-detail", pk)


@require_POST
@require_perm("sales.edit")
def invoice_delete(request, pk: int):
    invoice = get_object_or_404(Invoice, pk=pk)
    try:
        services.delete_invoice_draft(actor=request.user, invoice=invoice)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("sales:invoice-detail", pk)
    messages.success(request, "Brouillon supprimé.")
    return redirect("sales:invoice-list")


@require_POST
@require_perm("sales.edit")
def invoice_credit_note(request, pk: int):
    invoice = get_object_or_404(Invoice, pk=pk)
    form = CreditNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez une date valide pour l'avoir.")
        return redirect("sales:invoice-detail", pk)
    try:
        note = services.credit_note_for(actor=request.user, invoice=invoice, date=form.cleaned_data["date"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("sales:invoice-detail", pk)
    messages.info(request, "Avoir préparé avec toutes les lignes : retirez ou réduisez ce qui n'est pas à créditer.")
    return redirect("sales:invoice-edit", note.pk)


@require_perm("sales.view")
def invoice_pdf(request, pk: int):
    invoice = get_object_or_404(Invoice, pk=pk)
    if invoice.is_draft:
        raise Http404("Pas de PDF : la facture n'est pas émise.")
    return pdf_file_response(documents.archived_pdf(invoice), sending.invoice_filename(invoice))


@require_perm("sales.issue")
def invoice_send(request, pk: int):
    invoice = get_object_or_404(Invoice.objects.select_related("customer"), pk=pk)
    if invoice.is_draft:
        messages.error(request, "Émettez la facture avant de l'envoyer.")
        return redirect("sales:invoice-detail", pk)
    form = EmailForm(request.POST or None, initial=sending.invoice_email(invoice))
    if request.method == "POST" and form.is_valid():
        try:
            sending.send_invoice(actor=request.user, invoice=invoice, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{invoice} {invoice.agreed('envoyé')} à {form.cleaned_data['to']}.")
            return redirect("sales:invoice-detail", pk)
    return render(request, "sales/invoice_send.html", {"invoice": invoice, "form": form})


def detail_url(invoice: Invoice) -> str:
    return reverse("sales:invoice-detail", args=[invoice.pk])
