from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.forms import DATE_WIDGET
from pilote.core.vat_policy import current_policy
from pilote.ledger import vat
from pilote.ledger.models import VatReturn
from pilote.lib.dates import add_months


class PeriodForm(forms.Form):
    du = forms.DateField(label="Du", widget=DATE_WIDGET)
    au = forms.DateField(label="Au", widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if data.get("du") and data.get("au") and data["au"] < data["du"]:
            raise forms.ValidationError("La fin de période doit suivre son début.")
        return data


def _default_period() -> dict:
    """The next period to declare (returns follow each other), else the previous calendar month."""
    following = vat.next_period()
    if following:
        return {"du": following[0], "au": following[1]}
    first_this_month = timezone.localdate().replace(day=1)
    return {"du": add_months(first_this_month, -1), "au": first_this_month - dt.timedelta(days=1)}


@require_perm("ledger.view")
def vat_return(request):
    policy = current_policy(request.structure)
    if not policy.declares_vat:  # franchise en base, non assujettie: nothing to compute or declare
        return render(request, "ledger/vat_none.html", {"policy": policy, "returns": VatReturn.objects.all()[:24]})
    default = _default_period()
    form = PeriodForm(request.GET or None, initial=default)
    period = form.cleaned_data if form.is_valid() else default
    figures, refusal = None, ""
    # A declared period shows what was declared, as stored at confirmation: never a recomputation.
    declared = vat.declared_return(period["du"], period["au"])
    if declared is not None:
        boxes = declared.boxes.items()
    else:
        try:
            figures = vat.compute_ca3(period["du"], period["au"])
        except DomainError as exc:
            refusal = exc.message
        boxes = figures.boxes().items() if figures else []
    rows = [(key, vat.box_label(key), value) for key, value in boxes]
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
