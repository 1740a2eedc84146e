"""Three-way match: a supplier invoice against its purchase order (prices) and the order's receipts (quantities).

Each invoice line is paired with an order line (by the supplier's item reference, then the designation, then the
position when both have as many lines); per order line, the quantity invoiced so far (this invoice and the order's
other invoices not refused, credit notes deducted) is compared with the quantity received, and the invoiced unit
price with the ordered net unit price, each within the tolerance of `MatchTolerance`. A difference beyond it blocks
the « bon à payer » (services.approve_invoice) until direction accepts it with a reason (`accept_differences`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.core.permissions import role_can
from pilote.lib.formats import format_eur, format_percent, format_quantity
from pilote.lib.money import ZERO
from pilote.purchases.models import (
    MatchTolerance,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    SupplierInvoice,
    SupplierInvoiceKind,
    SupplierInvoiceLine,
    SupplierInvoiceStatus,
)
from pilote.sales.totals import net_unit_price

HUNDRED = Decimal(100)
MATCHABLE_ORDERS = (
    PurchaseOrderStatus.APPROVED,
    PurchaseOrderStatus.SENT,
    PurchaseOrderStatus.PARTIAL,
    PurchaseOrderStatus.RECEIVED,
    PurchaseOrderStatus.CLOSED,
)


def tolerance() -> MatchTolerance:
    found = MatchTolerance.objects.filter(pk=1).first()
    return found if found is not None else MatchTolerance(pk=1)


@transaction.atomic
def set_tolerance(
    *, actor, price_percent: Decimal, quantity_percent: Decimal, expected_version: int | None = None
) -> MatchTolerance:
    if price_percent is None or quantity_percent is None or min(price_percent, quantity_percent) < 0:
        raise DomainError("Une tolérance est un pourcentage positif ou nul.")
    row, _ = MatchTolerance.objects.select_for_update().get_or_create(pk=1)
    check_version(row.version, expected_version, "Le réglage des tolérances")
    before = {"prix": str(row.price_percent), "quantités": str(row.quantity_percent)}
    row.price_percent, row.quantity_percent = price_percent, quantity_percent
    row.version += 1
    row.save()
    audit.record(actor, "purchases.tolerance.updated", row, before=before,
                 after={"prix": str(price_percent), "quantités": str(quantity_percent)})  # fmt: skip
    return row


# --- the comparison -----------------------------------------------------------------------------------------


@dataclass
class LineMatch:
    """One order line as the invoice meets it (or an invoice line the order does not have: `order_line` None)."""

    description: str
    order_line: PurchaseOrderLine | None = None
    ordered: Decimal = ZERO
    received: Decimal = ZERO
    invoiced_before: Decimal = ZERO
    invoiced: Decimal = ZERO
    ordered_price: Decimal | None = None
    invoiced_price: Decimal | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def invoiced_total(self) -> Decimal:
        return self.invoiced_before + self.invoiced

    def texts(self) -> dict[str, str]:
        return {name: format_quantity(getattr(self, name)) for name in ("ordered", "received", "invoiced_total")}


@dataclass
class MatchResult:
    order: PurchaseOrder | None
    lines: list[LineMatch]

    @property
    def problems(self) -> list[str]:
        return [problem for line in self.lines for problem in line.problems]

    @property
    def is_clean(self) -> bool:
        return not self.problems


def _invoice_price(line: SupplierInvoiceLine) -> Decimal:
    """The net unit price invoiced: the line's net over its quantity (allowances on the line included)."""
    if line.quantity:
        return (line.net_amount / line.quantity).quantize(Decimal("0.0001"))
    return line.unit_price


def _invoiced_elsewhere(invoice: SupplierInvoice, order_line_ids: list[int]) -> dict[int, Decimal]:
    """Quantities of the order's lines on its other invoices (not refused), credit notes deducted (one query)."""
    rows = (
        SupplierInvoiceLine.objects.filter(order_line_id__in=order_line_ids)
        .exclude(invoice=invoice)
        .exclude(invoice__status=SupplierInvoiceStatus.REFUSED)
        .values("order_line_id", "invoice__kind")
        .annotate(quantity=Sum("quantity"))
    )
    result: dict[int, Decimal] = {}
    for row in rows:
        sign = -1 if row["invoice__kind"] == SupplierInvoiceKind.CREDIT_NOTE else 1
        result[row["order_line_id"]] = result.get(row["order_line_id"], ZERO) + sign * row["quantity"]
    return result


