"""Purchase orders and their receipts: every write of the order's life, from the draft to the closing.

States: draft → (to approve →) approved → sent → partly received → received → closed, or cancelled. An order is
approved by whoever submits it when its amount excl. VAT is within their role's limit (`ApprovalLimit`; direction
has none), else it waits for someone whose limit covers it; it cannot be sent before. Numbers come from the sales
numbering service (one unbroken sequence per series and year, taken in the creating transaction).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.core.roles import Role
from pilote.lib.formats import format_eur, format_quantity
from pilote.lib.money import ZERO
from pilote.purchases.models import (
    ORDER_SERIES,
    RECEIPT_SERIES,
    ApprovalLimit,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    Receipt,
    ReceiptLine,
    ReceiptQuality,
)
from pilote.sales import numbering, totals
from pilote.sales import services as sales_services
from pilote.sales.services import LineSpec

S = PurchaseOrderStatus


# --- approval limits ----------------------------------------------------------------------------------------


def approval_limit(role: str) -> Decimal | None:
    """The amount excl. VAT up to which `role` approves an order; None for no limit (direction)."""
    if role == Role.DIRECTION:
        return None
    row = ApprovalLimit.objects.filter(role=role).first()
    return row.max_amount if row is not None else ZERO


def may_approve(user, order: PurchaseOrder) -> bool:
    limit = approval_limit(getattr(user, "role", ""))
    return limit is None or order.total_net <= limit


def approvers_of(order: PurchaseOrder) -> list[str]:
    """The roles that may approve the order, in French, for the page and the refusals."""
    roles = ["Direction"]
    for row in ApprovalLimit.objects.order_by("role"):
        if order.total_net <= row.max_amount:
            roles.append(row.get_role_display())
    return roles


@transaction.atomic
def set_approval_limits(*, actor, limits: dict[str, Decimal]) -> None:
    """Direction sets each role's limit (a role left out keeps its own)."""
    for role, amount in limits.items():
        if role not in Role.values or role == Role.DIRECTION:
            raise DomainError("La direction approuve toute commande : son seuil ne se règle pas.")
        if amount is None or amount < 0:
            raise DomainError("Un seuil d'approbation est un montant positif ou nul.")
        row, _ = ApprovalLimit.objects.get_or_create(role=role, defaults={"max_amount": amount})
        if row.max_amount != amount:
            before = {"rôle": role, "seuil": str(row.max_amount)}
            row.max_amount = amount
            row.save(update_fields=["max_amount"])
            audit.record(
                actor, "purchases.limit.updated", row, before=before, after={"rôle": role, "seuil": str(amount)}
            )


# --- drafts -------------------------------------------------------------------------------------------------


def check_lines(specs: list[LineSpec]) -> None:
    """The sales line rules (designation, positive quantity and price, discount, VAT rate and exemption mention);
    the structure's own VAT regime does not apply: the supplier charges its VAT."""
    problems = sales_services._check_specs([replace(spec, account="") for spec in specs])
    for i, spec in enumerate(specs, start=1):
        if spec.account and not (spec.account.isdigit() and spec.account[0] in "26"):
            problems.append(f"Ligne {i} : le compte {spec.account} n'est pas un compte de charge ni d'immobilisation.")
    if problems:
        raise DomainError(" ".join(problems))


def _write_lines(order: PurchaseOrder, specs: list[LineSpec]) -> None:
    check_lines(specs)
    order.lines.all().delete()
    rows = [
        PurchaseOrderLine(
            order=order,
            position=position,
            product=spec.product,
            reference=spec.reference[:40],
            description=spec.description.strip()[:500],
            kind=spec.kind,
            quantity=Decimal(spec.quantity),
            unit=spec.unit,
            unit_price=Decimal(spec.unit_price),
            discount_percent=Decimal(spec.discount_percent or 0),
            vat_rate=spec.vat_rate,
            exemption_mention=spec.exemption_mention if Decimal(spec.vat_rate) == 0 else "",
            account=spec.account,
            net_amount=totals.line_net(spec.quantity, spec.unit_price, spec.discount_percent or ZERO),
        )
        for position, spec in enumerate(specs, start=1)
    ]
    PurchaseOrderLine.objects.bulk_create(rows)
    result = totals.compute_totals(
        totals.PricedLine(r.net_amount, Decimal(r.vat_rate), r.exemption_mention) for r in rows
    )
    order.total_net, order.total_vat, order.total_gross = result.net, result.vat, result.gross
    order.save(update_fields=["total_net", "total_vat", "total_gross", "updated_at"])


