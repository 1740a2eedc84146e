"""Bank statements imported from files and the bank matching rules over the API (apid): a CAMT.053, OFX or CSV file
sent in base64 is checked by the bank page's upload form and imported by `ledger.bank.import_statement` (a CSV read
with the account's saved column layout, or the one sent, checked by the page's column form); the rules « when a
bank line's label contains … book it on … » listed, created, changed, deleted and applied through `ledger.bank`."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import (
    Day,
    ObjectId,
    OptionalId,
    Page,
    Paging,
    RequiredId,
    Words,
    fetch,
    guarded,
    sorted_page,
    through_form,
)
from pilote.ledger.models_bank import BankAccount, BankRule

router = Router(tags=["Comptabilité"])

# The bank page's upload limit (20 Mo) in base64, and a little more: the page's form says the limit in French.
MAX_BASE64 = 28 * 1024 * 1024


class CsvLayoutIn(Schema):
    """The columns of a CSV file, named as its header names them (the page's column screen)."""

    skip_rows: int = Field(0, ge=0, le=100, description="lignes d'en-tête de la banque avant les titres de colonnes")
    date_column: str = Field(..., max_length=100)
    label_column: str = Field(..., max_length=100)
    amount_column: str = Field("", max_length=100, description="montant signé ; ou débit et crédit")
    debit_column: str = Field("", max_length=100)
    credit_column: str = Field("", max_length=100)
    value_date_column: str = Field("", max_length=100)
    reference_column: str = Field("", max_length=100)
    currency_column: str = Field("", max_length=100)
    date_format: str = Field("%d/%m/%Y", description="%d/%m/%Y, %Y-%m-%d, %d/%m/%y, %d-%m-%Y ou %d.%m.%Y")
    decimal_comma: bool = Field(True, description="virgule décimale (1 234,56)")
    invert_signs: bool = Field(False, description="le fichier écrit les dépenses en positif")


class StatementFileIn(Schema):
    file_name: str = Field(..., max_length=200, description="nom du fichier : .xml (CAMT.053), .ofx, .qfx ou .csv")
    content_base64: str = Field(..., max_length=MAX_BASE64, description="le contenu du fichier en base64")
    csv_layout: CsvLayoutIn | None = Field(
        None, description="colonnes d'un CSV ; vide : la disposition enregistrée pour le compte (sinon réponse 422)"
    )


class StatementImportOut(Schema):
    id: int
    bank_account_id: int
    filename: str
    file_format: str
    start_date: dt.date | None
    end_date: dt.date | None
    opening_balance: Decimal | None
    closing_balance: Decimal | None
    line_count: int
    skipped_count: int
    notes: list[str] = Field([], description="ce que la lecture a laissé de côté (section carte…)")


def _csv_mapping(upload, layout: CsvLayoutIn):
    """The layout checked by the page's column form against the file's own header."""
    from pilote.ledger import bank_statements
    from pilote.ledger.views.bank import MappingForm

    upload.seek(0)
    try:
        columns, _sample = bank_statements.sniff_csv_columns(upload, layout.skip_rows)
    except bank_statements.StatementError as exc:
        raise ValidationError({"content_base64": exc.problems or [str(exc)]}) from None
    form = MappingForm(data=layout.dict(), columns=columns)
    if not form.is_valid():
        errors = form.errors.get_json_data()
        raise ValidationError({f"csv_layout.{name}" if name != "__all__" else "csv_layout":
                               [error["message"] for error in found] for name, found in errors.items()})  # fmt: skip
    return form.mapping()


@guarded(router, "POST", "/comptes-bancaires/{bank_account_id}/imports-releves", "ledger.edit",
         response={201: StatementImportOut})  # fmt: skip
def import_bank_statement(request, bank_account_id: ObjectId, payload: StatementFileIn):
    """A statement file imported as the bank page imports it (lines already imported are skipped): a file that cannot
    be read — malformed, another account's, another currency, a CSV without a layout that fits — is a 422 with its
    problems in French, nothing written; the same file twice: 409."""
    from pilote.api.base import uploaded_base64
    from pilote.ledger import bank, bank_statements
    from pilote.ledger.views.bank import UploadForm

    account = fetch(BankAccount, bank_account_id)
    upload = through_form(UploadForm, {}, files={"file": uploaded_base64(payload.file_name, payload.content_base64)})
    upload = upload["file"]
    mapping = _csv_mapping(upload, payload.csv_layout) if payload.csv_layout else None
    upload.seek(0)
    try:
        summary = bank.import_statement(actor=request.auth, bank_account=account, data=upload, filename=upload.name,
                                        csv_mapping=mapping)  # fmt: skip
    except bank_statements.CsvMappingRequired as exc:
        advice = "Envoyez « csv_layout » : les colonnes du fichier (date, libellé, montant…)."
        raise ValidationError({"csv_layout": [*exc.problems[:20], advice]}) from None
    except bank_statements.StatementError as exc:
        raise ValidationError({"content_base64": exc.problems[:20] or [str(exc)]}) from None
    record = summary.statement
    record.notes = list(summary.notes)
    return Status(201, record)


# --- matching rules ------------------------------------------------------------------------------------------


class BankRuleOut(Schema):
    id: int
    bank_account_id: int | None = Field(description="vide : tous les comptes bancaires")
    label_contains: str
    account_id: int
    account_code: str
    auxiliary_id: int | None
    entry_label: str
    version: int

    @staticmethod
    def resolve_account_code(obj: BankRule) -> str:
        return obj.account.code


class BankRuleFilters(Paging):
    q: str = Field("", max_length=100, description="texte de la règle ou libellé de l'écriture")
    compte_bancaire: OptionalId = Field(None, description="règles de ce compte bancaire (et celles de tous)")
    tri: str = Field("texte", description="texte, compte ; préfixe - décroissant")


RULE_SORTS = {"texte": ["label_contains"], "compte": ["account__code"]}


@guarded(router, "GET", "/regles-bancaires", "ledger.view", response=Page[BankRuleOut])
def list_bank_rules(request, filters: Query[BankRuleFilters]):
    """The matching rules, as the rules page lists them, filtered by words and by bank account."""
    data = filters.dict()
    rules = BankRule.objects.select_related("account")
    words = data["q"].strip()
    if words:
        rules = rules.filter(Q(label_contains__icontains=words) | Q(entry_label__icontains=words))
    if data["compte_bancaire"]:
        rules = rules.filter(Q(bank_account_id=data["compte_bancaire"]) | Q(bank_account__isnull=True))
    return sorted_page(rules, data, RULE_SORTS, "texte")


@guarded(router, "GET", "/regles-bancaires/{bank_rule_id}", "ledger.view", response=BankRuleOut)
def get_bank_rule(request, bank_rule_id: ObjectId):
    return fetch(BankRule.objects.select_related("account"), bank_rule_id)


class BankRuleIn(Schema):
    bank_account: OptionalId = Field(None, description="id du compte bancaire ; vide : tous les comptes")
    label_contains: str = Field(..., max_length=100, description="quand le libellé de la ligne de relevé contient")
    account: RequiredId = Field(..., description="id du compte de contrepartie")
    auxiliary: OptionalId = Field(None, description="id du compte auxiliaire (client, fournisseur)")
    entry_label: str = Field("", max_length=200, description="libellé de l'écriture ; vide : celui du relevé")


class BankRuleChangeIn(Schema):
    bank_account: OptionalId = None
    label_contains: str | None = Field(None, max_length=100)
    account: OptionalId = None
    auxiliary: OptionalId = None
    entry_label: str | None = Field(None, max_length=200)
    version: int | None = Field(None, description="Version lue ; si la règle a changé depuis, réponse 409.")


@guarded(router, "POST", "/regles-bancaires", "ledger.edit", response={201: BankRuleOut})
def create_bank_rule(request, payload: BankRuleIn):
    """A matching rule, checked by its form and `ledger.bank.create_rule` (the bank line page's way)."""
    from pilote.ledger import bank
    from pilote.ledger.forms import BankRuleForm

    data = through_form(BankRuleForm, payload)
    return Status(201, bank.create_rule(actor=request.auth, **data))


@guarded(router, "PATCH", "/regles-bancaires/{bank_rule_id}", "ledger.edit", response=BankRuleOut)
def change_bank_rule(request, bank_rule_id: ObjectId, payload: BankRuleChangeIn):
    """A rule changed (the fields sent; null empties the bank account or the auxiliary account)."""
    from pilote.ledger import bank
    from pilote.ledger.forms import BankRuleForm

    rule = fetch(BankRule, bank_rule_id)
    data = through_form(BankRuleForm, payload, instance=rule)
    return bank.update_rule(actor=request.auth, rule=rule, expected_version=payload.version, **data)


@guarded(router, "DELETE", "/regles-bancaires/{bank_rule_id}", "ledger.edit", response={204: None})
def delete_bank_rule(request, bank_rule_id: ObjectId):
    """A rule deleted, as on the rules page (lines it booked stay booked)."""
    from pilote.ledger import bank

    bank.delete_rule(actor=request.auth, rule=fetch(BankRule, bank_rule_id))
    return Status(204, None)


class RulesApplyIn(Schema):
    du: Day | None = None
    au: Day | None = None
    q: Words = Field("", max_length=100, description="mots du libellé, de la référence ou de la contrepartie")
    sens: Literal["", "credit", "debit"] = ""


class RulesAppliedOut(Schema):
    booked: int = Field(description="lignes de relevé comptabilisées et rapprochées par les règles")


@guarded(router, "POST", "/comptes-bancaires/{bank_account_id}/application-regles", "ledger.edit",
         response=RulesAppliedOut)  # fmt: skip
def apply_bank_rules(request, bank_account_id: ObjectId, payload: RulesApplyIn):
    """The rules applied to the account's lines to reconcile within the filters (dates, words, direction), as the
    bank page's « Appliquer les règles » does on the lines it lists — never beyond them."""
    from pilote.ledger import bank, queries
    from pilote.ledger.views.bank import StatementLineFilterForm

    account = fetch(BankAccount, bank_account_id)
    filters = {name: value for name, value in through_form(StatementLineFilterForm, payload).items() if value}
    shown = queries.statement_lines(account, "a-rapprocher", **filters)
    return {"booked": bank.apply_rules(actor=request.auth, bank_account=account, lines=shown)}
