"""Customer accounts: aged receivables, one customer's account (statement, history, limit, holds)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilote.contacts.models import Contact
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate
from pilote.core.pdf import pdf_file_response
from pilote.ledger.models import EntryLine
from pilote.lib.dates import statement_start
from pilote.receivables import bad_debts, credit, documents, dunning, duplicate, queries, services
from pilote.receivables.forms import (
    AgedFilterForm,
    ClassifyForm,
    ClassifyTakenOverForm,
    CreditLimitForm,
    HoldForm,
    ProvisionForm,
    RecoveryForm,
    StatementForm,
    WriteOffForm,
)
from pilote.receivables.models import CreditLimit
from pilote.sales.models import Invoice

OPEN_INVOICES_PER_PAGE = 50
STATEMENT_LINES_SHOWN = 100


@require_perm("sales.view")
def aged(request):
    today = timezone.localdate()
    form = AgedFilterForm(request.GET or None)
    data = filter_data(form)
    rows = queries.aged_rows(today, data, request.GET.get("tri", ""))
    if request.GET.get("export") in EXPORT_FORMATS:
        return export_response(rows, queries.AGED_COLUMNS, "encours-clients", request.GET["export"],
                               title="Encours clients par ancienneté", subtitle=f"au {today:%d/%m/%Y}")  # fmt: skip
    page = paginate(request, rows)
    for row in page:
        row["label"] = queries.customer_label(row)
    totals = queries.aged_totals(today, data)
    context = {"form": form, "page": page, "totals": totals, "today": today, "buckets": queries.BUCKETS,
               "total_cells": [(label, totals[key]) for key, label in queries.BUCKETS]}  # fmt: skip
    return render(request, "receivables/aged.html", context)


def _statement_period(request, today: dt.date) -> tuple[StatementForm, dt.date, dt.date]:
    initial = {"start": statement_start(today), "end": today}
    form = StatementForm(request.GET if "start" in request.GET else None, initial=initial)
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, initial["start"], initial["end"]


@require_perm("sales.view")
def customer(request, pk: int):
    contact = get_object_or_404(Contact, pk=pk)
    today = timezone.localdate()
    form, start, end = _statement_period(request, today)
    limit = CreditLimit.objects.filter(customer=contact).first()
    statement = queries.statement(contact, start, end, last=STATEMENT_LINES_SHOWN)
    summary = queries.customer_summary(contact, today, taken_over=statement.taken_over)  # read once for both
    proposal = dunning.proposals(today, [contact.pk], only_due=False)
    items = {item.invoice.pk: item for item in proposal[0].items if not item.taken_over} if proposal else {}
    taken_over = {item.invoice.line_id: item for item in proposal[0].items if item.taken_over} if proposal else {}
    old_invoices = statement.taken_over  # taken over from the previous tool: open lines of 411
    for invoice in old_invoices:
        invoice.dunning_item = taken_over.get(invoice.line_id)
    # The biggest customers have thousands of open invoices and statement lines: the page shows a page of the
    # former and the latest lines of the latter (the PDF statement has them all), so it renders in bounded time.
    invoices = paginate(request, queries.customer_open_invoices(contact), OPEN_INVOICES_PER_PAGE)
    for invoice in invoices:  # its dunning line, found by key: not a scan of the proposal per invoice
        invoice.dunning_item = items.get(invoice.pk)
    context = {
        "contact": contact,
        "today": today,
        "summary": [(label, summary[key]) for key, label in queries.BUCKETS],
        "balance": summary["total"],
        "buckets": queries.BUCKETS,
        "invoices": invoices,
        "old_invoices": old_invoices,
        "proposal": proposal[0] if proposal else None,
        "letters": contact.dunning_letters.defer("pdf", "body").order_by("-date", "-pk")[:50],
        "statement": statement,
        "statement_form": form,
        "limit": limit,
        "exposure": credit.exposure(contact) if limit else None,
        "hold_form": HoldForm().render(),  # rendered once, not once per open invoice
        "classify_form": ClassifyForm(initial={"day": today}, auto_id="cl_%s").render(),  # ids apart from the hold form
        "classify_old_form": ClassifyTakenOverForm(initial={"day": today}, auto_id="co_%s").render(),
        "debts": _debts_with_forms(contact, today),
        "timeline": bad_debts.customer_timeline(contact),
    }
    return render(request, "receivables/customer.html", context)


def _debts_with_forms(contact: Contact, today: dt.date) -> list:
    """The customer's doubtful debts, each with its own forms (ids of their own: several debts on one page)."""
    debts = list(
        contact.doubtful_debts.select_related("invoice", "entry_line")
        .prefetch_related("write_off_entry__lines__account")
        .order_by("classified_on", "pk")
    )
    for debt in debts:
        version = {"day": today, "version": debt.version}
        debt.provision_form = ProvisionForm(initial={**version, "rate": debt.provision_rate},
                                            auto_id=f"pv{debt.pk}_%s")  # fmt: skip
        debt.write_off_form = WriteOffForm(initial=version, auto_id=f"wo{debt.pk}_%s")
        debt.recovery_form = RecoveryForm(initial={"day": today}, auto_id=f"rc{debt.pk}_%s")
        debt.left = debt.amount_gross - debt.recovered
        debt.vat_recovered = duplicate.recovered_vat(debt)  # a corrective duplicate is due to the customer
        if debt.vat_recovered and debt.taken_over:  # made with the previous tool: the page gives its mention
            debt.mention = bad_debts.correction_mention(debt, debt.vat_recovered)
    return debts


