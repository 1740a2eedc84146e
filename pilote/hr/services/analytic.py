"""An employee's analytic distribution (where their pay goes), kept per axis."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.hr.models import Employee, EmployeeAnalytic


@transaction.atomic
def set_employee_analytic(*, actor, employee: Employee, axis, shares: list[tuple[object, Decimal]]) -> None:
    """Replace the employee's shares on one axis (percentages adding up to 100 %; none removes the axis)."""
    from pilote.ledger.analytics import percent_problems

    owner = f"Ventilation de {employee.full_name}"
    problems = percent_problems(shares, owner)
    if any(section.axis_id != axis.pk or not section.is_active for section, _p in shares):
        problems.append(f"{owner} : choisissez des sections actives de l'axe {axis.code}.")
    if problems:
        raise DomainError(" ".join(problems))
    owned = EmployeeAnalytic.objects.filter(employee=employee, section__axis=axis)
    before = {row.section.code: str(row.percent) for row in owned.select_related("section")}
    owned.delete()
    EmployeeAnalytic.objects.bulk_create(
        EmployeeAnalytic(employee=employee, section=section, percent=percent) for section, percent in shares
    )
    audit.record(actor, "hr.analytic.set", employee, before=before,
                 after={"axe": axis.code, **{s.code: str(p) for s, p in shares}})  # fmt: skip
