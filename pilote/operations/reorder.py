"""Reorder points, pure: how much of an article to order once its stock position falls to its reorder point.

The position is what is on hand plus what is already ordered and not yet received (a draft order counts: the
suggestion is not made twice). At or under the reorder point s, the order is the reorder quantity Q, as many times
as it takes to bring the position above s (the (s, Q) policy); without a Q, the position is brought up to 2 × s.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

ZERO = Decimal("0")


def suggested_quantity(
    on_hand: Decimal, on_order: Decimal, reorder_point: Decimal, reorder_quantity: Decimal
) -> Decimal:
    position = on_hand + max(on_order, ZERO)
    if reorder_point <= 0 or position > reorder_point:
        return ZERO
    if reorder_quantity > 0:
        times = ((reorder_point - position) / reorder_quantity).to_integral_value(ROUND_CEILING)
        if position + times * reorder_quantity <= reorder_point:
            times += 1
        return times * reorder_quantity
    return 2 * reorder_point - position
