"""Open invoices and the opening balance: the opening entry, the third parties' open items, the transitory
account 4718 balanced once both are in."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.contacts.models import Contact
from pilote.core.models import JobStatus
from pilote.ledger.models import Entry, EntryLine
from pilote.sales.models import Invoice
from pilote.takeover.status import transitory_balance
from pilote.takeover.tests.helpers import confirm, csv_file, upload, xlsx_file

pytestmark = pytest.mark.django_db

OPENING = {"date": "2026-01-01"}
INVOICES = ["Client", "SIRET ou SIREN", "N° de facture", "Date de la facture", "Échéance", "Montant TTC", "Déjà réglé"]
SUPPLIER_INVOICES = ["Fournisseur", *INVOICES[1:]]
BALANCE = ["Compte", "Libellé", "Débit", "Crédit", "Tiers"]


@pytest.fixture
def parties(structure):
    from pilote.core.services import initialise_structure

    initialise_structure(actor=None, structure=structure)  # the chart, journal AN, fiscal year 2026
    return {
        "bakery": Contact.objects.create(name="Boulangerie Martin", is_customer=True),
        "garage": Contact.objects.create(name="Garage Central", is_customer=True, siren="732829320"),
        "paper": Contact.objects.create(name="Papeterie du Rhône", is_supplier=True),
    }


def test_open_customer_invoices_become_open_items_on_411_not_sales_invoices(client_as, parties):
    client = client_as("comptable")
    rows = [INVOICES,
            ["Boulangerie Martin", "", "F2025-0412", "15/11/2025", "15/12/2025", "1 440,00", "400,00"],
            ["", "732 829 320", "F2025-0450", "10/12/2025", "09/01/2026", "600,00", ""],
            ["boulangerie martin", "", "AV2025-0007", "20/12/2025", "", "-120,00", ""]]  # fmt: skip
    job, _ = upload(client, "factures-clients", csv_file(rows), **OPENING)
    assert job.payload["valid"], (job.payload["errors"], job.payload["file_error"])
    page = html.unescape(client.get(reverse("takeover:factures-clients-job", args=[job.pk])).content.decode())
    assert "Date de reprise" in page and "01/01/2026" in page and "1\u202f040,00\u202f€" in page
    job = confirm(client, "factures-clients", job)
    assert job.status == JobStatus.DONE, job.message
    assert (
        job.message == "3 facture(s) client repris(es) au compte 411 : 1\u202f520,00\u202f€ "
        "en contrepartie du compte d'attente 4718."
    )
    entry = Entry.objects.get(piece_ref="REPRISE-CLIENTS")
    assert (entry.journal.code, entry.date, entry.status) == ("AN", dt.date(2026, 1, 1), "posted")
    first = EntryLine.objects.get(reference="F2025-0412")
    assert (first.account.code, first.auxiliary.contact, first.debit, first.due_date) == (
        "411", parties["bakery"], Decimal("1040.00"), dt.date(2025, 12, 15))  # fmt: skip
    assert first.label == "Facture F2025-0412 du 15/11/2025"
    credit_note = EntryLine.objects.get(reference="AV2025-0007")
    assert (credit_note.credit, credit_note.due_date, credit_note.label) == (
        Decimal("120.00"), dt.date(2025, 12, 20), "Avoir AV2025-0007 du 20/12/2025")  # fmt: skip
    assert EntryLine.objects.get(entry=entry, account__code="4718").credit == Decimal("1520.00")
    assert not Invoice.objects.exists()  # never in Pilote's numbering nor its sealed chain
    aged = html.unescape(client.get(reverse("ledger:aged-balance") + "?type=411").content.decode())
    assert "Boulangerie Martin" in aged and "Garage Central" in aged
    # The same file again: each invoice is already in the books.
    job, _ = upload(client, "factures-clients", csv_file(rows), **OPENING)
    assert job.payload["errors"][0] == (
        "Ligne 2, colonne « N° de facture » : la facture F2025-0412 de ce client est déjà dans les comptes de Pilote."
    )


def test_supplier_invoices_then_the_balance_clear_the_transitory_account(client_as, parties):
    client = client_as("direction")
    job, _ = upload(client, "factures-fournisseurs", xlsx_file([SUPPLIER_INVOICES,
        ["Papeterie du Rhône", None, "PR-889", dt.date(2025, 12, 3), dt.date(2026, 1, 31), 800, None]]),
        **OPENING)  # fmt: skip
    assert confirm(client, "factures-fournisseurs", job).status == JobStatus.DONE
    supplier_line = EntryLine.objects.get(reference="PR-889")
    assert (supplier_line.account.code, supplier_line.credit) == ("401", Decimal("800.00"))
    job, _ = upload(client, "factures-clients", csv_file([INVOICES,
        ["Garage Central", "", "F-1", "01/12/2025", "31/12/2025", "1 500,00", ""]]), **OPENING)  # fmt: skip
    assert confirm(client, "factures-clients", job).status == JobStatus.DONE
    assert transitory_balance().balance == Decimal("-700.00")
    page = html.unescape(client.get(reverse("takeover:index")).content.decode())
    assert "Le compte 4718 n'est pas soldé" in page
    rows = [BALANCE, ["512", "Banque", "10 000,00", "", ""], ["411", "Clients", "1 500,00", "", ""],
            ["401", "Fournisseurs", "", "800,00", ""], ["101", "Capital", "", "10 000,00", ""],
            ["164", "Emprunt", "", "700,00", ""]]  # fmt: skip
    job, _ = upload(client, "balance-ouverture", csv_file(rows), **OPENING)
    assert job.payload["valid"], job.payload
    job = confirm(client, "balance-ouverture", job)
    assert job.status == JobStatus.DONE, job.message
    entry = Entry.objects.get(piece_ref="REPRISE-BALANCE")
    codes = dict(entry.lines.values_list("account__code", "debit"))
    assert "411" not in codes and "401" not in codes  # counted once, invoice by invoice
    assert transitory_balance().balanced and transitory_balance().used
    page = html.unescape(client.get(reverse("takeover:index")).content.decode())
    assert "Le compte 4718 est soldé" in page
    job, _ = upload(client, "balance-ouverture", csv_file(rows), **OPENING)
    assert job.payload["errors"] == [
        "Une balance d'ouverture a déjà été reprise pour Exercice 2026 : rien n'a été importé."
    ]


def test_a_balance_line_with_its_third_party_and_a_new_account(client_as, parties):
    client = client_as("comptable")
    rows = [BALANCE, ["411", "Garage", "300,00", "", "732829320"], ["51211", "Banque 2", "200,00", "", ""],
            ["101", "Capital", "", "500,00", ""]]  # fmt: skip
    job, _ = upload(client, "balance-ouverture", csv_file(rows), **OPENING)
    assert confirm(client, "balance-ouverture", job).status == JobStatus.DONE, job.message
    line = EntryLine.objects.get(account__code="411")
    assert line.auxiliary.contact == parties["garage"] and line.debit == Decimal("300.00")
    assert EntryLine.objects.get(account__code="51211").account.label == "Banque 2"
    assert not transitory_balance().used


def test_balance_errors_by_line_and_for_the_whole_file(client_as, parties):
    client = client_as("comptable")
    rows = [BALANCE, ["607", "Achats", "50,00", "", ""], ["512", "Banque", "100,00", "100,00", ""],
            ["411", "Clients", "10,00", "", "Inconnu SA"],
            ["101", "Capital", "", "10,00", "Boulangerie Martin"]]  # fmt: skip
    job, _ = upload(client, "balance-ouverture", csv_file(rows), **OPENING)
    errors = job.payload["errors"]
    assert errors[0].startswith("Ligne 2, colonne « Compte » : 607 n'est pas un compte de bilan (classes 1 à 5)")
    assert errors[1] == "Ligne 3, colonne « Crédit » : une ligne de balance est au débit ou au crédit, pas les deux."
    assert errors[2] == (
        "Ligne 4, colonne « Tiers » : aucun contact « Inconnu SA » : reprenez d'abord vos contacts et vos fournisseurs."
    )
    assert errors[3].startswith("Ligne 5, colonne « Tiers » : un tiers ne se porte que sur un compte client")
    unbalanced = [BALANCE, ["512", "", "100", "", ""], ["101", "", "", "90", ""]]
    job, _ = upload(client, "balance-ouverture", csv_file(unbalanced), **OPENING)
    assert job.payload["errors"] == [
        "La balance n'est pas équilibrée : débit 100,00\u202f€, crédit 90,00\u202f€ (écart 10,00\u202f€)."
    ]
    assert not Entry.objects.exists()


def test_invoice_errors_by_line(client_as, parties):
    client = client_as("comptable")
    rows = [INVOICES, ["Inconnu", "", "X-1", "01/12/2025", "", "10", ""],
            ["Boulangerie Martin", "", "X-2", "02/01/2026", "", "10", ""],
            ["Boulangerie Martin", "", "X-3", "01/12/2025", "01/11/2025", "10", ""],
            ["Boulangerie Martin", "", "X-4", "01/12/2025", "", "10", "10"],
            ["Papeterie du Rhône", "", "X-5", "01/12/2025", "", "10", ""],
            ["Boulangerie Martin", "", "X-6", "31/02/2025", "", "10", ""]]  # fmt: skip
    job, _ = upload(client, "factures-clients", csv_file(rows), **OPENING)
    assert [e.split(" :")[0] for e in job.payload["errors"]] == [
        "Ligne 2, colonne « Client »",
        "Ligne 3, colonne « Date de la facture »",
        "Ligne 4, colonne « Échéance »",
        "Ligne 5, colonne « Déjà réglé »",
        "Ligne 6, colonne « Client »",  # a supplier, not a customer
        "Ligne 7, colonne « Date de la facture »",
    ]
    assert not Entry.objects.exists()


def test_the_takeover_date_must_fall_in_an_open_fiscal_year(client_as, parties):
    job, response = upload(client_as("comptable"), "factures-clients", csv_file([INVOICES]), date="2024-06-30")
    assert job is None
    assert "Aucun exercice ne couvre le 30/06/2024 : ouvrez-le d&#x27;abord." in response.content.decode()


@pytest.mark.parametrize("role", ["commercial", "rh", "assistant", "salarie", "auditeur"])
def test_accounting_datasets_are_for_direction_and_the_accountant(client_as, role):
    client = client_as(role)
    for key in ("factures-clients", "factures-fournisseurs", "balance-ouverture"):
        assert client.get(reverse(f"takeover:{key}")).status_code == 403


def test_a_payment_with_the_invoice_number_letters_the_taken_over_invoice(client_as, parties, personas):
    from pilote.ledger import lettering
    from pilote.ledger import services as ledger
    from pilote.ledger.models import Account, Journal

    client = client_as("comptable")
    rows = [INVOICES, ["Boulangerie Martin", "", "F2025-0412", "15/11/2025", "15/12/2025", "1 040,00", ""]]
    job, _ = upload(client, "factures-clients", csv_file(rows), **OPENING)
    assert confirm(client, "factures-clients", job).status == JobStatus.DONE
    item = EntryLine.objects.get(reference="F2025-0412")
    bank, customers = Account.objects.get(code="512"), Account.objects.get(code="411")
    ledger.create_entry(
        actor=personas["comptable"], journal=Journal.objects.get(code="BQ"), date=dt.date(2026, 1, 12),
        label="Virement Boulangerie Martin", post=True, lines=[
            ledger.LineInput(account=bank, debit=Decimal("1040.00")),
            ledger.LineInput(account=customers, auxiliary=item.auxiliary, credit=Decimal("1040.00"),
                             reference="F2025-0412"),
        ],
    )  # fmt: skip
    assert lettering.auto_letter(actor=personas["comptable"], account=customers, auxiliary=item.auxiliary) == 1
    item.refresh_from_db()
    assert item.match is not None
