"""Ledger fixtures: a fiscal year, a small chart, the usual journals, a customer sub-ledger account."""

import datetime as dt
from decimal import Decimal

import pytest

from pilote.ledger import services
from pilote.ledger.models import Account, AuxiliaryAccount, FiscalYear, Journal

CODES = {
    "44551": "TVA à décaisser", "44562": "TVA sur immobilisations", "44567": "Crédit de TVA à reporter",
    "2183": "Matériel de bureau", "101": "Capital", "401": "Fournisseurs", "411": "Clients",
    "44566": "TVA déductible sur autres biens et services",
    "44571": "TVA collectée", "512": "Banques", "530": "Caisse", "606": "Achats non stockés",
    "607": "Achats de marchandises", "706": "Prestations de services", "707": "Ventes de marchandises",
}  # fmt: skip


@pytest.fixture
def books(personas):
    """A minimal set of books: FY 2026, accounts, journals VT/AC/BQ/OD, one customer and one supplier."""
    year = FiscalYear.objects.create(start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31))
    accounts = {code: Account.objects.create(code=code, label=label) for code, label in CODES.items()}
    journals = {
        code: Journal.objects.create(code=code, label=label, kind=kind)
        for code, label, kind in services.DEFAULT_JOURNALS
    }
    customer = AuxiliaryAccount.objects.create(code="C000001", label="Client A", control_account=accounts["411"])
    supplier = AuxiliaryAccount.objects.create(code="F000001", label="Fournisseur B", control_account=accounts["401"])
    return {
        "year": year,
        "a": accounts,
        "j": journals,
        "customer": customer,
        "supplier": supplier,
        "actor": personas["comptable"],
    }


def sale(books, amount="100.00", vat="20.00", day=dt.date(2026, 3, 15), post=True, label="Facture F-1"):
    """A sales entry: 411 customer debit TTC / 707 credit HT / 44571 credit VAT."""
    a = books["a"]
    total = Decimal(amount) + Decimal(vat)
    return services.create_entry(
        actor=books["actor"],
        journal=books["j"]["VT"],
        date=day,
        label=label,
        piece_ref=label[-3:],
        lines=[
            services.LineInput(a["411"], debit=total, auxiliary=books["customer"]),
            services.LineInput(a["707"], credit=Decimal(amount)),
            services.LineInput(a["44571"], credit=Decimal(vat), vat_rate=Decimal("20.00"), vat_base=Decimal(amount)),
        ],
        post=post,
    )
