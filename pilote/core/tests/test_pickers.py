"""Search-as-you-type pickers (issue 8 point 14) and the French order of names."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.urls import reverse

from pilote.contacts.models import Contact
from pilote.core.collation import french, french_key
from pilote.sales.tests import conftest as sales_conftest

shop = sales_conftest.shop  # books, chart of accounts, catalogue

NAMES = ["Architectes Part-Dieu", "architectes des Alpes", "École Bleue", "Ébénisterie Zoé", "Ecole Azur", "Zénith"]
FRENCH_ORDER = [
    "architectes des Alpes",
    "Architectes Part-Dieu",
    "Ébénisterie Zoé",
    "Ecole Azur",
    "École Bleue",
    "Zénith",
]


def test_french_order_in_python():
    assert sorted(NAMES, key=french_key) == FRENCH_ORDER


@pytest.mark.django_db
def test_french_order_in_the_database():
    """Same order on SQLite (pyuca collation registered per connection) and PostgreSQL (ICU)."""
    Contact.objects.bulk_create(Contact(name=name) for name in NAMES)
    assert list(Contact.objects.order_by(french("name")).values_list("name", flat=True)) == FRENCH_ORDER
    descending = Contact.objects.order_by(french("name").desc()).values_list("name", flat=True)
    assert list(descending) == FRENCH_ORDER[::-1]
    assert connection.vendor in ("sqlite", "postgresql")


def test_the_contact_list_sorts_names_the_french_way(client_as):
    Contact.objects.bulk_create(Contact(name=name) for name in NAMES)
    page = client_as("commercial").get(reverse("contacts:list"), {"tri": "nom"}).content.decode()
    positions = [page.index(name.replace("'", "&#x27;")) for name in FRENCH_ORDER]
    assert positions == sorted(positions)


@pytest.fixture
def people(shop):
    from pilote.sales.models import Invoice

    made = {
        "part_dieu": Contact.objects.create(name="Architectes Part-Dieu", is_customer=True, city="Lyon"),
        "alpes": Contact.objects.create(name="Architectes des Alpes", is_customer=True, city="Chambéry"),
        "prospect": Contact.objects.create(name="Architectes en Herbe", is_prospect=True),
        "invoiced": Contact.objects.create(name="Architectes Sans Rôle", city="Annecy"),
        "archived": Contact.objects.create(name="Architectes Fermés", is_customer=True, is_active=False),
        "supplier": Contact.objects.create(name="Architectes Fournitures", is_supplier=True),
    }
    Invoice.objects.create(customer=made["invoiced"], date=dt.date(2026, 3, 2), created_by=shop["actor"])
    Contact.objects.filter(pk=made["invoiced"].pk).update(is_customer=False)  # as before issue 8 point 6
    return made


def _labels(client, kind, q):
    response = client.get(reverse(f"core:picker-{kind}"), {"q": q, "format": "json"})
    assert response.status_code == 200
    return [item["label"] for item in json.loads(response.content)["results"]]


def test_customer_picker_filters_sorts_and_finds_every_contact_with_invoices(client_as, people):
    client = client_as("commercial")
    assert _labels(client, "clients", "archi") == [
        "Architectes des Alpes", "Architectes Part-Dieu", "Architectes Sans Rôle",
    ]  # fmt: skip
    assert _labels(client, "clients", "alpes ARCHI") == ["Architectes des Alpes"]  # every word, any case
    assert _labels(client, "clients", "chambéry") == ["Architectes des Alpes"]  # the city too
    prospects = _labels(client, "clients-prospects", "archi")
    assert "Architectes en Herbe" in prospects and "Architectes Fermés" not in prospects
    assert _labels(client, "contacts", "fourni") == ["Architectes Fournitures"]
    html = client.get(reverse("core:picker-clients"), {"q": "alpes"}).content.decode()
    assert f'role="option" aria-selected="false" data-value="{people["alpes"].pk}"' in html and "Chambéry" in html
    assert "Aucun résultat pour « zzz »." in client.get(reverse("core:picker-clients"), {"q": "zzz"}).content.decode()


def test_pickers_are_permission_checked(client, client_as, people):
    url = reverse("core:picker-clients")
    assert client.get(url).status_code == 302  # signed out: to the login page
    assert client_as("salarie").get(url).status_code == 403
    assert client_as("rh").get(url).status_code == 403  # no sales for HR…
    assert client_as("rh").get(reverse("core:picker-contacts")).status_code == 200  # …but contacts
    assert client_as("commercial").get(reverse("core:picker-comptes")).status_code == 403  # the ledger's


def test_account_datalist_follows_what_is_typed(client_as, shop):
    response = client_as("comptable").get(reverse("core:picker-comptes"), {"q": "4111", "format": "datalist"})
    assert '<option value="411">' not in response.content.decode()
    response = client_as("comptable").get(reverse("core:picker-comptes"), {"q": "411", "format": "datalist"})
    assert '<option value="411">411 — Clients</option>' in response.content.decode()
    labels = _labels(client_as("comptable"), "comptes", "banque")
    assert labels and all("banque" in label.lower() for label in labels)


def test_widget_renders_a_search_box_with_the_chosen_label(client_as, people):
    from pilote.complaints.forms import ComplaintForm

    html = str(ComplaintForm(initial={"customer": people["invoiced"].pk})["customer"])
    assert f'type="hidden" name="customer" value="{people["invoiced"].pk}"' in html
    assert 'value="Architectes Sans Rôle"' in html and 'role="combobox"' in html and 'id="id_customer"' in html
    assert f'data-url="{reverse("core:picker-clients")}"' in html and "<select" not in html
    page = client_as("commercial").get(reverse("complaints:create")).content.decode()
    assert 'data-url="/choix/clients/"' in page and '<select name="customer"' not in page


def test_a_complaint_can_be_recorded_for_a_contact_that_only_has_invoices(client_as, people):
    from pilote.complaints.models import Complaint

    response = client_as("commercial").post(reverse("complaints:create"), {
        "customer": people["invoiced"].pk, "received_on": "2026-03-03", "channel": "phone", "category": "quality",
        "severity": "major", "expectation": "replacement", "subject": "Rayures", "description": "Trois chaises",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Complaint.objects.get().customer == people["invoiced"]


NAME_SORTS = [
    ("contacts:list", "nom"), ("catalog:list", "nom"), ("sales:quote-list", "client"),
    ("sales:order-list", "client"), ("sales:invoice-list", "client"), ("sales:payment-list", "client"),
    ("sales:delivery-list", "client"), ("pipeline:list", "contact"), ("pipeline:tender-list", "acheteur"),
    ("complaints:list", "client"), ("receivables:aged", "client"), ("receivables:history", "client"),
    ("ledger:entry-list", "libelle"), ("ledger:third-parties", "tiers"), ("ledger:asset-list", "designation"),
    ("core:user-list", "nom"), ("ledger:trial-balance", "intitule"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "key"), NAME_SORTS)
def test_every_list_sorts_names_in_french_order_on_this_database(client_as, shop, name, key):
    """The French collation in each list's name sort runs on SQLite and on PostgreSQL (aggregated lists too)."""
    from pilote.sales import issuing, services
    from pilote.sales.services import LineSpec

    customer = Contact.objects.create(name="Architectes des Alpes", is_customer=True, siren="732829320")
    customer.address_line1, customer.postal_code, customer.city = "1 rue A", "73000", "Chambéry"
    customer.save()
    lines = [LineSpec.from_product(shop["p"]["install"], 1)]
    draft = services.create_invoice(actor=shop["actor"], customer=customer, date=dt.date(2026, 1, 5), lines=lines)
    issuing.issue_invoice(actor=shop["actor"], invoice=draft, render_pdf=False)
    client = client_as("direction")
    for direction in ("", "-"):
        response = client.get(reverse(name), {"tri": f"{direction}{key}"})
        assert response.status_code == 200, (name, key)
