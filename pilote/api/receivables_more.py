"""Receivables beyond dunning runs and direct debits (apia): the dunning levels (their texts and delays), a customer's
authorised outstanding (encours autorisé) with its current exposure, the invoices kept out of dunning (Pilote's and
the previous tool's, taken over into the ledger), and doubtful debts — an issued invoice, or an old invoice taken over
with the VAT the old tool knew, classed doubtful (411 → 416), written down, written off (654, VAT recovered) or
recovered — each write through the page's form and the receivables services, the same refusals."""

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import Day, ObjectId, Page, Paging, RequiredId, checked, fetch, guarded, page_of, through_form
from pilote.receivables.models import DoubtfulDebt, DoubtfulStatus, DunningHold, DunningLevel

router = Router(tags=["Relances"])


class LevelOut(Schema):
    id: int
    rank: int
    title: str
    days_after_due: int
    channel: str
    include_penalties: bool
    is_active: bool
    email_subject: str
    email_body: str
    letter_body: str
    version: int


@guarded(router, "GET", "/niveaux-relance", "sales.dunning", response=list[LevelOut])
def list_levels(request):
    """Every dunning level, by rank, as the levels page shows them."""
    return list(DunningLevel.objects.all())


@guarded(router, "GET", "/niveaux-relance/{level_id}", "sales.dunning", response=LevelOut)
def get_level(request, level_id: ObjectId):
    return fetch(DunningLevel, level_id)


class LevelIn(Schema):
    rank: int = Field(..., ge=1, le=99)
    title: str = Field(..., max_length=80)
    days_after_due: int = Field(..., ge=0, le=3650)
    channel: str = Field("email", description="email ou letter")
    include_penalties: bool = False
    is_active: bool = True
    email_subject: str = Field(..., max_length=200)
    email_body: str = Field(..., max_length=20000)
    letter_body: str = Field(..., max_length=20000)


class LevelPatch(Schema):
    rank: int | None = Field(None, ge=1, le=99)
    title: str | None = Field(None, max_length=80)
    days_after_due: int | None = Field(None, ge=0, le=3650)
    channel: str | None = None
    include_penalties: bool | None = None
    is_active: bool | None = None
    email_subject: str | None = Field(None, max_length=200)
    email_body: str | None = Field(None, max_length=20000)
    letter_body: str | None = Field(None, max_length=20000)
    version: int | None = Field(None, ge=1, description="Version lue ; si le niveau a changé depuis, réponse 409.")


@guarded(router, "POST", "/niveaux-relance", "sales.dunning", response={201: LevelOut})
def create_level(request, payload: LevelIn):
    """A dunning level, its texts checked (known placeholders only) by the page's form and the service."""
    from pilote.receivables import services
    from pilote.receivables.forms import LevelForm

    return Status(201, services.create_level(actor=request.auth, **through_form(LevelForm, payload)))


@guarded(router, "PATCH", "/niveaux-relance/{level_id}", "sales.dunning", response=LevelOut)
def update_level(request, level_id: ObjectId, payload: LevelPatch):
    from pilote.receivables import services
    from pilote.receivables.forms import LevelForm

    level = fetch(DunningLevel, level_id)
    changes = {name: value for name, value in payload.dict(exclude_unset=True).items() if name != "version"}
    data = through_form(LevelForm, changes, instance=level)
    return services.update_level(actor=request.auth, level=level, version=payload.version, **data)


class CreditLimitOut(Schema):
    customer_id: int
    amount: Decimal | None = Field(description="encours autorisé TTC ; vide : pas suivi")
    version: int | None
    open_balance: Decimal = Field(description="factures non réglées TTC")
    open_orders: Decimal = Field(description="commandes non facturées TTC")
    exposure: Decimal = Field(description="encours actuel (factures + commandes)")


def _credit(contact) -> dict:
    from pilote.receivables import credit
    from pilote.receivables.models import CreditLimit

    limit = CreditLimit.objects.filter(customer=contact).first()
    current = credit.exposure(contact)
    return {"customer_id": contact.pk, "amount": limit.amount if limit else None,
            "version": limit.version if limit else None, "open_balance": current.open_balance,
            "open_orders": current.open_orders, "exposure": current.total}  # fmt: skip


