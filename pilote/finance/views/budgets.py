"""Budgets: versions per fiscal year, lines per account group and month, XLSX import, actual vs budget."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, Column, export_response, filter_data, paginate, sort_queryset
from pilote.finance import budgets as pure
from pilote.finance import queries, services
from pilote.finance.budget_file import BudgetFileError, read_workbook
from pilote.finance.forms import (
    BudgetCreateForm,
    BudgetFilterForm,
    BudgetImportForm,
    BudgetReviseForm,
    VarianceForm,
    budget_group_form,
    budget_sales_form,
)
from pilote.finance.models import Budget
from pilote.lib.charts import bar_chart, grouped_bar_chart
from pilote.lib.dates import local_today
from pilote.lib.formats import format_date, format_eur, format_quantity
from pilote.lib.money import ZERO

LIST_COLUMNS = [
    Column("Exercice", lambda b: str(b.fiscal_year)),
    Column("Nom", lambda b: b.name),
    Column("Version", lambda b: b.get_kind_display()),
    Column("Centre", lambda b: str(b.section.code) if b.section_id else "Structure"),
    Column("Produits", lambda b: b.income or ZERO),
    Column("Charges", lambda b: b.expenses or ZERO),
    Column("Créé le", lambda b: b.created_at),
]


@require_perm("finance.view")
def budget_list(request):
    form = BudgetFilterForm(request.GET or None)
    rows = queries.filter_budgets(filter_data(form))
    rows = sort_queryset(rows, request.GET.get("tri", ""), queries.BUDGET_SORTS, "-exercice")
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS:
        return export_response(rows, LIST_COLUMNS, "budgets", fmt, title="Budgets")
    years = queries.years_budgets()
    chart = grouped_bar_chart(
        [str(y.year.start_date.year) for y in years],
        [("Résultat budgété", [y.result_budget for y in years]),
         ("Résultat réalisé", [y.result_actual for y in years])],
        title="Résultat budgété et réalisé, exercice par exercice",
    ) if years else ""  # fmt: skip
    return render(request, "finance/budget_list.html",
                  {"form": form, "page": paginate(request, rows), "years": years, "chart": chart})  # fmt: skip


@require_perm("finance.budget")
def budget_create(request):
    form = BudgetCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            budget = services.create_budget_from_form(actor=request.user, data=data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Le budget « {budget.name} » est créé.")
            return redirect("finance:budget-detail", pk=budget.pk)
    return render(request, "finance/budget_form.html", {"form": form})


def _grid(budget):
    return queries.budget_grid(budget)


def _grid_columns(months):
    columns = [Column("Groupe de comptes", lambda r: r["group"]), Column("Intitulé", lambda r: r["label"])]
    for index, month in enumerate(months):
        columns.append(Column(format_date(month)[3:], lambda r, i=index: r["months"][i]))
    columns.append(Column("Total", lambda r: r["total"]))
    return columns


# The sales per article, one row per article and month: the layout the import reads back.
SALES_COLUMNS = [
    Column("Code article", lambda r: r[0].reference),
    Column("Désignation", lambda r: r[0].name),
    Column("Mois", lambda r: format_date(r[1])[3:]),
    Column("Quantité", lambda r: r[2]),
    Column("Montant", lambda r: r[3]),
]


def _sales_rows(sales, months):
    return [(row, month, quantity, amount) for row in sales
            for month, quantity, amount in zip(months, row.quantities, row.amounts, strict=True)
            if quantity or amount]  # fmt: skip


@require_perm("finance.view")
def budget_detail(request, pk: int):
    budget = get_object_or_404(Budget.objects.select_related("fiscal_year", "source", "section__axis"), pk=pk)
    months, rows = _grid(budget)
    sales = queries.budget_sales(budget)
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS and request.GET.get("vue") == "ventes":
        return export_response(_sales_rows(sales, months), SALES_COLUMNS, f"budget-{budget.pk}-ventes", fmt,
                               title=f"{budget} — ventes par article")  # fmt: skip
    if fmt in EXPORT_FORMATS:
        return export_response(rows, _grid_columns(months), f"budget-{budget.pk}", fmt, title=str(budget))
    income = sum((r["total"] for r in rows if pure.is_income(r["group"])), ZERO)
    expenses = sum((r["total"] for r in rows if not pure.is_income(r["group"])), ZERO)
    context = {
        "budget": budget,
        "months": [format_date(m)[3:] for m in months],
        "rows": rows,
        "income": income,
        "expenses": expenses,
        "result": income - expenses,
        "group_form": budget_group_form(months),
        "sales": sales,
        "sales_total": sum((row.amount for row in sales), ZERO),
        "sales_form": budget_sales_form(months) if not budget.section_id else None,
        "import_form": BudgetImportForm(),
        "revise_form": BudgetReviseForm(initial={"nom": f"{budget.name} — révision"}),
    }
    return render(request, "finance/budget_detail.html", context)


@require_POST
@require_perm("finance.budget")
def budget_group(request, pk: int):
    budget = get_object_or_404(Budget.objects.select_related("fiscal_year"), pk=pk)
    months = queries.year_months(budget.fiscal_year)
    form = budget_group_form(months, request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("finance:budget-detail", pk=pk)
    data = form.cleaned_data
    values = pure.group_months(data, len(months))
    try:
        services.set_budget_group(actor=request.user, budget=budget, group=data["groupe"], months=values)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        total = format_eur(sum(values, ZERO))
        messages.success(request, f"Groupe {data['groupe']} enregistré : {total} sur l'exercice.")
    return redirect("finance:budget-detail", pk=pk)


@require_POST
@require_perm("finance.budget")
def budget_sales(request, pk: int):
    budget = get_object_or_404(Budget.objects.select_related("fiscal_year"), pk=pk)
    form = budget_sales_form(queries.year_months(budget.fiscal_year), request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("finance:budget-detail", pk=pk)
    try:
        quantity, amount = services.set_budget_sales_from_form(actor=request.user, budget=budget,
                                                               data=form.cleaned_data)  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        article = form.cleaned_data["article"]
        messages.success(request, f"Ventes de l'article {article.reference} enregistrées : {format_quantity(quantity)} "
                                  f"pour {format_eur(amount)} sur l'exercice.")  # fmt: skip
    return redirect("finance:budget-detail", pk=pk)


@require_POST
@require_perm("finance.budget")
def budget_import(request, pk: int):
    budget = get_object_or_404(Budget.objects.select_related("fiscal_year"), pk=pk)
    form = BudgetImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("finance:budget-detail", pk=pk)
    months = queries.year_months(budget.fiscal_year)
    try:
        kind, found = read_workbook(form.cleaned_data["fichier"], months)
        if kind == "sales":
            count = services.replace_budget_sales(actor=request.user, budget=budget, sales=found)
        else:
            count = services.replace_budget_lines(actor=request.user, budget=budget, amounts=found)
    except BudgetFileError as exc:
        messages.error(request, "Le budget n'a pas été importé, rien n'a changé. " + " ".join(exc.problems))
    except DomainError as exc:
        messages.error(request, "Le budget n'a pas été importé, rien n'a changé. " + exc.message)
    else:
        if kind == "sales":
            messages.success(request, f"Ventes par article importées : {count} article(s).")
        else:
            messages.success(request, f"Budget importé : {len(found)} groupes de comptes, {count} montants mensuels.")
    return redirect("finance:budget-detail", pk=pk)


@require_POST
@require_perm("finance.budget")
def budget_revise(request, pk: int):
    budget = get_object_or_404(Budget, pk=pk)
    form = BudgetReviseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Donnez un nom à la révision.")
        return redirect("finance:budget-detail", pk=pk)
    try:
        revision = services.create_budget(
            actor=request.user, fiscal_year=budget.fiscal_year, name=form.cleaned_data["nom"], source=budget
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("finance:budget-detail", pk=pk)
    messages.success(request, f"La révision « {revision.name} » reprend les montants de « {budget.name} ».")
    return redirect("finance:budget-detail", pk=revision.pk)


@require_POST
@require_perm("finance.budget")
def budget_delete(request, pk: int):
    budget = get_object_or_404(Budget, pk=pk)
    services.delete_budget(actor=request.user, budget=budget)
    messages.success(request, f"Le budget « {budget.name} » est supprimé.")
    return redirect("finance:budget-list")


VARIANCE_COLUMNS = [
    Column("Groupe de comptes", lambda v: v.group),
    Column("Intitulé", lambda v: v.label),
    Column("Budget à date", lambda v: v.budget),
    Column("Réalisé", lambda v: v.actual),
    Column("Écart", lambda v: v.gap),
    Column("Écart (%)", lambda v: v.percent),
    Column("Appréciation", lambda v: v.status_label),
]


BUDGET_MIX_COLUMNS = [
    Column("Article", lambda r: r.key),
    Column("Quantité budgétée", lambda r: r.budget_quantity),
    Column("Quantité vendue", lambda r: r.actual_quantity),
    Column("Ventes budgétées", lambda r: r.budget_amount),
    Column("Ventes réalisées", lambda r: r.actual_amount),
    Column("Effet prix", lambda r: r.price_effect),
    Column("Effet quantités", lambda r: r.quantity_effect),
    Column("Écart", lambda r: r.total),
]


@require_perm("finance.view")
def budget_variance(request, pk: int):
    budget = get_object_or_404(Budget.objects.select_related("fiscal_year"), pk=pk)
    form = VarianceForm(request.GET or None)
    asked = form.cleaned_data["date"] if form.is_valid() and form.cleaned_data.get("date") else None
    day, rows, totals = queries.variance_report(budget, asked or local_today())
    year = budget.fiscal_year
    notice = pure.situation_notice(asked, day, year.start_date, year.end_date) if asked else ""
    if not form.is_bound or notice:  # the field shows the date the page is at; the notice says why it moved
        form = VarianceForm(initial={"date": day})
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS and request.GET.get("vue") != "ventes":
        return export_response(
            [*rows, totals.income, totals.expenses], VARIANCE_COLUMNS, f"ecarts-budget-{budget.pk}", fmt,
            title=f"{budget} — réalisé et budget au {day:%d/%m/%Y}",
        )  # fmt: skip
    chart = grouped_bar_chart(
        ["Produits", "Charges", "Résultat"],
        [
            ("Budget", [totals.income.budget, totals.expenses.budget, totals.result_budget]),
            ("Réalisé", [totals.income.actual, totals.expenses.actual, totals.result_actual]),
        ],
        title="Budget et réalisé à date",
    )
    mix = queries.budget_sales_variance(budget, day)
    if fmt in EXPORT_FORMATS and request.GET.get("vue") == "ventes" and mix is not None:
        return export_response(mix.lines, BUDGET_MIX_COLUMNS, f"ecarts-ventes-budget-{budget.pk}", fmt,
                               title=f"{budget} — écarts sur ventes au {day:%d/%m/%Y}")  # fmt: skip
    context = {"budget": budget, "form": form, "day": day, "rows": rows, "totals": totals, "chart": chart,
               "result_gap": totals.result_actual - totals.result_budget, "mix": mix, "notice": notice}  # fmt: skip
    if mix is not None:
        context["mix_chart"] = bar_chart(
            [("Effet prix", mix.price), ("Effet composition", mix.mix), ("Effet volume", mix.volume),
             ("Écart total", mix.total)], title="Écart sur chiffre d'affaires et ses causes",
        )  # fmt: skip
    return render(request, "finance/budget_variance.html", context)


MIX_COLUMNS = [
    Column("Article", lambda r: r.key),
    Column("Quantité N−1", lambda r: r.budget_quantity),
    Column("Prix moyen N−1", lambda r: r.budget_price),
    Column("Quantité N", lambda r: r.actual_quantity),
    Column("Prix moyen N", lambda r: r.actual_price),
    Column("Ventes N−1", lambda r: r.budget_amount),
    Column("Ventes N", lambda r: r.actual_amount),
    Column("Effet prix", lambda r: r.price_effect),
    Column("Effet quantités", lambda r: r.quantity_effect),
]


@require_perm("finance.view")
def sales_mix(request):
    """Sales of the year to date against the same period a year earlier: price, mix and volume effects."""
    period = queries.default_period()
    found = queries.sales_mix(period) if period else None
    context = {"period": period, "found": found}
    if found:
        previous, result = found
        fmt = request.GET.get("export")
        if fmt in EXPORT_FORMATS:
            title = f"Écarts sur ventes : {period.label} contre {previous.label}"
            return export_response(result.lines, MIX_COLUMNS, "ecarts-sur-ventes", fmt, title=title)
        context["previous"], context["result"] = previous, result
        context["chart"] = bar_chart(
            [("Effet prix", result.price), ("Effet composition", result.mix), ("Effet volume", result.volume),
             ("Écart total", result.total)], title="Écart sur ventes et ses causes",
        )  # fmt: skip
    return render(request, "finance/sales_mix.html", context)
