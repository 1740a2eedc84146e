import datetime as dt
import html
from decimal import Decimal

import pytest

from pilote.core.exceptions import DomainError
from pilote.ledger import closing, services
from pilote.ledger.models import Account, Entry, FiscalYear
from pilote.ledger.queries import trial_balance
from pilote.ledger.tests.conftest import sale

L = services.LineInput
AFTER = dt.date(2027, 1, 15)  # a day after FY 2026 has ended


def declare_vat_year(books, until=12):
    """The CA3 of each month of 2026 up to `until`, in order (a closing requires every return declared)."""
    from pilote.ledger import vat
    from pilote.lib.dates import add_months

    for month in range(1, until + 1):
        start = dt.date(2026, month, 1)
        vat.confirm_ca3(actor=books["actor"], start=start, end=add_months(start, 1) - dt.timedelta(days=1))


def test_closing_carries_balances_and_determines_the_result(books):
    a = books["a"]
    Account.objects.create(code="120", label="Résultat de l'exercice - bénéfice")
    Account.objects.create(code="129", label="Résultat de l'exercice - perte")
    sale(books)  # 411 120 / 707 100 / 44571 20
    services.create_entry(
        actor=books["actor"],
        journal=books["j"]["AC"],
        date=dt.date(2026, 5, 1),
        label="Achat",
        post=True,
        lines=[L(a["606"], debit=Decimal("30.00")), L(a["401"], credit=Decimal("30.00"), auxiliary=books["supplier"])],
    )
    declare_vat_year(books)  # March: 20.00 of VAT due moves from 44571 to 44551
    opening = closing.close_fiscal_year(actor=books["actor"], year=books["year"], today=AFTER)
    year = FiscalYear.objects.get(pk=books["year"].pk)
    assert year.status == "closed" and year.locked_until == dt.date(2026, 12, 31)
    following = FiscalYear.objects.get(start_date=dt.date(2027, 1, 1))
    assert opening.journal.code == "AN" and opening.date == dt.date(2027, 1, 1) and opening.is_posted
    lines = {
        (line.account.code, line.auxiliary.code if line.auxiliary else "", line.debit, line.credit)
        for line in opening.lines.select_related("account", "auxiliary")
    }
    assert lines == {
        ("411", "C000001", Decimal("120.00"), 0),
        ("44551", "", 0, Decimal("20.00")),
        ("401", "F000001", 0, Decimal("30.00")),
        ("120", "", 0, Decimal("70.00")),
    }
    rows = {r.code: r for r in trial_balance(following)}
    assert rows["120"].opening_credit == Decimal("70.00") and "707" not in rows
    # The closed year still shows its income statement, and refuses new entries.
    assert {r.code for r in trial_balance(year)} >= {"606", "707"}
    with pytest.raises(DomainError):
        sale(books, day=dt.date(2026, 6, 1))


def test_closing_refused_with_drafts_or_unbalanced_suspense(books):
    sale(books, post=False)
    declare_vat_year(books)
    with pytest.raises(DomainError, match="brouillard"):
        closing.close_fiscal_year(actor=books["actor"], year=books["year"], today=AFTER)
    Entry.objects.filter(status="draft").delete()
    a = books["a"]
    suspense = Account.objects.create(code="471", label="Compte d'attente")
    services.create_entry(
        actor=books["actor"],
        journal=books["j"]["OD"],
        date=dt.date(2026, 2, 1),
        label="?",
        post=True,
        lines=[L(suspense, debit=Decimal("5.00")), L(a["512"], credit=Decimal("5.00"))],
    )
    # A suspense balance is a warning: said, but the closing stays possible.
    checks = {c.label: c for c in closing.closing_checks(books["year"], AFTER)}
    suspense = checks["Comptes d'attente soldés"]
    assert suspense.status == closing.WARNING and "attente 471 n'est pas soldé (5,00\u202f€)" in suspense.detail
    assert suspense.url.endswith("compte=471")
    assert closing.closing_problems(books["year"], AFTER) == []


