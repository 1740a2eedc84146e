"""Finance over the API: budgets (versions, lines per account group and month), analysis axes and centres, the
financial diagnosis (SIG, CAF, functional balance sheet — the computation of `manage.py financial_diagnosis`) and the
treasury forecast — each write checked by the page's form and made by the page's service."""

import datetime as dt
from decimal import Decimal
from functools import partial
from typing import Annotated, Literal

from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import (
    Day,
    ObjectId,
    OptionalId,
    Page,
    Paging,
    Words,
    fetch,
    guarded,
    page_of,
    sorted_page,
    through_form,
)
from pilote.finance import budgets as pure
from pilote.finance import forecast, queries, services
from pilote.finance.forms import BudgetCreateForm, BudgetReviseForm, budget_group_form
from pilote.finance.models import Budget
from pilote.lib.money import ZERO

router = Router(tags=["Finance"])

# A monthly amount of a budget line, bounded as the page's field is.
MonthAmount = Annotated[Decimal, Field(ge=-(10**11), le=10**11, max_digits=14, decimal_places=2)]


# --- budgets --------------------------------------------------------------------------------------------------


class BudgetOut(Schema):
    id: int
    fiscal_year_id: int
    name: str
    kind: str
    source_id: int | None
    section_id: int | None
    created_at: dt.datetime


class BudgetListOut(BudgetOut):
    income: Decimal
    expenses: Decimal

    @staticmethod
    def resolve_income(obj) -> Decimal:
        return getattr(obj, "income", None) or ZERO

    @staticmethod
    def resolve_expenses(obj) -> Decimal:
        return getattr(obj, "expenses", None) or ZERO


class BudgetLineOut(Schema):
    group: str = Field(..., description="groupe de comptes (classe 6 ou 7)")
    label: str
    months: list[Decimal] = Field(..., description="un montant par mois de l'exercice")
    total: Decimal


class BudgetDetailOut(BudgetOut):
    months: list[dt.date] = Field(..., description="le premier jour de chaque mois de l'exercice")
    lines: list[BudgetLineOut]
    income: Decimal
    expenses: Decimal
    result: Decimal


class BudgetFilters(Paging):
    q: Words = Field("", description="dans le nom")
    exercice: OptionalId = Field(None, description="id de l'exercice")
    centre: OptionalId = Field(None, description="id du centre (section analytique)")
    tri: str = Field("-exercice", description="exercice, nom, version, cree, centre ; préfixe - décroissant")


class BudgetIn(Schema):
    exercice: int = Field(..., ge=1, le=2**31 - 1, description="id de l'exercice")
    nom: str = "Budget initial"
    centre: OptionalId = Field(None, description="id du centre (section analytique) ; absent : toute la structure")
    methode: Literal["reel", "vide"] = Field("reel", description="reel : réalisé précédent ± pourcentage ; vide")
    pourcentage: Decimal | None = Field(None, ge=-100, le=1000, max_digits=6, decimal_places=2)


class RevisionIn(Schema):
    nom: str = Field(..., description="nom de la révision (elle reprend les montants du budget)")


class BudgetGroupIn(Schema):
    groupe: str = Field(..., description="groupe de comptes : 2 à 8 chiffres, classe 6 ou 7")
    months: list[MonthAmount] | None = Field(None, max_length=24, description="montant de chaque mois de l'exercice")
    annuel: Decimal | None = Field(
        None,
        ge=-(10**11),
        le=10**11,
        max_digits=14,
        decimal_places=2,
        description="montant annuel réparti sur les douze mois (sans montants mensuels)",
    )


def _budget_detail(budget: Budget) -> dict:
    months, rows = queries.budget_grid(budget)
    income = sum((r["total"] for r in rows if pure.is_income(r["group"])), ZERO)
    expenses = sum((r["total"] for r in rows if not pure.is_income(r["group"])), ZERO)
    fields = ("id", "fiscal_year_id", "name", "kind", "source_id", "section_id", "created_at")
    return {**{name: getattr(budget, name) for name in fields}, "months": months, "lines": rows, "income": income,
            "expenses": expenses, "result": income - expenses}  # fmt: skip


@guarded(router, "GET", "/budgets", "finance.view", response=Page[BudgetListOut])
def list_budgets(request, filters: Query[BudgetFilters]):
    data = filters.dict()
    return sorted_page(queries.filter_budgets(data), data, queries.BUDGET_SORTS, "-exercice")


@guarded(router, "GET", "/budgets/{budget_id}", "finance.view", response=BudgetDetailOut)
def get_budget(request, budget_id: ObjectId):
    return _budget_detail(fetch(Budget.objects.select_related("fiscal_year"), budget_id))


@guarded(router, "POST", "/budgets", "finance.budget", response={201: BudgetDetailOut})
def create_budget(request, payload: BudgetIn):
    budget = services.create_budget_from_form(actor=request.auth, data=through_form(BudgetCreateForm, payload))
    return Status(201, _budget_detail(budget))


@guarded(router, "POST", "/budgets/{budget_id}/revision", "finance.budget", response={201: BudgetDetailOut})
def revise_budget(request, budget_id: ObjectId, payload: RevisionIn):
    """A revised version: a new budget that starts from this one's amounts."""
    budget = fetch(Budget, budget_id)
    name = through_form(BudgetReviseForm, payload)["nom"]
    revision = services.create_budget(actor=request.auth, fiscal_year=budget.fiscal_year, name=name, source=budget)
    return Status(201, _budget_detail(revision))


