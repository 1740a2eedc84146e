"""Third parties' documents that live in the ledger only: open lines of a customer or supplier sub-account that carry
a document's reference and due date — the invoices of the previous tool taken over (`takeover`), or a FEC's.

Receivables (dunning, aged receivables) and purchases (payment runs) read them through here, each leaving out the
lines its own documents stand for (`exclude`), so the rule « what is left of an open item » is written once. An open
item: a posted line of an open fiscal year on a sub-account of `control` (411, 401) tied to a contact, on the side
of the document (debit for a customer's invoice, credit for a supplier's), with a reference and a due date, not in a
full matching. What is left of it: its amount less the other side of its partial matching (the oldest due first).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from pilote.ledger.models import Account, AuxiliaryAccount, EntryLine, FiscalYear, FiscalYearStatus, MatchedLine
from pilote.lib.money import ZERO

_DATED_LABEL = re.compile(r"\bdu (\d{2})/(\d{2})/(\d{4})\s*$")


@dataclass
class LedgerDocument:
    line_id: int
    contact_id: int
    number: str
    date: dt.date | None  # the document's own date when its label gives it (« Facture N du JJ/MM/AAAA »)
    due_date: dt.date
    total_gross: Decimal
    balance_due: Decimal
    label: str
    reductions: tuple[tuple[dt.date, Decimal], ...] = ()  # the partial settlements, by their date


def document_date(label: str) -> dt.date | None:
    found = _DATED_LABEL.search(label or "")
    if not found:
        return None
    day, month, year = (int(part) for part in found.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def open_lines(control: str, *, debit: bool, contact_ids=None, due_before: dt.date | None = None):
    """The open lines described above (a queryset, not evaluated). Read from the contacts' sub-accounts through the
    partial index of the lines not fully lettered (`is_lettered`, kept with every matching; `verify_ledger` checks
    it against the matchings): the sub-accounts first (a small table), then each one's open lines — not every line
    of the books probed for its account and matching (SQLite without statistics scanned the million lines of the
    bench ledger for the home page's to-do: 330 ms, even with no contact on any sub-account)."""
    auxiliaries = AuxiliaryAccount.objects.filter(control_account__code__startswith=control, contact__isnull=False)
    if contact_ids is not None:
        auxiliaries = auxiliaries.filter(contact_id__in=list(contact_ids))
    lines = EntryLine.objects.filter(
        auxiliary_id__in=auxiliaries.values("pk"),
        auxiliary__isnull=False,  # with the others below: the partial index of the open documents' condition
        account_id__in=Account.objects.filter(code__startswith=control).values("pk"),
        is_lettered=False,
        is_posted=True,
        fiscal_year_id__in=FiscalYear.objects.filter(status=FiscalYearStatus.OPEN).values("pk"),
        due_date__isnull=False,
        **({"debit__gt": 0} if debit else {"credit__gt": 0}),
    ).exclude(reference="")
    if due_before is not None:
        lines = lines.filter(due_date__lt=due_before)
    return lines


def documents(lines, *, debit: bool) -> list[LedgerDocument]:
    """The documents of `open_lines(...)` (possibly narrowed) with what is left of each, by due date (two queries)."""
    amount = "debit" if debit else "credit"
    rows = list(
        lines.order_by("due_date", "id").values_list(
            "id", "auxiliary__contact_id", "reference", "label", "due_date", amount, "match__matching_id"
        )
    )
    groups = {row[6] for row in rows if row[6] is not None}
    settled: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    if groups:
        other = {"line__credit__gt": 0} if debit else {"line__debit__gt": 0}
        for matching_id, day, value in MatchedLine.objects.filter(matching_id__in=list(groups), **other).values_list(
            "matching_id", "line__date", "line__credit" if debit else "line__debit"
        ):
            settled[matching_id].append((day, value))
    left_in_group = {group: sum((value for _, value in settled[group]), ZERO) for group in groups}
    found = []
    for line_id, contact_id, reference, label, due, total, group in rows:
        left, reductions = total, ()
        if group is not None:  # the group's other side settles its oldest documents first
            paid = min(left_in_group[group], total)
            left_in_group[group] -= paid
            left = total - paid
            reductions = tuple(settled[group]) if paid else ()
        if left > 0:
            found.append(LedgerDocument(line_id, contact_id, reference, document_date(label), due, total, left, label,
                                        reductions))  # fmt: skip
    return found