@guarded(router, "GET", "/clients/{contact_id}/encours-autorise", "sales.dunning", response=CreditLimitOut)
def get_credit_limit(request, contact_id: ObjectId):
    from pilote.contacts.models import Contact

    return _credit(fetch(Contact, contact_id))


class CreditLimitIn(Schema):
    amount: Decimal | None = Field(..., max_digits=15, description="encours autorisé TTC ; null : ne plus le suivre")
    version: int | None = Field(None, ge=1, description="Version lue ; si l'encours a changé depuis, réponse 409.")


@guarded(router, "PUT", "/clients/{contact_id}/encours-autorise", "sales.dunning", response=CreditLimitOut)
def set_credit_limit(request, contact_id: ObjectId, payload: CreditLimitIn):
    """The customer's authorised outstanding (a warning on its orders beyond it, never a block), as its page sets it."""
    from pilote.contacts.models import Contact
    from pilote.receivables import services
    from pilote.receivables.forms import CreditLimitForm

    contact = fetch(Contact, contact_id)
    amount = through_form(CreditLimitForm, {"amount": "" if payload.amount is None else str(payload.amount)})["amount"]
    services.set_credit_limit(actor=request.auth, customer=contact, amount=amount, version=payload.version)
    return _credit(contact)


# --- doubtful debts -----------------------------------------------------------------------------------------------


class OldVatRateOut(Schema):
    rate: Decimal
    net: Decimal
    vat: Decimal


class DebtOut(Schema):
    id: int
    invoice_id: int | None = Field(None, description="facture de Pilote ; vide pour une facture reprise")
    entry_line_id: int | None = Field(None, description="facture reprise de l'ancien outil : sa ligne au 411 classée")
    invoice_number: str
    vat_regime: str = Field("", description="facture reprise : debits ou receipts (vide sans TVA)")
    customer_id: int
    customer_name: str
    status: str
    classified_on: dt.date
    amount_gross: Decimal
    amount_net: Decimal
    amount_vat: Decimal
    provision_rate: Decimal
    provision: Decimal
    written_off_on: dt.date | None
    loss_proof: str
    recovered: Decimal
    write_off_entry_id: int | None
    version: int
    vat_lines: list[OldVatRateOut] = Field([], description="facture reprise : ses taux de TVA, tels que saisis")

    @staticmethod
    def resolve_invoice_number(obj: DoubtfulDebt) -> str:
        return obj.number

    @staticmethod
    def resolve_vat_lines(obj: DoubtfulDebt) -> list:
        return list(obj.vat_lines.all())

    @staticmethod
    def resolve_customer_name(obj: DoubtfulDebt) -> str:
        return obj.customer.display_name


class DebtFilters(Paging):
    statut: DoubtfulStatus | None = Field(None, description="doubtful ou written_off")
    client: RequiredId | None = None


def _debts():
    return DoubtfulDebt.objects.select_related("invoice", "customer", "entry_line").prefetch_related("vat_lines")


@guarded(router, "GET", "/creances-douteuses", "receivables.bad_debts", response=Page[DebtOut])
def list_debts(request, filters: Query[DebtFilters]):
    """The doubtful debts to review at the year end, in the page's order (state, classing date)."""
    data = filters.dict()
    debts = _debts().order_by("status", "classified_on", "pk")
    if data["statut"]:
        debts = debts.filter(status=data["statut"])
    if data["client"]:
        debts = debts.filter(customer_id=data["client"])
    return page_of(debts, data)


@guarded(router, "GET", "/creances-douteuses/{debt_id}", "receivables.bad_debts", response=DebtOut)
def get_debt(request, debt_id: ObjectId):
    return fetch(_debts(), debt_id)


class ClassifyIn(Schema):
    day: Day
    reason: str = Field("", max_length=150, description="redressement judiciaire, litige…")


