"""Customer payments: record one (allocated to chosen invoices or oldest first), list them, and turn bank
statement credits into payments from the bank reconciliation."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.contacts.models import Contact
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, WordsField, export_response, filter_data, paginate, sort_queryset
from pilote.core.params import to_amount
from pilote.ledger.models_bank import StatementLine
from pilote.lib.dates import local_today
from pilote.lib.formats import format_eur
from pilote.sales import bank_matching, payments
from pilote.sales.forms import PaymentForm
from pilote.sales.models import Invoice
from pilote.sales.queries import invoices as invoice_queries

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
INVOICES_SHOWN = 100  # open invoices listed for allocation on the payment form (the oldest)


class PaymentFilterForm(forms.Form):
    q = WordsField(label="Recherche")
    start = forms.DateField(label="Du", required=False, widget=DATE)
    end = forms.DateField(label="Au", required=False, widget=DATE)


@require_perm("sales.view")
def payment_list(request):
    form = PaymentFilterForm(request.GET or None)
    data = filter_data(form)
    rows = sort_queryset(
        invoice_queries.filter_payments(data), request.GET.get("tri", ""), invoice_queries.PAYMENT_SORTS, "-date"
    )
    if request.GET.get("export") in EXPORT_FORMATS:
        return export_response(
            rows, invoice_queries.PAYMENT_COLUMNS, "reglements", request.GET["export"], title="Règlements clients"
        )
    return render(request, "sales/payment_list.html", {"form": form, "page": paginate(request, rows)})


def _allocations(request, open_invoices) -> list[tuple[Invoice, Decimal]] | None:
    """The amounts typed against each open invoice (« a-<pk> » fields), or None to allocate oldest first."""
    chosen = []
    for invoice in open_invoices:
        raw = request.POST.get(f"a-{invoice.pk}", "").strip()
        if raw:
            amount = to_amount(raw)
            if amount is None:
                raise DomainError(f"{invoice} : montant illisible « {raw[:30]} ».")
            chosen.append((invoice, amount))
    return chosen or None


@require_perm("sales.payments")
def payment_create(request, customer_pk: int):
    customer = get_object_or_404(Contact, pk=customer_pk)
    open_invoices = payments.open_invoices(customer)
    focus = next((i for i in open_invoices if str(i.pk) == request.GET.get("facture")), None)
    default = focus.balance_due if focus else sum((i.balance_due for i in open_invoices), Decimal(0))
    form = PaymentForm(request.POST or None, initial={"date": local_today(), "amount": default})
    if request.method == "POST" and form.is_valid():
        try:
            payment = payments.record_payment(
                actor=request.user,
                customer=customer,
                allocations=_allocations(request, open_invoices),
                **form.cleaned_data,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Règlement de {format_eur(payment.amount)} enregistré, comptabilisé et lettré.")
            return redirect("sales:payment-list")
    # A customer with hundreds of open invoices: the oldest ones (which an empty allocation settles first) and
    # the one the user came from are shown; amounts typed against them are read from the whole list.
    shown = open_invoices[:INVOICES_SHOWN]
    if focus is not None and focus not in shown:
        shown.append(focus)
    context = {"customer": customer, "form": form, "open_invoices": shown, "focus": focus,
               "not_shown": len(open_invoices) - len(shown)}  # fmt: skip
    return render(request, "sales/payment_form.html", context)


@require_perm("sales.payments")
def bank_match(request):
    """Bank credits not yet reconciled, each with the open invoices it may settle."""
    return render(request, "sales/bank_match.html", {"rows": bank_matching.candidates()})


@require_POST
@require_perm("sales.payments")
def bank_match_confirm(request, line_pk: int, invoice_pk: int):
    line = get_object_or_404(StatementLine, pk=line_pk)
    invoice = get_object_or_404(Invoice, pk=invoice_pk)
    try:
        bank_matching.settle(actor=request.user, statement_line=line, invoice=invoice)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{invoice} : règlement enregistré depuis le relevé et rapproché.")
    return redirect("sales:bank-match")
