"""The e-reporting data sets of a period, built from the operations Pilote already holds (never re-typed).

Sources: DGFiP, « Spécifications externes de la facturation électronique », dossier général v3.x §2.3 and
§3.7 (e-reporting), annexe 6 (format sémantique FE e-reporting: blocks TG-8, TG-31, TG-34, TG-37), and CGI
art. 290 and 290 A (transaction and payment data). In Pilote's words:

- **Transactions** (flux 10.1 and 10.3), dated by the invoice date:
  - sales to private customers (B2C, the contact is a « Particulier »): aggregated per day, per category
    (TLB1 goods subject to VAT, TPS1 services subject to VAT, TNT1 operations not taxable in France — exports,
    intra-EU supplies, services outside the scope of French VAT) and per VAT rate (flux 10.3, TG-31/TG-32);
    a credit note counts negative on its own date. TMA1 (margin scheme, CGI 297 A) never occurs: Pilote has
    no margin-scheme sale;
  - sales to businesses not established in France (the customer's country is neither France nor Monaco,
    which shares the French VAT territory): invoice by invoice (flux 10.1, TG-8), credit notes as type 381.
  Sales to businesses established in France are e-invoiced (flux 2), not e-reported: they are only counted.
- **Payments** (flux 10.2 and 10.4), dated by the payment date: what was collected on invoices whose VAT is
  due on collection (services under « TVA sur les encaissements », CGI 269-2-c), per VAT rate, read from the
  bank or cash entry that collected it (the 44588 → 44571 transfer that a customer payment, or a payment on a
  doubtful debt, posts with its base and the invoice's number). An old invoice of the previous tool classed doubtful
  has no sales Invoice to say its regime: its receipts are found by their bank entry (receivables.bad_debts.
  taken_over_receipts: on « encaissements » only), with the old invoice's number and date, its customer as now: invoice
  by invoice for the international ones (10.2, TG-34), aggregated per day for B2C (10.4, TG-37). Payments of
  domestic B2B services are not e-reported: the platform transmits them as the « Encaissée » status of the
  e-invoice's life cycle (flux 6).

Pilote has no till receipts (tickets de caisse) yet: B2C sales are its invoices to private customers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from pilote.ereporting.cadence import PAYMENTS, TRANSACTIONS, Period
from pilote.ledger.models import EntryLine, JournalKind
from pilote.lib.money import ZERO, split_amount
from pilote.sales import totals
from pilote.sales.models import Invoice, InvoiceKind, InvoiceStatus, OperationNature

B2C, INTERNATIONAL, DOMESTIC = "b2c", "international", "domestic"
FRENCH_VAT_TERRITORY = {"FR", "MC"}  # Monaco belongs to the French VAT territory (CGI art. 256 and 258)

GOODS_TAXED, SERVICES_TAXED, NOT_TAXED_IN_FRANCE, MARGIN = "TLB1", "TPS1", "TNT1", "TMA1"
CATEGORY_LABELS = {
    GOODS_TAXED: "Livraisons de biens soumises à la TVA",
    SERVICES_TAXED: "Prestations de services soumises à la TVA",
    NOT_TAXED_IN_FRANCE: "Opérations non taxables en France",
    MARGIN: "Opérations sous le régime de la marge",
}
# EN 16931 categories of a sale whose place of taxation is not France (export, intra-EU supply, service to a
# business outside the EU, reverse charge): TNT1 in the B2C aggregate.
NOT_TAXED_CATEGORIES = {"G", "K", "O", "AE"}

# UNTDID 1001 document types (TT-21), as on the Factur-X of the same invoice.
TYPE_CODES = {InvoiceKind.INVOICE: "380", InvoiceKind.DEPOSIT: "386", InvoiceKind.CREDIT_NOTE: "381"}
# Cadre de facturation (TT-28, BT-23 of the e-invoice): B goods, S services, M both; 1 an invoice to be
# paid, 4 a final invoice after deposits (annexe 7, « cadres de facturation »).
CADRE_LETTERS = {OperationNature.GOODS: "B", OperationNature.SERVICES: "S", OperationNature.MIXED: "M"}


def scope_of(invoice: Invoice) -> str:
    """B2C, INTERNATIONAL or DOMESTIC, from the customer as frozen on the invoice at issue."""
    customer = invoice.customer_snapshot or {}
    return _scope(customer.get("kind"), customer.get("country"))


def _scope(kind: str | None, country: str | None) -> str:
    if kind == "person":
        return B2C
    if (country or "FR") not in FRENCH_VAT_TERRITORY:
        return INTERNATIONAL
    return DOMESTIC


@dataclass(frozen=True)
class Collected:
    """The document a payment collected VAT on: a Pilote invoice, or an old invoice of the previous tool."""

    number: str
    date: dt.date
    customer_name: str
    scope: str


@dataclass(frozen=True)
class Part:
    """A share of an invoice: one kind (goods / service), one VAT category, rate and mention."""

    kind: str
    category: str
    rate: Decimal
    mention: str
    base: Decimal
    tax: Decimal


def invoice_parts(invoice: Invoice, lines) -> list[Part]:
    """The invoice's VAT groups (EN 16931: VAT once per rate on the summed nets, as printed) split between
    goods and services in proportion to their nets, as issuing._vat_split posts them; amounts positive."""
    result = totals.compute_totals(
        totals.PricedLine(line.net_amount, line.rate, line.exemption_mention) for line in lines
    )
    parts = []
    for group in result.groups:
        same = [
            line
            for line in lines
            if totals.vat_category(line.rate, line.exemption_mention) == group.category
            and line.rate.quantize(Decimal("0.01")) == group.rate
            and (line.exemption_mention if group.category != "S" else "") == group.exemption_mention
        ]
        services = sum((line.net_amount for line in same if line.kind == "service"), ZERO)
        goods = group.base - services
        shares = [(kind, base) for kind, base in (("goods", goods), ("service", services)) if base]
        if not shares:
            continue
        taxes = split_amount(group.amount, [base for _, base in shares]) if len(shares) > 1 else [group.amount]
        for (kind, base), tax in zip(shares, taxes, strict=True):
            parts.append(Part(kind, group.category, group.rate, group.exemption_mention, base, tax))
    return parts


def b2c_category(part: Part) -> str:
    if part.category in NOT_TAXED_CATEGORIES:
        return NOT_TAXED_IN_FRANCE
    return SERVICES_TAXED if part.kind == "service" else GOODS_TAXED


@dataclass
class RateAmount:
    rate: Decimal
    base: Decimal = ZERO
    tax: Decimal = ZERO

    @property
    def gross(self) -> Decimal:
        return self.base + self.tax


@dataclass
class B2cGroup:
    """One line of flux 10.3: a day, a category, its totals and its amounts per rate (TG-31/TG-32)."""

    day: dt.date
    category: str
    count: int = 0
    rates: dict[Decimal, RateAmount] = field(default_factory=dict)

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS[self.category]

    @property
    def base(self) -> Decimal:
        return sum((r.base for r in self.rates.values()), ZERO)

    @property
    def tax(self) -> Decimal:
        return sum((r.tax for r in self.rates.values()), ZERO)

    @property
    def rate_list(self) -> list[RateAmount]:
        return [self.rates[rate] for rate in sorted(self.rates, reverse=True)]


@dataclass(frozen=True)
class TaxSubtotal:
    category: str
    rate: Decimal
    base: Decimal
    tax: Decimal
    mention: str = ""

    @property
    def vatex(self) -> str:
        return totals.EXEMPTION_CODES.get(self.category, "")


@dataclass
class InternationalInvoice:
    """One invoice of flux 10.1 (TG-8): amounts as printed (positive, a credit note is type 381)."""

    invoice: Invoice
    type_code: str
    cadre: str
    buyer_name: str
    buyer_country: str
    buyer_tax_number: str
    subtotals: list[TaxSubtotal]

    @property
    def base(self) -> Decimal:
        return sum((s.base for s in self.subtotals), ZERO)

    @property
    def tax(self) -> Decimal:
        return sum((s.tax for s in self.subtotals), ZERO)


@dataclass
class InvoicePayment:
    """One payment of one invoice (flux 10.2, TG-34): collected per rate on the payment date."""

    day: dt.date
    invoice_number: str
    invoice_date: dt.date
    customer_name: str
    rates: list[RateAmount]

    @property
    def gross(self) -> Decimal:
        return sum((r.gross for r in self.rates), ZERO)


@dataclass
class B2cPaymentDay:
    """One day of flux 10.4 (TG-37): what was collected that day on B2C sales, per rate."""

    day: dt.date
    rates: dict[Decimal, RateAmount] = field(default_factory=dict)

    @property
    def rate_list(self) -> list[RateAmount]:
        return [self.rates[rate] for rate in sorted(self.rates, reverse=True)]

    @property
    def gross(self) -> Decimal:
        return sum((r.gross for r in self.rates.values()), ZERO)


@dataclass(frozen=True)
class Check:
    """A data set's totals against the sales figures of the same period, summed independently in SQL."""

    label: str
    expected: Decimal  # from the invoices' stored totals
    found: Decimal  # from the data set

    @property
    def agrees(self) -> bool:
        return self.expected == self.found