def test_open_items_are_carried_one_by_one_and_lettered_next_year(books):
    from pilote.ledger import lettering
    from pilote.ledger.queries import aged_balance

    a = books["a"]
    Account.objects.create(code="120", label="Résultat de l'exercice - bénéfice")
    sale(books, label="Facture F-7")  # 120.00, piece F-7
    sale(books, label="Facture F-8", amount="50.00", vat="10.00")  # 60.00, piece F-8
    declare_vat_year(books)
    opening = closing.close_fiscal_year(actor=books["actor"], year=books["year"], today=AFTER)
    carried = {(line.reference, line.debit) for line in opening.lines.filter(account__code="411")}
    assert carried == {("F-7", Decimal("120.00")), ("F-8", Decimal("60.00"))}
    assert sum(r.total for r in aged_balance("411", dt.date(2027, 1, 31))) == Decimal("180.00")  # not 360
    following = FiscalYear.objects.get(start_date=dt.date(2027, 1, 1))
    services.create_entry(
        actor=books["actor"],
        journal=books["j"]["BQ"],
        date=dt.date(2027, 1, 20),
        label="Règlement",
        piece_ref="F-7",
        post=True,
        lines=[
            L(a["512"], debit=Decimal("120.00")),
            L(a["411"], credit=Decimal("120.00"), auxiliary=books["customer"]),
        ],
    )
    assert lettering.auto_letter(actor=books["actor"], account=a["411"]) == 1
    still_open = lettering.open_lines(a["411"], books["customer"].pk)
    assert [(line.reference, line.fiscal_year_id) for line in still_open] == [("F-8", following.pk)]


# --- Pre-checks ------------------------------------------------------------------------------------


def _checks(books, today=AFTER):
    return {check.label: check for check in closing.closing_checks(books["year"], today)}


def test_closing_is_refused_until_the_year_has_ended(books):
    declare_vat_year(books)
    for day in (dt.date(2026, 12, 4), dt.date(2026, 12, 31)):
        check = _checks(books, day)["Exercice terminé"]
        assert check.status == closing.BLOCKING
        assert "se termine le 31/12/2026 : il ne peut être clôturé qu'à partir du 01/01/2027" in check.detail
        with pytest.raises(DomainError, match="qu'à partir du 01/01/2027"):
            closing.close_fiscal_year(actor=books["actor"], year=books["year"], today=day)
    assert FiscalYear.objects.get(pk=books["year"].pk).is_open
    assert _checks(books, dt.date(2027, 1, 1))["Exercice terminé"].status == closing.OK


def test_the_end_date_is_the_local_business_date(books, monkeypatch):
    """23:30 UTC on 31/12 is already 1 January in Paris: the year has ended; 22:30 UTC on 31/12 it has not."""
    from django.utils import timezone

    declare_vat_year(books)
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 31, 22, 30, tzinfo=dt.UTC))
    assert _checks(books, None)["Exercice terminé"].status == closing.BLOCKING
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC))
    assert _checks(books, None)["Exercice terminé"].status == closing.OK


def test_drafts_block_with_a_link_to_them(books):
    declare_vat_year(books)
    sale(books, post=False)
    check = _checks(books)["Aucune écriture en brouillard"]
    assert check.status == closing.BLOCKING and check.detail.startswith("1 écriture(s) en brouillard")
    assert check.url.endswith(f"?exercice={books['year'].pk}&etat=draft")


def test_depreciation_not_posted_blocks(books):
    from pilote.ledger import assets

    declare_vat_year(books)
    for code, label in (("6811", "Dotations aux amortissements"), ("28183", "Amortissement du matériel de bureau")):
        Account.objects.create(code=code, label=label)
    assets.register_asset(
        actor=books["actor"], label="Ordinateurs", reference="INV-1", account=books["a"]["2183"],
        acquisition_date=dt.date(2026, 1, 1), cost=Decimal("3000.00"), years=3,
    )  # fmt: skip
    check = _checks(books)["Dotations aux amortissements de l'exercice"]
    assert check.status == closing.BLOCKING and "1 immobilisation(s) sans dotation" in check.detail
    assert "1\u202f000,00\u202f€" in check.detail and check.url.endswith("/immobilisations/")
    with pytest.raises(DomainError, match="sans dotation"):
        closing.close_fiscal_year(actor=books["actor"], year=books["year"], today=AFTER)
    assets.post_depreciation(actor=books["actor"], year=books["year"])
    assert _checks(books)["Dotations aux amortissements de l'exercice"].status == closing.OK


def test_every_vat_return_of_the_year_must_be_declared(books):
    from pilote.core.models import Structure

    declare_vat_year(books, until=11)
    check = _checks(books)["Déclarations de TVA de l'exercice"]
    assert check.status == closing.BLOCKING and "commençant le 01/12/2026 n'est pas déclarée" in check.detail
    assert check.url.endswith("/tva/")
    Structure.objects.update(vat_regime="franchise")  # franchise en base: no return to file
    assert _checks(books)["Déclarations de TVA de l'exercice"].status == closing.OK


