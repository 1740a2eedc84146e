"""Projects over the API beyond projects, tasks, dependencies added and time (apiops): a project's budget by nature
(read against its actual, set), a dependency removed, the time not yet invoiced turned into a draft sales invoice —
through the pages' forms and `projects.services`, with their permissions."""

from decimal import Decimal

from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from pilote.api.base import Day, ObjectId, fetch, guarded, through_form
from pilote.api.sales import InvoiceDetailOut
from pilote.core.permissions import user_can
from pilote.projects import queries, services
from pilote.projects.forms import BudgetForm, TimeInvoiceForm
from pilote.projects.models import Dependency, Project

router = Router(tags=["Projets"])

BudgetAmount = Decimal | None


class BudgetRowOut(Schema):
    nature: str
    label: str
    budget: Decimal
    actual: Decimal
    is_income: bool
    variance: Decimal
    consumed_percent: Decimal | None = Field(None, description="réalisé en % du budget")


class ProjectBudgetOut(Schema):
    project_id: int
    rows: list[BudgetRowOut] = Field(description="par nature : budget et réalisé (analytique du projet)")
    budget_result: Decimal
    actual_result: Decimal


class ProjectBudgetIn(Schema):
    """One amount per nature (HT); a nature absent, null or at zero has no budget — the whole budget is replaced,
    as the page's form does."""

    purchases: BudgetAmount = Field(None, ge=0, max_digits=12, decimal_places=2, description="Achats (60)")
    external: BudgetAmount = Field(None, ge=0, max_digits=12, decimal_places=2, description="Services extérieurs")
    taxes: BudgetAmount = Field(None, ge=0, max_digits=12, decimal_places=2, description="Impôts et taxes (63)")
    staff: BudgetAmount = Field(None, ge=0, max_digits=12, decimal_places=2, description="Charges de personnel (64)")
    other: BudgetAmount = Field(None, ge=0, max_digits=12, decimal_places=2, description="Autres charges (65 à 68)")
    income: BudgetAmount = Field(None, ge=0, max_digits=12, decimal_places=2, description="Produits (70 à 78)")


class TimeInvoiceIn(Schema):
    until: Day = Field(..., description="le temps passé jusqu'à ce jour")
    date: Day = Field(..., description="date de la facture")


def _budget(project: Project) -> dict:
    comparison = queries.budget_comparison(project)
    if comparison is None:
        return {"project_id": project.pk, "rows": [], "budget_result": 0, "actual_result": 0}
    return {"project_id": project.pk, "rows": comparison.rows, "budget_result": comparison.budget_result,
            "actual_result": comparison.actual_result}  # fmt: skip


@guarded(router, "GET", "/projets/{project_id}/budget", "projects.view", response=ProjectBudgetOut)
def get_project_budget(request, project_id: ObjectId):
    """The budget by nature against the actual of the project's analytic section, as on its page."""
    return _budget(fetch(Project, project_id))


@guarded(router, "PUT", "/projets/{project_id}/budget", "projects.edit", response=ProjectBudgetOut)
def set_project_budget(request, project_id: ObjectId, payload: ProjectBudgetIn):
    project = fetch(Project, project_id)
    current = {line.nature: line.amount for line in project.budget_lines.all()}
    amounts = through_form(BudgetForm, payload.dict(), current={}, budget=current)
    services.set_budget(actor=request.auth, project=project, amounts=amounts)
    return _budget(project)


@guarded(router, "DELETE", "/dependances/{dependency_id}", "projects.edit", response={204: None})
def delete_dependency(request, dependency_id: ObjectId):
    """The link removed and the project's plan recomputed, as on its page."""
    services.unlink(actor=request.auth, link=fetch(Dependency.objects.select_related("successor"), dependency_id))
    return Status(204, None)


@guarded(router, "POST", "/projets/{project_id}/temps/facturation", "projects.edit", response={201: InvoiceDetailOut})
def invoice_project_time(request, project_id: ObjectId, payload: TimeInvoiceIn):
    """A draft invoice of the customer project's time not yet invoiced up to `until`, one line per task (also needs
    the right to invoice); nothing to invoice, no customer or no billing article: 409."""
    from pilote.sales.models import Invoice

    if not user_can(request.auth, "sales.edit"):
        raise HttpError(403, "Votre rôle ne permet pas cette opération.")
    project = fetch(Project, project_id)
    fields = through_form(TimeInvoiceForm, payload)
    draft = services.invoice_time(actor=request.auth, project=project, **fields)
    return Status(201, fetch(Invoice.objects.select_related("customer", "credited_invoice"), draft.pk))