@guarded(router, "POST", "/factures/{invoice_id}/creance-douteuse", "receivables.bad_debts", response={201: DebtOut})
def classify(request, invoice_id: ObjectId, payload: ClassifyIn):
    """The open share of an issued invoice classed doubtful: 411 → 416, no longer dunned."""
    from pilote.receivables import bad_debts
    from pilote.receivables.forms import ClassifyForm
    from pilote.sales.models import Invoice

    data = through_form(ClassifyForm, payload)
    debt = bad_debts.classify(actor=request.auth, invoice=fetch(Invoice, invoice_id), **data)
    return Status(201, get_debt(request, debt.pk))


class OldVatRateIn(Schema):
    net: Decimal = Field(..., gt=0, max_digits=15, description="montant HT de la facture à ce taux")
    vat_rate: Decimal = Field(..., description="taux de TVA : 20, 10, 5.5, 2.1 ou 0")
    vat_amount: Decimal | None = Field(
        None, ge=0, max_digits=15, description="TVA à ce taux ; vide : HT × taux (0,01 € d'écart au plus)"
    )


class ClassifyOldIn(Schema):
    day: Day
    reason: str = Field("", max_length=150, description="redressement judiciaire, litige…")
    net: Decimal | None = Field(
        None, gt=0, max_digits=15,
        description="un seul taux : montant HT de la facture, tel que l'ancien outil l'a facturé (sinon vat_lines)",
    )  # fmt: skip
    vat_rate: Decimal | None = Field(None, description="un seul taux : taux de TVA, 20, 10, 5.5, 2.1 ou 0")
    vat_amount: Decimal | None = Field(
        None, ge=0, max_digits=15, description="un seul taux : TVA de la facture ; vide : HT × taux"
    )
    vat_lines: list[OldVatRateIn] | None = Field(
        None, min_length=1, max_length=5,
        description="plusieurs taux (20 % et 5,5 %…) : une ligne par taux, à la place de net / vat_rate / vat_amount",
    )  # fmt: skip
    vat_regime: str = Field(
        "",
        description="debits (déclarée à la facturation) ou receipts (sur les encaissements, "
        "en attente au 44588) ; vide sans TVA",
    )


def _old_invoice_form_data(payload: ClassifyOldIn) -> dict:
    """The payload as the page's form receives it: the first rate in net / vat_rate / vat_amount, the others in
    net_2 … (ClassifyTakenOverForm)."""
    from django.core.exceptions import ValidationError

    data = {"day": payload.day, "reason": payload.reason, "vat_regime": payload.vat_regime}
    rows = [(payload.net, payload.vat_rate, payload.vat_amount)]
    if payload.vat_lines:
        if any(value is not None for value in rows[0]):
            raise ValidationError({"vat_lines": ["Donnez soit net / vat_rate / vat_amount (un seul taux), soit "
                                                 "vat_lines (une ligne par taux), pas les deux."]})  # fmt: skip
        rows = [(line.net, line.vat_rate, line.vat_amount) for line in payload.vat_lines]
    for index, (net, rate, vat) in enumerate(rows, start=1):
        suffix = "" if index == 1 else f"_{index}"
        data[f"net{suffix}"] = "" if net is None else str(net)
        data[f"vat_rate{suffix}"] = "" if rate is None else f"{rate:.2f}"
        data[f"vat_amount{suffix}"] = "" if vat is None else str(vat)
    return data


@guarded(router, "POST", "/factures-reprises/{line_id}/creance-douteuse", "receivables.bad_debts",
         response={201: DebtOut})  # fmt: skip
def classify_old_invoice(request, line_id: ObjectId, payload: ClassifyOldIn):
    """The open share of an old invoice of the previous tool classed doubtful (411 → 416), with what the old tool
    knew of its VAT — one rate, or `vat_lines` for an invoice mixing rates; each typed VAT within 0,01 € of HT × rate,
    else a French 422 — then written down, written off or recovered through the same operations as a Pilote
    invoice's."""
    from pilote.receivables import bad_debts
    from pilote.receivables.forms import ClassifyTakenOverForm

    form = checked(ClassifyTakenOverForm(data=_old_invoice_form_data(payload)))
    debt = bad_debts.classify_taken_over(actor=request.auth, line_id=line_id, day=form.cleaned_data["day"],
                                         vat=form.vat(), reason=form.cleaned_data["reason"])  # fmt: skip
    return Status(201, get_debt(request, debt.pk))


