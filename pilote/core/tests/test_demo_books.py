"""The demo is a believable company: its books agree with its operations (issue 8, point 4).

The demo is loaded once for the module (`demo_loaded`, pilote/conftest.py) and each test checks one of the
agreements a newcomer or an auditor would check first."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import F, Q, Sum

from pilote.core.demo import DEMO_TODAY, FIRST_YEAR
from pilote.lib.dates import add_months
from pilote.lib.money import ZERO

pytestmark = pytest.mark.usefixtures("demo_loaded", "db")


def _balance(code: str, year, *, until: dt.date | None = None) -> Decimal:
    from pilote.ledger.models import EntryLine

    lines = EntryLine.objects.filter(is_posted=True, fiscal_year=year, account__code=code)
    if until is not None:
        lines = lines.filter(date__lte=until)
    totals = lines.aggregate(d=Sum("debit"), c=Sum("credit"))
    return (totals["d"] or ZERO) - (totals["c"] or ZERO)


def _open_year():
    from pilote.ledger.models import FiscalYear

    return FiscalYear.objects.get(start_date__lte=DEMO_TODAY, end_date__gte=DEMO_TODAY)


def _closed_months() -> list[dt.date]:
    months, month = [], dt.date(FIRST_YEAR, 1, 1)
    while month < DEMO_TODAY.replace(day=1):
        months.append(month)
        month = add_months(month, 1)
    return months


def test_books_are_balanced_and_verified():
    from pilote.ledger.verify import verify_all

    assert {check: problems for check, problems in verify_all().items() if problems} == {}


def test_previous_year_is_closed_and_carried_forward():
    from pilote.ledger.models import Entry, FiscalYear, JournalKind

    previous = FiscalYear.objects.get(start_date=dt.date(FIRST_YEAR, 1, 1))
    assert not previous.is_open
    opening = Entry.objects.get(fiscal_year=_open_year(), journal__kind=JournalKind.OPENING, status="posted")
    assert opening.lines.filter(account__code="411").exists() and opening.lines.filter(account__code="512").exists()


def test_customer_ledger_agrees_with_the_open_invoices():
    """411 + 416 in the books = what « Encours clients » shows (the open balances of the issued invoices, the
    doubtful ones included: they moved to 416, written down on 491)."""
    from pilote.ledger.demo import OLD_INVOICE
    from pilote.ledger.models import AuxiliaryAccount
    from pilote.receivables import dunning, ledger_items, queries
    from pilote.receivables.models import DoubtfulDebt

    year = _open_year()
    shown = queries.aged_totals(DEMO_TODAY, {})["total"]
    assert shown > Decimal("50000") and _balance("411", year) + _balance("416", year) == shown
    # and customer by customer, over both of its accounts (the old invoice taken over included)
    by_customer = {row["customer_id"]: row["total"] for row in queries.aged_rows(DEMO_TODAY, {}, "-total")}
    ledger: dict[int, Decimal] = {}
    for aux in AuxiliaryAccount.objects.filter(control_account__code__in=["411", "416"], contact__isnull=False):
        lines = aux.entryline_set.filter(fiscal_year=year, is_posted=True).aggregate(d=Sum("debit"), c=Sum("credit"))
        ledger[aux.contact_id] = ledger.get(aux.contact_id, ZERO) + (lines["d"] or ZERO) - (lines["c"] or ZERO)
    for contact_id, balance in ledger.items():
        assert balance == by_customer.get(contact_id, ZERO), contact_id
    # one doubtful customer, its debt on 416 and written down by half of its net amount on 491
    debt = DoubtfulDebt.objects.get()
    assert debt.provision == (debt.amount_net / 2).quantize(Decimal("0.01")) > 0
    assert _balance("416", year) == debt.amount_gross and _balance("491", year) == -debt.provision
    assert not dunning.overdue_invoices(DEMO_TODAY).filter(pk=debt.invoice_id).exists()  # no longer chased
    # the previous tool's invoice still open, contested: on its customer's account, in the totals, never chased
    [old] = ledger_items.items()
    assert (old.number, old.balance_due, old.dunning_hold.reason[:7]) == (
        OLD_INVOICE["number"], OLD_INVOICE["amount"], "Litige ")  # fmt: skip
    assert by_customer[old.customer_id] >= old.balance_due
    chased = {item.invoice.number for proposal in dunning.proposals(DEMO_TODAY) for item in proposal.items}
    assert chased and OLD_INVOICE["number"] not in chased


def _really_open(as_of: dt.date, payment_days: int = 30) -> dict[str, list[Decimal]]:
    """What each customer really owed at `as_of`, from the lines alone (never through the aged balance): per auxiliary
    code and age bucket (not due, 0–30, 31–60, 61–90, over 90 days late), its 411 lines of the open year dated by
    then that are not in a full matching all of whose lines are dated by then (settled that day or before), aged
    from their due date, else their date + 30 days — those of a partial matching from the earliest due date on the
    side of what is left."""
    from collections import defaultdict

    from django.db.models import Max

    from pilote.ledger.models import EntryLine, MatchedLine

    settled = {
        row["matching_id"]
        for row in MatchedLine.objects.filter(matching__is_partial=False)
        .order_by()
        .values("matching_id")
        .annotate(last=Max("line__date"))
        if row["last"] <= as_of
    }
    rows = EntryLine.objects.filter(
        account__code__startswith="411", auxiliary__isnull=False, is_posted=True, fiscal_year__status="open",
        date__lte=as_of,
    ).values_list("auxiliary__code", "date", "due_date", "debit", "credit", "match__matching_id",
                  "match__matching__is_partial")  # fmt: skip
    lines = [row for row in rows if row[5] not in settled]
    due = [due_date or day + dt.timedelta(days=payment_days) for _code, day, due_date, *_rest in lines]
    groups = defaultdict(list)
    for i, (*_line, matching, partial) in enumerate(lines):
        if partial:
            groups[matching].append(i)
    for members in groups.values():
        left = sum(lines[i][3] - lines[i][4] for i in members)
        side = [i for i in members if (lines[i][3] - lines[i][4] > 0) == (left > 0) and lines[i][3] != lines[i][4]]
        first = min(side or members, key=lambda i: (lines[i][2] or lines[i][1], lines[i][2] is not None))
        for i in members:
            due[i] = due[first]
    owed = defaultdict(lambda: [ZERO] * 5)
    for i, (code, _day, _due, debit, credit, *_match) in enumerate(lines):
        late = (as_of - due[i]).days
        bucket = 0 if late < 0 else 1 if late <= 30 else 2 if late <= 60 else 3 if late <= 90 else 4
        owed[code][bucket] += debit - credit
    return {code: buckets for code, buckets in owed.items() if sum(buckets)}


def test_aged_balance_at_a_past_date_shows_what_was_open_then():
    """The demo letters as an accountant lettering as she goes — each matching on the day its latest line was
    booked, not at the load moment —, so the customers' aged balance at each past month end of the open year (which
    adds back what was lettered after the date) is what was really open then: an invoice paid by then is in no
    bucket, nor its payment in another. Each lettering's day (the FEC's DateLet) is its latest line's."""
    from django.db.models import Max
    from django.utils import timezone

    from pilote.ledger.models import Matching
    from pilote.ledger.queries import aged_balance

    ends, month = [], _open_year().start_date
    while (end := add_months(month, 1) - dt.timedelta(days=1)) < DEMO_TODAY:
        ends.append(end)
        month = add_months(month, 1)
    for end in ends:
        assert {row.code: row.buckets for row in aged_balance("411", end)} == _really_open(end), end
    assert not ends or any(_really_open(end) for end in ends)
    today = timezone.localdate()
    days = Matching.objects.annotate(last=Max("items__line__date")).values_list("created_at", "last")
    assert days and all(timezone.localdate(created_at) == min(last, today) for created_at, last in days)


