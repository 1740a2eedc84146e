"""Pure: the analytic result of an axis — income (7), expenses (6) and result per section, the part left
undistributed, and the check that sections + undistributed give back the general ledger to the cent."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from pilote.lib.money import ZERO


@dataclass
class SectionRow:
    code: str
    label: str
    income: Decimal = ZERO  # class 7, credit − debit
    expenses: Decimal = ZERO  # class 6, debit − credit
    section_id: int | None = None  # None: the undistributed row
    by_group: dict[str, Decimal] = field(default_factory=dict)  # two-digit group → natural amount

    @property
    def result(self) -> Decimal:
        return self.income - self.expenses


@dataclass
class AnalyticReport:
    rows: list[SectionRow]
    undistributed: SectionRow
    ledger_income: Decimal
    ledger_expenses: Decimal

    @property
    def total_income(self) -> Decimal:
        return sum((r.income for r in self.rows), self.undistributed.income)

    @property
    def total_expenses(self) -> Decimal:
        return sum((r.expenses for r in self.rows), self.undistributed.expenses)

    @property
    def total_result(self) -> Decimal:
        return self.total_income - self.total_expenses

    @property
    def ledger_result(self) -> Decimal:
        return self.ledger_income - self.ledger_expenses

    @property
    def reconciles(self) -> bool:
        return self.total_income == self.ledger_income and self.total_expenses == self.ledger_expenses


def _natural(code: str, debit: Decimal, credit: Decimal) -> Decimal:
    return credit - debit if code.startswith("7") else debit - credit


def build_report(
    sections: list[tuple[int, str, str]],
    ledger: dict[str, tuple[Decimal, Decimal]],
    distributed: dict[tuple[int, str], tuple[Decimal, Decimal]],
) -> AnalyticReport:
    """sections: (id, code, label) of the axis; ledger: account code → (debit, credit) of classes 6 and 7;
    distributed: (section id, account code) → (debit, credit) on the axis."""
    rows = {sid: SectionRow(code, label, section_id=sid) for sid, code, label in sections}
    left = SectionRow("—", "Non ventilé")
    remaining = {code: _natural(code, d, c) for code, (d, c) in ledger.items() if code.startswith(("6", "7"))}
    for (sid, code), (debit, credit) in distributed.items():
        amount = _natural(code, debit, credit)
        row = rows.get(sid)
        if row is None or code not in remaining:
            continue
        _add(row, code, amount)
        remaining[code] -= amount
    for code, amount in remaining.items():
        if amount:
            _add(left, code, amount)
    income = sum((a for code, (d, c) in ledger.items() if code.startswith("7") for a in [c - d]), ZERO)
    expenses = sum((a for code, (d, c) in ledger.items() if code.startswith("6") for a in [d - c]), ZERO)
    return AnalyticReport(list(rows.values()), left, income, expenses)


def _add(row: SectionRow, code: str, amount: Decimal) -> None:
    if code.startswith("7"):
        row.income += amount
    else:
        row.expenses += amount
    row.by_group[code[:2]] = row.by_group.get(code[:2], ZERO) + amount
