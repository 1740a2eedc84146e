"""Tenders: the file and its dates, the go/no-go grid and decision, tasks, the outcome."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from pilote.contacts.models import Interaction
from pilote.core.models import AuditEvent
from pilote.pipeline import services, tender_services
from pilote.pipeline.models import Decision, Tender, TenderCriterion, TenderStatus, TenderTask
from pilote.pipeline.stages import Stage

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def tender(customer, personas):
    return tender_services.create_tender(
        actor=personas["commercial"],
        buyer=customer,
        title="Copieurs des écoles",
        reference="2026-042",
        questions_deadline=dt.datetime(2026, 12, 1, 12, tzinfo=PARIS),
        submission_deadline=dt.datetime(2026, 12, 10, 12, tzinfo=PARIS),
    )


def _form(customer, **changes):
    data = {
        "buyer": customer.pk,
        "title": "Mobilier des crèches",
        "reference": "MAPA-7",
        "procedure": "mapa",
        "published_on": "2026-11-02",
        "questions_deadline": "2026-11-20T12:00",
        "submission_deadline": "2026-11-30T12:00",
        "estimated_value": "45 000",
        "go_threshold": "60",
    }
    return {**data, **changes}


def test_a_new_file_gets_the_default_grid(tender):
    assert list(tender.criteria.values_list("label", "weight", "score"))[0] == (
        "Adéquation à notre savoir-faire",
        3,
        None,
    )
    assert tender.criteria.count() == 6
    assert (tender.status, tender.decision, str(tender)) == ("veille", "a_decider", "2026-042 — Copieurs des écoles")
    assert AuditEvent.objects.filter(action="pipeline.tender.created").exists()


def test_create_through_the_form_in_french_formats(client_as, customer):
    response = client_as("assistant").post(reverse("pipeline:tender-create"), _form(customer))
    tender = Tender.objects.get()
    assert response["Location"] == reverse("pipeline:tender-detail", args=[tender.pk])
    assert tender.estimated_value == Decimal("45000.00")
    assert tender.submission_deadline == dt.datetime(2026, 11, 30, 12, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"questions_deadline": "2026-12-05T12:00"},
            "La date limite des questions doit précéder la remise des offres.",
        ),
        ({"published_on": "2026-02-30"}, "Saisissez une date valide."),
        ({"submission_deadline": "2026-11-31T25:00"}, "Saisissez une date et une heure valides."),
        ({"published_on": "2026-12-15"}, "La remise des offres ne peut pas précéder la publication."),
        ({"estimated_value": "-5"}, "supérieure ou égale à 0"),
        ({"go_threshold": "120"}, "inférieure ou égale à 100"),
    ],
)
def test_bad_dates_and_amounts_get_french_messages(client_as, customer, changes, message):
    response = client_as("commercial").post(reverse("pipeline:tender-create"), _form(customer, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Tender.objects.exists()


def test_database_refuses_deadlines_in_the_wrong_order(tender):
    with pytest.raises(IntegrityError), transaction.atomic():
        Tender.objects.filter(pk=tender.pk).update(questions_deadline=dt.datetime(2027, 1, 1, tzinfo=PARIS))


def test_grid_scores_give_the_weighted_score_and_recommendation(client_as, tender):
    client = client_as("commercial")
    criteria = list(tender.criteria.all())
    data = {}
    for criterion in criteria:
        data[f"weight_{criterion.pk}"] = criterion.weight
        data[f"score_{criterion.pk}"] = "4"
    assert client.post(reverse("pipeline:tender-grid", args=[tender.pk]), data).status_code == 302
    assert set(TenderCriterion.objects.values_list("score", flat=True)) == {4}
    page = client.get(reverse("pipeline:tender-detail", args=[tender.pk])).content.decode()
    assert "80,0 %" in page and "Go recommandé" in page and "seuil de go : <strong>60 %" in page
    data[f"score_{criteria[0].pk}"] = "7"
    refused = client.post(reverse("pipeline:tender-grid", args=[tender.pk]), data)
    assert "Sélectionnez un choix valide" in refused.content.decode()
    assert AuditEvent.objects.filter(action="pipeline.tender.grid_scored").count() == 1


def test_criteria_can_be_added_and_removed(client_as, tender):
    client = client_as("direction")
    client.post(reverse("pipeline:criterion-add", args=[tender.pk]), {"label": "Références similaires", "weight": 2})
    assert tender.criteria.last().label == "Références similaires"
    zero = client.post(reverse("pipeline:criterion-add", args=[tender.pk]), {"label": "x", "weight": 0})
    assert "supérieure ou égale à 1" in zero.content.decode()
    client.post(reverse("pipeline:criterion-delete", args=[tender.criteria.first().pk]))
    assert tender.criteria.count() == 6
    with pytest.raises(ValidationError):
        tender_services.score_grid(actor=None, tender=tender, rows={tender.criteria.first().pk: (1, 6)})


def test_decision_moves_the_status(client_as, tender):
    client = client_as("direction")
    client.post(reverse("pipeline:tender-decide", args=[tender.pk]), {"decision": "go", "version": tender.version})
    tender.refresh_from_db()
    assert (tender.decision, tender.status) == (Decision.GO, TenderStatus.PREPARING)
    stale = client.post(reverse("pipeline:tender-decide", args=[tender.pk]), {"decision": "no_go", "version": 1})
    assert "modifié(e) par quelqu&#x27;un d&#x27;autre" in stale.content.decode()
    tender_services.decide_tender(actor=None, tender=tender, decision=Decision.NO_GO)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.ABANDONED


def test_tasks_are_added_ticked_and_deleted(client_as, tender, personas):
    client = client_as("commercial")
    added = client.post(
        reverse("pipeline:task-add", args=[tender.pk]),
        {"title": "Visiter les sites", "assignee": personas["assistant"].pk, "due_date": "2026-11-20"},
    )
    assert added.status_code == 302
    task = TenderTask.objects.get()
    ticked = client.post(reverse("pipeline:task-toggle", args=[task.pk]), {"done": "1"}, HTTP_HX_REQUEST="true")
    assert ticked.content.decode().lstrip().startswith(f'<li id="task-{task.pk}" class="task done">')
    task.refresh_from_db()
    assert task.done and task.done_at is not None
    client.post(reverse("pipeline:task-toggle", args=[task.pk]))  # unticked (no « done » in the form)
    task.refresh_from_db()
    assert not task.done and task.done_at is None
    bad = client.post(reverse("pipeline:task-add", args=[tender.pk]), {"title": "", "due_date": "2026-02-30"})
    assert "Ce champ est obligatoire." in bad.content.decode() and "Saisissez une date valide." in bad.content.decode()
    client.post(reverse("pipeline:task-delete", args=[task.pk]))
    assert not TenderTask.objects.exists()
    assert client_as("auditeur").post(reverse("pipeline:task-add", args=[tender.pk]), {"title": "x"}).status_code == 403


def test_winning_the_tender_wins_its_opportunity_and_logs_on_the_buyer(tender, customer, personas):
    actor = personas["commercial"]
    opportunity = services.create_opportunity(actor=actor, contact=customer, title="AO écoles", amount=Decimal("9000"))
    with pytest.raises(ValidationError, match="montant de l'offre"):
        tender_services.update_tender(actor=actor, tender=tender, status=TenderStatus.SUBMITTED)
    tender = tender_services.update_tender(
        actor=actor, tender=tender, opportunity=opportunity, status=TenderStatus.SUBMITTED, offer_amount=Decimal("8700")
    )
    tender_services.update_tender(actor=actor, tender=tender, status=TenderStatus.WON, outcome_reasons="Mieux-disant.")
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.amount) == (Stage.WON, Decimal("8700.00"))
    subjects = set(Interaction.objects.filter(contact=customer).values_list("subject", flat=True))
    assert {
        "Appel d'offres déposée : « Copieurs des écoles »",
        "Appel d'offres gagnée : « Copieurs des écoles »",
    } <= subjects


def test_losing_the_tender_loses_its_opportunity_with_the_reasons(tender, customer, personas):
    actor = personas["commercial"]
    opportunity = services.create_opportunity(actor=actor, contact=customer, title="AO écoles")
    tender_services.update_tender(
        actor=actor,
        tender=tender,
        opportunity=opportunity,
        status=TenderStatus.LOST,
        offer_amount=Decimal("8700"),
        outcome_reasons="Prix : 30/40.",
        winner_name="Concurrent SA",
        winning_price=Decimal("7900"),
    )
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.lost_reason, opportunity.lost_details) == (
        "perdue",
        "concurrent",
        "Prix : 30/40.",
    )


def test_tender_list_filters_sorts_and_exports(client_as, tender, customer, personas):
    tender_services.create_tender(
        actor=personas["direction"], buyer=customer, title="Ancien marché", status="perdue", offer_amount=Decimal("1")
    )
    client = client_as("auditeur")
    url = reverse("pipeline:tender-list")
    assert client.get(url).context["page"].paginator.count == 2
    assert [t.title for t in client.get(url, {"etat": "ouverts"}).context["page"]] == ["Copieurs des écoles"]
    assert [t.title for t in client.get(url, {"q": "2026-042"}).context["page"]] == ["Copieurs des écoles"]
    assert [t.title for t in client.get(url, {"tri": "objet"}).context["page"]] == [
        "Ancien marché",
        "Copieurs des écoles",
    ]
    text = b"".join(client.get(reverse("pipeline:tender-export", args=["csv"])).streaming_content).decode()
    assert text.lstrip("\ufeff").startswith("Référence;Objet;Acheteur;") and "01/12/2026 12:00" in text
    assert client_as("salarie").get(url).status_code == 403


def test_submission_day_is_read_in_paris_not_in_utc():
    """A deadline stored in UTC (as the database returns it) on 09/12 at 23:30 is the 10th in Paris: an offer
    due on the day the tender is published is accepted (issue 9, point 5: no business date from UTC)."""
    from pilote.pipeline.rules import clean_tender

    submission = dt.datetime(2026, 12, 9, 23, 30, tzinfo=dt.UTC)
    clean_tender(Tender(title="x", submission_deadline=submission, published_on=dt.date(2026, 12, 10)))
    with pytest.raises(ValidationError, match="précéder la publication"):
        clean_tender(Tender(title="x", submission_deadline=submission, published_on=dt.date(2026, 12, 11)))
