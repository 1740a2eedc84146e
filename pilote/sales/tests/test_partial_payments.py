"""Instalments of one invoice: each payment re-letters the invoice's customer lines in one step (the previous
partial matching replaced, its « undone » kept in the audit trail), fully once paid; the open-items aggregates and
the lines' lettering flags follow. (Locks: test_concurrency, on PostgreSQL.)"""

from decimal import Decimal as D

from pilote.core.models import AuditEvent
from pilote.ledger import open_items, verify
from pilote.ledger.models import EntryLine, MatchedLine, Matching
from pilote.sales import issuing, payments, services
from pilote.sales.services import LineSpec


def _issued(shop, quantity: int):
    draft = services.create_invoice(
        actor=shop["actor"], customer=shop["customer"], date=shop["day"],
        lines=[LineSpec.from_product(shop["p"]["chair"], D(quantity))],
    )  # fmt: skip
    return issuing.issue_invoice(actor=shop["actor"], invoice=draft, render_pdf=False)


def _pay(shop, invoice, amount):
    return payments.record_payment(
        actor=shop["accountant"], customer=shop["customer"], date=shop["day"], amount=amount, method="transfer",
        bank_account=shop["bank"], allocations=[(invoice, amount)],
    )  # fmt: skip


def _customer_lines(shop):
    return EntryLine.objects.filter(account__code="411", auxiliary__contact=shop["customer"])


def test_instalments_are_lettered_again_at_each_payment_then_fully(shop):
    invoice = _issued(shop, 2)  # 359.76 €
    other = _issued(shop, 1)  # untouched: its line stays open
    undone = AuditEvent.objects.filter(action="ledger.lettering.undone")
    for step, amount in enumerate((D("100.00"), D("150.00")), start=1):
        _pay(shop, invoice, amount)
        matchings = list(Matching.objects.all())
        assert len(matchings) == 1 and matchings[0].is_partial and matchings[0].code.islower()
        assert MatchedLine.objects.filter(matching=matchings[0]).count() == step + 1  # the invoice, its payments
        assert not _customer_lines(shop).filter(is_lettered=True).exists()  # a partial matching: still open
        assert undone.count() == step - 1
        assert open_items.stored() == open_items.recompute()
    invoice.refresh_from_db()
    _pay(shop, invoice, invoice.balance_due)
    (matching,) = Matching.objects.all()
    assert not matching.is_partial and matching.code.isupper()
    lettered = _customer_lines(shop).filter(is_lettered=True)
    assert lettered.count() == 4 and not lettered.filter(entry_id=other.entry_id).exists()
    assert undone.count() == 2
    assert open_items.stored() == open_items.recompute()
    assert not any(verify.verify_all().values())


def test_oldest_first_payment_settles_the_oldest_invoices(shop):
    first, second = _issued(shop, 1), _issued(shop, 1)
    payment = payments.record_payment(
        actor=shop["accountant"], customer=shop["customer"], date=shop["day"], amount=first.total_gross + D("10"),
        method="transfer", bank_account=shop["bank"],
    )  # fmt: skip
    assert [(a.invoice_id, a.amount) for a in payment.allocations.order_by("invoice_id")] == [
        (first.pk, first.total_gross),
        (second.pk, D("10")),
    ]
    assert (
        Matching.objects.filter(is_partial=False).count() == 1 and Matching.objects.filter(is_partial=True).count() == 1
    )
