"""Social indicators, for rh and direction (average pay and health-related absences are confidential)."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import render

from pilote.core.access import require_perm
from pilote.hr.queries import indicators as queries
from pilote.lib.dates import local_today
from pilote.lib.formats import format_number


@require_perm("hr.view")
def social_indicators(request):
    data = queries.report(local_today())
    absences = [(queries.kind_label(kind), days) for kind, days in sorted(data.absence_days.items())]
    pay = [(queries.category_label(category), women, men, count) for category, women, men, count in data.pay]
    average = data.headcount.average
    headcount = format_number(Decimal(average.numerator) / Decimal(average.denominator))
    return render(request, "hr/indicators.html",
                  {"r": data, "absences": absences, "pay": pay, "headcount": headcount})  # fmt: skip
