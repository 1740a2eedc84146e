"""Bank accounts over the API (apix): listed and read as the bank list page shows them, created and changed through
the page's forms (IBAN and BIC checked with schwifty, French messages) and `ledger.bank.create_bank_account` /
`update_bank_account` (the IBAN fixed once a statement is imported)."""

from django.db.models import Count, Q
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import ObjectId, Page, Paging, fetch, guarded, sorted_page, through_form
from pilote.ledger.models_bank import BankAccount

router = Router(tags=["Comptabilité"])


class BankAccountOut(Schema):
    id: int
    name: str
    iban: str
    bic: str
    journal_code: str
    account_code: str = Field(description="compte comptable 51x")
    is_active: bool
    version: int
    csv_layout_saved: bool = Field(description="une disposition de colonnes CSV est enregistrée")
    pending: int = Field(description="lignes de relevé à rapprocher")

    @staticmethod
    def resolve_journal_code(obj: BankAccount) -> str:
        return obj.journal.code

    @staticmethod
    def resolve_account_code(obj: BankAccount) -> str:
        return obj.account.code

    @staticmethod
    def resolve_csv_layout_saved(obj: BankAccount) -> bool:
        return obj.csv_mapping is not None

    @staticmethod
    def resolve_pending(obj: BankAccount) -> int:
        pending = getattr(obj, "pending", None)
        return pending if pending is not None else obj.statement_lines.filter(entry_line__isnull=True).count()


def _accounts():
    """As the bank list page reads them: with their lines still to reconcile."""
    return BankAccount.objects.select_related("journal", "account").annotate(
        pending=Count("statement_lines", filter=Q(statement_lines__entry_line__isnull=True))
    )


class BankAccountFilters(Paging):
    q: str = Field("", max_length=100, description="mot du nom ou début de l'IBAN")
    actif: bool | None = Field(None, description="vrai : les comptes actifs ; faux : les inactifs")
    tri: str = Field("nom", description="nom, journal ; préfixe - décroissant")


SORTS = {"nom": ["name"], "journal": ["journal__code"]}


@guarded(router, "GET", "/comptes-bancaires", "ledger.view", response=Page[BankAccountOut])
def list_bank_accounts(request, filters: Query[BankAccountFilters]):
    data = filters.dict()
    accounts = _accounts()
    words = data["q"].strip()
    if words:
        accounts = accounts.filter(Q(name__icontains=words) | Q(iban__istartswith=words.replace(" ", "")))
    if data["actif"] is not None:
        accounts = accounts.filter(is_active=data["actif"])
    return sorted_page(accounts, data, SORTS, "nom")


@guarded(router, "GET", "/comptes-bancaires/{bank_account_id}", "ledger.view", response=BankAccountOut)
def get_bank_account(request, bank_account_id: ObjectId):
    return fetch(_accounts(), bank_account_id)


class BankAccountIn(Schema):
    name: str = Field(..., max_length=100)
    iban: str = Field(..., max_length=60, description="IBAN (espaces admis)")
    bic: str = Field("", max_length=30, description="vide : celui de la banque de l'IBAN")
    account_code: str = Field("512", max_length=20, description="compte comptable 51x existant")
    journal_code: str = Field("", max_length=8, description="journal de banque libre ; vide : un journal BQn créé")


class BankAccountChangeIn(Schema):
    name: str | None = Field(None, max_length=100)
    iban: str | None = Field(None, max_length=60, description="modifiable tant qu'aucun relevé n'est importé")
    bic: str | None = Field(None, max_length=30, description="null ou vide : celui de la banque de l'IBAN")
    is_active: bool | None = Field(None, description="faux (ou null) : plus proposé aux paiements et aux prélèvements")
    version: int | None = Field(None, description="Version lue ; si le compte a changé depuis, réponse 409.")


@guarded(router, "POST", "/comptes-bancaires", "ledger.admin", response={201: BankAccountOut})
def create_bank_account(request, payload: BankAccountIn):
    """A bank account and its journal, as the bank list page creates them (the same IBAN twice: 409)."""
    from pilote.ledger import bank
    from pilote.ledger.forms import BankAccountForm

    data = through_form(BankAccountForm, payload)
    account = bank.create_bank_account(actor=request.auth, **data)
    return Status(201, fetch(_accounts(), account.pk))


@guarded(router, "PATCH", "/comptes-bancaires/{bank_account_id}", "ledger.admin", response=BankAccountOut)
def change_bank_account(request, bank_account_id: ObjectId, payload: BankAccountChangeIn):
    """The fields sent changed, as on the account's page: the IBAN of an account with imported statements: 409."""
    from pilote.ledger import bank
    from pilote.ledger.forms import BankAccountChangeForm

    account = fetch(BankAccount, bank_account_id)
    current = {"name": account.name, "iban": account.iban, "bic": account.bic, "is_active": account.is_active}
    data = through_form(BankAccountChangeForm, payload, current=current)
    bank.update_bank_account(actor=request.auth, bank_account=account, expected_version=payload.version, **data)
    return fetch(_accounts(), bank_account_id)
