"""The trial balance without Django: its rows, built from the per-month aggregates summed by account and
opening flag, its totals, its columns and the `trial_balance` command's output. Two readers fill it: the ORM
(`queries.trial_balance`, for the pages, the exports and the command inside Django) and manage.py's direct path
(`pilote.ledger.direct`, the same SQL without `django.setup()`); both then print through `write_report`, so the
command says the same thing whichever path answered."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from pilote.lib.amounts import ZERO
from pilote.lib.cells import Column, csv_text


class TrialBalanceRow:
    """One account's line: opening (à-nouveaux, netted to one side), movements, and the closing balance. A plain
    class: importing `dataclasses` (and `inspect`) would cost manage.py's direct path about a fifth of its time."""

    __slots__ = ("code", "label", "opening_debit", "opening_credit", "debit", "credit")

    def __init__(self, code: str, label: str, opening_debit: Decimal, opening_credit: Decimal, debit: Decimal,
                 credit: Decimal) -> None:  # fmt: skip
        self.code, self.label = code, label
        self.opening_debit, self.opening_credit, self.debit, self.credit = opening_debit, opening_credit, debit, credit

    def __repr__(self) -> str:
        return (
            f"TrialBalanceRow({self.code!r}, {self.label!r}, {self.opening_debit!r}, {self.opening_credit!r}, "
            f"{self.debit!r}, {self.credit!r})"
        )

    def _key(self) -> tuple:
        return self.code, self.label, self.opening_debit, self.opening_credit, self.debit, self.credit

    def __eq__(self, other: object) -> bool:  # compared by value, as the dataclass it was (the FEC round trip)
        return self._key() == other._key() if isinstance(other, TrialBalanceRow) else NotImplemented

    __hash__ = None  # mutable, like the dataclass it was

    @property
    def balance(self) -> Decimal:
        return self.opening_debit - self.opening_credit + self.debit - self.credit

    @property
    def closing_debit(self) -> Decimal:
        return self.balance if self.balance > 0 else ZERO

    @property
    def closing_credit(self) -> Decimal:
        return -self.balance if self.balance < 0 else ZERO


def _net(debit: Decimal, credit: Decimal) -> tuple[Decimal, Decimal]:
    net = debit - credit
    return (net, ZERO) if net >= 0 else (ZERO, -net)


def rows_from_sums(sums: Iterable[tuple[str, str, bool, Decimal, Decimal]]) -> list[TrialBalanceRow]:
    """Rows by account code from (code, label, is_opening, debit, credit) sums: the opening (à-nouveaux) netted
    to one side, the movements as summed."""
    rows: dict[str, TrialBalanceRow] = {}
    for code, label, is_opening, debit, credit in sums:
        row = rows.setdefault(code, TrialBalanceRow(code, label, ZERO, ZERO, ZERO, ZERO))
        if is_opening:
            row.opening_debit, row.opening_credit = _net(row.opening_debit + debit, row.opening_credit + credit)
        else:
            row.debit += debit
            row.credit += credit
    return [rows[code] for code in sorted(rows)]


def trial_balance_totals(rows: list[TrialBalanceRow]) -> dict[str, Decimal]:
    names = ["opening_debit", "opening_credit", "debit", "credit", "closing_debit", "closing_credit"]
    return {name: sum((getattr(r, name) for r in rows), ZERO) for name in names}


TRIAL_BALANCE_COLUMNS = [
    Column("compte", lambda r: r.code),
    Column("libelle", lambda r: r.label),
    Column("ouverture_debit", lambda r: r.opening_debit),
    Column("ouverture_credit", lambda r: r.opening_credit),
    Column("mouvements_debit", lambda r: r.debit),
    Column("mouvements_credit", lambda r: r.credit),
    Column("solde_debit", lambda r: r.closing_debit),
    Column("solde_credit", lambda r: r.closing_credit),
]


def fiscal_year_name(start: dt.date, end: dt.date) -> str:
    """What a fiscal year is called (FiscalYear.__str__): « Exercice 2026 », or its dates when it spans two years."""
    if start.year == end.year:
        return f"Exercice {start.year}"
    return f"Exercice {start:%d/%m/%Y} – {end:%d/%m/%Y}"


def write_report(out, year_name: str, rows: list[TrialBalanceRow], fmt: str) -> None:
    """The `trial_balance` command's output on `out` (a text stream): a table, or CSV (;, decimal comma) with
    the same cells as the page's CSV export (typed, text made inert)."""
    if fmt == "csv":
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow([column.label for column in TRIAL_BALANCE_COLUMNS])
        for row in rows:
            writer.writerow([csv_text(column.value(row)) for column in TRIAL_BALANCE_COLUMNS])
        return
    out.write(f"Balance générale — {year_name}\n")
    for row in rows:
        out.write(f"{row.code:<10} {row.label[:40]:<40} {row.closing_debit:>15} {row.closing_credit:>15}\n")
    totals = trial_balance_totals(rows)
    out.write(f"{'Totaux':<51} {totals['closing_debit']:>15} {totals['closing_credit']:>15}\n")
