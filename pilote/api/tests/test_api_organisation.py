"""Operations, associations, office and finance over the API: the pages' services and forms, their refusals in French,
nothing written when refused."""

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


# --- operations -----------------------------------------------------------------------------------------------


def test_interventions_planned_moved_and_reported_as_on_the_pages(call, personas):
    from pilote.contacts.models import Contact
    from pilote.operations.models import Intervention

    customer = Contact.objects.create(name="Martin", is_customer=True, address_line1="4 rue Vive",
                                      postal_code="74000", city="Annecy")  # fmt: skip
    tech = personas["salarie"]
    visit = {"customer": customer.pk, "kind": "repair", "subject": "Fuite", "technician": tech.pk,
             "day": "2027-01-12", "at": "09:00", "minutes": 90}  # fmt: skip
    made = call("assistant", "post", "/api/v1/interventions", visit)
    assert made.status_code == 201, made.content
    first = made.json()["visits"][0]
    assert first["address"] == "4 rue Vive, 74000 Annecy" and first["technician_id"] == tech.pk
    clash = call("assistant", "post", "/api/v1/interventions", {**visit, "at": "10:00"})
    assert clash.status_code == 409 and "Conflit" in clash.json()["detail"]
    offset = call("assistant", "post", "/api/v1/interventions", {**visit, "at": "10:00+02:00"})
    assert offset.status_code == 422 and "Heure locale" in offset.json()["erreurs"]["at"][0]
    assert Intervention.objects.count() == 1
    series = call(
        "assistant",
        "post",
        "/api/v1/interventions",
        {**visit, "technician": None, "day": "2027-02-01", "until": "2027-02-05", "weekdays": [0, 2]},
    )
    assert series.status_code == 201 and len(series.json()["visits"]) == 2  # fmt: skip
    assert "non affectée" in series.json()["warnings"][0]
    second = series.json()["visits"][0]["id"]
    moved = call("commercial", "post", f"/api/v1/interventions/{second}/deplacement", {"technician": tech.pk})
    assert moved.status_code == 200 and moved.json()["visits"][0]["technician_id"] == tech.pk
    onto = call("commercial", "post", f"/api/v1/interventions/{second}/deplacement",
                {"day": "2027-01-12", "at": "09:30"})  # fmt: skip
    assert onto.status_code == 409 and "Conflit" in onto.json()["detail"]
    # The technician's phone page: arrival, then the signed report.
    url = f"/api/v1/interventions/{first['id']}"
    early = call("salarie", "post", f"{url}/compte-rendu", {"report": "R", "signed_by": "M", "signature": True})
    assert early.status_code == 409 and "arrivée" in early.json()["detail"]
    assert call("salarie", "post", f"{url}/arrivee").json()["status"] == "started"
    unsigned = call("salarie", "post", f"{url}/compte-rendu", {"report": "Joint changé", "signed_by": "M. Martin",
                                                               "signature": False})  # fmt: skip
    assert unsigned.status_code == 422
    done = call("salarie", "post", f"{url}/compte-rendu", {"report": "Joint changé", "signed_by": "M. Martin",
                                                           "signature": True})  # fmt: skip
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["signed_by"] == "M. Martin"
    listed = call("auditeur", "get", f"/api/v1/interventions?technician={tech.pk}&status=done").json()
    assert [v["id"] for v in listed["results"]] == [first["id"]]
    assert call("salarie", "post", "/api/v1/interventions", visit).status_code == 403


def test_an_inventory_count_posts_its_differences(call, structure, personas):
    from pilote.operations.models import StockMove
    from pilote.sales.tests.factories import make_shop

    shop = make_shop(structure, personas)
    store = call("assistant", "post", "/api/v1/emplacements", {"code": "DEP", "name": "Dépôt"}).json()
    item = call("assistant", "post", "/api/v1/stock", {"product": shop["p"]["chair"].pk,
                                                       "default_location": store["id"]}).json()  # fmt: skip
    call(
        "assistant",
        "post",
        f"/api/v1/stock/{item['id']}/mouvements",
        {"kind": "receipt", "date": "2026-03-02", "quantity": "10", "location": store["id"], "unit_cost": "80"},
    )
    sheet = call("assistant", "post", "/api/v1/inventaires", {"location": store["id"], "date": "2026-03-31"})
    assert sheet.status_code == 201, sheet.content
    count = sheet.json()
    assert [(x["reference"], x["expected"], x["counted"]) for x in count["lines"]] == [("CH-01", "10.000", None)]
    url = f"/api/v1/inventaires/{count['id']}/quantites"
    half = call("assistant", "post", url, {"lines": [], "valider": True})
    assert half.status_code == 409 and "non comptées" in half.json()["detail"]
    line = count["lines"][0]["id"]
    negative = call("assistant", "post", url, {"lines": [{"line": line, "counted": "-1"}]})
    assert negative.status_code == 422
    posted = call("assistant", "post", url, {"lines": [{"line": line, "counted": "8"}], "valider": True})
    assert posted.status_code == 200 and posted.json()["status"] == "posted"
    assert posted.json()["lines"][0]["difference"] == "-2.000"
    assert StockMove.objects.filter(kind="count").get().quantity == Decimal("-2")
    again = call("assistant", "post", url, {"lines": [{"line": line, "counted": "9"}]})
    assert again.status_code == 409
    assert call("comptable", "get", "/api/v1/inventaires?status=posted").json()["count"] == 1


