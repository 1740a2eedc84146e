"""Money arithmetic without Django: Decimal euros rounded the French / EN 16931 way, integer cents.

`pilote.lib.money` gives the same names with the model field (MoneyField) that stores amounts as cents; what
runs without `django.setup()` (manage.py's direct trial balance, `pilote.ledger.direct`) imports them from here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_decimal(value: object) -> Decimal:
    """Convert an int, str or Decimal to Decimal; floats are refused (they are never exact), and so are
    NaN and the infinities, which no amount is (Decimal("NaN") would pass every later check silently)."""
    if isinstance(value, float):
        raise TypeError("Money must not be a float; pass a str or Decimal.")
    if isinstance(value, Decimal):
        number = value
    else:
        try:
            number = Decimal(str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", ""))
        except InvalidOperation as exc:
            raise ValueError(f"Montant invalide : {value!r}") from exc
    if not number.is_finite():
        raise ValueError(f"Montant invalide : {value!r}")
    return number


def round_eur(value: object) -> Decimal:
    """Round to the cent, half away from zero (commercial rounding used in France and EN 16931)."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def split_amount(total: object, weights: list[Decimal | int]) -> list[Decimal]:
    """Split `total` in proportion to `weights`; the parts are rounded to the cent and always add up.

    Leftover cents (largest remainder method) go to the parts whose exact share lost the most.
    """
    total = round_eur(total)
    weights = [to_decimal(w) for w in weights]
    weight_sum = sum(weights, Decimal(0))
    if not weights:
        return []
    if weight_sum == 0:
        raise ValueError("Les pondérations ne peuvent pas être toutes nulles.")
    exact = [total * w / weight_sum for w in weights]
    parts = [e.quantize(CENT, rounding="ROUND_DOWN" if total >= 0 else "ROUND_UP") for e in exact]
    leftover = int((total - sum(parts, Decimal(0))) / CENT)
    step = CENT if leftover >= 0 else -CENT
    order = sorted(range(len(parts)), key=lambda i: abs(exact[i] - parts[i]), reverse=True)
    for i in order[: abs(leftover)]:
        parts[i] += step
    return parts


def to_cents(value: object) -> int:
    return int(round_eur(value) / CENT)


def from_cents(cents: int | None) -> Decimal | None:
    if cents is None:
        return None
    return (Decimal(cents) * CENT).quantize(CENT)
