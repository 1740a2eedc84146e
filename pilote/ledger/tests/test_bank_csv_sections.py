"""Bank CSV files read as written (issue 9 point 6): a second section after the operations (a deferred-debit
card's detail, immediate card payments listed apart, another account), a currency column with any line in
another currency refused by name, and signs as the bank writes them, shown on the column screen."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.ledger import bank, bank_statements
from pilote.ledger.models import StatementLine

FILES = Path(__file__).parent / "bank_files"
CA = (FILES / "credit_agricole_carte_differee.csv").read_bytes()
SG = (FILES / "societe_generale_devises.csv").read_bytes()
CA_MAPPING = bank_statements.CsvMapping(
    date_column="Date",
    value_date_column="Date valeur",
    label_column="Libellé",
    debit_column="Débit euros",
    credit_column="Crédit euros",
    skip_rows=5,
)
SG_MAPPING = bank_statements.CsvMapping(
    date_column="Date de l'opération",
    label_column="Détail de l'écriture",
    amount_column="Montant de l'opération",
    currency_column="Devise",
    skip_rows=1,
)


def _lines(data: bytes, mapping) -> bank_statements.Statement:
    return bank_statements.parse_csv(data, mapping)


def test_the_deferred_card_detail_covered_by_the_monthly_total_is_left_out_and_said():
    statement = _lines(CA, CA_MAPPING)
    assert [line.amount for line in statement.lines] == [
        Decimal("1440.00"), Decimal("-612.00"), Decimal("-18.50"), Decimal("-187.40"),
    ]  # fmt: skip
    assert statement.lines[3].label == "FACTURE CARTE DU 28/03/26 CARTE X4512"
    (note,) = statement.notes
    assert note.startswith("Section « Opérations par carte à débit différé (carte X4512) - arrêté du 28/03/2026 »")
    assert "le détail de 3 paiement(s) par carte dont le total -187,40" in note
    assert "est déjà l'opération du 31/03/2026 « FACTURE CARTE DU 28/03/26 CARTE X4512 »" in note


def test_the_layout_of_the_file_is_found_on_the_column_screen():
    assert bank_statements.guess_skip_rows(CA) == 5
    header, sample = bank_statements.sniff_csv_columns(CA, 5)
    guess = bank_statements.guess_mapping(header, sample)
    assert (guess["debit_column"], guess["credit_column"]) == ("Débit euros", "Crédit euros")


def test_a_deferred_card_block_not_yet_debited_is_left_out():
    data = CA.replace("FACTURE CARTE DU 28/03/26".encode("cp1252"), b"COMMISSION").replace(b"187,40", b"1,40")
    statement = _lines(data, CA_MAPPING)
    assert len(statement.lines) == 4 and "que la banque débitera en un total" in statement.notes[0]


def test_immediate_card_payments_listed_apart_are_read_as_movements():
    data = (
        "Date;Libellé;Montant\n"
        "02/03/2026;VIR RECU ATELIER DUPONT;1440,00\n"
        "\n"
        "Paiements par carte\n"
        "Date;Libellé;Montant\n"
        "04/03/2026;CB STATION TOTAL;-62,30\n"
        "11/03/2026;CB SNCF;-95,00\n"
    ).encode()
    mapping = bank_statements.CsvMapping(date_column="Date", label_column="Libellé", amount_column="Montant")
    statement = _lines(data, mapping)
    assert [line.amount for line in statement.lines] == [Decimal("1440.00"), Decimal("-62.30"), Decimal("-95.00")]
    assert statement.notes == ("Section « Paiements par carte » (lignes 4 à 7) : 2 opération(s) par carte lues "
                               "comme les autres opérations du compte.",)  # fmt: skip


def test_another_accounts_block_is_refused_by_name(db):
    other = (
        "\r\nLivret A carte n° 00098765432;\r\nSolde au 31/03/2026 5 000,00 €\r\n"
        "Date;Date valeur;Libellé;Débit euros;Crédit euros;\r\n15/03/2026;15/03/2026;VERSEMENT;;200,00;\r\n"
    )
    with pytest.raises(bank_statements.StatementError) as caught:
        _lines(CA + other.encode("cp1252"), CA_MAPPING)
    (problem,) = [p for p in caught.value.problems if "une seconde section commence" in p]
    assert problem.startswith("Ligne 21 : une seconde section commence (« Livret A carte n° 00098765432 »")
    assert "celle d'un autre compte" in problem and not StatementLine.objects.exists()


def test_a_repeated_header_is_not_a_section():
    data = b"Date;Libell\xc3\xa9;Montant\n02/03/2026;A;1,00\nDate;Libell\xc3\xa9;Montant\n03/03/2026;B;-2,00\n"
    mapping = bank_statements.CsvMapping(date_column="Date", label_column="Libellé", amount_column="Montant")
    assert len(_lines(data, mapping).lines) == 2


def test_a_line_in_another_currency_is_refused_by_name():
    with pytest.raises(bank_statements.StatementError) as caught:
        _lines(SG, SG_MAPPING)
    assert caught.value.problems == [
        "Ligne 4 : opération en USD refusée — 09/03/2026 « CARTE X4512 08/03 AWS EMEA 42,18 USD » -42,18 USD : le "
        "compte est tenu en euros et Pilote ne convertit pas les devises (importez le relevé où la banque l'a "
        "convertie en euros, ou saisissez-la à la main)."
    ]


def test_a_currency_written_with_the_amount_is_refused_too():
    data = "Date;Libellé;Montant\n02/03/2026;AWS;-42,18 USD\n03/03/2026;STRIPE;$ 12,00\n04/03/2026;OK;-1,00 €\n"
    mapping = bank_statements.CsvMapping(date_column="Date", label_column="Libellé", amount_column="Montant")
    with pytest.raises(bank_statements.StatementError) as caught:
        _lines(data.encode(), mapping)
    assert [problem[:40] for problem in caught.value.problems] == [
        "Ligne 2 : opération en USD refusée — 02/", "Ligne 3 : opération en USD refusée — 03/",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("written", "amount"),
    [("-12,50", "-12.50"), ("12,50-", "-12.50"), ("(12,50)", "-12.50"), ("+12,50", "12.50"), ("1 234,56", "1234.56")],
)
def test_signs_as_banks_write_them(written, amount):
    data = f"Date;Libellé;Montant\n02/03/2026;X;{written}\n".encode()
    mapping = bank_statements.CsvMapping(date_column="Date", label_column="Libellé", amount_column="Montant")
    assert _lines(data, mapping).lines[0].amount == Decimal(amount)


def test_debit_columns_with_or_without_minus_sign_and_inverted_exports():
    data = b"Date;Libelle;Debit;Credit\n02/03/2026;A;-12,50;\n03/03/2026;B;12,50;\n04/03/2026;C;;20,00\n"
    mapping = bank_statements.CsvMapping(
        date_column="Date", label_column="Libelle", debit_column="Debit", credit_column="Credit"
    )
    assert [line.amount for line in _lines(data, mapping).lines] == [
        Decimal("-12.50"),
        Decimal("-12.50"),
        Decimal("20.00"),
    ]
    card = b"Date;Libelle;Montant\n02/03/2026;ACHAT;12,50\n03/03/2026;REMBOURSEMENT;-4,00\n"
    inverted = bank_statements.CsvMapping(
        date_column="Date", label_column="Libelle", amount_column="Montant", invert_signs=True
    )
    assert [line.amount for line in _lines(card, inverted).lines] == [Decimal("-12.50"), Decimal("4.00")]


@pytest.fixture
def account(books):
    return bank.create_bank_account(
        actor=books["actor"], name="Crédit Agricole", iban="FR7630004000010001234567830", journal_code="BQ"
    )


def test_the_column_screen_shows_each_lines_direction_before_import(client_as, account):
    client = client_as("comptable")
    response = client.post(reverse("ledger:bank-import", args=[account.pk]), {"file": SimpleUploadedFile("ca.csv", CA)})
    page = client.get(response["Location"])
    preview = page.context["preview"]
    assert [line.amount for line in preview][:2] == [Decimal("1440.00"), Decimal("-612.00")]
    html = page.content.decode()
    assert "Encaissement" in html and "Décaissement" in html and "1 440,00" in html
    token = page.context["token"]
    form = {
        "fichier": token, "skip_rows": 5, "date_column": "Date", "value_date_column": "Date valeur",
        "label_column": "Libellé", "debit_column": "Débit euros", "credit_column": "Crédit euros",
        "date_format": "%d/%m/%Y", "decimal_comma": "on", "invert_signs": "on", "apercu": "1",
    }  # fmt: skip
    checked = client.post(reverse("ledger:bank-mapping", args=[account.pk]), form)
    assert checked.status_code == 200 and not StatementLine.objects.exists()  # « Vérifier » imports nothing
    assert [line.amount for line in checked.context["preview"]][:2] == [Decimal("-1440.00"), Decimal("612.00")]
    del form["apercu"], form["invert_signs"]
    response = client.post(reverse("ledger:bank-mapping", args=[account.pk]), form, follow=True)
    assert StatementLine.objects.count() == 4
    assert sum(StatementLine.objects.values_list("amount", flat=True)) == Decimal("622.10")
    assert "ignorée : le détail de 3 paiement(s) par carte" in response.content.decode()


def test_a_foreign_currency_line_writes_nothing(client_as, account):
    client = client_as("comptable")
    response = client.post(reverse("ledger:bank-import", args=[account.pk]), {"file": SimpleUploadedFile("sg.csv", SG)})
    page = client.get(response["Location"])
    assert page.context["form"].initial["currency_column"] == "Devise"
    form = {
        "fichier": page.context["token"], "skip_rows": 1, "date_column": "Date de l'opération",
        "label_column": "Détail de l'écriture", "amount_column": "Montant de l'opération",
        "currency_column": "Devise", "date_format": "%d/%m/%Y", "decimal_comma": "on",
    }  # fmt: skip
    response = client.post(reverse("ledger:bank-mapping", args=[account.pk]), form)
    assert "opération en USD refusée" in response.content.decode()
    assert not StatementLine.objects.exists()
