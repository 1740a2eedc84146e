"""Eight processes posting at once on PostgreSQL: no duplicate number, no gap, an unbroken chain."""

import datetime as dt
import multiprocessing
from decimal import Decimal

import pytest
from django.db import connection, connections

from pilote.core.models import User
from pilote.ledger import services
from pilote.ledger.models import Account, AuxiliaryAccount, Entry, Journal
from pilote.ledger.verify import verify_all

PROCESSES, PER_PROCESS = 8, 15


def _post_many(worker: int) -> None:
    connections.close_all()  # a fresh connection in the child
    actor = User.objects.get(username="comptable")
    journal = Journal.objects.get(code="VT")
    a = {acc.code: acc for acc in Account.objects.all()}
    customer = AuxiliaryAccount.objects.get(code="C000001")
    for i in range(PER_PROCESS):
        services.create_entry(
            actor=actor,
            journal=journal,
            date=dt.date(2026, 5, 1 + i),
            label=f"P{worker}-{i}",
            post=True,
            lines=[
                services.LineInput(a["411"], debit=Decimal("12.00"), auxiliary=customer),
                services.LineInput(a["707"], credit=Decimal("10.00")),
                services.LineInput(a["44571"], credit=Decimal("2.00")),
            ],
        )
    connections.close_all()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_parallel_posting_is_gapless(books):
    connections.close_all()
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_post_many, args=(n,)) for n in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0] * PROCESSES
    numbers = sorted(Entry.objects.filter(journal__code="VT").values_list("number", flat=True))
    assert numbers == list(range(1, PROCESSES * PER_PROCESS + 1))
    assert all(not problems for problems in verify_all().values())
