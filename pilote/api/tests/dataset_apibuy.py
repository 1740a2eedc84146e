"""The small data set's rows for the operations helper apibuy added (a statement line booked, the reconciliation's
pairs, a customer payment settled from a bank credit; a supplier invoice's match with its order, a payment run
reconciled with the statement, supplier selection files, the purchases settings): `rows` adds them to the ids of
`dataset.small_dataset`; BODIES and IDS are merged into the data set's own. Dates only through `days`."""

from __future__ import annotations

from decimal import Decimal

from pilote.api.tests.days import day


def rows(structure, personas, ids: dict) -> dict:
    from pilote.ledger.models_bank import StatementLine

    statement = StatementLine.objects.get(pk=ids["statement_line_id"]).statement
    credit = StatementLine.objects.create(bank_account_id=ids["bank_account_id"], statement=statement,
                                          booking_date=day(3, 6), amount=Decimal(1), label="VIR CLIENT",
                                          fingerprint="apibuy-1")  # fmt: skip
    return {"credit_line_id": credit.pk, "pair_key": f"{ids['statement_line_id']}-{ids['bank_entry_line_id']}",
            **_purchases(personas, ids, statement)}  # fmt: skip


def _purchases(personas, ids: dict, statement) -> dict:
    """An invoice of the sent order with gaps (price and quantity: nothing received), an approved run of an approved
    invoice with the statement line that debits it, a selection file (one candidate) and another supplier."""
    from pilote.contacts.models import Contact
    from pilote.ledger.models_bank import BankAccount, StatementLine
    from pilote.lib.dates import local_today
    from pilote.purchases import payments, selection
    from pilote.purchases import services as purchases
    from pilote.purchases.models import PurchaseOrder
    from pilote.sales.services import LineSpec

    owner, accountant = personas["direction"], personas["comptable"]
    supplier = Contact.objects.get(pk=ids["contact_id"])
    order = PurchaseOrder.objects.get(pk=ids["sent_order_id"])
    paper = [LineSpec(description="Papier", quantity=Decimal(5), unit_price=Decimal(6))]
    gaps = purchases.create_typed_invoice(actor=accountant, supplier=supplier, number="T-3", date=day(3, 3),
                                          lines=paper, order=order)  # fmt: skip
    toner = [LineSpec(description="Toner", quantity=Decimal(1), unit_price=Decimal(50))]
    paid = purchases.create_typed_invoice(actor=accountant, supplier=supplier, number="T-4", date=day(3, 3),
                                          lines=toner)  # fmt: skip
    purchases.set_line_accounts(actor=accountant, invoice=paid, accounts={paid.lines.get().pk: "6064"})
    purchases.approve_invoice(actor=owner, invoice=paid)
    run = payments.create_run(actor=owner, bank_account=BankAccount.objects.get(pk=ids["bank_account_id"]),
                              execution_date=local_today(), invoices=[paid])  # fmt: skip
    run = payments.approve_run(actor=owner, run=run)
    debit = StatementLine.objects.create(bank_account_id=ids["bank_account_id"], statement=statement,
                                         booking_date=local_today(), amount=-run.total, label="VIREMENTS FOURNISSEURS",
                                         fingerprint="apibuy-2")  # fmt: skip
    file = selection.create_file(actor=owner, title="Papier recyclé", date=day(3, 2), suppliers=[supplier],
                                 criteria=[("Prix", 60), ("Qualité", 40)])  # fmt: skip
    other = Contact.objects.create(name="Papeterie des Alpes", is_supplier=True)
    return {"gap_invoice_id": gaps.pk, "sent_order_number": order.number, "approved_run_id": run.pk,
            "run_debit_line_id": debit.pk, "selection_id": file.pk, "selection_candidate_id": file.candidates.get().pk,
            "selection_criterion_id": file.criteria.first().pk, "other_supplier_id": other.pk}  # fmt: skip


BODIES = {
    ("post", "/lignes-releve/{statement_line_id}/comptabilisation"): {"account": "6278", "label": "Frais",
                                                                      "rule_text": "FRAIS TENUE"},
    ("post", "/comptes-bancaires/{bank_account_id}/rapprochement/paires"): {"au": "Y-03-31", "paires": ["pair_key"]},
    ("post", "/lignes-releve/{statement_line_id}/reglement-client"): {"invoice": "invoice_id"},
    ("put", "/factures-fournisseurs/{supplier_invoice_id}/commande"): {"order": "sent_order_number"},
    ("post", "/factures-fournisseurs/{supplier_invoice_id}/acceptation-ecarts"): {"reason": "Hausse du papier"},
    ("post", "/virements-fournisseurs/{run_id}/rapprochement"): {"statement_line": "run_debit_line_id"},
    ("post", "/dossiers-selection"): {"title": "Toner", "date": "Y-03-04", "criteria": [{"name": "Prix", "weight": 3}],
                                      "suppliers": ["contact_id", "other_supplier_id"]},
    ("put", "/dossiers-selection/{selection_id}/notes"): {"notes": [
        {"candidate": "selection_candidate_id", "criterion": "selection_criterion_id", "score": 4}]},
    ("post", "/dossiers-selection/{selection_id}/candidats"): {"supplier": "other_supplier_id"},
    ("post", "/dossiers-selection/{selection_id}/choix"): {"candidate": "selection_candidate_id",
                                                           "justification": "Seul à livrer sous huit jours"},
    ("put", "/reglages-achats/seuils"): {"commercial": "1500.00"},
    ("put", "/reglages-achats/tolerances"): {"price_percent": "2.5", "quantity_percent": "0"},
}  # fmt: skip

IDS = {
    ("post", "/lignes-releve/{statement_line_id}/reglement-client"): {"statement_line_id": "credit_line_id"},
    ("put", "/factures-fournisseurs/{supplier_invoice_id}/commande"): {"supplier_invoice_id": "typed_invoice_id"},
    ("get", "/factures-fournisseurs/{supplier_invoice_id}/rapprochement-commande"): {
        "supplier_invoice_id": "gap_invoice_id"},
    ("post", "/factures-fournisseurs/{supplier_invoice_id}/acceptation-ecarts"): {
        "supplier_invoice_id": "gap_invoice_id"},
    ("get", "/virements-fournisseurs/{run_id}/lignes-releve"): {"run_id": "approved_run_id"},
    ("post", "/virements-fournisseurs/{run_id}/rapprochement"): {"run_id": "approved_run_id"},
}  # fmt: skip

# The addresses of apibuy's operations: PILOTE_SCHEMA_ONLY=<this regex> runs the property test on them only.
PATHS_REGEX = (
    r"lignes-releve/\{statement_line_id\}/(comptabilisation|reglement-client)$"
    r"|comptes-bancaires/\{bank_account_id\}/rapprochement|/encaissements-releve"
    r"|factures-fournisseurs/\{supplier_invoice_id\}/(rapprochement-commande|commande|acceptation-ecarts)$"
    r"|virements-fournisseurs/\{run_id\}/(lignes-releve|rapprochement)$|/dossiers-selection|/reglages-achats"
)
