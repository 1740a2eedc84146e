"""The supplier invoice pages as the assistant (receives) and the accountant (decides) use them."""

from __future__ import annotations

import html

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.contacts.models import Contact
from pilote.purchases.models import SupplierInvoice, SupplierInvoiceStatus
from pilote.purchases.tests import factories


def upload(name: str, content: bytes, content_type="application/xml"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_several_files_at_once_each_with_its_result(buy, client_as):
    client = client_as("assistant")
    seller = factories.replace(
        factories.samples.SELLER, name="Nouvelle Fourniture", siren="732829320", siret="", vat_number="FR44732829320"
    )
    other = factories.supplier_invoice(number="NV-77", seller=seller)
    files = [
        upload("bonne.pdf", factories.facturx(factories.supplier_invoice()), "application/pdf"),
        upload("abimee.xml", b"<rsm:CrossIndustryInvoice"),
        upload("inconnu.xml", factories.cii(other)),
    ]
    response = client.post(reverse("purchases:invoice-receive"), {"files": files}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 facture enregistrée" in page and "bonne.pdf" in page
    assert "abimee.xml</strong> :" in page and "mal formé" in page
    assert "Fournisseur inconnu : « Nouvelle Fourniture »" in page
    assert SupplierInvoice.objects.count() == 1
    token = response.context["results"][2]["token"]
    # The supplier is created from what the invoice says, then the kept invoice is booked.
    response = client.post(reverse("purchases:invoice-new-supplier"), {"token": token}, follow=True)
    created = Contact.objects.get(siren="732829320")
    assert created.is_supplier and created.name == "Nouvelle Fourniture"
    invoice = SupplierInvoice.objects.get(number="NV-77")
    assert response.redirect_chain[-1][0] == reverse("purchases:invoice-detail", args=[invoice.pk])
    # The token is used once.
    response = client.post(reverse("purchases:invoice-new-supplier"), {"token": token}, follow=True)
    assert "n'est plus en attente" in html.unescape(response.content.decode())


def test_the_accountant_chooses_accounts_and_approves_from_the_page(buy, client_as):
    client = client_as("assistant")
    client.post(
        reverse("purchases:invoice-receive"), {"files": [upload("f.xml", factories.cii(factories.supplier_invoice()))]}
    )
    invoice = SupplierInvoice.objects.get()
    detail = reverse("purchases:invoice-detail", args=[invoice.pk])
    page = client.get(detail).content.decode()
    assert "Bon à payer" not in page  # the assistant receives, does not decide
    accountant = client_as("comptable")
    page = accountant.get(detail).content.decode()
    assert "204 — Prise en charge" in page and "SHA-256" in page
    response = accountant.post(
        reverse("purchases:invoice-decide", args=[invoice.pk]),
        {"decision": "approve", "version": invoice.version},
        follow=True,
    )
    assert "Choisissez le compte de charge" in response.content.decode()
    fields = {f"compte-{line.pk}": "6064" for line in invoice.lines.all()} | {"version": invoice.version}
    response = accountant.post(reverse("purchases:invoice-accounts", args=[invoice.pk]), fields, follow=True)
    assert "Comptes enregistrés" in response.content.decode()
    invoice.refresh_from_db()
    response = accountant.post(
        reverse("purchases:invoice-decide", args=[invoice.pk]),
        {"decision": "approve", "version": invoice.version},
        follow=True,
    )
    invoice.refresh_from_db()
    assert invoice.status == SupplierInvoiceStatus.APPROVED and invoice.entry.journal.code == "AC"
    assert "Facture « Bon à payer »" in response.content.decode()
    original = accountant.get(reverse("purchases:invoice-original", args=[invoice.pk]))
    assert original.content == bytes(invoice.original.content)


def test_a_wrong_account_or_a_forged_line_gets_a_french_message(buy, client_as):
    client_as("assistant").post(
        reverse("purchases:invoice-receive"), {"files": [upload("f.xml", factories.cii(factories.supplier_invoice()))]}
    )
    invoice = SupplierInvoice.objects.get()
    accountant = client_as("comptable")
    url = reverse("purchases:invoice-accounts", args=[invoice.pk])
    page = accountant.post(url, {"compte-abc": "604"}, follow=True).content.decode()
    assert "rechargez la page" in page
    page = html.unescape(
        accountant.post(url, {f"compte-{invoice.lines.first().pk}": "609999"}, follow=True).content.decode()
    )
    assert "n'existe pas dans votre plan comptable" in page


def test_the_list_filters_and_exports(buy, client_as):
    client_as("assistant").post(
        reverse("purchases:invoice-receive"), {"files": [upload("f.xml", factories.cii(factories.supplier_invoice()))]}
    )
    client = client_as("auditeur")
    page = client.get(reverse("purchases:invoice-list")).content.decode()
    assert "FA-2026-0042" in page and "Atelier Pilote" in page
    page = client.get(reverse("purchases:invoice-list"), {"status": "approved"}).content.decode()
    assert "FA-2026-0042" not in page
    export = client.get(reverse("purchases:invoice-list"), {"export": "csv"})
    assert b"FA-2026-0042" in b"".join(export.streaming_content if export.streaming else [export.content])


def test_received_invoices_and_their_original_over_the_api(buy, client, personas):
    from pilote.core import services as core_services
    from pilote.purchases import services

    pdf = factories.facturx(factories.supplier_invoice())
    received = services.receive_einvoice(actor=buy["assistant"], content=pdf, filename="f.pdf")
    _, key = core_services.create_api_token(actor=personas["comptable"], name="outil")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    listing = client.get("/api/v1/factures-fournisseurs", {"statut": "received"}, **auth).json()
    assert listing["count"] == 1 and listing["results"][0]["lifecycle_code"] == "204"
    assert listing["results"][0]["total_gross"] == str(received.total_gross)
    detail = client.get(f"/api/v1/factures-fournisseurs/{received.pk}", **auth).json()
    assert len(detail["lines"]) == received.lines.count() and detail["original_sha256"] == received.original.sha256
    assert client.get(f"/api/v1/factures-fournisseurs/{received.pk}/original", **auth).content == pdf


def test_an_oversized_upload_is_refused_with_the_limit(buy, client_as, settings):
    settings.PILOTE_UPLOAD_MAX_BYTES = {"einvoice": 1024}
    response = client_as("assistant").post(
        reverse("purchases:invoice-receive"), {"files": [upload("gros.xml", b"<x>" + b" " * 2048 + b"</x>")]}
    )
    assert "dépasse la taille maximale de 1 Ko pour une facture électronique" in html.unescape(
        response.content.decode()
    )
    assert not SupplierInvoice.objects.exists()