class ProvisionIn(Schema):
    day: Day
    rate: Decimal = Field(..., ge=0, le=100, max_digits=5, description="taux de dépréciation (%)")
    version: int | None = Field(None, ge=1, description="Version lue ; si la créance a changé depuis, réponse 409.")


@guarded(router, "POST", "/creances-douteuses/{debt_id}/depreciation", "receivables.bad_debts", response=DebtOut)
def provision(request, debt_id: ObjectId, payload: ProvisionIn):
    """The write-down at `rate` of the debt's base (the 491 entry for the change)."""
    from pilote.receivables import bad_debts
    from pilote.receivables.forms import ProvisionForm

    data = through_form(ProvisionForm, payload)
    bad_debts.provision(actor=request.auth, debt=fetch(DoubtfulDebt, debt_id), day=data["day"], rate=data["rate"],
                        version=payload.version)  # fmt: skip
    return get_debt(request, debt_id)


class WriteOffIn(Schema):
    day: Day
    proof: str = Field(..., max_length=200, description="preuve de l'irrécouvrabilité (jugement de clôture…)")
    version: int | None = Field(None, ge=1, description="Version lue ; si la créance a changé depuis, réponse 409.")


@guarded(router, "POST", "/creances-douteuses/{debt_id}/perte", "receivables.bad_debts", response=DebtOut)
def write_off(request, debt_id: ObjectId, payload: WriteOffIn):
    """The debt written off as irrecoverable (654, the VAT of the unpaid share recovered, the write-down reversed)."""
    from pilote.receivables import bad_debts
    from pilote.receivables.forms import WriteOffForm

    data = through_form(WriteOffForm, payload)
    bad_debts.write_off(actor=request.auth, debt=fetch(DoubtfulDebt, debt_id), day=data["day"], proof=data["proof"],
                        version=payload.version)  # fmt: skip
    return get_debt(request, debt_id)


class RecoveryIn(Schema):
    day: Day
    amount: Decimal = Field(..., gt=0, max_digits=15, description="montant encaissé (€)")
    bank_account: RequiredId = Field(..., description="id du compte bancaire")


@guarded(router, "POST", "/creances-douteuses/{debt_id}/encaissement", "receivables.bad_debts", response=DebtOut)
def recovery(request, debt_id: ObjectId, payload: RecoveryIn):
    """A payment received on a doubtful or written-off debt."""
    from pilote.receivables import bad_debts
    from pilote.receivables.forms import RecoveryForm

    data = through_form(RecoveryForm, payload)
    bad_debts.record_recovery(actor=request.auth, debt=fetch(DoubtfulDebt, debt_id), **data)
    return get_debt(request, debt_id)


# --- Invoices kept out of dunning (dispute, agreed payment plan…), Pilote's and the previous tool's ---------------


class DunningHoldOut(Schema):
    id: int
    invoice_id: int | None = Field(None, description="facture de Pilote exclue")
    entry_line_id: int | None = Field(None, description="facture reprise de l'ancien outil : sa ligne au 411")
    invoice_number: str
    customer_id: int | None
    reason: str
    created_at: dt.datetime

    @staticmethod
    def resolve_invoice_number(obj: DunningHold) -> str:
        return obj.invoice.number if obj.invoice_id else obj.entry_line.reference

    @staticmethod
    def resolve_customer_id(obj: DunningHold) -> int | None:
        return obj.invoice.customer_id if obj.invoice_id else obj.entry_line.auxiliary.contact_id


class DunningHoldFilters(Paging):
    client: RequiredId | None = None


