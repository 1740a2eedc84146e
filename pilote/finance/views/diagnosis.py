"""The financial diagnosis pages: SIG and CAF, functional balance sheet, ratios — N beside N−1."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, Column, export_response
from pilote.core.params import safe_next
from pilote.finance import breakeven, queries, reports, services
from pilote.finance.forms import CostBehaviourForm, PeriodForm, WhatIfForm
from pilote.ledger.models import Account
from pilote.lib.charts import MONTHS, grouped_bar_chart, line_chart
from pilote.lib.money import ZERO


def _diagnoses(request):
    """The form, the period asked (or the default one) and the diagnoses of N, N−1 and N−2."""
    form = PeriodForm(request.GET or None)
    period = None
    if form.is_bound and form.is_valid() and form.cleaned_data.get("exercice"):
        year, day = form.cleaned_data["exercice"], form.cleaned_data.get("date")
        period = queries.Period(year, day) if day else queries.default_period(year)
    elif form.is_bound and not form.is_valid():
        messages.error(request, "La situation demandée n'a pas pu être lue : voici la dernière disponible.")
    period = period or queries.default_period()
    if period is None:
        return form, None, None, None
    previous = queries.previous_period(period)
    earlier = queries.previous_period(previous) if previous else None
    association = queries.is_association()  # read once for the three years
    current, before, oldest = queries.diagnoses([period, previous, earlier], association)
    return form, current, before, oldest


def _drill(current) -> dict:
    """What a figure's accounts link to: the general ledger of the year, up to the day of a provisional
    situation (its total is then the figure's)."""
    period = current.period
    return {"year_pk": period.year.pk, "until": None if period.is_whole_year else period.day}


def _labels(*diagnoses) -> dict[str, str]:
    codes = {code for d in diagnoses if d for code in d.figures}
    return dict(Account.objects.filter(code__in=codes).values_list("code", "label"))


def _export(request, rows, columns, name, title, current):
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS:
        return export_response(rows, columns, name, fmt, title=f"{title} — {current.period.label}")
    return None


@require_perm("finance.view")
def diagnosis(request):
    form, current, previous, earlier = _diagnoses(request)
    context = {"form": form, "current": current, "previous": previous, "earlier": earlier}
    if current:
        labels = _labels(current)
        rows = reports.sig_rows(current, previous, labels, earlier)
        caf = reports.caf_rows(current, previous, earlier)
        exported = _export(request, rows + caf, reports.export_columns(current, previous, earlier), "sig",
                           "Soldes intermédiaires de gestion et CAF", current)  # fmt: skip
        if exported:
            return exported
        categories, series = reports.chart_series(current, previous, earlier)
        context |= {
            "rows": rows,
            "caf_rows": caf,
            "chart": grouped_bar_chart(categories, series, title="Soldes intermédiaires de gestion"),
            **_drill(current),
        }
    return render(request, "finance/diagnosis.html", context)


@require_perm("finance.view")
def balance_sheet(request):
    form, current, previous, earlier = _diagnoses(request)
    context = {"form": form, "current": current, "previous": previous, "earlier": earlier}
    if current:
        rows = reports.sheet_rows(current, previous, _labels(current), earlier)
        exported = _export(request, rows, reports.export_columns(current, previous, earlier), "bilan-fonctionnel",
                           "Bilan fonctionnel", current)  # fmt: skip
        if exported:
            return exported
        diagnoses = [d for d in (current, previous, earlier) if d]
        series = [(d.period.short_label, [d.sheet.frng, d.sheet.bfr, d.sheet.tn]) for d in diagnoses]
        context |= {
            "rows": rows,
            "chart": grouped_bar_chart(["FRNG", "BFR", "Trésorerie\nnette"], series, title="FRNG, BFR et trésorerie"),
            **_drill(current),
        }
    return render(request, "finance/balance_sheet.html", context)


@require_perm("finance.view")
def ratios(request):
    form, current, previous, earlier = _diagnoses(request)
    context = {"form": form, "current": current, "previous": previous, "earlier": earlier}
    if current:
        rows = reports.ratio_rows(current, previous, earlier)
        exported = _export(request, rows, reports.ratio_export_columns(current, previous, earlier), "ratios",
                           "Ratios financiers", current)  # fmt: skip
        if exported:
            return exported
        context["rows"] = rows
        context["charts"] = [
            (title, grouped_bar_chart(categories, series, title=title, unit=unit))
            for title, unit, categories, series in reports.ratio_chart_series(current, previous, earlier)
        ]
    return render(request, "finance/ratios.html", context)


BREAK_EVEN_COLUMNS = [
    Column("Compte", lambda line: line.code),
    Column("Intitulé", lambda line: line.label),
    Column("Montant", lambda line: line.amount),
    Column("Part variable (%)", lambda line: line.share),
    Column("Charges variables", lambda line: line.variable),
    Column("Charges fixes", lambda line: line.fixed),
]


@require_perm("finance.view")
def break_even(request):
    form, current, previous, earlier = _diagnoses(request)
    context = {"form": form, "current": current, "previous": previous, "earlier": earlier}
    if current:
        report = queries.break_even_report(current, _labels(current))
        exported = _export(request, report.lines, BREAK_EVEN_COLUMNS, "seuil-de-rentabilite",
                           "Seuil de rentabilité — charges variables et fixes", current)  # fmt: skip
        if exported:
            return exported
        context |= {"report": report, **_drill(current), "chart": _break_even_chart(report)}
        what_if = WhatIfForm(request.GET if "simulation" in request.GET else None)
        context["what_if_form"] = what_if
        if what_if.is_bound and what_if.is_valid():
            data = what_if.cleaned_data
            context["what_if"] = breakeven.what_if(
                report.result, data["prix"] or ZERO, data["volume"] or ZERO, data["charges_fixes"] or ZERO
            )
    return render(request, "finance/break_even.html", context)


def _break_even_chart(report):
    if report.annual_threshold is None or not report.months:
        return ""
    cumulative, running = [], ZERO
    for _, sales in report.months:
        running += sales
        cumulative.append(running)
    categories = [MONTHS[month.month - 1] for month, _ in report.months]
    series = [
        ("Chiffre d'affaires cumulé", cumulative),
        ("Seuil de rentabilité de l'exercice", [report.annual_threshold] * len(cumulative)),
    ]
    return line_chart(categories, series, title="Chiffre d'affaires cumulé et seuil de rentabilité")


@require_POST
@require_perm("finance.edit")
def cost_behaviour(request):
    form = CostBehaviourForm(request.POST)
    back = safe_next(request, "finance:break-even")
    if not form.is_valid():
        problems = " ".join(e for errors in form.errors.values() for e in errors)
        code = request.POST.get("compte", "")[:20]
        # Said beside which account: the page lists dozens of them, each with its own form.
        messages.error(request, f"Part variable du compte {code} : {problems}" if code.isdigit() else problems)
        return redirect(back)
    account = Account.objects.filter(code=form.cleaned_data["compte"]).first()
    if account is None:
        messages.error(request, f"Compte {form.cleaned_data['compte']} inconnu du plan comptable.")
        return redirect(back)
    try:
        services.set_cost_behaviour(actor=request.user, account=account, variable_share=form.cleaned_data["part"])
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Part variable du compte {account.code} enregistrée.")
    return redirect(back)
