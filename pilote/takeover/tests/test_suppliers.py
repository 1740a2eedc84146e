"""Suppliers: contacts with the supplier role, identifiers checked by the contact rules (stdnum, schwifty)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pilote.contacts.models import Contact
from pilote.core.models import JobStatus
from pilote.takeover.tests.helpers import confirm, csv_file, upload, xlsx_file

pytestmark = pytest.mark.django_db

HEADER = ["Raison sociale", "SIREN", "SIRET", "N° de TVA", "IBAN", "BIC", "Conditions de paiement", "Ville"]


def test_suppliers_from_an_xlsx_are_contacts_with_the_supplier_role(client_as):
    client = client_as("assistant")
    rows = [HEADER,
            ["Papeterie du Rhône", "732 829 320", "732 829 320 00074", "FR44732829320",
             "FR76 3000 6000 0112 3456 7890 189", "", "45 jours fin de mois", "Lyon"],
            ["Transports Alpins", "552100554", "", "FR 96 552100554", "FR1420041010050500013M02606", "", "30",
             "Grenoble"]]  # fmt: skip
    job, _ = upload(client, "fournisseurs", xlsx_file(rows))
    assert job.payload["valid"], job.payload["errors"]
    page = client.get(reverse("takeover:fournisseurs-job", args=[job.pk])).content.decode()
    assert "732 829 320 00074" in page and "45 jours fin de mois" in page
    job = confirm(client, "fournisseurs", job)
    assert job.status == JobStatus.DONE, job.message
    paper = Contact.objects.get(name="Papeterie du Rhône")
    assert (paper.is_supplier, paper.is_customer, paper.siren, paper.siret, paper.vat_number) == (
        True, False, "732829320", "73282932000074", "FR44732829320")  # fmt: skip
    assert paper.iban == "FR7630006000011234567890189" and paper.bic  # BIC found from the IBAN, as the form does
    assert (paper.payment_days, paper.payment_end_of_month, paper.payment_terms_label) == (
        45, True, "45 jours fin de mois")  # fmt: skip
    alpine = Contact.objects.get(name="Transports Alpins")
    assert (alpine.vat_number, alpine.payment_days, alpine.payment_end_of_month) == ("FR96552100554", 30, False)


def test_the_terms_column_is_explained_and_read_as_french_invoices_state_it(client_as):
    import io

    from openpyxl import load_workbook

    from pilote.lib import payment_terms

    client = client_as("direction")
    book = load_workbook(io.BytesIO(client.get(reverse("takeover:fournisseurs-template", args=["xlsx"])).content))
    explained = {row[0]: row[2] for row in book["Explications"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert "« N jours fin de mois » (45 au plus" in explained["Conditions de paiement"]
    assert [payment_terms.parse(text) for text in ("À réception", "30 jours fin de mois", "45 jours", "60 j", "")] == [
        (0, False), (30, True), (45, False), (60, False), (None, False)]  # fmt: skip
    assert payment_terms.parse("45 jours FDM") == (45, True)
    with pytest.raises(ValueError, match="45 jours fin de mois au plus"):
        payment_terms.parse("60 jours fin de mois")
    with pytest.raises(ValueError, match="n'est pas un délai de paiement reconnu"):
        payment_terms.parse("paiement à la commande")


def test_identifiers_are_refused_by_line_with_the_contact_rules_words(client_as):
    Contact.objects.create(name="Déjà Fournisseur", is_supplier=True)
    client = client_as("direction")
    rows = [HEADER,
            ["Mauvais SIREN", "732829321", "", "", "", "", "", ""],
            ["SIRET étranger", "732829320", "55210055400013", "", "", "", "", ""],
            ["IBAN faux", "", "", "", "FR7630006000011234567890188", "", "", ""],
            ["Déjà fournisseur", "", "", "", "", "", "", ""],
            ["Conditions", "", "", "", "", "", "90 jours", ""]]  # fmt: skip
    job, _ = upload(client, "fournisseurs", csv_file(rows))
    errors = job.payload["errors"]
    assert [e.split(" :")[0] for e in errors] == [
        "Ligne 2, colonne « SIREN »",
        "Ligne 3, colonne « SIRET »",
        "Ligne 4, colonne « IBAN »",
        "Ligne 5, colonne « Raison sociale »",
        "Ligne 6, colonne « Conditions de paiement »",
    ], errors
    assert "existe déjà : ajoutez-lui le rôle fournisseur depuis sa fiche" in errors[3]
    assert Contact.objects.count() == 1


def test_the_same_siret_twice_in_the_file(client_as):
    client = client_as("direction")
    rows = [HEADER, ["A", "", "73282932000074", "", "", "", "", ""], ["B", "", "732 829 320 00074", "", "", "", "", ""]]
    job, _ = upload(client, "fournisseurs", csv_file(rows, delimiter=","))
    assert job.payload["errors"] == ["Ligne 3 : le SIRET 732 829 320 00074 est déjà celui de la ligne 2."]


@pytest.mark.parametrize("role", ["comptable", "rh", "salarie", "auditeur"])
def test_roles_that_may_not_import_contacts_get_403(client_as, role):
    assert client_as(role).get(reverse("takeover:fournisseurs")).status_code == 403
