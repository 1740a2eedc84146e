"""The quality indicators plugged into the dashboards: complaints rate and answer time, non-conformities open
and overdue, quality actions done, the survey's NPS, the DUERP's prevention actions done — each figure read from
the data, and a threshold turning the tile red like finance's."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from pilote.core.registry import KpiContext
from pilote.lib.dates import local_today
from pilote.quality import tiles
from pilote.quality.services import nonconformities as ncs
from pilote.quality.services import surveys

pytestmark = pytest.mark.django_db


def test_non_conformities_and_actions(personas):
    boss = personas["direction"]
    today = local_today()
    nc = ncs.open_nonconformity(actor=boss, title="Toner", origin="internal", description="Fuite", owner=boss)
    ncs.add_capa(actor=boss, nc=nc, title="Contrôler", owner=boss, due_on=today - dt.timedelta(days=2))
    done = ncs.add_capa(actor=boss, nc=nc, title="Trier", owner=boss, due_on=today - dt.timedelta(days=1))
    ncs.set_capa_status(actor=boss, action=done, status="done")
    ncs.add_capa(actor=boss, nc=nc, title="Former", owner=boss, due_on=today + dt.timedelta(days=10))  # not due
    ncs.open_nonconformity(actor=boss, title="Papier", origin="supplier", description="Humide", owner=boss)
    ctx = KpiContext(boss, today)
    tile = tiles.nc_open(ctx)
    assert tile.value == 2 and tile.note == "dont 1 avec une action en retard"
    tile = tiles.actions_done(ctx)
    assert tile.value == Decimal("50.0") and tile.display == "50\u202f%"
    assert tile.note == "1 faite(s) sur 2 arrivée(s) à échéance ; 1 en retard"


def test_survey_nps_tile(personas):
    actor = personas["commercial"]
    survey = surveys.create_survey(actor=actor, title="Clients")
    question = surveys.add_question(actor=actor, survey=survey, kind="nps", text="Recommanderiez-vous ?")
    assert tiles.survey_nps(KpiContext(actor, local_today())).value is None
    surveys.open_survey(actor=actor, survey=survey)
    for link, score in zip(surveys.invite(actor=actor, survey=survey, links=4, base_url=""), [10, 9, 3, 8],
                           strict=True):  # fmt: skip
        surveys.submit(invitation=link.invitation, values={question.pk: score})
    tile = tiles.survey_nps(KpiContext(actor, local_today()))
    assert tile.value == 25 and tile.display == "+25" and tile.url.endswith(f"/enquetes/{survey.pk}/resultats/")


def test_duerp_actions_tile_and_threshold_alert(duerp_doc, personas, client_as):
    from pilote.quality.services import duerp

    boss = personas["direction"]
    tile = tiles.duerp_actions(KpiContext(boss, local_today()))
    assert tile.value == Decimal("0.0") and tile.note == "0 sur 1 ; 0 en retard"
    client = client_as("direction")
    client.post(reverse("dashboards:thresholds"), {"indicateur": "qualite_actions_duerp", "seuil": "50"})
    page = client.get(reverse("dashboards:dashboard")).content.decode()
    assert "Actions de prévention du DUERP réalisées" in page and "kpi-tile-alert" in page
    duerp.set_prevention_status(actor=boss, action=duerp_doc["action"], status="done")
    assert tiles.duerp_actions(KpiContext(boss, local_today())).value == Decimal("100.0")
    assert Client().get(reverse("dashboards:dashboard")).status_code == 302
