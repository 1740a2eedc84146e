"""Writes over the API go through the pages' services and forms: the same refusals, in French, nothing written."""

from decimal import Decimal

import pytest

from pilote.core import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(client, personas):
    """call(role, method, url, body=None) → response, with a fresh token of that persona."""
    keys = {}

    def make(role: str, method: str, url: str, body=None):
        if role not in keys:
            keys[role] = services.create_api_token(actor=personas[role], name="test")[1]
        auth = {"HTTP_AUTHORIZATION": f"Bearer {keys[role]}"}
        if body is None:
            return getattr(client, method)(url, **auth)
        return getattr(client, method)(url, body, content_type="application/json", **auth)

    return make


def test_catalogue_written_through_its_service(call):
    from pilote.catalog.models import Product

    made = call("commercial", "post", "/api/v1/articles", {"reference": "MNT", "name": "Maintenance",
                                                          "kind": "service", "unit_price": "78"})  # fmt: skip
    assert made.status_code == 201, made.content
    assert made.json()["sales_account"] == "706" and made.json()["version"] == 1
    pk = made.json()["id"]
    twice = call("commercial", "post", "/api/v1/articles", {"reference": "MNT", "name": "Autre", "unit_price": "1"})
    assert twice.status_code == 422 and "référence" in str(twice.json()["erreurs"]).lower()
    changed = call("assistant", "patch", f"/api/v1/articles/{pk}", {"unit_price": "80", "version": 1})
    assert changed.status_code == 200 and changed.json()["unit_price"] == "80.0000"
    stale = call("assistant", "patch", f"/api/v1/articles/{pk}", {"unit_price": "90", "version": 1})
    assert stale.status_code == 409
    assert Product.objects.get(pk=pk).unit_price == Decimal("80")
    assert call("comptable", "post", "/api/v1/articles", {"reference": "X", "name": "X", "unit_price": "1"}
                ).status_code == 403  # fmt: skip
    listed = call("comptable", "get", "/api/v1/articles?q=maint&kind=service&taille=1").json()
    assert listed["count"] == 1 and listed["results"][0]["reference"] == "MNT"


def test_an_entry_posted_through_the_ledger_service(call, structure, personas):
    from pilote.ledger.models import Entry
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    unbalanced = {"journal": "OD", "date": "2026-03-02", "label": "Fournitures", "valider": True,
                  "lines": [{"account": "6061", "debit": "10.00"}, {"account": "530", "credit": "9.00"}]}  # fmt: skip
    refused = call("comptable", "post", "/api/v1/ecritures", unbalanced)
    assert refused.status_code == 409 and "pas équilibrée" in refused.json()["detail"]
    assert not Entry.objects.exists()
    unknown = call("comptable", "post", "/api/v1/ecritures", {**unbalanced, "lines": [{"account": "999999"}]})
    assert unknown.status_code == 422 and "Compte 999999 inconnu." in str(unknown.json()["erreurs"])
    balanced = {**unbalanced, "lines": [{"account": "6061", "debit": "10.00"}, {"account": "530", "credit": "10.00"}]}
    posted = call("comptable", "post", "/api/v1/ecritures", balanced)
    assert posted.status_code == 201, posted.content
    body = posted.json()
    assert body["status"] == "posted" and body["number"] == 1 and len(body["hash"]) == 64
    assert [(line["account"], line["debit"]) for line in body["lines"]] == [("6061", "10.00"), ("530", "0.00")]
    again = call("comptable", "put", f"/api/v1/ecritures/{body['id']}", balanced)
    assert again.status_code == 409 and "contre-passe" in again.json()["detail"]
    reversed_ = call("comptable", "post", f"/api/v1/ecritures/{body['id']}/contre-passation", {})
    assert reversed_.status_code == 201 and reversed_.json()["reversal_of_id"] == body["id"]
    assert call("direction", "post", "/api/v1/ecritures", balanced).status_code == 403
    listed = call("auditeur", "get", "/api/v1/ecritures?compte=606&journal=od&etat=posted").json()
    assert listed["count"] == 2


def test_a_project_planned_through_its_services(call, personas):
    from pilote.projects.models import TimeEntry

    made = call("commercial", "post", "/api/v1/projets", {"name": "Salon", "kind": "internal",
                                                          "start_date": "2026-03-02"})  # fmt: skip
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    first = call("commercial", "post", f"/api/v1/projets/{pk}/taches", {"name": "Stand", "duration_days": 3}).json()
    second = call("commercial", "post", f"/api/v1/projets/{pk}/taches", {"name": "Salon", "duration_days": 2}).json()
    linked = call("commercial", "post", f"/api/v1/projets/{pk}/dependances",
                  {"predecessor": first["id"], "successor": second["id"]})  # fmt: skip
    assert linked.status_code == 201, linked.content
    loop = call("commercial", "post", f"/api/v1/projets/{pk}/dependances",
                {"predecessor": second["id"], "successor": first["id"]})  # fmt: skip
    assert loop.status_code == 409 and "boucle" in loop.json()["detail"]
    project = call("auditeur", "get", f"/api/v1/projets/{pk}").json()
    assert project["duration_days"] == 5 and project["end_date"] == "2026-03-06"
    assert all(task["is_critical"] for task in project["tasks"])
    bad = call("commercial", "post", f"/api/v1/projets/{pk}/temps",
               {"task": first["id"], "date": "2026-12-01", "hours": "0.1"})  # fmt: skip
    assert bad.status_code == 422 and not TimeEntry.objects.exists()
    assert call("comptable", "get", "/api/v1/projets").status_code == 403
