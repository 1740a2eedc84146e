"""Optimistic concurrency on shared calendars: the version read travels with the page's form and the API's PATCH;
a stale one is refused in French (409 over the API), nothing written."""

import pytest
from django.urls import reverse

from pilote.core.tests.versioning import bearer, refused_on_the_page, refused_over_the_api
from pilote.office.models import Calendar
from pilote.office.services import agenda


@pytest.fixture
def team(personas):
    return agenda.create_team_calendar(actor=personas["assistant"], name="Équipe", members=[personas["rh"]])


def test_stale_version_refused_on_the_page(client_as, personas, team):
    url = reverse("office:calendar-edit", args=[team.pk])
    data = {"name": "Équipe accueil", "members": [personas["rh"].pk, personas["assistant"].pk]}

    def meanwhile():
        agenda.update_team_calendar(actor=personas["direction"], calendar=team, name="Équipe RH", members=[])
        team.refresh_from_db()
        assert (team.name, team.version, team.members.count()) == ("Équipe RH", 2, 0)

    refused_on_the_page(client_as("assistant"), url, data, meanwhile, kept="Équipe accueil")
    team.refresh_from_db()
    assert (team.name, team.version, team.members.count()) == ("Équipe accueil", 3, 2)


def test_stale_version_is_409_over_the_api(client, personas, team):
    path = f"/api/v1/agendas/{team.pk}"
    refused_over_the_api(client, bearer(personas["assistant"]), path, {"name": "Accueil"}, {"name": "Standard"})
    assert Calendar.objects.get(pk=team.pk).name == "Accueil"
