"""The data of the load test (issue 18 point 3): `python -m bench.load_data` with DATABASE_URL at an empty database.

The ledger bench's books (`bench/ledger_bench.py`: structure, chart, fiscal years 2024–2026, 2,300 auxiliary
accounts, `--lines` posted lines through `post_many`, what settles lettered) and the sales bench's history
(`bench/sales_bench.py`: customers, 200 articles, `--invoices` invoices with payments, quotes, orders, dunning),
plus one user per role of the journeys (`direction`, `comptable`, `commercial`; password `--password`). Both
generators are deterministic (their seeds), so two loads give the same database. Progress on stderr.
"""

from __future__ import annotations

import argparse
import random
import time
from decimal import Decimal

from bench import harness

ROLE_USERS = (("direction", "DIRECTION"), ("commercial", "COMMERCIAL"))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=2_000)
    parser.add_argument("--password", default="charge-2026")
    args = parser.parse_args()
    harness.start_django()

    from bench import ledger_bench, sales_bench
    from bench.contacts_bench import make_contact
    from pilote.catalog.models import Product
    from pilote.contacts.models import Contact
    from pilote.core import services as core_services
    from pilote.core.models import User
    from pilote.core.roles import Role
    from pilote.ledger import bank

    started = time.perf_counter()
    harness.log(f"[load] ledger: {args.lines:,} lines")
    books = ledger_bench.setup_books()
    generation = ledger_bench.generate(books, args.lines, args.batch, profile=False)
    harness.log(f"[load] {generation['lines']:,} lines in {generation['seconds']} s; lettering")
    ledger_bench.letter_settled(books)

    harness.log(f"[load] sales: {args.customers:,} customers, {args.invoices:,} invoices")
    for username, role in ROLE_USERS:
        core_services.create_user(actor=None, username=username, role=getattr(Role, role), password=args.password,
                                  validate=False, first_name=username.capitalize(), last_name="Charge")  # fmt: skip
    comptable = User.objects.get(username="comptable")
    comptable.set_password(args.password)
    comptable.save(update_fields=["password"])
    rng = random.Random(sales_bench.SEED)
    contacts = [make_contact(rng, index) for index in range(args.customers)]
    for contact in contacts:
        contact.is_customer, contact.is_prospect = True, False
    Contact.objects.bulk_create(contacts, batch_size=2000)
    customers = list(Contact.objects.filter(is_customer=True).order_by("pk"))
    Product.objects.bulk_create(
        [
            Product(reference=f"ART-{n:04d}", name=f"Article {n}", unit_price=Decimal(rng.randint(500, 150_000)) / 100)
            for n in range(200)
        ]  # fmt: skip
    )
    products = list(Product.objects.order_by("pk"))
    account = bank.create_bank_account(actor=None, name="Crédit Agricole", iban="FR7630006000011234567890189")
    generator = sales_bench.Generator(rng, customers, products, account, User.objects.get(username="direction"))
    done = 0
    while done < args.invoices:
        count = min(10_000, args.invoices - done)
        generator.add_invoices(count)
        generator.add_documents(count)
        done += count
        harness.log(f"[load] {done:,} invoices")
    sales_bench.analyze()
    ledger_bench.vacuum_analyze()
    harness.log(f"[load] done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