def _check_supplier(supplier) -> None:
    if not supplier.is_active:
        raise DomainError(f"{supplier.display_name} est archivé : réactivez-le avant de lui passer commande.")


def _check_dates(date: dt.date, expected_delivery: dt.date | None) -> None:
    if expected_delivery is not None and expected_delivery < date:
        raise DomainError("La livraison souhaitée ne peut pas précéder la date de commande.")


@transaction.atomic
def create_order(
    *,
    actor,
    supplier,
    date: dt.date,
    lines: list[LineSpec],
    expected_delivery: dt.date | None = None,
    delivery_place: str = "",
    supplier_reference: str = "",
    notes: str = "",
) -> PurchaseOrder:
    """A draft order, numbered at once (BC-2026-0001): the number is never reused, a cancelled order keeps it."""
    _check_supplier(supplier)
    _check_dates(date, expected_delivery)
    check_lines(lines)
    order = PurchaseOrder.objects.create(
        number=numbering.next_number(ORDER_SERIES, date.year),
        supplier=supplier,
        date=date,
        expected_delivery=expected_delivery,
        delivery_place=delivery_place.strip()[:300],
        supplier_reference=supplier_reference.strip()[:60],
        notes=notes,
        created_by=actor,
    )
    _write_lines(order, lines)
    if not supplier.is_supplier:
        supplier.is_supplier = True
        supplier.save(update_fields=["is_supplier"])
    audit.record(actor, "purchases.order.created", order, after=audit.snapshot(order))
    return order


def _locked(order: PurchaseOrder, version: int | None = None) -> PurchaseOrder:
    current = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
    check_version(current.version, version, "La commande fournisseur")
    return current


def _refuse_state(order: PurchaseOrder, action: str) -> DomainError:
    return DomainError(f"La commande {order.number} est « {order.get_status_display()} » : {action} impossible.")


@transaction.atomic
def update_order(
    *,
    actor,
    order: PurchaseOrder,
    version: int | None,
    supplier,
    date: dt.date,
    lines: list[LineSpec],
    expected_delivery: dt.date | None = None,
    delivery_place: str = "",
    supplier_reference: str = "",
    notes: str = "",
) -> PurchaseOrder:
    current = _locked(order, version)
    if not current.is_editable:
        raise _refuse_state(current, "modification")
    _check_supplier(supplier)
    _check_dates(date, expected_delivery)
    year = current.number.split("-")[1]
    if str(date.year) != year:
        raise DomainError(f"La commande {current.number} est numérotée sur {year} : gardez une date de cette année.")
    before = audit.snapshot(current)
    current.supplier, current.date, current.expected_delivery = supplier, date, expected_delivery
    current.delivery_place, current.supplier_reference = delivery_place.strip()[:300], supplier_reference.strip()[:60]
    current.notes = notes
    current.version += 1
    current.save()
    _write_lines(current, lines)
    audit.record(actor, "purchases.order.updated", current, before=before, after=audit.snapshot(current))
    return current


# --- approval -----------------------------------------------------------------------------------------------


def _set_status(actor, order: PurchaseOrder, status: str, verb: str, **changes) -> PurchaseOrder:
    before = audit.snapshot(order)
    order.status = status
    for name, value in changes.items():
        setattr(order, name, value)
    order.version += 1
    order.save()
    audit.record(actor, f"purchases.order.{verb}", order, before=before, after=audit.snapshot(order))
    return order


