"""Associations over the API beyond members, donations and grants' awards (apiops): the association's settings (read,
changed with `version`), contributions in kind (listed, read, recorded and posted), a grant's deadlines (added,
met), budget lines (set, removed), signed agreement (attached, downloaded), financial report (figures, texts,
e-mailed to the funder) and dedicated funds (carried, used), the year's tax receipts issued in a batch and a receipt
e-mailed — each checked by the page's form and made by `associations.services`, as on the pages; another kind of
structure gets their French refusal (404)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import FileResponse, Http404
from ninja import Field, Query, Router, Schema, Status

from pilote.api.associations import FundMoveOut, GrantBudgetLineOut, GrantDeadlineOut, GrantDetailOut, ReceiptOut
from pilote.api.base import (
    Day,
    ObjectId,
    OptionalId,
    Page,
    Paging,
    fetch,
    only_for,
    sorted_page,
    through_form,
    uploaded_base64,
)
from pilote.associations import access, forms
from pilote.associations.models import (
    Grant,
    GrantBudgetLine,
    GrantDeadline,
    InKindContribution,
    ReceiptCategory,
    TaxReceipt,
)
from pilote.associations.queries import grants as grant_queries
from pilote.associations.queries import volunteering as volunteer_queries
from pilote.associations.services import grants, receipts, volunteering
from pilote.associations.services import settings as settings_services
from pilote.lib.dates import local_today

router = Router(tags=["Associations"])
operation = only_for(router, access.is_for, access.REFUSAL)  # the associations pages' own rule

Category = Literal[tuple(ReceiptCategory.values)]  # type: ignore[valid-type]


# --- the association's settings -------------------------------------------------------------------------------


class AssociationSettingsOut(Schema):
    purpose: str
    category: str
    help_in_need: bool
    signatory_name: str
    signatory_title: str
    quorum_percent: int
    volunteer_rate: Decimal
    version: int


class AssociationSettingsIn(Schema):
    purpose: str | None = None
    category: Category | None = None
    help_in_need: bool | None = None
    signatory_name: str | None = Field(None, max_length=120)
    signatory_title: str | None = Field(None, max_length=120)
    quorum_percent: int | None = Field(None, ge=0, le=100)
    volunteer_rate: Decimal | None = Field(None, max_digits=12, decimal_places=2,
                                           description="valorisation d'une heure de bénévolat (€)")  # fmt: skip
    version: int | None = Field(None, description="Version lue ; si les paramètres ont changé depuis, réponse 409.")


@operation("GET", "/parametres-association", "associations.view", response=AssociationSettingsOut)
def get_association_settings(request):
    """What the tax receipts print (object, category, signatory), the general meeting's quorum, the volunteers'
    hourly value, as the associations' home shows them."""
    return receipts.settings_row()


@operation("PATCH", "/parametres-association", "associations.settings", response=AssociationSettingsOut)
def change_association_settings(request, payload: AssociationSettingsIn):
    """The fields sent changed, through the settings page's form and service."""
    fields = through_form(forms.SettingsForm, payload.dict(exclude={"version"}, exclude_unset=True),
                          instance=receipts.settings_row())  # fmt: skip
    return settings_services.update_settings(actor=request.auth, expected_version=payload.version, **fields)


# --- contributions in kind -------------------------------------------------------------------------------------


class InKindOut(Schema):
    id: int
    date: dt.date
    kind: str
    contributor_id: int | None
    description: str
    amount: Decimal
    entry_id: int


class InKindIn(Schema):
    date: Day
    kind: Literal["biens", "mise_a_disposition", "prestations"]
    contributor: OptionalId = Field(None, description="id du contact qui l'apporte (facultatif)")
    description: str = Field(..., max_length=200)
    amount: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2, description="valorisation (€)")


class InKindFilters(Paging):
    q: str = Field("", max_length=100, description="mot de la description")
    annee: int | None = Field(None, ge=1900, le=2199)
    tri: str = Field(volunteer_queries.IN_KIND_DEFAULT_SORT, description="date, nature, montant ; préfixe -")


@operation("GET", "/contributions-en-nature", "associations.view", response=Page[InKindOut])
def list_in_kind(request, filters: Query[InKindFilters]):
    data = filters.dict()
    rows = volunteer_queries.filter_in_kind(data)
    return sorted_page(rows, data, volunteer_queries.IN_KIND_SORTS, volunteer_queries.IN_KIND_DEFAULT_SORT)