def compare(invoice: SupplierInvoice) -> MatchResult | None:
    """The match of an invoice linked to an order, None when it has none. A handful of queries."""
    if invoice.order_id is None:
        return None
    order = invoice.order
    rules = tolerance()
    order_lines = list(order.lines.all())
    invoice_lines = list(invoice.lines.all())
    elsewhere = _invoiced_elsewhere(invoice, [line.pk for line in order_lines])
    sign = -1 if invoice.is_credit_note else 1
    matches = {
        line.pk: LineMatch(
            description=line.description, order_line=line, ordered=line.quantity, received=line.received_quantity,
            invoiced_before=elsewhere.get(line.pk, ZERO),
            ordered_price=net_unit_price(line.unit_price, line.discount_percent),
        )
        for line in order_lines
    }  # fmt: skip
    extra = []
    for line in invoice_lines:
        match = matches.get(line.order_line_id)
        if match is None:
            if line.net_amount:
                extra.append(LineMatch(description=line.description, invoiced=line.quantity,
                                       invoiced_price=_invoice_price(line),
                                       problems=[f"« {line.description} » ({format_eur(line.net_amount)} HT) ne "
                                                 "figure pas sur la commande."]))  # fmt: skip
            continue
        match.invoiced += sign * line.quantity
        price = _invoice_price(line)
        if match.invoiced_price is None or price > match.invoiced_price:
            match.invoiced_price = price
    for match in matches.values():
        if match.invoiced or match.invoiced_price is not None:
            _check(match, rules)
    lines = [m for m in matches.values() if m.invoiced or m.invoiced_price is not None] + extra
    return MatchResult(order=order, lines=lines)


def _check(match: LineMatch, rules: MatchTolerance) -> None:
    allowed = match.received * (HUNDRED + rules.quantity_percent) / HUNDRED
    name = f"« {match.description} »"
    if match.invoiced_total > allowed:
        match.problems.append(
            f"{name} : {format_quantity(match.invoiced_total)} facturé(s) pour {format_quantity(match.received)} "
            f"reçu(s) (commandé : {format_quantity(match.ordered)})."
        )
    ordered, invoiced = match.ordered_price, match.invoiced_price
    if ordered is not None and invoiced is not None and invoiced > ordered:
        gap = (invoiced - ordered) * HUNDRED / ordered if ordered else HUNDRED
        if gap > rules.price_percent:
            match.problems.append(
                f"{name} : prix facturé {format_eur(invoiced)} HT l'unité au lieu de {format_eur(ordered)} commandé "
                f"(+{format_percent(gap.quantize(Decimal('0.01')))}, tolérance {format_percent(rules.price_percent)})."
            )


def approval_block(invoice: SupplierInvoice) -> str:
    """Why the « bon à payer » must wait, in French; '' when the match is clean or its differences accepted."""
    result = compare(invoice)
    if result is None or result.is_clean or invoice.match_accepted_at is not None:
        return ""
    return (
        "Écarts avec la commande "
        + result.order.number
        + " et ses réceptions : "
        + " ".join(result.problems)
        + " La direction doit accepter ces écarts, avec un motif, avant le bon à payer."
    )


# --- linking and accepting ----------------------------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join((text or "").lower().split())


def pair_lines(invoice_lines: list[SupplierInvoiceLine], order_lines: list[PurchaseOrderLine]) -> dict[int, int]:
    """{invoice line id: order line id}: by the supplier's item reference, then the designation, then the position
    when the invoice has as many lines as the order."""
    by_reference = {_key(line.reference): line.pk for line in order_lines if line.reference}
    by_description = {_key(line.description): line.pk for line in order_lines}
    pairs: dict[int, int] = {}
    for line in invoice_lines:
        found = by_reference.get(_key(line.seller_item_id)) if line.seller_item_id else None
        found = found or by_description.get(_key(line.description))
        if found is not None:
            pairs[line.pk] = found
    if not pairs and len(invoice_lines) == len(order_lines):
        pairs = {i.pk: o.pk for i, o in zip(invoice_lines, order_lines, strict=True)}
    return pairs


def _check_undecided(invoice: SupplierInvoice) -> None:
    if invoice.entry_id is not None or invoice.status not in (
        SupplierInvoiceStatus.RECEIVED,
        SupplierInvoiceStatus.DISPUTED,
    ):
        raise DomainError(f"Cette facture est « {invoice.get_status_display()} » : son rapprochement ne change plus.")


def _apply_link(invoice: SupplierInvoice, order: PurchaseOrder | None) -> None:
    """Set the order and pair the lines (accounts of the order lines proposed where the line has none)."""
    lines = list(invoice.lines.all())
    pairs = pair_lines(lines, list(order.lines.all())) if order is not None else {}
    accounts = dict(order.lines.values_list("pk", "account")) if order is not None else {}
    for line in lines:
        line.order_line_id = pairs.get(line.pk)
        if line.order_line_id and not line.account and accounts.get(line.order_line_id):
            line.account = accounts[line.order_line_id]
    SupplierInvoiceLine.objects.bulk_update(lines, ["order_line", "account"])
    invoice.order = order
    invoice.match_accepted_by, invoice.match_accepted_at, invoice.match_accepted_reason = None, None, ""


