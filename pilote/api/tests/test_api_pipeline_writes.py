"""Pipeline, complaints and e-reporting over the API (apisales): the pages' forms and services decide — an
opportunity lost needs its reason, a complaint is answered before it is closed, a running period is not transmitted."""

import pytest

from pilote.api.tests.days import ago

pytestmark = pytest.mark.django_db


def test_an_opportunity_moves_and_is_lost_only_with_its_reason(call, personas):
    from pilote.contacts.models import Contact

    contact = Contact.objects.create(name="Garage Durand", is_prospect=True)
    made = call("commercial", "post", "/api/v1/opportunites", {"contact": contact.pk, "title": "Flotte",
                                                               "amount": "8000", "probability": 40,
                                                               "stage": "proposition"})  # fmt: skip
    assert made.status_code == 201, made.content
    opportunity = made.json()
    assert opportunity["stage"] == "proposition" and opportunity["weighted_amount"] == "3200.00"
    assert opportunity["owner_id"] == personas["commercial"].pk
    url = f"/api/v1/opportunites/{opportunity['id']}"
    closed = call(
        "commercial", "post", "/api/v1/opportunites", {"contact": contact.pk, "title": "X", "stage": "gagnee"}
    )
    assert closed.status_code == 422
    assert call("comptable", "post", f"{url}/etape", {"stage": "negociation"}).status_code == 403
    moved = call("commercial", "post", f"{url}/etape", {"stage": "negociation", "version": opportunity["version"]})
    assert moved.status_code == 200 and moved.json()["stage"] == "negociation"
    stale = call("commercial", "patch", url, {"next_action": "Relancer", "version": opportunity["version"]})
    assert stale.status_code == 409
    lost = call("commercial", "post", f"{url}/etape", {"stage": "perdue"})
    assert lost.status_code == 422 and "/cloture" in str(lost.json()["erreurs"])
    no_reason = call("commercial", "post", f"{url}/cloture", {"outcome": "perdue", "closed_on": ago(1)})
    assert no_reason.status_code == 422 and "raison de la perte" in str(no_reason.json()["erreurs"])
    done = call("commercial", "post", f"{url}/cloture", {"outcome": "perdue", "closed_on": ago(1),
                                                         "lost_reason": "prix"})  # fmt: skip
    assert done.status_code == 200 and done.json()["stage"] == "perdue", done.content
    assert done.json()["lost_reason"] == "prix" and done.json()["closed_on"] == ago(1)
    assert call("auditeur", "get", "/api/v1/opportunites?etape=ouvertes").json()["count"] == 0
    assert call("auditeur", "get", "/api/v1/opportunites?etape=perdue").json()["count"] == 1


def test_a_complaint_is_answered_before_it_is_closed(call, structure, personas):
    from pilote.sales.tests.factories import make_shop

    shop = make_shop(structure, personas)
    body = {"customer": shop["customer"].pk, "received_on": ago(1), "category": "billing",
            "subject": "Facture en double", "invoice_number": "F-2026-99999"}  # fmt: skip
    unknown = call("assistant", "post", "/api/v1/reclamations", body)
    assert unknown.status_code == 422 and "F-2026-99999" in str(unknown.json()["erreurs"]["invoice_number"])
    made = call("assistant", "post", "/api/v1/reclamations", {**body, "invoice_number": ""})
    assert made.status_code == 201 and made.json()["status"] == "new", made.content
    url = f"/api/v1/reclamations/{made.json()['id']}"
    early = call("assistant", "post", f"{url}/cloture", {"resolution": "unfounded"})
    assert early.status_code == 409 and "Répondez au client" in early.json()["detail"]
    answered = call("assistant", "post", f"{url}/suivi", {"kind": "answer", "medium": "phone", "text": "Avoir émis."})
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert call("auditeur", "post", f"{url}/cloture", {"resolution": "unfounded"}).status_code == 403
    closed = call("assistant", "post", f"{url}/cloture", {"resolution": "corrective", "root_cause": "Double saisie"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    reopened = call("assistant", "post", f"{url}/reouverture", {"reason": "Toujours facturé"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "reopened"
    assert [entry["kind"] for entry in reopened.json()["entries"]].count("answer") == 1
    listed = call("auditeur", "get", f"/api/v1/reclamations?statut=ouvertes&client={shop['customer'].pk}").json()
    assert listed["count"] == 1 and listed["results"][0]["reference"] == made.json()["reference"]


def test_e_reporting_periods_and_a_running_one_is_not_transmitted(call, structure, personas):
    from pilote.lib.dates import local_today
    from pilote.sales.tests.factories import make_shop

    make_shop(structure, personas)
    periods = call("comptable", "get", "/api/v1/e-reporting/periodes?taille=5").json()
    running = [p for p in periods["results"] if p["in_progress"]]
    assert running and all(p["start"] <= local_today().isoformat() <= p["end"] for p in running)
    url = f"/api/v1/e-reporting/periodes/{running[0]['flow']}/{running[0]['start']}"
    assert call("comptable", "get", url).json()["can_transmit"] is False
    refused = call("comptable", "post", f"{url}/transmission")
    assert refused.status_code == 409 and "une fois terminée" in refused.json()["detail"]
    assert call("commercial", "get", url).status_code == 403
    assert call("comptable", "get", "/api/v1/e-reporting/periodes/transactions/2026-03-07").status_code == 404
