"""Finance beyond diagnosis, budgets and the cash plan (apia): loans with their repayment schedule (they feed the
cash plan), the break-even analysis (variable and fixed costs, threshold, point mort) and the variable share of a
cost account it reads — each write through the page's form and `finance.services`."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import Day, ObjectId, RequiredId, fetch, guarded, through_form
from pilote.api.finance import DiagnosisFilters
from pilote.finance.models import Loan

router = Router(tags=["Finance"])


class LoanInstalmentOut(Schema):
    number: int
    day: dt.date
    payment: Decimal
    interest: Decimal
    principal: Decimal
    remaining: Decimal


class LoanOut(Schema):
    id: int
    label: str
    lender: str
    principal: Decimal
    annual_rate: Decimal
    months: int
    first_due: dt.date
    constant_capital: bool


class LoanDetailOut(LoanOut):
    schedule: list[LoanInstalmentOut] = Field(description="échéancier : mensualité, intérêts, capital, restant dû")

    @staticmethod
    def resolve_schedule(obj: Loan):
        from pilote.finance import forecast

        return forecast.loan_schedule(obj.principal, obj.annual_rate, obj.months, obj.first_due,
                                      constant_capital=obj.constant_capital)  # fmt: skip


@guarded(router, "GET", "/emprunts", "finance.view", response=list[LoanOut])
def list_loans(request):
    """The loans of the cash plan, by first instalment."""
    return list(Loan.objects.all())


@guarded(router, "GET", "/emprunts/{loan_id}", "finance.view", response=LoanDetailOut)
def get_loan(request, loan_id: ObjectId):
    return fetch(Loan, loan_id)


class LoanIn(Schema):
    label: str = Field(..., max_length=120)
    lender: str = Field("", max_length=120)
    principal: Decimal = Field(..., max_digits=14, description="capital emprunté (€)")
    annual_rate: Decimal = Field(..., max_digits=6, description="taux annuel (%)")
    months: int = Field(..., ge=1, le=600, description="durée (mois)")
    first_due: Day
    constant_capital: bool = Field(False, description="amortissement constant (sinon mensualités constantes)")


@guarded(router, "POST", "/emprunts", "finance.edit", response={201: LoanDetailOut})
def create_loan(request, payload: LoanIn):
    """A loan added to the cash plan, checked by the page's form and `services.create_loan`."""
    from pilote.finance import services
    from pilote.finance.forms import LoanForm

    return Status(201, services.create_loan(actor=request.auth, **through_form(LoanForm, payload)))


@guarded(router, "DELETE", "/emprunts/{loan_id}", "finance.edit", response={204: None})
def delete_loan(request, loan_id: ObjectId):
    from pilote.finance import services

    services.delete_loan(actor=request.auth, loan=fetch(Loan, loan_id))
    return Status(204, None)


class CostLineOut(Schema):
    code: str
    label: str
    amount: Decimal
    share: Decimal = Field(description="part variable (%)")
    is_default: bool = Field(description="part proposée par défaut pour ce compte")
    variable: Decimal
    fixed: Decimal


class BreakEvenOut(Schema):
    exercice: int
    date: dt.date
    revenue: Decimal
    variable_costs: Decimal
    fixed_costs: Decimal
    contribution_margin: Decimal
    contribution_rate: Decimal | None = Field(description="taux de marge sur coûts variables (%)")
    threshold: Decimal | None = Field(description="seuil de rentabilité ; vide si la marge n'est pas positive")
    result: Decimal
    safety_margin: Decimal | None
    safety_index: Decimal | None
    leverage: Decimal | None
    days: Decimal | None = Field(description="point mort en jours (année de 360 jours)")
    point_mort: dt.date | None = Field(description="date du point mort, activité régulière")
    seasonal_point_mort: dt.date | None = Field(description="date du point mort d'après les ventes mensuelles")
    lines: list[CostLineOut]


@guarded(router, "GET", "/seuil-de-rentabilite", "finance.view", response=BreakEvenOut)
def break_even(request, filters: Query[DiagnosisFilters]):
    """The break-even page's figures for the period (`exercice`, `date` as for the diagnosis; a year that does not
    close in `exercice`, or a date outside it, is a French 409)."""
    from dataclasses import asdict

    from pilote.finance import queries
    from pilote.ledger.models import Account

    period = queries.diagnosis_period(filters.exercice, filters.date)
    diagnosis = queries.diagnosis(period)
    labels = dict(Account.objects.filter(code__in=list(diagnosis.figures)).values_list("code", "label"))
    report = queries.break_even_report(diagnosis, labels)
    return {"exercice": period.year.end_date.year, "date": period.day, **asdict(report.result),
            "point_mort": report.date, "seasonal_point_mort": report.seasonal_date, "lines": report.lines}  # fmt: skip


