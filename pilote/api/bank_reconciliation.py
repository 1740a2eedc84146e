"""The bank reconciliation's remaining page operations over the API (apibuy): a statement line booked directly on an
account (the statement line page's « Comptabiliser », a rule for the next times made at once if asked), the
reconciliation report of a bank account at a date with its proposed pairs (statement line ↔ book line) listed and
reconciled in bulk (the report page's ticks), and a customer payment settled from a bank credit (the sales page
« Rapprochement des règlements »: its candidates listed, one settled) — through `ledger.bank` and
`sales.bank_matching`, the pages' own services. Undoing a reconciliation is `…/annulation-rapprochement`
(ledger_more)."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import Day, ObjectId, Page, Paging, RequiredId, fetch, guarded, page_of, through_form
from pilote.api.ledger_more import StatementLineDetailOut, StatementLineOut, get_statement_line
from pilote.api.sales import PaymentDetailOut, get_payment
from pilote.ledger.models_bank import BankAccount, StatementLine

router = Router(tags=["Comptabilité"])


class StatementBookIn(Schema):
    account: str = Field(..., min_length=1, max_length=20, description="n° du compte de contrepartie (ex. 627)")
    auxiliary: str = Field("", max_length=20, description="code du compte auxiliaire (client, fournisseur)")
    label: str = Field("", max_length=200, description="libellé de l'écriture ; vide : celui du relevé")
    rule_text: str = Field(
        "", max_length=100, description="non vide : une règle « quand le libellé contient … » créée pour la suite"
    )


@guarded(router, "POST", "/lignes-releve/{statement_line_id}/comptabilisation", "ledger.edit",
         response=StatementLineDetailOut)  # fmt: skip
def book_statement_line(request, statement_line_id: ObjectId, payload: StatementBookIn):
    """The missing entry posted in the bank's journal (bank account against the account sent) and the line
    reconciled, as the statement line page books it; an unknown account or a line already reconciled: 409."""
    from pilote.ledger import bank
    from pilote.ledger.views.bank import BookForm

    line = fetch(StatementLine.objects.select_related("bank_account"), statement_line_id)
    data = through_form(BookForm, {**payload.dict(), "make_rule": bool(payload.rule_text.strip())})
    bank.book_by_codes(actor=request.auth, statement_line=line, account_code=data["account"],
                       auxiliary_code=data["auxiliary"], label=data["label"],
                       rule_text=data["rule_text"] if data["make_rule"] else "")  # fmt: skip
    return get_statement_line(request, statement_line_id)


# --- the reconciliation report and its pairs ----------------------------------------------------------------


class ReportFilters(Schema):
    au: Day | None = Field(None, description="date du rapprochement ; vide : aujourd'hui")


class ReconciliationOut(Schema):
    bank_account_id: int
    date: dt.date
    book_balance: Decimal = Field(description="solde du compte de banque dans les livres à la date")
    bank_balance: Decimal | None = Field(description="solde final du dernier relevé importé jusqu'à la date")
    bank_only_count: int = Field(description="lignes de relevé sans écriture (ni paire proposée)")
    bank_only_total: Decimal
    book_only_count: int = Field(description="écritures de banque pas encore vues sur un relevé")
    book_only_total: Decimal
    pair_count: int = Field(description="paires proposées à valider (…/rapprochement/paires)")
    pairs_total: Decimal
    expected_bank_balance: Decimal
    difference: Decimal | None = Field(description="écart avec le solde du relevé ; vide : solde du relevé inconnu")


class BookLineOut(Schema):
    id: int
    entry_id: int
    date: dt.date
    label: str
    debit: Decimal
    credit: Decimal
    piece_ref: str

    @staticmethod
    def resolve_piece_ref(obj) -> str:
        return obj.entry.piece_ref


class PairOut(Schema):
    key: str = Field(description="« id de ligne de relevé-id de ligne d'écriture », à renvoyer pour valider")
    statement_line: StatementLineOut
    book_line: BookLineOut = Field(description="la ligne d'écriture du compte de banque")
    score: int
    reasons: list[str]

    @staticmethod
    def resolve_book_line(obj):
        return obj.line


class PairFilters(Paging):
    au: Day | None = Field(None, description="date du rapprochement ; vide : aujourd'hui")


def _report(bank_account_id: int, on: dt.date | None):
    from pilote.ledger import bank
    from pilote.lib.dates import local_today

    account = fetch(BankAccount.objects.select_related("account"), bank_account_id)
    return account, bank.reconciliation_report(account, on or local_today())


@guarded(router, "GET", "/comptes-bancaires/{bank_account_id}/rapprochement", "ledger.view",
         response=ReconciliationOut)  # fmt: skip
def get_reconciliation(request, bank_account_id: ObjectId, filters: Query[ReportFilters]):
    """The état de rapprochement at a date, as the report page shows it: the books' and the statement's balances,
    what only one side has, the pairs proposed and the difference left."""
    account, report = _report(bank_account_id, filters.au)
    return {"bank_account_id": account.pk, "date": report.date, "book_balance": report.book_balance,
            "bank_balance": report.bank_balance, "bank_only_count": len(report.bank_only),
            "bank_only_total": report.bank_only_total, "book_only_count": len(report.book_only),
            "book_only_total": report.book_only_total, "pair_count": len(report.pairs),
            "pairs_total": report.pairs_total, "expected_bank_balance": report.expected_bank_balance,
            "difference": report.difference}  # fmt: skip


@guarded(router, "GET", "/comptes-bancaires/{bank_account_id}/rapprochement/paires", "ledger.view",
         response=Page[PairOut])  # fmt: skip
def list_reconciliation_pairs(request, bank_account_id: ObjectId, filters: Query[PairFilters]):
    """The pairs the report proposes (same amount, dates close, the reference shared first), by statement date."""
    data = filters.dict()
    _account, report = _report(bank_account_id, data["au"])
    return page_of(report.pairs, data)


class PairsIn(Schema):
    au: Day | None = Field(None, description="la date du rapport lu ; vide : aujourd'hui")
    paires: list[str] = Field(
        ..., min_length=1, max_length=1000, description="les `key` des paires à valider (celles du rapport lu)"
    )


class PairsDoneOut(Schema):
    reconciled: int = Field(description="lignes de relevé rapprochées")


@guarded(router, "POST", "/comptes-bancaires/{bank_account_id}/rapprochement/paires", "ledger.edit",
         response=PairsDoneOut)  # fmt: skip
def reconcile_pairs(request, bank_account_id: ObjectId, payload: PairsIn):
    """The pairs ticked reconciled, as the report page validates them: only pairs this account's report still
    proposes at the date (another account's key, or a pair no longer valid, is left aside)."""
    from pilote.ledger import bank
    from pilote.lib.dates import local_today

    account = fetch(BankAccount, bank_account_id)
    keys = [key.strip()[:50] for key in payload.paires]
    done = bank.reconcile_pairs(actor=request.auth, bank_account=account, keys=keys, on=payload.au or local_today())
    return {"reconciled": done}


# --- customer payments from the statement (sales) -----------------------------------------------------------


class CandidateInvoiceOut(Schema):
    invoice_id: int
    number: str
    customer_id: int
    customer_name: str
    due_date: dt.date | None
    balance_due: Decimal
    reasons: list[str]


class PaymentCandidateOut(Schema):
    statement_line: StatementLineOut
    booked_entry_line_id: int | None = Field(
        description="une écriture de banque déjà passée pour ce crédit : à rapprocher (…/rapprochement), pas à "
        "régler une seconde fois"
    )
    invoices: list[CandidateInvoiceOut] = Field(description="factures ouvertes qu'il peut régler, la meilleure d'abord")


def _candidate(row) -> dict:
    invoices = [{"invoice_id": invoice.pk, "number": invoice.number or "", "customer_id": invoice.customer_id,
                 "customer_name": invoice.customer.display_name, "due_date": invoice.due_date,
                 "balance_due": invoice.balance_due, "reasons": reasons}
                for invoice, reasons in row.invoices]  # fmt: skip
    booked = row.booked.pk if row.booked is not None else None
    return {"statement_line": row.line, "booked_entry_line_id": booked, "invoices": invoices}


@guarded(router, "GET", "/encaissements-releve", "sales.payments", response=Page[PaymentCandidateOut], tags=["Ventes"])
def list_payment_candidates(request, filters: Query[Paging]):
    """The bank credits not reconciled yet (the 100 oldest, as the page), each with the open invoices it may settle
    (same amount, the invoice's number in the label, the customer's name or IBAN)."""
    from pilote.sales import bank_matching

    return page_of([_candidate(row) for row in bank_matching.candidates()], filters.dict())


class SettleIn(Schema):
    invoice: RequiredId = Field(..., description="id de la facture émise que ce crédit règle")


@guarded(router, "POST", "/lignes-releve/{statement_line_id}/reglement-client", "sales.payments",
         response={201: PaymentDetailOut}, tags=["Ventes"])  # fmt: skip
def settle_from_statement(request, statement_line_id: ObjectId, payload: SettleIn):
    """A customer payment recorded from a bank credit, as the page's « Enregistrer »: the payment posted, allocated to
    the invoice, lettered, and the statement line reconciled; a debit, a line already reconciled or an invoice
    already settled: 409."""
    from django.core.exceptions import ValidationError

    from pilote.sales import bank_matching
    from pilote.sales.models import Invoice

    line = fetch(StatementLine.objects.select_related("bank_account"), statement_line_id)
    invoice = Invoice.objects.select_related("customer").filter(pk=payload.invoice).first()
    if invoice is None:
        raise ValidationError({"invoice": ["Facture introuvable."]})
    payment = bank_matching.settle(actor=request.auth, statement_line=line, invoice=invoice)
    return Status(201, get_payment(request, payment.pk))
