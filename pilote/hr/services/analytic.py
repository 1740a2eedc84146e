"""An employee's analytic distribution (where their pay goes), kept per axis."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.hr.models import Employee, EmployeeAnalytic


def shares_of(axis, parts: dict[int, Decimal | None]) -> list[tuple[object, Decimal]]:
    """The shares typed for `axis` (section id → percentage; blank or zero: not in the distribution) with their
    sections; an unknown or inactive section of the axis is left to `set_employee_analytic`'s French refusal."""
    from pilote.ledger.models import AnalyticSection

    sections = AnalyticSection.objects.in_bulk([pk for pk, value in parts.items() if value])
    missing = [pk for pk, value in parts.items() if value and pk not in sections]
    if missing:
        raise DomainError(f"Section analytique inconnue : {', '.join(str(pk) for pk in missing)}.")
    return [(sections[pk], value) for pk, value in parts.items() if value]


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
