"""Expenses added to, and removed from, an existing draft expense report over the API (apid): the expense and its
receipt (base64) checked by the report page's line form and stored by `hr.services.expenses.add_line`, the page's
way — the employee or HR, while the report is a draft or refused; a report the caller may not open: 404."""

from django.http import Http404
from ninja import Router, Status

from pilote.api.base import ObjectId, fetch, guarded
from pilote.api.hr_people import ExpenseLineIn, ExpenseReportOut, expense_line_fields
from pilote.hr.models import ExpenseLine, ExpenseReport
from pilote.hr.services import expenses as expense_services

router = Router(tags=["RH"])


def _opened(request, report: ExpenseReport) -> ExpenseReport:
    if not expense_services.can_open(request.auth, report):
        raise Http404  # not a report this caller may see
    return report


@guarded(router, "POST", "/notes-de-frais/{report_id}/depenses", "hr.self", response={201: ExpenseReportOut})
def add_expense_line(request, report_id: ObjectId, payload: ExpenseLineIn):
    """An expense with its receipt (photo JPEG, PNG or PDF in base64) added to the report, as on its page; a report
    already submitted, approved or posted: 409, nothing written."""
    report = _opened(request, fetch(ExpenseReport.objects.select_related("employee__manager"), report_id))
    fields = expense_line_fields(payload)
    expense_services.add_line(actor=request.auth, report=report, **fields)
    return Status(201, fetch(ExpenseReport, report_id))


@guarded(router, "DELETE", "/depenses-notes-de-frais/{expense_line_id}", "hr.self", response={204: None})
def remove_expense_line(request, expense_line_id: ObjectId):
    """An expense removed from its report (its receipt deleted with it), as on the report's page."""
    line = fetch(ExpenseLine.objects.select_related("report__employee__manager"), expense_line_id)
    _opened(request, line.report)
    expense_services.remove_line(actor=request.auth, line=line)
    return Status(204, None)