def test_bank_never_overdrawn_and_plausible_at_each_month_end():
    from pilote.ledger.models import FiscalYear

    for year in FiscalYear.objects.order_by("start_date"):
        month = year.start_date
        while month <= min(year.end_date, DEMO_TODAY):
            end = add_months(month, 1) - dt.timedelta(days=1)
            balance = _balance("512", year, until=end)
            assert ZERO <= balance <= Decimal("600000"), (end, balance)
            month = add_months(month, 1)


def test_latest_bank_statement_reconciles_with_no_gap():
    from pilote.ledger import bank
    from pilote.ledger.models import BankAccount, StatementImport

    account = BankAccount.objects.get()
    latest = StatementImport.objects.filter(bank_account=account).order_by("-end_date").first()
    assert latest is not None and latest.end_date >= add_months(DEMO_TODAY.replace(day=1), -1)
    for on in (latest.end_date, DEMO_TODAY):
        report = bank.reconciliation_report(account, on)
        assert report.bank_balance == latest.closing_balance and report.difference == ZERO, on
    # the statement is the bank's view of the books' own bank lines: the earlier months are all matched
    assert not account.statement_lines.filter(entry_line__isnull=True, booking_date__lt=latest.start_date).exists()


def test_a_vat_return_for_each_closed_month_declared_in_order_and_paid():
    from pilote.ledger.models import EntryLine, VatReturn

    returns = list(VatReturn.objects.order_by("period_start"))
    assert [r.period_start for r in returns] == _closed_months()
    assert [r.pk for r in returns] == sorted(r.pk for r in returns)  # declared in order
    for vat_return in returns:
        boxes = vat_return.boxes
        assert Decimal(boxes["A1"]) >= 0 and Decimal(boxes["16"]) >= 0, vat_return.period_start
        due = Decimal(boxes["32"])
        deadline = add_months(vat_return.period_start, 1).replace(day=19)
        paid = (
            EntryLine.objects.filter(
                is_posted=True, account__code="44551", debit__gt=0, entry__piece_ref=f"CA3-{vat_return.period_end:%Y%m}"
            ).aggregate(total=Sum("debit"))["total"]
            or ZERO
        )
        assert paid == (due if deadline <= DEMO_TODAY else ZERO), vat_return.period_start
    # no VAT credit piling up: each month's VAT is due and paid, what is left is the VAT not yet due
    year = _open_year()
    assert _balance("44567", year) == ZERO
    assert -_balance("44551", year) == sum(
        (Decimal(r.boxes["32"]) for r in returns if add_months(r.period_start, 1).replace(day=19) > DEMO_TODAY), ZERO
    )


