"""Property-based: any sequence of postings, reversals and failed postings keeps the books balanced,
the numbering gapless and verify_ledger clean."""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pilote.core.exceptions import DomainError
from pilote.ledger import services
from pilote.ledger.models import AccountBalance, Entry
from pilote.ledger.verify import verify_all

L = services.LineInput
cents = st.integers(min_value=1, max_value=10**9).map(lambda c: Decimal(c) / 100)
operation = st.one_of(
    st.tuples(st.just("sale"), cents, cents, st.integers(1, 12)),
    st.tuples(st.just("unbalanced"), cents, cents, st.integers(1, 12)),
    st.tuples(st.just("reverse"), st.integers(0, 50), st.just(0), st.integers(1, 12)),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, min_size=1, max_size=12))
def test_any_sequence_keeps_the_invariants(books, operations):
    a, actor = books["a"], books["actor"]
    for kind, x, y, month in operations:
        day = dt.date(2026, month, 10)
        if kind == "reverse":
            candidates = list(Entry.objects.filter(status="posted", reversal_of=None, reversed_by=None).order_by("pk"))
            if candidates:
                services.reverse_entry(actor=actor, entry=candidates[x % len(candidates)])
            continue
        credit_vat = y if kind == "sale" else y + Decimal("0.01")
        lines = [
            L(a["411"], debit=x + y, auxiliary=books["customer"]),
            L(a["707"], credit=x),
            L(a["44571"], credit=credit_vat),
        ]
        try:
            services.create_entry(actor=actor, journal=books["j"]["VT"], date=day, label="op", lines=lines, post=True)
        except DomainError:
            assert kind == "unbalanced"
        else:
            assert kind == "sale"
    totals = AccountBalance.objects.filter(aux_key=0).aggregate(d=Sum("debit"), c=Sum("credit"))
    assert (totals["d"] or 0) == (totals["c"] or 0)
    assert all(not problems for problems in verify_all().values())
