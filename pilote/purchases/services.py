"""Supplier invoices: receiving e-invoices, deciding on them (approve, dispute, refuse), posting the AC entry.

Every write goes through these functions: one transaction, an audit event, a French DomainError when a
rule refuses. Nothing here renders pages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pilote.contacts.models import Contact
from pilote.core import audit, uploads
from pilote.core.exceptions import DomainError, check_version
from pilote.core.models import Structure
from pilote.ledger import services as ledger
from pilote.ledger.models import Account, Journal, JournalKind
from pilote.lib.formats import format_eur
from pilote.lib.identifiers import compact
from pilote.lib.money import ZERO, round_eur, split_amount
from pilote.purchases import einvoice_reader
from pilote.purchases.models import (
    SupplierInvoice,
    SupplierInvoiceKind,
    SupplierInvoiceLine,
    SupplierInvoiceOriginal,
    SupplierInvoiceSource,
    SupplierInvoiceStatus,
    SupplierInvoiceVat,
)
from pilote.sales import totals
from pilote.sales.services import LineSpec

SUPPLIER_ACCOUNT = "401"
DEDUCTIBLE_VAT = "44566"  # TVA déductible sur autres biens et services (CA3 box 20)
DEDUCTIBLE_VAT_ON_ASSETS = "44562"  # TVA déductible sur immobilisations (CA3 box 19)
REVERSE_CHARGE_CATEGORIES = frozenset({"AE", "K"})
CONTENT_TYPES = {"factur-x": "application/pdf", "cii": "application/xml", "ubl": "application/xml"}


class EinvoiceRefused(DomainError):
    """The file is not taken; `problems` lists every reason in French. Nothing was written."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


class UnknownSupplier(DomainError):
    """No contact matches the invoice's seller; `invoice` holds what was read, to offer a prefilled contact."""

    def __init__(self, invoice: einvoice_reader.ReceivedInvoice):
        seller = invoice.seller
        ids = ", ".join(x for x in (seller.siret or seller.siren, seller.vat_number) if x) or "sans identifiant"
        super().__init__(f"Fournisseur inconnu : « {seller.name} » ({ids}) n'est pas dans vos contacts.")
        self.invoice = invoice


# --- receiving ----------------------------------------------------------------------------------------------


def read_einvoice(content: bytes, filename: str) -> einvoice_reader.ReceivedInvoice:
    """The invoice in the file, checked for what Pilote can book; EinvoiceRefused otherwise."""
    if len(content) > uploads.max_bytes("einvoice"):  # the command reads files the upload limit never saw
        raise EinvoiceRefused([f"« {filename} » : {uploads.too_large_message('einvoice')}"])
    try:
        invoice = einvoice_reader.read(content, filename)
    except einvoice_reader.EinvoiceError as error:
        raise EinvoiceRefused(error.problems) from None
    problems = []
    if invoice.currency != "EUR":
        problems.append(
            f"La facture n° {invoice.number} est en {invoice.currency} : Pilote ne comptabilise que des factures "
            "en euros. Demandez au fournisseur une facture en EUR, ou saisissez-la avec son montant en euros."
        )
    mismatch = _buyer_mismatch(invoice.buyer)
    if mismatch:
        problems.append(mismatch)
    if problems:
        raise EinvoiceRefused(problems)
    return invoice


def _buyer_mismatch(buyer: einvoice_reader.Party) -> str:
    """A French identifier of the buyer that is not the structure's: the invoice is addressed to someone else."""
    structure = Structure.objects.filter(pk=1).first()
    ours = compact(getattr(structure, "siren", "") or "")
    if not ours:
        return ""
    theirs = buyer.siren or (buyer.siret[:9] if buyer.siret else "")
    if not theirs and buyer.vat_number.startswith("FR") and len(buyer.vat_number) == 13:
        theirs = buyer.vat_number[4:]
    if theirs and theirs != ours:
        return (
            f"Cette facture est adressée à « {buyer.name} » (SIREN {theirs}), pas à votre structure (SIREN {ours}) : "
            "elle n'est pas à comptabiliser chez vous."
        )
    return ""


