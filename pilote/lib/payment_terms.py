"""A supplier's payment terms as French invoices state them: « à réception », « 45 jours », « 30 jours fin de
mois ». Pure functions: the due date of an invoice from its date, the terms read from text and written back.

Terms are a number of days (0: on receipt) and whether they count from the end of the invoice's month; « N jours fin
de mois » is read as the end of the month plus N days, the reading sales uses (`sales/terms.py`, FRENCH-RULES §2).
Agreed terms may not exceed 60 days, or 45 days end of month (C. com. L441-10).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

MAX_DAYS, MAX_DAYS_END_OF_MONTH = 60, 45
_END_OF_MONTH = re.compile(r"\b(fin de mois|fdm|f\.d\.m\.?)\b")
_ON_RECEIPT = re.compile(r"^(a|à) (reception|réception)$|^comptant$|^immediat$|^immédiat$")
_DAYS = re.compile(r"^(\d{1,3}) ?(jours?|j)?$")


def due_date(invoice_date: dt.date, days: int, end_of_month: bool) -> dt.date:
    start = invoice_date
    if end_of_month:
        start = invoice_date.replace(day=calendar.monthrange(invoice_date.year, invoice_date.month)[1])
    return start + dt.timedelta(days=days)


def label(days: int | None, end_of_month: bool) -> str:
    if days is None:
        return ""
    if days == 0 and not end_of_month:
        return "à réception"
    return f"{days} jours fin de mois" if end_of_month else f"{days} jours"


def problem(days: int | None, end_of_month: bool) -> str:
    """Why the terms are not allowed, in French; empty when they are."""
    if days is None:
        return "indiquez le nombre de jours pour un délai « fin de mois »." if end_of_month else ""
    if end_of_month and days > MAX_DAYS_END_OF_MONTH:
        return f"45 jours fin de mois au plus (art. L441-10 du code de commerce), pas {days}."
    if days > MAX_DAYS:
        return f"60 jours au plus à compter de la facture (art. L441-10 du code de commerce), pas {days}."
    return ""


def parse(text: str) -> tuple[int | None, bool]:
    """« 30 jours fin de mois » → (30, True), « 45 jours » → (45, False), « à réception » → (0, False), « » →
    (None, False). ValueError with a French message for anything else or beyond the legal limits."""
    words = " ".join((text or "").lower().replace("-", " ").split())
    if not words:
        return None, False
    if _ON_RECEIPT.match(words):
        return 0, False
    end_of_month = bool(_END_OF_MONTH.search(words))
    found = _DAYS.match(_END_OF_MONTH.sub("", words).strip(" ,"))
    if not found:
        raise ValueError(
            f"« {text} » n'est pas un délai de paiement reconnu : écrivez par exemple « à réception », « 45 jours » "
            "ou « 30 jours fin de mois »."
        )
    days = int(found.group(1))
    why = problem(days, end_of_month)
    if why:
        raise ValueError(why)
    return days, end_of_month