@transaction.atomic
def submit_order(*, actor, order: PurchaseOrder, version: int | None = None) -> PurchaseOrder:
    """Draft → approved when the amount is within the submitter's limit (the submitter is recorded as approver),
    else → « à approuver »."""
    current = _locked(order, version)
    if current.status != S.DRAFT:
        raise _refuse_state(current, "la demande d'approbation est")
    if not current.lines.exists():
        raise DomainError("Ajoutez au moins une ligne avant de faire approuver la commande.")
    if may_approve(actor, current):
        return _set_status(actor, current, S.APPROVED, "approved", approved_by=actor, approved_at=timezone.now(),
                           refusal_reason="")  # fmt: skip
    return _set_status(actor, current, S.TO_APPROVE, "submitted")


@transaction.atomic
def approve_order(*, actor, order: PurchaseOrder, version: int | None = None) -> PurchaseOrder:
    current = _locked(order, version)
    if current.status != S.TO_APPROVE:
        raise _refuse_state(current, "l'approbation est")
    if not may_approve(actor, current):
        limit = approval_limit(actor.role)
        raise DomainError(
            f"Votre seuil d'approbation est de {format_eur(limit)} HT : cette commande de "
            f"{format_eur(current.total_net)} HT doit être approuvée par : {', '.join(approvers_of(current))}."
        )
    return _set_status(actor, current, S.APPROVED, "approved", approved_by=actor, approved_at=timezone.now(),
                       refusal_reason="")  # fmt: skip


@transaction.atomic
def refuse_order(*, actor, order: PurchaseOrder, reason: str, version: int | None = None) -> PurchaseOrder:
    """Sent back to its requester as a draft, with the reason."""
    current = _locked(order, version)
    reason = (reason or "").strip()
    if current.status != S.TO_APPROVE:
        raise _refuse_state(current, "le refus est")
    if not may_approve(actor, current):
        raise DomainError("Seule une personne qui peut approuver cette commande peut la refuser.")
    if not reason:
        raise DomainError("Indiquez le motif du refus : il est transmis au demandeur.")
    return _set_status(actor, current, S.DRAFT, "refused", refusal_reason=reason[:300])


@transaction.atomic
def mark_order_sent(*, actor, order: PurchaseOrder, to: str = "", version: int | None = None) -> PurchaseOrder:
    """The order is with the supplier (e-mailed to `to` by the caller, in the same transaction, or sent otherwise)."""
    current = _locked(order, version)
    if current.status not in (S.APPROVED, S.SENT):
        if current.status in (S.DRAFT, S.TO_APPROVE):
            raise DomainError(f"La commande {current.number} n'est pas approuvée : elle ne peut pas être envoyée.")
        raise _refuse_state(current, "l'envoi est")
    sent = _set_status(actor, current, S.SENT, "sent", sent_at=timezone.now())
    from pilote.contacts import services as contacts

    contacts.log_interaction(
        actor=actor,
        contact=sent.supplier,
        kind="email" if to else "note",
        source_perm="purchases.view",
        subject=f"Commande {sent.number} envoyée ({format_eur(sent.total_gross)} TTC)"[:200],
        body=f"Envoyée à {to}." if to else "Envoyée au fournisseur.",
    )
    return sent


@transaction.atomic
def cancel_order(*, actor, order: PurchaseOrder, reason: str = "", version: int | None = None) -> PurchaseOrder:
    current = _locked(order, version)
    if current.status in (S.CANCELLED, S.CLOSED) or current.receipts.exists() or current.invoices.exists():
        raise DomainError(
            f"La commande {current.number} est déjà reçue, facturée ou close : elle ne s'annule plus (soldez-la)."
        )
    return _set_status(actor, current, S.CANCELLED, "cancelled", closing_reason=(reason or "").strip()[:300])


@transaction.atomic
def close_order(*, actor, order: PurchaseOrder, reason: str = "", version: int | None = None) -> PurchaseOrder:
    """The order is settled: what is still to receive will not come (or everything came and was invoiced)."""
    current = _locked(order, version)
    if current.status not in (S.SENT, S.PARTIAL, S.RECEIVED):
        raise _refuse_state(current, "la clôture est")
    reason = (reason or "").strip()
    if current.status != S.RECEIVED and not reason:
        raise DomainError("Indiquez pourquoi le reste de la commande ne sera pas reçu.")
    return _set_status(actor, current, S.CLOSED, "closed", closing_reason=reason[:300])


# --- receipts -----------------------------------------------------------------------------------------------


