"""Full costing's settings and the sales budgeted per article over the API (apid): a fiscal year's full-costing
parameters (the axes of the centres and of the products, the auxiliary centres' allocation keys, the main centres'
work units and the articles made in-house) saved whole by `finance.services.save_costing_setup`, the costing page's
way; the sales budget lines (article, month, quantity, net amount) of a structure's budget listed, added, changed and
removed through the budget page's form and `finance.services.set_budget_sales_from_form`."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import Day, ObjectId, OptionalId, Page, Paging, RequiredId, fetch, guarded, sorted_page
from pilote.finance.models import Budget, BudgetSalesLine, CostingSetup

router = Router(tags=["Finance"])

Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=7, decimal_places=4)]
Units = Annotated[Decimal, Field(ge=0, le=10**12, max_digits=16, decimal_places=4)]
Code = Annotated[str, Field(min_length=1, max_length=20)]


# --- full-costing settings ------------------------------------------------------------------------------------


class CostingKeyIn(Schema):
    auxiliary: Code = Field(..., description="code du centre auxiliaire réparti")
    target: Code = Field(..., description="code du centre qui reçoit la part")
    percent: Percent


class CostingUsageIn(Schema):
    product: Code = Field(..., description="code de la section produit")
    units: Units = Field(..., description="unités d'œuvre que le produit consomme")


class CostingUnitIn(Schema):
    centre: Code = Field(..., description="code du centre principal")
    label: str = Field("", max_length=60, description="nature de l'unité d'œuvre (heure machine…)")
    number: Units = Field(..., description="nombre d'unités d'œuvre du centre sur l'exercice")
    usage: list[CostingUsageIn] = Field([], max_length=200)


class CostingMadeIn(Schema):
    product: Code = Field(..., description="code de la section produit")
    article: str = Field(..., min_length=1, max_length=60, description="référence de l'article fabriqué")


class CostingKeyOut(Schema):
    auxiliary: str
    target: str
    percent: Decimal


class CostingUsageOut(Schema):
    product: str
    units: Decimal


class CostingUnitOut(Schema):
    centre: str
    label: str
    number: Decimal
    usage: list[CostingUsageOut]


class CostingMadeOut(Schema):
    product: str
    article: str


class CostingSetupOut(Schema):
    id: int
    fiscal_year_id: int
    centres_axis_id: int
    products_axis_id: int
    keys: list[CostingKeyOut]
    units: list[CostingUnitOut]
    production: list[CostingMadeOut]

    @staticmethod
    def resolve_keys(obj: CostingSetup) -> list[dict]:
        return [{"auxiliary": aux, "target": target, "percent": Decimal(value)}
                for aux, shares in sorted(obj.keys.items()) for target, value in sorted(shares.items())]  # fmt: skip

    @staticmethod
    def resolve_units(obj: CostingSetup) -> list[dict]:
        return [{"centre": code, "label": unit.get("label", ""), "number": Decimal(unit.get("number") or 0),
                 "usage": [{"product": p, "units": Decimal(q)} for p, q in sorted(unit.get("usage", {}).items())]}
                for code, unit in sorted(obj.units.items())]  # fmt: skip

    @staticmethod
    def resolve_production(obj: CostingSetup) -> list[dict]:
        return [{"product": code, "article": ref} for code, ref in sorted(obj.production.items())]


class CostingSetupIn(Schema):
    centres_axis: RequiredId = Field(..., description="id de l'axe des centres d'analyse (principaux, auxiliaires)")
    products_axis: RequiredId = Field(..., description="id de l'axe des produits")
    keys: list[CostingKeyIn] = Field([], max_length=500, description="clés de répartition (100 % par auxiliaire)")
    units: list[CostingUnitIn] = Field([], max_length=200)
    production: list[CostingMadeIn] = Field([], max_length=200)


class CostingFilters(Paging):
    exercice: OptionalId = Field(None, description="id de l'exercice")


@guarded(router, "GET", "/couts-complets/parametres", "finance.view", response=Page[CostingSetupOut])
def list_costing_setups(request, filters: Query[CostingFilters]):
    """The full-costing settings of each fiscal year (the latest year first)."""
    data = filters.dict()
    rows = CostingSetup.objects.all()
    if data["exercice"]:
        rows = rows.filter(fiscal_year_id=data["exercice"])
    return sorted_page(rows, data, {"exercice": ["fiscal_year__start_date"]}, "-exercice")


@guarded(router, "GET", "/exercices/{year_id}/couts-complets", "finance.view", response=CostingSetupOut)
def get_costing_setup(request, year_id: ObjectId):
    """The year's full-costing settings (404 while the costing page has not saved any)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(CostingSetup, fiscal_year_id=year_id)


