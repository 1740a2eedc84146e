import pytest
from django.urls import reverse

from pilote.api.tests.days import year
from pilote.contacts.models import Contact
from pilote.core import services
from pilote.core.models import AuditEvent
from pilote.core.permissions import role_can
from pilote.core.roles import Role


@pytest.fixture
def bearer(personas):
    """bearer('comptable') gives the Authorization header of a fresh token of that persona."""

    def make(role: str) -> dict:
        _, key = services.create_api_token(actor=personas[role], name="test")
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    return make


def test_list_filter_and_page(client, bearer):
    for i in range(7):
        Contact.objects.create(name=f"Client {i}", city="Lyon" if i < 4 else "Grenoble", is_customer=True)
    response = client.get("/api/v1/contacts", {"q": "lyon", "taille": 3, "tri": "-nom"}, **bearer("comptable"))
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 4 and body["pages"] == 2
    assert [c["name"] for c in body["results"]] == ["Client 3", "Client 2", "Client 1"]


def test_create_validates_identifiers_in_french_and_writes_nothing(client, bearer):
    auth = bearer("commercial")
    bad = {"name": "Garage", "is_customer": True, "siret": "91234567500018"}
    response = client.post("/api/v1/contacts", bad, content_type="application/json", **auth)
    assert response.status_code == 422
    assert "clé de contrôle" in response.json()["erreurs"]["siret"][0]
    assert not Contact.objects.exists()
    good = {**bad, "siret": "91234567500017", "tags": ["BTP"]}
    response = client.post("/api/v1/contacts", good, content_type="application/json", **auth)
    assert response.status_code == 201
    assert response.json()["siren"] == "912345675" and response.json()["tags"] == ["BTP"]
    event = AuditEvent.objects.get(action="contacts.contact.created")
    assert event.actor.username == "commercial" and event.actor_label == event.actor.get_full_name()