def pair_with_order(invoice: SupplierInvoice) -> None:
    """Pair the lines of an invoice whose order is set (inside the caller's transaction)."""
    _apply_link(invoice, invoice.order)
    invoice.save(update_fields=["order", "match_accepted_by", "match_accepted_at", "match_accepted_reason"])


def check_order_for(invoice_supplier_id: int, order: PurchaseOrder) -> None:
    if order.supplier_id != invoice_supplier_id:
        raise DomainError(f"La commande {order.number} a été passée à un autre fournisseur.")
    if order.status not in MATCHABLE_ORDERS:
        raise DomainError(
            f"La commande {order.number} est « {order.get_status_display()} » : une facture ne s'y rattache pas."
        )


def order_of(supplier_id: int, number: str) -> PurchaseOrder | None:
    """The supplier's order of that number (typed in any case), or None."""
    return PurchaseOrder.objects.filter(supplier_id=supplier_id, number=number.strip().upper()).first()


@transaction.atomic
def link_order(*, actor, invoice: SupplierInvoice, order: PurchaseOrder | None, expected_version: int | None = None):
    """Attach the invoice to an order (or detach it with None); the lines are paired again and any accepted
    difference is forgotten: it was accepted for another comparison."""
    invoice = SupplierInvoice.objects.select_for_update().get(pk=invoice.pk)
    check_version(invoice.version, expected_version, "La facture fournisseur")
    _check_undecided(invoice)
    if order is not None:
        check_order_for(invoice.supplier_id, order)
    before = {"commande": invoice.order.number if invoice.order_id else ""}
    _apply_link(invoice, order)
    invoice.version += 1
    invoice.save(update_fields=["order", "match_accepted_by", "match_accepted_at", "match_accepted_reason", "version"])
    audit.record(actor, "purchases.invoice.order_linked", invoice, before=before,
                 after={"commande": order.number if order is not None else ""})  # fmt: skip
    return invoice


def link_order_number(*, actor, invoice: SupplierInvoice, number: str, expected_version: int | None = None):
    """The invoice page's « rattacher » (and the API's): the order named by its number (an unknown one refused in
    French), or the invoice detached when the number is empty (`link_order`)."""
    number = (number or "").strip()
    order = order_of(invoice.supplier_id, number) if number else None
    if number and order is None:
        raise DomainError(f"Aucune commande {number} pour ce fournisseur.")
    return link_order(actor=actor, invoice=invoice, order=order, expected_version=expected_version)


def link_from_reference(*, actor, invoice: SupplierInvoice) -> None:
    """A received e-invoice names the buyer's order (BT-13): attach it when that order is the supplier's."""
    reference = (invoice.order_reference or "").strip()
    if not reference:
        return
    order = PurchaseOrder.objects.filter(number=reference, supplier_id=invoice.supplier_id).first()
    if order is None or order.status not in MATCHABLE_ORDERS:
        return
    _apply_link(invoice, order)
    invoice.save(update_fields=["order", "match_accepted_by", "match_accepted_at", "match_accepted_reason"])
    audit.record(actor, "purchases.invoice.order_linked", invoice, after={"commande": order.number})


@transaction.atomic
def accept_differences(*, actor, invoice: SupplierInvoice, reason: str, expected_version: int | None = None):
    """Direction accepts the match's differences with a reason: the « bon à payer » is no longer blocked."""
    invoice = SupplierInvoice.objects.select_for_update().get(pk=invoice.pk)
    check_version(invoice.version, expected_version, "La facture fournisseur")
    if not role_can(getattr(actor, "role", ""), "purchases.override"):
        raise DomainError("Seule la direction peut accepter les écarts d'une facture avec sa commande.")
    _check_undecided(invoice)
    result = compare(invoice)
    if result is None or result.is_clean:
        raise DomainError("Cette facture n'a pas d'écart avec sa commande : rien à accepter.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Indiquez pourquoi ces écarts sont acceptés : le motif est conservé au journal d'audit.")
    invoice.match_accepted_by, invoice.match_accepted_at = actor, timezone.now()
    invoice.match_accepted_reason = reason[:300]
    invoice.version += 1
    invoice.save(update_fields=["match_accepted_by", "match_accepted_at", "match_accepted_reason", "version"])
    audit.record(actor, "purchases.invoice.match_accepted", invoice,
                 after={"écarts": result.problems, "motif": invoice.match_accepted_reason})  # fmt: skip
    return invoice
