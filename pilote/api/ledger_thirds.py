"""Third parties' accounts over the API (apiledger): auxiliary accounts (411/401 sub-ledgers) listed with their
balance as the third parties page shows them and created from a contact (`ledger.services.auxiliary_for_contact`);
their lettering as their lettering page does it — open or lettered lines, a set of lines lettered (balanced, or
partial), the automatic run scoped to the third party, a lettering undone (`ledger.lettering`); and the SEPA creditor
identifier (ICS) of the direct debits, read and set as on the collections page (`receivables.direct_debit`)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import ObjectId, Page, Paging, RequiredId, fetch, guarded, page_of, sorted_page, through_form
from pilote.core.params import MAX_ID
from pilote.ledger import lettering, queries
from pilote.ledger.models import AuxiliaryAccount, EntryLine, FiscalYear, Matching

router = Router(tags=["Comptabilité"])


# --- auxiliary accounts ---------------------------------------------------------------------------------------


class AuxiliaryOut(Schema):
    id: int
    code: str
    label: str
    control_account: str = Field(description="compte collectif (411, 401, 416…)")
    contact_id: int | None
    balance: Decimal = Field(description="solde de l'exercice : débit moins crédit")
    debit_balance: Decimal
    credit_balance: Decimal

    @staticmethod
    def resolve_control_account(obj: AuxiliaryAccount) -> str:
        return obj.control_account.code

    @staticmethod
    def resolve_debit_balance(obj) -> Decimal:
        return queries.debit_balance(obj)

    @staticmethod
    def resolve_credit_balance(obj) -> Decimal:
        return queries.credit_balance(obj)


class AuxiliaryFilters(Paging):
    exercice: int | None = Field(None, ge=1, le=MAX_ID, description="exercice des soldes ; vide : le dernier")
    type: Literal["", "411", "401"] = Field("", description="411 clients, 401 fournisseurs ; vide : tous")
    q: str = Field("", max_length=100, description="début du numéro ou mot de l'intitulé")
    tri: str = Field("compte", description="compte, tiers, collectif, solde ; préfixe - décroissant")


def _year(chosen: int | None) -> FiscalYear | None:
    """The fiscal year of the balances, as the third parties page picks it: the one asked for, else the latest."""
    years = FiscalYear.objects.order_by("-start_date")
    return (years.filter(pk=chosen).first() if chosen else None) or years.first()


@guarded(router, "GET", "/comptes-auxiliaires", "ledger.view", response=Page[AuxiliaryOut])
def list_auxiliaries(request, filters: Query[AuxiliaryFilters]):
    """The third parties page's list: customers' and suppliers' sub-ledger accounts with their balance."""
    data = filters.dict()
    rows = queries.third_parties(_year(data["exercice"]), data["type"], data["q"].strip())
    return sorted_page(rows, data, queries.THIRD_PARTY_SORTS, "compte")


@guarded(router, "GET", "/comptes-auxiliaires/{auxiliary_id}", "ledger.view", response=AuxiliaryOut)
def get_auxiliary(request, auxiliary_id: ObjectId):
    """An auxiliary account with its balance in the latest fiscal year."""
    return fetch(queries.third_parties(_year(None)), auxiliary_id)


class AuxiliaryIn(Schema):
    contact: RequiredId = Field(..., description="contact client ou fournisseur")
    control: Literal["411", "401"] = Field("411", description="411 client, 401 fournisseur")


@guarded(router, "POST", "/comptes-auxiliaires", "ledger.edit", response={201: AuxiliaryOut})
def create_auxiliary(request, payload: AuxiliaryIn):
    """The contact's sub-ledger account under 411 or 401, as the third parties page makes it (the one it already
    has when it exists)."""
    from pilote.ledger import services
    from pilote.ledger.forms import AuxiliaryForm

    data = through_form(AuxiliaryForm, payload)
    aux = services.auxiliary_for_contact(actor=request.auth, contact=data["contact"], control_code=data["control"])
    return Status(201, get_auxiliary(request, aux.pk))


# --- lettering ------------------------------------------------------------------------------------------------


class LetteringLineOut(Schema):
    id: int
    date: dt.date
    journal: str
    entry_id: int
    entry_number: int | None
    piece_ref: str
    label: str
    reference: str
    due_date: dt.date | None
    debit: Decimal
    credit: Decimal
    lettering_code: str = Field(description="code du lettrage (minuscules : partiel) ; vide : non lettrée")
    matching_id: int | None

    @staticmethod
    def resolve_journal(obj: EntryLine) -> str:
        return obj.entry.journal.code

    @staticmethod
    def resolve_entry_number(obj: EntryLine) -> int | None:
        return obj.entry.number

    @staticmethod
    def resolve_piece_ref(obj: EntryLine) -> str:
        return obj.entry.piece_ref

    @staticmethod
    def resolve_label(obj: EntryLine) -> str:
        return obj.label or obj.entry.label

    @staticmethod
    def _match(obj: EntryLine):
        try:
            return obj.match
        except EntryLine.match.RelatedObjectDoesNotExist:
            return None

    @staticmethod
    def resolve_lettering_code(obj: EntryLine) -> str:
        match = LetteringLineOut._match(obj)
        return match.matching.code if match else ""

    @staticmethod
    def resolve_matching_id(obj: EntryLine) -> int | None:
        match = LetteringLineOut._match(obj)
        return match.matching_id if match else None


