"""Sales test data: a structure with complete identity, its books (full PCG, its first fiscal year), a bank
account, a business customer and a small catalogue."""

import datetime as dt
from decimal import Decimal

from pilote.catalog.models import Product
from pilote.contacts import services as contacts
from pilote.core.models import Structure
from pilote.ledger import services as ledger
from pilote.ledger.models_bank import BankAccount


def make_books(structure):
    """The structure's identity completed (what an invoice prints), its books (full PCG, its first fiscal
    year) and a bank account, which is returned."""
    Structure.objects.filter(pk=structure.pk).update(
        address_line1="12 rue des Artisans",
        postal_code="69002",
        city="Lyon",
        rcs_city="Lyon",
        share_capital=Decimal("10000"),
        vat_number="FR65912345675",
        siret="91234567500017",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
        email="compta@atelier-test.fr",
    )
    ledger.initialise_books(structure=Structure.objects.get(), actor=None)  # opens the IBAN's bank account
    return BankAccount.objects.get(iban="FR7630006000011234567890189")


def make_shop(structure, personas) -> dict:
    """make_books, plus a business customer and three articles."""
    actor = personas["commercial"]
    account = make_books(structure)
    customer = contacts.create_contact(
        actor=actor,
        kind="organisation",
        name="Boulangerie Martin",
        legal_form="SARL",
        is_customer=True,
        siren="732829320",
        vat_number="FR44732829320",
        address_line1="3 place du Marché",
        postal_code="38000",
        city="Grenoble",
        email="contact@boulangerie-martin.fr",
    )
    products = {
        "chair": Product.objects.create(reference="CH-01", name="Chaise de bureau", unit_price=Decimal("149.90")),
        "install": Product.objects.create(
            reference="PR-INST", name="Installation sur site", kind="service", unit="h", unit_price=Decimal("55")
        ),
        "book": Product.objects.create(
            reference="LIV-01", name="Guide d'ergonomie", unit_price=Decimal("24.50"), vat_rate="5.50"
        ),
    }
    return {
        "actor": actor,
        "accountant": personas["comptable"],
        "bank": account,
        "customer": customer,
        "p": products,
        "day": dt.date(Structure.objects.get().fiscal_year_start.year, 3, 2),  # in its first fiscal year
    }
