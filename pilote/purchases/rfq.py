"""Requests for quotes (demandes de prix): one request to several suppliers, their answers typed, compared side by
side (the best price of each line, the total, the delay), and the chosen answer turned into a purchase order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pilote.catalog.models import Unit, VatRate
from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.lib.formats import format_eur
from pilote.lib.money import ZERO
from pilote.purchases import orders
from pilote.purchases.models import (
    RFQ_SERIES,
    QuoteAnswer,
    QuoteAnswerLine,
    QuoteRequest,
    QuoteRequestLine,
    QuoteRequestStatus,
)
from pilote.sales import numbering, totals
from pilote.sales.services import LineSpec

MAX_SUPPLIERS = 5
R = QuoteRequestStatus


@dataclass(frozen=True)
class RequestedLine:
    description: str
    quantity: Decimal
    unit: str = Unit.PIECE
    product: object = None


def _check_lines(lines: list[RequestedLine]) -> None:
    problems = [] if lines else ["Ajoutez au moins une ligne."]
    for i, line in enumerate(lines, start=1):
        if not line.description.strip():
            problems.append(f"Ligne {i} : la désignation est obligatoire.")
        if line.quantity is None or line.quantity <= 0:
            problems.append(f"Ligne {i} : la quantité doit être positive.")
        if line.unit not in Unit.values:
            problems.append(f"Ligne {i} : unité inconnue.")
    if problems:
        raise DomainError(" ".join(problems))


@transaction.atomic
def create_request(
    *, actor, title: str, date: dt.date, lines: list[RequestedLine], suppliers: list, reply_by=None, notes: str = ""
) -> QuoteRequest:
    """A request numbered DP-2026-0001, its lines, and the suppliers consulted (at least two, at most five)."""
    title = (title or "").strip()
    if not title:
        raise DomainError("Indiquez l'objet de la demande de prix.")
    if reply_by is not None and reply_by < date:
        raise DomainError("La date de réponse attendue ne peut pas précéder la demande.")
    _check_lines(lines)
    unique = list(dict.fromkeys(suppliers))
    if not 1 <= len(unique) <= MAX_SUPPLIERS:
        raise DomainError(f"Consultez de 1 à {MAX_SUPPLIERS} fournisseurs différents.")
    for supplier in unique:
        if not supplier.is_active:
            raise DomainError(f"{supplier.display_name} est archivé : réactivez-le avant de le consulter.")
    request = QuoteRequest.objects.create(
        number=numbering.next_number(RFQ_SERIES, date.year), title=title[:200], date=date, reply_by=reply_by,
        notes=notes, created_by=actor,
    )  # fmt: skip
    QuoteRequestLine.objects.bulk_create(
        QuoteRequestLine(request=request, position=i, product=line.product, description=line.description.strip()[:500],
                         quantity=line.quantity, unit=line.unit)
        for i, line in enumerate(lines, start=1)
    )  # fmt: skip
    QuoteAnswer.objects.bulk_create(QuoteAnswer(request=request, supplier=supplier) for supplier in unique)
    audit.record(actor, "purchases.rfq.created", request, after=audit.snapshot(request))
    return request


def _locked(request: QuoteRequest, version: int | None = None) -> QuoteRequest:
    current = QuoteRequest.objects.select_for_update().get(pk=request.pk)
    check_version(current.version, version, "La demande de prix")
    return current


def _open(request: QuoteRequest) -> None:
    if request.status not in (R.DRAFT, R.SENT):
        raise DomainError(f"La demande de prix {request.number} est « {request.get_status_display()} ».")


@transaction.atomic
def mark_sent(*, actor, answer: QuoteAnswer, to: str = "") -> QuoteAnswer:
    """The request is with this supplier (e-mailed to `to` by the caller in the same transaction)."""
    request = _locked(answer.request)
    _open(request)
    answer = QuoteAnswer.objects.select_for_update().get(pk=answer.pk)
    answer.sent_at = timezone.now()
    answer.save(update_fields=["sent_at"])
    if request.status == R.DRAFT:
        request.status = R.SENT
    request.version += 1
    request.save(update_fields=["status", "version"])
    from pilote.contacts import services as contacts

    contacts.log_interaction(
        actor=actor, contact=answer.supplier, kind="email" if to else "note", source_perm="purchases.view",
        subject=f"Demande de prix {request.number} envoyée : {request.title}"[:200],
        body=f"Envoyée à {to}." if to else "Envoyée au fournisseur.",
    )  # fmt: skip
    audit.record(actor, "purchases.rfq.sent", request, after={"fournisseur": answer.supplier.display_name})
    return answer


@transaction.atomic
def record_answer(
    *,
    actor,
    answer: QuoteAnswer,
    prices: dict[int, tuple[Decimal | None, str]],
    answered_on: dt.date,
    delay_days: int | None = None,
    conditions: str = "",
    reference: str = "",
) -> QuoteAnswer:
    """The supplier's answer: {request line id: (unit price excl. VAT or None when not quoted, VAT rate)}."""
    request = _locked(answer.request)
    _open(request)
    answer = QuoteAnswer.objects.select_for_update().get(pk=answer.pk)
    if answered_on < request.date:
        raise DomainError("La réponse ne peut pas précéder la demande de prix.")
    lines = {line.pk: line for line in request.lines.all()}
    quoted = {pk: value for pk, value in prices.items() if value[0] is not None}
    problems = []
    for pk, (price, rate) in quoted.items():
        if pk not in lines:
            problems.append("Une ligne ne fait pas partie de cette demande : rechargez la page.")
        elif price < 0:
            problems.append(f"« {lines[pk].description} » : le prix ne peut pas être négatif.")
        elif rate not in VatRate.values or rate == VatRate.EXEMPT:
            problems.append(f"« {lines[pk].description} » : taux de TVA à choisir parmi 20, 10, 5,5 et 2,1 %.")
    if not quoted:
        problems.append("Indiquez au moins un prix proposé.")
    if problems:
        raise DomainError(" ".join(dict.fromkeys(problems)))
    answer.lines.all().delete()
    rows = [
        QuoteAnswerLine(answer=answer, request_line=lines[pk], unit_price=price, vat_rate=rate,
                        net_amount=totals.line_net(lines[pk].quantity, price))
        for pk, (price, rate) in quoted.items()
    ]  # fmt: skip
    QuoteAnswerLine.objects.bulk_create(rows)
    answer.answered_on, answer.delay_days = answered_on, delay_days
    answer.conditions, answer.reference = conditions.strip()[:300], reference.strip()[:60]
    answer.total_net = sum((row.net_amount for row in rows), ZERO)
    answer.save()
    request.version += 1
    request.save(update_fields=["version"])
    audit.record(actor, "purchases.rfq.answered", request,
                 after={"fournisseur": answer.supplier.display_name, "total HT": str(answer.total_net)})  # fmt: skip
    return answer