@operation("GET", "/contributions-en-nature/{in_kind_id}", "associations.view", response=InKindOut)
def get_in_kind(request, in_kind_id: ObjectId):
    return fetch(InKindContribution, in_kind_id)


@operation("POST", "/contributions-en-nature", "associations.edit", response={201: InKindOut})
def record_in_kind(request, payload: InKindIn):
    """Recorded and posted below the result (860/870, 861/871, 862/871), as on the page; once posted it is not
    changed (no page changes it: a mistake is reversed in the books)."""
    fields = through_form(forms.InKindForm, payload)
    return Status(201, volunteering.record_in_kind(actor=request.auth, **fields))


# --- a grant's deadlines, budget, agreement, financial report, dedicated funds ---------------------------------


class GrantDeadlineIn(Schema):
    label: str = Field(..., max_length=200)
    due_on: Day


class GrantBudgetLineIn(Schema):
    nature: str = Field(..., max_length=2, description="compte de charges ou de produits à deux chiffres : 60, 74…")
    label: str = Field("", max_length=120)
    amount: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)


class AgreementIn(Schema):
    file_name: str = Field(..., max_length=200, description="nom du fichier : .pdf, .png, .jpg, .docx, .odt")
    content_base64: str = Field(..., max_length=28 * 1024 * 1024, description="le contenu du fichier en base64")


class ReportLineOut(Schema):
    nature: str
    label: str
    budget: Decimal
    actual: Decimal
    variance: Decimal
    variance_rate: Decimal | None = Field(None, description="écart en % du budget")


class FinancialReportOut(Schema):
    grant_id: int
    charges: list[ReportLineOut]
    income: list[ReportLineOut]
    charges_budget: Decimal
    charges_actual: Decimal
    income_budget: Decimal
    income_actual: Decimal
    fund_balance: Decimal = Field(description="fonds dédiés restant à utiliser")
    report_summary: str
    report_variances: str
    report_beneficiaries: str


class ReportTextsIn(Schema):
    report_summary: str | None = Field(None, description="actions réalisées")
    report_variances: str | None = Field(None, description="écarts entre le budget et le réalisé")
    report_beneficiaries: str | None = Field(None, description="bénéficiaires et évaluation")


class FundsIn(Schema):
    date: Day = Field(..., description="report : la clôture de l'exercice ; utilisation : le jour de l'utilisation")


def _report(grant: Grant) -> dict:
    report = grant_queries.financial_report(grant)
    texts = {name: getattr(grant, name) for name in ("report_summary", "report_variances", "report_beneficiaries")}
    return {**report, **texts, "grant_id": grant.pk, "fund_balance": grant_queries.fund_balance(grant)}


@operation("POST", "/subventions/{grant_id}/echeances", "associations.edit", response={201: GrantDeadlineOut})
def add_grant_deadline(request, grant_id: ObjectId, payload: GrantDeadlineIn):
    grant = fetch(Grant, grant_id)
    fields = through_form(forms.DeadlineForm, payload)
    return Status(201, grants.add_deadline(actor=request.auth, grant=grant, **fields))


@operation("POST", "/subventions/echeances/{grant_deadline_id}/fait", "associations.edit", response=GrantDeadlineOut)
def complete_grant_deadline(request, grant_deadline_id: ObjectId):
    """Met today, as on the grant's page (once: 409)."""
    deadline = fetch(GrantDeadline, grant_deadline_id)
    return grants.complete_deadline(actor=request.auth, deadline=deadline, done_on=local_today())


@operation("PUT", "/subventions/{grant_id}/budget", "associations.edit", response=GrantBudgetLineOut)
def set_grant_budget_line(request, grant_id: ObjectId, payload: GrantBudgetLineIn):
    """A nature's budget set (created, or its amount and label replaced), as on the grant's page."""
    grant = fetch(Grant, grant_id)
    fields = through_form(forms.BudgetLineForm, payload)
    return grants.set_budget_line(actor=request.auth, grant=grant, **fields)


@operation("DELETE", "/subventions/budget/{budget_line_id}", "associations.edit", response={204: None})
def delete_grant_budget_line(request, budget_line_id: ObjectId):
    grants.delete_budget_line(actor=request.auth, line=fetch(GrantBudgetLine, budget_line_id))
    return Status(204, None)


