"""Eight processes issuing invoices at once on PostgreSQL, the first ones for a customer with no sub-ledger account
yet: invoice numbers 1..N, no duplicate, no gap, the sales entries posted with them, one account for the customer."""

import multiprocessing
from decimal import Decimal

import pytest
from django.db import connection, connections

from pilote.core.models import User
from pilote.ledger.models import AuxiliaryAccount
from pilote.ledger.verify import verify_all
from pilote.sales import issuing, services
from pilote.sales.models import Invoice

PROCESSES, PER_PROCESS = 8, 5


def _issue_mine(worker: int) -> None:
    connections.close_all()  # a fresh connection in the child
    actor = User.objects.get(username="commercial")
    for invoice in Invoice.objects.filter(status="draft", notes=f"w{worker}").order_by("pk"):
        issuing.issue_invoice(actor=actor, invoice=invoice, render_pdf=False)
    connections.close_all()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_parallel_issue_is_gapless(shop):
    # The customer has no sub-ledger account yet: the first issues race to create it, and all must succeed.
    line = services.LineSpec.from_product(shop["p"]["book"], Decimal(1))
    for worker in range(PROCESSES):
        for _ in range(PER_PROCESS):
            services.create_invoice(
                actor=shop["actor"], customer=shop["customer"], date=shop["day"], lines=[line], notes=f"w{worker}"
            )
    connections.close_all()
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_issue_mine, args=(n,)) for n in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0] * PROCESSES
    numbers = sorted(Invoice.objects.filter(status="issued").values_list("number", flat=True))
    assert numbers == [f"F-2026-{n:05d}" for n in range(1, PROCESSES * PER_PROCESS + 1)]
    assert Invoice.objects.filter(status="issued", entry__isnull=False).count() == PROCESSES * PER_PROCESS
    assert AuxiliaryAccount.objects.filter(contact=shop["customer"]).count() == 1
    assert all(not problems for problems in verify_all().values())


def _issued_invoices(shop, count: int) -> list[int]:
    line = services.LineSpec.from_product(shop["p"]["book"], Decimal(4))
    return [
        issuing.issue_invoice(
            actor=shop["actor"],
            invoice=services.create_invoice(
                actor=shop["actor"], customer=shop["customer"], date=shop["day"], lines=[line]
            ),
            render_pdf=False,
        ).pk
        for _ in range(count)
    ]


def _pay(invoice_pk: int, share: str, shop_ids: dict, done=None) -> None:
    """In a child: pay `share` of the invoice (« rest »: its balance), a refusal written to `done` (a queue)."""
    connections.close_all()
    from pilote.core.exceptions import DomainError
    from pilote.ledger.models_bank import BankAccount
    from pilote.sales import payments

    invoice = Invoice.objects.get(pk=invoice_pk)
    amount = invoice.balance_due if share == "rest" else Decimal(share)
    bank = BankAccount.objects.get(pk=shop_ids["bank"])
    try:
        payments.record_payment(
            actor=User.objects.get(username="comptable"), customer=invoice.customer, date=invoice.date, amount=amount,
            method="transfer", bank_account=bank, allocations=[(invoice, amount)],
        )  # fmt: skip
    except DomainError as exc:
        if done is not None:
            done.put(exc.message)
    connections.close_all()


def _instalments(invoice_pk: int, shop_ids: dict) -> None:
    _pay(invoice_pk, "20.00", shop_ids)
    _pay(invoice_pk, "rest", shop_ids)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_parallel_instalments_of_one_customer_are_all_lettered(shop):
    """Six invoices of one customer, each paid in two instalments by its own process, all at once: every payment
    goes through (a customer's payments no longer wait on each other's invoices), each invoice ends fully lettered
    with its two payments, lettering codes unique, the books and the open-items aggregates sound."""
    from pilote.ledger import open_items
    from pilote.ledger.models import EntryLine, Matching

    pks = _issued_invoices(shop, 6)
    connections.close_all()
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_instalments, args=(pk, {"bank": shop["bank"].pk})) for pk in pks]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=180)
    assert [w.exitcode for w in workers] == [0] * len(pks)
    assert all(invoice.balance_due == 0 for invoice in Invoice.objects.filter(pk__in=pks))
    lines = EntryLine.objects.filter(account__code="411", auxiliary__contact=shop["customer"])
    assert lines.count() == 18 and not lines.filter(is_lettered=False).exists()
    assert Matching.objects.filter(is_partial=False).count() == 6 and not Matching.objects.filter(is_partial=True)
    assert open_items.stored() == open_items.recompute()
    assert all(not problems for problems in verify_all().values())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_parallel_payments_of_one_invoice_never_pay_it_twice(shop):
    """Four processes paying 60 % of the same invoice at once: its lock lets one through, the others see the new
    balance and are refused in French; nothing else written."""
    from pilote.sales.models import Payment

    (pk,) = _issued_invoices(shop, 1)
    share = str((Invoice.objects.get(pk=pk).total_gross * Decimal("0.6")).quantize(Decimal("0.01")))
    connections.close_all()
    context = multiprocessing.get_context("fork")
    refusals = context.Queue()
    workers = [context.Process(target=_pay, args=(pk, share, {"bank": shop["bank"].pk}, refusals)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0] * 4
    messages = [refusals.get(timeout=5) for _ in range(3)]
    assert all("dépasse le reste dû" in message for message in messages)
    assert Invoice.objects.get(pk=pk).amount_paid == Decimal(share) and Payment.objects.count() == 1
    assert all(not problems for problems in verify_all().values())


def _hold_lock(invoice_pk: int, ready, release) -> None:
    connections.close_all()
    from django.db import transaction

    with transaction.atomic():
        Invoice.objects.select_for_update().get(pk=invoice_pk)
        ready.set()
        release.wait(30)
    connections.close_all()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_payment_does_not_wait_for_the_customers_other_invoices(shop):
    """Another transaction holds one invoice of the customer (a credit note being issued against it, a payment):
    a payment of another of its invoices goes through without waiting for it."""
    from django.db import transaction

    from pilote.sales import payments

    held, paid = _issued_invoices(shop, 2)
    connections.close_all()
    context = multiprocessing.get_context("fork")
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_lock, args=(held, ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        invoice = Invoice.objects.get(pk=paid)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '3s'")
            payments.record_payment(
                actor=shop["accountant"], customer=shop["customer"], date=shop["day"], amount=Decimal("10.00"),
                method="transfer", bank_account=shop["bank"], allocations=[(invoice, Decimal("10.00"))],
            )  # fmt: skip
    finally:
        release.set()
        holder.join(timeout=30)
    assert Invoice.objects.get(pk=paid).amount_paid == Decimal("10.00")
