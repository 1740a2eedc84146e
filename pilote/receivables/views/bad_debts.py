"""Doubtful and irrecoverable debts: the comptable's actions from the customer's account, and the list of the
debts to review at the year end. Business rules in receivables/bad_debts.py."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.pdf import pdf_file_response
from pilote.lib.dates import local_today
from pilote.lib.money import ZERO
from pilote.receivables import bad_debts, duplicate
from pilote.receivables.forms import ClassifyForm, ClassifyTakenOverForm, ProvisionForm, RecoveryForm, WriteOffForm
from pilote.receivables.models import DoubtfulDebt, DoubtfulStatus
from pilote.sales.models import Invoice

INVALID = "Vérifiez la saisie : {}"


def _errors(form) -> str:
    return INVALID.format(" ".join(str(e) for errors in form.errors.values() for e in errors))


def _run(request, form, action, success: str, customer_id: int):
    try:
        if not form.is_valid():
            raise DomainError(_errors(form))
        action(form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(reverse("receivables:customer", args=[customer_id]) + "#creances-douteuses")


@require_POST
@require_perm("receivables.bad_debts")
def classify(request, pk: int):
    invoice = get_object_or_404(Invoice, pk=pk)
    form = ClassifyForm(request.POST)
    return _run(
        request, form,
        lambda data: bad_debts.classify(actor=request.user, invoice=invoice, day=data["day"], reason=data["reason"]),
        f"{invoice} est classée douteuse : sa créance est passée au compte 416 et n'est plus relancée.",
        invoice.customer_id,
    )  # fmt: skip


@require_POST
@require_perm("receivables.bad_debts")
def classify_taken_over(request, pk: int):
    """An old invoice of the previous tool (`pk`: its open line on the customer's 411) classed doubtful, with what
    the old tool knew of its VAT."""
    from pilote.receivables.views.accounts import taken_over_customer

    contact_id = taken_over_customer(pk)
    form = ClassifyTakenOverForm(request.POST)
    return _run(
        request, form,
        lambda data: bad_debts.classify_taken_over(actor=request.user, line_id=pk, day=data["day"], vat=form.vat(),
                                                   reason=data["reason"]),
        "La facture reprise est classée douteuse : sa créance est passée au compte 416 et n'est plus relancée.",
        contact_id,
    )  # fmt: skip


@require_POST
@require_perm("receivables.bad_debts")
def provision(request, pk: int):
    debt = get_object_or_404(DoubtfulDebt.objects.select_related("invoice"), pk=pk)
    form = ProvisionForm(request.POST)
    return _run(
        request, form,
        lambda data: bad_debts.provision(actor=request.user, debt=debt, day=data["day"], rate=data["rate"],
                                         version=data["version"]),
        f"La dépréciation de {debt.number} est enregistrée.",
        debt.customer_id,
    )  # fmt: skip


@require_POST
@require_perm("receivables.bad_debts")
def write_off(request, pk: int):
    debt = get_object_or_404(DoubtfulDebt.objects.select_related("invoice"), pk=pk)
    form = WriteOffForm(request.POST)
    return _run(
        request, form,
        lambda data: bad_debts.write_off(actor=request.user, debt=debt, day=data["day"], proof=data["proof"],
                                         version=data["version"]),
        f"{debt.number} est passée en perte.",
        debt.customer_id,
    )  # fmt: skip


@require_POST
@require_perm("receivables.bad_debts")
def recovery(request, pk: int):
    debt = get_object_or_404(DoubtfulDebt.objects.select_related("invoice"), pk=pk)
    form = RecoveryForm(request.POST)
    return _run(
        request, form,
        lambda data: bad_debts.record_recovery(actor=request.user, debt=debt, day=data["day"],
                                               amount=data["amount"], bank_account=data["bank_account"]),
        f"L'encaissement sur {debt.number} est enregistré.",
        debt.customer_id,
    )  # fmt: skip


@require_perm("receivables.bad_debts")
def debts(request):
    """Every doubtful debt, to review at the year end (the rate of each write-down is set on its customer's page)."""
    rows = list(DoubtfulDebt.objects.select_related("invoice", "customer").order_by("status", "classified_on", "pk"))
    open_rows = [row for row in rows if row.status == DoubtfulStatus.DOUBTFUL]
    context = {
        "rows": rows,
        "today": local_today(),
        "total_gross": sum((row.amount_gross - row.recovered for row in open_rows), ZERO),
        "total_provision": sum((row.provision for row in open_rows), ZERO),
    }
    return render(request, "receivables/bad_debts.html", context)


@require_perm("receivables.bad_debts")
def corrective_duplicate(request, pk: int):
    """The archived invoice overprinted with the article 272 mention, to send the customer (CGI 272-1)."""
    debts = DoubtfulDebt.objects.select_related("invoice__file", "write_off_entry", "entry_line")
    debt = get_object_or_404(debts, pk=pk)
    try:
        pdf = duplicate.corrective_duplicate_pdf(debt)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("receivables:customer", args=[debt.customer_id]) + "#creances-douteuses")
    return pdf_file_response(pdf, duplicate.filename(debt))