@operation("PUT", "/subventions/{grant_id}/convention", "associations.edit", response=GrantDetailOut)
def attach_grant_agreement(request, grant_id: ObjectId, payload: AgreementIn):
    """The signed agreement attached (it replaces the former one): a PDF, an image or a .docx / .odt, checked as
    on the page (size, type read from its first bytes)."""
    grant = fetch(Grant, grant_id)
    upload = uploaded_base64(payload.file_name, payload.content_base64)
    upload = through_form(forms.AgreementForm, {}, files={"file": upload})["file"]
    return grants.attach_agreement(actor=request.auth, grant=grant, upload=upload)


@operation("GET", "/subventions/{grant_id}/convention", "associations.view")
def download_grant_agreement(request, grant_id: ObjectId):
    grant = fetch(Grant, grant_id)
    handle = grants.agreement_file(grant)
    if handle is None:
        raise Http404
    return FileResponse(handle, as_attachment=True, filename=grant.agreement_name or f"convention-{grant.code}")


@operation("GET", "/subventions/{grant_id}/compte-rendu", "associations.view", response=FinancialReportOut)
def get_financial_report(request, grant_id: ObjectId):
    """The financial report (Cerfa 15059): the action's budget against its actual by nature, and its texts."""
    return _report(fetch(Grant, grant_id))


@operation("PATCH", "/subventions/{grant_id}/compte-rendu", "associations.edit", response=FinancialReportOut)
def change_financial_report(request, grant_id: ObjectId, payload: ReportTextsIn):
    """The report's texts sent replaced, as on the grant's page."""
    grant = fetch(Grant, grant_id)
    current = {name: getattr(grant, name) for name in ("report_summary", "report_variances", "report_beneficiaries")}
    fields = through_form(forms.ReportForm, payload, current=current)
    return _report(grants.update_report(actor=request.auth, grant=grant, **fields))


@operation("POST", "/subventions/{grant_id}/compte-rendu/envoi", "associations.edit", response={204: None})
def send_financial_report(request, grant_id: ObjectId):
    """The report's PDF e-mailed to the funder (a funder without an e-mail address: 409)."""
    grant = fetch(Grant.objects.select_related("funder"), grant_id)
    grants.send_financial_report(actor=request.auth, grant=grant, structure=request.structure)
    return Status(204, None)


@operation("POST", "/subventions/{grant_id}/fonds-dedies/report", "associations.receipts", response={201: FundMoveOut})
def carry_dedicated_funds(request, grant_id: ObjectId, payload: FundsIn):
    """At a year end, the earmarked grant's unused part carried to dedicated funds (6894 / 194), as on its page."""
    grant = fetch(Grant, grant_id)
    day = through_form(forms.FundsForm, payload)["date"]
    return Status(201, grants.carry_unused(actor=request.auth, grant=grant, year_end=day))


@operation("POST", "/subventions/{grant_id}/fonds-dedies/utilisation", "associations.receipts",
           response={201: FundMoveOut})  # fmt: skip
def use_dedicated_funds(request, grant_id: ObjectId, payload: FundsIn):
    """Dedicated funds back as income (194 / 7894), up to the action's charges since the carry."""
    grant = fetch(Grant, grant_id)
    day = through_form(forms.FundsForm, payload)["date"]
    return Status(201, grants.use_funds(actor=request.auth, grant=grant, on=day))


# --- tax receipts: the year's batch, a receipt e-mailed ----------------------------------------------------------


class ReceiptBatchIn(Schema):
    year: int = Field(..., ge=1900, le=2199, description="année des dons")
    issued_on: Day | None = Field(None, description="date d'émission ; défaut : aujourd'hui")


@operation("POST", "/recus-fiscaux-annuels", "associations.receipts", response={201: list[ReceiptOut]})
def issue_yearly_receipts(request, payload: ReceiptBatchIn):
    """One receipt per donor for the year's gifts not yet covered, numbered in sequence, as the batch page issues
    them (none waiting: an empty list)."""
    data = through_form(forms.BatchForm, {"year": payload.year, "issued_on": payload.issued_on or local_today()})
    issued = receipts.issue_yearly_receipts(actor=request.auth, year=data["year"], issued_on=data["issued_on"])
    return Status(201, issued)


@operation("POST", "/recus-fiscaux/{receipt_id}/envoi", "associations.receipts", response={204: None})
def send_receipt(request, receipt_id: ObjectId):
    """The receipt's PDF e-mailed to the donor, as on its page (a donor without an e-mail address: 409)."""
    receipt = fetch(TaxReceipt.objects.select_related("donor"), receipt_id)
    receipts.send_receipt(actor=request.auth, receipt=receipt)
    return Status(204, None)