def refresh_status(order: PurchaseOrder) -> None:
    """The order's state follows its receipts: partly received, then received when every line is."""
    lines = list(order.lines.all())
    if order.status not in (S.APPROVED, S.SENT, S.PARTIAL, S.RECEIVED):
        return
    if lines and all(line.received_quantity >= line.quantity for line in lines):
        status = S.RECEIVED
    elif any(line.received_quantity > 0 or line.refused_quantity > 0 for line in lines):
        status = S.PARTIAL
    else:
        return
    if status != order.status:
        order.status = status
        order.save(update_fields=["status", "updated_at"])


def _receipt_problems(lines: dict, wanted: dict, allow_over: bool) -> list[str]:
    problems = []
    for pk, (accepted, refused, quality, reason) in wanted.items():
        line = lines.get(pk)
        if line is None:
            problems.append("Une ligne ne fait pas partie de cette commande : rechargez la page.")
            continue
        name = f"« {line.description} »"
        if accepted < 0 or refused < 0:
            problems.append(f"{name} : une quantité ne peut pas être négative.")
        if refused and not reason.strip():
            problems.append(f"{name} : indiquez le motif du refus de {format_quantity(refused)}.")
        if quality not in ReceiptQuality.values:
            problems.append(f"{name} : état inconnu.")
        if accepted > line.to_receive and not allow_over:
            problems.append(
                f"{name} : {format_quantity(accepted)} reçus alors qu'il n'en reste que "
                f"{format_quantity(line.to_receive)} à recevoir. Cochez « Accepter une quantité supérieure à la "
                "commande » si c'est voulu."
            )
    return problems


@transaction.atomic
def record_receipt(
    *,
    actor,
    order: PurchaseOrder,
    date: dt.date,
    quantities: dict[int, tuple[Decimal, Decimal, str, str]],
    delivery_note: str = "",
    notes: str = "",
    allow_over: bool = False,
    lots: dict[int, str] | None = None,
) -> Receipt:
    """A receipt of the order's lines: {order_line_id: (accepted, refused, quality, refusal reason)}; partial
    receipts add up; refused quantities stay to receive (the supplier delivers them again or the order is closed).
    `lots` {order_line_id: typed lots or serial numbers} for the articles the stock follows by lot (it checks them
    when the line is written: a wrong count or a number twice refuses the whole receipt)."""
    order = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
    if not order.can_receive:
        if order.status in (S.DRAFT, S.TO_APPROVE):
            raise DomainError(f"La commande {order.number} n'est pas approuvée : rien ne peut être reçu.")
        raise _refuse_state(order, "la réception est")
    if date < order.date:
        raise DomainError("La réception ne peut pas précéder la commande.")
    lines = {line.pk: line for line in order.lines.select_for_update()}
    wanted = {
        pk: (Decimal(acc or 0), Decimal(ref or 0), quality or ReceiptQuality.CONFORM, reason or "")
        for pk, (acc, ref, quality, reason) in quantities.items()
        if (acc or 0) or (ref or 0)
    }
    if not wanted:
        raise DomainError("Indiquez au moins une quantité reçue ou refusée.")
    problems = _receipt_problems(lines, wanted, allow_over)
    if problems:
        raise DomainError(" ".join(problems))
    receipt = Receipt.objects.create(
        number=numbering.next_number(RECEIPT_SERIES, date.year), order=order, date=date,
        delivery_note=delivery_note.strip()[:60], notes=notes, created_by=actor,
    )  # fmt: skip
    for pk, (accepted, refused, quality, reason) in wanted.items():
        line = lines[pk]
        ReceiptLine.objects.create(receipt=receipt, order_line=line, quantity=accepted, refused_quantity=refused,
                                   quality=quality, reason=reason.strip()[:300],
                                   lots=(lots or {}).get(pk, "").strip() if accepted else "")  # fmt: skip
        line.received_quantity += accepted
        line.refused_quantity += refused
        line.save(update_fields=["received_quantity", "refused_quantity"])
    refresh_status(order)
    summary = {"commande": order.number, "lignes": len(wanted), "bon de livraison": receipt.delivery_note}
    audit.record(actor, "purchases.receipt.created", receipt, after=summary)
    return receipt
