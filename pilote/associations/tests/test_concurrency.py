"""Eight processes issuing tax receipts at once on PostgreSQL: numbers 1..N, no duplicate, no gap."""

import datetime as dt
import multiprocessing
from decimal import Decimal

import pytest
from django.db import connection, connections

from pilote.associations.models import TaxReceipt
from pilote.associations.services import donations, receipts
from pilote.contacts.models import Contact
from pilote.core.models import User

PROCESSES, PER_PROCESS = 8, 4


def _issue_mine(worker: int) -> None:
    connections.close_all()  # a fresh connection in the child
    actor = User.objects.get(username="comptable")
    for donor in Contact.objects.filter(notes=f"w{worker}").order_by("pk"):
        receipts.issue_receipt(actor=actor, donor=donor, year=2026, issued_on=dt.date(2026, 6, 1))
    connections.close_all()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_parallel_receipts_are_gapless(books):
    for worker in range(PROCESSES):
        for n in range(PER_PROCESS):
            donor = Contact.objects.create(kind="person", name=f"Donateur {worker}-{n}", notes=f"w{worker}")
            donations.record_donation(actor=books["actor"], donor=donor, date=books["day"], amount=Decimal("10"),
                                      method="cheque", bank_account=books["bank"])  # fmt: skip
    connections.close_all()
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_issue_mine, args=(n,)) for n in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0] * PROCESSES
    numbers = sorted(TaxReceipt.objects.values_list("number", flat=True))
    assert numbers == list(range(1, PROCESSES * PER_PROCESS + 1))