def _pairs(rows, key: str, what: str) -> dict:
    found: dict = {}
    for row in rows:
        if row[key] in found:
            raise ValidationError({what: [f"{row[key]} figure deux fois."]})
        found[row[key]] = row
    return found


@guarded(router, "PUT", "/exercices/{year_id}/couts-complets", "finance.edit", response=CostingSetupOut)
def save_costing_setup(request, year_id: ObjectId, payload: CostingSetupIn):
    """The year's full-costing settings replaced whole, checked by the costing page's service (keys of each
    auxiliary centre summing to 100 %, work units of main centres, known products…): a refusal is a 409 with every
    problem in French, nothing written."""
    from pilote.finance import services
    from pilote.ledger.models import AnalyticAxis, FiscalYear

    year = fetch(FiscalYear, year_id)
    axes = AnalyticAxis.objects.in_bulk([payload.centres_axis, payload.products_axis])
    missing = {name: ["Axe analytique inconnu."] for name in ("centres_axis", "products_axis")
               if getattr(payload, name) not in axes}  # fmt: skip
    if missing:
        raise ValidationError(missing)
    keys: dict[str, dict[str, Decimal]] = {}
    for row in payload.keys:
        if row.target in keys.get(row.auxiliary, {}):
            raise ValidationError({"keys": [f"{row.auxiliary} → {row.target} figure deux fois."]})
        keys.setdefault(row.auxiliary, {})[row.target] = row.percent
    units = {}
    for unit in payload.units:
        if unit.centre in units:
            raise ValidationError({"units": [f"Le centre {unit.centre} figure deux fois."]})
        usage = _pairs([u.dict() for u in unit.usage], "product", "units")
        units[unit.centre] = (unit.label.strip(), unit.number, {code: row["units"] for code, row in usage.items()})
    production = {code: row["article"].strip() for code, row in
                  _pairs([m.dict() for m in payload.production], "product", "production").items()}  # fmt: skip
    services.save_costing_setup(actor=request.auth, fiscal_year=year, centres_axis=axes[payload.centres_axis],
                                products_axis=axes[payload.products_axis], keys=keys, units=units,
                                production=production)  # fmt: skip
    return CostingSetup.objects.get(fiscal_year=year)


# --- sales budgeted per article -------------------------------------------------------------------------------

Quantity = Annotated[Decimal, Field(ge=0, le=10**10, max_digits=14, decimal_places=3)]
Amount = Annotated[Decimal, Field(ge=0, le=10**11, max_digits=14, decimal_places=2)]
# the budget page's form names its fields in French: its refusals are given under the API's names
FORM_NAMES = {"article": "article", "periode": "month", "quantite": "quantity", "montant": "amount"}


class BudgetSalesLineOut(Schema):
    id: int
    budget_id: int
    article_id: int
    article_reference: str
    article_name: str
    month: dt.date = Field(description="le premier jour du mois")
    quantity: Decimal
    amount: Decimal = Field(description="montant HT")

    @staticmethod
    def resolve_article_reference(obj: BudgetSalesLine) -> str:
        return obj.article.reference

    @staticmethod
    def resolve_article_name(obj: BudgetSalesLine) -> str:
        return obj.article.name


class BudgetSalesFilters(Paging):
    article: OptionalId = Field(None, description="id de l'article")
    mois: Day | None = Field(None, description="un jour du mois voulu")
    tri: str = Field("article", description="article, mois, quantite, montant ; préfixe - décroissant")


SALES_SORTS = {"article": ["article__reference", "month"], "mois": ["month", "article__reference"],
               "quantite": ["quantity"], "montant": ["amount"]}  # fmt: skip


def _lines(budget: Budget):
    return BudgetSalesLine.objects.filter(budget=budget).select_related("article")