def test_production_refused_while_a_component_is_short(call, structure, personas):
    from pilote.operations.models import ProductionOrder
    from pilote.sales.tests.factories import make_shop

    shop = make_shop(structure, personas)
    store = call("assistant", "post", "/api/v1/emplacements", {"code": "ATL", "name": "Atelier"}).json()
    chair = call("assistant", "post", "/api/v1/stock", {"product": shop["p"]["chair"].pk,
                                                        "default_location": store["id"]}).json()  # fmt: skip
    book = call("assistant", "post", "/api/v1/stock", {"product": shop["p"]["book"].pk, "category": "products",
                                                       "default_location": store["id"]}).json()  # fmt: skip
    call(
        "assistant",
        "post",
        f"/api/v1/stock/{chair['id']}/mouvements",
        {"kind": "receipt", "date": "2026-03-02", "quantity": "3", "location": store["id"], "unit_cost": "10"},
    )
    bom = call("assistant", "post", "/api/v1/nomenclatures", {"name": "Coffret", "product": book["id"]})
    assert bom.status_code == 201, bom.content
    bom_id = bom.json()["id"]
    itself = call("assistant", "post", f"/api/v1/nomenclatures/{bom_id}/composants",
                  {"component": book["id"], "quantity": "1"})  # fmt: skip
    assert itself.status_code == 409 and "propre composant" in itself.json()["detail"]
    assert call("assistant", "post", f"/api/v1/nomenclatures/{bom_id}/composants",
                {"component": chair["id"], "quantity": "2"}).status_code == 201  # fmt: skip
    centre = call("assistant", "post", "/api/v1/postes-de-charge", {"name": "Montage", "hourly_rate": "30"}).json()
    assert call("assistant", "post", f"/api/v1/nomenclatures/{bom_id}/operations",
                {"work_centre": centre["id"], "hours": "0.5"}).status_code == 201  # fmt: skip
    detail = call("comptable", "get", f"/api/v1/nomenclatures/{bom_id}").json()
    assert detail["materials"] == "20.00" and detail["labour"] == "15.00" and detail["unit"] == "35.00"
    order = {"bom": bom_id, "quantity": "2", "planned_date": "2026-03-10", "location": store["id"]}
    made = call("assistant", "post", "/api/v1/ordres-fabrication", order)
    assert made.status_code == 201 and made.json()["needs"][0]["shortage"] == "1.000"
    pk = made.json()["id"]
    short = call("assistant", "post", f"/api/v1/ordres-fabrication/{pk}/lancement")
    assert short.status_code == 409 and "composants manquants" in short.json()["detail"]
    assert ProductionOrder.objects.get(pk=pk).status == "planned"
    early = call("assistant", "post", f"/api/v1/ordres-fabrication/{pk}/fin", {"date": "2026-03-10"})
    assert early.status_code == 409 and "Seul un ordre lancé" in early.json()["detail"]
    call(
        "assistant",
        "post",
        f"/api/v1/stock/{chair['id']}/mouvements",
        {"kind": "receipt", "date": "2026-03-03", "quantity": "1", "location": store["id"], "unit_cost": "10"},
    )
    assert call("assistant", "post", f"/api/v1/ordres-fabrication/{pk}/lancement").json()["status"] == "released"
    done = call("assistant", "post", f"/api/v1/ordres-fabrication/{pk}/fin", {"date": "2026-03-10"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert done.json()["unit_cost"] == "35.0000"
    assert call("comptable", "get", f"/api/v1/stock/{book['id']}").json()["quantity"] == "2.000"
    listed = call("comptable", "get", "/api/v1/ordres-fabrication?status=done&q=coffret").json()
    assert listed["count"] == 1
    assert call("comptable", "post", "/api/v1/ordres-fabrication", order).status_code == 403
