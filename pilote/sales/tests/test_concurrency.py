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