@guarded(router, "GET", "/budgets/{budget_id}/ventes-articles", "finance.view", response=Page[BudgetSalesLineOut])
def list_budget_sales(request, budget_id: ObjectId, filters: Query[BudgetSalesFilters]):
    """The budget's sales per article and month, as the budget page's « Ventes par article » lists them."""
    data = filters.dict()
    rows = _lines(fetch(Budget, budget_id))
    if data["article"]:
        rows = rows.filter(article_id=data["article"])
    if data["mois"]:
        rows = rows.filter(month=data["mois"].replace(day=1))
    return sorted_page(rows, data, SALES_SORTS, "article")


@guarded(router, "GET", "/ventes-articles-budget/{sales_line_id}", "finance.view", response=BudgetSalesLineOut)
def get_budget_sales_line(request, sales_line_id: ObjectId):
    return fetch(BudgetSalesLine.objects.select_related("article"), sales_line_id)


def _set_sales(request, budget: Budget, article, month: dt.date | None, quantity, amount) -> None:
    """One article's sales for one month (or the whole year spread) through the budget page's form and service."""
    from pilote.finance import services
    from pilote.finance.forms import budget_sales_form
    from pilote.finance.queries import year_months

    months = year_months(budget.fiscal_year)
    if month is None:
        period = "annee"
    elif month.replace(day=1) in months:
        period = str(months.index(month.replace(day=1)))
    else:
        raise ValidationError({"month": [f"Le mois {month:%m/%Y} n'est pas dans l'exercice du budget."]})
    form = budget_sales_form(months, {"article": article, "periode": period, "quantite": quantity, "montant": amount})
    if not form.is_valid():
        raise ValidationError({FORM_NAMES.get(name, name): [error["message"] for error in errors]
                               for name, errors in form.errors.get_json_data().items()})  # fmt: skip
    services.set_budget_sales_from_form(actor=request.auth, budget=budget, data=form.cleaned_data)


class BudgetSalesIn(Schema):
    article: RequiredId = Field(..., description="id d'un article actif du catalogue")
    month: Day | None = Field(None, description="un jour du mois ; vide : toute l'année, répartie sur douze mois")
    quantity: Quantity
    amount: Amount = Field(..., description="montant HT")


@guarded(router, "POST", "/budgets/{budget_id}/ventes-articles", "finance.budget",
         response={201: list[BudgetSalesLineOut]})  # fmt: skip
def set_budget_sales(request, budget_id: ObjectId, payload: BudgetSalesIn):
    """An article's sales for one month (its other months kept) or for the year spread over its twelve months,
    as the budget page records them; a centre's budget: 409 (sales per article are the structure's). Returns the
    article's lines."""
    budget = fetch(Budget.objects.select_related("fiscal_year"), budget_id)
    _set_sales(request, budget, payload.article, payload.month, payload.quantity, payload.amount)
    return Status(201, list(_lines(budget).filter(article_id=payload.article).order_by("month")))


class BudgetSalesChangeIn(Schema):
    quantity: Quantity | None = None
    amount: Amount | None = Field(None, description="montant HT")


@guarded(router, "PATCH", "/ventes-articles-budget/{sales_line_id}", "finance.budget", response=BudgetSalesLineOut)
def change_budget_sales_line(request, sales_line_id: ObjectId, payload: BudgetSalesChangeIn):
    """A month's quantity or amount changed (the line keeps its id); to remove the month, delete the line."""
    line = fetch(BudgetSalesLine.objects.select_related("budget__fiscal_year", "article"), sales_line_id)
    quantity = line.quantity if payload.quantity is None else payload.quantity
    amount = line.amount if payload.amount is None else payload.amount
    if not quantity and not amount:
        raise ValidationError({"quantity": ["Une ligne sans quantité ni montant se supprime (DELETE)."]})
    _set_sales(request, line.budget, line.article_id, line.month, quantity, amount)
    return fetch(BudgetSalesLine.objects.select_related("article"), sales_line_id)


@guarded(router, "DELETE", "/ventes-articles-budget/{sales_line_id}", "finance.budget", response={204: None})
def delete_budget_sales_line(request, sales_line_id: ObjectId):
    """The month removed from the article's budgeted sales (its other months kept)."""
    line = fetch(BudgetSalesLine.objects.select_related("budget__fiscal_year"), sales_line_id)
    _set_sales(request, line.budget, line.article_id, line.month, Decimal(0), Decimal(0))
    return Status(204, None)
