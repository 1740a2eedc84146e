"""Receivables fixtures: a structure with its books (FY 2026), a bank account, two business customers and
one consumer, and helpers to issue invoices and record payments through the sales services."""

import datetime as dt
from decimal import Decimal

import pytest

from pilote.contacts import services as contacts
from pilote.sales import issuing, payments
from pilote.sales import services as sales
from pilote.sales.services import LineSpec
from pilote.sales.tests.factories import make_books


@pytest.fixture
def books(structure, personas):
    account = make_books(structure)  # identity, books and bank account, as the sales tests have them
    actor = personas["comptable"]

    def customer(name, siren="", kind="organisation", email=""):
        return contacts.create_contact(
            actor=actor,
            kind=kind,
            name=name,
            is_customer=True,
            siren=siren,
            address_line1="1 place du Marché",
            postal_code="38000",
            city="Grenoble",
            email=email,
        )

    return {
        "actor": actor,
        "bank": account,
        "martin": customer("Boulangerie Martin", "732829320", email="contact@boulangerie-martin.fr"),
        "durand": customer("Garage Durand", "552100554"),
        "lea": customer("Léa Petit", kind="person", email="lea@example.fr"),
    }


@pytest.fixture
def issue(books):
    """issue(customer, date, net, term="30", reference="ART-1") → an issued invoice of one line at 20 %."""

    def make(customer, date, net, term="30", reference="ART-1", description="Prestation"):
        line = LineSpec(description=description, quantity=Decimal(1), unit_price=Decimal(net), reference=reference)
        draft = sales.create_invoice(
            actor=books["actor"], customer=customer, date=date, lines=[line], payment_term=term
        )
        return issuing.issue_invoice(actor=books["actor"], invoice=draft, render_pdf=False)

    return make


@pytest.fixture
def pay(books):
    def make(customer, date, amount, invoice=None):
        allocations = [(invoice, Decimal(amount))] if invoice is not None else None
        return payments.record_payment(
            actor=books["actor"],
            customer=customer,
            date=date,
            amount=Decimal(amount),
            method="transfer",
            bank_account=books["bank"],
            allocations=allocations,
        )

    return make


def credit(books, invoice, date, quantity=None):
    """Issue a credit note for the whole invoice (or `quantity` of its single line)."""
    note = sales.credit_note_for(actor=books["actor"], invoice=invoice, date=date)
    if quantity is not None:
        line = invoice.lines.get()
        sales.update_invoice_draft(
            actor=books["actor"],
            invoice=note,
            version=note.version,
            date=date,
            payment_term="reception",
            lines=[LineSpec.copy_of(line, Decimal(quantity))],
        )
        note.refresh_from_db()
    return issuing.issue_invoice(actor=books["actor"], invoice=note, render_pdf=False)


DAY = dt.date
