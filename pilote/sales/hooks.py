"""Extension points other apps plug into from their AppConfig.ready() (sales never imports them).

`order_warnings`: callables (customer, amount_incl_vat: Decimal) -> str | None, asked before an order is
taken or a quote converted; a returned French message is shown to the user as a warning (e.g. the
customer's credit limit would be exceeded). They must not block: the user decides.
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
