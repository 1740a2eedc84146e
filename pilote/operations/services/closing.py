"""The year-end stock change entry (variation des stocks, PCG art. 946-60 / 947-71): the books keep purchases
in 60x and production in 70x during the year (inventaire intermittent); at the year end, for each kind of stock,
the opening stock in the books is cancelled and the closing stock recorded at its value on the last day:

    goods:          6037 D / 370 C  opening,   370 D / 6037 C  closing
    raw materials:  6031 D / 310 C  opening,   310 D / 6031 C  closing
    finished goods: 71355 D / 355 C opening,  355 D / 71355 C closing

so 6037 ends with (opening − closing) — a stock build-up lowers the cost of goods sold — and 71355 with
(closing − opening), the stored production. The opening is what the ledger holds on the stock account when the
entry is prepared (the previous year's closing stock, carried forward), the closing is the stock valuation at
the year's last day (queries.stock.value_at). One OD entry per year, piece STOCKyyyy, posted through
`ledger.services.create_entry`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.ledger.models import Account, Entry, FiscalYear, Journal
from pilote.ledger.queries import trial_balance
from pilote.ledger.services import LineInput, create_account, create_entry
from pilote.lib.money import ZERO
from pilote.operations.models import CATEGORY_ACCOUNTS, StockCategory
from pilote.operations.queries.stock import value_by_category

ACCOUNT_LABELS = {
    "370": "Stocks de marchandises",
    "6037": "Variation des stocks de marchandises",
    "310": "Matières premières et fournitures",
    "6031": "Variation des stocks de matières premières et fournitures",
    "355": "Produits finis",
    "71355": "Variation des stocks de produits finis",
}


@dataclass
class VariationRow:
    category: str
    label: str
    stock_account: str
    variation_account: str
    opening: Decimal  # in the books
    closing: Decimal  # counted/valued stock at the year end

    @property
    def variation(self) -> Decimal:
        return self.opening - self.closing


def piece_ref(year: FiscalYear) -> str:
    return f"STOCK{year.end_date:%Y}"


def existing_entry(year: FiscalYear):
    return Entry.objects.filter(fiscal_year=year, piece_ref=piece_ref(year)).first()


def prepare(year: FiscalYear) -> list[VariationRow]:
    closing = value_by_category(year.end_date)
    rows = []
    for category, (stock_code, variation_code) in CATEGORY_ACCOUNTS.items():
        # Every account of the heading (31, 37 or 355) counts: the books may hold 3100, 371…
        opening = sum((r.balance for r in trial_balance(year, prefix=stock_code.rstrip("0"))), ZERO)
        rows.append(VariationRow(category, StockCategory(category).label, stock_code, variation_code, opening,
                                 closing.get(category, ZERO)))  # fmt: skip
    return rows


def _account(actor, code: str) -> Account:
    return Account.objects.filter(code=code).first() or create_account(actor=actor, code=code,
                                                                        label=ACCOUNT_LABELS[code])  # fmt: skip


@transaction.atomic
def post_stock_variation(*, actor, year: FiscalYear, rows: list[VariationRow] | None = None):
    """The year's entry from `prepare(year)` — or from its rows prepared a moment before (the demo prepares them
    on a stock it builds up to the year end, then rolls that stock back)."""
    if existing_entry(year):
        raise DomainError(f"La variation des stocks de l'exercice {year.end_date:%Y} est déjà comptabilisée.")
    journal = Journal.objects.filter(code="OD").first()
    if journal is None:
        raise DomainError("Le journal des opérations diverses (OD) n'existe pas.")
    lines = []
    for row in prepare(year) if rows is None else rows:
        if row.opening < 0:
            raise DomainError(f"Le compte {row.stock_account} est créditeur : corrigez-le avant la variation.")
        stock, variation = _account(actor, row.stock_account), _account(actor, row.variation_account)
        if row.opening:
            lines += [
                LineInput(account=variation, debit=row.opening, label=f"Annulation du stock initial — {row.label}"),
                LineInput(account=stock, credit=row.opening, label=f"Annulation du stock initial — {row.label}"),
            ]
        if row.closing:
            lines += [
                LineInput(account=stock, debit=row.closing, label=f"Stock final — {row.label}"),
                LineInput(account=variation, credit=row.closing, label=f"Stock final — {row.label}"),
            ]
    if not lines:
        raise DomainError("Aucun stock à l'ouverture ni à la clôture : il n'y a pas de variation à comptabiliser.")
    entry = create_entry(
        actor=actor, journal=journal, date=year.end_date, label=f"Variation des stocks {year.end_date:%Y}",
        piece_ref=piece_ref(year), post=True, lines=lines,
    )  # fmt: skip
    audit.record(actor, "operations.stock.variation_posted", entry, after={"exercice": str(year)})
    return entry
