"""Pure rules of donations and tax receipts: the donor's estimated tax reduction (CGI art. 200 and 238 bis,
FRENCH-RULES §10) and an amount written in French words, as a receipt prints it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pilote.lib.dates import local_today
from pilote.lib.money import ZERO, round_eur

RATE_INDIVIDUAL = 66  # % within 20 % of taxable income (CGI art. 200-1)
RATE_IN_NEED = 75  # % for meals, care or housing of people in need, within a yearly ceiling (art. 200-1 ter)
RATE_COMPANY = 60  # % within 20 000 € or 5 ‰ of revenue, the higher (art. 238 bis)
INCOME_SHARE = Decimal("0.20")
COMPANY_FLOOR = Decimal("20000")
COMPANY_SHARE = Decimal("0.005")
# The 75 % ceiling: 1 000 € of gifts; 2 000 € for gifts made from 14 October 2025 (loi de finances 2026).
IN_NEED_CEILING_FROM = dt.date(2025, 10, 14)


def in_need_ceiling(gift_date: dt.date) -> Decimal:
    return Decimal("2000") if gift_date >= IN_NEED_CEILING_FROM else Decimal("1000")


@dataclass(frozen=True)
class Reduction:
    """The donor's estimated reduction: the part at each rate, the amount, and the ceiling applied."""

    amount: Decimal
    base_high: Decimal  # the part at 75 % (individuals, help to people in need)
    base_normal: Decimal  # the part at 66 % (individuals) or 60 % (companies), after the ceiling
    rate_high: int
    rate_normal: int
    ceiling: Decimal | None  # the ceiling of the normal base, when known
    ceiling_note: str


def receipt_rate(*, company: bool, help_in_need: bool) -> int:
    if company:
        return RATE_COMPANY
    return RATE_IN_NEED if help_in_need else RATE_INDIVIDUAL


def estimated_reduction(
    *,
    total: Decimal,
    company: bool,
    help_in_need: bool = False,
    last_gift_on: dt.date | None = None,
    taxable_income: Decimal | None = None,
    revenue: Decimal | None = None,
) -> Reduction:
    total = round_eur(total)
    if company:
        floor_note = "20 000 € ou 5 ‰ du chiffre d'affaires hors taxes, le plus élevé"
        ceiling = max(COMPANY_FLOOR, round_eur(revenue * COMPANY_SHARE)) if revenue is not None else None
        base = min(total, ceiling) if ceiling is not None else total
        return Reduction(
            round_eur(base * RATE_COMPANY / 100), ZERO, base, RATE_COMPANY, RATE_COMPANY, ceiling,
            f"Dans la limite de {floor_note}.",
        )  # fmt: skip
    base_high = ZERO
    if help_in_need:
        base_high = min(total, in_need_ceiling(last_gift_on or local_today()))
    base_normal = total - base_high
    ceiling = round_eur(taxable_income * INCOME_SHARE) if taxable_income is not None else None
    if ceiling is not None:
        base_normal = min(base_normal, ceiling)
    amount = round_eur(base_high * RATE_IN_NEED / 100 + base_normal * RATE_INDIVIDUAL / 100)
    note = "Dans la limite de 20 % du revenu imposable ; l'excédent se reporte sur les cinq années suivantes."
    return Reduction(amount, base_high, base_normal, RATE_IN_NEED, RATE_INDIVIDUAL, ceiling, note)


# --- Amounts in words -----------------------------------------------------------------------------------------
_UNITS = [
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze", "treize",
    "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
]  # fmt: skip
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _below_100(n: int) -> str:
    if n < 20:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    if tens in (7, 9):  # soixante-dix…, quatre-vingt-dix…
        head = "soixante" if tens == 7 else "quatre-vingt"
        if tens == 7 and unit == 1:
            return "soixante et onze"
        return f"{head}-{_UNITS[10 + unit]}"
    if tens == 8:
        return "quatre-vingts" if unit == 0 else f"quatre-vingt-{_UNITS[unit]}"
    if unit == 0:
        return _TENS[tens]
    if unit == 1:
        return f"{_TENS[tens]} et un"
    return f"{_TENS[tens]}-{_UNITS[unit]}"


def _below_1000(n: int, final: bool) -> str:
    """`final`: nothing follows (« deux cents » but « deux cent mille »)."""
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        if hundreds == 1:
            words.append("cent")
        else:
            words.append(f"{_UNITS[hundreds]} cent{'s' if rest == 0 and final else ''}")
    if rest:
        text = _below_100(rest)
        if rest == 80 and not final:
            text = "quatre-vingt"
        words.append(text)
    return " ".join(words)


def number_in_words(n: int) -> str:
    if n == 0:
        return "zéro"
    parts = []
    millions, rest = divmod(n, 1_000_000)
    thousands, units = divmod(rest, 1000)
    if millions:
        parts.append(f"{_below_1000(millions, True)} million{'s' if millions > 1 else ''}")
    if thousands:
        parts.append("mille" if thousands == 1 else f"{_below_1000(thousands, False)} mille")
    if units:
        parts.append(_below_1000(units, True))
    return " ".join(parts)


def amount_in_words(amount: Decimal) -> str:
    """« 1 280,50 » → « mille deux cent quatre-vingts euros et cinquante centimes »."""
    cents = int(round_eur(amount) * 100)
    euros, cents = divmod(cents, 100)
    text = f"{number_in_words(euros)} euro{'s' if euros > 1 else ''}"
    if euros and euros % 1_000_000 == 0:
        text = text.replace(" euros", " d'euros")
    if cents:
        text += f" et {number_in_words(cents)} centime{'s' if cents > 1 else ''}"
    return text


# --- Volunteering (ANC 2018-06, contributions volontaires en nature) ----------------------------------------------
# The default value of a volunteer hour: the gross hourly SMIC from 1 January 2026 (décret 2025-1228, FRENCH-RULES
# §7 — the same figure as hr.payroll.SMIC_HOURLY, which associations may not import).
DEFAULT_VOLUNTEER_RATE = Decimal("12.02")
MAX_MINUTES_A_DAY = 24 * 60


def minutes_of(hours: Decimal) -> int:
    """Hours as typed (1,5 → 90 minutes), to the minute."""
    return int((Decimal(hours) * 60).to_integral_value())


def volunteer_value(minutes: int, rate: Decimal) -> Decimal:
    """The value of `minutes` of volunteering at an hourly `rate`, to the cent."""
    return round_eur(Decimal(minutes) * Decimal(rate) / 60)


def hours_of(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))
