"""The small data set's rows for the operations helper apiledger added (auxiliary accounts and their lettering, the
CA3 return, fixed assets, the year-end closing and the FEC, the SEPA creditor identifier): `rows` adds them to the
ids of `dataset.small_dataset`; BODIES, IDS and OBJECT_RULES are merged into the data set's own."""

from __future__ import annotations

from decimal import Decimal

from pilote.api.tests.days import day


def rows(structure, personas, ids: dict[str, int]) -> dict:
    from pilote.contacts.models import Contact
    from pilote.ledger import assets, lettering, vat
    from pilote.ledger import services as ledger
    from pilote.ledger.models import Account, Journal

    accountant = personas["comptable"]
    aux = ledger.auxiliary_for_contact(actor=accountant, contact=Contact.objects.get(pk=ids["contact_id"]),
                                       control_code="411")  # fmt: skip
    customers, cash = Account.objects.get(code="411"), Account.objects.get(code="530")
    od = Journal.objects.get(code="OD")

    def line_pair(amount: Decimal, label: str):
        """Two posted entries: the customer debited, then credited the same amount (an invoice and its payment)."""
        made = []
        for debit in (True, False):
            lines = [
                ledger.LineInput(account=customers, auxiliary=aux, label=label,
                                 **({"debit": amount} if debit else {"credit": amount})),
                ledger.LineInput(account=cash, label=label, **({"credit": amount} if debit else {"debit": amount})),
            ]  # fmt: skip
            entry = ledger.create_entry(actor=accountant, journal=od, date=day(3, 2), label=label, lines=lines,
                                        post=True)  # fmt: skip
            made.append(entry.lines.get(account=customers))
        return made

    to_letter = line_pair(Decimal("7"), "À lettrer")
    lettered = line_pair(Decimal("9"), "Lettrée")
    matching = lettering.letter_lines(actor=accountant, lines=lettered)
    first = vat.next_period()
    declared = vat.confirm_ca3(actor=accountant, start=first[0], end=first[1])
    following = vat.next_period()
    # in service on the year's first day: disposed of « today » whatever the day (never before its service)
    asset = assets.register_asset(actor=accountant, label="Ordinateur", reference="INV-1",
                                  account=Account.objects.get(code="2183"), acquisition_date=day(1, 1),
                                  cost=Decimal("1200"), years=3)  # fmt: skip
    return {
        "auxiliary_id": aux.pk,
        "letter_debit_id": to_letter[0].pk,
        "letter_credit_id": to_letter[1].pk,
        "matching_id": matching.pk,
        "vat_return_id": declared.pk,
        "vat_du": following[0].isoformat(),
        "vat_au": following[1].isoformat(),
        "asset_id": asset.pk,
    }


BODIES = {
    ("post", "/comptes-auxiliaires"): {"contact": "contact_id", "control": "401"},
    ("post", "/comptes-auxiliaires/{auxiliary_id}/lettrages"): {"lines": ["letter_debit_id", "letter_credit_id"]},
    ("put", "/prelevements-ics"): {"creditor_id": "FR72ZZZ123456"},
    ("post", "/tva/declarations"): {"du": "vat_du", "au": "vat_au"},
    ("post", "/immobilisations"): {
        "reference": "INV-2",
        "label": "Imprimante",
        "account": "2183",
        "acquisition_date": "today",
        "cost": "450.00",
        "method": "linear",
        "years": 3,
    },
    ("patch", "/immobilisations/{asset_id}"): {"label": "Ordinateur portable", "years": 4},
    ("post", "/immobilisations/{asset_id}/sortie"): {"date": "today", "price": "100.00"},
    ("post", "/dotations-amortissements"): {"fiscal_year": "year_id"},
    ("post", "/exercices/{year_id}/cloture"): {"confirmation": "CLÔTURER"},
}

IDS: dict = {}

# The data set's year is open with a draft in it: the closing is refused (409) by its checks, as on the page.
OBJECT_RULES = {("post", "/exercices/{year_id}/cloture"): {"comptable": 409}}

# The addresses of apiledger's operations: PILOTE_SCHEMA_ONLY=<this regex> runs the property test on them only.
PATHS_REGEX = (
    r"comptes-auxiliaires|/lettrages/|prelevements-ics|/tva/|/immobilisations|dotations-amortissements"
    r"|/exercices/\{year_id\}/(cloture|fec)"
)