@dataclass
class DataSet:
    period: Period
    b2c: list[B2cGroup] = field(default_factory=list)
    international: list[InternationalInvoice] = field(default_factory=list)
    international_payments: list[InvoicePayment] = field(default_factory=list)
    b2c_payments: list[B2cPaymentDay] = field(default_factory=list)
    domestic_count: int = 0
    checks: list[Check] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.b2c or self.international or self.international_payments or self.b2c_payments)

    @property
    def agrees(self) -> bool:
        return all(check.agrees for check in self.checks)


def build(period: Period) -> DataSet:
    data = DataSet(period)
    if period.flow == TRANSACTIONS:
        _transactions(data)
    elif period.flow == PAYMENTS:
        _payments(data)
    return data


def _transactions(data: DataSet) -> None:
    period = data.period
    invoices = list(
        Invoice.objects.filter(status=InvoiceStatus.ISSUED, date__gte=period.start, date__lte=period.end)
        .order_by("date", "number")
        .prefetch_related("lines")
    )
    groups: dict[tuple[dt.date, str], B2cGroup] = {}
    counted: dict[tuple[dt.date, str], set[int]] = defaultdict(set)
    for invoice in invoices:
        scope = scope_of(invoice)
        if scope == DOMESTIC:
            data.domestic_count += 1
            continue
        lines = list(invoice.lines.all())
        parts = invoice_parts(invoice, lines)
        if scope == INTERNATIONAL:
            data.international.append(_international(invoice, lines, parts))
            continue
        sign = -1 if invoice.is_credit_note else 1
        for part in parts:
            key = (invoice.date, b2c_category(part))
            group = groups.setdefault(key, B2cGroup(*key))
            amount = group.rates.setdefault(part.rate, RateAmount(part.rate))
            amount.base += sign * part.base
            amount.tax += sign * part.tax
            counted[key].add(invoice.pk)
    for key, group in groups.items():
        group.count = len(counted[key])
    data.b2c = sorted(groups.values(), key=lambda g: (g.day, g.category))
    data.checks = _transaction_checks(data)