def find_supplier(seller: einvoice_reader.Party) -> Contact | None:
    """The contact the seller's SIRET, SIREN or VAT number designates (in that order of precision)."""
    lookups = []
    if seller.siret:
        lookups.append(Q(siret=seller.siret))
    if seller.siren:
        lookups.append(Q(siren=seller.siren))
    if seller.vat_number:
        lookups.append(Q(vat_number__iexact=seller.vat_number))
    for lookup in lookups:
        found = Contact.objects.filter(lookup).order_by("id").first()
        if found is not None:
            return found
    return None


def supplier_fields(seller: einvoice_reader.Party) -> dict:
    """A new contact's fields, prefilled from the seller as the invoice describes it."""
    return {
        "kind": "organisation",
        "name": seller.name[:200],
        "is_supplier": True,
        "siren": seller.siren,
        "siret": seller.siret,
        "vat_number": seller.vat_number,
        "country": seller.country or "FR",
        "email": seller.email,
        "address_line1": seller.address_line1,
        "address_line2": seller.address_line2,
        "postal_code": seller.postal_code,
        "city": seller.city,
    }


@transaction.atomic
def receive_einvoice_creating_supplier(*, actor, content: bytes, filename: str) -> SupplierInvoice:
    """Book a received e-invoice whose seller is not in the contacts yet: the supplier is created from what the
    invoice says of it (`supplier_fields`, checked by the contact's rules), then the invoice received. All or
    nothing: a refused invoice leaves no new contact behind."""
    from pilote.contacts import services as contact_services

    read = read_einvoice(content, filename)
    supplier = find_supplier(read.seller) or contact_services.create_contact(
        actor=actor, **supplier_fields(read.seller)
    )
    return receive_einvoice(actor=actor, content=content, filename=filename, supplier=supplier)


@transaction.atomic
def receive_einvoice(*, actor, content: bytes, filename: str, supplier: Contact | None = None) -> SupplierInvoice:
    """Book a received e-invoice as « Reçue » (lifecycle 204), its original kept byte for byte.

    Refused with every problem named (EinvoiceRefused) when the file is not a valid invoice for the structure;
    UnknownSupplier when no contact matches the seller (unless `supplier` is given). Nothing is written then.
    """
    invoice = read_einvoice(content, filename)
    supplier = supplier or find_supplier(invoice.seller)
    if supplier is None:
        raise UnknownSupplier(invoice)
    digest = hashlib.sha256(content).hexdigest()
    duplicate = (
        SupplierInvoice.objects.filter(supplier=supplier, number=invoice.number).first()
        or SupplierInvoice.objects.filter(original__sha256=digest).first()
    )
    if duplicate is not None:
        raise EinvoiceRefused(
            [
                f"Doublon : la facture n° {duplicate.number} de {duplicate.supplier.display_name} est déjà "
                f"enregistrée (reçue le {timezone.localtime(duplicate.created_at):%d/%m/%Y})."
            ]
        )
    if not supplier.is_supplier:
        supplier.is_supplier = True
        supplier.save(update_fields=["is_supplier"])
    record = SupplierInvoice.objects.create(
        supplier=supplier,
        kind=SupplierInvoiceKind.CREDIT_NOTE if invoice.is_credit_note else SupplierInvoiceKind.INVOICE,
        number=invoice.number[:100],
        date=invoice.issue_date,
        due_date=_due_date(supplier, invoice.issue_date, invoice.due_date, credit_note=invoice.is_credit_note),
        currency=invoice.currency,
        source=invoice.syntax,
        profile=invoice.profile,
        total_net=invoice.net_total,
        total_vat=invoice.vat_total,
        total_gross=invoice.gross_total,
        prepaid=invoice.prepaid,
        payable=invoice.payable,
        order_reference=invoice.order_reference[:100],
        buyer_reference=invoice.buyer_reference[:100],
        payment_terms=invoice.payment_terms,
        supplier_iban=(invoice.ibans[0] if invoice.ibans else "")[:34],
        seller_snapshot=_seller_snapshot(invoice.seller),
        notes="\n".join(invoice.notes),
        created_by=actor,
    )
    _write_lines(record, invoice)
    SupplierInvoiceVat.objects.bulk_create(
        SupplierInvoiceVat(
            invoice=record,
            category=group.category,
            rate=group.rate,
            base=group.base,
            amount=group.amount,
            exemption_reason=group.exemption_reason[:300],
        )
        for group in invoice.vat_groups
    )
    SupplierInvoiceOriginal.objects.create(
        invoice=record,
        filename=filename[:255],
        content_type=CONTENT_TYPES[invoice.syntax],
        content=content,
        size=len(content),
        sha256=digest,
    )
    audit.record(actor, "purchases.invoice.received", record, after=audit.snapshot(record))
    from pilote.purchases import matching

    matching.link_from_reference(actor=actor, invoice=record)
    return record


