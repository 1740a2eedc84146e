"""Writes over the API go through the pages' services and forms: the same refusals, in French, nothing written."""

import datetime as dt
from decimal import Decimal

import pytest

from pilote.api.tests.days import iso, monday

pytestmark = pytest.mark.django_db


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
    unbalanced = {"journal": "OD", "date": iso(3, 2), "label": "Fournitures", "valider": True,
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

    start = monday(3, 2)  # five working days: Monday to Friday
    made = call("commercial", "post", "/api/v1/projets", {"name": "Salon", "kind": "internal",
                                                          "start_date": start.isoformat()})  # fmt: skip
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
    assert project["duration_days"] == 5 and project["end_date"] == (start + dt.timedelta(days=4)).isoformat()
    assert all(task["is_critical"] for task in project["tasks"])
    bad = call("commercial", "post", f"/api/v1/projets/{pk}/temps",
               {"task": first["id"], "date": iso(12, 1), "hours": "0.1"})  # fmt: skip
    assert bad.status_code == 422 and not TimeEntry.objects.exists()
    assert call("comptable", "get", "/api/v1/projets").status_code == 403


def test_employees_only_for_human_resources(call, personas):
    from pilote.core.models import AuditEvent

    file = {"last_name": "Durand", "first_names": "Léa", "sex": "F", "birth_date": "1992-05-04", "job": "Comptable",
            "entry_date": iso(9, 1), "nir": "2 92 05 75 112 003 75"}  # fmt: skip
    hired = call("rh", "post", "/api/v1/salaries", file)
    assert hired.status_code == 201, hired.content
    employee = hired.json()
    assert employee["register_number"] == 1 and "nir" not in employee
    for role in ("comptable", "commercial", "assistant", "salarie", "auditeur"):
        assert call(role, "get", "/api/v1/salaries").status_code == 403
        assert call(role, "get", f"/api/v1/salaries/{employee['id']}").status_code == 403
    job = call("rh", "patch", f"/api/v1/salaries/{employee['id']}", {"job": "Chef comptable"})
    assert job.status_code == 409 and "motif" in job.json()["detail"]
    job = call("rh", "patch", f"/api/v1/salaries/{employee['id']}", {"job": "Chef comptable", "reason": "Promotion"})
    assert job.status_code == 200 and job.json()["job"] == "Chef comptable" and job.json()["version"] == 2
    sick = call("rh", "post", "/api/v1/absences", {"employee": employee["id"], "kind": "maladie",
                                                   "start": iso(10, 5), "end": iso(10, 7)})  # fmt: skip
    assert sick.status_code == 201 and sick.json()["status"] == "acceptee" and Decimal(sick.json()["days"]) == 3
    clash = call("rh", "post", "/api/v1/absences", {"employee": employee["id"], "kind": "rtt",
                                                    "start": iso(10, 6), "end": iso(10, 6)})  # fmt: skip
    assert clash.status_code == 409 and "chevauchent" in clash.json()["detail"]
    call("direction", "get", f"/api/v1/absences/{sick.json()['id']}")
    assert AuditEvent.objects.filter(action="hr.absence.read", actor=personas["direction"]).count() == 1
    rtt = {"kind": "rtt", "start": iso(3, 1, years=1), "end": iso(3, 1, years=1)}
    mine = call("salarie", "post", "/api/v1/mes-absences", rtt)
    assert mine.status_code == 404  # no file linked to this account


def test_an_invoice_drafted_and_issued_through_the_sales_services(call, structure, personas):
    from pilote.ledger.models import Entry
    from pilote.sales.tests.factories import make_shop

    shop = make_shop(structure, personas)
    line = {"description": "Guide", "quantity": "2", "unit_price": "24.50", "vat_rate": "0.00"}
    body = {"customer": shop["customer"].pk, "date": iso(3, 2), "lines": [line]}
    refused = call("commercial", "post", "/api/v1/factures", body)
    assert refused.status_code == 422 and "mention légale" in str(refused.json()["erreurs"])
    body["lines"] = [{**line, "vat_rate": "5.50"}]
    draft = call("commercial", "post", "/api/v1/factures", body)
    assert draft.status_code == 201, draft.content
    assert draft.json()["status"] == "draft" and draft.json()["total_gross"] == "51.70"
    pk = draft.json()["id"]
    assert call("auditeur", "post", f"/api/v1/factures/{pk}/emission").status_code == 403
    issued = call("comptable", "post", f"/api/v1/factures/{pk}/emission")
    assert issued.status_code == 200, issued.content
    assert issued.json()["status"] == "issued" and issued.json()["number"]
    assert Entry.objects.filter(status="posted", journal__code="VT").count() == 1
    again = call("commercial", "put", f"/api/v1/factures/{pk}", body)
    assert again.status_code == 409


def test_stock_moved_through_the_operations_services(call, structure, personas):
    from pilote.sales.tests.factories import make_shop

    shop = make_shop(structure, personas)
    store = call("assistant", "post", "/api/v1/emplacements", {"code": "DEP", "name": "Dépôt"}).json()
    chair = {"product": shop["p"]["chair"].pk, "default_location": store["id"]}
    item = call("assistant", "post", "/api/v1/stock", chair)
    assert item.status_code == 201, item.content
    pk = item.json()["id"]
    service = call("assistant", "post", "/api/v1/stock", {"product": shop["p"]["install"].pk,
                                                          "default_location": store["id"]})  # fmt: skip
    assert service.status_code == 422  # the page's form offers goods only
    move = {"kind": "receipt", "date": iso(3, 2), "quantity": "4", "location": store["id"]}
    assert call("assistant", "post", f"/api/v1/stock/{pk}/mouvements", move).status_code == 422  # its unit cost
    made = call("assistant", "post", f"/api/v1/stock/{pk}/mouvements", {**move, "unit_cost": "80"})
    assert made.status_code == 201 and made.json()[0]["value"] == "320.00"
    too_many = call("assistant", "post", f"/api/v1/stock/{pk}/mouvements", {**move, "kind": "issue", "quantity": "5"})
    assert too_many.status_code == 409
    listed = call("comptable", "get", "/api/v1/stock?q=chaise").json()
    assert listed["results"][0]["quantity"] == "4.000" and listed["results"][0]["average_cost"] == "80.0000"
    assert call("comptable", "post", f"/api/v1/stock/{pk}/mouvements", move).status_code == 403
