"""Bank: import with remembered CSV mapping and duplicate skipping, suggestions, reconciliation,
entries from statement lines (rules, payments lettered), reconciliation report."""

import datetime as dt
from decimal import Decimal

import pytest

from pilote.core.exceptions import DomainError
from pilote.ledger import bank, bank_statements, lettering, services
from pilote.ledger.models import Account, BankRule, StatementLine
from pilote.ledger.tests.conftest import sale

IBAN = "FR7630004000010001234567830"
MAPPING = bank_statements.CsvMapping(
    date_column="Date",
    label_column="Libellé",
    amount_column="Montant",
    reference_column="Référence",
    date_format="%d/%m/%Y",
    decimal_comma=True,
)
CSV = (
    "Date;Libellé;Montant;Référence\n"
    "02/03/2026;VIR CLIENT A FACTURE F-1;120,00;F-1\n"
    "05/03/2026;PRLV ABONNEMENT LOGICIEL;-49,99;\n"
    "10/03/2026;FRAIS BANCAIRES;-8,50;\n"
).encode()


@pytest.fixture
def account(books):
    return bank.create_bank_account(actor=books["actor"], name="Banque Populaire", iban=IBAN, journal_code="BQ")


def test_import_remembers_mapping_and_skips_lines_already_imported(books, account):
    summary = bank.import_statement(
        actor=books["actor"], bank_account=account, data=CSV, filename="mars.csv", csv_mapping=MAPPING
    )
    assert summary.imported == 3 and summary.skipped == 0
    account.refresh_from_db()
    assert account.csv_mapping["amount_column"] == "Montant"
    overlapping = CSV + b"12/03/2026;VIR CLIENT B;300,00;F-9\n"
    summary = bank.import_statement(actor=books["actor"], bank_account=account, data=overlapping, filename="mars2.csv")
    assert (summary.imported, summary.skipped) == (1, 3)  # mapping reused, duplicates skipped
    with pytest.raises(DomainError, match="déjà été importé"):
        bank.import_statement(actor=books["actor"], bank_account=account, data=CSV, filename="mars.csv")


def test_bad_file_writes_nothing(books, account):
    bad = CSV + b"31/02/2026;ERREUR;10,00;\n"
    with pytest.raises(bank_statements.StatementError, match="Ligne 5"):
        bank.import_statement(
            actor=books["actor"], bank_account=account, data=bad, filename="x.csv", csv_mapping=MAPPING
        )
    assert not StatementLine.objects.exists()


def test_payment_of_an_open_invoice_is_suggested_booked_and_lettered(books, account):
    invoice = sale(books, day=dt.date(2026, 2, 20))  # 120.00, piece F-1
    bank.import_statement(actor=books["actor"], bank_account=account, data=CSV, filename="m.csv", csv_mapping=MAPPING)
    receipt = StatementLine.objects.get(amount=Decimal("120.00"))
    best = bank.suggestions(receipt)[0]
    assert best.kind == "open_item" and best.line.entry == invoice and "référence F-1" in best.reasons
    bank.book_statement_line(actor=books["actor"], statement_line=receipt, account=best.line.account, settle=best.line)
    receipt.refresh_from_db()
    assert receipt.is_reconciled and receipt.entry_line.entry.journal.code == "BQ"
    assert lettering.open_lines(books["a"]["411"], books["customer"].pk).count() == 0


def test_existing_book_line_is_suggested_and_reconciled(books, account):
    a = books["a"]
    services.create_entry(
        actor=books["actor"],
        journal=account.journal,
        date=dt.date(2026, 3, 4),
        label="Logiciel",
        post=True,
        lines=[
            services.LineInput(a["606"], debit=Decimal("49.99")),
            services.LineInput(a["512"], credit=Decimal("49.99")),
        ],
    )
    bank.import_statement(actor=books["actor"], bank_account=account, data=CSV, filename="m.csv", csv_mapping=MAPPING)
    line = StatementLine.objects.get(amount=Decimal("-49.99"))
    best = bank.suggestions(line)[0]
    assert best.kind == "book" and "1 jour d'écart" in best.reasons
    bank.reconcile(actor=books["actor"], statement_line=line, entry_line=best.line)
    with pytest.raises(DomainError, match="déjà rapprochée"):
        bank.reconcile(actor=books["actor"], statement_line=line, entry_line=best.line)


