"""Extension points other apps plug into from their AppConfig.ready() (sales never imports them).

`order_warnings`: callables (customer, amount_incl_vat: Decimal) -> str | None, asked before an order is
taken or a quote converted; a returned French message is shown to the user as a warning (e.g. the
customer's credit limit would be exceeded). They must not block: the user decides.

`payment_blocks`: callables (invoice ids) -> {invoice id: French reason}, the invoices a sales payment must not
settle (receivables: a doubtful debt moved to 416, or written off — its recovery is booked there). Automatic
allocation and bank suggestions skip them, an explicit allocation to one is refused with the reason, and no
credit note may correct one (its debt is no longer on 411; written off, its VAT was already recovered).
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
