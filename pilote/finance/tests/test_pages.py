"""The finance pages on small books: figures, comparison, a date inside a month, exports, bad input, roles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.finance import queries
from pilote.ledger import services
from pilote.ledger.models import Account, FiscalYear, Journal

D = Decimal


def _post(actor, day: dt.date, *lines: tuple[str, str, str], journal: str = "OD") -> None:
    services.create_entry(
        actor=actor,
        journal=Journal.objects.get(code=journal),
        date=day,
        label="Écriture",
        lines=[
            services.LineInput(Account.objects.get(code=code), debit=D(debit), credit=D(credit))
            for code, debit, credit in lines
        ],
        post=True,
    )


CODES = {"101": "Capital", "120": "Résultat de l'exercice - bénéfice", "164": "Emprunts", "2183": "Matériel de bureau",
         "28183": "Amortissements du matériel de bureau", "512": "Banques", "641": "Rémunérations du personnel",
         "6811": "Dotations aux amortissements", "706": "Prestations de services"}  # fmt: skip


@pytest.fixture
def books(personas):
    actor = personas["comptable"]
    for code, label in CODES.items():
        Account.objects.create(code=code, label=label)
    for code, label, kind in services.DEFAULT_JOURNALS:
        Journal.objects.create(code=code, label=label, kind=kind)
    FiscalYear.objects.create(start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31))
    FiscalYear.objects.create(start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31))
    _post(actor, dt.date(2025, 2, 1), ("512", "10000", "0"), ("101", "0", "10000"))
    _post(actor, dt.date(2025, 3, 1), ("512", "5000", "0"), ("706", "0", "5000"))
    _post(actor, dt.date(2025, 3, 2), ("641", "2000", "0"), ("512", "0", "2000"))
    _post(actor, dt.date(2026, 1, 1), ("512", "13000", "0"), ("101", "0", "10000"), ("120", "0", "3000"), journal="AN")
    _post(actor, dt.date(2026, 3, 10), ("512", "8000", "0"), ("706", "0", "8000"))
    _post(actor, dt.date(2026, 3, 20), ("2183", "3000", "0"), ("164", "0", "3000"))
    _post(
        actor,
        dt.date(2026, 3, 25),
        ("641", "1000", "0"),
        ("6811", "600", "0"),
        ("28183", "0", "600"),
        ("512", "0", "1000"),
    )
    return FiscalYear.objects.get(start_date=dt.date(2026, 1, 1))


def test_diagnosis_at_the_years_end_and_at_a_date_inside_a_month(books):
    whole = queries.diagnosis(queries.Period(books, books.end_date))
    assert whole.sig.balances["va"] == D(8000)
    assert whole.sig.balances["ebe"] == D(7000)
    assert whole.sig.balances["resultat_net"] == D(6400)
    assert whole.sig.caf_from_ebe == whole.sig.caf_from_net_result == D(7000)
    assert whole.sheet.tn == whole.sheet.frng_minus_bfr == D(20000)
    assert whole.sheet.frng == D(10000 + 3000 + 6400 + 600 + 3000 - 3000)
    # On 15 March only the sale of the 10th is counted (lines of the month read up to the date).
    middle = queries.diagnosis(queries.Period(books, dt.date(2026, 3, 15)))
    assert middle.sig.balances["resultat_net"] == D(8000)
    assert middle.sheet.tn == middle.sheet.frng_minus_bfr == D(21000)
    assert middle.figures["512"].opening == D(13000)
    # The previous period is the same stretch of 2025: the sale of 1 March and the salary of the 2nd.
    previous = queries.previous_period(middle.period)
    assert previous.day == dt.date(2025, 3, 15)
    assert queries.diagnosis(previous).sig.balances["resultat_net"] == D(3000)


def test_pages_show_both_years(books, client_as):
    client = client_as("direction")
    page = client.get(reverse("finance:diagnosis"), {"exercice": books.pk}).content.decode()
    assert "Excédent brut d'exploitation" in page and "7\u202f000,00\u202f€" in page
    assert "Les deux méthodes donnent la même CAF" in page
    assert "2025" in page and "<svg" in page
    assert "compte=706" in page  # an item opens its accounts' general ledger
    sheet = client.get(reverse("finance:balance-sheet"), {"exercice": books.pk}).content.decode()
    assert "Trésorerie nette = FRNG − BFR = 20\u202f000,00\u202f€" in sheet
    ratios = client.get(reverse("finance:ratios"), {"exercice": books.pk}).content.decode()
    assert "Capitaux propres ÷ total du bilan fonctionnel × 100" in ratios
    # Each ratio beside the year before, with its change: EBE ÷ sales 87,5 % against 60,0 % (3 000 ÷ 5 000).
    assert '<th class="num">Variation</th>' in ratios and "+27,5\u202fpt" in ratios
    assert "Marges (%)" in ratios  # the ratios charted, N beside N−1
    assert "EBE / CA — " in ratios and "87,50\u202f%</title>" in ratios and "60,00\u202f%</title>" in ratios
    export = client.get(reverse("finance:ratios"), {"exercice": books.pk, "export": "csv"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert ";Variation;" in text.splitlines()[0] and ";87,5;%;60,0;27,5;" in text


@pytest.mark.parametrize("name", ["finance:diagnosis", "finance:balance-sheet", "finance:ratios"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_exports(books, client_as, name, fmt):
    response = client_as("comptable").get(reverse(name), {"exercice": books.pk, "export": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{fmt}"')


def test_csv_export_of_the_sig(books, client_as):
    response = client_as("auditeur").get(reverse("finance:diagnosis"), {"exercice": books.pk, "export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Excédent brut d'exploitation;7000,00;3000,00;4000,00;133,3" in text


def test_spreadsheet_exports_show_the_items_without_a_stray_quote(books, client_as):
    """A spreadsheet quotes text starting with « + » (it would read a formula): the items added in the cascade
    are written bare, the deducted ones keep their « − » (not a formula sign), so no « '+ Production… » shows."""
    import io

    from openpyxl import load_workbook

    for name in ("finance:diagnosis", "finance:balance-sheet"):
        response = client_as("comptable").get(reverse(name), {"exercice": books.pk, "export": "xlsx"})
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        labels = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert labels and not any(label.startswith("'") for label in labels), labels
    assert "Production vendue (biens et services)" in labels or "Trésorerie active" in labels
    response = client_as("comptable").get(reverse("finance:diagnosis"), {"exercice": books.pk, "export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "\nProduction vendue (biens et services);" in text and "\n− Charges de personnel;" in text


@pytest.mark.parametrize("date", ["2020-01-01", "31/02/2026", "x" * 50])
def test_a_date_outside_the_year_is_refused_in_french(books, client_as, date):
    response = client_as("direction").get(reverse("finance:diagnosis"), {"exercice": books.pk, "date": date})
    assert response.status_code == 200
    assert "pas pu être lue" in response.content.decode()


def test_no_fiscal_year_yet(client_as):
    response = client_as("direction").get(reverse("finance:diagnosis"))
    assert "ouvrez d'abord un exercice" in response.content.decode()


@pytest.mark.parametrize("role", ["commercial", "rh", "assistant", "salarie"])
def test_other_roles_are_refused(books, client_as, role):
    assert client_as(role).get(reverse("finance:diagnosis")).status_code == 403


def test_query_count_is_bounded(books, client_as, django_assert_max_num_queries):
    client = client_as("direction")
    client.get(reverse("finance:diagnosis"))
    with django_assert_max_num_queries(16):
        client.get(reverse("finance:diagnosis"), {"exercice": books.pk, "date": "2026-03-15"})


def test_break_even_page_and_a_mixed_charge(books, client_as):
    client = client_as("comptable")
    whole_year = {"exercice": books.pk, "date": "2026-12-31"}
    page = client.get(reverse("finance:break-even"), whole_year).content.decode()
    # Sales 8 000, no variable charge by default, fixed 1 600 (641 and 6811): threshold 1 600, day 72 → 12 March.
    assert "1\u202f600,00\u202f€" in page and "12/03/2026" in page
    response = client.post(reverse("finance:cost-behaviour"), {"compte": "641", "part": "50"})
    assert response.status_code == 302
    page = client.get(reverse("finance:break-even"), whole_year).content.decode()
    assert "Part variable du compte 641 enregistrée" in page
    assert "1\u202f173,33\u202f€" in page  # variable 500, MCV 7 500 (93,75 %), fixed 1 100 ÷ 93,75 %


@pytest.mark.parametrize("data", [{"compte": "641", "part": "150"}, {"compte": "512", "part": "10"},
                                  {"compte": "6999", "part": "10"}, {"compte": "641", "part": "NaN"}, {}])  # fmt: skip
def test_a_bad_share_is_refused_in_french(books, client_as, data):
    from pilote.finance.models import CostBehaviour

    response = client_as("direction").post(reverse("finance:cost-behaviour"), data, follow=True)
    assert response.status_code == 200 and "message-error" in response.content.decode()
    assert not CostBehaviour.objects.exists()


def test_a_refused_share_names_its_account(books, client_as):
    response = client_as("direction").post(reverse("finance:cost-behaviour"), {"compte": "641", "part": "-5"},
                                           follow=True)  # fmt: skip
    assert "Part variable du compte 641 : Assurez-vous que cette valeur est supérieure ou égale à 0." in (
        response.content.decode()
    )


def test_the_auditor_reads_the_break_even_but_does_not_change_it(books, client_as):
    client = client_as("auditeur")
    assert client.get(reverse("finance:break-even")).status_code == 200
    assert client.post(reverse("finance:cost-behaviour"), {"compte": "641", "part": "50"}).status_code == 403


def test_treasury_plan_from_the_books(books, client_as):
    plan = queries.treasury_plan(dt.date(2026, 12, 3))
    assert plan.opening == D(20000)  # 512: 13 000 carried forward + 8 000 − 1 000
    assert plan.lowest.closing == plan.final == D(20000)  # no open item in these books
    assert queries.treasury_plan(dt.date(2030, 1, 1)) is None
    response = client_as("auditeur").get(reverse("finance:treasury"))
    assert response.status_code == 200 and "Plan de trésorerie" in response.content.decode()
    assert client_as("commercial").get(reverse("finance:treasury")).status_code == 403


def test_a_partly_paid_invoice_is_expected_for_what_is_left_at_its_due_date(books, personas):
    """An invoice and its instalment in a partial matching: the plan expects the rest at the invoice's due
    date; the instalment, already in the bank, is no movement of the first week."""
    from pilote.ledger.lettering import letter_lines
    from pilote.ledger.models import AuxiliaryAccount, EntryLine

    actor = personas["comptable"]
    customers = Account.objects.create(code="411", label="Clients")
    client = AuxiliaryAccount.objects.create(code="C001", label="Client", control_account=customers)
    due = dt.date(2027, 1, 15)
    services.create_entry(
        actor=actor, journal=Journal.objects.get(code="OD"), date=dt.date(2026, 11, 20), label="Facture",
        lines=[services.LineInput(customers, debit=D(1200), auxiliary=client, due_date=due),
               services.LineInput(Account.objects.get(code="706"), credit=D(1200))],
        post=True,
    )  # fmt: skip
    services.create_entry(
        actor=actor, journal=Journal.objects.get(code="OD"), date=dt.date(2026, 11, 30), label="Acompte",
        lines=[services.LineInput(Account.objects.get(code="512"), debit=D(500)),
               services.LineInput(customers, credit=D(500), auxiliary=client)],
        post=True,
    )  # fmt: skip
    letter_lines(actor=actor, lines=list(EntryLine.objects.filter(account=customers)), partial=True)

    inputs = queries.treasury_inputs(dt.date(2026, 12, 3))
    assert [(f.day, f.amount) for f in inputs.customers] == [(due, D(700))]
    plan = inputs.plan()
    assert plan.weeks[0].receipts == plan.weeks[0].payments == 0
    assert plan.lowest.closing == plan.opening == D(20500)
    assert plan.final == D(21200)  # the 700 left, in the week of 11 January


def test_break_even_simulation_on_the_page(books, client_as):
    url = reverse("finance:break-even")
    page = client_as("direction").get(url, {"exercice": books.pk, "simulation": "1", "prix": "10"}).content.decode()
    assert "Simulé" in page and "8\u202f800,00" in page  # 8 000 of sales + 10 %
    junk = client_as("direction").get(url, {"exercice": books.pk, "simulation": "1", "volume": "beaucoup"})
    assert junk.status_code == 200 and "Simulé" not in junk.content.decode()


def test_treasury_scenarios(books, client_as):
    client = client_as("direction")
    page = client.get(reverse("finance:treasury"), {"scenario": "pessimiste"}).content.decode()
    assert "<strong>Pessimiste</strong>" in page and "10 % non encaissés" in page
    assert "<strong>Réaliste</strong>" in client.get(reverse("finance:treasury"), {"scenario": "<x>"}).content.decode()


def test_break_even_date_of_a_provisional_situation_is_the_years(books, client_as):
    """On 31 March the books hold the first quarter: sales 8 000, fixed costs 1 600. At that pace the year's fixed
    costs are covered on day 1 600 ÷ 8 000 × 360 = 72 (12 March), as for the whole year — not on day 18 (the
    quarter's own fixed costs, counted against 90 days). With the actual monthly sales, the year's fixed costs
    estimated from the quarter (1 600 × 365 ÷ 90 = 6 488,89) are reached on the 26th of March (25,1 days of 31)."""
    report = queries.break_even_report(queries.diagnosis(queries.Period(books, dt.date(2026, 3, 31))), {})
    assert report.result.days == D("72.0")
    assert report.date == dt.date(2026, 3, 12)
    assert report.annual_threshold == D("6488.89")
    assert report.seasonal_date == dt.date(2026, 3, 26)
    page = client_as("comptable").get(reverse("finance:break-even"), {"exercice": books.pk, "date": "2026-03-31"})
    text = page.content.decode()
    assert "× 360 jours = 72,0 jours" in text and "6\u202f488,89\u202f€" in text


@pytest.mark.parametrize("name", ["finance:diagnosis", "finance:balance-sheet", "finance:ratios", "finance:break-even",
                                  "finance:treasury"])  # fmt: skip
def test_books_without_entries_say_so_in_french(personas, client_as, name):
    """A structure just set up: an open year and nothing posted. The pages say there is nothing yet instead of
    a cascade of zeros, a « Contrôle réussi » on 0,00 € and an empty chart."""
    from pilote.lib.dates import local_today

    today = local_today()
    FiscalYear.objects.create(start_date=today.replace(month=1, day=1), end_date=today.replace(month=12, day=31))
    page = client_as("direction").get(reverse(name)).content.decode()
    assert "Aucune écriture validée" in page
    assert "Contrôle réussi" not in page and "<svg" not in page


def test_the_analytic_export_link_leaves_no_stray_error(books, client_as, personas):
    """The page's export links carry only « export » on a first visit: the form was bound without its axis and
    year, so the download went through but « La demande n'a pas pu être lue » waited for the next page."""
    from pilote.ledger import analytics

    analytics.create_axis(actor=personas["comptable"], code="ACT", label="Activité")
    client = client_as("comptable")
    response = client.get(reverse("finance:analytic"), {"export": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "pas pu être lue" not in client.get(reverse("finance:analytic")).content.decode()
    assert "pas pu être lue" in client.get(reverse("finance:analytic"), {"axe": "x"}).content.decode()


def test_an_account_of_a_figure_at_a_past_date_opens_its_ledger_up_to_that_day(books, client_as):
    """The bank in the functional balance sheet at 15/03/2026 (à-nouveaux 13 000 + sale of 10/03 8 000) opens
    the general ledger of 512 up to that day: its last balance is the figure, not the year's (20 000)."""
    import html
    import re

    client = client_as("comptable")
    sheet = client.get(reverse("finance:balance-sheet"), {"exercice": books.pk, "date": "2026-03-15"}).content.decode()
    link = html.unescape(re.search(r'href="([^"]*compte=512[^"]*)"', sheet).group(1))
    assert "au=2026-03-15" in link
    ledger = client.get(link).context["ledger"]
    assert ledger.carried.balance == D("13000.00") and ledger.until == dt.date(2026, 3, 15)
    assert [line.running_balance for line in ledger.lines] == [D("21000.00")]
    whole = client.get(reverse("finance:balance-sheet"), {"exercice": books.pk, "date": "2026-12-31"}).content.decode()
    assert "au=" not in html.unescape(re.search(r'href="([^"]*compte=512[^"]*)"', whole).group(1))
