"""Eight processes delivering the same article at once on PostgreSQL: the stock never goes under zero — exactly as
many deliveries pass as the stock covers, the others are refused in French — and the CMUP value stays exact."""

import datetime as dt
import multiprocessing
from decimal import Decimal as D

import pytest
from django.db import connection, connections, transaction

from pilote.core.exceptions import DomainError
from pilote.core.models import User
from pilote.operations.models import MoveKind, StockItem, StockLevel, StockMove
from pilote.operations.services import stock

PROCESSES, EACH = 8, D(2)
DAY = dt.date(2026, 3, 2)


def _deliver(item_pk: int, results) -> None:
    connections.close_all()  # a fresh connection in the child
    actor = User.objects.get(username="assistant")
    try:
        with transaction.atomic():
            stock.move(actor=actor, item=StockItem.objects.get(pk=item_pk), kind=MoveKind.DELIVERY, quantity=EACH,
                       date=DAY)  # fmt: skip
        results.put("ok")
    except DomainError as exc:
        results.put(exc.message)
    finally:
        connections.close_all()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_never_take_the_stock_under_zero(personas, toner):
    with transaction.atomic():
        stock.move(actor=personas["assistant"], item=toner, kind=MoveKind.RECEIPT, quantity=D(9), date=DAY,
                   unit_cost=D("10.00"))  # fmt: skip
    connections.close_all()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [context.Process(target=_deliver, args=(toner.pk, results)) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0] * PROCESSES
    outcomes = [results.get(timeout=5) for _ in range(PROCESSES)]
    assert outcomes.count("ok") == 4  # 9 units cover four deliveries of 2
    refused = [o for o in outcomes if o != "ok"]
    assert len(refused) == 4 and all("Stock insuffisant" in o and "ne peut pas devenir négatif" in o for o in refused)
    item = StockItem.objects.get(pk=toner.pk)
    assert (item.quantity, item.value) == (D(1), D("10.00"))
    assert StockLevel.objects.get(item=item).quantity == D(1)
    assert StockMove.objects.filter(item=item, kind=MoveKind.DELIVERY).count() == 4
