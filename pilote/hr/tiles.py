"""The staff indicators on the dashboards, registered by hr in `core.registry.register_kpi` (the dashboards never
import hr): headcount today against a year ago, absenteeism and turnover over the last twelve months. Direction
sets their thresholds like any other tile's (absenteeism and turnover alert above theirs). Three reads, shared by
the tiles of one page: the staff with their latest contract, the approved absences of the twelve months."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from pilote.core.registry import KpiProvider, KpiTile, register_kpi
from pilote.lib.charts import MONTHS, bar_chart
from pilote.lib.formats import format_number

SECTION = "Personnel"


def _figures(ctx):
    def read():
        from pilote.hr import indicators
        from pilote.hr.models import Absence, AbsenceStatus
        from pilote.hr.queries.indicators import people

        staff = people()
        rows = indicators.months(staff, ctx.today)
        start = dt.date(rows[0].year, rows[0].month, 1)
        end = ctx.today.replace(day=1) - dt.timedelta(days=1)
        absences = Absence.objects.filter(status=AbsenceStatus.APPROVED, start__lte=end, end__gte=start)
        _, rate, _ = indicators.absenteeism(staff, absences.values_list("employee_id", "kind", "start", "end"),
                                            start, end)  # fmt: skip
        return staff, rows, rate, indicators.turnover(rows)

    return ctx.shared("hr.figures", read)


def _present(staff, day: dt.date) -> int:
    return sum(1 for p in staff if p.contract != "stage" and p.present(day))


def headcount(ctx) -> KpiTile | None:
    staff, rows, _, _ = _figures(ctx)
    if not staff:
        return None
    now = _present(staff, ctx.today)
    try:
        year_ago = ctx.today.replace(year=ctx.today.year - 1)
    except ValueError:  # 29 February
        year_ago = ctx.today - dt.timedelta(days=365)
    before = _present(staff, year_ago)
    change = now - before
    sign = "+" if change > 0 else "−" if change < 0 else ""
    chart = bar_chart([(f"{MONTHS[r.month - 1]} {r.year % 100:02d}", Decimal(r.physical)) for r in rows[-6:]],
                      title="Effectif en fin de mois", unit="")  # fmt: skip
    return KpiTile(
        Decimal(now), f"{now} salarié{'s' if now > 1 else ''}", reverse("hr:indicators"),
        note=f"ETP du dernier mois : {format_number(rows[-1].fte, 2)}" if rows else "",
        comparisons=[("Il y a un an", str(before), f"{sign}{abs(change)}" if change else "")], chart=chart,
    )  # fmt: skip


def absenteeism(ctx) -> KpiTile | None:
    staff, _, rate, _ = _figures(ctx)
    if not staff:
        return None
    note = "jours d'absence (hors congés payés et RTT) sur les jours de présence, 12 derniers mois"
    return KpiTile(rate, f"{format_number(rate, 1)}\u202f%", reverse("hr:indicators"), note=note)


def turnover(ctx) -> KpiTile | None:
    staff, _, _, rate = _figures(ctx)
    if not staff:
        return None
    return KpiTile(rate, f"{format_number(rate, 1)}\u202f%", reverse("hr:indicators"),
                   note="(entrées + sorties) ÷ 2 sur l'effectif moyen, 12 derniers mois")  # fmt: skip


PROVIDERS = [
    KpiProvider("rh_effectif", "Effectif", "hr.view", 60, headcount, SECTION, unit="salariés"),
    KpiProvider("rh_absenteisme", "Taux d'absentéisme", "hr.view", 61, absenteeism, SECTION, unit="%",
                alert_below=False),
    KpiProvider("rh_turnover", "Taux de rotation du personnel", "hr.view", 62, turnover, SECTION, unit="%",
                alert_below=False),
]  # fmt: skip


def register() -> None:
    for provider in PROVIDERS:
        register_kpi(provider)