def _holds():
    return DunningHold.objects.select_related("invoice", "entry_line__auxiliary").order_by("created_at", "pk")


@guarded(router, "GET", "/exclusions-relance", "sales.view", response=Page[DunningHoldOut])
def list_holds(request, filters: Query[DunningHoldFilters]):
    """The invoices kept out of dunning and why, oldest first; `client` narrows to one customer."""
    data = filters.dict()
    holds = _holds()
    if data["client"]:
        holds = holds.filter(
            Q(invoice__customer_id=data["client"]) | Q(entry_line__auxiliary__contact_id=data["client"])
        )
    return page_of(holds, data)


class DunningHoldIn(Schema):
    reason: str = Field(..., max_length=200, description="motif : litige, échéancier accordé…")


@guarded(router, "POST", "/factures/{invoice_id}/exclusion-relance", "sales.dunning", response={201: DunningHoldOut})
def hold_invoice(request, invoice_id: ObjectId, payload: DunningHoldIn):
    """An issued invoice kept out of dunning until the hold is lifted (the reason required, as on the page)."""
    from pilote.receivables import services
    from pilote.receivables.forms import HoldForm
    from pilote.sales.models import Invoice

    data = through_form(HoldForm, payload)
    hold = services.hold_invoice(actor=request.auth, invoice=fetch(Invoice, invoice_id), reason=data["reason"])
    return Status(201, fetch(_holds(), hold.pk))


@guarded(router, "DELETE", "/factures/{invoice_id}/exclusion-relance", "sales.dunning", response={204: None})
def release_invoice(request, invoice_id: ObjectId):
    """The invoice dunned again."""
    from pilote.receivables import services
    from pilote.sales.models import Invoice

    services.release_invoice(actor=request.auth, invoice=fetch(Invoice, invoice_id))
    return Status(204, None)


class OldInvoiceOut(Schema):
    line_id: int = Field(..., description="sa ligne au compte client (411), qui l'identifie")
    customer_id: int
    number: str
    date: dt.date | None
    due_date: dt.date
    total_gross: Decimal
    balance_due: Decimal
    hold_reason: str = Field("", description="motif de l'exclusion des relances, vide si elle est relancée")
    doubtful_debt_id: int | None = Field(None, description="sa créance douteuse (416), si elle a été classée douteuse")


class OldInvoiceFilters(Paging):
    client: RequiredId | None = None


@guarded(router, "GET", "/factures-reprises", "sales.view", response=Page[OldInvoiceOut])
def list_old_invoices(request, filters: Query[OldInvoiceFilters]):
    """The customer invoices of the previous tool still open in the ledger (taken over), by due date, with what is
    left of each: they are chased like Pilote's."""
    from pilote.receivables import ledger_items

    data = filters.dict()
    found = ledger_items.items([data["client"]] if data["client"] else None)
    rows = [
        {
            **vars(item),
            "customer_id": item.contact_id,
            "hold_reason": item.dunning_hold.reason if item.dunning_hold else "",
            "doubtful_debt_id": item.doubtful_debt.pk if item.doubtful_debt else None,
        }
        for item in found
    ]
    return page_of(rows, data)


@guarded(
    router, "POST", "/factures-reprises/{line_id}/exclusion-relance", "sales.dunning", response={201: DunningHoldOut}
)
def hold_old_invoice(request, line_id: ObjectId, payload: DunningHoldIn):
    """An old invoice of the previous tool kept out of dunning; the hold follows it when the year's closing carries
    it forward."""
    from pilote.receivables import services
    from pilote.receivables.forms import HoldForm

    data = through_form(HoldForm, payload)
    hold = services.hold_taken_over(actor=request.auth, line_id=line_id, reason=data["reason"])
    return Status(201, fetch(_holds(), hold.pk))


@guarded(router, "DELETE", "/factures-reprises/{line_id}/exclusion-relance", "sales.dunning", response={204: None})
def release_old_invoice(request, line_id: ObjectId):
    from pilote.receivables import services

    services.release_taken_over(actor=request.auth, line_id=line_id)
    return Status(204, None)
