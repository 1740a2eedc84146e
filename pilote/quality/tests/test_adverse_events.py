"""Adverse events in a social establishment: declared by the staff (a serious one always to be reported to the
authority, CASF L331-8-1), reported, analysed, turned into a non-conformity, closed; the register's statistics;
a company neither sees nor opens these pages."""

import datetime as dt

import pytest
from django.urls import reverse

from pilote.core import services as core_services
from pilote.core.exceptions import DomainError
from pilote.core.registry import menu_for
from pilote.lib.dates import local_today
from pilote.quality.models import AdverseEvent, NcOrigin
from pilote.quality.services import events

pytestmark = pytest.mark.django_db


@pytest.fixture
def structure(db):
    return core_services.create_structure(
        actor=None, type="social", legal_name="Foyer Les Tilleuls", legal_form="ASSO", siren="912345675",
        vat_regime="non_assujettie", fiscal_year_start=dt.date(2026, 1, 1), fiscal_year_end=dt.date(2026, 12, 31),
    )  # fmt: skip


def _declare(actor, **extra):
    fields = {"occurred_on": local_today() - dt.timedelta(days=2), "place": "Salle à manger", "kind": "fall",
              "facts": "Chute d'un résident en se levant de table.", "people_supported": "M. D. (dossier 12)",
              "immediate_measures": "Relevé, examiné par l'infirmière, famille prévenue.", "serious": False,
              "must_report": False}  # fmt: skip
    return events.declare(actor=actor, **{**fields, **extra})


def test_a_serious_event_goes_from_declaration_to_closing(personas):
    event = _declare(personas["salarie"], serious=True)
    assert event.must_report and event.report_pending  # an EIG is always reported
    with pytest.raises(DomainError, match="Analysez"):
        events.close(actor=personas["direction"], event=event)
    events.record_analysis(actor=personas["rh"], event=event, analysis="Sol glissant après le nettoyage.")
    with pytest.raises(DomainError, match="signalé à l'autorité"):
        events.close(actor=personas["direction"], event=event)
    with pytest.raises(DomainError, match="entre l'événement et aujourd'hui"):
        events.record_report(actor=personas["direction"], event=event, authority="ars",
                             reported_on=event.occurred_on - dt.timedelta(days=1))  # fmt: skip
    events.record_report(actor=personas["direction"], event=event, authority="ars", reported_on=local_today())
    nc = events.open_nonconformity(actor=personas["direction"], event=event, owner=personas["direction"])
    assert (nc.origin, nc.severity, nc.detected_on) == (NcOrigin.ADVERSE_EVENT, "critical", event.occurred_on)
    with pytest.raises(DomainError, match="déjà sa non-conformité"):
        events.open_nonconformity(actor=personas["direction"], event=event, owner=personas["direction"])
    event = events.close(actor=personas["direction"], event=event)
    assert event.status == "closed" and event.nonconformity == nc


def test_a_future_or_empty_declaration_is_refused(personas, client_as):
    with pytest.raises(DomainError, match="futur"):
        _declare(personas["salarie"], occurred_on=local_today() + dt.timedelta(days=1))
    client = client_as("salarie")
    response = client.post(reverse("quality:event-declare"), {"occurred_on": "31/02/2026", "kind": "fall"})
    assert response.status_code == 200 and "Saisissez une date valide" in response.content.decode()
    assert not AdverseEvent.objects.exists()


def test_staff_declare_and_the_register_is_for_direction_and_hr(personas, client_as):
    client = client_as("salarie")
    response = client.post(reverse("quality:event-declare"), {
        "occurred_on": local_today().strftime("%d/%m/%Y"), "place": "Chambre 4", "kind": "medication",
        "facts": "Traitement du soir donné deux fois.", "immediate_measures": "Médecin appelé.", "serious": "on",
    }, follow=True)  # fmt: skip
    page = response.content.decode()
    assert "est déclaré" in page and "signalé sans délai" in page
    event = AdverseEvent.objects.get()
    assert event.must_report and event.declared_by == personas["salarie"]
    assert client.get(reverse("quality:event-list")).status_code == 403
    client = client_as("rh")
    page = client.get(reverse("quality:event-list"), {"a_signaler": "on"}).content.decode()
    assert event.reference in page and "à signaler" in page
    response = client.post(reverse("quality:event-step", args=[event.pk]), {"etape": "non-conformite"}, follow=True)
    assert "La non-conformité NC-" in response.content.decode()
    response = client.get(reverse("quality:event-export", args=["csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[1].startswith(f"{event.reference};") and "Erreur ou incident médicamenteux" in text


def test_statistics_by_month_kind_and_seriousness(personas, client_as):
    _declare(personas["salarie"])
    _declare(personas["salarie"], kind="violence", serious=True)
    _declare(personas["rh"], occurred_on=local_today() - dt.timedelta(days=400))  # more than 12 months ago
    page = client_as("direction").get(reverse("quality:event-statistics")).content.decode()
    assert "2 événements depuis le" in page and "1 signalement en attente" in page
    assert 'aria-label="Chute : 1"' in page and 'aria-label="Violence, maltraitance : 1"' in page
    assert 'aria-label="Événements indésirables graves (EIG) : 1"' in page


def test_a_company_neither_sees_nor_opens_them(personas, client_as, structure):
    structure.type = "company"
    structure.save()
    client = client_as("direction")
    assert client.get(reverse("quality:event-declare")).status_code == 404
    entries = {item.url_name for section in menu_for(personas["direction"], "company") for item in section.items}
    assert "quality:event-list" not in entries
    social = {item.url_name for section in menu_for(personas["direction"], "social") for item in section.items}
    assert {"quality:event-list", "quality:event-declare"} <= social
