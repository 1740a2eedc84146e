"""Purchases over the API beyond invoices and orders (apia): e-invoice files received through the page's service and
checks, requests for quotes and their answers, supplier evaluation — the pages' refusals through the API (422 in
French, nothing written), the happy paths through the services, the roles refused."""

import base64
from pathlib import Path

import pytest

from pilote.api.tests.dataset_apia import einvoice_base64
from pilote.api.tests.days import day, iso, year

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[4] / "shared/samples/einvoices"
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples/einvoices absent")


@pytest.fixture
def books(structure, personas):
    from pilote.sales.tests.factories import make_books

    make_books(structure)


def _sample(name: str) -> str:
    return base64.b64encode((SAMPLES / name).read_bytes()).decode()


@needs_samples
def test_an_einvoice_file_is_received_through_the_pages_checks(call, books):
    from pilote.contacts.models import Contact
    from pilote.purchases.models import SupplierInvoice

    url = "/api/v1/factures-fournisseurs-electroniques"
    truncated = base64.b64encode((SAMPLES / "cii/CII_example9.xml").read_bytes()[:2000]).decode()
    malformed = call("assistant", "post", url, {"file_name": "f.xml", "content_base64": truncated})
    assert malformed.status_code == 422 and "mal formé" in str(malformed.json()["erreurs"]["content_base64"])
    nok = _sample("ubl/ubl-tc434-example2.xml")
    foreign = call("assistant", "post", url, {"file_name": "u.xml", "content_base64": nok})
    assert foreign.status_code == 422 and "est en NOK" in str(foreign.json()["erreurs"]), foreign.content
    not_base64 = call("assistant", "post", url, {"file_name": "f.xml", "content_base64": "§§§"})
    assert not_base64.status_code == 422 and "base64" in str(not_base64.json()["erreurs"])
    exe = call("assistant", "post", url, {"file_name": "f.exe", "content_base64": einvoice_base64()})
    assert exe.status_code == 422
    unknown = call("assistant", "post", url, {"file_name": "f.xml", "content_base64": einvoice_base64()})
    assert unknown.status_code == 422 and "Fournisseur inconnu" in str(unknown.json()["erreurs"]["create_supplier"])
    assert not SupplierInvoice.objects.exists() and not Contact.objects.filter(siren="123456782").exists()
    body = {"file_name": "f.xml", "content_base64": einvoice_base64(), "create_supplier": True}
    assert call("auditeur", "post", url, body).status_code == 403
    assert call("salarie", "post", url, body).status_code == 403
    made = call("commercial", "post", url, body)
    assert made.status_code == 201, made.content
    invoice = made.json()
    assert invoice["number"] == "FA-2026-0042" and invoice["status"] == "received" and invoice["source"] == "cii"
    assert invoice["supplier_name"] == "Atelier Pilote" and len(invoice["lines"]) == 4
    assert Contact.objects.get(siren="123456782").is_supplier
    twice = call("commercial", "post", url, body)
    assert twice.status_code == 422 and "Doublon" in str(twice.json()["erreurs"]["content_base64"])
    assert SupplierInvoice.objects.count() == 1
    original = call("auditeur", "get", f"/api/v1/factures-fournisseurs/{invoice['id']}/original")
    assert base64.b64encode(original.content).decode() == einvoice_base64()


@pytest.fixture
def suppliers(books):
    from pilote.contacts.models import Contact

    return [Contact.objects.create(name=name, is_supplier=True) for name in ("Bureau Plus", "Papeterie Alpine")]


