"""Demo books: the consequence of the demo company's operations over two fiscal years — the previous
calendar year (closed, its balances carried forward item by item) and the current one to the demo's today.

Everything is posted through the services, day after day in date order:
- sales: the sales demo's dated timeline (quotes, orders, invoices issued, payments recorded), run among
  the ledger's own entries;
- purchases: each supplier's invoices on its own 401 sub-ledger account with the matching expense and
  deductible VAT (rent to the landlord, energy, telecom, cleaning, subcontracting, stationery, fees,
  insurance), and the goods for resale restocked at each month end from what the month's invoices sold
  (purchase prices of the catalogue), paid at their terms;
- payroll (641/645 against 421/431/437), salaries paid on the last day, social charges on the 15th;
- the bank loan's instalments, the bank's monthly fees, the fixed assets and their depreciation;
- each month's CA3 declared when the month ends, in order, and its VAT paid on the 19th;
- the year-end closing with detailed à-nouveaux.
The bank statements of the last months are generated (CAMT.053) from the same bank lines, plus what only
the bank knows yet, imported through the bank service and reconciled, so the reconciliation shows no gap.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from pilote.catalog.models import Product
from pilote.contacts.demo import SUPPLIERS
from pilote.contacts.models import Contact
from pilote.core.demo import DEMO_STRUCTURE, DEMO_TODAY, FIRST_YEAR
from pilote.core.registry import demo_timelines
from pilote.ledger import analytics, assets, batch, closing, hooks, lettering, services
from pilote.ledger.models import Account, EntryLine, FiscalYear, Journal, JournalKind
from pilote.lib.dates import add_months
from pilote.lib.money import ZERO, round_eur

L = services.LineInput
RATE_20, RATE_55 = Decimal("20.00"), Decimal("5.50")
BANK_NAME = "BNP Paribas Pro"
STATEMENT_MONTHS = 3  # the last full months whose bank statements are imported
VAT_PAYMENT_DAY = 19  # the CA3's deadline in the month after the period (monthly filers: the 15th–24th)
LOAN_RATE = Decimal("0.036")

# Goods for resale: the supplier of each catalogue reference (by prefix), restocked at each month end.
GOODS_SUPPLIERS = {
    "COP-": "copiers",
    "TON-": "copiers",
    "MOB-": "furniture",
    "PAP-": "stationery",
    "IMP-": "computers",
    "LIV-": "publisher",
}
# The expense accounts each supplier's invoices may go to (the agreement test reads this).
SUPPLIER_ACCOUNTS = {
    "stationery": {"6064", "607"},
    "computers": {"607"},
    "copiers": {"607", "2183"},
    "furniture": {"607"},
    "energy": {"6061"},
    "insurance": {"616"},
    "telecom": {"626"},
    "transport": {"6242"},
    "cleaning": {"6155"},
    "accountant": {"6226"},
    "landlord": {"6132"},
    "publisher": {"607"},
    "subcontractor": {"611"},
    "garage": {"2182"},
}


@dataclass(frozen=True)
class DemoSupplierInvoice:
    """A supplier invoice of the demo's calendar, as the ledger would post it: net at `rate` (None: no VAT) on
    `account`, paid on `paid` (None: not yet)."""

    role: str
    supplier: Contact
    day: dt.date
    ref: str
    net: Decimal
    account: str
    rate: Decimal | None
    paid: dt.date | None


# Apps that run some of the demo's supplier invoices through their own documents (purchases: the order, its
# receipt, the invoice approved — which posts the AC entry — and the payment run) register a handler in
# ledger.hooks from their AppConfig.ready(); its actions run on their day, after the ledger's own entries.
supplier_invoice_handlers = hooks.supplier_invoice_handlers


def statements_start() -> dt.date:
    """The first day of the months whose bank statements the demo imports and reconciles."""
    return add_months(DEMO_TODAY.replace(day=1), -STATEMENT_MONTHS)


ACCOUNT_CODES = [
    "101",
    "1061",
    "1068",
    "120",
    "444",
    "457",
    "695",
    "164",
    "2182",
    "2183",
    "401",
    "411",
    "421",
    "431",
    "437",
    "44551",
    "44562",
    "44566",
    "512",
    "6061",
    "6064",
    "607",
    "611",
    "6132",
    "6155",
    "616",
    "6226",
    "6242",
    "626",
    "627",
    "641",
    "645",
    "661",
]


def _last_day(year: int, month: int) -> dt.date:
    return add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)


def _months(start: dt.date, end: dt.date):
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = add_months(month, 1)


class Books:
    """The demo accountant's desk: accounts, journals, supplier accounts and the entries waiting for their
    day (posted in date order, a day's entries in one batch through `batch.post_many`)."""

    def __init__(self, actor, rng: random.Random, users: dict):
        self.actor, self.rng, self.users = actor, rng, users
        self.a = {acc.code: acc for acc in Account.objects.filter(code__in=ACCOUNT_CODES)}
        self.j = {journal.code: journal for journal in Journal.objects.all()}
        self.suppliers = {role: Contact.objects.get(name=name) for role, name in SUPPLIERS.items()}
        self.aux = {
            role: services.auxiliary_for_contact(actor=actor, contact=contact, control_code="401")
            for role, contact in self.suppliers.items()
        }
        self.planned: dict[dt.date, list[batch.EntrySpec]] = defaultdict(list)
        self.actions: dict[dt.date, list[Callable]] = defaultdict(list)  # other apps' (supplier_invoice_handlers)

    def plan(self, day: dt.date, journal: str, label: str, ref: str, lines: list) -> None:
        if day <= DEMO_TODAY:
            self.planned[day].append(batch.EntrySpec(self.j[journal], day, label, lines, ref, day))

    def post_day(self, day: dt.date) -> None:
        specs = self.planned.pop(day, [])
        if specs:
            batch.post_many(actor=self.actor, specs=specs)
        for action in self.actions.pop(day, []):
            action()

    # --- Purchases -----------------------------------------------------------------------------------

    def supplier_invoice(
        self, role: str, day: dt.date, ref: str, net: Decimal, account: str, *, rate=RATE_20, paid: dt.date | None
    ) -> bool:
        """A supplier's invoice on its own account (expense + deductible VAT), and its payment on `paid`; True
        when another app took it (`supplier_invoice_handlers`)."""
        net = round_eur(net)
        invoice = DemoSupplierInvoice(role, self.suppliers[role], day, ref, net, account, rate or None, paid)
        for handler in supplier_invoice_handlers:
            actions = handler(invoice, self.users)
            if actions is not None:
                for when, action in actions:
                    if when <= DEMO_TODAY:
                        self.actions[when].append(action)
                return True
        vat = round_eur(net * rate / 100) if rate else ZERO
        name = self.suppliers[role].name
        vat_account = "44562" if account.startswith("2") else "44566"
        lines = [L(self.a[account], debit=net, label=f"{name} {ref}")]
        if vat:
            lines.append(L(self.a[vat_account], debit=vat, vat_rate=rate, vat_base=net, label=f"TVA {name} {ref}"))
        lines.append(L(self.a["401"], credit=net + vat, auxiliary=self.aux[role], reference=ref, label=f"{name} {ref}"))
        self.plan(day, "AC", f"Facture {name} {ref}", ref, lines)
        if paid is not None:
            self.plan(
                paid,
                "BQ",
                f"Règlement {name} {ref}",
                ref,
                [
                    L(self.a["401"], debit=net + vat, auxiliary=self.aux[role], reference=ref),
                    L(self.a["512"], credit=net + vat),
                ],
            )
        return False

    def monthly_overheads(self, month: dt.date) -> None:
        rng, y, m = self.rng, month.year, month.month
        end = _last_day(y, m)
        stamp = f"{y}{m:02d}"
        self.supplier_invoice(
            "landlord", month, f"QUITT-{stamp}", Decimal("5200.00"), "6132", paid=month + dt.timedelta(days=4)
        )
        winter = m in (1, 2, 3, 11, 12)
        energy = Decimal(rng.randint(95_000 if winter else 52_000, 140_000 if winter else 78_000)) / 100
        self.supplier_invoice(
            "energy", month + dt.timedelta(days=7), f"EVR{stamp}", energy, "6061", paid=month + dt.timedelta(days=21)
        )
        telecom = Decimal(rng.randint(46_000, 52_000)) / 100
        self.supplier_invoice(
            "telecom", month + dt.timedelta(days=2), f"TSP-{stamp}", telecom, "626", paid=month + dt.timedelta(days=17)
        )
        self.supplier_invoice("cleaning", end, f"NC{stamp}", Decimal("780.00"), "6155", paid=add_months(end, 1))
        stationery = Decimal(rng.randint(9_000, 42_000)) / 100
        day = month + dt.timedelta(days=rng.randint(5, 20))
        self.supplier_invoice(
            "stationery",
            day,
            f"PD-{stamp}-{rng.randint(100, 999)}",
            stationery,
            "6064",
            paid=day + dt.timedelta(days=30),
        )
        if rng.random() < 0.6:  # copier servicing subcontracted when the technicians are overbooked
            day = month + dt.timedelta(days=rng.randint(8, 24))
            self.supplier_invoice(
                "subcontractor",
                day,
                f"MTR-{stamp}",
                Decimal(rng.randint(90_000, 260_000)) / 100,
                "611",
                paid=day + dt.timedelta(days=30),
            )
        if m % 3 == 0:  # quarterly: the chartered accountant
            self.supplier_invoice(
                "accountant", end, f"HON-{y}-T{m // 3}", Decimal("2650.00"), "6226", paid=add_months(end, 1)
            )
        if m % 3 == 1:  # quarterly insurance premium, no VAT
            self.supplier_invoice(
                "insurance",
                month,
                f"AMC-{y}-T{m // 3 + 1}",
                Decimal("1920.00"),
                "616",
                rate=None,
                paid=month + dt.timedelta(days=9),
            )

    def restock(self, month: dt.date) -> None:
        """Month end: the goods the month's invoices sold, bought back from their suppliers at catalogue
        purchase prices (one invoice per supplier), and the deliveries' transport; paid 45 days end of month."""
        from pilote.sales.models import InvoiceKind, InvoiceLine, InvoiceStatus

        end = _last_day(month.year, month.month)
        sold = InvoiceLine.objects.filter(
            invoice__status=InvoiceStatus.ISSUED,
            invoice__kind=InvoiceKind.INVOICE,
            invoice__date__range=(month, end),
            product__purchase_price__isnull=False,
        ).values_list("product__reference", "product__purchase_price", "product__vat_rate", "quantity")
        costs: dict[tuple[str, Decimal], Decimal] = defaultdict(lambda: ZERO)
        goods = ZERO
        for reference, price, rate, quantity in sold:
            role = next(role for prefix, role in GOODS_SUPPLIERS.items() if reference.startswith(prefix))
            costs[(role, Decimal(rate))] += price * quantity
            goods += price * quantity
        due = end + dt.timedelta(days=45)
        for (role, rate), cost in sorted(costs.items()):
            ref = f"{role[:3].upper()}-{month:%Y%m}-{'55' if rate == RATE_55 else '20'}"
            self.supplier_invoice(role, end, ref, cost, "607", rate=rate, paid=due)
        if goods:
            self.supplier_invoice(
                "transport", end, f"TE69-{month:%Y%m}", goods * Decimal("0.025"), "6242", paid=add_months(end, 1)
            )

    # --- Payroll, loan, bank ---------------------------------------------------------------------------

    def payroll(self, month: dt.date) -> None:
        """18 employees: gross pay, employee and employer contributions; net pay transferred on the last
        day, contributions paid to the URSSAF (431) and the pension and provident bodies (437) on the 15th."""
        end = _last_day(month.year, month.month)
        gross = Decimal("44500.00") + Decimal(self.rng.randint(0, 200_000)) / 100
        if month.month == 12:
            gross += Decimal("9000.00")  # year-end bonuses
        urssaf = round_eur(gross * Decimal("0.13")) + round_eur(gross * Decimal("0.27"))
        pensions = round_eur(gross * Decimal("0.09")) + round_eur(gross * Decimal("0.12"))
        employee = round_eur(gross * Decimal("0.13")) + round_eur(gross * Decimal("0.09"))
        employer = urssaf + pensions - employee
        net = gross - employee
        stamp = f"{month:%m/%Y}"
        ref = f"PAIE{month:%Y%m}"
        self.plan(
            end,
            "OD",
            f"Salaires {stamp}",
            ref,
            [
                L(self.a["641"], debit=gross),
                L(self.a["645"], debit=employer),
                L(self.a["421"], credit=net),
                L(self.a["431"], credit=urssaf),
                L(self.a["437"], credit=pensions),
            ],
        )
        self.plan(
            end,
            "BQ",
            f"Virement des salaires {stamp}",
            ref,
            [L(self.a["421"], debit=net), L(self.a["512"], credit=net)],
        )
        paid = add_months(month, 1) + dt.timedelta(days=14)
        self.plan(
            paid,
            "BQ",
            f"URSSAF {stamp}",
            f"URSSAF{month:%Y%m}",
            [L(self.a["431"], debit=urssaf), L(self.a["512"], credit=urssaf)],
        )
        self.plan(
            paid,
            "BQ",
            f"Retraite et prévoyance {stamp}",
            f"RETR{month:%Y%m}",
            [L(self.a["437"], debit=pensions), L(self.a["512"], credit=pensions)],
        )

    def loan(self, month: dt.date, outstanding: Decimal) -> Decimal:
        capital = Decimal("1500.00")
        interest = round_eur(outstanding * LOAN_RATE / 12)
        self.plan(
            month + dt.timedelta(days=4),
            "BQ",
            f"Échéance prêt {month:%m/%Y}",
            f"PRET{month:%Y%m}",
            [
                L(self.a["164"], debit=capital),
                L(self.a["661"], debit=interest),
                L(self.a["512"], credit=capital + interest),
            ],
        )
        return outstanding - capital

    def bank_fees(self, month: dt.date) -> Decimal:
        return Decimal(self.rng.randint(3_800, 5_600)) / 100

    def book_fees(self, month: dt.date, fees: Decimal) -> None:
        end = _last_day(month.year, month.month)
        self.plan(
            end,
            "BQ",
            f"Frais bancaires {month:%m/%Y}",
            f"FRAIS{month:%Y%m}",
            [L(self.a["627"], debit=fees), L(self.a["512"], credit=fees)],
        )

    # --- VAT ------------------------------------------------------------------------------------------

    def declare_vat(self, month: dt.date) -> None:
        """The month's CA3, declared once the month is over (in order), and its VAT paid at the deadline."""
        from pilote.ledger import vat

        end = _last_day(month.year, month.month)
        returned = vat.confirm_ca3(actor=self.actor, start=month, end=end)
        due = Decimal(returned.boxes["32"])
        if due:
            self.plan(
                add_months(month, 1).replace(day=VAT_PAYMENT_DAY),
                "BQ",
                f"TVA {month:%m/%Y}",
                f"CA3-{end:%Y%m}",
                [L(self.a["44551"], debit=due), L(self.a["512"], credit=due)],
            )


# The one invoice of the previous tool still unpaid when Pilote took over: contested by its customer, it is kept
# out of dunning (receivables demo) and carried forward from year to year on the customer's account.
OLD_INVOICE = {"number": f"FA{FIRST_YEAR - 1}-0412", "amount": Decimal("1836.00")}


def old_invoice_customer() -> Contact:
    return Contact.objects.filter(is_customer=True, kind="organisation").order_by("pk").first()


def _opening(books: Books) -> None:
    """The books taken over on the first day: the bank, the laptops, the capital, the loan, the reserves, and the
    one old customer invoice still open (in dispute)."""
    a, day = books.a, dt.date(FIRST_YEAR, 1, 1)
    old = [L(a["1068"], credit=Decimal("163000.00"))]
    customer = old_invoice_customer()
    if customer is not None:
        issued, due = dt.date(FIRST_YEAR - 1, 11, 14), dt.date(FIRST_YEAR - 1, 12, 14)
        aux = services.auxiliary_for_contact(actor=books.actor, contact=customer, control_code="411")
        old = [
            L(a["411"], debit=OLD_INVOICE["amount"], auxiliary=aux, reference=OLD_INVOICE["number"], due_date=due,
              label=f"Facture {OLD_INVOICE['number']} du {issued:%d/%m/%Y}"),
            L(a["1068"], credit=Decimal("163000.00") + OLD_INVOICE["amount"]),
        ]  # fmt: skip
    books.plan(
        day,
        "AN",
        "À-nouveaux de reprise",
        f"AN{FIRST_YEAR}",
        [
            L(a["512"], debit=Decimal("285000.00")),
            L(a["2183"], debit=Decimal("18000.00")),
            L(a["101"], credit=DEMO_STRUCTURE["share_capital"]),
            L(a["164"], credit=Decimal("90000.00")),
            *old,
        ],
    )


def _assets(books: Books) -> None:
    """The laptops (taken over), the copier and the van bought from their suppliers."""

    def register(reference, label, code, day, cost, years, supplier="", method="linear"):
        assets.register_asset(
            actor=books.actor,
            reference=reference,
            label=label,
            account=books.a[code],
            acquisition_date=day,
            cost=Decimal(cost),
            years=years,
            method=method,
            supplier=supplier,
        )

    register(
        f"INV-{FIRST_YEAR}-01", "Ordinateurs portables (8 postes)", "2183", dt.date(FIRST_YEAR, 1, 1), "18000.00", 3
    )
    copier, van = dt.date(FIRST_YEAR, 6, 16), dt.date(FIRST_YEAR + 1, 3, 2)
    register(
        f"INV-{FIRST_YEAR}-02",
        "Copieur couleur grand format",
        "2183",
        copier,
        "9600.00",
        5,
        books.suppliers["copiers"].name,
        "declining",
    )
    books.supplier_invoice(
        "copiers", copier, f"CAS-{FIRST_YEAR}-0612", Decimal("9600.00"), "2183", paid=copier + dt.timedelta(days=30)
    )
    if van <= DEMO_TODAY:
        taken = books.supplier_invoice(
            "garage", van, f"GUR-{van.year}-031", Decimal("24500.00"), "2182", paid=van + dt.timedelta(days=10)
        )
        if not taken:  # else the invoice's approval registered it
            register(
                f"INV-{van.year}-01", "Véhicule utilitaire", "2182", van, "24500.00", 5, books.suppliers["garage"].name
            )


def load(rng: random.Random, users: dict) -> None:
    from pilote.ledger import bank

    actor = users["comptable"]
    services.open_fiscal_year(
        actor=actor, start_date=dt.date(FIRST_YEAR + 1, 1, 1), end_date=dt.date(FIRST_YEAR + 1, 12, 31)
    )
    # The bank account behind journal BQ exists from the start (created with the books from the structure's
    # IBAN): other domains' payments land on it.
    if not bank.BankAccount.objects.filter(iban=DEMO_STRUCTURE["iban"]).update(name=BANK_NAME):
        bank.create_bank_account(actor=actor, name=BANK_NAME, iban=DEMO_STRUCTURE["iban"], journal_code="BQ")
    books = Books(actor, rng, users)
    _opening(books)
    _assets(books)
    first = dt.date(FIRST_YEAR, 1, 1)
    statements_from = statements_start()
    fees: dict[dt.date, Decimal] = {}
    outstanding = Decimal("90000.00")
    for month in _months(first, DEMO_TODAY):
        books.monthly_overheads(month)
        books.payroll(month)
        outstanding = books.loan(month, outstanding)
        fees[month] = books.bank_fees(month)
        if month < add_months(DEMO_TODAY.replace(day=1), -1):  # the last month's fees: on the statement only
            books.book_fees(month, fees[month])

    timeline: dict[dt.date, list] = defaultdict(list)
    for build in demo_timelines():  # other domains' dated activity (quotes, invoices, payments…)
        for day, _label, action in build(rng, users):
            timeline[day].append(action)

    day = first
    while day <= DEMO_TODAY:
        if day.day == 1 and day > first:
            month = add_months(day, -1)
            books.restock(month)
            books.post_day(_last_day(month.year, month.month))  # the month end's purchases
            books.declare_vat(month)
            if day.month == 1:
                _close_year(books, FiscalYear.objects.get(start_date=dt.date(day.year - 1, 1, 1)))
        books.post_day(day)
        for action in timeline.pop(day, []):
            action()
        day += dt.timedelta(days=1)
    lettering.auto_letter(actor=actor, account=books.a["401"])  # the sales payments letter their invoices
    _bank_statements(books, statements_from, fees)


def _close_year(books: Books, year: FiscalYear) -> None:
    """Year end: depreciation, corporate income tax, lettering, then the real closing (detailed à-nouveaux
    into the next year); next year, the tax is paid (balance in May, instalments each quarter) and the
    general meeting of June allots the profit (legal reserve, dividends paid at the end of June)."""
    from django.db.models import Sum

    from pilote.core.registry import demo_year_end_steps

    a, end = books.a, year.end_date
    for step in demo_year_end_steps():  # other domains' year-end entries (the stock change)
        step(books.users, year)
    assets.post_depreciation(actor=books.actor, year=year)
    totals = EntryLine.objects.filter(fiscal_year=year, is_posted=True, account__code__regex=r"^[67]").aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    before_tax = (totals["c"] or ZERO) - (totals["d"] or ZERO)
    tax = ZERO
    if before_tax > 0:  # 15 % up to 42 500 €, 25 % beyond (CGI art. 219)
        tax = round_eur(
            min(before_tax, Decimal("42500")) * Decimal("0.15") + max(before_tax - 42500, ZERO) * Decimal("0.25")
        )
        services.create_entry(
            actor=books.actor,
            journal=books.j["OD"],
            date=end,
            label=f"Impôt sur les sociétés {end:%Y}",
            piece_ref=f"IS{end:%Y}",
            lines=[L(a["695"], debit=tax), L(a["444"], credit=tax)],
            post=True,
        )
    lettering.auto_letter(actor=books.actor, account=a["401"])  # the sales payments letter their invoices
    closing.close_fiscal_year(actor=books.actor, year=year)
    following = end.year + 1
    if tax:
        books.plan(
            dt.date(following, 5, 15),
            "BQ",
            f"Solde IS {end:%Y}",
            f"IS{end:%Y}",
            [L(a["444"], debit=tax), L(a["512"], credit=tax)],
        )
        instalment = round_eur(tax / 4)
        for month in (3, 6, 9, 12):
            books.plan(
                dt.date(following, month, 15),
                "BQ",
                f"Acompte IS {following} n° {month // 3}",
                f"IS{following}-{month // 3}",
                [L(a["444"], debit=instalment), L(a["512"], credit=instalment)],
            )
    profit = before_tax - tax
    if profit > 0:
        reserve = min(round_eur(profit * Decimal("0.05")), DEMO_STRUCTURE["share_capital"] / 10)
        dividends = (profit * Decimal("0.4")).quantize(Decimal("1000"))
        books.plan(
            dt.date(following, 6, 20),
            "OD",
            f"Affectation du résultat {end:%Y} (AG du 20/06/{following})",
            f"AG{following}",
            [
                L(a["120"], debit=profit),
                L(a["1061"], credit=reserve),
                L(a["457"], credit=dividends),
                L(a["1068"], credit=profit - reserve - dividends),
            ],
        )
        books.plan(
            dt.date(following, 6, 30),
            "BQ",
            f"Dividendes {end:%Y}",
            f"AG{following}",
            [L(a["457"], debit=dividends), L(a["512"], credit=dividends)],
        )


# --- Bank statements ---------------------------------------------------------------------------------


def bank_balance_before(account: Account, day: dt.date) -> Decimal:
    """The books' balance of `account` at the start of `day`, within the fiscal year holding that day
    (its à-nouveaux included, so an earlier year is not counted twice)."""
    from django.db.models import Q, Sum

    year = FiscalYear.objects.get(start_date__lte=day, end_date__gte=day)
    totals = EntryLine.objects.filter(
        Q(date__lt=day) | Q(entry__journal__kind=JournalKind.OPENING),
        account=account,
        fiscal_year=year,
        is_posted=True,
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    return (totals["d"] or ZERO) - (totals["c"] or ZERO)


def _bank_statements(books: Books, start: dt.date, fees: dict[dt.date, Decimal]) -> None:
    """The bank's monthly statements from `start` to the last full month, generated from the books' own bank
    lines (the same movements, same dates) plus what only the bank has seen yet — the last month's fees and
    a customer's transfer not booked — imported as CAMT.053 and reconciled, all but the second half of the
    last month (left for the accountant to do)."""
    from pilote.ledger import bank
    from pilote.sales.models import Invoice, InvoiceStatus

    account = bank.BankAccount.objects.get(journal__code="BQ")
    last_month = add_months(DEMO_TODAY.replace(day=1), -1)
    balance = bank_balance_before(account.account, start)
    for month in _months(start, last_month):
        end = _last_day(month.year, month.month)
        booked = list(
            EntryLine.objects.filter(account=account.account, is_posted=True, date__range=(month, end))
            .exclude(entry__journal__kind=JournalKind.OPENING)
            .select_related("entry")
            .order_by("date", "id")
        )
        movements = [(line.date, line.debit - line.credit, line.entry.label, line.entry.piece_ref) for line in booked]
        if month == last_month:
            movements.append((end, -fees[month], "FRAIS TENUE DE COMPTE ET COMMISSIONS", f"FRAIS{month:%Y%m}"))
            paid_early = (
                Invoice.objects.filter(status=InvoiceStatus.ISSUED, date__lt=month + dt.timedelta(days=10))
                .filter(due_date__gt=end, amount_paid=0)
                .select_related("customer")
                .order_by("date", "pk")
                .first()
            )
            if paid_early is not None:  # paid before its due date: the bank has it, the books not yet
                movements.append(
                    (
                        end - dt.timedelta(days=3),
                        paid_early.balance_due,
                        f"VIR SEPA RECU /DE {paid_early.customer.name.upper()} /MOTIF {paid_early.number}",
                        paid_early.number,
                    )
                )
        closing_balance = balance + sum((amount for _, amount, _, _ in movements), ZERO)
        data = camt053(account.iban, month, end, balance, closing_balance, movements)
        summary = bank.import_statement(
            actor=books.actor, bank_account=account, data=data, filename=f"releve-{month:%Y-%m}.xml"
        )
        lines = list(summary.statement.lines.order_by("id")) if summary.statement else []
        for statement_line, line in zip(lines, booked, strict=False):
            if month < last_month or line.date.day <= 15:
                bank.reconcile(actor=books.actor, statement_line=statement_line, entry_line=line)
        balance = closing_balance


def camt053(iban: str, start: dt.date, end: dt.date, opening: Decimal, closing: Decimal, movements) -> bytes:
    """A camt.053.001.02 statement as the bank sends it."""

    def balance(code: str, amount: Decimal, day: dt.date) -> str:
        side = "CRDT" if amount >= 0 else "DBIT"
        return (
            f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{abs(amount):.2f}</Amt>'
            f"<CdtDbtInd>{side}</CdtDbtInd><Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>"
        )

    entries = []
    for number, (day, amount, label, ref) in enumerate(movements, 1):
        side = "CRDT" if amount >= 0 else "DBIT"
        entries.append(
            f'<Ntry><Amt Ccy="EUR">{abs(amount):.2f}</Amt><CdtDbtInd>{side}</CdtDbtInd><Sts>BOOK</Sts>'
            f"<BookgDt><Dt>{day.isoformat()}</Dt></BookgDt><ValDt><Dt>{day.isoformat()}</Dt></ValDt>"
            f"<AcctSvcrRef>BQ{day:%Y%m%d}-{number:04d}</AcctSvcrRef>"
            f"<NtryDtls><TxDtls><Refs><EndToEndId>{escape(ref or 'NOTPROVIDED')}</EndToEndId></Refs>"
            f"<RmtInf><Ustrd>{escape(ref)}</Ustrd></RmtInf></TxDtls></NtryDtls>"
            f"<AddtlNtryInf>{escape(label.upper())}</AddtlNtryInf></Ntry>"
        )
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>CAMT053-{end:%Y%m%d}</MsgId><CreDtTm>{end.isoformat()}T23:00:00+01:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>REL-{start:%Y-%m}</Id><ElctrncSeqNb>{start.month}</ElctrncSeqNb>"
        f"<FrToDt><FrDtTm>{start.isoformat()}T00:00:00+01:00</FrDtTm><ToDtTm>{end.isoformat()}T23:59:59+01:00</ToDtTm></FrToDt>"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        f"{balance('OPBD', opening, start)}{balance('CLBD', closing, end)}"
        f"{''.join(entries)}</Stmt></BkToCstmrStmt></Document>"
    )
    return document.encode()


# Analytic set-up, loaded before the books (order 25, after the catalogue) so every posting of the demo is
# distributed through the ledger's own paths: sales by their articles' defaults, purchases and payroll by their
# accounts'.
ACTIVITIES = [("NEGOCE", "Vente de matériel"), ("MAINT", "Maintenance et services"), ("CONSEIL", "Audit et formation")]
ARTICLE_ACTIVITY = {"MNT-": "MAINT", "INS-": "MAINT", "CLIC-": "MAINT", "AUD-": "CONSEIL", "FOR-": "CONSEIL"}
ACCOUNT_ACTIVITY = {
    "607": {"NEGOCE": 100},
    "6064": {"NEGOCE": 40, "MAINT": 40, "CONSEIL": 20},
    "611": {"MAINT": 70, "CONSEIL": 30},
    "6242": {"NEGOCE": 80, "MAINT": 20},
    "641": {"NEGOCE": 30, "MAINT": 50, "CONSEIL": 20},
    "645": {"NEGOCE": 30, "MAINT": 50, "CONSEIL": 20},
    "6132": {"NEGOCE": 50, "MAINT": 30, "CONSEIL": 20},
}
CENTRES = [
    ("ADM", "Administration", "auxiliary"),
    ("ENT", "Entretien et informatique", "auxiliary"),
    ("APP", "Approvisionnement", "main"),
    ("ATL", "Atelier technique", "main"),
    ("DIS", "Distribution", "main"),
]
ACCOUNT_CENTRE = {
    "6061": {"ADM": 30, "ATL": 70},
    "6132": {"ADM": 30, "APP": 20, "ATL": 35, "DIS": 15},
    "6155": {"ENT": 100},
    "616": {"ADM": 100},
    "6226": {"ADM": 100},
    "626": {"ADM": 50, "ENT": 50},
    "627": {"ADM": 100},
    "641": {"ADM": 20, "ENT": 10, "APP": 10, "ATL": 45, "DIS": 15},
    "645": {"ADM": 20, "ENT": 10, "APP": 10, "ATL": 45, "DIS": 15},
}


def load_analytic(rng, users) -> None:
    actor = users["comptable"]
    activity = analytics.create_axis(actor=actor, code="ACT", label="Activité", position=1)
    act = {
        code: analytics.create_section(actor=actor, axis=activity, code=code, label=label) for code, label in ACTIVITIES
    }
    centres = analytics.create_axis(actor=actor, code="CENTRE", label="Centres d'analyse", position=2)
    ctr = {
        code: analytics.create_section(actor=actor, axis=centres, code=code, label=label, kind=kind)
        for code, label, kind in CENTRES
    }
    accounts = {a.code: a for a in Account.objects.filter(code__in=[*ACCOUNT_ACTIVITY, *ACCOUNT_CENTRE])}
    for axis, sections, table in ((activity, act, ACCOUNT_ACTIVITY), (centres, ctr, ACCOUNT_CENTRE)):
        for code, shares in table.items():
            if code in accounts:
                analytics.set_defaults(
                    actor=actor, axis=axis, account=accounts[code],
                    shares=[(sections[s], Decimal(p)) for s, p in shares.items()],
                )  # fmt: skip
    for product in Product.objects.all():
        section = next((s for prefix, s in ARTICLE_ACTIVITY.items() if product.reference.startswith(prefix)), "NEGOCE")
        analytics.set_defaults(actor=actor, axis=activity, product=product, shares=[(act[section], Decimal(100))])


def date_lettering(users, started: dt.datetime) -> None:
    """The demo's last step (core.registry.register_demo_finish): every matching the load made — its services
    letter at the moment they run, so every one was dated the load moment — dated at noon (Paris) of the booking
    day of its latest line, as an accountant lettering as she goes (the bench does the same:
    `ledger_bench.letter_settled`), never later than now; the matchings' dates and the lines' copies kept by
    `lettering.date_lettering`. An aged balance at a past date then shows what was open that day, not every invoice
    paid since (and its payment as a credit in another bucket), and the FEC's DateLet is the day of the payment."""
    from django.db.models import Max
    from django.utils import timezone

    from pilote.ledger.models import Matching

    now = timezone.now()
    made = Matching.objects.filter(created_at__gte=started).annotate(last=Max("items__line__date"))
    pks, moments = [], defaultdict(list)
    for pk, last in made.values_list("pk", "last"):
        pks.append(pk)
        if last is not None:
            moments[min(lettering.noon(last), now)].append(pk)
    lettering.date_lettering(pks, moments)
