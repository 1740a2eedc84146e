"""The association's reports agree with the ledger's trial balance; dedicated funds move to 194 at a real year-end
closing, are carried forward by the à-nouveaux and come back (7894) the next year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from pilote.associations import annual
from pilote.associations.queries import grants as grant_queries
from pilote.associations.queries import reports
from pilote.associations.services import donations, grants, members, volunteering
from pilote.associations.services.books import Line, account, post
from pilote.contacts.models import Contact
from pilote.ledger import closing
from pilote.ledger.models import FiscalYear
from pilote.ledger.queries import trial_balance
from pilote.ledger.tests.years import year_from
from pilote.lib.money import ZERO


def _spend(books, day, code, amount, reference=""):
    post(actor=books["actor"], journal=books["bank"].journal, date=day, label="Dépense",
         lines=[Line(account(code), debit=Decimal(amount), reference=reference),
                Line(books["bank"].account, credit=Decimal(amount))])  # fmt: skip


def _year_books(books, donor):
    actor, bank = books["actor"], books["bank"]
    kind = members.create_membership_type(actor=actor, name="Adhérent", fee=Decimal("30"))
    members.enrol_member(actor=actor, contact=donor, membership_type=kind, joined_on=dt.date(2026, 1, 5))
    (due,) = members.call_dues(actor=actor, year=2026, called_on=dt.date(2026, 1, 15))
    members.receive_due(actor=actor, due=due, paid_on=dt.date(2026, 1, 20), method="cheque", bank_account=bank)
    donations.record_donation(actor=actor, donor=donor, date=dt.date(2026, 3, 1), amount=Decimal("200"),
                              method="cheque", bank_account=bank)  # fmt: skip
    city = Contact.objects.create(kind="organisation", name="Ville de Lyon")
    grant = grants.create_grant(actor=actor, funder=city, code="ATELIERS", title="Ateliers",
                                amount_requested=Decimal("10000"), period_start=dt.date(2026, 6, 1),
                                period_end=dt.date(2027, 6, 30))  # fmt: skip
    grants.award_grant(actor=actor, grant=grant, amount=Decimal("10000"), granted_on=dt.date(2026, 6, 1))
    instalment = grants.add_instalment(actor=actor, grant=grant, label="Avance", expected_on=dt.date(2026, 6, 10),
                                       amount=Decimal("10000"))  # fmt: skip
    grants.receive_instalment(actor=actor, instalment=instalment, received_on=dt.date(2026, 6, 10), bank_account=bank)
    _spend(books, dt.date(2026, 9, 10), "6226", "4000", "ATELIERS")
    _spend(books, dt.date(2026, 10, 5), "6132", "1500")
    volunteer = volunteering.enrol_volunteer(actor=actor, contact=donor, since=dt.date(2026, 1, 1))
    activity = volunteering.create_activity(actor=actor, name="Accueil")
    volunteering.record_hours(actor=actor, volunteer=volunteer, activity=activity, date=dt.date(2026, 4, 2),
                              hours=Decimal("10"))  # fmt: skip
    volunteering.post_month(actor=actor, year=2026, month=4)
    grants.carry_unused(actor=actor, grant=grant, year_end=dt.date(2026, 12, 31))
    return grant


def test_the_annual_figures_agree_with_the_trial_balance(books, donor):
    _year_books(books, donor)
    year = FiscalYear.objects.get(start_date=dt.date(2026, 1, 1))
    rows = trial_balance(year)
    income = -sum((r.balance for r in rows if r.code[0] == "7"), ZERO)
    charges = sum((r.balance for r in rows if r.code[0] == "6"), ZERO)
    figures = reports.annual_figures(year)
    statement, sheet = figures["statement"], figures["sheet"]
    assert (statement.income_total, statement.charges_total) == (income, charges)
    assert statement.result == income - charges == Decimal("30") + 200 + 10000 - 4000 - 1500 - 6000
    assert sheet.assets_total == sheet.liabilities_total
    assert dict(sheet.liabilities)["Fonds reportés et dédiés"] == Decimal("6000")
    assert dict(sheet.liabilities)["Résultat de l'exercice"] == statement.result
    assert dict(sheet.assets)["Disponibilités"] == sum((r.balance for r in rows if r.code[0] == "5"), ZERO)
    sections = {label: amount for s in statement.sections.values() for label, amount in s.rows}
    assert sections["Cotisations"] == Decimal("30") and sections["Reports en fonds dédiés"] == Decimal("6000")
    assert sections["Ressources liées à la générosité du public"] == Decimal("200")
    assert statement.in_kind["uses"].total == statement.in_kind["resources"].total == Decimal("120.20")
    origins = dict(figures["origins"])
    assert origins["Subventions — Ville de Lyon"] == Decimal("10000")
    assert sum(origins.values(), ZERO) == statement.income_total


def test_pure_headings_take_the_longest_prefix():
    statement = annual.income_statement({"7561": Decimal("-50"), "7541": Decimal("-20"), "7588": Decimal("-5"),
                                         "6894": Decimal("40"), "6811": Decimal("10"), "864": Decimal("7"),
                                         "875": Decimal("-7")})  # fmt: skip
    income = dict(statement.sections["operating_income"].rows)
    charges = dict(statement.sections["operating_charges"].rows)
    assert income["Cotisations"] == 50 and income["Ressources liées à la générosité du public"] == 20
    assert income["Autres produits"] == 5
    assert charges["Reports en fonds dédiés"] == 40
    assert charges["Dotations aux amortissements, dépréciations et provisions"] == 10
    assert statement.result == Decimal("25") and dict(statement.in_kind["resources"].rows)["Bénévolat"] == 7


def test_dedicated_funds_cross_a_real_year_end_closing_and_come_back(books, donor):
    grant = _year_books(books, donor)
    year = FiscalYear.objects.get(start_date=dt.date(2026, 1, 1))
    closing.close_fiscal_year(actor=books["actor"], year=year, today=dt.date(2027, 1, 15))
    following = FiscalYear.objects.get(start_date=dt.date(2027, 1, 1))
    opening_194 = next(r for r in trial_balance(following, prefix="194"))
    assert (opening_194.opening_credit, opening_194.credit) == (Decimal("6000"), ZERO)
    # the year's volunteering (864 / 875) is a flow shown below its result: not carried into the next year
    assert not list(trial_balance(following, prefix="86")) and not list(trial_balance(following, prefix="87"))
    _spend(books, dt.date(2027, 2, 10), "6226", "2500", "ATELIERS")
    move = grants.use_funds(actor=books["actor"], grant=grant, on=dt.date(2027, 3, 31))
    assert move.amount == Decimal("2500") and grant_queries.fund_balance(grant) == Decimal("3500")
    (row,), in_books = reports.dedicated_funds(following)
    assert (row.opening, row.carried, row.used, row.closing) == (Decimal("6000"), ZERO, Decimal("2500"),
                                                                 Decimal("3500"))  # fmt: skip
    assert in_books == row.closing
    statement = reports.annual_figures(following)["statement"]
    assert dict(statement.sections["operating_income"].rows)["Utilisations des fonds dédiés"] == Decimal("2500")
    assert statement.result == ZERO  # the year's charges on the action are met by the funds coming back


def test_the_reports_page_and_its_exports(client_as, books, donor):
    _year_books(books, donor)
    year = FiscalYear.objects.get(start_date=dt.date(2026, 1, 1))
    client = client_as("auditeur")
    page = client.get(reverse("associations:reports") + f"?exercice={year.pk}").content.decode()
    assert "Subventions — Ville de Lyon" in page and "Personnel bénévole" in page and "Fonds reportés" in page
    for report in ("origines", "fonds-dedies", "compte-de-resultat", "bilan"):
        export = client.get(reverse("associations:report-export", args=[report, "csv"]) + f"?exercice={year.pk}")
        body = b"".join(export.streaming_content).decode("utf-8-sig")
        assert export.status_code == 200 and ("000,00" in body or "ATELIERS" in body), report
    assert client.get(reverse("associations:report-export", args=["bilan", "pdf"])).content.startswith(b"%PDF")
    assert client.get(reverse("associations:report-export", args=["autre", "csv"])).status_code == 404


def test_the_bilan_of_a_year_whose_predecessor_is_not_closed_yet(books, donor):
    grant = _year_books(books, donor)
    following = year_from(dt.date(2027, 1, 1), dt.date(2027, 12, 31))  # already open past 2026
    _spend(books, dt.date(2027, 2, 10), "6226", "2500", "ATELIERS")
    grants.use_funds(actor=books["actor"], grant=grant, on=dt.date(2027, 3, 31))
    previous = reports.annual_figures(FiscalYear.objects.get(start_date=dt.date(2026, 1, 1)))["statement"].result
    sheet = reports.annual_figures(following)["sheet"]
    liabilities = dict(sheet.liabilities)
    assert liabilities["Fonds reportés et dédiés"] == Decimal("3500") == reports.dedicated_funds(following)[1]
    assert liabilities["Report à nouveau"] == previous and liabilities["Résultat de l'exercice"] == ZERO
    assert sheet.assets_total == sheet.liabilities_total
