"""Property-based: any sequence of postings, reversals and failed postings keeps the books balanced,
the numbering gapless and verify_ledger clean."""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pilote.core.exceptions import DomainError
from pilote.ledger import lettering, services
from pilote.ledger.models import AccountBalance, Entry, Matching
from pilote.ledger.verify import verify_all

L = services.LineInput
cents = st.integers(min_value=1, max_value=10**9).map(lambda c: Decimal(c) / 100)
operation = st.one_of(
    st.tuples(st.just("sale"), cents, cents, st.integers(1, 12)),
    st.tuples(st.just("unbalanced"), cents, cents, st.integers(1, 12)),
    st.tuples(st.just("reverse"), st.integers(0, 50), st.just(0), st.integers(1, 12)),
    st.tuples(st.just("pay"), st.integers(0, 50), st.just(0), st.integers(1, 12)),
    st.tuples(st.just("unletter"), st.integers(0, 50), st.just(0), st.integers(1, 12)),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, min_size=1, max_size=12))
def test_any_sequence_keeps_the_invariants(books, operations):
    a, actor = books["a"], books["actor"]
    for kind, x, y, month in operations:
        day = dt.date(2026, month, 10)
        if kind == "pay":
            invoices = list(
                Entry.objects.filter(status="posted", journal__code="VT", reversal_of=None, reversed_by=None)
                .exclude(lines__match__isnull=False)
                .order_by("pk")
            )
            if invoices:
                invoice = invoices[x % len(invoices)]
                due = invoice.lines.get(account__code="411").debit
                services.create_entry(
                    actor=actor,
                    journal=books["j"]["BQ"],
                    date=day,
                    label="paiement",
                    piece_ref=invoice.piece_ref,
                    post=True,
                    lines=[L(a["512"], debit=due), L(a["411"], credit=due, auxiliary=books["customer"])],
                )
                lettering.auto_letter(actor=actor, account=a["411"])
            continue
        if kind == "unletter":
            matchings = list(Matching.objects.order_by("pk"))
            if matchings:
                lettering.unletter(actor=actor, matching=matchings[x % len(matchings)])
            continue
        if kind == "reverse":
            candidates = list(Entry.objects.filter(status="posted", reversal_of=None, reversed_by=None).order_by("pk"))
            if candidates:
                services.reverse_entry(actor=actor, entry=candidates[x % len(candidates)])
            continue
        credit_vat = y if kind == "sale" else y + Decimal("0.01")
        ref = f"F{Entry.objects.count()}"
        lines = [
            L(a["411"], debit=x + y, auxiliary=books["customer"]),
            L(a["707"], credit=x),
            L(a["44571"], credit=credit_vat),
        ]
        try:
            services.create_entry(
                actor=actor, journal=books["j"]["VT"], date=day, label="op", lines=lines, post=True, piece_ref=ref
            )
        except DomainError:
            assert kind == "unbalanced"
        else:
            assert kind == "sale"
    totals = AccountBalance.objects.filter(aux_key=0).aggregate(d=Sum("debit"), c=Sum("credit"))
    assert (totals["d"] or 0) == (totals["c"] or 0)
    assert all(not problems for problems in verify_all().values())
    # Open items (not fully lettered) add up to the customer account's balance.
    open_total = sum(
        (line.debit - line.credit for line in lettering.open_lines(a["411"], books["customer"].pk)), Decimal(0)
    )
    receivable = AccountBalance.objects.filter(account=a["411"], aux_key=0).aggregate(d=Sum("debit"), c=Sum("credit"))
    assert open_total == (receivable["d"] or 0) - (receivable["c"] or 0)
