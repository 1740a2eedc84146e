"""DUERP pages: assessing hazards and planning actions (HR and direction), the action plan list with its filters
and exports, bad input refused in French with nothing written, the yearly-update reminder."""

import datetime as dt
import html

import pytest
from django.urls import reverse

from pilote.lib.dates import local_today
from pilote.quality.models import Hazard, PreventionAction, WorkUnit
from pilote.quality.services import duerp
from pilote.quality.services import risks as settings_services

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """The page as read: entities decoded, the narrow spaces of French numbers as plain spaces."""
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


def test_hr_assesses_a_hazard_and_the_priority_follows(client_as):
    client = client_as("rh")
    client.post(reverse("quality:unit-create"), {"name": "Entrepôt", "description": "Stock", "exposed": "3",
                                                 "is_active": "on"})  # fmt: skip
    unit = WorkUnit.objects.get()
    url = reverse("quality:hazard-create", args=[unit.pk])
    data = {"family": "fall_height", "description": "Rayonnages hauts", "frequency": "3", "severity": "4",
            "prevention": "Escabeau"}  # fmt: skip
    response = client.post(url, {**data, "frequency": "7"})
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()
    response = client.post(url, {**data, "family": "meteorite"})
    assert response.status_code == 200 and not Hazard.objects.exists()
    response = client.post(url, data)
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and hazard.priority == 1
    client.post(reverse("quality:hazard-edit", args=[hazard.pk]), {**data, "frequency": "1", "severity": "2"})
    hazard.refresh_from_db()
    assert hazard.priority == 3


def test_duplicate_unit_name_is_refused_in_french(client_as):
    client = client_as("rh")
    client.post(reverse("quality:unit-create"), {"name": "Bureaux", "exposed": "1"})
    response = client.post(reverse("quality:unit-create"), {"name": "bureaux", "exposed": "1"})
    assert "Une unité de travail s'appelle déjà" in html.unescape(response.content.decode())
    assert WorkUnit.objects.count() == 1


def test_prevention_action_form(client_as, duerp_doc, personas):
    client = client_as("rh")
    url = reverse("quality:prevention-add", args=[duerp_doc["screens"].pk])
    data = {"title": "Supports d'écran", "owner": personas["salarie"].pk, "due_on": "2026-06-01", "cost": "1 250,00"}
    response = client.post(url, {**data, "cost": "-5"})
    assert response.status_code == 400 and PreventionAction.objects.count() == 1
    response = client.post(url, {**data, "due_on": "31/02/2026"})
    assert response.status_code == 400 and PreventionAction.objects.count() == 1
    assert client.post(url, data).status_code == 302
    action = PreventionAction.objects.get(title="Supports d'écran")
    assert str(action.cost) == "1250.00"
    client.post(reverse("quality:prevention-status", args=[action.pk]), {"status": "done"})
    action.refresh_from_db()
    assert action.status == "done" and action.done_on == local_today()


def test_action_plan_filters_sorts_and_exports(client_as, duerp_doc, personas):
    duerp.add_prevention_action(actor=personas["rh"], hazard=duerp_doc["screens"], title="Supports d'écran",
                                owner=personas["rh"], due_on=dt.date(2020, 1, 1))  # fmt: skip
    client = client_as("salarie")  # every worker reads the action plan
    page = _text(client.get(reverse("quality:action-plan")))
    assert page.index("Supports d'écran") < page.index("Diable électrique")  # by due date
    assert "2 400,50" in page
    late = _text(client.get(reverse("quality:action-plan"), {"etat": "en_retard"}))
    assert "Supports d'écran" in late and "Diable électrique" not in late
    first = _text(client.get(reverse("quality:action-plan"), {"priorite": "1"}))
    assert "Diable électrique" in first and "Supports d'écran" not in first
    response = client.get(reverse("quality:action-plan-export", args=["csv"]), {"unite": duerp_doc["workshop"].pk})
    text = b"".join(response.streaming_content).decode()
    assert "Diable électrique" in text and "2400,50" in text and "Supports" not in text


def test_yearly_update_reminder_from_11_employees(client_as, duerp_doc, personas):
    boss = personas["direction"]
    home = client_as("direction").get(reverse("core:home")).content.decode()
    assert "Établir et valider le document unique" in home
    duerp.publish_duerp(actor=boss, published_on=local_today() - dt.timedelta(days=350))
    assert "Mise à jour annuelle du DUERP" not in client_as("direction").get(reverse("core:home")).content.decode()
    settings_services.update_settings(actor=boss, risk_scale=4, headcount=11)
    home = client_as("direction").get(reverse("core:home")).content.decode()
    assert "Mise à jour annuelle du DUERP (version 1 du" in home
    assert "Mise à jour annuelle du DUERP" not in client_as("rh").get(reverse("core:home")).content.decode()


def test_an_accident_at_work_asks_for_an_update_of_the_duerp(client_as, duerp_doc, personas):
    """R4121-2: the DUERP is updated when information bears on a risk's assessment — an accident at work recorded in
    the people's files (dates only reach quality, never who) until a version is validated after it."""
    from pilote.hr.models import Absence, AbsenceKind, AbsenceStatus
    from pilote.hr.services.employees import hire_employee
    from pilote.hr.tests.conftest import employee_fields

    boss = personas["direction"]
    duerp.publish_duerp(actor=boss, published_on=local_today() - dt.timedelta(days=40))
    employee = hire_employee(actor=personas["rh"], recorded_on=dt.date(2024, 3, 1), **employee_fields())
    accident = local_today() - dt.timedelta(days=10)
    Absence.objects.create(employee=employee, kind=AbsenceKind.WORK_ACCIDENT, start=accident,
                           end=accident + dt.timedelta(days=4), status=AbsenceStatus.APPROVED)  # fmt: skip
    before = local_today() - dt.timedelta(days=60)  # an accident the validated version already took into account
    Absence.objects.create(employee=employee, kind=AbsenceKind.WORK_ACCIDENT, status=AbsenceStatus.APPROVED,
                           start=before, end=before + dt.timedelta(days=2))  # fmt: skip
    home = html.unescape(client_as("direction").get(reverse("core:home")).content.decode())
    wanted = f"Mettre à jour le DUERP après l'accident du travail du {accident:%d/%m/%Y}"
    assert wanted in home and home.count("après l'accident du travail") == 1  # the older one is in version 1
    duerp.publish_duerp(actor=boss, published_on=local_today())
    home = html.unescape(client_as("direction").get(reverse("core:home")).content.decode())
    assert "après l'accident du travail" not in home
