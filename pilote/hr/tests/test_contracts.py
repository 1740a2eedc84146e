"""Contracts and amendments: legal limits, dated versions, trial and CDD ends in the to-do list, the salary
confidential and its reading audited."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.core.models import AuditEvent
from pilote.hr import contracts as rules
from pilote.hr.services import contracts as services

d = dt.date


def test_trial_period_defaults_by_category_and_cdd_length():
    assert rules.default_trial_end("cdi", "ouvrier_employe", d(2026, 1, 5), None) == d(2026, 3, 4)
    assert rules.default_trial_end("cdi", "cadre", d(2026, 1, 5), None) == d(2026, 5, 4)
    assert rules.default_trial_end("cdd", "ouvrier_employe", d(2026, 1, 5), d(2026, 4, 4)) == d(2026, 1, 16)  # 12 weeks
    assert rules.default_trial_end("cdd", "ouvrier_employe", d(2026, 1, 5), d(2026, 12, 31)) == d(2026, 2, 4)


def test_cdd_needs_a_reason_an_end_at_most_two_renewals_and_18_months():
    terms = rules.Terms("cdd", d(2026, 1, 5), None, "", 35, False, 0)
    assert len(rules.problems(terms)) == 2
    ok = rules.Terms("cdd", d(2026, 1, 5), d(2027, 7, 4), "accroissement", 35, False, 2)
    assert rules.problems(ok) == []
    assert "18 mois" in " ".join(rules.problems(ok.__class__(**{**ok.__dict__, "end": d(2027, 7, 5)})))
    assert "deux fois" in " ".join(rules.problems(ok.__class__(**{**ok.__dict__, "renewals": 3})))
    assert rules.warnings(rules.Terms("cdi", d(2026, 1, 5), None, "", 20, True, 0))


@pytest.mark.django_db
def test_contract_amendments_and_cdd_renewals(hire, personas):
    rh = personas["rh"]
    employee = hire(contract_type="cdd", entry_date=d(2026, 1, 5))
    with pytest.raises(DomainError, match="motif"):
        services.sign_contract(actor=rh, employee=employee, kind="cdd", effective_from=d(2026, 1, 5),
                               end_date=d(2026, 6, 30), monthly_gross=Decimal("2000"))  # fmt: skip
    terms = {"kind": "cdd", "effective_from": d(2026, 1, 5), "end_date": d(2026, 6, 30), "cdd_reason": "remplacement"}
    first = services.sign_contract(actor=rh, employee=employee, monthly_gross=Decimal("2000"), **terms)
    assert first.version == 1 and first.trial_end == d(2026, 1, 18)  # 25 weeks: 14 days at most
    second = services.amend_contract(actor=rh, employee=employee, effective_from=d(2026, 7, 1),
                                     end_date=d(2026, 12, 31), reason="Renouvellement")  # fmt: skip
    third = services.amend_contract(actor=rh, employee=employee, effective_from=d(2027, 1, 1),
                                    end_date=d(2027, 6, 30), reason="Second renouvellement")  # fmt: skip
    assert (second.renewals, third.renewals, third.monthly_gross) == (1, 2, Decimal("2000"))
    with pytest.raises(DomainError, match="deux fois"):
        services.amend_contract(actor=rh, employee=employee, effective_from=d(2027, 7, 1), end_date=d(2027, 7, 3),
                                reason="Troisième")  # fmt: skip
    raise_ = services.amend_contract(actor=rh, employee=employee, effective_from=d(2027, 2, 1),
                                     monthly_gross=Decimal("2100"), reason="Augmentation")  # fmt: skip
    assert raise_.version == 4 and raise_.renewals == 2
    event = AuditEvent.objects.filter(action="hr.contract.amended").latest("id")
    assert "2100" not in str(event.after) and "monthly_gross" in event.after["changed"]


@pytest.mark.django_db
def test_salary_only_for_hr_direction_and_the_employee_reads_are_audited(hire, personas, client_as):
    mine = hire(user=personas["salarie"])
    services.sign_contract(actor=personas["rh"], employee=mine, kind="cdi", effective_from=mine.entry_date,
                           monthly_gross=Decimal("2345.67"))  # fmt: skip
    assert "2 345,67" in client_as("salarie").get(reverse("hr:me")).content.decode().replace("\u202f", " ")
    assert not AuditEvent.objects.filter(action="hr.salary.read").exists()  # one's own salary
    page = client_as("direction").get(reverse("hr:employee-detail", args=[mine.pk])).content.decode()
    assert "2 345,67" in page.replace("\u202f", " ")
    assert AuditEvent.objects.filter(action="hr.salary.read").count() == 1
    for role in ("comptable", "commercial", "assistant", "auditeur"):
        assert client_as(role).get(reverse("hr:employee-detail", args=[mine.pk])).status_code == 403
        assert client_as(role).get(reverse("hr:contract-edit", args=[mine.pk])).status_code == 403


@pytest.mark.django_db
def test_trial_end_and_cdd_end_in_the_todo_list(hire, personas, client_as):
    from django.utils import timezone

    today = timezone.localdate()
    employee = hire(contract_type="cdd", entry_date=today - dt.timedelta(days=20), nir="")
    services.sign_contract(actor=personas["rh"], employee=employee, kind="cdd", effective_from=employee.entry_date,
                           end_date=today + dt.timedelta(days=20), cdd_reason="accroissement",
                           monthly_gross=Decimal("1900"))  # fmt: skip
    page = client_as("rh").get(reverse("core:home")).content.decode()
    assert "Fin du CDD de Alice Marie Durand" in page
    response = client_as("rh").post(reverse("hr:contract-edit", args=[employee.pk]), {
        "kind": "cdd", "effective_from": str(today), "end_date": str(today + dt.timedelta(days=60)),
        "cdd_reason": "accroissement", "job": "Comptable", "weekly_hours": "35", "monthly_gross": "1 950,00",
        "reason": "Renouvellement"})  # fmt: skip
    assert response.status_code == 302 and employee.contracts.count() == 2
