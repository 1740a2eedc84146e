"""The cash plan pages: 13 weeks or 12 months, scenarios, loans, and the archived plans against the bank."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, Column, export_response
from pilote.core.registry import kpi_threshold
from pilote.finance import forecast, queries, services
from pilote.finance.forms import LoanForm
from pilote.finance.models import Loan
from pilote.lib.charts import grouped_bar_chart, line_chart
from pilote.lib.dates import local_today

HORIZONS = {"semaines": "13 semaines", "mois": "12 mois"}


def _columns(monthly: bool) -> list[Column]:
    if monthly:
        return [
            Column("Mois du", lambda w: w.start),
            Column("au", lambda w: w.end),
            Column("Trésorerie en début de mois", lambda w: w.opening),
            Column("Encaissements", lambda w: w.receipts),
            Column("Décaissements", lambda w: w.payments),
            Column("Trésorerie en fin de mois", lambda w: w.closing),
        ]
    return [
        Column("Semaine du", lambda w: w.start),
        Column("au", lambda w: w.end),
        Column("Trésorerie en début de semaine", lambda w: w.opening),
        Column("Encaissements", lambda w: w.receipts),
        Column("Décaissements", lambda w: w.payments),
        Column("Trésorerie en fin de semaine", lambda w: w.closing),
    ]


def _loans(today):
    rows = []
    for loan in Loan.objects.all():
        schedule = forecast.loan_schedule(
            loan.principal, loan.annual_rate, loan.months, loan.first_due, constant_capital=loan.constant_capital
        )
        ahead = [i for i in schedule if i.day >= today]
        paid = [i for i in schedule if i.day < today]
        rows.append({"loan": loan, "next": ahead[0] if ahead else None,
                     "remaining": paid[-1].remaining if paid else loan.principal, "last": schedule[-1]})  # fmt: skip
    return rows


@require_perm("finance.view")
def treasury(request):
    scenario = request.GET.get("scenario") if request.GET.get("scenario") in forecast.SCENARIOS else "realiste"
    horizon = request.GET.get("horizon") if request.GET.get("horizon") in HORIZONS else "semaines"
    monthly = horizon == "mois"
    today = local_today()
    inputs = queries.treasury_inputs(today)
    plan = (inputs.monthly(scenario) if monthly else inputs.plan(scenario)) if inputs else None
    context = {"plan": plan, "scenario": scenario, "scenarios": forecast.SCENARIOS.items(), "horizon": horizon,
               "horizons": HORIZONS.items(), "monthly": monthly, "vat": inputs.vat if inputs else None,
               "doubtful": inputs.doubtful if inputs else None}  # fmt: skip
    if plan:
        fmt = request.GET.get("export")
        if fmt in EXPORT_FORMATS:
            title = f"Plan de trésorerie sur {HORIZONS[horizon]} ({forecast.SCENARIOS[scenario].lower()})"
            name = "plan-de-tresorerie-12-mois" if monthly else "plan-de-tresorerie"
            return export_response(plan.weeks, _columns(monthly), name, fmt, title=title)
        categories = [f"{w.start:%m/%y}" if monthly else f"{w.start:%d/%m}" for w in plan.weeks]
        unit = "en fin de mois" if monthly else "en fin de semaine"
        series = [(f"Trésorerie {unit}", [w.closing for w in plan.weeks])]
        check = forecast.threshold_check(plan, kpi_threshold(forecast.LOWEST_POINT_KPI))
        reference = ("Seuil d'alerte", check.value) if check else None
        context["chart"] = line_chart(categories, series, title=f"Trésorerie prévue, {HORIZONS[horizon]}",
                                      reference=reference)  # fmt: skip
        under = check.under if check else [False] * len(plan.weeks)
        context["plan_rows"] = [(w, sorted(w.by_kind.items()), low) for w, low in zip(plan.weeks, under, strict=True)]
        context["threshold"] = check
    context["loans"] = _loans(today)
    context["loan_form"] = LoanForm()
    comparisons = queries.forecast_vs_actual(today)
    context["comparisons"] = [(snapshot, rows) for snapshot, rows in comparisons if rows]
    first_weeks = sorted(((rows[0].start, rows[0]) for _, rows in comparisons if rows), key=lambda r: r[0])
    if first_weeks:
        context["comparison_chart"] = grouped_bar_chart(
            [f"{start:%d/%m}" for start, _ in first_weeks],
            [("Prévu par le plan du lundi", [r.forecast for _, r in first_weeks]),
             ("Réalisé (banque)", [r.actual for _, r in first_weeks])],
            title="Fin de semaine : prévu et réalisé",
        )  # fmt: skip
    return render(request, "finance/treasury.html", context)


@require_perm("finance.edit")
def loan_create(request):
    form = LoanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            loan = services.create_loan(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Emprunt « {loan.label} » ajouté au plan de trésorerie.")
            return redirect("finance:treasury")
    return render(request, "finance/loan_form.html", {"form": form})


@require_POST
@require_perm("finance.edit")
def loan_delete(request, pk: int):
    loan = get_object_or_404(Loan, pk=pk)
    services.delete_loan(actor=request.user, loan=loan)
    messages.success(request, f"Emprunt « {loan.label} » retiré du plan de trésorerie.")
    return redirect("finance:treasury")
