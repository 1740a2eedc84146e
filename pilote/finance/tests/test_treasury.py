"""Treasury forecast beyond the 13 weeks: customers' payment habits, the 12-month plan, loans, the pay hr plugs in,
the alert mailed once per crossing, and the archived plan against what the bank did."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from pilote.finance import forecast, queries
from pilote.finance import services as finance_services
from pilote.finance.forecast import Flow, Settlement
from pilote.finance.tests.test_pages import books  # noqa: F401 — the two-year books of the finance pages
from pilote.ledger import services
from pilote.ledger.models import Account, AuxiliaryAccount, EntryLine, Journal

D = Decimal


# --- Pure functions --------------------------------------------------------------------------------------


def test_average_delay_weighted_by_amount_on_a_hand_case():
    """1 000 € paid 10 days late and 3 000 € 20 days late: (10 × 1 000 + 20 × 3 000) ÷ 4 000 = 17,5 days."""
    settled = [
        Settlement(dt.date(2026, 1, 10), dt.date(2026, 1, 20), D("1000.00")),
        Settlement(dt.date(2026, 2, 1), dt.date(2026, 2, 21), D("3000.00")),
    ]
    assert forecast.average_delay(settled) == D("17.5")
    assert forecast.expected_at(dt.date(2026, 12, 1), D("17.5")) == dt.date(2026, 12, 19)  # 18 days, half up
    early = [Settlement(dt.date(2026, 3, 15), dt.date(2026, 3, 10), D("500"))]
    assert forecast.average_delay(early) == D("-5.0")
    assert forecast.expected_at(dt.date(2026, 12, 20), D("-5.0")) == dt.date(2026, 12, 15)
    assert forecast.average_delay([]) is None and forecast.expected_at(dt.date(2026, 1, 1), None) == dt.date(2026, 1, 1)


def test_loan_schedule_constant_instalments():
    """10 000 € at 6 % a year over 12 months: 860,66 € a month (10 000 × 0,005 ÷ (1 − 1,005^−12)), the first
    month's interest 50,00 €, total interest 327,96 €, the last instalment 860,70 € clears the capital."""
    schedule = forecast.loan_schedule(D(10000), D(6), 12, dt.date(2027, 1, 31))
    assert [i.payment for i in schedule[:11]] == [D("860.66")] * 11 and schedule[-1].payment == D("860.70")
    assert schedule[0].interest == D("50.00") and schedule[0].principal == D("810.66")
    assert schedule[1].day == dt.date(2027, 2, 28) and schedule[2].day == dt.date(2027, 3, 31)
    assert sum(i.interest for i in schedule) == D("327.96") and schedule[-1].remaining == 0
    assert sum(i.principal for i in schedule) == D(10000)
    flat = forecast.loan_schedule(D(1000), D(0), 3, dt.date(2027, 1, 5))
    assert [i.payment for i in flat] == [D("333.33"), D("333.33"), D("333.34")]


