"""Document numbers: one sequence per series and calendar year, e.g. F-2026-00042.

The sequence row is locked (select_for_update) for the rest of the caller's transaction, so two users
issuing at once get consecutive numbers, and a rolled-back issue gives its number back: invoice numbers
stay unbroken (CGI ann. II art. 242 nonies A: « numérotation continue »).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from pilote.sales.models import NumberSequence, Series

WIDTH = {Series.INVOICE: 5, Series.CREDIT_NOTE: 5}


def format_number(series: str, year: int, number: int) -> str:
    return f"{series}-{year}-{number:0{WIDTH.get(series, 4)}d}"


def next_number(series: str, year: int) -> str:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that uses the number")
    sequence = NumberSequence.objects.select_for_update().filter(series=series, year=year).first()
    if sequence is None:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(series=series, year=year, last_number=0)
        except IntegrityError:  # created by a concurrent transaction in between
            pass
        sequence = NumberSequence.objects.select_for_update().get(series=series, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return format_number(series, year, sequence.last_number)
