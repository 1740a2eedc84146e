"""Expense reports paid back by SEPA transfer (comptable, direction): the posted reports to choose, the bank
account and the execution date; the answer is the pain.001 file, the reports reimbursed in the books."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.hr.forms import ExpenseTransferForm
from pilote.hr.services import transfers as services


@require_perm("hr.expenses.post")
def expense_transfer(request):
    reports = list(services.payable()[:500])
    form = ExpenseTransferForm(request.POST or None, reports=reports)
    if request.method == "POST" and form.is_valid():
        try:
            xml = services.pay_by_transfer(actor=request.user, reports=form.chosen(),
                                           execution_date=form.cleaned_data["on"],
                                           bank_account=form.cleaned_data["bank_account"])  # fmt: skip
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            response = HttpResponse(xml, content_type="application/xml")
            name = f"virement-notes-de-frais-{form.cleaned_data['on']:%Y-%m-%d}.xml"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    selected = set(request.POST.getlist("reports")) if request.method == "POST" else {str(r.pk) for r in reports}
    rows = [(r, services.iban(r.employee), str(r.pk) in selected) for r in reports]
    return render(request, "hr/expense_transfer.html", {"form": form, "rows": rows})
