"""The information due on return from a sickness or work accident (L3141-19-3, loi 2024-364): the balance per
reference period with its deadline, on a hand-built case; the letter, its recording and the to-do item."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from pilote.core.exceptions import DomainError
from pilote.core.models import AuditEvent
from pilote.hr import todo
from pilote.hr.leave import INFORMATION_IN_FORCE, Span, return_information
from pilote.hr.queries import absences as queries
from pilote.hr.services import absences as services

d = dt.date
pytestmark = pytest.mark.django_db


def test_return_information_pure():
    sick = Span("maladie", d(2025, 3, 3), d(2025, 6, 30))
    lines = return_information(d(2023, 6, 1), None, [sick], [(d(2024, 7, 1), Decimal(24))], on=d(2025, 7, 10))
    rows = [(line.start, line.acquired, line.taken, line.remaining, line.deadline, line.carried_over) for line in lines]
    assert rows == [
        # 30 earned, 24 taken in July 2024; the deadline (31/05/2025) fell during the sickness: 15 months from return
        (d(2023, 6, 1), Decimal(30), Decimal(24), Decimal(6), d(2026, 9, 30), True),
        # 9 months worked (22,5) + 3 months of sickness at 2 a month (6) = 28,5, rounded up to 29
        (d(2024, 6, 1), Decimal(29), Decimal(0), Decimal(29), d(2026, 5, 31), False),
        # running: June sick (2) + 10 days of July (2,5 × 10/31 = 0,81), taken from 1 June 2026 to 31 May 2027
        (d(2025, 6, 1), Decimal("2.81"), Decimal(0), Decimal("2.81"), d(2027, 5, 31), False),
    ]
    assert not lines[2].closed
    # a period taken in full is not in the letter
    assert len(return_information(d(2023, 6, 1), None, [sick], [(d(2024, 7, 1), Decimal(30))], d(2025, 7, 10))) == 2
    assert d(2024, 4, 24) == INFORMATION_IN_FORCE


@pytest.fixture
def case(hire, personas):
    employee = hire(entry_date=d(2023, 6, 1))
    rh = personas["rh"]
    services.record_absence(actor=rh, employee=employee, kind="conges_payes", start=d(2024, 7, 1), end=d(2024, 7, 27))
    sick = services.record_absence(actor=rh, employee=employee, kind="maladie", start=d(2025, 3, 3),
                                   end=d(2025, 6, 30), certificate=True)  # fmt: skip
    return employee, sick


def test_information_figures_and_recording(case, personas):
    employee, sick = case
    assert employee.absences.get(kind="conges_payes").days == 24  # 27 days, three Sundays
    info = queries.return_information(sick, d(2025, 7, 10))
    assert (info.back, info.due, info.on, info.given) == (d(2025, 7, 1), d(2025, 8, 1), d(2025, 7, 10), False)
    assert [(line.remaining, line.deadline) for line in info.lines] == [
        (Decimal(6), d(2026, 9, 30)), (Decimal(29), d(2026, 5, 31)), (Decimal("2.81"), d(2027, 5, 31))]  # fmt: skip
    assert info.total == Decimal("37.81")
    assert [(a.pk, back, due) for a, back, due in queries.information_pending(d(2025, 7, 10))] == [
        (sick.pk, d(2025, 7, 1), d(2025, 8, 1))]  # fmt: skip
    assert queries.information_pending(d(2025, 6, 30)) == []  # not back yet

    rh = personas["rh"]
    with pytest.raises(DomainError, match="au retour du salarié, le 01/07/2025"):
        services.record_leave_information(actor=rh, absence=sick, given_on=d(2025, 6, 30))
    with pytest.raises(DomainError, match="ressources humaines"):
        services.record_leave_information(actor=personas["comptable"], absence=sick, given_on=d(2025, 7, 10))
    services.record_leave_information(actor=rh, absence=sick, given_on=d(2025, 7, 10))
    sick.refresh_from_db()
    assert sick.leave_information_on == d(2025, 7, 10)
    assert queries.information_pending(d(2025, 7, 10)) == []
    assert queries.return_information(sick, d(2026, 12, 1)).on == d(2025, 7, 10)  # the balance as told
    with pytest.raises(DomainError, match="déjà été remise le 10/07/2025"):
        services.record_leave_information(actor=rh, absence=sick, given_on=d(2025, 7, 11))
    assert "maladie" not in str(AuditEvent.objects.get(action="hr.absence.leave_information").changes)


def test_only_after_sickness_or_accident_and_at_the_end_of_a_prolonged_leave(case, personas):
    employee, sick = case
    rh = personas["rh"]
    leave = employee.absences.get(kind="conges_payes")
    assert queries.return_information(leave, d(2025, 7, 10)) is None
    with pytest.raises(DomainError, match="arrêt maladie ou d'un accident du travail"):
        services.record_leave_information(actor=rh, absence=leave, given_on=d(2025, 7, 10))
    more = services.record_absence(actor=rh, employee=employee, kind="accident_travail", start=d(2025, 7, 1),
                                   end=d(2025, 7, 20))  # fmt: skip
    with pytest.raises(DomainError, match="prolongé jusqu'au 20/07/2025"):
        services.record_leave_information(actor=rh, absence=sick, given_on=d(2025, 7, 10))
    assert [(a.pk, due) for a, _, due in queries.information_pending(d(2025, 7, 25))] == [(more.pk, d(2025, 8, 21))]


def test_todo_letter_and_pages(case, personas, client_as, monkeypatch):
    employee, sick = case
    monkeypatch.setattr(todo.timezone, "localdate", lambda: d(2025, 8, 5))
    items = [i for i in todo.todo_items(personas["rh"]) if "congés payés" in i.label]
    assert [(i.label, i.due) for i in items] == [
        (f"Informer {employee.full_name} de ses congés payés (retour le 01/07/2025)", d(2025, 8, 1))]  # fmt: skip
    assert not [i for i in todo.todo_items(personas["salarie"]) if "congés payés" in i.label]

    client = client_as("rh")
    page = client.get(reverse("hr:absence-detail", args=[sick.pk]))
    assert page.status_code == 200 and "Information sur les congés payés au retour" in page.content.decode()
    assert AuditEvent.objects.filter(action="hr.absence.read").count() == 1  # a health-related record read
    response = client.get(reverse("hr:absence-information-pdf", args=[sick.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Information sur vos congés payés" in text and "30/09/2026" in text and "L3141-19-3" in text
    answer = client.post(reverse("hr:absence-information-given", args=[sick.pk]), {"given_on": "2025-07-15"})
    assert answer.status_code == 302
    sick.refresh_from_db()
    assert sick.leave_information_on == d(2025, 7, 15)
    assert client.post(reverse("hr:absence-information-given", args=[sick.pk]), {"given_on": "x"}).status_code == 302
    client = client_as("salarie")
    assert client.get(reverse("hr:absence-detail", args=[sick.pk])).status_code == 403