@require_perm("sales.view")
def statement(request, pk: int):
    contact = get_object_or_404(Contact, pk=pk)
    _, start, end = _statement_period(request, timezone.localdate())
    pdf = documents.statement_pdf(queries.statement(contact, start, end))
    return pdf_file_response(pdf, f"releve-{contact.pk}-{end:%Y%m%d}.pdf")


@require_perm("sales.dunning")
def credit_limit(request, pk: int):
    contact = get_object_or_404(Contact, pk=pk)
    limit = CreditLimit.objects.filter(customer=contact).first()
    initial = {"amount": limit.amount, "version": limit.version} if limit else {}
    form = CreditLimitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_credit_limit(actor=request.user, customer=contact, amount=form.cleaned_data["amount"],
                                      version=form.cleaned_data["version"])  # fmt: skip
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "L'encours autorisé a été enregistré.")
            return redirect("receivables:customer", pk)
    context = {"contact": contact, "form": form, "limit": limit, "exposure": credit.exposure(contact)}
    return render(request, "receivables/credit_limit.html", context)


def _decide(request, write, success: str) -> None:
    """Run a hold or release `write`; its French refusal or `success` (a callable given its result) as a message."""
    try:
        result = write()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success(result))


def _reason(request) -> str:
    form = HoldForm(request.POST)
    if not form.is_valid():
        raise DomainError("Indiquez le motif de l'exclusion (litige, échéancier accordé…).")
    return form.cleaned_data["reason"]


@require_POST
@require_perm("sales.dunning")
def hold(request, pk: int):
    invoice = get_object_or_404(Invoice, pk=pk)
    _decide(
        request,
        lambda: services.hold_invoice(actor=request.user, invoice=invoice, reason=_reason(request)),
        lambda _: f"{invoice} est exclue des relances.",
    )
    return redirect("receivables:customer", invoice.customer_id)


@require_POST
@require_perm("sales.dunning")
def release(request, pk: int):
    invoice = get_object_or_404(Invoice, pk=pk)
    _decide(
        request,
        lambda: services.release_invoice(actor=request.user, invoice=invoice),
        lambda _: f"{invoice} sera de nouveau relancée.",
    )
    return redirect("receivables:customer", invoice.customer_id)


@require_POST
@require_perm("sales.dunning")
def hold_taken_over(request, pk: int):
    """Keep an old invoice taken over from the previous tool (`pk`: its open line on the customer's account) out of
    dunning."""
    contact_id = taken_over_customer(pk)
    _decide(
        request,
        lambda: services.hold_taken_over(actor=request.user, line_id=pk, reason=_reason(request)),
        lambda hold: f"La facture reprise {hold.entry_line.reference} est exclue des relances.",
    )
    return redirect(reverse("receivables:customer", args=[contact_id]) + "#factures-reprises")


@require_POST
@require_perm("sales.dunning")
def release_taken_over(request, pk: int):
    contact_id = taken_over_customer(pk)
    _decide(
        request,
        lambda: services.release_taken_over(actor=request.user, line_id=pk),
        lambda _: "La facture reprise sera de nouveau relancée.",
    )
    return redirect(reverse("receivables:customer", args=[contact_id]) + "#factures-reprises")


def taken_over_customer(line_id: int) -> int:
    """The customer whose account holds the old invoice's line, or the French 404."""
    found = EntryLine.objects.filter(pk=line_id, auxiliary__contact__isnull=False).values_list(
        "auxiliary__contact_id", flat=True
    )
    return get_object_or_404(found)
