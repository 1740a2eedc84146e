"""The small data set's rows for the operations on invoices kept out of dunning (exclusions de relance), Pilote's and
the previous tool's taken over into the ledger: `rows` adds them to the ids of `dataset.small_dataset`; BODIES and
IDS are merged into the data set's own; PATHS names the operations for the narrowed walks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pilote.api.tests.days import day
from pilote.lib.dates import local_today


def rows(structure, personas, ids: dict[str, int]) -> dict[str, int]:
    """Two old invoices of the previous tool on the customer's 411 (one held out of dunning), and a Pilote invoice
    held (the data set's own issued invoice stays chased)."""
    from pilote.contacts.models import Contact
    from pilote.ledger import services as ledger
    from pilote.ledger.models import Account, Journal
    from pilote.receivables import services
    from pilote.sales import issuing
    from pilote.sales import services as sales
    from pilote.takeover.datasets.opening import transitory_account

    accountant = personas["comptable"]
    customer = Contact.objects.get(pk=ids["customer_id"])
    aux = ledger.auxiliary_for_contact(actor=accountant, contact=customer, control_code="411")
    receivable, suspense = Account.objects.get(code="411"), transitory_account(accountant)
    lines, due = [], local_today() - dt.timedelta(days=40)  # overdue whatever the day: in the dunning proposals
    for number, amount in (("ANC-0412", Decimal("840.00")), ("ANC-0450", Decimal("360.00"))):
        lines += [ledger.LineInput(receivable, debit=amount, auxiliary=aux, reference=number, due_date=due,
                                   label=f"Facture {number} du 15/12/{day(1, 1).year - 1}"),
                  ledger.LineInput(suspense, credit=amount, label=f"Reprise {number}")]  # fmt: skip
    entry = ledger.create_entry(actor=accountant, journal=Journal.objects.get(code="OD"), date=day(1, 2),
                                label="Reprise des factures clients", lines=lines, post=True)  # fmt: skip
    old, held_old = (entry.lines.get(reference=number) for number in ("ANC-0412", "ANC-0450"))
    services.hold_taken_over(actor=accountant, line_id=held_old.pk, reason="Litige")
    draft = sales.create_invoice(actor=accountant, customer=customer, date=day(3, 2),
                                 lines=[sales.LineSpec(description="Étude", quantity=Decimal(1),
                                                       unit_price=Decimal(200))])  # fmt: skip
    held = issuing.issue_invoice(actor=accountant, invoice=draft, render_pdf=False)
    services.hold_invoice(actor=accountant, invoice=held, reason="Échéancier accordé")
    return {"old_line_id": old.pk, "held_old_line_id": held_old.pk, "held_invoice_id": held.pk}


BODIES = {
    ("post", "/factures/{invoice_id}/exclusion-relance"): {"reason": "Litige sur la livraison"},
    ("post", "/factures-reprises/{line_id}/exclusion-relance"): {"reason": "Médiation en cours"},
    ("post", "/factures-reprises/{line_id}/creance-douteuse"): {
        "day": "Y-03-20",
        "net": "700.00",
        "vat_rate": "20",
        "vat_regime": "debits",
    },
}

IDS = {
    ("delete", "/factures/{invoice_id}/exclusion-relance"): {"invoice_id": "held_invoice_id"},
    ("post", "/factures-reprises/{line_id}/exclusion-relance"): {"line_id": "old_line_id"},
    ("post", "/factures-reprises/{line_id}/creance-douteuse"): {"line_id": "old_line_id"},
    ("delete", "/factures-reprises/{line_id}/exclusion-relance"): {"line_id": "held_old_line_id"},
}

PATHS = (
    "/exclusions-relance",
    "/factures/{invoice_id}/exclusion-relance",
    "/factures-reprises",
    "/factures-reprises/{line_id}/creance-douteuse",
)
