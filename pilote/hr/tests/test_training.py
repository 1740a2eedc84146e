"""The training plan: an action created with its attendees, completed with who attended, evaluated by the
attendee; the history on the file and in « Mon dossier »; the non-mandatory training the 8-year review looks for;
annual reviews with their objectives, confidential."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.hr.services import training as services

pytestmark = pytest.mark.django_db
d = dt.date


@pytest.fixture
def people(hire, personas):
    thomas = hire(last_name="Girard", first_names="Thomas", sex="M", nir="", user=personas["salarie"])
    ines = hire(last_name="Mendes", first_names="Inês", nir="")
    return thomas, ines


def test_an_action_from_the_plan_to_the_history(people, personas, client_as):
    thomas, ines = people
    rh = personas["rh"]
    fields = {"title": "Habilitation électrique B1V", "provider": "APAVE", "kind": "developpement",
              "funding": "opco", "start": d(2026, 10, 5), "end": d(2026, 10, 7), "hours": Decimal(21),
              "cost": Decimal("1450.00")}  # fmt: skip
    with pytest.raises(DomainError, match="précéder"):
        services.create_action(actor=rh, **fields | {"end": d(2026, 10, 1)})
    action = services.create_action(actor=rh, employees=[thomas, ines], **fields)
    assert not services.optional_training_since(thomas, None)
    services.complete_action(actor=rh, action=action, attended=[thomas.pk], evaluation="Objectifs atteints.")
    assert services.optional_training_since(thomas, d(2026, 1, 1)) and not services.optional_training_since(ines, None)
    assert not services.optional_training_since(thomas, d(2026, 11, 1))
    with pytest.raises(DomainError, match="plus personne"):
        services.enrol(actor=rh, action=action, employees=[thomas])
    mine = action.attendees.get(employee=thomas)
    client = client_as("salarie")
    client.post(reverse("hr:training-evaluate", args=[mine.pk]), {"rating": "4", "comment": "Très concret"})
    mine.refresh_from_db()
    assert mine.rating == 4
    other = action.attendees.get(employee=ines)
    assert client.post(reverse("hr:training-evaluate", args=[other.pk]), {"rating": "1"}).status_code == 404
    page = client.get(reverse("hr:me")).content.decode()
    assert "Habilitation électrique B1V" in page and "4 sur 5" in page
    assert client.get(reverse("hr:training-list")).status_code == 403
    plan = client_as("rh").get(reverse("hr:training-list"), {"annee": 2026}).content.decode()
    assert "APAVE" in plan and "1 450,00" in plan.replace("\u202f", " ").replace("\xa0", " ")


def test_annual_reviews_with_objectives_are_confidential(people, personas, client_as):
    thomas, ines = people
    response = client_as("rh").post(reverse("hr:review-create", args=[thomas.pk]), {
        "held_on": "2026-11-20", "assessment": "Très bonne année.", "objectives": "- Habilitation BR\n- Former Léa",
    })  # fmt: skip
    assert response.status_code == 302
    review = thomas.annual_reviews.get()
    assert review.objective_list == ["Habilitation BR", "Former Léa"]
    assert "Former Léa" in client_as("salarie").get(reverse("hr:me")).content.decode()
    for role in ("commercial", "comptable", "salarie"):
        assert client_as(role).get(reverse("hr:review-create", args=[thomas.pk])).status_code == 403
    bad = client_as("rh").post(reverse("hr:review-create", args=[ines.pk]), {"held_on": "2099-01-01"})
    assert bad.status_code == 200 and not ines.annual_reviews.exists()