class CostBehaviourIn(Schema):
    compte: str = Field(..., max_length=20, description="compte de charges (classe 6)")
    part: Decimal = Field(..., ge=0, le=100, max_digits=5, description="part variable (%)")


class CostBehaviourOut(Schema):
    compte: str
    part: Decimal


@guarded(router, "PUT", "/seuil-de-rentabilite/part-variable", "finance.edit", response=CostBehaviourOut)
def set_cost_behaviour(request, payload: CostBehaviourIn):
    """The variable share of a cost account in the break-even analysis (its default share removes the setting)."""
    from django.core.exceptions import ValidationError

    from pilote.finance import services
    from pilote.finance.forms import CostBehaviourForm
    from pilote.ledger.models import Account

    data = through_form(CostBehaviourForm, payload)
    account = Account.objects.filter(code=data["compte"]).first()
    if account is None:
        raise ValidationError({"compte": [f"Compte {data['compte']} inconnu du plan comptable."]})
    services.set_cost_behaviour(actor=request.auth, account=account, variable_share=data["part"])
    return {"compte": account.code, "part": data["part"]}


# --- cost allocation: the analytic default distributions ----------------------------------------------------------


class ShareIn(Schema):
    section: RequiredId = Field(..., description="id d'une section active de l'axe")
    percent: Decimal = Field(..., gt=0, le=100, max_digits=7, description="part (%)")


class DistributionIn(Schema):
    compte: str = Field(..., max_length=20, description="compte de charges (6) ou de produits (7)")
    parts: list[ShareIn] = Field(..., max_length=100, description="parts dont la somme fait 100 % ; vide : supprimée")


class DistributionOut(Schema):
    axis_id: int
    compte: str
    parts: dict[str, Decimal] = Field(description="code de section → part (%)")


@guarded(router, "PUT", "/axes-analytiques/{axis_id}/ventilation", "finance.edit", response=DistributionOut)
def set_distribution(request, axis_id: ObjectId, payload: DistributionIn):
    """An account's default distribution on the axis (its later lines are distributed so), as the analytic set-up page
    records it: the shares checked by `ledger.analytics.set_defaults` (sum of 100 %, sections of this axis)."""
    from django.core.exceptions import ValidationError

    from pilote.ledger import analytics
    from pilote.ledger.models import Account, AnalyticAxis

    axis = fetch(AnalyticAxis, axis_id)
    account = Account.objects.filter(code=payload.compte.strip()).first()
    if account is None:
        raise ValidationError({"compte": [f"Compte « {payload.compte[:20]} » inconnu du plan comptable."]})
    sections = {section.pk: section for section in axis.sections.filter(is_active=True)}
    unknown = [str(share.section) for share in payload.parts if share.section not in sections]
    if unknown:
        raise ValidationError({"parts": [f"Section(s) {', '.join(unknown)} : pas une section active de l'axe."]})
    shares = [(sections[share.section], share.percent) for share in payload.parts]
    analytics.set_defaults(actor=request.auth, axis=axis, account=account, shares=shares)
    return {"axis_id": axis.pk, "compte": account.code,
            "parts": {section.code: percent for section, percent in shares}}  # fmt: skip


class ApplyIn(Schema):
    exercice: RequiredId = Field(..., description="id d'un exercice ouvert")


class AppliedOut(Schema):
    lines: int = Field(description="lignes analytiques écrites")


@guarded(router, "POST", "/ventilation-analytique/application", "finance.edit", response=AppliedOut)
def apply_distributions(request, payload: ApplyIn):
    """The default distributions applied to the open year's posted lines not distributed yet."""
    from django.core.exceptions import ValidationError

    from pilote.ledger import analytics
    from pilote.ledger.models import FiscalYear

    year = FiscalYear.objects.filter(pk=payload.exercice, status="open").first()
    if year is None:
        raise ValidationError({"exercice": ["Choisissez un exercice ouvert."]})
    return {"lines": analytics.apply_defaults(actor=request.auth, fiscal_year=year)}