@transaction.atomic
def choose_answer(*, actor, answer: QuoteAnswer, reason: str = "", date: dt.date | None = None):
    """The chosen answer becomes a draft purchase order at its prices (submitted for approval as any order)."""
    request = _locked(answer.request)
    _open(request)
    answer = QuoteAnswer.objects.select_related("supplier").get(pk=answer.pk)
    priced = list(answer.lines.select_related("request_line__product"))
    if answer.answered_on is None or not priced:
        raise DomainError(
            f"{answer.supplier.display_name} n'a pas encore répondu : sa réponse ne peut pas être retenue."
        )
    missing = request.lines.count() - len(priced)
    specs = [
        LineSpec(description=row.request_line.description, quantity=row.request_line.quantity,
                 unit=row.request_line.unit, unit_price=row.unit_price, vat_rate=row.vat_rate,
                 product=row.request_line.product,
                 reference=row.request_line.product.reference if row.request_line.product else "")
        for row in sorted(priced, key=lambda row: row.request_line.position)
    ]  # fmt: skip
    delivery = (date or answer.answered_on) + dt.timedelta(days=answer.delay_days) if answer.delay_days else None
    order = orders.create_order(
        actor=actor, supplier=answer.supplier, date=date or max(answer.answered_on, request.date), lines=specs,
        expected_delivery=delivery, supplier_reference=answer.reference,
        notes=f"Suite à notre demande de prix {request.number} ({request.title})."
        + (f" {answer.conditions}" if answer.conditions else ""),
    )  # fmt: skip
    before = audit.snapshot(request)
    request.status, request.chosen, request.order = R.ORDERED, answer, order
    request.choice_reason = (reason or "").strip()[:300]
    request.version += 1
    request.save()
    note = f" ({missing} ligne(s) non chiffrée(s) par ce fournisseur)" if missing else ""
    audit.record(actor, "purchases.rfq.chosen", request, before=before,
                 after={"fournisseur": answer.supplier.display_name, "commande": order.number,
                        "total HT": format_eur(answer.total_net) + note})  # fmt: skip
    return order


@transaction.atomic
def cancel_request(*, actor, request: QuoteRequest, version: int | None = None) -> QuoteRequest:
    current = _locked(request, version)
    _open(current)
    before = audit.snapshot(current)
    current.status = R.CANCELLED
    current.version += 1
    current.save()
    audit.record(actor, "purchases.rfq.cancelled", current, before=before, after=audit.snapshot(current))
    return current


# --- the comparison -----------------------------------------------------------------------------------------


@dataclass
class Cell:
    price: Decimal | None = None
    net: Decimal | None = None
    best: bool = False


def comparison(request: QuoteRequest) -> dict:
    """Rows = requested lines, columns = suppliers: each answer's unit price and net, the lowest net of each line
    flagged; then each supplier's total for the lines it quoted, its delay, and the cheapest complete answer."""
    answers = list(request.answers.select_related("supplier").order_by("pk"))
    lines = list(request.lines.order_by("position"))
    prices = {
        (row.answer_id, row.request_line_id): row for row in QuoteAnswerLine.objects.filter(answer__request=request)
    }
    rows = []
    for line in lines:
        cells = []
        for answer in answers:
            row = prices.get((answer.pk, line.pk))
            cells.append(Cell(row.unit_price, row.net_amount) if row else Cell())
        quoted = [cell.net for cell in cells if cell.net is not None]
        for cell in cells:
            cell.best = bool(quoted) and cell.net == min(quoted) and len(quoted) > 1
        rows.append({"line": line, "cells": cells})
    complete = [a for a in answers if a.answered_on and all((a.pk, line.pk) in prices for line in lines)]
    cheapest = min(complete, key=lambda a: a.total_net, default=None)
    return {"answers": answers, "rows": rows, "cheapest": cheapest}