def _seller_snapshot(seller: einvoice_reader.Party) -> dict:
    return {key: value for key, value in vars(seller).items() if value}


def _write_lines(record: SupplierInvoice, invoice: einvoice_reader.ReceivedInvoice) -> None:
    """The supplier's lines, then one line per document-level allowance or charge: the lines add up to BT-109."""
    account = default_account(record.supplier)
    rows = [
        SupplierInvoiceLine(
            invoice=record,
            position=position,
            description=line.description[:500] or "(sans désignation)",
            quantity=line.quantity,
            unit_code=line.unit_code[:10],
            unit_price=line.unit_price,
            net_amount=line.net_amount,
            vat_category=line.vat_category[:3],
            vat_rate=line.vat_rate,
            seller_item_id=line.seller_item_id[:100],
            account=account,
        )
        for position, line in enumerate(invoice.lines, start=1)
    ]
    for adjustment in invoice.adjustments:
        sign = 1 if adjustment.is_charge else -1
        label = "Frais" if adjustment.is_charge else "Remise"
        rows.append(
            SupplierInvoiceLine(
                invoice=record,
                position=len(rows) + 1,
                description=f"{label} : {adjustment.reason}"[:500] if adjustment.reason else label,
                quantity=Decimal(1),
                unit_price=sign * adjustment.amount,
                net_amount=sign * adjustment.amount,
                vat_category=adjustment.vat_category[:3] or "S",
                vat_rate=adjustment.vat_rate,
                account=account,
            )
        )
    SupplierInvoiceLine.objects.bulk_create(rows)


def default_account(supplier: Contact) -> str:
    """The expense account last used for this supplier's invoices, else none (chosen before approval)."""
    return (
        SupplierInvoiceLine.objects.filter(invoice__supplier=supplier, invoice__entry__isnull=False)
        .exclude(account="")
        .order_by("-invoice__date", "-invoice_id", "position")
        .values_list("account", flat=True)
        .first()
        or ""
    )


# --- before approval: the accounts ------------------------------------------------------------------------


def check_expense_account(code: str) -> str:
    """A posting account of class 6 (expense) or 2 (fixed asset) that exists in the chart."""
    code = (code or "").strip()
    if not code:
        return ""
    if not code.isdigit() or code[0] not in "26":
        raise DomainError(f"Le compte {code} n'est pas un compte de charge (classe 6) ni d'immobilisation (classe 2).")
    if not Account.objects.filter(code=code).exists():
        raise DomainError(f"Le compte {code} n'existe pas dans votre plan comptable.")
    return code


@transaction.atomic
def set_line_accounts(
    *, actor, invoice: SupplierInvoice, accounts: dict[int, str], expected_version: int | None = None
) -> SupplierInvoice:
    """Choose the account of each line (by line id) while the invoice awaits its decision."""
    invoice = SupplierInvoice.objects.select_for_update().get(pk=invoice.pk)
    check_version(invoice.version, expected_version, "La facture fournisseur")
    if invoice.entry_id is not None:
        raise DomainError("Cette facture est déjà comptabilisée : ses comptes ne changent plus.")
    lines = {line.pk: line for line in invoice.lines.all()}
    changed = []
    for line_id, code in accounts.items():
        line = lines.get(int(line_id))
        if line is None:
            raise DomainError("Une ligne envoyée n'appartient pas à cette facture : rechargez la page.")
        code = check_expense_account(code)
        if line.account != code:
            line.account, line.is_fixed_asset = code, code.startswith("2")
            changed.append(line)
    SupplierInvoiceLine.objects.bulk_update(changed, ["account", "is_fixed_asset"])
    invoice.version += 1
    invoice.save(update_fields=["version"])
    audit.record(actor, "purchases.invoice.accounts_set", invoice, after={"lignes modifiées": len(changed)})
    return invoice