def test_monthly_plan_on_a_hand_case():
    today = dt.date(2026, 12, 5)
    flows = [
        Flow(dt.date(2026, 11, 20), D("1000"), "Clients"),  # overdue: this month
        Flow(dt.date(2027, 1, 15), D("-4000"), "Fournisseurs"),
        Flow(dt.date(2027, 11, 30), D("500"), "Clients"),  # the twelfth month
        Flow(dt.date(2027, 12, 1), D("99"), "Clients"),  # beyond
    ]
    plan = forecast.monthly_plan(today, D("2000"), flows)
    assert [(m.start, m.end) for m in plan.weeks[:2]] == [
        (dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
        (dt.date(2027, 1, 1), dt.date(2027, 1, 31)),
    ]
    assert len(plan.weeks) == 12 and plan.weeks[-1].start == dt.date(2027, 11, 1)
    assert [m.closing for m in plan.weeks[:2]] == [D("3000"), D("-1000")]
    assert plan.lowest.start == dt.date(2027, 1, 1) and plan.final == D("-500") and plan.beyond == D("99")


def test_budget_flows_over_the_real_days_of_the_month_and_leave_payroll_to_hr():
    """January 2027 (31 days) invoiced day by day and settled at 30 days: 1/31 lands on 31 January, 28/31 in
    February (28 days), 2/31 on 1–2 March; its CA3 on 19 February 2027 (a Friday)."""
    today = dt.date(2026, 12, 5)
    months = {
        dt.date(2026, 12, 1): {"706": D("9999")},  # the current month: already in the open items
        dt.date(2027, 1, 1): {
            "706": D("10000"),
            "607": D("3000"),
            "641": D("4000"),
            "6811": D("500"),
            "781": D("80"),
        },  # fmt: skip
    }
    flows = forecast.budget_flows(months, today)
    assert flows == [
        # 10 000 + 20 % VAT = 12 000 split 1 : 28 : 2 — 387,10 + 10 838,71 + 774,19
        Flow(dt.date(2027, 1, 31), D("387.10"), "Activité prévue"),
        Flow(dt.date(2027, 2, 1), D("10838.71"), "Activité prévue"),
        Flow(dt.date(2027, 3, 1), D("774.19"), "Activité prévue"),
        # 3 000 + 600 of VAT (depreciation, 68, moves no cash): 116,13 + 3 251,61 + 232,26
        Flow(dt.date(2027, 1, 31), D("-116.13"), "Activité prévue"),
        Flow(dt.date(2027, 2, 1), D("-3251.61"), "Activité prévue"),
        Flow(dt.date(2027, 3, 1), D("-232.26"), "Activité prévue"),
        Flow(dt.date(2027, 1, 31), D("-4000.00"), "Salaires prévus"),
        Flow(dt.date(2027, 2, 19), D("-1400.00"), "TVA prévue (CA3)"),  # 2 000 collected − 600 deductible
    ]
    assert all(f.kind != "Salaires prévus" for f in forecast.budget_flows(months, today, payroll=False))


def test_budget_flows_at_the_structures_rates_cadence_and_regime():
    """February 2027 (28 days) at 30 days lands wholly in March (3–30 March); the structure's effective rates
    (5,5 % on its sales, 10 % on its purchases), quarterly CA3 due the 24th: January's and February's VAT on the
    return of the first quarter (220 − 50 − 100), due Monday 26 April 2027 (the 24th is a Saturday); monthly, the
    credit of January's return is carried to February's."""
    today = dt.date(2026, 12, 5)
    terms = forecast.VatTerms(sales_rate=D("5.5"), purchases_rate=D("10"), due_day=24, quarterly=True)
    months = {dt.date(2027, 1, 1): {"607": D("500")}, dt.date(2027, 2, 1): {"706": D("4000"), "607": D("1000")}}
    flows = forecast.budget_flows(months, today, vat=terms)
    assert [f for f in flows if f.kind == "TVA prévue (CA3)"] == [
        Flow(dt.date(2027, 4, 26), D("-70.00"), "TVA prévue (CA3)")
    ]
    assert [f for f in flows if f.amount > 0] == [Flow(dt.date(2027, 3, 3), D("4220.00"), "Activité prévue")]
    # monthly: January's credit of 50 is carried to February's return (220 − 100 − 50), due Friday 19 March
    monthly = forecast.budget_flows(months, today, vat=forecast.VatTerms(sales_rate=D("5.5"), purchases_rate=D("10")))
    assert [f for f in monthly if f.kind == "TVA prévue (CA3)"] == [
        Flow(dt.date(2027, 3, 19), D("-70.00"), "TVA prévue (CA3)")
    ]
    # on receipts: February's sales VAT follows its receipts in March, declared in April
    on_receipts = forecast.VatTerms(sales_rate=D("5.5"), purchases_rate=D(0), on_receipts=True)
    receipts = forecast.budget_flows(months, today, vat=on_receipts)
    assert [f for f in receipts if f.kind == "TVA prévue (CA3)"] == [
        Flow(dt.date(2027, 4, 19), D("-220.00"), "TVA prévue (CA3)")
    ]
    # franchise: no VAT at all
    none = forecast.budget_flows(months, today, vat=forecast.VatTerms(charges_vat=False, sales_rate=D(0)))
    assert all(f.kind != "TVA prévue (CA3)" for f in none) and sum(f.amount for f in none) == D("2500.00")


def test_pay_flows_from_hr():
    from pilote.hr.payroll import pay_flows

    staff = [(dt.date(2020, 1, 1), None, D("2000")), (dt.date(2027, 1, 10), None, D("3000")),
             (dt.date(2020, 1, 1), dt.date(2026, 12, 15), D("9000"))]  # fmt: skip
    flows = pay_flows(staff, dt.date(2026, 12, 5), dt.date(2027, 1, 31), D("0.78"), D("0.42"))
    assert flows == [
        (dt.date(2026, 12, 31), D("-1560.00"), "Salaires nets (personnel)"),  # 2 000 × 0,78
        (dt.date(2027, 1, 15), D("-1280.00"), "Charges sociales (personnel)"),  # 2 840 − 1 560
        (dt.date(2027, 1, 31), D("-3900.00"), "Salaires nets (personnel)"),  # (2 000 + 3 000) × 0,78
    ]


def test_forecast_against_actual():
    actual = {dt.date(2026, 11, 1): D("100"), dt.date(2026, 11, 4): D("400"), dt.date(2026, 11, 12): D("50")}
    rows = forecast.compare(dt.date(2026, 11, 2), [D("300"), D("200"), D("900")], actual, dt.date(2026, 11, 20))
    assert [(r.end, r.forecast, r.actual, r.gap) for r in rows] == [
        (dt.date(2026, 11, 8), D("300"), D("400"), D("100")),
        (dt.date(2026, 11, 15), D("200"), D("50"), D("-150")),
    ]  # the third week is not over


# --- With the books --------------------------------------------------------------------------------------


def _invoice(actor, customers, client, day, due, amount):
    services.create_entry(
        actor=actor, journal=Journal.objects.get(code="OD"), date=day, label="Facture",
        lines=[services.LineInput(customers, debit=D(amount), auxiliary=client, due_date=due),
               services.LineInput(Account.objects.get(code="706"), credit=D(amount))],
        post=True,
    )  # fmt: skip


def _payment(actor, customers, client, day, amount):
    services.create_entry(
        actor=actor, journal=Journal.objects.get(code="OD"), date=day, label="Règlement",
        lines=[services.LineInput(Account.objects.get(code="512"), debit=D(amount)),
               services.LineInput(customers, credit=D(amount), auxiliary=client)],
        post=True,
    )  # fmt: skip


@pytest.fixture
def late_customer(books, personas):  # noqa: F811
    """A customer who paid two invoices 10 and 20 days late, and owes a third due 15/12/2026."""
    from pilote.ledger.lettering import letter_lines

    actor = personas["comptable"]
    customers = Account.objects.create(code="411", label="Clients")
    client = AuxiliaryAccount.objects.create(code="C001", label="Client lent", control_account=customers)
    history = [(dt.date(2026, 5, 1), dt.date(2026, 5, 31), dt.date(2026, 6, 10), "1000"),
               (dt.date(2026, 6, 1), dt.date(2026, 7, 1), dt.date(2026, 7, 21), "3000")]  # fmt: skip
    for day, due, paid, amount in history:
        _invoice(actor, customers, client, day, due, amount)
        _payment(actor, customers, client, paid, amount)
        letter_lines(actor=actor, lines=list(EntryLine.objects.filter(account=customers, match__isnull=True)))
    _invoice(actor, customers, client, dt.date(2026, 11, 15), dt.date(2026, 12, 15), "2000")
    return client


def _by_day(flows) -> dict:
    found: dict = {}
    for flow in flows:
        found[flow.day] = found.get(flow.day, 0) + flow.amount
    return {day: amount for day, amount in found.items() if amount}


def test_customers_are_expected_at_their_habit(late_customer):
    today = dt.date(2026, 12, 5)
    assert _by_day(queries.treasury_inputs(today).customers) == {dt.date(2026, 12, 15): D("2000.00")}
    assert finance_services.refresh_payment_behaviour(today) == 1
    settled = queries.customer_settlements(today)[late_customer.pk]
    assert sorted((s.due, s.paid, s.amount) for s in settled) == [
        (dt.date(2026, 5, 31), dt.date(2026, 6, 10), D("1000.00")),
        (dt.date(2026, 7, 1), dt.date(2026, 7, 21), D("3000.00")),
    ]
    # 17,5 days on average → 18 days after the due date of 15/12
    inputs = queries.treasury_inputs(today)
    assert inputs.customers == [Flow(dt.date(2027, 1, 2), D("2000.00"), "Clients")]  # netted by day
    weeks = {w.start: w.receipts for w in inputs.plan().weeks}
    assert weeks[dt.date(2026, 12, 28)] == D("2000.00") and weeks[dt.date(2026, 12, 14)] == 0


def test_twelve_month_plan_with_a_loan_and_the_page(books, personas, client_as):  # noqa: F811
    today = dt.date(2026, 12, 5)
    finance_services.create_loan(actor=personas["direction"], label="Prêt véhicule", lender="Banque",
                                 principal=D(10000), annual_rate=D(6), months=12,
                                 first_due=dt.date(2027, 1, 31))  # fmt: skip
    inputs = queries.treasury_inputs(today)
    monthly = inputs.monthly()
    assert monthly.opening == D(20000) and len(monthly.weeks) == 12
    january = monthly.weeks[1]
    assert january.by_kind["Emprunts"] == D("-860.66")
    # no budget for 2027: the months ahead repeat the same month of 2026 (March: 8 000 of sales, 1 000 of pay)
    march = monthly.weeks[3]
    assert march.start == dt.date(2027, 3, 1) and march.by_kind["Salaires prévus"] == D("-1000.00")
    # March's sales (31 days, settled at 30 days): 1/31 on 31 March, 30/31 in April; the books' sales bear no
    # VAT (the effective rate of their last twelve months is 0 %): no CA3
    assert march.by_kind["Activité prévue"] == D("258.06")
    april = monthly.weeks[4]
    assert april.by_kind["Activité prévue"] == D("7741.94") and "TVA prévue (CA3)" not in april.by_kind
    # the 13-week plan takes the instalments of its weeks only
    weekly = inputs.plan()
    assert sum(w.by_kind.get("Emprunts", 0) for w in weekly.weeks) == D("-1721.32")  # 31/01 and 28/02
    page = client_as("comptable").get(reverse("finance:treasury"), {"horizon": "mois"}).content.decode()
    assert "Plan de trésorerie sur 12 mois" in page and "Prêt véhicule" in page


def test_a_loan_form_refuses_bad_input_in_french(books, client_as):  # noqa: F811
    from pilote.finance.models import Loan

    url = reverse("finance:loan-create")
    response = client_as("comptable").post(url, {"label": "Prêt", "principal": "-5", "annual_rate": "3",
                                                 "months": "12", "first_due": "31/01/2027"})  # fmt: skip
    assert response.status_code == 200 and not Loan.objects.exists()
    assert "positif" in response.content.decode()
    assert client_as("auditeur").post(url, {}).status_code == 403
    response = client_as("comptable").post(url, {"label": "Prêt", "principal": "5 000,00", "annual_rate": "3,5",
                                                 "months": "24", "first_due": "31/01/2027"})  # fmt: skip
    assert response.status_code == 302 and Loan.objects.get().principal == D(5000)


def test_snapshot_once_a_week_then_compared_with_the_bank(books, personas):  # noqa: F811
    from pilote.finance.models import ForecastSnapshot

    first = finance_services.take_snapshot(dt.date(2026, 11, 3))  # a Tuesday: the week of Monday 2 November
    again = finance_services.take_snapshot(dt.date(2026, 11, 5))
    assert first.pk == again.pk and ForecastSnapshot.objects.count() == 1
    assert first.week_start == dt.date(2026, 11, 2) and first.closings[0] == "20000.00"
    _payment_in = services.create_entry(
        actor=personas["comptable"], journal=Journal.objects.get(code="OD"), date=dt.date(2026, 11, 10),
        label="Encaissement", lines=[services.LineInput(Account.objects.get(code="512"), debit=D(700)),
                                     services.LineInput(Account.objects.get(code="706"), credit=D(700))],
        post=True,
    )  # fmt: skip
    [(snapshot, rows)] = queries.forecast_vs_actual(dt.date(2026, 11, 20))
    assert [(r.end, r.forecast, r.actual, r.gap) for r in rows] == [
        (dt.date(2026, 11, 8), D("20000.00"), D("20000.00"), D("0.00")),
        (dt.date(2026, 11, 15), D("20000.00"), D("20700.00"), D("700.00")),
    ]


def test_the_alert_mails_direction_once_per_crossing(books, personas):  # noqa: F811
    from pilote.dashboards import alerts
    from pilote.dashboards.models import KpiAlert
    from pilote.dashboards.services import set_threshold

    today = dt.date(2026, 12, 5)
    personas["direction"].email = "direction@example.fr"
    personas["direction"].save()
    set_threshold(actor=personas["direction"], key="tresorerie_prevue", value=D(25000))  # the plan stays at 20 000
    mail.outbox.clear()
    assert alerts.check(today) == {"ouvertes": 1, "closes": 0}
    assert len(mail.outbox) == 1 and "Point bas de trésorerie prévu" in mail.outbox[0].subject
    assert mail.outbox[0].to == ["direction@example.fr"]
    assert alerts.check(today) == {"ouvertes": 0, "closes": 0} and len(mail.outbox) == 1  # not twice
    set_threshold(actor=personas["direction"], key="tresorerie_prevue", value=D(15000))
    alerts.check(today)
    assert KpiAlert.objects.get().ended_on == today and len(mail.outbox) == 1  # back above: closed
    set_threshold(actor=personas["direction"], key="tresorerie_prevue", value=D(30000))
    alerts.check(today)
    assert KpiAlert.objects.count() == 2 and len(mail.outbox) == 2  # a new crossing, a new e-mail


def test_the_nightly_works(late_customer, personas):
    """The schedules' works: habits and this week's plan (once a week), then the alerts (one e-mail a crossing)."""
    from pilote.core import schedule
    from pilote.dashboards import alerts
    from pilote.dashboards.services import set_threshold
    from pilote.finance.models import ForecastSnapshot, PaymentBehaviour
    from pilote.ledger.tests.years import open_years_to_today

    open_years_to_today()  # the night plans from the local today: a year must hold it
    names = {s.name for s in schedule.registered()}
    assert {"finance.treasury", "dashboards.alerts"} <= names
    message = finance_services.treasury_night(None, None)
    assert "1 client(s)" in message and "archivé" in message
    assert PaymentBehaviour.objects.get().delay_days == D("17.5") and ForecastSnapshot.objects.count() == 1
    finance_services.treasury_night(None, None)
    assert ForecastSnapshot.objects.count() == 1  # the same week: kept once
    personas["direction"].email = "direction@example.fr"
    personas["direction"].save()
    set_threshold(actor=personas["direction"], key="tresorerie_prevue", value=D(10**9))
    mail.outbox.clear()
    assert "1 ouverte(s)" in alerts.nightly_check(None, None) and len(mail.outbox) == 1
    assert "0 ouverte(s)" in alerts.nightly_check(None, None) and len(mail.outbox) == 1


def test_vat_terms_from_the_books_effective_rates(books, personas):  # noqa: F811
    """The twelve whole months before 5 December 2026 hold 8 000 of sales without VAT (March), then 1 000 at 20 %
    and 1 000 at 5,5 % (November): 255 ÷ 10 000 = 2,55 %; purchases 500 with 50 of VAT: 10 %; a quarterly last
    return; the setting's due day (19)."""
    from pilote.finance.tests.test_pages import _post
    from pilote.ledger.models import VatReturn

    for code in ("44571", "607", "44566"):
        Account.objects.get_or_create(code=code, defaults={"label": code})
    actor = personas["comptable"]
    _post(actor, dt.date(2026, 11, 10), ("512", "2255", "0"), ("706", "0", "2000"), ("44571", "0", "255"))
    _post(actor, dt.date(2026, 11, 12), ("607", "500", "0"), ("44566", "50", "0"), ("512", "0", "550"))
    _post(
        actor, dt.date(2026, 12, 2), ("512", "1200", "0"), ("706", "0", "1000"), ("44571", "0", "200")
    )  # today's month
    VatReturn.objects.create(
        period_start=dt.date(2026, 7, 1), period_end=dt.date(2026, 9, 30), boxes={}, confirmed_by=actor
    )
    terms = queries.vat_terms(dt.date(2026, 12, 5))
    assert (terms.sales_rate, terms.purchases_rate, terms.quarterly, terms.due_day) == (D("2.55"), D("10.00"), True, 19)


def _python_customer_items(today: dt.date) -> list[Flow]:
    """The customers' flows as the cash plan moved them before the SQL grouping: each party × expected date row of
    the per-party aggregate read into Python and moved by the customer's rounded delay (the reference: every row
    moved, past ones too), then counted as the plans do (`forecast.receivables`)."""
    from django.db.models import Sum

    from pilote.finance.models import PaymentBehaviour
    from pilote.ledger.models import OpenItemParty

    by_day: dict = {}
    for flow in queries._open_items(queries.CUSTOMER_PREFIXES, today, "Clients"):
        by_day[flow.day] = by_day.get(flow.day, 0) + flow.amount
    delays = {
        aux: delay
        for aux, delay in PaymentBehaviour.objects.values_list("auxiliary_id", "delay_days")
        if forecast.expected_at(today, delay) != today
    }
    rows = (
        OpenItemParty.objects.filter(
            queries._prefixes(queries.CUSTOMER_PREFIXES), fiscal_year__status="open", date__lte=today,
            has_due_date=True, aux_key__in=list(delays),
        )
        .values("aux_key", "expected")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )  # fmt: skip
    for row in rows:
        amount = row["d"] - row["c"]
        if amount > 0:
            moved = forecast.expected_at(row["expected"], delays[row["aux_key"]])
            by_day[row["expected"]] = by_day.get(row["expected"], 0) - amount
            by_day[moved] = by_day.get(moved, 0) + amount
    return forecast.receivables(today, by_day)


def test_habits_move_the_open_items_in_sql_as_python_did(books, personas):  # noqa: F811
    """Delays that round half away from zero (2,5 → 3 days, −0,5 → −1, −2,5 → −3, 0,4 → none), a customer without
    a habit, two items of one customer on one date, a customer on 418, a credit note that leaves a date owing nothing
    (not moved), a payment on account (no due date: kept), moves landing on another's date, an overdue item moved to a
    date still past (late: as late again from today), one moved from doubtful (more than 90 days late) to late, one
    moved between two doubtful dates (left out of the SQL: doubtful either way): the flows read in SQL are those the
    per-party rows moved in Python gave, to the cent, and the doubtful total too."""
    from pilote.finance.models import PaymentBehaviour

    actor = personas["comptable"]
    today = dt.date(2026, 12, 5)
    customers = Account.objects.create(code="411", label="Clients")
    unbilled = Account.objects.create(code="418", label="Clients, factures à établir")
    party = {code: AuxiliaryAccount.objects.create(code=code, label=f"Client {code}", control_account=customers)
             for code in ("C1", "C2", "C3", "C4", "C5", "C6")}  # fmt: skip
    party["C7"] = AuxiliaryAccount.objects.create(code="C7", label="Client C7", control_account=unbilled)
    for code, delay in (("C1", "2.5"), ("C2", "-0.5"), ("C3", "0.4"), ("C5", "-2.5"), ("C6", "12.0"), ("C7", "1")):
        PaymentBehaviour.objects.create(auxiliary=party[code], delay_days=D(delay), computed_on=today)
    due = dt.date(2026, 12, 15)
    _invoice(actor, customers, party["C1"], dt.date(2026, 11, 15), due, "1000.10")
    _invoice(actor, customers, party["C1"], dt.date(2026, 11, 16), due, "20.05")  # same party and date
    _invoice(actor, unbilled, party["C7"], dt.date(2026, 11, 16), due, "60.00")
    _invoice(actor, customers, party["C1"], dt.date(2026, 10, 1), dt.date(2026, 11, 2), "300.33")  # overdue
    _invoice(actor, customers, party["C2"], dt.date(2026, 11, 15), due, "700.07")
    _invoice(actor, customers, party["C2"], dt.date(2026, 11, 20), dt.date(2026, 12, 18), "50.00")  # C1 lands here
    _invoice(actor, customers, party["C3"], dt.date(2026, 11, 15), due, "400.00")
    _invoice(actor, customers, party["C4"], dt.date(2026, 11, 15), due, "123.45")
    _invoice(actor, customers, party["C5"], dt.date(2026, 11, 15), dt.date(2026, 12, 20), "99.99")
    _invoice(actor, customers, party["C6"], dt.date(2026, 11, 15), due, "80.00")
    services.create_entry(  # a credit note due the same day: C6 owes nothing on the 15th (nothing moved)
        actor=actor, journal=Journal.objects.get(code="OD"), date=dt.date(2026, 11, 20), label="Avoir",
        lines=[services.LineInput(customers, credit=D("90.00"), auxiliary=party["C6"], due_date=due),
               services.LineInput(Account.objects.get(code="706"), debit=D("90.00"))],
        post=True,
    )  # fmt: skip
    _payment(actor, customers, party["C1"], dt.date(2026, 11, 30), "25.00")  # on account: no due date, kept
    _invoice(actor, customers, party["C6"], dt.date(2026, 7, 1), dt.date(2026, 8, 28), "640.00")  # +12: 9 September
    _invoice(actor, customers, party["C1"], dt.date(2026, 6, 1), dt.date(2026, 7, 31), "777.00")  # +3: still doubtful
    found = queries._customer_items(today)
    flows = found.flows
    assert found == _python_customer_items(today)
    assert found.doubtful == D("777.00")  # 3 August: 124 days late (C6's 28 August moved to 9 September: 87 days)
    assert [(day, cents) for day, cents in queries._habit_moves(today) if day < dt.date(2026, 9, 6)] == [
        (dt.date(2026, 8, 28), -64000)  # taken off a doubtful date, brought to a late one; C1's July item not read
    ]
    assert _by_day(flows) == {
        # C1's overdue item (2 November + 3 days: 30 days late) in 30 days, its payment on account (30/11) in 5
        dt.date(2027, 1, 4): D("300.33"),
        dt.date(2026, 12, 10): D("-25.00"),
        dt.date(2027, 3, 2): D("640.00"),  # C6's, 87 days late: in 87 days
        # C3 (0,4 day: not moved), C4 (no habit), C6 (−10 net: not moved)
        dt.date(2026, 12, 14): D("700.07"),  # C2, −1 day
        dt.date(2026, 12, 15): D("400.00") + D("123.45") - D("10.00"),
        dt.date(2026, 12, 16): D("60.00"),  # C7 on 418, +1 day
        dt.date(2026, 12, 17): D("50.00") + D("99.99"),  # C2's second item −1 day, C5's −3 days
        dt.date(2026, 12, 18): D("1020.15"),  # C1's two items, +3 days
    }
    assert all(flow.kind == "Clients" for flow in flows)
    # Without any habit that moves a date, the flows are the aggregate's.
    PaymentBehaviour.objects.update(delay_days=D("0.4"))
    assert queries._customer_items(today) == _python_customer_items(today)
    assert queries._habit_moves(today) == []
    assert queries._customer_items(today).doubtful == D("640.00") + D("777.00")  # 28 August: 99 days late


def test_the_plan_page_shows_directions_threshold_and_the_weeks_under_it(books, personas, client_as):  # noqa: F811
    """A supplier invoice of 8 000 due in two weeks: the plan drops by 8 000 from its third week. Direction's
    threshold on the lowest point (set in the dashboards, read through `core.registry.kpi_threshold`) is on the
    page: in words beside the lowest point, as a dashed line in the chart, and on each week under it."""
    from pilote.dashboards.services import set_threshold
    from pilote.ledger.tests.years import open_years_to_today
    from pilote.lib.dates import local_today
    from pilote.lib.formats import format_eur

    open_years_to_today()
    actor, today = personas["comptable"], local_today()
    suppliers = Account.objects.create(code="401", label="Fournisseurs")
    Account.objects.create(code="607", label="Achats de marchandises")
    supplier = AuxiliaryAccount.objects.create(code="F001", label="Grossiste", control_account=suppliers)
    services.create_entry(
        actor=actor, journal=Journal.objects.get(code="OD"), date=today, label="Facture fournisseur",
        lines=[services.LineInput(Account.objects.get(code="607"), debit=D(8000)),
               services.LineInput(suppliers, credit=D(8000), auxiliary=supplier,
                                  due_date=today + dt.timedelta(days=14))],
        post=True,
    )  # fmt: skip
    plan = queries.treasury_plan(today)
    high, low = plan.weeks[0].closing, plan.lowest.closing
    assert high - low == D(8000) and plan.lowest.start == plan.weeks[2].start
    client = client_as("comptable")
    page = client.get(reverse("finance:treasury")).content.decode()
    assert "Aucun seuil d'alerte n'est fixé" in page and "row-alert" not in page

    set_threshold(actor=personas["direction"], key="tresorerie_prevue", value=low + 4000)
    page = client.get(reverse("finance:treasury")).content.decode()
    lowest_end = plan.lowest.end.strftime("%d/%m/%Y")
    assert f"<strong>{format_eur(low)}</strong> le {lowest_end}" in page
    assert f"sous le seuil de {format_eur(low + 4000)} fixé par la direction : 11 semaines sous le seuil" in page
    assert page.count('class="row-alert"') == 11 and 'stroke-dasharray="6 4"' in page
    assert f"Seuil d'alerte : {format_eur(low + 4000).replace(' ', chr(8239))}" in page.replace("&#x27;", "'")
    monthly = client.get(reverse("finance:treasury"), {"horizon": "mois"}).content.decode()
    assert "sous le seuil de" in monthly and "mois sous le seuil" in monthly

    set_threshold(actor=personas["direction"], key="tresorerie_prevue", value=low - 1)
    page = client.get(reverse("finance:treasury")).content.decode()
    assert f"au-dessus du seuil de {format_eur(low - 1)} fixé par la direction." in page
    assert "row-alert" not in page and 'stroke-dasharray="6 4"' in page


def test_loan_problems_pure():
    today = dt.date(2026, 11, 30)
    ok = forecast.loan_problems(D(1000), D("3.5"), 12, dt.date(2026, 1, 5), today)  # last on 05/12/2026
    assert ok == {} and forecast.loan_problems(D(1000), D(0), 1, today, today) == {}  # one instalment today
    past = forecast.loan_problems(D(1000), D("3.5"), 12, dt.date(2025, 11, 30), today)  # last on 30/10/2026
    assert past == {"first_due": "Avec une première échéance le 30/11/2025 et 12 mensualités, la dernière tombe le "
                                 "30/10/2026 : cet emprunt est déjà remboursé et ne changerait rien au plan de "
                                 "trésorerie. Vérifiez la date de la première échéance ou la durée."}  # fmt: skip
    assert set(forecast.loan_problems(D(0), D(100), 0, dt.date(1, 1, 1), today)) == {"principal", "annual_rate",
                                                                                     "months"}  # fmt: skip
    far = forecast.loan_problems(D(1000), D(3), 600, dt.date(9999, 12, 1), today)  # no overflow computing its end
    assert far == {"first_due": "La première échéance, le 01/12/9999, est à plus de 5 ans : vérifiez l'année."}
    assert forecast.loan_problems(D(1000), D(3), 12, dt.date(2031, 11, 30), today) == {}  # five years: deferred


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_due", "past", "cet emprunt est déjà remboursé"),
        ("first_due", "01/01/2500", "est à plus de 5 ans : vérifiez l&#x27;année."),
        ("annual_rate", "100", "Le taux annuel va de 0 à moins de 100 %"),
        ("annual_rate", "-1", "Le taux annuel va de 0 à moins de 100 %"),
        ("months", "0", "La durée d&#x27;un emprunt va de 1 à 600 mois."),
        ("months", "601", "La durée d&#x27;un emprunt va de 1 à 600 mois."),
    ],
)
def test_an_impossible_loan_is_refused_on_its_field_in_french(books, personas, client_as, field, value, message):  # noqa: F811
    """A loan repaid before today changes nothing in a plan that starts today: refused on its first instalment, like a
    first instalment centuries away, a rate of 100 % or more, a duration of 0 or over 600 months; nothing written.
    The service refuses the same (the API and the demo go through it)."""
    from pilote.core.exceptions import DomainError
    from pilote.finance.models import Loan
    from pilote.lib.dates import add_months, local_today

    today = local_today()
    data = {"label": "Prêt", "principal": "5 000,00", "annual_rate": "3,5", "months": "24",
            "first_due": today.strftime("%d/%m/%Y")}  # fmt: skip
    data[field] = add_months(today, -25).strftime("%d/%m/%Y") if value == "past" else value
    response = client_as("comptable").post(reverse("finance:loan-create"), data)
    assert response.status_code == 200 and not Loan.objects.exists()
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in str(errors[field]), errors
    if field == "first_due" and value == "past":
        with pytest.raises(DomainError, match="déjà remboursé"):
            finance_services.create_loan(actor=personas["comptable"], label="Prêt", lender="", principal=D(5000),
                                         annual_rate=D("3.5"), months=24, first_due=add_months(today, -25))  # fmt: skip
        assert not Loan.objects.exists()
