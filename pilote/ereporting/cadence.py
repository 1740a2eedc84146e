"""When e-reporting data is transmitted: the periods of each flow, by the structure's VAT regime (pure).

Sources: DGFiP, « Spécifications externes de la facturation électronique », dossier général v3.x, §3.7.7
(tableau des fréquences de transmission de l'e-reporting), summed up in FRENCH-RULES §3 (« from 3 times a
month, normal monthly regime, to once every 2 months, franchise »):

| régime de TVA                         | transactions (10.1, 10.3)       | paiements (10.2, 10.4) |
|---------------------------------------|---------------------------------|------------------------|
| réel normal mensuel                   | par décade (1–10, 11–20, 21–fin) | par mois               |
| réel normal trimestriel               | par mois                        | par mois               |
| réel simplifié                        | par mois                        | par mois               |
| franchise en base (293 B)             | tous les deux mois              | tous les deux mois     |

Pilote keeps the regimes of core.vat_policy (débits / encaissements / franchise / non assujettie) and files
CA3 returns (réel normal): a structure whose last CA3 covered a quarter is « réel normal trimestriel », else
« réel normal mensuel ». Pilote has no CA12 (réel simplifié), so that line of the table is never chosen. A
structure that is not liable to VAT (non assujettie, CGI 261-7-1°) has nothing to report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pilote.lib.dates import add_months

TRANSACTIONS = "transactions"
PAYMENTS = "paiements"
FLOWS = {TRANSACTIONS: "Transactions", PAYMENTS: "Paiements"}

DECADE, MONTH, TWO_MONTHS = "decade", "mois", "bimestre"
STEP_LABELS = {DECADE: "par décade", MONTH: "par mois", TWO_MONTHS: "tous les deux mois"}


@dataclass(frozen=True)
class Cadence:
    regime: str  # « réel normal mensuel »…, as the DGFiP table names it
    transactions: str  # DECADE, MONTH or TWO_MONTHS
    payments: str

    def step(self, flow: str) -> str:
        return self.transactions if flow == TRANSACTIONS else self.payments

    @property
    def summary(self) -> str:
        return f"{self.regime} : transactions {STEP_LABELS[self.transactions]}, paiements {STEP_LABELS[self.payments]}"


MONTHLY_NORMAL = Cadence("Réel normal mensuel", DECADE, MONTH)
QUARTERLY_NORMAL = Cadence("Réel normal trimestriel", MONTH, MONTH)
FRANCHISE = Cadence("Franchise en base de TVA", TWO_MONTHS, TWO_MONTHS)


def cadence_for(vat_regime: str, *, quarterly_returns: bool) -> Cadence | None:
    """The cadence of a structure under `vat_regime` (core.models.VatRegime values); None when it is not
    liable to VAT and so has no e-reporting to do."""
    if vat_regime == "non_assujettie":
        return None
    if vat_regime == "franchise":
        return FRANCHISE
    return QUARTERLY_NORMAL if quarterly_returns else MONTHLY_NORMAL


@dataclass(frozen=True)
class Period:
    flow: str  # TRANSACTIONS or PAYMENTS
    start: dt.date
    end: dt.date

    @property
    def flow_label(self) -> str:
        return FLOWS[self.flow]

    @property
    def key(self) -> str:
        return self.start.isoformat()

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _month_end(day: dt.date) -> dt.date:
    return add_months(day.replace(day=1), 1) - dt.timedelta(days=1)


def period_containing(flow: str, step: str, day: dt.date) -> Period:
    """The period of `flow` cut by `step` that contains `day`."""
    if step == DECADE:
        if day.day <= 10:
            return Period(flow, day.replace(day=1), day.replace(day=10))
        if day.day <= 20:
            return Period(flow, day.replace(day=11), day.replace(day=20))
        return Period(flow, day.replace(day=21), _month_end(day))
    if step == MONTH:
        return Period(flow, day.replace(day=1), _month_end(day))
    first_month = day.month - (day.month - 1) % 2  # January–February, March–April…
    start = day.replace(month=first_month, day=1)
    return Period(flow, start, add_months(start, 2) - dt.timedelta(days=1))


def periods_between(cadence: Cadence, first: dt.date, last: dt.date) -> list[Period]:
    """Every period of both flows from the one containing `first` to the one containing `last`, the most
    recent first (transactions before payments on the same start)."""
    found = []
    for flow in (TRANSACTIONS, PAYMENTS):
        period = period_containing(flow, cadence.step(flow), first)
        while period.start <= last:
            found.append(period)
            period = period_containing(flow, cadence.step(flow), period.end + dt.timedelta(days=1))
    return sorted(found, key=lambda p: (p.start, p.flow == TRANSACTIONS), reverse=True)