@guarded(router, "PUT", "/budgets/{budget_id}/groupes", "finance.budget", response=BudgetDetailOut)
def set_budget_group(request, budget_id: ObjectId, payload: BudgetGroupIn):
    """One line of the budget (an account group) created or replaced: its monthly amounts, or an annual amount."""
    budget = fetch(Budget.objects.select_related("fiscal_year"), budget_id)
    months = queries.year_months(budget.fiscal_year)
    data = {"groupe": payload.groupe, "annuel": payload.annuel}
    data |= {f"m{index}": value for index, value in enumerate((payload.months or [])[: len(months)])}
    cleaned = through_form(partial(budget_group_form, months), data)
    values = pure.group_months(cleaned, len(months))
    services.set_budget_group(actor=request.auth, budget=budget, group=cleaned["groupe"], months=values)
    return _budget_detail(fetch(Budget.objects.select_related("fiscal_year"), budget_id))


@guarded(router, "DELETE", "/budgets/{budget_id}", "finance.budget", response={204: None})
def delete_budget(request, budget_id: ObjectId):
    services.delete_budget(actor=request.auth, budget=fetch(Budget.objects.select_related("fiscal_year"), budget_id))
    return Status(204, None)


# --- analysis axes and centres --------------------------------------------------------------------------------


class SectionOut(Schema):
    id: int
    axis_id: int
    code: str
    label: str
    kind: str
    is_active: bool


class AxisOut(Schema):
    id: int
    code: str
    label: str
    is_active: bool
    sections: list[SectionOut]

    @staticmethod
    def resolve_sections(obj) -> list:
        return list(obj.sections.order_by("code"))


class AxisIn(Schema):
    code: str = Field(..., description="1 à 12 lettres ou chiffres (ACT, SITE…)")
    label: str


class SectionIn(Schema):
    code: str = Field(..., description="1 à 20 lettres ou chiffres (ATELIER, LYON…)")
    label: str
    kind: Literal["plain", "main", "auxiliary"] = Field("plain", description="section, centre principal ou auxiliaire")


@guarded(router, "GET", "/axes-analytiques", "finance.view", response=Page[AxisOut])
def list_axes(request, filters: Query[Paging]):
    from pilote.ledger.models import AnalyticAxis

    return page_of(AnalyticAxis.objects.prefetch_related("sections").order_by("position", "code"), filters)


@guarded(router, "POST", "/axes-analytiques", "finance.edit", response={201: AxisOut})
def create_axis(request, payload: AxisIn):
    from pilote.ledger import analytics

    return Status(201, analytics.create_axis(actor=request.auth, code=payload.code, label=payload.label))


@guarded(router, "POST", "/axes-analytiques/{axis_id}/sections", "finance.edit", response={201: SectionOut})
def create_section(request, axis_id: ObjectId, payload: SectionIn):
    """A section or an analysis centre (main or auxiliary, for the cost allocation) on the axis."""
    from pilote.ledger import analytics
    from pilote.ledger.models import AnalyticAxis

    axis = fetch(AnalyticAxis, axis_id)
    return Status(201, analytics.create_section(actor=request.auth, axis=axis, code=payload.code, label=payload.label,
                                                kind=payload.kind))  # fmt: skip


# --- financial diagnosis and treasury forecast ----------------------------------------------------------------


class DiagnosisOut(Schema):
    exercice: int = Field(..., description="année de clôture de l'exercice")
    date: dt.date = Field(..., description="situation à cette date")
    figures: dict[str, Decimal] = Field(..., description="SIG, CAF (deux méthodes), bilan fonctionnel")


class DiagnosisFilters(Schema):
    exercice: int | None = Field(
        None, ge=1900, le=2199, description="année de clôture de l'exercice ; absent : le dernier commencé"
    )
    date: Day | None = Field(None, description="situation à cette date de l'exercice (par défaut sa clôture)")


@guarded(router, "GET", "/diagnostic-financier", "finance.view", response=DiagnosisOut)
def financial_diagnosis(request, filters: Query[DiagnosisFilters]):
    """The same figures as `manage.py financial_diagnosis --year … [--date …]`: a year that does not close in
    `exercice`, or a date outside it, is a French 409."""
    period = queries.diagnosis_period(filters.exercice, filters.date)
    return {"exercice": period.year.end_date.year, "date": period.day,
            "figures": queries.diagnosis_figures(queries.diagnosis(period))}  # fmt: skip


class WeekOut(Schema):
    start: dt.date
    end: dt.date
    opening: Decimal
    receipts: Decimal
    payments: Decimal
    closing: Decimal
    by_kind: dict[str, Decimal]


class TreasuryOut(Schema):
    scenario: str
    horizon: str
    opening: Decimal
    final: Decimal
    beyond: Decimal = Field(..., description="solde des flux attendus après la dernière période")
    periods: list[WeekOut]


class TreasuryFilters(Schema):
    scenario: Literal["realiste", "pessimiste"] = "realiste"
    horizon: Literal["semaines", "mois"] = Field("semaines", description="13 semaines ou 12 mois")


@guarded(router, "GET", "/tresorerie/prevision", "finance.view", response=TreasuryOut)
def treasury_forecast(request, filters: Query[TreasuryFilters]):
    """The cash plan from today, as on the treasury page; a 409 without an open fiscal year."""
    from pilote.core.exceptions import DomainError
    from pilote.lib.dates import local_today

    plan = queries.treasury_plan(local_today(), filters.scenario, monthly=filters.horizon == "mois")
    if plan is None:
        raise DomainError("Aucun exercice ouvert aujourd'hui : le plan de trésorerie part de l'exercice en cours.")
    return {"scenario": forecast.SCENARIOS[filters.scenario], "horizon": filters.horizon, "opening": plan.opening,
            "final": plan.final, "beyond": plan.beyond, "periods": plan.weeks}  # fmt: skip