def test_rules_book_recurring_lines(books, account):
    fees = Account.objects.create(code="627", label="Services bancaires")
    BankRule.objects.create(label_contains="frais bancaires", account=fees, entry_label="Frais bancaires")
    bank.import_statement(actor=books["actor"], bank_account=account, data=CSV, filename="m.csv", csv_mapping=MAPPING)
    assert bank.apply_rules(actor=books["actor"], bank_account=account) == 1
    line = StatementLine.objects.get(amount=Decimal("-8.50"))
    assert line.is_reconciled and line.entry_line.entry.lines.get(account=fees).debit == Decimal("8.50")


def test_rules_apply_only_to_the_lines_given(books, account):
    """Launched from a filtered page, the rules book the lines that page shows, not every line waiting."""
    fees = Account.objects.create(code="627", label="Services bancaires")
    BankRule.objects.create(label_contains="PRLV", account=fees)
    BankRule.objects.create(label_contains="frais", account=fees)
    bank.import_statement(actor=books["actor"], bank_account=account, data=CSV, filename="m.csv", csv_mapping=MAPPING)
    shown = StatementLine.objects.filter(booking_date__gte=dt.date(2026, 3, 6))  # a date filter: the fees only
    assert bank.apply_rules(actor=books["actor"], bank_account=account, lines=shown) == 1
    assert list(StatementLine.objects.filter(entry_line__isnull=False).values_list("amount", flat=True)) == [
        Decimal("-8.50")
    ]


def test_reconciliation_report_explains_the_difference(books, account):
    a = books["a"]
    services.create_entry(
        actor=books["actor"],
        journal=books["j"]["AN"],
        date=dt.date(2026, 1, 1),
        label="AN",
        post=True,
        lines=[
            services.LineInput(a["512"], debit=Decimal("1000.00")),
            services.LineInput(a["101"], credit=Decimal("1000.00")),
        ],
    )
    services.create_entry(
        actor=books["actor"],
        journal=account.journal,
        date=dt.date(2026, 3, 30),
        label="Chèque émis",
        post=True,
        lines=[
            services.LineInput(a["606"], debit=Decimal("200.00")),
            services.LineInput(a["512"], credit=Decimal("200.00")),
        ],
    )
    bank.import_statement(actor=books["actor"], bank_account=account, data=CSV, filename="m.csv", csv_mapping=MAPPING)
    report = bank.reconciliation_report(account, dt.date(2026, 3, 31))
    assert report.book_balance == Decimal("800.00")
    assert len(report.bank_only) == 3 and [line.credit for line in report.book_only] == [Decimal("200.00")]
    # 800 + (120 − 49.99 − 8.50) + 200 = 1061.51: what the bank should show.
    assert report.expected_bank_balance == Decimal("1061.51")
    assert (report.bank_only_total, report.book_only_total) == (Decimal("61.51"), Decimal("-200.00"))  # subtotals


def test_reconciliation_report_balance_does_not_count_a_closed_year_twice(books, account):
    """After a closing, the next year's à-nouveaux carry the bank balance: the report reads the balance in
    the fiscal year of its date, not the earlier year's lines plus the à-nouveaux that repeat them."""
    from pilote.ledger import closing

    a, actor = books["a"], books["actor"]
    books["year"].delete()
    first = services.open_fiscal_year(actor=actor, start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31))
    services.open_fiscal_year(actor=actor, start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31))
    L = services.LineInput
    services.create_entry(
        actor=actor, journal=books["j"]["AN"], date=dt.date(2025, 1, 1), label="AN", post=True,
        lines=[L(a["512"], debit=Decimal("1000.00")), L(a["101"], credit=Decimal("1000.00"))],
    )  # fmt: skip
    services.create_entry(
        actor=actor, journal=account.journal, date=dt.date(2025, 6, 1), label="Achat", post=True,
        lines=[L(a["606"], debit=Decimal("300.00")), L(a["512"], credit=Decimal("300.00"))],
    )  # fmt: skip
    Account.objects.create(code="129", label="Résultat de l'exercice - perte")
    from pilote.ledger import vat
    from pilote.lib.dates import add_months

    for month in range(1, 13):  # a closing needs every VAT return of the year (here « néant »)
        start = dt.date(2025, month, 1)
        vat.confirm_ca3(actor=actor, start=start, end=add_months(start, 1) - dt.timedelta(days=1))
    closing.close_fiscal_year(actor=actor, year=first)
    services.create_entry(
        actor=actor, journal=account.journal, date=dt.date(2026, 3, 2), label="Vente", post=True,
        lines=[L(a["512"], debit=Decimal("120.00")), L(a["707"], credit=Decimal("120.00"))],
    )  # fmt: skip
    assert bank.reconciliation_report(account, dt.date(2026, 3, 31)).book_balance == Decimal("820.00")
    assert bank.reconciliation_report(account, dt.date(2025, 12, 31)).book_balance == Decimal("700.00")


