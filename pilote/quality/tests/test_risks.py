"""The risk register: scores, the scale, owners, actions and reviews through the services; the list sorted by
criticality with filters and exports; bad input refused in French with nothing written."""

import datetime as dt

import pytest
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.quality.models import Risk, RiskAction
from pilote.quality.services import risks as services

pytestmark = pytest.mark.django_db


def test_scores_are_the_products_and_residual_cannot_exceed_inherent(make_risk):
    risk = make_risk(likelihood=3, impact=4, residual_likelihood=2, residual_impact=2)
    assert (risk.inherent_score, risk.residual_score) == (12, 4)
    with pytest.raises(DomainError, match="ne peut pas dépasser la criticité brute"):
        make_risk(likelihood=1, impact=2, residual_likelihood=2, residual_impact=2)
    assert Risk.objects.count() == 1


def test_ratings_stay_within_the_structure_scale(make_risk, personas):
    with pytest.raises(DomainError, match="va de 1 à 4"):
        make_risk(likelihood=5, impact=1, residual_likelihood=1, residual_impact=1)
    services.update_settings(actor=personas["direction"], risk_scale=5, headcount=8)
    risk = make_risk(likelihood=5, impact=5, residual_likelihood=3, residual_impact=4)
    assert risk.inherent_score == 25
    with pytest.raises(DomainError, match="1 risque"):  # lowering the scale would orphan a 5
        services.update_settings(actor=personas["direction"], risk_scale=4, headcount=8)
    assert services.current_settings().risk_scale == 5


def test_owner_must_hold_a_role_that_follows_risks(make_risk, personas):
    with pytest.raises(DomainError, match="ne peut pas piloter"):
        make_risk(owner=personas["commercial"])
    risk = make_risk(owner=personas["comptable"])
    with pytest.raises(DomainError, match="ne peut pas piloter"):
        services.add_action(actor=personas["direction"], risk=risk, title="x", owner=personas["salarie"],
                            due_on=dt.date(2026, 4, 1))  # fmt: skip


def test_only_the_owner_or_direction_moves_an_action(make_risk, personas):
    risk = make_risk()
    action = services.add_action(actor=personas["direction"], risk=risk, title="Sauvegarde externe",
                                 owner=personas["rh"], due_on=dt.date(2026, 4, 1))  # fmt: skip
    with pytest.raises(DomainError, match="Seuls le responsable"):
        services.set_action_status(actor=personas["comptable"], action=action, status="done")
    done = services.set_action_status(actor=personas["rh"], action=action, status="done")
    assert done.status == "done" and done.done_on is not None
    with pytest.raises(DomainError, match="Décrivez l.action"):
        services.add_action(actor=personas["direction"], risk=risk, title="", owner=personas["rh"],
                            due_on=dt.date(2026, 4, 1))  # fmt: skip


def test_a_risk_with_open_actions_cannot_be_closed(make_risk, personas):
    risk = make_risk()
    action = services.add_action(actor=personas["direction"], risk=risk, title="Onduleur", owner=personas["direction"],
                                 due_on=dt.date(2026, 4, 1))  # fmt: skip
    with pytest.raises(DomainError, match="encore ouvertes"):
        services.set_risk_status(actor=personas["direction"], risk=risk, status="closed")
    services.set_action_status(actor=personas["direction"], action=action, status="cancelled")
    assert services.set_risk_status(actor=personas["direction"], risk=risk, status="closed").status == "closed"


def test_review_moves_the_next_date_forward(make_risk, personas):
    risk = make_risk()
    with pytest.raises(DomainError, match="doit suivre"):
        services.review_risk(actor=personas["direction"], risk=risk, next_review_on=dt.date(2000, 1, 1))
    reviewed = services.review_risk(actor=personas["direction"], risk=risk, next_review_on=dt.date(2099, 1, 1))
    assert reviewed.review_on == dt.date(2099, 1, 1) and reviewed.reviewed_on is not None


