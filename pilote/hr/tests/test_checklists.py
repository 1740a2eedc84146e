"""Onboarding and exit checklists: opened on a recent hire and on departure, each step ticked with its date and
author, late steps in rh's to-do; only rh and direction tick them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from pilote.hr import checklists
from pilote.hr.services import checklists as services
from pilote.hr.services import employees
from pilote.lib.dates import local_today

pytestmark = pytest.mark.django_db


def test_arrival_and_departure_steps(hire, personas, client_as):
    rh = personas["rh"]
    old = hire(entry_date=dt.date(2024, 3, 1))
    assert not old.checklist.exists()  # hired long ago: nothing opened by itself
    recent = hire(
        last_name="Petit", first_names="Léo", sex="M", nir="", entry_date=local_today() - dt.timedelta(days=3)
    )
    steps = list(recent.checklist.order_by("position"))
    assert [s.code for s in steps] == [s.code for s in checklists.ARRIVAL_STEPS]
    assert steps[0].due_on == recent.entry_date - dt.timedelta(days=1)  # the DPAE before the first day
    assert steps[-1].due_on == recent.entry_date + dt.timedelta(days=90)  # visite d'information et de prévention
    client = client_as("rh")
    client.post(reverse("hr:checklist-tick", args=[steps[0].pk]), {"done": "1"})
    steps[0].refresh_from_db()
    assert steps[0].done_on == local_today() and steps[0].done_by
    assert escape("Parcours d'arrivée de Léo Petit : 9 étape(s)") in client.get(reverse("core:home")).content.decode()
    assert client_as("salarie").post(reverse("hr:checklist-tick", args=[steps[1].pk]), {"done": "1"}).status_code == 403
    employees.record_exit(actor=rh, employee=old, exit_date=local_today(), exit_reason="Démission")
    assert old.checklist.filter(kind="depart").count() == len(checklists.DEPARTURE_STEPS)
    old.refresh_from_db()
    assert services.open_checklist(actor=rh, employee=old, kind="depart") == 0  # already open


def test_announcements_to_all_staff(personas, client_as):
    client = client_as("rh")
    client.post(reverse("hr:announcement-publish"), {"title": "Fermeture du 24 décembre", "body": "Après-midi."})
    assert client_as("salarie").get(reverse("hr:announcements")).status_code == 200
    assert "Fermeture du 24 décembre" in client_as("salarie").get(reverse("core:home")).content.decode()
    assert client_as("salarie").post(reverse("hr:announcement-publish"), {"title": "x", "body": "y"}).status_code == 403
    bad = client_as("rh").post(reverse("hr:announcement-publish"), {"title": "", "body": ""})
    assert bad.status_code == 200
