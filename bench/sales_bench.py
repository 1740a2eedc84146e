"""Sales bench, one database per process: `python -m bench.sales_bench --db sqlite`.

DATABASE_URL must point at an empty database (bench/run.py prepares it). The process migrates, creates
the structure, its books, a bank account and a direction user, then generates deterministically (seeded
generator, bulk inserts that bypass the posting services but keep what the pages read consistent):
`--customers` customers, 200 articles, invoices over the 3 years before `TODAY` (about 3 lines each,
numbered, totals in integer cents, due at 30 days, 2 % credit notes deducted from their invoice,
payments with their allocations so `amount_paid` / `paid_on` agree, partial payments, unpaid and late
ones), quotes, orders, dunning letters on part of the late invoices, a few holds, complaints.

It measures on a warm process with Django's test client (pages see `TODAY` as the current date) the
sales lists (invoices: default, « à encaisser », « en retard », a search, sorted by amount, page 50;
quotes; orders; payments), the receivables pages (dunning run, aged balances, the biggest customer's
account, customer analysis), the complaints list and the home page (to-do list): median and p95, and
the SQL queries of each page at `--small` invoices and at `--invoices` invoices (must not grow).

It prints progress on stderr and one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from decimal import Decimal
from unittest import mock

from bench import harness

SEED = 20261124
TODAY = dt.date(2026, 11, 24)  # "today" of the generated data and of the measured pages, not the clock
YEARS = 3
PAGE_TARGET_MS = 300  # every list or report page, median at full size, on both databases
VAT = Decimal("0.20")
RATES_FROM = dt.date(2024, 1, 1)
SELLER = {
    "legal_name": "Lumen Bureautique SAS",
    "siren": "912345675",
    "siret": "91234567500017",
    "vat_number": "FR65912345675",
    "address_line1": "12 rue de la République",
    "postal_code": "69002",
    "city": "Lyon",
    "rcs_city": "Lyon",
    "share_capital": "50000.00",
    "iban": "FR7630006000011234567890189",
    "bic": "AGRIFRPP",
}

PAGES = {
    "invoices_default": "/ventes/factures/",
    "invoices_unpaid": "/ventes/factures/?state=unpaid",
    "invoices_late": "/ventes/factures/?state=late",
    "invoices_search": "/ventes/factures/?q=boulangerie",
    # Unselective words: in nearly every number or name. 2 characters are refused (the list is not filtered);
    # 3 are read, the count bounded at 10 000 and no totals over them.
    "invoices_words_20": "/ventes/factures/?q=20",
    "invoices_words_fa": "/ventes/factures/?q=FA",
    "invoices_words_f20": "/ventes/factures/?q=F20",
    "invoices_by_amount": "/ventes/factures/?tri=-ttc",
    "invoices_page_50": "/ventes/factures/?page=50",
    "quotes": "/ventes/devis/",
    "orders": "/ventes/commandes/",
    "payments": "/ventes/reglements/",
    "dunning_run": "/recouvrement/",
    "aged_balances": "/recouvrement/encours/",
    "customer_account": "/recouvrement/clients/{customer}/",
    "customer_analysis": "/recouvrement/analyse/",
    "complaints": "/reclamations/",
    "home": "/",
}


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


class Generator:
    """Deterministic sales history; `add_invoices(n)` can be called again to grow it (numbers go on)."""

    def __init__(self, rng: random.Random, customers: list, products: list, bank, user) -> None:
        self.rng, self.customers, self.products, self.bank, self.user = rng, customers, products, bank, user
        # A few big customers, a long tail (Pareto-like weights).
        self.weights = [1 / (rank + 1) ** 0.8 for rank in range(len(customers))]
        self.sequence: dict[tuple[str, int], int] = {}
        self.start = TODAY - dt.timedelta(days=365 * YEARS)
        self.span = (TODAY - self.start).days

    def number(self, series: str, year: int) -> str:
        key = (series, year)
        self.sequence[key] = self.sequence.get(key, 0) + 1
        return f"{series}{year}-{self.sequence[key]:06d}"

    @staticmethod
    def snapshot(customer) -> dict:
        """What issuing freezes of the customer (the pages must not pay for decoding it)."""
        return {
            "name": customer.name,
            "siren": customer.siren,
            "vat_number": customer.vat_number,
            "address_line1": customer.address_line1,
            "postal_code": customer.postal_code,
            "city": customer.city,
            "country": "FR",
            "email": customer.email,
        }

    def customer(self):
        return self.rng.choices(self.customers, weights=self.weights)[0]

    def lines(self, count: int) -> list[tuple]:
        """(product, quantity, unit price, net) for `count` lines."""
        out = []
        for _ in range(count):
            product = self.rng.choice(self.products)
            quantity = Decimal(self.rng.choice([1, 1, 1, 2, 3, 5, 10]))
            net = _cents(quantity * product.unit_price)
            out.append((product, quantity, product.unit_price, net))
        return out

    def add_invoices(self, count: int) -> dict:
        from django.db import transaction

        from pilote.receivables.models import DunningHold, DunningLetter, DunningLetterLine
        from pilote.sales.models import (
            Invoice,
            InvoiceKind,
            InvoiceLine,
            InvoiceStatus,
            Payment,
            PaymentAllocation,
        )

        rng = self.rng
        days = sorted(rng.randrange(self.span) for _ in range(count))
        invoices, specs = [], []
        for offset in days:
            day = self.start + dt.timedelta(days=offset)
            customer = self.customer()
            lines = self.lines(rng.choice([1, 2, 3, 3, 4, 5]))
            net = sum((line[3] for line in lines), Decimal(0))
            vat = _cents(net * VAT)
            kind = InvoiceKind.DEPOSIT if rng.random() < 0.02 else InvoiceKind.INVOICE
            invoice = Invoice(
                customer=customer,
                date=day,
                kind=kind,
                status=InvoiceStatus.DRAFT,  # issued below by one UPDATE, after its lines (see triggers.py)
                number=self.number("F", day.year),
                issued_at=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC),
                due_date=day + dt.timedelta(days=30),
                total_net=net,
                total_vat=vat,
                total_gross=net + vat,
                operation_nature="goods",
                penalty_rate=Decimal("12.15"),
                customer_snapshot=self.snapshot(customer),
                seller_snapshot=SELLER,
                created_by=self.user,
            )
            invoices.append(invoice)
            specs.append(lines)
        # Credit notes (2 %): part of an earlier invoice of the same customer, deducted from it.
        notes, note_specs = [], []
        for invoice in rng.sample(invoices, k=count // 50):
            share = Decimal(rng.choice([25, 50, 100])) / 100
            net = _cents(invoice.total_net * share)
            vat = _cents(net * VAT)
            if net + vat > invoice.total_gross:
                continue
            day = min(invoice.date + dt.timedelta(days=rng.randint(1, 20)), TODAY)
            notes.append(
                Invoice(
                    customer=invoice.customer,
                    date=day,
                    kind=InvoiceKind.CREDIT_NOTE,
                    status=InvoiceStatus.DRAFT,
                    number=self.number("AV", day.year),
                    issued_at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC),
                    due_date=day,
                    total_net=net,
                    total_vat=vat,
                    total_gross=net + vat,
                    operation_nature="goods",
                    customer_snapshot=invoice.customer_snapshot,
                    seller_snapshot=SELLER,
                    created_by=self.user,
                )
            )
            note_specs.append(invoice)
            invoice.credited_amount = net + vat
        # Payments: old invoices almost all paid, recent ones partly; some partial payments.
        payments, paid_invoices = [], []
        for invoice in invoices:
            due = invoice.total_gross - invoice.credited_amount
            if due <= 0:
                continue
            age = (TODAY - invoice.date).days
            roll = rng.random()
            # sales.terms.RATE_TABLE starts in 2024: no penalty can be computed on an invoice due before it.
            settled = roll < (0.97 if age > 120 else 0.75 if age > 45 else 0.35) or invoice.due_date < RATES_FROM
            partial = not settled and rng.random() < 0.15
            if not (settled or partial):
                continue
            amount = due if settled else _cents(due * Decimal(rng.choice([30, 50])) / 100)
            paid_day = min(invoice.date + dt.timedelta(days=max(1, int(rng.gauss(38, 15)))), TODAY)
            payments.append(
                Payment(
                    customer=invoice.customer,
                    date=paid_day,
                    amount=amount,
                    method=rng.choice(["transfer", "transfer", "transfer", "cheque", "card", "direct_debit"]),
                    reference=f"VIR {invoice.number}",
                    bank_account=self.bank,
                    created_by=self.user,
                )
            )
            paid_invoices.append(invoice)
            invoice.amount_paid = amount
            if settled:
                invoice.paid_on = paid_day

        with transaction.atomic():
            Invoice.objects.bulk_create(invoices, batch_size=2000)
            for note, origin in zip(notes, note_specs, strict=True):
                note.credited_invoice_id = origin.pk
            Invoice.objects.bulk_create(notes, batch_size=2000)
            self._fix_ids(Invoice, invoices + notes)
            rows = []
            for invoice, lines in zip(invoices, specs, strict=True):
                for position, (product, quantity, price, net) in enumerate(lines, start=1):
                    rows.append(
                        InvoiceLine(
                            invoice_id=invoice.pk,
                            position=position,
                            product=product,
                            reference=product.reference,
                            description=product.name,
                            quantity=quantity,
                            unit_price=price,
                            vat_rate="20.00",
                            account="707000",
                            net_amount=net,
                        )
                    )
            for note, origin in zip(notes, note_specs, strict=True):
                first = specs[0][0][0]
                rows.append(
                    InvoiceLine(
                        invoice_id=note.pk,
                        position=1,
                        product=first,
                        reference=first.reference,
                        description=f"Avoir sur {origin.number}",
                        quantity=Decimal(1),
                        unit_price=note.total_net,
                        vat_rate="20.00",
                        account="709000",
                        net_amount=note.total_net,
                    )
                )
            InvoiceLine.objects.bulk_create(rows, batch_size=5000)
            ids = [invoice.pk for invoice in invoices + notes]
            for start in range(0, len(ids), 5000):
                Invoice.objects.filter(pk__in=ids[start : start + 5000]).update(status=InvoiceStatus.ISSUED)
            Payment.objects.bulk_create(payments, batch_size=2000)
            self._fix_ids(Payment, payments)
            PaymentAllocation.objects.bulk_create(
                [
                    PaymentAllocation(payment_id=payment.pk, invoice_id=invoice.pk, amount=payment.amount)
                    for payment, invoice in zip(payments, paid_invoices, strict=True)
                ],
                batch_size=5000,
            )
            # Dunning letters (level 1 or 2) on half the invoices more than 7 days late; a few holds.
            late = [
                i
                for i in invoices
                if i.due_date < TODAY - dt.timedelta(days=7) and i.total_gross > i.amount_paid + i.credited_amount
            ]
            from pilote.receivables.models import DunningLevel

            levels = {level.rank: level for level in DunningLevel.objects.all()}
            letters, letter_invoices = [], []
            for invoice in late:
                if rng.random() < 0.5:
                    rank = 2 if (TODAY - invoice.due_date).days > 21 and rng.random() < 0.5 else 1
                    sent = invoice.due_date + dt.timedelta(days=7 if rank == 1 else 21)
                    due = invoice.total_gross - invoice.amount_paid - invoice.credited_amount
                    letters.append(
                        DunningLetter(
                            customer=invoice.customer,
                            level=levels[rank],
                            rank=rank,
                            title=levels[rank].title,
                            date=sent,
                            channel="email",
                            email_to=invoice.customer.email or "client@exemple.fr",
                            subject=levels[rank].email_subject[:200],
                            body="Relance",
                            total_due=due,
                            total=due,
                            sent_at=dt.datetime.combine(sent, dt.time(8), tzinfo=dt.UTC),
                            created_by=self.user,
                        )
                    )
                    letter_invoices.append((invoice, rank, due))
            DunningLetter.objects.bulk_create(letters, batch_size=2000)
            self._fix_ids(DunningLetter, letters)
            DunningLetterLine.objects.bulk_create(
                [
                    DunningLetterLine(
                        letter_id=letter.pk,
                        invoice_id=invoice.pk,
                        rank=rank,
                        invoice_number=invoice.number,
                        invoice_date=invoice.date,
                        due_date=invoice.due_date,
                        total_gross=invoice.total_gross,
                        amount_due=due,
                        days_late=(letter.date - invoice.due_date).days,
                    )
                    for letter, (invoice, rank, due) in zip(letters, letter_invoices, strict=True)
                ],
                batch_size=5000,
            )
            holds = [DunningHold(invoice_id=i.pk, reason="Litige en cours", created_by=self.user) for i in late[::40]]
            DunningHold.objects.bulk_create(holds)
        return {
            "invoices": len(invoices),
            "credit_notes": len(notes),
            "invoice_lines": len(rows),
            "payments": len(payments),
            "dunning_letters": len(letters),
            "holds": len(holds),
        }

    def add_documents(self, count: int) -> dict:
        """Quotes (count / 2) and orders (count / 3): headers with totals, as the lists read them."""
        from pilote.sales.models import Order, OrderStatus, Quote, QuoteStatus

        rng = self.rng
        quotes, orders = [], []
        for _ in range(count // 2):
            day = self.start + dt.timedelta(days=rng.randrange(self.span))
            net = _cents(Decimal(rng.randint(5_000, 2_000_000)) / 100)
            valid = day + dt.timedelta(days=30)
            status = rng.choice([QuoteStatus.ACCEPTED, QuoteStatus.REFUSED, QuoteStatus.SENT, QuoteStatus.DRAFT])
            if status == QuoteStatus.SENT and valid < TODAY:
                status = QuoteStatus.EXPIRED  # what expire_due_quotes would have done
            quotes.append(
                Quote(
                    customer=self.customer(),
                    date=day,
                    number=self.number("D", day.year),
                    valid_until=valid,
                    status=status,
                    total_net=net,
                    total_vat=_cents(net * VAT),
                    total_gross=net + _cents(net * VAT),
                    created_by=self.user,
                )
            )
        for _ in range(count // 3):
            day = self.start + dt.timedelta(days=rng.randrange(self.span))
            net = _cents(Decimal(rng.randint(5_000, 2_000_000)) / 100)
            old = (TODAY - day).days > 60
            status = OrderStatus.INVOICED if old else rng.choice(list(OrderStatus))
            orders.append(
                Order(
                    customer=self.customer(),
                    date=day,
                    number=self.number("CC", day.year),
                    status=status,
                    total_net=net,
                    total_vat=_cents(net * VAT),
                    total_gross=net + _cents(net * VAT),
                    created_by=self.user,
                )
            )
        Quote.objects.bulk_create(quotes, batch_size=2000)
        Order.objects.bulk_create(orders, batch_size=2000)
        return {"quotes": len(quotes), "orders": len(orders)}

    def add_complaints(self, count: int, users: list) -> int:
        from pilote.complaints.models import Category, Complaint, Resolution, Severity, Status

        rng = self.rng
        complaints = []
        for _ in range(count):
            day = self.start + dt.timedelta(days=rng.randrange(self.span))
            recent = (TODAY - day).days < 30
            status = rng.choice([Status.NEW, Status.IN_PROGRESS, Status.ANSWERED]) if recent else Status.CLOSED
            answered = status in (Status.ANSWERED, Status.CLOSED)
            complaints.append(
                Complaint(
                    customer=self.customer(),
                    received_on=day,
                    category=rng.choice(list(Category)),
                    severity=rng.choice(list(Severity)),
                    subject=rng.choice(["Livraison incomplète", "Article abîmé", "Erreur de facturation", "Retard"]),
                    answer_due=day + dt.timedelta(days=rng.choice([2, 5, 10])),
                    status=status,
                    assignee=rng.choice(users),
                    first_answer_on=day + dt.timedelta(days=rng.randint(0, 8)) if answered else None,
                    closed_on=day + dt.timedelta(days=rng.randint(8, 20)) if status == Status.CLOSED else None,
                    resolution=rng.choice(list(Resolution)) if status == Status.CLOSED else "",
                )
            )
        for complaint in complaints:  # keep the check constraints: no answer/closure after today… or before
            if complaint.first_answer_on and complaint.first_answer_on > TODAY:
                complaint.first_answer_on = TODAY if complaint.received_on <= TODAY else complaint.received_on
        Complaint.objects.bulk_create(complaints, batch_size=2000)
        return len(complaints)

    @staticmethod
    def _fix_ids(model, objects: list) -> None:
        if objects and objects[0].pk is None:  # a backend that does not return ids
            ids = list(model.objects.order_by("-pk").values_list("pk", flat=True)[: len(objects)])[::-1]
            for obj, pk in zip(objects, ids, strict=True):
                obj.pk = pk


def setup(args):
    """Migrate; the structure, its books and bank account, a direction user, customers and articles."""
    from django.core.management import call_command

    from bench.contacts_bench import make_contact
    from pilote.catalog.models import Product
    from pilote.contacts.models import Contact
    from pilote.core import services
    from pilote.core.demo import DEMO_STRUCTURE
    from pilote.core.models import Structure
    from pilote.core.roles import Role
    from pilote.ledger import bank
    from pilote.ledger import services as ledger
    from pilote.ledger.models import Account, BankAccount

    call_command("migrate", interactive=False, verbosity=0)
    services.create_structure(actor=None, **DEMO_STRUCTURE)
    Structure.objects.update(vat_number="FR65912345675", iban="FR7630006000011234567890189", bic="AGRIFRPP")
    if not Account.objects.filter(code="512").exists():
        ledger.initialise_books(structure=Structure.objects.get(), actor=None)
    # The structure's IBAN opens its bank account with its books now; an older start opened none.
    iban = "FR7630006000011234567890189"
    account = BankAccount.objects.filter(iban=iban).first() or bank.create_bank_account(
        actor=None, name="Crédit Agricole", iban=iban
    )
    user = services.create_user(
        actor=None,
        username="direction",
        role=Role.DIRECTION,
        password="bench-direction-2026",
        validate=False,
        first_name="Claire",
        last_name="Martin",
    )
    rng = random.Random(SEED)
    contacts = [make_contact(rng, index) for index in range(args.customers)]
    for contact in contacts:
        contact.is_customer, contact.is_prospect = True, False
    Contact.objects.bulk_create(contacts, batch_size=2000)
    customers = list(Contact.objects.order_by("pk"))
    products = Product.objects.bulk_create(
        [
            Product(
                reference=f"ART-{n:04d}",
                name=f"Article {n}",
                unit_price=Decimal(rng.randint(500, 150_000)) / 100,
            )
            for n in range(200)
        ]
    )
    products = list(Product.objects.order_by("pk"))
    return rng, customers, products, account, user


def analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(client, urls: dict, *, warmup: int, runs: int, plans: bool) -> dict:
    out = {}
    for label, url in urls.items():
        timing = harness.time_page(client, url, warmup=warmup, runs=runs)
        queries = harness.capture_queries(client, url)
        entry = {"url": url, **timing, "queries": len(queries), "sql_ms": round(sum(q["ms"] for q in queries), 1)}
        if plans:
            entry["slowest_queries"] = harness.slowest_with_plans(queries)
            entry["met"] = timing["median_ms"] < PAGE_TARGET_MS
        out[label] = entry
        harness.log(
            f"  {label} {url}: median {timing['median_ms']} ms, p95 {timing['p95_ms']} ms, "
            f"{len(queries)} queries ({entry['sql_ms']} ms SQL)"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="label of the database (sqlite, postgresql)")
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000, help="first measure of query counts at this size")
    parser.add_argument("--customers", type=int, default=2_000)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--page", action="append", help="measure only these pages (repeatable; default: all)")
    args = parser.parse_args()
    result_stream = harness.start_django()

    import django
    from django.test import Client
    from django.utils import timezone

    from pilote.core.models import User

    harness.log(f"[sales/{args.db}] migrate, structure, books, customers")
    started = time.perf_counter()
    rng, customers, products, account, user = setup(args)
    setup_s = time.perf_counter() - started
    generator = Generator(rng, customers, products, account, user)
    users = list(User.objects.all())

    real_localdate = timezone.localdate

    def localdate(value=None, timezone=None):  # the pages' "today" is the data's
        return TODAY if value is None else real_localdate(value, timezone)

    patcher = mock.patch("django.utils.timezone.localdate", localdate)
    patcher.start()
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    def generate(count: int) -> dict:
        rows = generator.add_invoices(count)
        rows.update(generator.add_documents(count))
        rows["complaints"] = generator.add_complaints(max(count // 50, 10), users)
        analyze()
        return rows

    def pages() -> dict:
        from django.db.models import Count

        from pilote.sales.models import Invoice

        biggest = Invoice.objects.values("customer_id").annotate(n=Count("pk")).order_by("-n", "customer_id")[0]
        urls = {k: v.format(customer=biggest["customer_id"]) for k, v in PAGES.items()}
        return {k: v for k, v in urls.items() if not args.page or k in args.page}

    started = time.perf_counter()
    rows = generate(args.small)
    generate_s = time.perf_counter() - started
    harness.log(f"[sales/{args.db}] {rows} in {generate_s:.1f} s; measuring")
    small = {"invoices": args.small, **measure(client, pages(), warmup=args.warmup, runs=args.runs, plans=False)}

    harness.log(f"[sales/{args.db}] generating up to {args.invoices:,} invoices")
    started = time.perf_counter()
    more = generate(args.invoices - args.small)
    generate_s += time.perf_counter() - started
    rows = {key: rows[key] + more[key] for key in rows}
    harness.log(f"[sales/{args.db}] {rows} in {generate_s:.1f} s; measuring")
    large = {"invoices": args.invoices, **measure(client, pages(), warmup=args.warmup, runs=args.runs, plans=True)}
    patcher.stop()

    labels = [k for k in small if k != "invoices"]
    queries_per_page = {k: {"at_small": small[k]["queries"], "at_large": large[k]["queries"]} for k in labels}
    harness.emit(
        {
            "database": harness.database_info(),
            "django": django.get_version(),
            "seed": SEED,
            "today": TODAY.isoformat(),
            "params": {key: value for key, value in vars(args).items() if key != "db"},
            "generated": rows,
            "setup_s": round(setup_s, 1),
            "generate_s": round(generate_s, 1),
            "targets": {"page_median_ms_below": PAGE_TARGET_MS, "queries_constant": True},
            "small": small,
            "large": large,
            "queries_per_page": queries_per_page,
            "queries_constant": all(v["at_small"] == v["at_large"] for v in queries_per_page.values()),
            "pages_met": all(large[k]["met"] for k in labels),
            "max_rss_mb": harness.max_rss_mb(),
        },
        result_stream,
    )


if __name__ == "__main__":
    main()