def test_csv_upload_asks_for_the_columns_once(client_as, books, account):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client = client_as("comptable")
    upload = SimpleUploadedFile("mars.csv", CSV, content_type="text/csv")
    response = client.post(reverse("ledger:bank-import", args=[account.pk]), {"file": upload})
    assert response["Location"].startswith(reverse("ledger:bank-mapping", args=[account.pk]) + "?fichier=")
    page = client.get(response["Location"])
    assert page.context["columns"] == ["Date", "Libellé", "Montant", "Référence"]
    response = client.post(
        reverse("ledger:bank-mapping", args=[account.pk]),
        {
            "fichier": page.context["token"],
            "skip_rows": 0,
            "date_column": "Date",
            "label_column": "Libellé",
            "amount_column": "Montant",
            "reference_column": "Référence",
            "date_format": "%d/%m/%Y",
            "decimal_comma": "on",
        },
    )
    assert response.status_code == 302 and StatementLine.objects.count() == 3
    # Next month's file goes straight in: the mapping is remembered.
    upload = SimpleUploadedFile(
        "avril.csv", b"Date;Libell\xc3\xa9;Montant;R\xc3\xa9f\xc3\xa9rence\n02/04/2026;VIR;10,00;\n"
    )
    client.post(reverse("ledger:bank-import", args=[account.pk]), {"file": upload})
    assert StatementLine.objects.count() == 4
    detail = client.get(reverse("ledger:bank-detail", args=[account.pk]))
    assert len(detail.context["page"]) == 4


