from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.forms import DATE_WIDGET
from pilote.core.vat_policy import current_policy
from pilote.ledger import vat
from pilote.ledger.models import VatReturn


class PeriodForm(forms.Form):
    du = forms.DateField(label="Du", widget=DATE_WIDGET)
    au = forms.DateField(label="Au", widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if data.get("du") and data.get("au") and data["au"] < data["du"]:
            raise forms.ValidationError("La fin de période doit suivre son début.")
        return data


def _default_period() -> dict:
    start, end = vat.default_period()
    return {"du": start, "au": end}


@require_perm("ledger.view")
def vat_return(request):
    policy = current_policy(request.structure)
    if not policy.declares_vat:  # franchise en base, non assujettie: nothing to compute or declare
        return render(request, "ledger/vat_none.html", {"policy": policy, "returns": VatReturn.objects.all()[:24]})
    default = _default_period()
    form = PeriodForm(request.GET or None, initial=default)
    period = form.cleaned_data if form.is_valid() else default
    figures, refusal = None, ""
    declared = None
    try:
        declared, figures = vat.period_figures(period["du"], period["au"])
    except DomainError as exc:
        refusal = exc.message
    rows = vat.box_rows(declared.boxes if declared else figures.boxes() if figures else {})
    context = {
        "form": form,
        "figures": figures,
        "declared": declared,
        "refusal": refusal,
        "next_period": default,
        "rows": rows,
        "period": period,
        "returns": VatReturn.objects.all()[:24],
    }
    return render(request, "ledger/vat_return.html", context)


@require_POST
@require_perm("ledger.edit")
def vat_return_confirm(request):
    form = PeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Période invalide.")
        return redirect("ledger:vat-return")
    try:
        done = vat.confirm_ca3(actor=request.user, start=form.cleaned_data["du"], end=form.cleaned_data["au"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("ledger:vat-return")
    if done.entry is None:
        messages.success(request, f"{done} validée : déclaration néant, aucune écriture de liquidation.")
        return redirect("ledger:vat-return")
    messages.success(
        request, f"{done} validée : écriture de liquidation {done.entry.journal.code} n° {done.entry.number}."
    )
    return redirect("ledger:entry-detail", pk=done.entry.pk)