class LetteringLineFilters(Paging):
    etat: Literal["ouvertes", "lettrees"] = Field(
        "ouvertes", description="ouvertes (non lettrées ou en lettrage partiel, les plus anciennes d'abord) ou "
        "lettrees (les plus récentes d'abord) ; exercices ouverts"
    )  # fmt: skip


@guarded(router, "GET", "/comptes-auxiliaires/{auxiliary_id}/lignes", "ledger.view",
         response=Page[LetteringLineOut])  # fmt: skip
def list_lettering_lines(request, auxiliary_id: ObjectId, filters: Query[LetteringLineFilters]):
    """A third party's lines on its control account, as its lettering page lists them."""
    data = filters.dict()
    auxiliary = fetch(AuxiliaryAccount.objects.select_related("control_account"), auxiliary_id)
    if data["etat"] == "lettrees":
        lines, keys = lettering.lettered_lines(auxiliary.control_account, auxiliary.pk)
        lines = lines.order_by(*[f"-{name}" for name, _ in keys], "-id")  # newest first, the index's order
    else:
        lines = lettering.open_lines(auxiliary.control_account, auxiliary.pk).select_related("match__matching")
    return page_of(lines, data)


class MatchingOut(Schema):
    id: int
    code: str
    account: str
    auxiliary_id: int | None
    is_partial: bool
    created_at: dt.datetime
    line_ids: list[int]

    @staticmethod
    def resolve_account(obj: Matching) -> str:
        return obj.account.code

    @staticmethod
    def resolve_auxiliary_id(obj: Matching) -> int | None:
        return obj.aux_key or None

    @staticmethod
    def resolve_line_ids(obj: Matching) -> list[int]:
        return sorted(item.line_id for item in obj.items.all())


def _matchings():
    return Matching.objects.select_related("account").prefetch_related("items")


@guarded(router, "GET", "/comptes-auxiliaires/{auxiliary_id}/lettrages", "ledger.view", response=Page[MatchingOut])
def list_matchings(request, auxiliary_id: ObjectId, filters: Query[Paging]):
    """A third party's letterings, newest first (those its lettering page offers to undo)."""
    auxiliary = fetch(AuxiliaryAccount, auxiliary_id)
    rows = _matchings().filter(account_id=auxiliary.control_account_id, aux_key=auxiliary.pk)
    return page_of(rows.order_by("-created_at", "-id"), filters)


class LetterIn(Schema):
    lines: list[RequiredId] = Field(..., min_length=1, max_length=500, description="lignes du tiers à lettrer")
    partial: bool = Field(False, description="lettrage partiel (acompte, règlement partiel) : sans équilibre")


@guarded(router, "POST", "/comptes-auxiliaires/{auxiliary_id}/lettrages", "ledger.edit", response={201: MatchingOut})
def letter(request, auxiliary_id: ObjectId, payload: LetterIn):
    """Lines of the third party lettered together, as on its lettering page: debits and credits must balance
    unless `partial` (otherwise 409 with the gap); a line of another account or third party is not lettered."""
    auxiliary = fetch(AuxiliaryAccount, auxiliary_id)
    lines = lettering.auxiliary_lines(auxiliary, payload.lines)
    matching = lettering.letter_lines(actor=request.auth, lines=lines, partial=payload.partial)
    return Status(201, fetch(_matchings(), matching.pk))


class AutoLetteringOut(Schema):
    made: int = Field(description="lettrages effectués")


@guarded(router, "POST", "/comptes-auxiliaires/{auxiliary_id}/lettrage-automatique", "ledger.edit",
         response=AutoLetteringOut)  # fmt: skip
def auto_letter(request, auxiliary_id: ObjectId):
    """The page's automatic lettering, for this third party only: its open lines sharing a reference whose debits
    and credits balance."""
    auxiliary = fetch(AuxiliaryAccount.objects.select_related("control_account"), auxiliary_id)
    made = lettering.auto_letter(actor=request.auth, account=auxiliary.control_account, auxiliary=auxiliary)
    return {"made": made}


@guarded(router, "DELETE", "/lettrages/{matching_id}", "ledger.edit", response={204: None})
def unletter(request, matching_id: ObjectId):
    """A lettering undone (refused in French, 409, once it touches a closed or locked period)."""
    lettering.unletter(actor=request.auth, matching=fetch(Matching, matching_id))
    return Status(204, None)


# --- SEPA creditor identifier ---------------------------------------------------------------------------------


class CreditorOut(Schema):
    creditor_id: str = Field(description="identifiant créancier SEPA (ICS) ; vide : à saisir")


class CreditorIn(Schema):
    creditor_id: str = Field(..., max_length=40, description="ICS donné par la banque (ex. FR72ZZZ123456)")


@guarded(router, "GET", "/prelevements-ics", "sales.view", response=CreditorOut, tags=["Relances et prélèvements"])
def get_creditor_id(request):
    from pilote.receivables import direct_debit

    return {"creditor_id": direct_debit.creditor_id()}


@guarded(router, "PUT", "/prelevements-ics", "sales.payments", response=CreditorOut,
         tags=["Relances et prélèvements"])  # fmt: skip
def set_creditor_id(request, payload: CreditorIn):
    """The ICS checked as on the collections page (its form, its check digits: 409 in French otherwise)."""
    from pilote.receivables import direct_debit
    from pilote.receivables.views.direct_debit import CreditorForm

    data = through_form(CreditorForm, payload)
    return {"creditor_id": direct_debit.set_creditor_id(actor=request.auth, value=data["creditor_id"])}