def test_a_request_for_quotes_is_answered_and_one_answer_becomes_an_order(call, suppliers):
    from pilote.purchases.models import PurchaseOrder, QuoteRequest

    url = "/api/v1/demandes-de-prix"
    body = {"title": "Ramettes", "date": iso(3, 2), "reply_by": iso(3, 1), "suppliers": [s.pk for s in suppliers],
            "lines": [{"description": "Ramette A4", "quantity": "10"}]}  # fmt: skip
    early = call("commercial", "post", url, body)
    assert early.status_code == 422 and "précéder" in str(early.json()["erreurs"]["reply_by"])
    no_quantity = call("commercial", "post", url, {**body, "reply_by": None, "lines": [{"description": "Ramette"}]})
    assert no_quantity.status_code == 422 and "quantité" in str(no_quantity.json()["erreurs"]["lines.1.quantity"])
    assert call("auditeur", "post", url, {**body, "reply_by": None}).status_code == 403
    assert not QuoteRequest.objects.exists()
    made = call("commercial", "post", url, {**body, "reply_by": iso(3, 10)})
    assert made.status_code == 201, made.content
    rfq = made.json()
    assert rfq["number"].startswith(f"DP-{year()}-") and rfq["status"] == "draft" and len(rfq["answers"]) == 2
    listed = call("auditeur", "get", f"{url}?q=ramettes&tri=-numero&statut=draft")
    assert listed.status_code == 200 and [row["id"] for row in listed.json()["results"]] == [rfq["id"]]
    assert call("auditeur", "get", f"{url}?statut=nimporte").status_code == 422
    line = rfq["lines"][0]["id"]
    first, second = (answer["id"] for answer in rfq["answers"])
    answer_url = f"{url}/{rfq['id']}/reponses/{first}"
    before = call("commercial", "put", answer_url, {"answered_on": iso(3, 1),
                                                     "prices": [{"line": line, "unit_price": "4.20"}]})  # fmt: skip
    assert before.status_code == 409 and "précéder" in before.json()["detail"]
    negative = call("commercial", "put", answer_url, {"answered_on": iso(3, 4),
                                                       "prices": [{"line": line, "unit_price": "-1"}]})  # fmt: skip
    assert negative.status_code == 422
    stranger = call("commercial", "put", answer_url, {"answered_on": iso(3, 4),
                                                       "prices": [{"line": 999999, "unit_price": "1"}]})  # fmt: skip
    assert stranger.status_code == 422
    not_answered = call("commercial", "post", f"{url}/{rfq['id']}/reponses/{second}/choix", {})
    assert not_answered.status_code == 409 and "pas encore répondu" in not_answered.json()["detail"]
    priced = {"answered_on": iso(3, 4), "prices": [{"line": line, "unit_price": "4.20"}]}
    assert call("auditeur", "put", answer_url, priced).status_code == 403
    answered = call("assistant", "put", answer_url, {"answered_on": iso(3, 4), "delay_days": 5,
                                                      "prices": [{"line": line, "unit_price": "4.20"}]})  # fmt: skip
    assert answered.status_code == 200, answered.content
    assert answered.json()["answers"][0]["total_net"] == "42.00"
    assert answered.json()["cheapest_answer_id"] == first
    wrong_request = call("commercial", "post", f"{url}/{rfq['id'] + 1000}/reponses/{first}/choix", {})
    assert wrong_request.status_code == 404
    chosen = call("commercial", "post", f"{answer_url}/choix", {"reason": "Seul à répondre"})
    assert chosen.status_code == 201, chosen.content
    order = PurchaseOrder.objects.get(pk=chosen.json()["order_id"])
    assert order.supplier == suppliers[0] and order.total_net == 42 and order.status == "draft"
    closed = call("commercial", "post", f"{url}/{rfq['id']}/abandon", {})
    assert closed.status_code == 409 and "Commandée" in closed.json()["detail"]


def test_a_request_is_cancelled_with_its_version(call, suppliers, personas):
    from decimal import Decimal

    from pilote.purchases import rfq

    asked = rfq.create_request(actor=personas["direction"], title="Toner", date=day(3, 2),
                               suppliers=suppliers, lines=[rfq.RequestedLine("Toner", Decimal(1))])  # fmt: skip
    url = f"/api/v1/demandes-de-prix/{asked.pk}/abandon"
    assert call("auditeur", "post", url, {}).status_code == 403
    stale = call("commercial", "post", url, {"version": 7})
    assert stale.status_code == 409
    done = call("commercial", "post", url, {"version": 1})
    assert done.status_code == 200 and done.json()["status"] == "cancelled"


def test_suppliers_are_rated_and_ranked(call, suppliers):
    from pilote.contacts.models import Contact
    from pilote.lib.dates import local_today
    from pilote.purchases.models import SupplierRating

    url = f"/api/v1/fournisseurs/{suppliers[0].pk}/evaluations"
    assert call("commercial", "post", url, {"score": 6, "rated_on": iso(3, 10)}).status_code == 422
    customer = Contact.objects.create(name="Client", is_customer=True)
    refused = call("commercial", "post", f"/api/v1/fournisseurs/{customer.pk}/evaluations",
                   {"score": 3, "rated_on": iso(3, 10)})  # fmt: skip
    assert refused.status_code == 409 and "n'est pas un fournisseur" in refused.json()["detail"]
    assert call("auditeur", "post", url, {"score": 3, "rated_on": iso(3, 10)}).status_code == 403
    assert not SupplierRating.objects.exists()
    today = local_today().isoformat()
    rated = call("commercial", "post", url, {"score": 4, "rated_on": today, "comment": "Fiable"})
    assert rated.status_code == 201 and rated.json()["score"] == 4
    ranking = call("auditeur", "get", "/api/v1/evaluation-fournisseurs?tri=fournisseur")
    assert ranking.status_code == 200, ranking.content
    rows = ranking.json()["results"]
    assert [row["supplier_name"] for row in rows] == ["Bureau Plus"] and rows[0]["criteria"]["rating"] is not None
    assert call("auditeur", "get", "/api/v1/evaluation-fournisseurs?du=2026-02-31").status_code == 422
    assert call("salarie", "get", "/api/v1/evaluation-fournisseurs").status_code == 403