def test_each_supplier_invoice_is_on_its_own_supplier_account():
    """Rent goes to the landlord, energy to the energy supplier… never to another supplier's account."""
    from pilote.contacts.demo import SUPPLIERS
    from pilote.ledger.demo import SUPPLIER_ACCOUNTS
    from pilote.ledger.models import Entry

    role_of = {name: role for role, name in SUPPLIERS.items()}
    purchases = Entry.objects.filter(journal__code="AC", status="posted").prefetch_related(
        "lines__account", "lines__auxiliary__contact"
    )
    seen = set()
    for entry in purchases:
        (supplier_line,) = [line for line in entry.lines.all() if line.account.code == "401"]
        role = role_of[supplier_line.auxiliary.contact.name]
        expenses = {line.account.code for line in entry.lines.all()} - {"401", "44566", "44562"}
        assert expenses and expenses <= SUPPLIER_ACCOUNTS[role], (entry.label, role, expenses)
        assert supplier_line.auxiliary.contact.name in entry.label
        seen.add(role)
    assert {"landlord", "energy", "telecom", "stationery", "copiers", "furniture", "subcontractor"} <= seen


def test_sizes_of_an_18_person_office_equipment_company():
    from pilote.ledger.models import FiscalYear

    previous = FiscalYear.objects.get(start_date=dt.date(FIRST_YEAR, 1, 1))
    revenue = -sum((_balance(code, previous) for code in ("706", "707")), ZERO)
    payroll = _balance("641", previous) + _balance("645", previous)
    assert Decimal("1800000") <= revenue <= Decimal("3000000")
    assert Decimal("600000") <= payroll <= Decimal("1000000")
    result = -sum((_balance(code, previous) for code in _result_accounts(previous)), ZERO)
    assert ZERO < result < revenue * Decimal("0.15")  # a modest profit