def test_a_csv_waiting_for_its_columns_belongs_to_its_account_and_survives_other_imports(client_as, books, account):
    """The file waiting for its column mapping is kept per account and per upload: another account's
    mapping page cannot import it, and an import finished elsewhere (another tab) does not drop it."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client = client_as("comptable")
    other = bank.create_bank_account(actor=books["actor"], name="Livret", iban="FR7630001007941234567890185")
    response = client.post(
        reverse("ledger:bank-import", args=[account.pk]), {"file": SimpleUploadedFile("mars.csv", CSV)}
    )
    mapping_url = response["Location"]
    token = mapping_url.split("fichier=")[1]
    # Another account's mapping page with this token finds no file for it.
    response = client.get(reverse("ledger:bank-mapping", args=[other.pk]) + f"?fichier={token}")
    assert response.status_code == 302 and response["Location"] == reverse("ledger:bank-detail", args=[other.pk])
    # A second CSV on the other account, then its mapping done: the first file still waits.
    response = client.post(reverse("ledger:bank-import", args=[other.pk]), {"file": SimpleUploadedFile("b.csv", CSV)})
    other_token = response["Location"].split("fichier=")[1]
    client.post(reverse("ledger:bank-mapping", args=[other.pk]), {**MAPPING_FORM, "fichier": other_token})
    assert StatementLine.objects.filter(bank_account=other).count() == 3
    page = client.get(mapping_url)
    assert page.status_code == 200 and page.context["filename"] == "mars.csv"
    client.post(mapping_url, {**MAPPING_FORM, "fichier": token})
    assert StatementLine.objects.filter(bank_account=account).count() == 3
    # Done: the token is spent.
    assert client.get(mapping_url).status_code == 302


MAPPING_FORM = {
    "skip_rows": 0,
    "date_column": "Date",
    "label_column": "Libellé",
    "amount_column": "Montant",
    "reference_column": "Référence",
    "date_format": "%d/%m/%Y",
    "decimal_comma": "on",
}


def _bank_entry(books, account, day, label, amount, ref="", other="606"):
    """A bank journal entry: 512 against `other`, signed amount (> 0 received)."""
    a = books["a"]
    amount = Decimal(amount)
    bank_side = {"debit": amount} if amount > 0 else {"credit": -amount}
    other_side = {"credit": amount} if amount > 0 else {"debit": -amount}
    entry = services.create_entry(
        actor=books["actor"], journal=account.journal, date=day, label=label, piece_ref=ref, post=True,
        lines=[services.LineInput(a["512"], **bank_side), services.LineInput(a[other], **other_side)],
    )  # fmt: skip
    return entry.lines.get(account=a["512"])


def test_report_shows_a_movement_in_both_the_bank_and_the_books_once(books, account):
    """Issue 8 point 5: a payment booked and on the statement, not yet reconciled, used to be listed both as
    « not booked » and as « not yet in the bank »."""
    received = _bank_entry(books, account, dt.date(2026, 3, 1), "Règlement client A", "120.00", "F-1", "706")
    debit = _bank_entry(books, account, dt.date(2026, 3, 4), "Abonnement logiciel", "-49.99")
    decoy = _bank_entry(books, account, dt.date(2026, 3, 3), "Autre règlement", "120.00", "F-7", "706")
    cheque = _bank_entry(books, account, dt.date(2026, 3, 30), "Chèque émis", "-200.00")
    bank.import_statement(actor=books["actor"], bank_account=account, data=CSV, filename="m.csv", csv_mapping=MAPPING)
    report = bank.reconciliation_report(account, dt.date(2026, 3, 31))
    pairs = {(p.statement_line.amount, p.line.pk) for p in report.pairs}
    assert pairs == {(Decimal("120.00"), received.pk), (Decimal("-49.99"), debit.pk)}  # F-1 wins over F-7
    assert [s.label for s in report.bank_only] == ["FRAIS BANCAIRES"]
    assert [line.pk for line in report.book_only] == [decoy.pk, cheque.pk]
    shown = [s.pk for s in report.bank_only] + [p.statement_line.pk for p in report.pairs]
    assert len(shown) == len(set(shown)) == 3  # each statement line once
    # Balance: 120 − 49.99 + 120 − 200 = −9.99 booked; − 8.50 the bank has; − (120 − 200) in transit.
    assert report.expected_bank_balance == Decimal("-9.99") - Decimal("8.50") - Decimal("-80.00")


def test_confirmed_pairs_are_reconciled_and_only_those_of_the_account(client_as, books, account):
    from django.urls import reverse

    received = _bank_entry(books, account, dt.date(2026, 3, 1), "Règlement client A", "120.00", "F-1", "706")
    debit = _bank_entry(books, account, dt.date(2026, 3, 4), "Abonnement logiciel", "-49.99")
    bank.import_statement(actor=books["actor"], bank_account=account, data=CSV, filename="m.csv", csv_mapping=MAPPING)
    report = bank.reconciliation_report(account, dt.date(2026, 3, 31))
    keys = {p.line.pk: p.key for p in report.pairs}
    other = bank.create_bank_account(actor=books["actor"], name="Autre", iban="FR7610107001011234567890129")
    client = client_as("comptable")
    assert (
        client.post(
            reverse("ledger:bank-reconcile-pairs", args=[other.pk]), {"paire": list(keys.values()), "au": "2026-03-31"}
        ).status_code
        == 302
    )
    assert not StatementLine.objects.filter(entry_line__isnull=False).exists()  # not that account's pairs
    client.post(
        reverse("ledger:bank-reconcile-pairs", args=[account.pk]), {"paire": [keys[received.pk]], "au": "2026-03-31"}
    )
    assert StatementLine.objects.get(amount=Decimal("120.00")).entry_line_id == received.pk
    assert StatementLine.objects.get(amount=Decimal("-49.99")).entry_line_id is None  # not ticked
    page = client.get(reverse("ledger:bank-report", args=[account.pk]), {"au": "2026-03-31"})
    assert [p.line.pk for p in page.context["report"].pairs] == [debit.pk]
    assert "Correspondances à confirmer (1)" in page.content.decode()
    # A reader (direction, auditor) sees the pairs without a tick column nor an invitation to confirm.
    read_only = client_as("direction").get(reverse("ledger:bank-report", args=[account.pk]), {"au": "2026-03-31"})
    text = read_only.content.decode()
    assert "Correspondances à confirmer (1)" in text and 'data-label="Rapprocher"' not in text
    assert "Confirmez-les" not in text and "Le service comptable les confirme" in text


# --- CSV layouts (issue 8 point 7) -------------------------------------------------------------------------

DEBIT_CREDIT_CSV = (
    "Date;Libellé;Débit;Crédit\r\n"
    "02/04/2026;VIR SEPA RECU CLIENT A F-1;;1 234,56\r\n"
    "05/04/2026;PRLV SEPA EDF ÉCHÉANCE AVRIL;-12,50;\r\n"
    "06/04/2026;CB PAPETERIE;\u00a0230,00;\r\n"
).encode("cp1252")  # what French banks export: Windows-1252, dd/mm/yyyy, 1 234,56


def _remember_signed_layout(books, account):
    bank.import_statement(actor=books["actor"], bank_account=account, data=CSV, filename="m.csv", csv_mapping=MAPPING)


def test_a_file_that_does_not_fit_the_saved_layout_opens_the_column_screen(client_as, books, account):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    _remember_signed_layout(books, account)
    client = client_as("comptable")
    upload = SimpleUploadedFile("avril.csv", DEBIT_CREDIT_CSV, content_type="text/csv")
    response = client.post(reverse("ledger:bank-import", args=[account.pk]), {"file": upload}, follow=True)
    mapping_url = response.redirect_chain[-1][0]
    assert mapping_url.startswith(reverse("ledger:bank-mapping", args=[account.pk]) + "?fichier=")
    text = response.content.decode()
    assert "ne correspondent pas à la disposition enregistrée" in text and "Colonnes du relevé CSV" in text
    form = response.context["form"]
    assert response.context["columns"] == ["Date", "Libellé", "Débit", "Crédit"]
    # The screen proposes the debit and credit columns it recognised, not the stale « Montant » layout.
    assert {k: form.initial.get(k) for k in ("date_column", "label_column", "debit_column", "credit_column")} == {
        "date_column": "Date", "label_column": "Libellé", "debit_column": "Débit", "credit_column": "Crédit",
    }  # fmt: skip
    assert form.initial.get("amount_column") is None and form.initial["date_format"] == "%d/%m/%Y"
    data = {"skip_rows": 0, "date_format": "%d/%m/%Y", "decimal_comma": "on"} | {
        k: v for k, v in form.initial.items() if k.endswith("_column")
    }
    response = client.post(mapping_url, data | {"fichier": mapping_url.split("fichier=")[1]})
    assert response.status_code == 302
    amounts = list(
        StatementLine.objects.filter(booking_date__month=4).order_by("booking_date").values_list("amount", flat=True)
    )
    assert amounts == [Decimal("1234.56"), Decimal("-12.50"), Decimal("-230.00")]
    assert StatementLine.objects.get(amount=Decimal("-12.50")).label == "PRLV SEPA EDF ÉCHÉANCE AVRIL"
    account.refresh_from_db()
    assert account.csv_mapping["debit_column"] == "Débit" and account.csv_mapping["amount_column"] is None


def test_the_column_screen_keeps_the_file_and_shows_its_problems(client_as, books, account):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client = client_as("comptable")
    upload = SimpleUploadedFile("avril.csv", DEBIT_CREDIT_CSV, content_type="text/csv")
    url = client.post(reverse("ledger:bank-import", args=[account.pk]), {"file": upload})["Location"]
    base = {"skip_rows": 0, "date_column": "Date", "label_column": "Libellé", "decimal_comma": "on"}
    base["fichier"] = url.split("fichier=")[1]
    both = client.post(url, base | {"amount_column": "Débit", "credit_column": "Crédit", "date_format": "%d/%m/%Y"})
    assert both.status_code == 200 and "soit une colonne de montant signé, soit les colonnes" in both.content.decode()
    wrong_dates = client.post(
        url, base | {"debit_column": "Débit", "credit_column": "Crédit", "date_format": "%Y-%m-%d"}
    )
    assert wrong_dates.status_code == 200
    assert "Ligne 2 : date « 02/04/2026 » invalide (format attendu : AAAA-MM-JJ)." in wrong_dates.content.decode()
    assert not StatementLine.objects.exists()
    done = client.post(url, base | {"debit_column": "Débit", "credit_column": "Crédit", "date_format": "%d/%m/%Y"})
    assert done.status_code == 302 and StatementLine.objects.count() == 3


def test_saved_layout_can_be_edited_and_forgotten(client_as, books, account):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    _remember_signed_layout(books, account)
    client = client_as("comptable")
    url = reverse("ledger:bank-csv-layout", args=[account.pk])
    page = client.get(url)
    assert page.context["form"].initial["amount_column"] == "Montant"
    assert url in client.get(reverse("ledger:bank-list")).content.decode()
    layout = {"skip_rows": 0, "date_column": "Date", "label_column": "Libellé", "date_format": "%d/%m/%Y",
              "decimal_comma": "on", "debit_column": "Débit", "credit_column": "Crédit"}  # fmt: skip
    assert client.post(url, layout | {"amount_column": "Montant"}).status_code == 200  # both kinds: refused
    assert client.post(url, layout).status_code == 302
    account.refresh_from_db()
    assert (account.csv_mapping["amount_column"], account.csv_mapping["debit_column"]) == (None, "Débit")
    # The edited layout fits the bank's new export: the file goes straight in.
    upload = SimpleUploadedFile("avril.csv", DEBIT_CREDIT_CSV, content_type="text/csv")
    client.post(reverse("ledger:bank-import", args=[account.pk]), {"file": upload})
    assert StatementLine.objects.filter(booking_date__month=4).count() == 3
    assert client.post(url, {"supprimer": "1"}).status_code == 302
    account.refresh_from_db()
    assert account.csv_mapping is None
    upload = SimpleUploadedFile("mai.csv", CSV.replace(b"/03/", b"/05/"), content_type="text/csv")
    response = client.post(reverse("ledger:bank-import", args=[account.pk]), {"file": upload})
    assert response["Location"].startswith(reverse("ledger:bank-mapping", args=[account.pk]))


def test_rules_from_a_filtered_bank_page_book_only_the_lines_it_shows(client_as, books, account):
    from django.urls import reverse

    fees = Account.objects.create(code="627", label="Services bancaires")
    BankRule.objects.create(label_contains="PRLV", account=fees)
    BankRule.objects.create(label_contains="frais", account=fees)
    bank.import_statement(actor=books["actor"], bank_account=account, data=CSV, filename="m.csv", csv_mapping=MAPPING)
    client = client_as("comptable")
    page = client.get(reverse("ledger:bank-detail", args=[account.pk]), {"q": "frais"})
    assert [line.label for line in page.context["page"]] == ["FRAIS BANCAIRES"]
    assert 'name="q" value="frais"' in page.content.decode()  # the button carries the page's filters
    response = client.post(reverse("ledger:bank-apply-rules", args=[account.pk]), {"q": "frais"})
    assert response["Location"].endswith("?q=frais")
    booked = StatementLine.objects.filter(entry_line__isnull=False).values_list("label", flat=True)
    assert list(booked) == ["FRAIS BANCAIRES"]  # the direct debit, not shown, is left alone


def test_date_gap_reads_as_french():
    from pilote.ledger.bank import days_apart

    assert [days_apart(n) for n in (0, 1, 4)] == ["même date", "1 jour d'écart", "4 jours d'écart"]


@pytest.mark.parametrize("chosen", ["abc", ""])
def test_matching_a_statement_line_to_a_line_that_is_not_a_number_says_so(client_as, books, account, chosen):
    from django.urls import reverse

    bank.import_statement(actor=books["actor"], bank_account=account, data=CSV, filename="m.csv", csv_mapping=MAPPING)
    line = StatementLine.objects.first()
    client = client_as("comptable")
    response = client.post(reverse("ledger:statement-line-match", args=[line.pk]), {"ligne": chosen}, follow=True)
    assert response.status_code == 200
    assert "Choisissez la ligne d'écriture à rapprocher." in [str(m) for m in response.context["messages"]]
    line.refresh_from_db()
    assert line.entry_line_id is None


def test_posting_depreciation_for_a_year_that_is_not_a_number_says_so(client_as, books):
    from django.urls import reverse

    from pilote.ledger.models import Entry

    before = Entry.objects.count()
    response = client_as("comptable").post(reverse("ledger:depreciation-post"), {"exercice": "abc"}, follow=True)
    assert response.status_code == 200
    assert "Choisissez l'exercice dont passer les dotations." in [str(m) for m in response.context["messages"]]
    assert Entry.objects.count() == before
