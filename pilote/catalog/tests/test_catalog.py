import html
from decimal import Decimal

from django.urls import reverse

from pilote.catalog.models import Product

GOOD = {
    "reference": "COP-1",
    "name": "Copieur",
    "kind": "goods",
    "unit": "u",
    "unit_price": "1 290,50",
    "vat_rate": "20.00",
    "exemption_mention": "",
    "sales_account": "",
    "purchase_price": "890",
}


def test_create_with_french_price_and_default_account(client_as):
    response = client_as("commercial").post(reverse("catalog:create"), {**GOOD, "is_active": "on"})
    assert response.status_code == 302
    product = Product.objects.get()
    assert product.unit_price == Decimal("1290.5000") and product.revenue_account == "707"
    assert product.margin_rate == Decimal("31.0")


def test_exempt_item_needs_its_legal_mention(client_as):
    client = client_as("assistant")
    response = client.post(reverse("catalog:create"), {**GOOD, "vat_rate": "0.00"})
    assert "mention légale d" in html.unescape(response.content.decode())
    assert not Product.objects.exists()
    client.post(
        reverse("catalog:create"),
        {**GOOD, "vat_rate": "0.00", "exemption_mention": "Exonération de TVA, article 261-4-4° du CGI"},
    )
    assert Product.objects.get().rate == Decimal("0.00")


def test_sales_account_must_be_class_7(client_as):
    response = client_as("commercial").post(reverse("catalog:create"), {**GOOD, "sales_account": "606"})
    assert "classe 7" in response.content.decode()


def test_list_filters_and_roles(client_as):
    client = client_as("commercial")
    client.post(reverse("catalog:create"), {**GOOD, "is_active": "on"})
    client.post(
        reverse("catalog:create"),
        {**GOOD, "reference": "MNT", "name": "Maintenance", "kind": "service", "unit": "h", "is_active": "on"},
    )
    services = client.get(reverse("catalog:list"), {"kind": "service"}).context["page"]
    assert [p.reference for p in services] == ["MNT"] and services[0].revenue_account == "706"
    assert client_as("comptable").get(reverse("catalog:list")).status_code == 200
    assert client_as("comptable").post(reverse("catalog:create"), GOOD).status_code == 403
    assert client_as("salarie").get(reverse("catalog:list")).status_code == 403