def _result_accounts(year) -> set[str]:
    from pilote.ledger.models import EntryLine

    lines = EntryLine.objects.filter(fiscal_year=year).filter(
        Q(account__code__startswith="6") | Q(account__code__startswith="7")
    )
    return set(lines.values_list("account__code", flat=True))


def test_organisations_e_mail_domains_spell_their_whole_name():
    """« contact@restaurantbellecour.fr », not a domain cut after 18 letters (« restaurantbellecou.fr »)."""
    import unicodedata

    from pilote.contacts.models import Contact

    for name, email in Contact.objects.filter(kind="organisation").values_list("name", "email"):
        squeezed = "".join(ch for ch in unicodedata.normalize("NFKD", name).lower() if ch.isascii() and ch.isalnum())
        assert email == f"contact@{squeezed}.fr", (name, email)


def test_e_reporting_of_every_period_agrees_with_the_sales():
    """Each transactions period of the demo (décades of two years) agrees with the issued invoices' own totals,
    and every issued invoice falls in exactly one place: e-reported (B2C, international) or e-invoiced."""
    from pilote.core.models import Structure
    from pilote.ereporting import datasets, services
    from pilote.ereporting.cadence import TRANSACTIONS
    from pilote.sales.models import Invoice, InvoiceStatus

    periods = [r.period for r in services.period_rows(Structure.objects.get()) if r.period.flow == TRANSACTIONS]
    assert len(periods) > 30
    for period in periods:
        data = datasets.build(period)
        assert data.agrees, (period, [c for c in data.checks if not c.agrees])
        issued = Invoice.objects.filter(status=InvoiceStatus.ISSUED, date__gte=period.start, date__lte=period.end)
        b2c = issued.filter(customer_snapshot__kind="person").count()
        assert data.domestic_count + len(data.international) + b2c == issued.count(), period
        assert sum(group.count for group in data.b2c) >= b2c  # goods and services on one invoice count twice


