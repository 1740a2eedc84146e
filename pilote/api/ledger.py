"""The books over the API: the chart of accounts, journals, fiscal years and entries — drafted, posted and reversed
through `ledger.services` exactly as the pages do (balance, open year, locked period, auxiliary accounts, the chain
of seals: every rule is the service's; a refusal is its French 409)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.db.models import Q
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from pilote.api.base import Day, ObjectId, OptionalId, Page, Paging, fetch, guarded, page_of, sorted_page
from pilote.core.listing import words_refusal
from pilote.ledger import queries, services
from pilote.ledger.models import Account, AuxiliaryAccount, Entry, FiscalYear, Journal, JournalKind

router = Router(tags=["Comptabilité"])

Amount = Annotated[Decimal, Field(ge=0, max_digits=15)]


# --- accounts -------------------------------------------------------------------------------------------


class AccountOut(Schema):
    id: int
    code: str
    label: str
    is_active: bool


class AccountIn(Schema):
    code: str = Field(..., description="3 à 20 chiffres, rattaché à un compte existant du plan (ex. 6061)")
    label: str


class AccountFilters(Paging):
    q: str = Field("", description="début du numéro ou mot de l'intitulé")
    tri: str = Field("compte", description="compte, intitule ; préfixe - pour l'ordre décroissant")


@guarded(router, "GET", "/comptes", "ledger.view", response=Page[AccountOut])
def list_accounts(request, filters: Query[AccountFilters]):
    data = filters.dict()
    accounts = Account.objects.all()
    if data["q"].strip():
        q = data["q"].strip()
        accounts = accounts.filter(Q(code__startswith=q) | Q(label__icontains=q))
    return sorted_page(accounts, data, {"compte": ["code"], "intitule": ["label"]}, "compte")


@guarded(router, "GET", "/comptes/{account_id}", "ledger.view", response=AccountOut)
def get_account(request, account_id: ObjectId):
    return fetch(Account, account_id)


@guarded(router, "POST", "/comptes", "ledger.admin", response={201: AccountOut})
def create_account(request, payload: AccountIn):
    return Status(201, services.create_account(actor=request.auth, code=payload.code, label=payload.label))


# --- journals -------------------------------------------------------------------------------------------


class JournalOut(Schema):
    id: int
    code: str
    label: str
    kind: str
    account: str | None
    is_active: bool

    @staticmethod
    def resolve_account(obj: Journal) -> str | None:
        return obj.account.code if obj.account_id else None


class JournalIn(Schema):
    code: str = Field(..., description="1 à 8 lettres ou chiffres")
    label: str
    kind: JournalKind
    account: str | None = Field(None, description="compte de trésorerie (51x ou 53x) d'un journal de banque ou caisse")


@guarded(router, "GET", "/journaux", "ledger.view", response=Page[JournalOut])
def list_journals(request, filters: Query[Paging]):
    return page_of(Journal.objects.select_related("account").order_by("code"), filters)


@guarded(router, "POST", "/journaux", "ledger.admin", response={201: JournalOut})
def create_journal(request, payload: JournalIn):
    account = _account(payload.account, "account") if payload.account else None
    journal = services.create_journal(
        actor=request.auth, code=payload.code, label=payload.label, kind=payload.kind.value, account=account
    )
    return Status(201, journal)


# --- fiscal years ---------------------------------------------------------------------------------------


class FiscalYearOut(Schema):
    id: int
    start_date: dt.date
    end_date: dt.date
    status: str
    locked_until: dt.date | None


class FiscalYearIn(Schema):
    start_date: Day
    end_date: Day


class LockIn(Schema):
    locked_until: Day = Field(..., description="aucune écriture ne sera plus validée à cette date ou avant")


@guarded(router, "GET", "/exercices", "ledger.view", response=Page[FiscalYearOut])
def list_fiscal_years(request, filters: Query[Paging]):
    return page_of(FiscalYear.objects.order_by("-start_date"), filters)


@guarded(router, "POST", "/exercices", "ledger.admin", response={201: FiscalYearOut})
def open_fiscal_year(request, payload: FiscalYearIn):
    year = services.open_fiscal_year(actor=request.auth, start_date=payload.start_date, end_date=payload.end_date)
    return Status(201, year)


@guarded(router, "POST", "/exercices/{year_id}/verrouillage", "ledger.admin", response=FiscalYearOut)
def lock_period(request, year_id: ObjectId, payload: LockIn):
    return services.lock_period(actor=request.auth, year=fetch(FiscalYear, year_id), until=payload.locked_until)


# --- entries --------------------------------------------------------------------------------------------


class EntryLineOut(Schema):
    position: int
    account: str
    auxiliary: str | None
    label: str
    debit: Decimal
    credit: Decimal
    due_date: dt.date | None
    reference: str

    @staticmethod
    def resolve_account(obj) -> str:
        return obj.account.code

    @staticmethod
    def resolve_auxiliary(obj) -> str | None:
        return obj.auxiliary.code if obj.auxiliary_id else None


class EntryOut(Schema):
    id: int
    journal: str
    fiscal_year_id: int
    number: int | None
    date: dt.date
    label: str
    piece_ref: str
    piece_date: dt.date | None
    status: str
    posted_at: dt.datetime | None
    reversal_of_id: int | None
    hash: str
    version: int

    @staticmethod
    def resolve_journal(obj: Entry) -> str:
        return obj.journal.code


class EntryDetailOut(EntryOut):
    lines: list[EntryLineOut]

    @staticmethod
    def resolve_lines(obj: Entry):
        return list(obj.lines.select_related("account", "auxiliary").order_by("position"))


class EntryLineIn(Schema):
    account: str = Field(..., description="numéro du compte (ex. 6061)")
    auxiliary: str | None = Field(None, description="compte auxiliaire (ex. C12) sous 411 ou 401")
    label: str = ""
    debit: Amount = Decimal(0)
    credit: Amount = Decimal(0)
    due_date: Day | None = None


class EntryIn(Schema):
    journal: str = Field(..., description="code du journal (ex. OD)")
    date: Day
    label: str
    piece_ref: str = ""
    piece_date: Day | None = None
    lines: list[EntryLineIn] = Field(..., max_length=500)
    valider: bool = Field(False, description="true : l'écriture est validée (numérotée, scellée) aussitôt")


class EntryUpdate(EntryIn):
    version: int | None = Field(None, description="Version lue ; si le brouillard a changé depuis, réponse 409.")


class ReverseIn(Schema):
    date: Day | None = Field(None, description="date de la contre-passation (par défaut : celle de l'écriture)")
    label: str = ""


class EntryFilters(Paging):
    exercice: OptionalId = None
    journal: str = Field("", description="code du journal")
    etat: Literal["", "draft", "posted"] = ""
    compte: str = Field("", pattern=r"^\d{0,20}$", description="numéro ou début de numéro de compte")
    q: str = Field("", max_length=100, description="mots du libellé ou de la pièce (au moins 3 caractères)")
    piece: str = Field("", max_length=40, description="numéro de pièce exact")
    montant: Amount | None = Field(None, description="montant d'une des lignes")
    du: Day | None = None
    au: Day | None = None
    tri: str = Field("-date", description="date, numero, libelle ; préfixe - pour l'ordre décroissant")

    @field_validator("q")
    @classmethod
    def _words(cls, value: str) -> str:
        refusal = words_refusal(value, queries.WORDS_LABEL, queries.WORDS_HINT)
        if refusal:
            raise ValueError(refusal)
        return value.strip()


def _account(code: str, where: str) -> Account:
    from django.core.exceptions import ValidationError

    account = Account.objects.filter(code=code.strip()).first()
    if account is None:
        raise ValidationError({where: [f"Compte {code} inconnu."]})
    return account


def _lines(lines: list[EntryLineIn]) -> list[services.LineInput]:
    from django.core.exceptions import ValidationError

    inputs = []
    for number, line in enumerate(lines, start=1):
        auxiliary = None
        if line.auxiliary:
            auxiliary = AuxiliaryAccount.objects.select_related("control_account").filter(code=line.auxiliary).first()
            if auxiliary is None:
                raise ValidationError({f"lines.{number}": [f"Compte auxiliaire {line.auxiliary} inconnu."]})
        inputs.append(
            services.LineInput(
                account=_account(line.account, f"lines.{number}"),
                auxiliary=auxiliary,
                label=line.label,
                debit=line.debit,
                credit=line.credit,
                due_date=line.due_date,
            )  # fmt: skip
        )
    return inputs


def _header(payload: EntryIn) -> dict:
    from django.core.exceptions import ValidationError

    journal = Journal.objects.filter(code=payload.journal.strip().upper()).first()
    if journal is None:
        raise ValidationError({"journal": [f"Journal {payload.journal} inconnu."]})
    return {"journal": journal, "date": payload.date, "label": payload.label, "piece_ref": payload.piece_ref,
            "piece_date": payload.piece_date}  # fmt: skip


def _entries():
    return Entry.objects.select_related("journal")


@guarded(router, "GET", "/ecritures", "ledger.view", response=Page[EntryOut])
def list_entries(request, filters: Query[EntryFilters]):
    data = filters.dict()
    if data["journal"]:
        data["journal"] = Journal.objects.filter(code=data["journal"].strip().upper()).first() or -1
    return sorted_page(queries.filter_entries(data), data, queries.ENTRY_SORTS, "-date")


@guarded(router, "GET", "/ecritures/{entry_id}", "ledger.view", response=EntryDetailOut)
def get_entry(request, entry_id: ObjectId):
    return fetch(_entries(), entry_id)


@guarded(router, "POST", "/ecritures", "ledger.edit", response={201: EntryDetailOut})
def create_entry(request, payload: EntryIn):
    entry = services.create_entry(actor=request.auth, lines=_lines(payload.lines), post=payload.valider,
                                  **_header(payload))  # fmt: skip
    return Status(201, fetch(_entries(), entry.pk))


@guarded(router, "PUT", "/ecritures/{entry_id}", "ledger.edit", response=EntryDetailOut)
def update_draft(request, entry_id: ObjectId, payload: EntryUpdate):
    """Replaces a draft's header and lines (a posted entry is never changed: it is reversed)."""
    from django.db import transaction

    entry = fetch(Entry, entry_id)
    with transaction.atomic():
        entry = services.update_draft(actor=request.auth, entry=entry, lines=_lines(payload.lines),
                                      expected_version=payload.version, **_header(payload))  # fmt: skip
        if payload.valider:
            entry = services.post_entry(actor=request.auth, entry=entry)
    return fetch(_entries(), entry.pk)


@guarded(router, "POST", "/ecritures/{entry_id}/validation", "ledger.edit", response=EntryDetailOut)
def post_entry(request, entry_id: ObjectId):
    return fetch(_entries(), services.post_entry(actor=request.auth, entry=fetch(Entry, entry_id)).pk)


@guarded(router, "POST", "/ecritures/{entry_id}/contre-passation", "ledger.edit", response={201: EntryDetailOut})
def reverse_entry(request, entry_id: ObjectId, payload: ReverseIn):
    reversal = services.reverse_entry(
        actor=request.auth, entry=fetch(Entry, entry_id), date=payload.date, label=payload.label
    )
    return Status(201, fetch(_entries(), reversal.pk))


@guarded(router, "DELETE", "/ecritures/{entry_id}", "ledger.edit", response={204: None})
def delete_draft(request, entry_id: ObjectId):
    services.delete_draft(actor=request.auth, entry=fetch(Entry, entry_id))
    return Status(204, None)
