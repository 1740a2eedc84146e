"""Supplier evaluation: the ranking of suppliers by their scorecard over a period (exportable) and a manual
rating recorded from the supplier's page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilote.contacts.models import Contact
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data
from pilote.lib.dates import local_today
from pilote.purchases import evaluation, scorecard
from pilote.purchases.forms import RankingForm, RatingForm
from pilote.purchases.queries import scorecard as queries


@require_perm("purchases.view")
def ranking(request):
    today = local_today()
    form = RankingForm(request.GET or None)
    data = filter_data(form)
    start, end = data.get("start") or today - dt.timedelta(days=365), data.get("end") or today
    rows = queries.sort_rows(queries.ranking(start, end, data.get("q") or ""), request.GET.get("tri", ""))
    if request.GET.get("export") in EXPORT_FORMATS:
        return export_response(rows, queries.RANKING_COLUMNS, "evaluation-fournisseurs", request.GET["export"],
                               title="Évaluation des fournisseurs",
                               subtitle=f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}")  # fmt: skip
    context = {"form": form, "rows": rows, "start": start, "end": end, "criteria": list(scorecard.CRITERIA.items())}
    return render(request, "purchases/ranking.html", context)


@require_POST
@require_perm("purchases.order")
def rate(request, pk: int):
    supplier = get_object_or_404(Contact, pk=pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez une note de 0 à 5 et la date de l'évaluation.")
    else:
        try:
            evaluation.rate_supplier(actor=request.user, supplier=supplier, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Évaluation de {supplier.display_name} enregistrée.")
    return redirect(reverse("contacts:detail", args=[supplier.pk]) + "#evaluation")
