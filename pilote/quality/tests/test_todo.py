"""Overdue (and soon due) risk reviews and treatment actions reach the home page's to-do list: everyone's for
direction, their own for the other owners."""

import datetime as dt

import pytest
from django.urls import reverse

from pilote.lib.dates import local_today
from pilote.quality.services import risks as services

pytestmark = pytest.mark.django_db


def test_overdue_reviews_and_actions_are_in_the_todo_list(client_as, make_risk, personas):
    today = local_today()
    late = make_risk(title="Serveur", review_on=today - dt.timedelta(days=3))
    make_risk(title="Lointain", review_on=today + dt.timedelta(days=200))
    mine = make_risk(title="Impayé", owner=personas["comptable"], review_on=today + dt.timedelta(days=200))
    services.add_action(actor=personas["direction"], risk=mine, title="Assurance-crédit", owner=personas["comptable"],
                        due_on=today - dt.timedelta(days=1))  # fmt: skip
    boss = client_as("direction").get(reverse("core:home")).content.decode()
    assert f"En retard — revoir le risque {late.reference}" in boss and "Lointain" not in boss
    assert "En retard — Action « Assurance-crédit »" in boss
    accountant = client_as("comptable").get(reverse("core:home")).content.decode()
    assert "Assurance-crédit" in accountant and late.reference not in accountant
    assert "Assurance-crédit" not in client_as("commercial").get(reverse("core:home")).content.decode()
