"""Professional interview cadence under both rules, the to-do list, confidentiality of their content."""

import datetime as dt

import pytest
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.core.models import AuditEvent
from pilote.core.registry import todos_for
from pilote.hr.interviews import PROFESSIONAL, REVIEW, RULES, next_due
from pilote.hr.services import interviews as services

d = dt.date


def _dates(dues):
    return [(due.kind, due.due) for due in dues]


def test_loi_2025_989_first_within_a_year_then_every_4_years_review_at_8():
    rule = RULES["2025"]
    assert _dates(next_due(d(2026, 1, 5), [], rule)) == [(PROFESSIONAL, d(2027, 1, 5)), (REVIEW, d(2034, 1, 5))]
    held = [(PROFESSIONAL, d(2026, 11, 20))]
    assert _dates(next_due(d(2026, 1, 5), held, rule))[0] == (PROFESSIONAL, d(2030, 11, 20))
    # Late in the cycle the review comes first, and the interview is held with it.
    held = [(PROFESSIONAL, d(2027, 1, 4)), (PROFESSIONAL, d(2031, 1, 6))]
    assert _dates(next_due(d(2026, 1, 5), held, rule)) == [(PROFESSIONAL, d(2034, 1, 5)), (REVIEW, d(2034, 1, 5))]
    held.append((REVIEW, d(2034, 1, 2)))
    assert _dates(next_due(d(2026, 1, 5), held, rule)) == [(PROFESSIONAL, d(2038, 1, 2)), (REVIEW, d(2042, 1, 2))]


def test_former_rule_every_2_years_review_at_6():
    rule = RULES["2014"]
    assert _dates(next_due(d(2020, 1, 6), [], rule)) == [(PROFESSIONAL, d(2022, 1, 6)), (REVIEW, d(2026, 1, 6))]
    held = [(PROFESSIONAL, d(2022, 1, 3)), (PROFESSIONAL, d(2024, 1, 8))]
    assert _dates(next_due(d(2020, 1, 6), held, rule)) == [(PROFESSIONAL, d(2026, 1, 6)), (REVIEW, d(2026, 1, 6))]


@pytest.mark.django_db
def test_due_interviews_in_the_to_do_list_of_hr_and_of_the_manager_only(hire, personas, settings):
    settings.PILOTE_HR_INTERVIEW_RULE = "2025"
    boss = hire(last_name="Chef", first_names="Sophie", nir="", user=personas["commercial"], entry_date=d(2020, 1, 6))
    late = hire(manager=boss, entry_date=d(2024, 1, 8))  # first interview was due by 8 January 2025
    labels = [item.label for item in todos_for(personas["rh"], limit=50)]
    assert "En retard — tenir l'entretien professionnel de Alice Marie Durand" in labels
    assert any("Alice Marie Durand" in item.label for item in todos_for(personas["commercial"], limit=50))
    assert not any("Durand" in item.label for item in todos_for(personas["comptable"], limit=50))
    services.record_interview(actor=personas["rh"], employee=late, kind=PROFESSIONAL, held_on=d(2025, 2, 3),
                              summary="Souhaite une formation réseau")  # fmt: skip
    assert not any("Alice Marie Durand" in item.label for item in todos_for(personas["rh"], limit=50))
    assert "formation" not in str(AuditEvent.objects.get(action="hr.interview.recorded").changes)
    with pytest.raises(DomainError, match="à venir"):
        services.record_interview(actor=personas["rh"], employee=late, kind=PROFESSIONAL, held_on=d(2099, 1, 1))


@pytest.mark.django_db
def test_interview_pages_are_for_hr(hire, client_as):
    employee = hire()
    client = client_as("rh")
    assert "Alice Marie Durand" in client.get(reverse("hr:interviews")).content.decode()
    response = client.post(reverse("hr:interview-create", args=[employee.pk]),
                           {"kind": "professionnel", "held_on": "2025-02-03", "summary": "Bilan"})  # fmt: skip
    assert response.status_code == 302 and employee.interviews.count() == 1
    for role in ("salarie", "commercial", "auditeur"):
        assert client_as(role).get(reverse("hr:interviews")).status_code == 403