def test_supplier_ledger_agrees_with_the_purchases_open_invoices():
    """401 in the books = the supplier invoices approved and not yet paid in the purchases (total and supplier by
    supplier): from the statement months on the demo's supplier invoices go through the purchase cycle, ordered,
    received, approved — which posts them — and paid by SEPA runs that the bank statements reconcile."""
    from pilote.ledger.demo import statements_start
    from pilote.ledger.models import AuxiliaryAccount, StatementLine
    from pilote.purchases.models import PaymentRun, PaymentRunStatus, SupplierInvoice, SupplierInvoiceStatus

    year = _open_year()
    approved = SupplierInvoice.objects.filter(status=SupplierInvoiceStatus.APPROVED, entry__isnull=False)
    owed: dict[int, Decimal] = {}
    for invoice in approved:
        sign = -1 if invoice.is_credit_note else 1
        owed[invoice.supplier_id] = owed.get(invoice.supplier_id, ZERO) + sign * invoice.payable
    assert sum(owed.values(), ZERO) > Decimal("10000") and -_balance("401", year) == sum(owed.values(), ZERO)
    for aux in AuxiliaryAccount.objects.filter(control_account__code="401", contact__isnull=False):
        lines = aux.entryline_set.filter(fiscal_year=year, is_posted=True).aggregate(d=Sum("debit"), c=Sum("credit"))
        assert (lines["c"] or ZERO) - (lines["d"] or ZERO) == owed.get(aux.contact_id, ZERO), aux.contact
    # the cycle ran: invoices ordered and received, paid by runs executed and reconciled with the bank
    handed = SupplierInvoice.objects.filter(date__gte=statements_start(), date__lt=DEMO_TODAY.replace(day=1))
    assert handed.filter(order__isnull=False).count() >= 10
    assert handed.filter(status=SupplierInvoiceStatus.PAID).count() >= 20
    runs = PaymentRun.objects.filter(status=PaymentRunStatus.EXECUTED)
    reconciled = StatementLine.objects.filter(entry_line__entry__in=runs.values("entry"))
    before_last_month = runs.filter(execution_date__lt=add_months(DEMO_TODAY.replace(day=1), -1))
    assert runs.count() >= 10 and reconciled.count() >= before_last_month.count()
    assert all(line.amount == -line.entry_line.credit for line in reconciled.select_related("entry_line"))
    # one invoice given terms beyond the legal limit (C. com. L441-10), paid at them
    (late,) = SupplierInvoice.objects.filter(due_date__gt=F("legal_due_limit"), status=SupplierInvoiceStatus.PAID)
    assert late.notes.startswith("Échéance convenue au-delà du délai légal")


def test_the_closed_year_holds_its_stock_change_at_the_stock_value_of_its_last_day():
    """The year-end stock change entry (603x / 713, inventaire intermittent) of the closed year was posted before
    its closing, through the stock's service, and its closing stock is the stock valued at the CMUP on the year's
    last day — the stock the demo's movements give."""
    from pilote.ledger.models import Entry, FiscalYear
    from pilote.operations.queries.stock import value_by_category

    previous = FiscalYear.objects.get(start_date=dt.date(FIRST_YEAR, 1, 1))
    entry = Entry.objects.get(fiscal_year=previous, piece_ref=f"STOCK{FIRST_YEAR}", status="posted")
    values = value_by_category(previous.end_date)
    assert values.get("goods", ZERO) > 0
    closing = {line.account.code: line.debit for line in entry.lines.select_related("account") if line.debit
               and line.label.startswith("Stock final")}  # fmt: skip
    accounts = {"goods": "370", "materials": "310", "products": "355"}
    assert closing == {accounts[category]: value for category, value in values.items() if value}
    assert entry.lines.get(account__code="6037", label__startswith="Stock final").credit == values["goods"]
    assert _balance("370", _open_year(), until=_open_year().start_date) == values["goods"]  # carried forward


def test_the_customer_projects_budget_against_actual_reads_their_expenses_in_the_books():
    """The projects' sections hold their income and their expenses: the goods their invoices sold (their part of
    the month-end supplier invoice) and the staff's time (their hours' share of the month's payroll), each
    payroll line split whole between the projects and « Hors projets »."""
    from pilote.ledger.models import AnalyticLine
    from pilote.projects.models import Project
    from pilote.projects.queries import budget_comparison

    copiers = Project.objects.get(analytic_section__code="COPIEURS")
    rows = {row.nature: row for row in budget_comparison(copiers).rows}
    assert rows["staff"].actual > 0 and rows["staff"].budget == Decimal("2500.00")
    network = Project.objects.get(analytic_section__code="RESEAU")
    rows = {row.nature: row for row in budget_comparison(network).rows}
    assert rows["income"].actual > 0 and rows["purchases"].actual > 0
    for line_id in AnalyticLine.objects.filter(section__code="COPIEURS").values_list("line_id", flat=True):
        shares = AnalyticLine.objects.filter(line_id=line_id, axis__code="PROJETS").values_list("percent", flat=True)
        assert sum(shares) == 100
