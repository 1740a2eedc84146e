"""The finance share of the demo: the current year's budget, made from last year's actuals + 5 % (initial),
then revised with the sales of services raised by 10 % and the staff costs by 3 % from the current month on —
so the variance page and the dashboard tiles compare the year to date with a budget."""

from __future__ import annotations

from decimal import Decimal

from pilote.core.demo import DEMO_TODAY
from pilote.finance import budgets, queries, services
from pilote.ledger.models import FiscalYear
from pilote.lib.money import round_eur


def load(rng, users) -> None:
    year = FiscalYear.objects.filter(start_date__lte=DEMO_TODAY, end_date__gte=DEMO_TODAY).first()
    if year is None or not FiscalYear.objects.filter(end_date__lt=year.start_date).exists():
        return
    actor = users["comptable"]
    initial = services.create_budget(
        actor=actor, fiscal_year=year, name=f"Budget {year.start_date.year}", percent=Decimal(5)
    )
    revision = services.create_budget(
        actor=users["direction"], fiscal_year=year, name=f"Budget {year.start_date.year} révisé", source=initial
    )
    now = budgets.month_index(year.start_date, DEMO_TODAY)
    for group, values in queries.budget_months(revision).items():
        factor = Decimal("1.10") if group == "706" else Decimal("1.03") if group.startswith("64") else None
        if factor is not None:
            changed = [round_eur(v * factor) if i >= now else v for i, v in enumerate(values)]
            services.set_budget_group(actor=users["direction"], budget=revision, group=group, months=changed)
