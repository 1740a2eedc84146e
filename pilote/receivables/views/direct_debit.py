"""SEPA direct debit: the creditor identifier (ICS), customers' mandates, collection runs and their pain.008 file."""

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
from pilote.core.listing import paginate, words_refusal
from pilote.core.params import to_int
from pilote.core.pickers import SearchSelect
from pilote.ledger.models_bank import BankAccount
from pilote.lib.dates import local_today
from pilote.receivables import direct_debit as dd
from pilote.receivables.models import CollectionRun, Mandate
from pilote.sales.pickers import customers

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CreditorForm(forms.Form):
    creditor_id = forms.CharField(label="Identifiant créancier SEPA (ICS)", max_length=40)


class MandateForm(forms.Form):
    customer = forms.ModelChoiceField(label="Client", queryset=customers(), widget=SearchSelect("clients"))
    reference = forms.CharField(label="Référence unique du mandat (RUM)", max_length=35)
    signed_on = forms.DateField(label="Date de signature", widget=DATE)
    iban = forms.CharField(label="IBAN du client", max_length=50)
    bic = forms.CharField(label="BIC", max_length=20, required=False)


class RunForm(forms.Form):
    bank_account = forms.ModelChoiceField(
        label="Compte crédité", queryset=BankAccount.objects.filter(is_active=True), empty_label=None
    )
    collection_date = forms.DateField(label="Date d'échéance du prélèvement", widget=DATE)
    invoices = ModelMultipleChoiceField(
        label="Factures à prélever", queryset=dd.collectable_invoices().none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invoices"].queryset = dd.collectable_invoices()
        self.fields["invoices"].label_from_instance = lambda invoice: (
            f"{invoice.customer.display_name} — n° {invoice.number}"
            f"{' — échéance ' + format(invoice.due_date, '%d/%m/%Y') if invoice.due_date else ''}"
        )


@require_perm("sales.view")
def runs(request):
    page = paginate(request, CollectionRun.objects.select_related("bank_account").order_by("-collection_date", "-id"))
    creditor = CreditorForm(initial={"creditor_id": dd.creditor_id()})
    return render(request, "receivables/dd_runs.html", {"page": page, "creditor": creditor, "ics": dd.creditor_id()})


@require_POST
@require_perm("sales.payments")
def creditor(request):
    form = CreditorForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("Indiquez l'identifiant créancier SEPA (ICS) donné par votre banque.")
        ics = dd.set_creditor_id(actor=request.user, value=form.cleaned_data["creditor_id"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Identifiant créancier SEPA enregistré : {ics}.")
    return redirect("receivables:dd-runs")


@require_perm("sales.view")
def mandates(request):
    q = (request.GET.get("q") or "").strip()[:100]
    context = {"page": paginate(request, dd.filter_mandates(q)), "q": q, "q_refusal": words_refusal(q, "Client ou RUM")}
    return render(request, "receivables/dd_mandates.html", context)


@require_perm("sales.payments")
def mandate_create(request):
    form = MandateForm(request.POST or None, initial={"signed_on": local_today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mandate = dd.create_mandate(actor=request.user, customer=data["customer"], reference=data["reference"],
                                        signed_on=data["signed_on"], iban=data["iban"], bic=data["bic"])  # fmt: skip
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Mandat {mandate.reference} enregistré.")
            return redirect("receivables:dd-mandates")
    return render(request, "receivables/dd_mandate_form.html", {"form": form})


@require_POST
@require_perm("sales.payments")
def mandate_revoke(request, pk: int):
    mandate = get_object_or_404(Mandate, pk=pk)
    try:
        dd.revoke_mandate(actor=request.user, mandate=mandate)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Mandat {mandate.reference} révoqué.")
    return redirect("receivables:dd-mandates")


@require_perm("sales.payments")
def run_create(request):
    form = RunForm(
        request.POST or None,
        initial={"collection_date": local_today() + dt.timedelta(days=2),
                 "invoices": list(dd.collectable_invoices().values_list("pk", flat=True))},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = dd.create_run(actor=request.user, bank_account=data["bank_account"],
                                collection_date=data["collection_date"], invoices=list(data["invoices"]))  # fmt: skip
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Lot de prélèvements préparé : téléchargez son fichier pour la banque.")
            return redirect("receivables:dd-run", run.pk)
    return render(request, "receivables/dd_run_form.html", {"form": form, "ics": dd.creditor_id()})


@require_perm("sales.view")
def run_detail(request, pk: int):
    run = get_object_or_404(CollectionRun.objects.select_related("bank_account"), pk=pk)
    items = run.items.select_related("invoice__customer", "mandate")
    return render(request, "receivables/dd_run_detail.html", {"run": run, "items": items})


@require_perm("sales.payments")
def run_file(request, pk: int):
    run = get_object_or_404(CollectionRun.objects.select_related("bank_account"), pk=pk)
    try:
        xml = dd.collection_file(run)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("receivables:dd-run", pk)
    response = HttpResponse(xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="prelevements-{run.message_id}-pain008.xml"'
    return response


@require_POST
@require_perm("sales.payments")
def run_action(request, pk: int):
    run = get_object_or_404(CollectionRun, pk=pk)
    action = dd.RUN_ACTIONS.get(request.POST.get("action") or "")
    if action is None:
        messages.error(request, "Action inconnue.")
        return redirect("receivables:dd-run", pk)
    try:
        run = action(actor=request.user, run=run, expected_version=to_int(request.POST.get("version")))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Lot « {run.get_status_display()} ».")
    return redirect("receivables:dd-run", pk)
