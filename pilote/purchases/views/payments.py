"""Supplier payment runs: choose the approved invoices due, approve, download the SEPA file, mark executed."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.forms import ModelMultipleChoiceField
from pilote.core.listing import paginate
from pilote.core.params import to_int
from pilote.ledger.models_bank import BankAccount, StatementLine
from pilote.lib.dates import local_today
from pilote.lib.formats import format_eur
from pilote.purchases import payments
from pilote.purchases.models import PaymentRun, SupplierInvoice

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DueForm(forms.Form):
    due_by = forms.DateField(label="Échues au plus tard le", required=False, widget=DATE)


class RunForm(forms.Form):
    bank_account = forms.ModelChoiceField(
        label="Compte débité", queryset=BankAccount.objects.filter(is_active=True), empty_label=None
    )
    execution_date = forms.DateField(label="Date d'exécution", widget=DATE)
    invoices = ModelMultipleChoiceField(
        label="Factures à payer",
        queryset=SupplierInvoice.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    taken_over = forms.MultipleChoiceField(
        label="Factures reprises de l'ancien outil", widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, taken_over=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["taken_over"].choices = [
            (str(d.line_id), f"{d.supplier.display_name} — n° {d.number} — échéance {d.due_date:%d/%m/%Y} — "
                             f"{format_eur(d.balance_due)}")
            for d in taken_over
        ]  # fmt: skip
        self.fields["invoices"].queryset = payments.payable_invoices()
        self.fields["invoices"].label_from_instance = lambda invoice: (
            f"{invoice.supplier.display_name} — n° {invoice.number}"
            f"{' — échéance ' + format(invoice.due_date, '%d/%m/%Y') if invoice.due_date else ''}"
        )


@require_perm("purchases.view")
def run_list(request):
    page = paginate(request, PaymentRun.objects.select_related("bank_account").order_by("-execution_date", "-id"))
    return render(request, "purchases/run_list.html", {"page": page})


@require_perm("purchases.approve")
def run_create(request):
    due = DueForm(request.GET or None)
    due_by = due.cleaned_data.get("due_by") if due.is_valid() else None
    old = payments.payable_taken_over()
    form = RunForm(
        request.POST or None,
        taken_over=old,
        initial={"execution_date": local_today() + dt.timedelta(days=1),
                 "invoices": list(payments.payable_invoices(due_by=due_by).values_list("pk", flat=True)),
                 "taken_over": [str(d.line_id) for d in old if due_by is None or d.due_date <= due_by]},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = payments.create_run(
                actor=request.user,
                bank_account=data["bank_account"],
                execution_date=data["execution_date"],
                invoices=list(data["invoices"]),
                taken_over=[to_int(pk) for pk in data["taken_over"]],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Lot de virements préparé : vérifiez-le puis approuvez-le.")
            return redirect("purchases:run-detail", run.pk)
    return render(request, "purchases/run_form.html", {"form": form, "due": due})


@require_perm("purchases.view")
def run_detail(request, pk: int):
    run = get_object_or_404(PaymentRun.objects.select_related("bank_account", "entry__journal"), pk=pk)
    items = run.items.select_related(*payments.ITEM_RELATED)
    context = {"run": run, "items": items, "statement_line": payments.statement_line_of(run)}
    if request.user.can("purchases.approve"):
        context["candidates"] = payments.statement_candidates(run)
    return render(request, "purchases/run_detail.html", context)


@require_perm("purchases.approve")
def run_file(request, pk: int):
    run = get_object_or_404(PaymentRun, pk=pk)
    version = request.GET.get("version", "09")
    try:
        version = version if version in payments.VERSIONS else "09"
        xml = payments.sepa_file(run, version, grouped=request.GET.get("regrouper") == "1")
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("purchases:run-detail", pk)
    response = HttpResponse(xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="virements-{run.message_id}-pain001{version}.xml"'
    return response


@require_POST
@require_perm("purchases.approve")
def run_action(request, pk: int):
    run = get_object_or_404(PaymentRun, pk=pk)
    action = request.POST.get("action")
    functions = payments.RUN_ACTIONS
    if action not in functions:
        messages.error(request, "Action inconnue.")
        return redirect("purchases:run-detail", pk)
    try:
        run = functions[action](actor=request.user, run=run, expected_version=to_int(request.POST.get("version")))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Lot « {run.get_status_display()} ».")
    return redirect("purchases:run-detail", pk)


@require_POST
@require_perm("purchases.approve")
def run_reconcile(request, pk: int):
    """The run's debit found on the imported bank statement: reconciled (and the run executed if it was not yet)."""
    run = get_object_or_404(PaymentRun.objects.select_related("bank_account"), pk=pk)
    line = StatementLine.objects.filter(pk=to_int(request.POST.get("ligne")), bank_account=run.bank_account).first()
    if line is None:
        messages.error(request, "Choisissez la ligne du relevé bancaire qui débite ce lot.")
        return redirect("purchases:run-detail", pk)
    try:
        payments.reconcile_with_statement(
            actor=request.user, run=run, statement_line=line, expected_version=to_int(request.POST.get("version"))
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Lot rapproché du relevé bancaire : les factures sont payées et lettrées.")
    return redirect("purchases:run-detail", pk)
