"""The VAT returns' due dates, shown read-only in the office's agenda (core.registry.register_calendar_layer): the
ledger plugs them in, the office never reads the ledger.

A CA3 (3310-CA3, monthly or quarterly: FRENCH-RULES §4) is filed and paid in the month after its period, on a day
between the 15th and the 24th that depends on the taxpayer (legal form, place, initial of the name: CGI annexe IV
art. 39 ; the structure reads its own in its tax account, « espace professionnel »). That day is the setting
PILOTE_VAT_DUE_DAY, the 19th by default (a company's earliest), carried to the next working day after a
weekend or a public holiday. Shown: each period still to declare whose due date
falls in the days asked (from the next period to declare, monthly or quarterly like the last return), and the
returns already declared, marked so. Nothing when the structure declares no VAT (franchise, non assujettie)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse

from pilote.core.registry import LayerEntry
from pilote.lib.dates import add_months

DEFAULT_DUE_DAY = 19
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")  # fmt: skip


def due_day() -> int:
    day = int(getattr(settings, "PILOTE_VAT_DUE_DAY", DEFAULT_DUE_DAY))
    return min(max(day, 1), 28)


def due_date(period_end: dt.date, day: int | None = None) -> dt.date:
    """The CA3 of a period ending on `period_end` is due on `day` of the following month, carried to the next
    working day when that day is a Saturday, a Sunday or a public holiday."""
    from pilote.lib.public_holidays import is_holiday

    due = add_months(period_end.replace(day=1), 1).replace(day=day or due_day())
    while due.weekday() >= 5 or is_holiday(due):
        due += dt.timedelta(days=1)
    return due


def period_label(start: dt.date, end: dt.date) -> str:
    if (start.year, start.month) == (end.year, end.month):
        return f"{MONTHS[start.month - 1]} {start.year}"
    return f"{MONTHS[start.month - 1]} à {MONTHS[end.month - 1]} {end.year}"


def vat_deadlines(user, first: dt.date, last: dt.date) -> list[LayerEntry]:
    from pilote.core.vat_policy import current_policy
    from pilote.ledger import vat
    from pilote.ledger.models import VatReturn

    if not current_policy().declares_vat:
        return []
    url = reverse("ledger:vat-return")
    entries = []
    # Declared returns whose due date falls in the days shown: a period ends at most a month and 28 days before.
    for ret in VatReturn.objects.filter(period_end__gte=first - dt.timedelta(days=62), period_end__lte=last):
        day = due_date(ret.period_end)
        if first <= day <= last:
            entries.append(LayerEntry(f"TVA : CA3 {period_label(ret.period_start, ret.period_end)} déclarée", day,
                                      url))  # fmt: skip
    for start, end in vat.periods_to_declare(last):
        day = due_date(end)
        if first <= day <= last:
            entries.append(LayerEntry(f"TVA : CA3 {period_label(start, end)} à déposer et payer", day, url))
    return sorted(entries, key=lambda entry: entry.day)
