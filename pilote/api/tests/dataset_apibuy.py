"""The small data set's rows for the operations helper apibuy added (a statement line booked, the reconciliation's
pairs, a customer payment settled from a bank credit): `rows` adds them to the ids of `dataset.small_dataset`;
BODIES and IDS are merged into the data set's own. Dates only through `days`."""

from __future__ import annotations

from decimal import Decimal

from pilote.api.tests.days import day


def rows(structure, personas, ids: dict) -> dict:
    from pilote.ledger.models_bank import StatementLine

    statement = StatementLine.objects.get(pk=ids["statement_line_id"]).statement
    credit = StatementLine.objects.create(bank_account_id=ids["bank_account_id"], statement=statement,
                                          booking_date=day(3, 6), amount=Decimal(1), label="VIR CLIENT",
                                          fingerprint="apibuy-1")  # fmt: skip
    return {"credit_line_id": credit.pk, "pair_key": f"{ids['statement_line_id']}-{ids['bank_entry_line_id']}"}


BODIES = {
    ("post", "/lignes-releve/{statement_line_id}/comptabilisation"): {"account": "6278", "label": "Frais",
                                                                      "rule_text": "FRAIS TENUE"},
    ("post", "/comptes-bancaires/{bank_account_id}/rapprochement/paires"): {"au": "Y-03-31", "paires": ["pair_key"]},
    ("post", "/lignes-releve/{statement_line_id}/reglement-client"): {"invoice": "invoice_id"},
}  # fmt: skip

IDS = {
    ("post", "/lignes-releve/{statement_line_id}/reglement-client"): {"statement_line_id": "credit_line_id"},
}

# The addresses of apibuy's operations: PILOTE_SCHEMA_ONLY=<this regex> runs the property test on them only.
PATHS_REGEX = (
    r"lignes-releve/\{statement_line_id\}/(comptabilisation|reglement-client)$"
    r"|comptes-bancaires/\{bank_account_id\}/rapprochement|/encaissements-releve"
)
