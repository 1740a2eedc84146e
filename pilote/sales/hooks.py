"""Extension points other apps plug into from their AppConfig.ready() (sales never imports them).

`order_warnings`: callables (customer, amount_incl_vat: Decimal) -> str | None, asked before an order is
taken or a quote converted; a returned French message is shown to the user as a warning (e.g. the
customer's credit limit would be exceeded). They must not block: the user decides.

`payment_blocks`: callables (invoice ids) -> {invoice id: French reason}, the invoices a sales payment must not
settle (receivables: a doubtful debt moved to 416, or written off — its recovery is booked there). Automatic
allocation and bank suggestions skip them, an explicit allocation to one is refused with the reason, and no
credit note may correct one (its debt is no longer on 411; written off, its VAT was already recovered).

`other_receivables`: callables (customer id or None) -> Decimal, what customers owe beyond Pilote's invoices
(receivables: the previous tool's invoices taken over into the ledger), so the invoices list can name it beside
its own « reste à encaisser ».
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

order_warnings: list[Callable[[object, Decimal], str | None]] = []


def register_order_warning(check: Callable[[object, Decimal], str | None]) -> None:
    if check not in order_warnings:
        order_warnings.append(check)


def warnings_for_order(customer, amount: Decimal) -> list[str]:
    return [message for check in order_warnings if (message := check(customer, amount))]


payment_blocks: list[Callable[[list[int]], dict[int, str]]] = []


def register_payment_block(check: Callable[[list[int]], dict[int, str]]) -> None:
    if check not in payment_blocks:
        payment_blocks.append(check)


def blocked_payments(invoice_ids) -> dict[int, str]:
    ids = list(invoice_ids)
    blocked: dict[int, str] = {}
    if ids:
        for check in payment_blocks:
            blocked.update(check(ids))
    return blocked


other_receivables: list[Callable[[int | None], Decimal]] = []


def register_other_receivables(total: Callable[[int | None], Decimal]) -> None:
    if total not in other_receivables:
        other_receivables.append(total)


def receivables_beyond_invoices(customer_id: int | None = None) -> Decimal:
    return sum((total(customer_id) for total in other_receivables), Decimal("0.00"))