def _international(invoice: Invoice, lines, parts: list[Part]) -> InternationalInvoice:
    merged: dict[tuple[str, Decimal, str], list[Decimal]] = {}
    for part in parts:
        amounts = merged.setdefault((part.category, part.rate, part.mention), [ZERO, ZERO])
        amounts[0] += part.base
        amounts[1] += part.tax
    customer = invoice.customer_snapshot or {}
    letter = CADRE_LETTERS.get(invoice.operation_nature, "B")
    after_deposits = any(line.deposit_invoice_id for line in lines)
    return InternationalInvoice(
        invoice=invoice,
        type_code=TYPE_CODES[invoice.kind],
        cadre=f"{letter}{4 if after_deposits else 1}",
        buyer_name=customer.get("name", ""),
        buyer_country=customer.get("country", ""),
        buyer_tax_number=customer.get("vat_number", ""),
        subtotals=[TaxSubtotal(cat, rate, base, tax, mention) for (cat, rate, mention), (base, tax) in merged.items()],
    )


def _signed_totals(queryset) -> tuple[Decimal, Decimal]:
    """Σ net and Σ VAT of issued invoices, credit notes negative, straight from their stored totals."""
    rows = queryset.values("kind").annotate(net=Sum("total_net"), vat=Sum("total_vat"))
    net = vat = ZERO
    for row in rows:
        sign = -1 if row["kind"] == InvoiceKind.CREDIT_NOTE else 1
        net += sign * (row["net"] or ZERO)
        vat += sign * (row["vat"] or ZERO)
    return net, vat


