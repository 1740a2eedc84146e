"""The bank reconciliation over the API (apia): a bank account's statement lines (filtered as the bank page lists
them), one line with the suggestions the page proposes, a suggestion confirmed (a bank line of the books, or an unpaid
invoice settled by the payment) and a reconciliation undone — through `ledger.bank`, the page's way."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema

from pilote.api.base import Day, ObjectId, Page, Paging, RequiredId, Words, fetch, guarded, sorted_page
from pilote.ledger.models_bank import BankAccount, StatementLine

router = Router(tags=["Comptabilité"])


class StatementLineOut(Schema):
    id: int
    bank_account_id: int
    booking_date: dt.date
    value_date: dt.date | None
    amount: Decimal
    label: str
    reference: str
    counterparty: str
    counterparty_iban: str
    entry_line_id: int | None = Field(description="la ligne d'écriture rapprochée ; vide : à rapprocher")
    reconciled_at: dt.datetime | None


class SuggestionOut(Schema):
    kind: str = Field(description="book (ligne de banque déjà passée) ou open_item (facture non réglée)")
    entry_line_id: int
    date: dt.date
    label: str
    amount: Decimal
    score: int
    reasons: list[str]

    @staticmethod
    def resolve_entry_line_id(obj) -> int:
        return obj.line.pk

    @staticmethod
    def resolve_date(obj) -> dt.date:
        return obj.line.entry.date

    @staticmethod
    def resolve_label(obj) -> str:
        return obj.line.label or obj.line.entry.label

    @staticmethod
    def resolve_amount(obj) -> Decimal:
        return obj.line.debit - obj.line.credit


class StatementLineDetailOut(StatementLineOut):
    suggestions: list[SuggestionOut]

    @staticmethod
    def resolve_suggestions(obj: StatementLine):
        from pilote.ledger import bank

        return [] if obj.entry_line_id else bank.suggestions(obj)


class StatementLineFilters(Paging):
    etat: Literal["", "a-rapprocher", "rapprochees"] = Field("", description="a-rapprocher, rapprochees ; vide : tout")
    du: Day | None = None
    au: Day | None = None
    q: Words = Field("", max_length=100, description="mots du libellé, de la référence ou de la contrepartie")
    sens: Literal["", "credit", "debit"] = ""
    tri: str = Field("-date", description="date, libelle, reference, montant ; préfixe - décroissant")


@guarded(router, "GET", "/comptes-bancaires/{bank_account_id}/releves", "ledger.view",
         response=Page[StatementLineOut])  # fmt: skip
def list_statement_lines(request, bank_account_id: ObjectId, filters: Query[StatementLineFilters]):
    """A bank account's statement lines, filtered and sorted as the bank page lists them."""
    from pilote.ledger import queries

    data = filters.dict()
    account = fetch(BankAccount, bank_account_id)
    lines = queries.statement_lines(account, data["etat"], data["du"], data["au"], data["q"], data["sens"])
    return sorted_page(lines, data, queries.STATEMENT_LINE_SORTS, "-date")


@guarded(router, "GET", "/lignes-releve/{statement_line_id}", "ledger.view", response=StatementLineDetailOut)
def get_statement_line(request, statement_line_id: ObjectId):
    """A statement line with the page's suggestions (ranked by amount, date, reference and counterparty)."""
    return fetch(StatementLine.objects.select_related("bank_account__account"), statement_line_id)


class MatchIn(Schema):
    entry_line: RequiredId = Field(..., description="id de la ligne d'écriture proposée")
    kind: Literal["book", "open_item"] = Field("book", description="book ou open_item, comme la suggestion")


@guarded(router, "POST", "/lignes-releve/{statement_line_id}/rapprochement", "ledger.edit",
         response=StatementLineDetailOut)  # fmt: skip
def confirm_match(request, statement_line_id: ObjectId, payload: MatchIn):
    """A suggestion confirmed, as on the page: refused in French (409) when the line is already reconciled, the
    amounts differ or the entry line is not a posted line of this bank account."""
    from pilote.ledger import bank
    from pilote.ledger.models import EntryLine

    line = fetch(StatementLine, statement_line_id)
    target = fetch(EntryLine.objects.select_related("entry", "account", "auxiliary"), payload.entry_line)
    bank.confirm_match(
        actor=request.auth, statement_line=line, entry_line=target, open_item=payload.kind == "open_item"
    )
    return get_statement_line(request, statement_line_id)


@guarded(router, "POST", "/lignes-releve/{statement_line_id}/annulation-rapprochement", "ledger.edit",
         response=StatementLineDetailOut)  # fmt: skip
def undo_match(request, statement_line_id: ObjectId):
    """The reconciliation undone (the entry stays posted: reverse it if it is wrong)."""
    from pilote.ledger import bank

    bank.unreconcile(actor=request.auth, statement_line=fetch(StatementLine, statement_line_id))
    return get_statement_line(request, statement_line_id)