def test_list_is_sorted_by_criticality_and_filtered(client_as, make_risk):
    low = make_risk(title="Faible", likelihood=1, impact=2, residual_likelihood=1, residual_impact=1)
    high = make_risk(title="Grave", likelihood=4, impact=4, residual_likelihood=3, residual_impact=4)
    mid = make_risk(title="Moyen", category="legal", likelihood=3, impact=3, residual_likelihood=2, residual_impact=3)
    page = client_as("auditeur").get(reverse("quality:risk-list")).content.decode()
    assert page.index(high.reference) < page.index(mid.reference) < page.index(low.reference)
    filtered = client_as("auditeur").get(reverse("quality:risk-list"), {"nature": "legal"}).content.decode()
    assert mid.reference in filtered and high.reference not in filtered
    critical = client_as("auditeur").get(reverse("quality:risk-list"), {"niveau": "critical"}).content.decode()
    assert high.reference in critical and mid.reference not in critical
    ascending = client_as("auditeur").get(reverse("quality:risk-list"), {"tri": "criticite"}).content.decode()
    assert ascending.index(low.reference) < ascending.index(high.reference)


def test_the_list_runs_a_bounded_number_of_queries(client_as, make_risk, django_assert_max_num_queries):
    for n in range(12):
        make_risk(title=f"Risque {n}")
    client = client_as("direction")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("quality:risk-list")).status_code == 200


def test_export_lists_the_filtered_risks(client_as, make_risk):
    make_risk(title="Rançongiciel")
    make_risk(title="Impayé", category="financial")
    response = client_as("direction").get(reverse("quality:risk-export", args=["csv"]), {"nature": "financial"})
    text = b"".join(response.streaming_content).decode()
    assert "Criticité résiduelle" in text and "Impayé" in text and "Rançongiciel" not in text


def test_bad_input_gets_a_french_message_and_writes_nothing(client_as, personas):
    client = client_as("direction")
    data = {"title": "Fraude", "category": "financial", "owner": personas["direction"].pk, "cause": "c",
            "consequence": "c", "likelihood": "1", "impact": "2", "residual_likelihood": "2",
            "residual_impact": "2", "review_on": "2026-05-01"}  # fmt: skip
    response = client.post(reverse("quality:risk-create"), data)
    assert response.status_code == 200 and "ne peut pas dépasser la criticité brute" in response.content.decode()
    response = client.post(reverse("quality:risk-create"), {**data, "likelihood": "9", "review_on": "31/02/2026"})
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()
    assert not Risk.objects.exists()
    response = client.post(reverse("quality:risk-create"), {**data, "residual_likelihood": "1"})
    assert response.status_code == 302 and Risk.objects.get().inherent_score == 2


def test_edit_keeps_scores_in_step(client_as, make_risk, personas):
    risk = make_risk()
    data = {"title": risk.title, "category": "it", "owner": personas["direction"].pk, "cause": "c",
            "consequence": "c", "likelihood": "4", "impact": "4", "residual_likelihood": "1",
            "residual_impact": "4", "review_on": "2026-05-01", "version": risk.version}  # fmt: skip
    response = client_as("direction").post(reverse("quality:risk-edit", args=[risk.pk]), data)
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.inherent_score, risk.residual_score) == (16, 4)


def test_action_forms_on_the_detail_page(client_as, make_risk, personas):
    risk = make_risk()
    client = client_as("direction")
    url = reverse("quality:action-add", args=[risk.pk])
    response = client.post(url, {"title": "", "owner": personas["rh"].pk, "due_on": "2026-04-01"})
    assert response.status_code == 400 and not RiskAction.objects.exists()
    client.post(url, {"title": "Onduleur", "owner": personas["rh"].pk, "due_on": "2026-04-01"})
    action = RiskAction.objects.get()
    client_as("rh").post(reverse("quality:action-status", args=[action.pk]), {"status": "in_progress"})
    action.refresh_from_db()
    assert action.status == "in_progress"
    client_as("comptable").post(reverse("quality:action-status", args=[action.pk]), {"status": "done"})
    action.refresh_from_db()
    assert action.status == "in_progress"  # not the comptable's action


def test_settings_page(client_as):
    client = client_as("direction")
    response = client.post(reverse("quality:settings"), {"risk_scale": "5", "headcount": "-3"})
    assert response.status_code == 200
    assert services.current_settings().risk_scale == 4
    client.post(reverse("quality:settings"), {"risk_scale": "5", "headcount": "14", "version": "1"})
    assert (services.current_settings().risk_scale, services.current_settings().headcount) == (5, 14)