# --- deciding -----------------------------------------------------------------------------------------------


def _locked(invoice: SupplierInvoice, expected_version: int | None) -> SupplierInvoice:
    current = SupplierInvoice.objects.select_for_update().get(pk=invoice.pk)
    check_version(current.version, expected_version, "La facture fournisseur")
    return current


@transaction.atomic
def approve_invoice(*, actor, invoice: SupplierInvoice, expected_version: int | None = None) -> SupplierInvoice:
    """« Bon à payer » (lifecycle 205): the AC entry is posted in the same transaction."""
    invoice = _locked(invoice, expected_version)
    if invoice.status not in (SupplierInvoiceStatus.RECEIVED, SupplierInvoiceStatus.DISPUTED):
        raise DomainError(f"Cette facture est « {invoice.get_status_display()} » : elle ne peut plus être approuvée.")
    from pilote.purchases import matching

    blocked = matching.approval_block(invoice)
    if blocked:
        raise DomainError(blocked)
    lines = list(invoice.lines.all())
    missing = [str(line.position) for line in lines if not line.account]
    if missing:
        raise DomainError(
            "Choisissez le compte de charge de chaque ligne avant d'approuver (ligne(s) " + ", ".join(missing) + ")."
        )
    entry = post_invoice(actor=actor, invoice=invoice, lines=lines)
    register_assets(actor=actor, invoice=invoice, lines=lines)
    before = audit.snapshot(invoice)
    invoice.status = SupplierInvoiceStatus.APPROVED
    invoice.entry = entry
    invoice.decided_by, invoice.decided_at = actor, timezone.now()
    invoice.refusal_reason = ""
    invoice.version += 1
    invoice.save(update_fields=["status", "entry", "decided_by", "decided_at", "refusal_reason", "version"])
    audit.record(actor, "purchases.invoice.approved", invoice, before=before, after=audit.snapshot(invoice))
    return invoice


@transaction.atomic
def dispute_invoice(
    *, actor, invoice: SupplierInvoice, reason: str, expected_version: int | None = None
) -> SupplierInvoice:
    """« En litige » (lifecycle 207): the buyer questions part of the invoice; it can still be approved later."""
    return _decide(actor, invoice, SupplierInvoiceStatus.DISPUTED, reason, expected_version)


@transaction.atomic
def refuse_invoice(
    *, actor, invoice: SupplierInvoice, reason: str, expected_version: int | None = None
) -> SupplierInvoice:
    """« Refusée » (lifecycle 210, to be sent to the supplier and the PPF): never booked."""
    return _decide(actor, invoice, SupplierInvoiceStatus.REFUSED, reason, expected_version)


