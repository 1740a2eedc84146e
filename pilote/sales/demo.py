"""Demo sales of 2026 (to the demo's today): quotes in every state, orders delivered in one or two goes,
deposits, invoices paid on time, late or partly, one credit note — as a dated timeline the ledger demo runs
among its own entries, so the VT and BQ entries, the monthly CA3 and the October bank statement agree."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from pilote.catalog.models import Product
from pilote.contacts.models import Contact
from pilote.core.demo import DEMO_TODAY
from pilote.sales import issuing, payments, services, terms
from pilote.sales.services import LineSpec

START = dt.date(2026, 1, 5)


def _lines(rng: random.Random, products: dict[str, Product]) -> list[LineSpec]:
    kind = rng.choice(["copier", "copier", "furniture", "supplies", "service"])
    ref = products.get
    if kind == "copier":
        machine = ref("COP-C300") if rng.random() < 0.5 else ref("COP-M120")
        lines = [
            LineSpec.from_product(machine, Decimal(rng.randint(1, 3))),
            LineSpec.from_product(ref("INS-COPIEUR"), 1),
        ]
        if rng.random() < 0.5:
            lines.append(LineSpec.from_product(ref("MNT-CONTRAT"), Decimal(12), discount_percent=Decimal(10)))
        return lines
    if kind == "furniture":
        return [
            LineSpec.from_product(ref("MOB-BUR-160"), Decimal(rng.randint(2, 8))),
            LineSpec.from_product(ref("MOB-FAU-ERG"), Decimal(rng.randint(2, 8))),
        ]
    if kind == "supplies":
        lines = [LineSpec.from_product(ref("PAP-A4-80"), Decimal(rng.randint(10, 60)))]
        lines.append(LineSpec.from_product(ref("TON-C300-K"), Decimal(rng.randint(2, 10))))
        if rng.random() < 0.4:
            lines.append(LineSpec.from_product(ref("LIV-GUIDE"), Decimal(rng.randint(1, 5))))
        return lines
    return [
        LineSpec.from_product(ref("AUD-PARC"), Decimal(rng.randint(1, 3))),
        LineSpec.from_product(ref("MNT-HEURE"), Decimal(rng.randint(2, 12))),
        LineSpec.from_product(ref("MNT-DEPL"), 1),
    ]


class Deal:
    """One customer's story, from the quote to the last payment, as dated steps decided up front."""

    def __init__(self, rng, users, customer, products, day: dt.date, fate: str):
        self.rng, self.customer, self.day, self.fate = rng, customer, day, fate
        self.sales, self.accountant = users["commercial"], users["comptable"]
        self.lines = _lines(rng, products)
        self.term = rng.choice(["30", "30", "45fdm", "60"])
        self.quote = self.order = None

    def steps(self) -> list[tuple[dt.date, str, object]]:
        rng, d = self.rng, self.day
        steps = [(d, "devis", self.make_quote)]
        if self.fate == "draft":
            return steps
        steps.append((d, "envoi du devis", self.send))
        decided = d + dt.timedelta(days=rng.randint(3, 12))
        if self.fate == "refused":
            return [*steps, (decided, "refus", lambda: self.refuse(decided))]
        if self.fate != "won":
            return steps
        steps.append((decided, "commande", lambda: self.convert(decided)))
        if rng.random() < 0.15:
            deposit: dict = {}
            steps.append((decided, "acompte", lambda: deposit.update(invoice=self.invoice_deposit(decided))))
            steps += self.payment_steps(deposit, decided, "reception", full_only=True)
        first = decided + dt.timedelta(days=rng.randint(3, 10))
        partial = rng.random() < 0.25
        goes = [(first, partial)]
        if partial:
            goes.append((first + dt.timedelta(days=rng.randint(7, 15)), False))
        for day, part in goes:
            issued: dict = {}
            steps.append((day, "livraison", lambda day=day, part=part: self.deliver(day, part)))
            steps.append((day, "facture", lambda day=day, issued=issued: issued.update(invoice=self.invoice(day))))
            steps += self.payment_steps(issued, day, self.term)
        return steps

    def payment_steps(self, holder: dict, day: dt.date, term: str, full_only: bool = False) -> list:
        due = terms.due_date_for(day, term)
        roll = self.rng.random()
        if full_only or roll < 0.7:  # paid around the due date
            return [
                (max(day, due + dt.timedelta(days=self.rng.randint(-12, 6))), "règlement", lambda: self.pay(holder))
            ]
        if roll < 0.82:  # paid late, in two instalments
            late = due + dt.timedelta(days=self.rng.randint(15, 30))
            last = due + dt.timedelta(days=self.rng.randint(45, 70))
            return [
                (late, "acompte client", lambda: self.pay(holder, half=True)),
                (last, "solde", lambda: self.pay(holder)),
            ]
        return []  # still unpaid: the receivables demo chases it

    def make_quote(self):
        self.quote = services.create_quote(
            actor=self.sales, customer=self.customer, date=self.day, valid_until=self.day + dt.timedelta(days=30),
            lines=self.lines,
        )  # fmt: skip

    def send(self):
        services.mark_quote_sent(actor=self.sales, quote=self.quote)

    def refuse(self, day):
        reason = self.rng.choice(["Prix trop élevé", "Projet reporté", "Concurrent retenu"])
        services.refuse_quote(actor=self.sales, quote=self.quote, on=day, reason=reason)

    def convert(self, day):
        reference = f"BC-{self.rng.randint(1000, 9999)}" if self.rng.random() < 0.6 else ""
        self.order = services.convert_quote(
            actor=self.sales, quote=self.quote, date=day, customer_reference=reference, payment_term=self.term
        )

    def invoice_deposit(self, day):
        deposit = services.deposit_invoice(actor=self.sales, order=self.order, date=day, percent=Decimal(30))
        return issuing.issue_invoice(actor=self.sales, invoice=deposit, render_pdf=False)

    def deliver(self, day, partial):
        quantities = {}
        for line in self.order.lines.all():
            remaining = line.quantity - line.delivered_quantity
            if remaining > 0:
                quantities[line.pk] = (remaining // 2 or remaining) if partial else remaining
        if quantities:
            services.deliver(actor=self.sales, order=self.order, date=day, quantities=quantities)

    def invoice(self, day):
        draft = services.invoice_order(actor=self.sales, order=self.order, date=day)
        return issuing.issue_invoice(actor=self.sales, invoice=draft, render_pdf=False)

    def pay(self, holder: dict, half: bool = False):
        from pilote.ledger.models_bank import BankAccount
        from pilote.sales.models import Invoice

        invoice = Invoice.objects.get(pk=holder["invoice"].pk)
        amount = (invoice.total_gross / 2).quantize(Decimal("0.01")) if half else invoice.balance_due
        if amount <= 0:
            return
        method = self.rng.choice(["transfer", "transfer", "transfer", "cheque", "direct_debit"])
        payments.record_payment(
            actor=self.accountant, customer=self.customer, date=self._today, amount=amount, method=method,
            bank_account=BankAccount.objects.get(journal__code="BQ"), allocations=[(invoice, amount)],
            reference=f"{'VIR' if method == 'transfer' else 'REG'} {invoice.number}",
        )  # fmt: skip


def timeline(rng: random.Random, users: dict) -> list[tuple[dt.date, str, object]]:
    products = {p.reference: p for p in Product.objects.all()}
    if "COP-C300" not in products:
        return []
    customers = list(
        Contact.objects.filter(is_customer=True, kind="organisation", is_active=True)
        .exclude(siren="")
        .exclude(address_line1="")
        .order_by("pk")[:45]
    )
    steps: list = []
    day = START
    while day <= DEMO_TODAY - dt.timedelta(days=2):
        recent = (DEMO_TODAY - day).days < 25
        fate = rng.choices(
            ["won", "refused", "sent", "draft"], [0.72, 0.14, 0.1, 0.04] if not recent else [0.5, 0.1, 0.3, 0.1]
        )[0]
        deal = Deal(rng, users, rng.choice(customers), products, day, fate)
        steps += deal.steps()
        day += dt.timedelta(days=rng.choice([2, 3, 3, 4]))
    return [(d, label, _dated(d, action)) for d, label, action in steps if d <= DEMO_TODAY]


def _dated(day, action):
    def run():
        Deal._today = day
        action()

    return run


def finish(rng: random.Random, users: dict) -> None:
    """After the calendar: a credit note for a damaged item."""
    from pilote.sales.models import Invoice, InvoiceKind, InvoiceStatus

    issued = Invoice.objects.filter(status=InvoiceStatus.ISSUED, kind=InvoiceKind.INVOICE).order_by("-date")
    target = next((i for i in issued if i.balance_due > 0 and i.date.month == 10), None)
    if target is not None:  # a damaged item: one line credited
        note = services.credit_note_for(actor=users["commercial"], invoice=target, date=DEMO_TODAY)
        line = target.lines.order_by("position").first()
        services.update_invoice_draft(
            actor=users["commercial"], invoice=note, version=note.version, date=DEMO_TODAY, payment_term="reception",
            lines=[LineSpec.copy_of(line, Decimal(1))], notes="Article livré endommagé, repris.",
        )  # fmt: skip
        issuing.issue_invoice(actor=users["commercial"], invoice=Invoice.objects.get(pk=note.pk), render_pdf=False)


def load(rng: random.Random, users: dict) -> None:
    finish(rng, users)
    from pilote.sales.models import Quote, QuoteStatus

    services.expire_quotes(actor=users["commercial"], today=DEMO_TODAY)
    waiting = Quote.objects.filter(status=QuoteStatus.SENT).order_by("date").first()
    if waiting is not None:
        services.cancel_quote(actor=users["commercial"], quote=waiting)
    draft = Quote.objects.filter(status=QuoteStatus.DRAFT).order_by("-date").first()
    if draft is not None:  # an invoice typed directly, waiting to be issued
        services.create_invoice(
            actor=users["commercial"], customer=draft.customer, date=DEMO_TODAY,
            lines=[LineSpec.copy_of(line) for line in draft.lines.all()], payment_term="30",
        )  # fmt: skip