def test_patch_and_interactions(client, bearer):
    contact = Contact.objects.create(name="Alpha", is_prospect=True)
    auth = bearer("assistant")
    response = client.patch(
        f"/api/v1/contacts/{contact.pk}", {"is_customer": True, "city": "Lyon"}, content_type="application/json", **auth
    )
    assert response.status_code == 200 and response.json()["city"] == "Lyon"
    response = client.post(
        f"/api/v1/contacts/{contact.pk}/echanges",
        {"kind": "call", "subject": "Rappel"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201 and response.json()["author"] == "assistant"
    listed = client.get(f"/api/v1/contacts/{contact.pk}/echanges", **auth).json()
    assert [i["subject"] for i in listed] == ["Rappel"]


def test_an_exchange_at_an_impossible_time_is_a_french_422(client, bearer):
    """Found by schemathesis on PostgreSQL: « 3888-02-28T20:40:22+19:15 » reached the database (a 500)."""
    contact = Contact.objects.create(name="Alpha", is_prospect=True)
    auth = bearer("assistant")
    url = f"/api/v1/contacts/{contact.pk}/echanges"
    for moment, error in (("3888-02-28T20:40:22+19:15", "Décalage horaire impossible"),
                          ("3888-02-28T20:40:22+01:00", "Date hors des années 1900 à 2199")):  # fmt: skip
        response = client.post(url, {"kind": "call", "subject": "R", "occurred_at": moment},
                               content_type="application/json", **auth)  # fmt: skip
        assert response.status_code == 422 and error in response.json()["erreurs"]["occurred_at"][0]
    assert not contact.interactions.exists()
    ok = client.post(url, {"kind": "call", "subject": "R", "occurred_at": "2026-12-05T09:30:00+14:00"},
                     content_type="application/json", **auth)  # fmt: skip
    assert ok.status_code == 201


def test_missing_revoked_or_wrong_token_is_401(client, personas):
    assert client.get("/api/v1/contacts").status_code == 401
    assert client.get("/api/v1/contacts", HTTP_AUTHORIZATION="Bearer plt_faux").status_code == 401
    token, key = services.create_api_token(actor=personas["direction"], name="x")
    assert client.get("/api/v1/contacts", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    services.revoke_api_token(actor=personas["direction"], token=token)
    assert client.get("/api/v1/contacts", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def _operations(client, auth):
    schema = client.get("/api/v1/openapi.json", **auth).json()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_api_operation_enforces_the_matrix(client, client_as, bearer, role, structure, personas):
    """Each operation of the OpenAPI document, with the small data set's ids and a valid body, in a savepoint
    rolled back: a role holding its `x-permission` gets a 2xx, any other the French 403."""
    from pilote.api.tests.dataset import small_dataset

    ids = small_dataset(structure, personas)
    auth = bearer(role)
    operations = list(_operations(client_as("direction"), {}))
    assert operations, "the OpenAPI document lists the operations"
    for path, method, operation in operations:
        check_operation(client, auth, role, ids, path, method, operation)


def check_operation(client, auth: dict, role: str, ids: dict, path: str, method: str, operation: dict) -> None:
    """One operation called by `role` with the data set's ids and body, in a savepoint rolled back: a 2xx where
    the role holds its `x-permission` (or the object's own refusal, OBJECT_RULES), the French 403 elsewhere."""
    from django.db import transaction

    from pilote.api.tests.dataset import OBJECT_RULES, body_for, prepare, url_for

    perm = operation["x-permission"]  # every operation must declare one
    url = url_for(path, method, ids)
    assert "{" not in url, f"no id in the data set for {path}"
    with transaction.atomic():
        prepare(method, path)
        if "requestBody" in operation:
            body = body_for(method, path, ids)
            response = getattr(client, method)(url, body, content_type="application/json", **auth)
        else:
            response = getattr(client, method)(url, **auth)
        transaction.set_rollback(True)
    if (refused := OBJECT_RULES.get((method, path.removeprefix("/api/v1")), {}).get(role)) is not None:
        assert response.status_code == refused, (role, method, path, response.content)  # the object's own rule
    elif role_can(role, perm):
        assert 200 <= response.status_code < 300, (role, method, path, response.content)
    else:
        assert response.status_code == 403, (role, method, path, response.status_code)
        assert response.json()["detail"] == "Votre rôle ne permet pas cette opération."


def test_documentation_requires_sign_in_and_uses_no_cdn(client, client_as):
    assert client.get("/api/v1/docs").status_code == 302
    page = client_as("comptable").get("/api/v1/docs").content.decode()
    assert "cdn" not in page.lower() and "/static/ninja/" in page


def test_tokens_are_managed_from_the_profile(client_as, personas):
    client = client_as("comptable")
    response = client.post(reverse("core:token-create"), {"name": "Tableur"}, follow=True)
    page = response.content.decode()
    assert "plt_" in page  # the key is shown once
    token = personas["comptable"].api_tokens.get()
    assert token.key_hash not in page
    client.post(reverse("core:token-revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    # Someone else's token cannot be revoked.
    other, _ = services.create_api_token(actor=personas["rh"], name="rh")
    client.post(reverse("core:token-revoke", args=[other.pk]))
    other.refresh_from_db()
    assert other.revoked_at is None


def test_patch_with_a_stale_version_is_409(client, bearer):
    contact = Contact.objects.create(name="Alpha", is_customer=True)
    auth = bearer("commercial")
    ok = client.patch(
        f"/api/v1/contacts/{contact.pk}", {"city": "Lyon", "version": 1}, content_type="application/json", **auth
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(
        f"/api/v1/contacts/{contact.pk}", {"city": "Bron", "version": 1}, content_type="application/json", **auth
    )
    assert stale.status_code == 409 and "quelqu'un d'autre" in stale.json()["detail"]


def test_catalogue_is_readable_with_a_token(client, bearer):
    from decimal import Decimal

    from pilote.catalog.models import Product

    Product.objects.create(reference="MNT", name="Maintenance", kind="service", unit_price=Decimal("78"))
    body = client.get("/api/v1/articles", **bearer("commercial")).json()["results"]
    assert body[0]["reference"] == "MNT" and body[0]["sales_account"] == "706" and body[0]["vat_rate"] == "20.00"


def test_a_contact_needs_a_role_whatever_the_door(client, bearer):
    response = client.post(
        "/api/v1/contacts", {"name": "Sans rôle"}, content_type="application/json", **bearer("commercial")
    )
    assert response.status_code == 422 and "au moins un rôle" in response.json()["erreurs"]["__all__"][0]
    assert not Contact.objects.exists()


def test_invoices_over_the_api(client, bearer, structure, personas):
    from decimal import Decimal

    from pilote.sales import issuing, services
    from pilote.sales.facturx_pdf import extract_xml
    from pilote.sales.tests.factories import make_shop

    shop = make_shop(structure, personas)
    invoice = services.create_invoice(
        actor=shop["actor"], customer=shop["customer"], date=shop["day"],
        lines=[services.LineSpec.from_product(shop["p"]["chair"], Decimal(2))],
    )  # fmt: skip
    issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)
    auth = bearer("comptable")
    page = client.get("/api/v1/factures?etat=unpaid", **auth).json()
    assert page["count"] == 1 and page["results"][0]["number"] == f"F-{year()}-00001"
    assert page["results"][0]["balance_due"] == "359.76"
    detail = client.get(f"/api/v1/factures/{invoice.pk}", **auth).json()
    assert detail["lines"][0]["net_amount"] == "299.80"
    pdf = client.get(f"/api/v1/factures/{invoice.pk}/facturx", **auth)
    assert pdf["Content-Type"] == "application/pdf"
    assert f"F-{year()}-00001".encode() in extract_xml(pdf.content)


def test_quotes_and_orders_over_the_api(client, bearer, structure, personas):
    from decimal import Decimal

    from pilote.sales import services
    from pilote.sales.tests.factories import make_shop

    shop = make_shop(structure, personas)
    line = services.LineSpec.from_product(shop["p"]["chair"], Decimal(3))
    quote = services.create_quote(
        actor=shop["actor"], customer=shop["customer"], date=shop["day"], valid_until=shop["day"], lines=[line]
    )
    services.convert_quote(actor=shop["actor"], quote=quote, date=shop["day"], customer_reference="PO-9")
    auth = bearer("commercial")
    quotes = client.get("/api/v1/devis?statut=accepted", **auth).json()
    assert quotes["count"] == 1 and quotes["results"][0]["lines"][0]["net_amount"] == "449.70"
    orders = client.get(f"/api/v1/commandes?client={shop['customer'].pk}", **auth).json()
    assert orders["results"][0]["customer_reference"] == "PO-9"
    assert orders["results"][0]["lines"][0]["delivered_quantity"] == "0.000"