def _decide(actor, invoice, status, reason: str, expected_version) -> SupplierInvoice:
    invoice = _locked(invoice, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Indiquez le motif : il est transmis au fournisseur avec le statut de la facture.")
    if invoice.status not in (SupplierInvoiceStatus.RECEIVED, SupplierInvoiceStatus.DISPUTED):
        raise DomainError(
            f"Cette facture est « {invoice.get_status_display()} » : elle est déjà comptabilisée. Une correction "
            "passe par un avoir du fournisseur."
        )
    before = audit.snapshot(invoice)
    invoice.status = status
    invoice.refusal_reason = reason[:300]
    invoice.decided_by, invoice.decided_at = actor, timezone.now()
    invoice.version += 1
    invoice.save(update_fields=["status", "refusal_reason", "decided_by", "decided_at", "version"])
    code = "purchases.invoice.refused" if status == SupplierInvoiceStatus.REFUSED else "purchases.invoice.disputed"
    audit.record(actor, code, invoice, before=before, after=audit.snapshot(invoice))
    return invoice


# --- investment lines → the asset register ------------------------------------------------------------------

NOT_DEPRECIATED = ("211", "26", "27")  # land, shares and other financial assets: not depreciated (PCG)
DEFAULT_ASSET_YEARS = 5


def register_assets(*, actor, invoice: SupplierInvoice, lines: list[SupplierInvoiceLine]) -> list:
    """Each line of an invoice posted to a fixed-asset account (20 to 27) enters the ledger's asset register
    (ledger.assets.register_asset): its designation, the invoice date as acquisition and in-service date, its net
    amount — plus its share of a foreign VAT that is part of the cost — linear over 5 years unless the account is
    not depreciated; the line keeps its asset. The duration is then adjusted on the asset's page. A credit note
    registers nothing (a disposal or a correction of the asset is done in the register)."""
    from pilote.ledger import assets
    from pilote.ledger.models import DepreciationMethod

    if invoice.is_credit_note:
        return []
    costs = expense_amounts(invoice, lines) if charges_foreign_vat(invoice) else None
    registered = []
    for line in lines:
        if not line.account.startswith(("20", "21", "22", "23", "25", "26", "27")) or line.fixed_asset_id:
            continue
        cost = line.net_amount
        if costs is not None:  # the foreign VAT share of the account, split over its lines by net
            same = [other.net_amount for other in lines if other.account == line.account]
            cost = round_eur(costs[line.account] * line.net_amount / sum(same, ZERO)) if sum(same, ZERO) else cost
        if cost <= 0:
            continue
        method = DepreciationMethod.NONE if line.account.startswith(NOT_DEPRECIATED) else DepreciationMethod.LINEAR
        asset = assets.register_asset(
            actor=actor, label=line.description[:200], reference=f"FF{invoice.pk}-{line.position}"[:40],
            account=_account(line.account), acquisition_date=invoice.date, cost=cost, method=method,
            years=DEFAULT_ASSET_YEARS, supplier=invoice.supplier.display_name[:200],
        )  # fmt: skip
        line.fixed_asset = asset
        line.save(update_fields=["fixed_asset"])
        registered.append(asset)
    return registered


# --- posting ------------------------------------------------------------------------------------------------


def purchases_journal() -> Journal:
    journal = Journal.objects.filter(kind=JournalKind.PURCHASES).order_by("code").first()
    if journal is None:
        raise DomainError("Aucun journal d'achats : créez le journal AC dans la comptabilité.")
    return journal


def _account(code: str) -> Account:
    found = Account.objects.filter(code=code).first()
    if found is None:
        raise DomainError(f"Le compte {code} manque au plan comptable : ajoutez-le avant de comptabiliser.")
    return found


@dataclass(frozen=True)
class _VatPart:
    account: str
    rate: Decimal
    base: Decimal
    amount: Decimal
    due_account: str = ""  # reverse charge: the 4452x account the same VAT is due on


# Reverse charge (autoliquidation, FRENCH-RULES §4 and §12): the supplier's invoice carries no French VAT (EN 16931
# category K: intra-EU supply of goods, exempt at its end; AE: reverse charge); the buyer computes it at the French
# rate — the line's rate when the invoice states one, else the standard rate — owes it on 4452 and deducts it on
# 44566 (44562 for fixed assets) in the same entry. ledger.vat reads each 4452 sub-account into its CA3 line.
STANDARD_RATE = Decimal("20.00")


def reverse_charge_account(invoice: SupplierInvoice, category: str) -> str:
    """The 4452 sub-account of the VAT due: B2 for intra-EU goods (K), A3 for a supplier established in another
    member state (AE), B4 for one established outside the EU (AE)."""
    from pilote.lib.identifiers import is_eu

    if category == "K":
        return "44521"
    country = ((invoice.seller_snapshot or {}).get("country") or invoice.supplier.country or "FR").upper()
    if country == "FR":
        raise DomainError(
            "Cette facture d'un fournisseur établi en France relève de l'autoliquidation (sous-traitance du BTP, "
            "art. 283-2 nonies du CGI…) : sa comptabilisation automatique n'est pas prise en charge, passez "
            "l'écriture dans la comptabilité."
        )
    return "44522" if is_eu(country) else "44523"


def _self_assessed(invoice: SupplierInvoice, group, same: list[SupplierInvoiceLine]) -> list[_VatPart]:
    rate = group.rate if group.rate else STANDARD_RATE
    due = reverse_charge_account(invoice, group.category)
    base = sum((line.net_amount for line in same), ZERO) or group.base
    asset_base = sum((line.net_amount for line in same if line.is_fixed_asset), ZERO)
    parts = []
    for account, part_base in ((DEDUCTIBLE_VAT_ON_ASSETS, asset_base), (DEDUCTIBLE_VAT, base - asset_base)):
        if part_base:
            parts.append(_VatPart(account, rate, part_base, round_eur(part_base * rate / 100), due))
    return parts


def _due_account(code: str) -> Account:
    """A 4452 sub-account of self-assessed VAT, created under 4452 on first use."""
    from pilote.ledger.vat import REVERSE_CHARGE_ACCOUNTS
    from pilote.sales.issuing import account

    return account(code, REVERSE_CHARGE_ACCOUNTS[code][1])


def reverse_charge_summary(invoice: SupplierInvoice) -> list[dict]:
    """What approving will self-assess, for the invoice page: per CA3 line, base, rate and VAT due and deducted
    (a refusal's French text instead when Pilote cannot post it)."""
    from pilote.ledger.vat import REVERSE_CHARGE_ACCOUNTS, REVERSE_CHARGE_LINES

    if not any(group.category in REVERSE_CHARGE_CATEGORIES for group in invoice.vat_groups.all()):
        return []
    try:
        parts = [part for part in vat_parts(invoice, list(invoice.lines.all())) if part.due_account]
    except DomainError as refused:
        return [{"refusal": refused.message}]
    rows = []
    for part in parts:
        line = REVERSE_CHARGE_ACCOUNTS[part.due_account][0]
        rows.append({"line": line, "label": REVERSE_CHARGE_LINES[line], "due_account": part.due_account,
                     "deductible_account": part.account, "base": part.base, "rate": part.rate,
                     "amount": part.amount})  # fmt: skip
    return rows


def charges_foreign_vat(invoice: SupplierInvoice) -> bool:
    """VAT charged by a supplier under another country's VAT number is that country's tax: it is not deductible
    on the French CA3 (CGI art. 271 covers French VAT; foreign VAT is refunded only through the EU refund
    procedure, directive 2008/9/CE), so it is part of the cost."""
    seller = invoice.seller_snapshot or {}
    number = (seller.get("vat_number") or invoice.supplier.vat_number or "").upper()
    country = (seller.get("country") or invoice.supplier.country or "FR").upper()
    return bool(invoice.total_vat) and (country != "FR" or (number and not number.startswith("FR")))


def vat_parts(invoice: SupplierInvoice, lines: list[SupplierInvoiceLine]) -> list[_VatPart]:
    """Deductible VAT per rate, as the invoice states it (BG-23), split between fixed assets (44562, box 19)
    and other goods and services (44566, box 20) in proportion to the lines' bases; for a reverse-charge group,
    the VAT self-assessed on its lines, with the 4452 account it is due on."""
    parts = []
    for group in invoice.vat_groups.all():
        same = [line for line in lines if line.vat_category == group.category and line.vat_rate == group.rate]
        if group.category in REVERSE_CHARGE_CATEGORIES:
            parts += _self_assessed(invoice, group, same)
            continue
        if not group.amount:
            continue
        assets = sum((line.net_amount for line in same if line.is_fixed_asset), ZERO)
        total = sum((line.net_amount for line in same), ZERO)
        asset_vat = round_eur(group.amount * assets / total) if total and assets else ZERO
        asset_base = round_eur(group.base * assets / total) if total and assets else ZERO
        if asset_vat:
            parts.append(_VatPart(DEDUCTIBLE_VAT_ON_ASSETS, group.rate, asset_base, asset_vat))
        if group.amount - asset_vat:
            parts.append(_VatPart(DEDUCTIBLE_VAT, group.rate, group.base - asset_base, group.amount - asset_vat))
    return parts


def expense_amounts(invoice: SupplierInvoice, lines: list[SupplierInvoiceLine]) -> dict[str, Decimal]:
    """Each account's amount: its lines' net, plus their share of a foreign VAT that is part of the cost."""
    by_account: dict[str, Decimal] = {}
    for line in lines:
        by_account[line.account] = by_account.get(line.account, ZERO) + line.net_amount
    if charges_foreign_vat(invoice):
        codes = sorted(by_account)
        weights = [by_account[code] for code in codes]
        if any(weights):
            for code, share in zip(codes, split_amount(invoice.total_vat, weights), strict=True):
                by_account[code] += share
    return by_account


def _article_shares(lines: list[SupplierInvoiceLine]) -> dict[str, list]:
    """Each expense account's analytic distribution from the articles of its lines (through their order lines),
    each article's defaults weighted by its net amount, as a sales invoice does (`ledger.analytics`); lines
    without an article leave the account's own defaults."""
    from pilote.ledger import analytics as ledger_analytics

    ordered = [line.order_line_id for line in lines if line.order_line_id]
    from pilote.purchases.models import PurchaseOrderLine

    products = dict(PurchaseOrderLine.objects.filter(pk__in=ordered).values_list("pk", "product_id")) if ordered else {}
    articles: dict[str, list] = {}
    for line in lines:
        articles.setdefault(line.account, []).append((products.get(line.order_line_id), line.net_amount))
    return {code: ledger_analytics.product_shares(parts) for code, parts in articles.items()
            if ledger_analytics.is_analytic(code)}  # fmt: skip


def post_invoice(*, actor, invoice: SupplierInvoice, lines: list[SupplierInvoiceLine]):
    """The AC entry: 401 (the supplier's sub-ledger) at the total incl. VAT, each expense account at its
    lines' net, deductible VAT per rate with its base (for the CA3). A credit note posts the mirror."""
    if invoice.entry_id is not None:
        raise DomainError("Cette facture est déjà comptabilisée.")
    sign = -1 if invoice.is_credit_note else 1
    supplier_aux = ledger.auxiliary_for_contact(actor=actor, contact=invoice.supplier, control_code=SUPPLIER_ACCOUNT)
    label = f"{invoice.get_kind_display()} {invoice.supplier.display_name} {invoice.number}"[:200]

    def side(amount: Decimal, **kwargs) -> ledger.LineInput:
        amount = amount * sign
        return ledger.LineInput(
            debit=amount if amount > 0 else ZERO, credit=-amount if amount < 0 else ZERO, label=label, **kwargs
        )

    parts = [] if charges_foreign_vat(invoice) else vat_parts(invoice, lines)
    by_account = expense_amounts(invoice, lines)
    shares = _article_shares(lines)
    entry_lines = [
        side(-invoice.total_gross, account=_account(SUPPLIER_ACCOUNT), auxiliary=supplier_aux,
             due_date=invoice.due_date, reference=invoice.number[:40]),
        *[side(net, account=_account(code), reference=invoice.number[:40], analytic=shares.get(code) or None)
          for code, net in sorted(by_account.items())],
        *[
            side(part.amount, account=_account(part.account), vat_rate=part.rate, vat_base=part.base * sign,
                 reference=invoice.number[:40])
            for part in parts
        ],
        *[
            side(-part.amount, account=_due_account(part.due_account), vat_rate=part.rate,
                 vat_base=part.base * sign, reference=invoice.number[:40])
            for part in parts if part.due_account
        ],
    ]  # fmt: skip
    lines_net = sum((line.net_amount for line in lines), ZERO)
    if lines_net != invoice.total_net:
        raise DomainError(
            f"Les lignes font {format_eur(lines_net)} HT pour un total HT de {format_eur(invoice.total_net)} : "
            "la facture est incohérente."
        )
    return ledger.create_entry(
        actor=actor,
        journal=purchases_journal(),
        date=invoice.date,
        label=label,
        lines=entry_lines,
        piece_ref=invoice.number[:40],
        piece_date=invoice.date,
        post=True,
    )


def _due_date(supplier: Contact, date: dt.date, due_date: dt.date | None, *, credit_note: bool) -> dt.date | None:
    """The invoice's own due date; without one (or one before its date), the supplier's payment terms give it."""
    if due_date is not None and due_date >= date:
        return due_date
    return None if credit_note else supplier.supplier_due_date(date)


# --- typed invoices -----------------------------------------------------------------------------------------


@transaction.atomic
def create_typed_invoice(
    *,
    actor,
    supplier: Contact,
    number: str,
    date: dt.date,
    lines: list[LineSpec],
    kind: str = SupplierInvoiceKind.INVOICE,
    due_date: dt.date | None = None,
    order=None,
    notes: str = "",
) -> SupplierInvoice:
    """A supplier invoice typed from the paper or PDF (« Reçue », lifecycle 204), with its lines and its VAT per rate
    computed as EN 16931 does (line nets rounded, VAT once per rate). Lines typed from an order keep their order line
    (`extra["source_pk"]`); otherwise they are paired with the order's lines as a received e-invoice's are. A line's
    expense account is the one given (`spec.account`), else the supplier's last one."""
    from pilote.purchases import matching, orders

    number = (number or "").strip()
    if not number:
        raise DomainError("Indiquez le numéro de la facture du fournisseur.")
    if kind not in SupplierInvoiceKind.values:
        raise DomainError("Type de document inconnu.")
    if SupplierInvoice.objects.filter(supplier=supplier, number=number).exists():
        raise DomainError(f"Doublon : la facture n° {number} de {supplier.display_name} est déjà enregistrée.")
    if due_date is not None and due_date < date:
        raise DomainError("L'échéance ne peut pas précéder la date de la facture.")
    due_date = _due_date(supplier, date, due_date, credit_note=kind == SupplierInvoiceKind.CREDIT_NOTE)
    if order is not None:
        matching.check_order_for(supplier.pk, order)
    orders.check_lines(lines)
    order_line_ids = set(order.lines.values_list("pk", flat=True)) if order is not None else set()
    priced = [totals.PricedLine(totals.line_net(s.quantity, s.unit_price, s.discount_percent or ZERO),
                                Decimal(s.vat_rate), s.exemption_mention) for s in lines]  # fmt: skip
    result = totals.compute_totals(priced)
    invoice = SupplierInvoice.objects.create(
        supplier=supplier, kind=kind, number=number[:100], date=date, due_date=due_date,
        source=SupplierInvoiceSource.TYPED, total_net=result.net, total_vat=result.vat, total_gross=result.gross,
        payable=result.gross, order=order, order_reference=order.number if order is not None else "", notes=notes,
        created_by=actor,
    )  # fmt: skip
    account = default_account(supplier)
    SupplierInvoiceLine.objects.bulk_create(
        SupplierInvoiceLine(
            invoice=invoice, position=position, description=spec.description.strip()[:500],
            quantity=Decimal(spec.quantity), unit_code=spec.unit[:10],
            unit_price=totals.net_unit_price(spec.unit_price, spec.discount_percent or ZERO),
            net_amount=line.net, vat_category=totals.vat_category(line.rate, line.exemption_mention),
            vat_rate=Decimal(spec.vat_rate), seller_item_id=spec.reference[:100], account=spec.account or account,
            is_fixed_asset=(spec.account or account).startswith("2"),
            order_line_id=spec.extra.get("source_pk") if spec.extra.get("source_pk") in order_line_ids else None,
        )
        for position, (spec, line) in enumerate(zip(lines, priced, strict=True), start=1)
    )  # fmt: skip
    SupplierInvoiceVat.objects.bulk_create(
        SupplierInvoiceVat(invoice=invoice, category=g.category, rate=g.rate, base=g.base, amount=g.amount,
                           exemption_reason=g.exemption_mention[:300])
        for g in result.groups
    )  # fmt: skip
    if order is not None and not invoice.lines.filter(order_line__isnull=False).exists():
        matching.pair_with_order(invoice)
    if not supplier.is_supplier:
        supplier.is_supplier = True
        supplier.save(update_fields=["is_supplier"])
    audit.record(actor, "purchases.invoice.typed", invoice, after=audit.snapshot(invoice))
    return invoice