def _bank_with_statement(books, rows: str):
    from pilote.ledger import bank, bank_statements

    account = bank.create_bank_account(
        actor=books["actor"], name="Banque Populaire", iban="FR7610107001011234567890129", journal_code="BQ"
    )
    mapping = bank_statements.CsvMapping(date_column="Date", label_column="Libellé", amount_column="Montant")
    data = ("Date;Libellé;Montant\n" + rows).encode()
    bank.import_statement(actor=books["actor"], bank_account=account, data=data, filename="r.csv", csv_mapping=mapping)
    return account


def test_bank_movements_not_booked_by_the_year_end_block(books):
    declare_vat_year(books)
    _bank_with_statement(books, "30/12/2026;FRAIS TENUE DE COMPTE;-18,50\n")
    (check,) = [c for c in closing.closing_checks(books["year"], AFTER) if c.label.startswith("Rapprochement")]
    assert check.status == closing.BLOCKING and "1 mouvement(s) du relevé (-18,50\u202f€)" in check.detail
    assert check.url.endswith("?au=2026-12-31")


def test_bank_items_in_transit_or_statements_missing_only_warn(books):
    declare_vat_year(books)
    a = books["a"]
    services.create_entry(
        actor=books["actor"], journal=books["j"]["BQ"], date=dt.date(2026, 12, 28), label="Chèque 123",
        post=True, lines=[L(a["606"], debit=Decimal("40.00")), L(a["512"], credit=Decimal("40.00"))],
    )  # fmt: skip
    services.create_entry(
        actor=books["actor"], journal=books["j"]["BQ"], date=dt.date(2026, 12, 1), label="Apport",
        post=True, lines=[L(a["512"], debit=Decimal("500.00")), L(a["101"], credit=Decimal("500.00"))],
    )  # fmt: skip
    account = _bank_with_statement(books, "02/12/2026;VIR APPORT;500,00\n")  # the statements stop on 02/12
    from pilote.ledger import bank

    statement_line = account.statement_lines.get()
    bank.reconcile(
        actor=books["actor"], statement_line=statement_line, entry_line=bank.suggestions(statement_line)[0].line
    )
    (check,) = [c for c in closing.closing_checks(books["year"], AFTER) if c.label.startswith("Rapprochement")]
    assert check.status == closing.WARNING
    assert (
        "Relevés importés : jusqu'au 02/12/2026" in check.detail
        and "1 écriture(s) pas encore passée(s)" in check.detail
    )
    assert closing.closing_problems(books["year"], AFTER) == []


def test_old_unlettered_items_warn(books):
    declare_vat_year(books)
    sale(books, day=dt.date(2026, 3, 15))  # open since March: older than six months at year end
    sale(books, day=dt.date(2026, 11, 15), label="Facture F-2")  # recent: not counted
    check = _checks(books)["Comptes clients et fournisseurs lettrés"]
    assert check.status == closing.WARNING
    assert check.detail.startswith("1 ligne(s) du 411 non lettrée(s) datant d'avant le 01/07/2026")
    assert "/balance-agee/?type=411&au=2026-12-31" in check.url
    assert closing.closing_problems(books["year"], AFTER) == []


def test_closing_page_lists_the_checks_and_asks_a_typed_confirmation(client_as, books, monkeypatch):
    from django.urls import reverse

    declare_vat_year(books)
    client = client_as("comptable")
    monkeypatch.setattr(closing, "local_today", lambda: dt.date(2026, 12, 4))
    page = client.get(reverse("ledger:closing", args=[books["year"].pk]))
    text = page.content.decode()
    assert "Bloquant" in text and "qu'à partir du 01/01/2027" in html.unescape(text) and "confirm(" not in text
    assert "Confirmer la clôture" not in text
    monkeypatch.setattr(closing, "local_today", lambda: AFTER)
    page = client.get(reverse("ledger:closing", args=[books["year"].pk]))
    text = page.content.decode()
    assert not page.context["blocking"], page.context["blocking"]
    assert "Bloquant" not in text and "Tapez « CLÔTURER » ou « Exercice 2026 » pour confirmer" in text
    url = reverse("ledger:closing-confirm", args=[books["year"].pk])
    for typed in ("", "oui", "2026"):
        refused = client.post(url, {"confirmation": typed})
        assert refused.status_code == 400
    assert "Confirmation incorrecte" in refused.content.decode()
    assert FiscalYear.objects.get(pk=books["year"].pk).is_open
    assert client.post(url, {"confirmation": "exercice 2026"}).status_code == 302
    assert not FiscalYear.objects.get(pk=books["year"].pk).is_open