def _transaction_checks(data: DataSet) -> list[Check]:
    period = data.period
    issued = Invoice.objects.filter(status=InvoiceStatus.ISSUED, date__gte=period.start, date__lte=period.end)
    b2c_net, b2c_vat = _signed_totals(issued.filter(customer_snapshot__kind="person"))
    foreign = issued.exclude(customer_snapshot__kind="person").exclude(
        Q(customer_snapshot__country__in=FRENCH_VAT_TERRITORY) | Q(customer_snapshot__country="")
    )
    rows = foreign.values("kind").annotate(net=Sum("total_net"), vat=Sum("total_vat"))
    foreign_net = sum((row["net"] or ZERO for row in rows), ZERO)
    foreign_vat = sum((row["vat"] or ZERO for row in rows), ZERO)
    return [
        Check("Ventes aux particuliers : total HT", b2c_net, sum((g.base for g in data.b2c), ZERO)),
        Check("Ventes aux particuliers : total TVA", b2c_vat, sum((g.tax for g in data.b2c), ZERO)),
        Check("Ventes à l'international : total HT", foreign_net, sum((i.base for i in data.international), ZERO)),
        Check("Ventes à l'international : total TVA", foreign_vat, sum((i.tax for i in data.international), ZERO)),
    ]


def _payments(data: DataSet) -> None:
    """What bank and cash entries dated in the period collected of VAT due on collection: the 44571 lines
    they post with the invoice's number as reference — a customer payment (sales.payments) or a payment
    received on a doubtful debt (receivables), each moving the paid share of the services' VAT off 44588."""
    period = data.period
    collected = list(
        EntryLine.objects.filter(
            is_posted=True,
            date__gte=period.start,
            date__lte=period.end,
            account__code="44571",
            credit__gt=0,
            entry__journal__kind__in=[JournalKind.BANK, JournalKind.CASH],
        )
        .exclude(reference="")
        .order_by("date", "entry_id", "id")
        .values("date", "entry_id", "reference", "vat_rate", "vat_base", "credit")
    )
    invoices = {
        inv.number: Collected(inv.number, inv.date, (inv.customer_snapshot or {}).get("name", ""), scope_of(inv))
        for inv in Invoice.objects.filter(
            number__in={row["reference"] for row in collected}, vat_on_receipts=True
        ).only("number", "date", "customer_snapshot")
    }
    old_invoices = _old_invoices({row["entry_id"] for row in collected if row["reference"] not in invoices})
    by_invoice_payment: dict[tuple[int, str], InvoicePayment] = {}
    days: dict[dt.date, B2cPaymentDay] = {}
    for row in collected:
        invoice = invoices.get(row["reference"])
        if invoice is None:
            invoice = old_invoices.get(row["entry_id"])
            if invoice is None or invoice.number != row["reference"]:
                continue
        scope = invoice.scope
        if scope == DOMESTIC:
            continue
        day = row["date"]
        rate = Decimal(row["vat_rate"] or ZERO).quantize(Decimal("0.01"))
        base, tax = row["vat_base"] or ZERO, row["credit"]
        if scope == B2C:
            amount = days.setdefault(day, B2cPaymentDay(day)).rates.setdefault(rate, RateAmount(rate))
        else:
            key = (row["entry_id"], invoice.number)
            if key not in by_invoice_payment:
                by_invoice_payment[key] = InvoicePayment(day, invoice.number, invoice.date, invoice.customer_name, [])
            amounts = by_invoice_payment[key].rates
            amount = next((a for a in amounts if a.rate == rate), None)
            if amount is None:
                amount = RateAmount(rate)
                amounts.append(amount)
        amount.base += base
        amount.tax += tax
    data.international_payments = sorted(by_invoice_payment.values(), key=lambda p: (p.day, p.invoice_number))
    data.b2c_payments = [days[day] for day in sorted(days)]


def _old_invoices(entry_ids: set[int]) -> dict[int, Collected]:
    """{entry id: the old invoice it collected on} for the receipts on old invoices of the previous tool classed
    doubtful, on « encaissements » (receivables.bad_debts.taken_over_receipts): their number and date (from the
    taken-over line's label), and the customer as it is now — Pilote never froze the old invoice's buyer."""
    if not entry_ids:
        return {}
    from pilote.receivables import bad_debts

    return {
        entry_id: Collected(
            debt.number, bad_debts.invoice_date(debt), debt.customer.display_name,
            _scope(debt.customer.kind, debt.customer.country),
        )
        for entry_id, debt in bad_debts.taken_over_receipts(entry_ids).items()
    }  # fmt: skip
