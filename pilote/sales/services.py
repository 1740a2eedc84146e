"""Business writes of the sales cycle before issue: quotes, orders, deliveries and invoice drafts.

Issuing an invoice (number, frozen data, entry, Factur-X) is in issuing.py; payments in payments.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pilote.catalog.models import Product, ProductKind, VatRate, vat_of_product
from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.core.vat_policy import NO_VAT_MENTIONS, VatPolicy, current_policy
from pilote.lib.formats import format_eur, format_percent
from pilote.lib.money import ZERO, round_eur
from pilote.sales import numbering, totals
from pilote.sales.models import (
    Delivery,
    DeliveryLine,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    NumberReservation,
    Order,
    OrderLine,
    OrderStatus,
    Quote,
    QuoteLine,
    QuoteStatus,
    Series,
)

DEPOSIT_ACCOUNT = "4191"  # Clients - avances et acomptes reçus sur commandes


@dataclass
class LineSpec:
    """One line as typed by the user or copied from another document."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: str = VatRate.NORMAL
    unit: str = "u"
    discount_percent: Decimal = ZERO
    product: Product | None = None
    reference: str = ""
    kind: str = ProductKind.GOODS
    exemption_mention: str = ""
    account: str = ""
    extra: dict = field(default_factory=dict)  # model-specific fields (order_line, deposit_invoice)

    @classmethod
    def from_product(cls, product: Product, quantity: Decimal, **overrides) -> LineSpec:
        vat_rate, mention = vat_of_product(product, current_policy())
        values = dict(
            description=product.name,
            quantity=Decimal(quantity),
            unit_price=product.unit_price,
            vat_rate=vat_rate,
            unit=product.unit,
            product=product,
            reference=product.reference,
            kind=product.kind,
            exemption_mention=mention,
            account=product.revenue_account,
        )
        values.update(overrides)
        return cls(**values)

    @classmethod
    def copy_of(cls, line, quantity: Decimal | None = None, **extra) -> LineSpec:
        return cls(
            description=line.description,
            quantity=line.quantity if quantity is None else quantity,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
            unit=line.unit,
            discount_percent=line.discount_percent,
            product=line.product,
            reference=line.reference,
            kind=line.kind,
            exemption_mention=line.exemption_mention,
            account=line.account,
            extra=extra,
        )


def vat_regime_problem(i: int, spec: LineSpec, policy: VatPolicy) -> str:
    """A line must carry VAT as the structure's regime says: none, with the regime's mention, under
    franchise or non assujettie; the mention of a regime without VAT only under that regime."""
    if not policy.charges_vat and (spec.vat_rate != VatRate.EXEMPT or spec.exemption_mention != policy.mention):
        return f"Ligne {i} : {policy.reason} Indiquez « Pas de TVA » avec la mention « {policy.mention} »."
    if spec.exemption_mention in NO_VAT_MENTIONS and spec.exemption_mention != policy.mention:
        return (
            f"Ligne {i} : la mention « {spec.exemption_mention} » ne correspond pas au régime de TVA de la structure."
        )
    return ""


def _check_specs(specs: list[LineSpec], *, allow_negative: bool = False, policy: VatPolicy | None = None) -> list[str]:
    problems = []
    if not specs:
        problems.append("Ajoutez au moins une ligne.")
    for i, spec in enumerate(specs, start=1):
        if policy is not None and (problem := vat_regime_problem(i, spec, policy)):
            problems.append(problem)
        if not spec.description.strip():
            problems.append(f"Ligne {i} : la désignation est obligatoire.")
        if spec.quantity == 0 or (spec.quantity < 0 and not allow_negative):
            problems.append(f"Ligne {i} : la quantité doit être positive.")
        if spec.unit_price < 0:
            problems.append(f"Ligne {i} : le prix unitaire ne peut pas être négatif.")
        if not ZERO <= Decimal(spec.discount_percent) <= 100:
            problems.append(f"Ligne {i} : la remise est un pourcentage entre 0 et 100.")
        if spec.vat_rate not in VatRate.values:
            problems.append(f"Ligne {i} : taux de TVA inconnu.")
        elif spec.vat_rate == VatRate.EXEMPT and not spec.exemption_mention:
            problems.append(f"Ligne {i} : une ligne exonérée doit porter sa mention légale d'exonération.")
        if spec.account and not (spec.account.isdigit() and spec.account[0] in "74"):
            problems.append(f"Ligne {i} : le compte {spec.account} n'est pas un compte de vente.")
    return problems


def write_lines(
    document, line_model, specs: list[LineSpec], *, allow_negative: bool = False, copies_issued: bool = False
) -> None:
    """Replace the document's lines and recompute its stored totals (EN 16931 rules, totals.py).

    Lines follow the structure's VAT regime (core.vat_policy), except those copied from an issued invoice
    (`copies_issued`, a credit note): they cancel what was invoiced, with its VAT."""
    policy = None if copies_issued else current_policy()
    problems = _check_specs(specs, allow_negative=allow_negative, policy=policy)
    if problems:
        raise DomainError(" ".join(problems))
    parent = line_model._meta.get_field(_parent_field(line_model)).name
    line_model.objects.filter(**{parent: document}).delete()
    rows = []
    for position, spec in enumerate(specs, start=1):
        exempt = spec.vat_rate == VatRate.EXEMPT
        rows.append(
            line_model(
                **{parent: document},
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
                exemption_mention=spec.exemption_mention if exempt else "",
                account=spec.account or ("706" if spec.kind == ProductKind.SERVICE else "707"),
                net_amount=totals.line_net(spec.quantity, spec.unit_price, spec.discount_percent or ZERO),
                **spec.extra,
            )
        )
    line_model.objects.bulk_create(rows)
    result = totals.compute_totals(
        totals.PricedLine(row.net_amount, Decimal(row.vat_rate), row.exemption_mention) for row in rows
    )
    document.total_net, document.total_vat, document.total_gross = result.net, result.vat, result.gross
    document.save(update_fields=["total_net", "total_vat", "total_gross", "updated_at"])


def _parent_field(line_model) -> str:
    return {"QuoteLine": "quote", "OrderLine": "order", "InvoiceLine": "invoice"}[line_model.__name__]


def _customer_check(customer) -> None:
    if not customer.is_active:
        raise DomainError(f"{customer.display_name} est archivé : réactivez-le avant de lui établir un document.")


def _becomes_customer(actor, document) -> None:
    """A prospect (or a contact with no sales role) becomes a customer with its first order or invoice."""
    from pilote.contacts import services as contacts

    contacts.mark_customer(actor=actor, contact=document.customer, reason=str(document))


# --- Quotes -------------------------------------------------------------------------------------


def _opportunity_check(opportunity, customer) -> None:
    if opportunity is not None and opportunity.contact_id != customer.pk:
        raise DomainError(
            f"L'opportunité « {opportunity.title} » concerne un autre contact que {customer.display_name}."
        )


@transaction.atomic
def create_quote(
    *, actor, customer, date: dt.date, valid_until: dt.date, lines: list[LineSpec], notes: str = "", opportunity=None
) -> Quote:
    _customer_check(customer)
    _opportunity_check(opportunity, customer)
    if valid_until < date:
        raise DomainError("La date de validité ne peut pas précéder la date du devis.")
    quote = Quote.objects.create(
        number=numbering.next_number(Series.QUOTE, date.year),
        customer=customer,
        date=date,
        valid_until=valid_until,
        notes=notes,
        created_by=actor,
        **({"opportunity": opportunity} if opportunity is not None else {}),
    )
    write_lines(quote, QuoteLine, lines)
    audit.record(actor, "sales.quote.created", quote, after=audit.snapshot(quote))
    return quote


def duplicate_quote(*, actor, quote: Quote, date: dt.date, valid_until: dt.date) -> Quote:
    """A new draft quote for the same customer with a copy of `quote`'s lines and notes (« Dupliquer »)."""
    return create_quote(actor=actor, customer=quote.customer, date=date, valid_until=valid_until, notes=quote.notes,
                        lines=[LineSpec.copy_of(line) for line in quote.lines.all()])  # fmt: skip


@transaction.atomic
def update_quote(
    *,
    actor,
    quote: Quote,
    version: int | None,
    customer,
    date: dt.date,
    valid_until: dt.date,
    lines: list[LineSpec],
    notes: str = "",
    opportunity=None,
) -> Quote:
    current = Quote.objects.select_for_update().get(pk=quote.pk)
    check_version(current.version, version, "ce devis")
    if not current.is_editable:
        raise DomainError(
            f"Le devis {current.number} est {current.get_status_display().lower()} : il ne se modifie plus."
        )
    if valid_until < date:
        raise DomainError("La date de validité ne peut pas précéder la date du devis.")
    before = audit.snapshot(current)
    _opportunity_check(opportunity, customer)
    current.customer, current.date, current.valid_until, current.notes = customer, date, valid_until, notes
    current.opportunity = opportunity
    current.version += 1
    current.save()
    write_lines(current, QuoteLine, lines)
    audit.record(actor, "sales.quote.updated", current, before=before, after=audit.snapshot(current))
    return current


def _set_quote_status(actor, quote: Quote, allowed: set[str], status: str, verb: str, **changes) -> Quote:
    current = Quote.objects.select_for_update().get(pk=quote.pk)
    if current.status not in allowed:
        raise DomainError(f"Le devis {current.number} est {current.get_status_display().lower()} : action impossible.")
    before = audit.snapshot(current)
    current.status = status
    for name, value in changes.items():
        setattr(current, name, value)
    current.version += 1
    current.save()
    audit.record(actor, f"sales.quote.{verb}", current, before=before, after=audit.snapshot(current))
    return current


@transaction.atomic
def mark_quote_sent(*, actor, quote: Quote, to: str = "") -> Quote:
    """The quote is with the customer; sent by e-mail to `to`, the sending joins its history of exchanges."""
    sent = _set_quote_status(
        actor, quote, {QuoteStatus.DRAFT, QuoteStatus.SENT}, QuoteStatus.SENT, "sent", sent_at=timezone.now()
    )
    if to:
        from pilote.contacts import services as contacts

        contacts.log_interaction(
            actor=actor,
            contact=sent.customer,
            kind="email",
            source_perm="sales.view",
            subject=f"Devis {sent.number} envoyé ({format_eur(sent.total_gross)} TTC)"[:200],
            body=f"Envoyé à {to}, valable jusqu'au {sent.valid_until:%d/%m/%Y}.",
        )
    return sent


@transaction.atomic
def accept_quote(*, actor, quote: Quote, on: dt.date, note: str = "") -> Quote:
    """The customer's agreement; the quote's opportunity, if still open, is won at the quote's amount."""
    if on < quote.date:
        raise DomainError("L'acceptation ne peut pas précéder la date du devis.")
    accepted = _set_quote_status(
        actor,
        quote,
        {QuoteStatus.DRAFT, QuoteStatus.SENT},
        QuoteStatus.ACCEPTED,
        "accepted",
        decided_on=on,
        acceptance_note=note.strip()[:200],
    )
    opportunity = accepted.opportunity
    if opportunity is not None and opportunity.is_open:
        from pilote.pipeline import services as pipeline

        pipeline.mark_won(
            actor=actor,
            opportunity=opportunity,
            closed_on=on,
            amount=accepted.total_net,
            note=f"Devis {accepted.number} accepté.",
        )
    return accepted


@transaction.atomic
def refuse_quote(*, actor, quote: Quote, on: dt.date, reason: str = "") -> Quote:
    return _set_quote_status(
        actor,
        quote,
        {QuoteStatus.DRAFT, QuoteStatus.SENT},
        QuoteStatus.REFUSED,
        "refused",
        decided_on=on,
        refusal_reason=reason.strip()[:200],
    )


@transaction.atomic
def cancel_quote(*, actor, quote: Quote) -> Quote:
    return _set_quote_status(actor, quote, {QuoteStatus.DRAFT, QuoteStatus.SENT}, QuoteStatus.CANCELLED, "cancelled")


@transaction.atomic
def expire_quotes(*, actor, today: dt.date) -> int:
    """Sent quotes past their validity date become « expiré » (run daily, or when lists are shown)."""
    count = 0
    for quote in Quote.objects.filter(status=QuoteStatus.SENT, valid_until__lt=today):
        _set_quote_status(actor, quote, {QuoteStatus.SENT}, QuoteStatus.EXPIRED, "expired")
        count += 1
    return count


# --- Orders and deliveries ----------------------------------------------------------------------


@transaction.atomic
def convert_quote(
    *,
    actor,
    quote: Quote,
    date: dt.date,
    customer_reference: str = "",
    delivery_address=None,
    expected_delivery: dt.date | None = None,
    payment_term: str = "30",
) -> Order:
    """One click from an accepted (or sent: the customer's order is its acceptance) quote to an order."""
    current = Quote.objects.select_for_update().get(pk=quote.pk)
    if current.status in {QuoteStatus.SENT, QuoteStatus.DRAFT}:
        current = accept_quote(actor=actor, quote=current, on=date, note=customer_reference)
    if current.status != QuoteStatus.ACCEPTED:
        raise DomainError(f"Le devis {current.number} est {current.get_status_display().lower()} : pas de commande.")
    if Order.objects.filter(quote=current).exists():
        raise DomainError(f"Le devis {current.number} a déjà été transformé en commande.")
    if date < current.date:
        raise DomainError("La commande ne peut pas précéder le devis.")
    order = Order.objects.create(
        number=numbering.next_number(Series.ORDER, date.year),
        quote=current,
        customer=current.customer,
        date=date,
        notes=current.notes,
        customer_reference=customer_reference.strip()[:60],
        delivery_address=delivery_address,
        expected_delivery=expected_delivery,
        payment_term=payment_term,
        created_by=actor,
    )
    write_lines(order, OrderLine, [LineSpec.copy_of(line) for line in current.lines.all()])
    _becomes_customer(actor, order)
    audit.record(actor, "sales.order.created", order, after=audit.snapshot(order))
    return order


@transaction.atomic
def create_order(
    *,
    actor,
    customer,
    date: dt.date,
    lines: list[LineSpec],
    customer_reference: str = "",
    delivery_address=None,
    payment_term: str = "30",
    notes: str = "",
) -> Order:
    """An order taken without a quote (phone, purchase order received)."""
    _customer_check(customer)
    order = Order.objects.create(
        number=numbering.next_number(Series.ORDER, date.year),
        customer=customer,
        date=date,
        notes=notes,
        customer_reference=customer_reference.strip()[:60],
        delivery_address=delivery_address,
        payment_term=payment_term,
        created_by=actor,
    )
    write_lines(order, OrderLine, lines)
    _becomes_customer(actor, order)
    audit.record(actor, "sales.order.created", order, after=audit.snapshot(order))
    return order


def refresh_order_status(order: Order) -> None:
    lines = list(order.lines.all())
    if order.status == OrderStatus.CANCELLED:
        return
    if lines and all(line.invoiced_quantity >= line.quantity for line in lines):
        status = OrderStatus.INVOICED
    elif lines and all(line.delivered_quantity >= line.quantity for line in lines):
        status = OrderStatus.DELIVERED
    elif any(line.delivered_quantity > 0 for line in lines):
        status = OrderStatus.PARTIAL
    else:
        status = OrderStatus.OPEN
    if status != order.status:
        order.status = status
        order.save(update_fields=["status", "updated_at"])


@transaction.atomic
def deliver(
    *,
    actor,
    order: Order,
    date: dt.date,
    quantities: dict[int, Decimal],
    notes: str = "",
    lots: dict[int, str] | None = None,
) -> Delivery:
    """A delivery (full or partial) of the order's lines: {order_line_id: quantity delivered now}; `lots`
    {order_line_id: the lots or serial numbers chosen} for the articles the stock follows by lot (it checks them
    when the line is written: a lot short of the quantity refuses the whole delivery)."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status in {OrderStatus.CANCELLED, OrderStatus.INVOICED}:
        raise DomainError(f"La commande {order.number} est {order.get_status_display().lower()} : rien à livrer.")
    if date < order.date:
        raise DomainError("La livraison ne peut pas précéder la commande.")
    lines = {line.pk: line for line in order.lines.select_for_update()}
    wanted = {pk: Decimal(q) for pk, q in quantities.items() if q and Decimal(q) != 0}
    if not wanted:
        raise DomainError("Indiquez au moins une quantité livrée.")
    problems = []
    for pk, quantity in wanted.items():
        line = lines.get(pk)
        if line is None:
            problems.append("Une ligne ne fait pas partie de cette commande.")
        elif quantity < 0:
            problems.append(f"« {line.description} » : quantité négative.")
        elif quantity > line.to_deliver:
            problems.append(
                f"« {line.description} » : {quantity.normalize():f} à livrer, mais il n'en reste que "
                f"{line.to_deliver.normalize():f}."
            )
    if problems:
        raise DomainError(" ".join(problems))
    delivery = Delivery.objects.create(
        number=numbering.next_number(Series.DELIVERY, date.year), order=order, date=date, notes=notes, created_by=actor
    )
    for pk, quantity in wanted.items():
        DeliveryLine.objects.create(delivery=delivery, order_line=lines[pk], quantity=quantity,
                                    lots=(lots or {}).get(pk, "").strip())  # fmt: skip
        lines[pk].delivered_quantity += quantity
        lines[pk].save(update_fields=["delivered_quantity"])
    refresh_order_status(order)
    audit.record(actor, "sales.delivery.created", delivery, after={"order": order.number, "lines": len(wanted)})
    return delivery


@transaction.atomic
def cancel_order(*, actor, order: Order) -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.lines.filter(delivered_quantity__gt=0).exists() or order.invoices.exists():
        raise DomainError(f"La commande {order.number} est déjà livrée ou facturée : elle ne s'annule plus.")
    before = audit.snapshot(order)
    order.status = OrderStatus.CANCELLED
    order.save(update_fields=["status", "updated_at"])
    audit.record(actor, "sales.order.cancelled", order, before=before, after=audit.snapshot(order))
    return order


# --- Invoice drafts -----------------------------------------------------------------------------


def _check_agreed_due_date(date: dt.date, due_date: dt.date | None) -> None:
    if due_date is not None:
        from pilote.sales.terms import check_due_date

        check_due_date(date, due_date)  # refused beyond 60 days or 45 days end of month (L441-10)


def _new_invoice(actor, *, customer, date, kind=InvoiceKind.INVOICE, **fields) -> Invoice:
    _customer_check(customer)
    invoice = Invoice.objects.create(customer=customer, date=date, kind=kind, created_by=actor, **fields)
    _becomes_customer(actor, invoice)
    return invoice


@transaction.atomic
def create_invoice(
    *,
    actor,
    customer,
    date: dt.date,
    lines: list[LineSpec],
    payment_term: str = "30",
    customer_reference: str = "",
    delivery_date: dt.date | None = None,
    notes: str = "",
    delivery_address=None,
    due_date: dt.date | None = None,
) -> Invoice:
    """A draft invoice typed directly (no order); `due_date` is an agreed date, else the term gives it."""
    _check_agreed_due_date(date, due_date)
    invoice = _new_invoice(
        actor,
        customer=customer,
        date=date,
        due_date=due_date,
        payment_term=payment_term,
        customer_reference=customer_reference,
        delivery_date=delivery_date,
        notes=notes,
        delivery_address=delivery_address,
    )
    write_lines(invoice, InvoiceLine, lines)
    audit.record(actor, "sales.invoice.drafted", invoice, after=audit.snapshot(invoice))
    return invoice


@transaction.atomic
def update_invoice_draft(
    *,
    actor,
    invoice: Invoice,
    version: int | None,
    date: dt.date,
    lines: list[LineSpec],
    payment_term: str,
    customer_reference: str = "",
    delivery_date: dt.date | None = None,
    notes: str = "",
    due_date: dt.date | None = None,
) -> Invoice:
    current = Invoice.objects.select_for_update().get(pk=invoice.pk)
    check_version(current.version, version, "cette facture")
    if not current.is_draft:
        raise DomainError(current.locked_message)
    reserved = NumberReservation.objects.filter(invoice=current).first()
    if reserved and date != reserved.date:
        raise DomainError(
            f"Le n° {reserved.number} est réservé pour cette facture au {reserved.date:%d/%m/%Y} : sa date ne change "
            "plus (la numérotation suit les dates)."
        )
    _check_agreed_due_date(date, due_date)
    before = audit.snapshot(current)
    current.due_date = due_date
    current.date, current.payment_term, current.notes = date, payment_term, notes
    current.customer_reference, current.delivery_date = customer_reference, delivery_date
    current.version += 1
    current.save()
    keep = {line.pk: line for line in current.lines.all()}
    for spec in lines:  # an edited line copied from an order (or a deposit) keeps its link to it
        source = keep.get(spec.extra.pop("source_pk", None))
        if source is not None:
            spec.extra.update(order_line=source.order_line, deposit_invoice=source.deposit_invoice)
    write_lines(current, InvoiceLine, lines, allow_negative=current.kind != InvoiceKind.DEPOSIT)
    audit.record(actor, "sales.invoice.updated", current, before=before, after=audit.snapshot(current))
    return current


@transaction.atomic
def delete_invoice_draft(*, actor, invoice: Invoice) -> None:
    current = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if not current.is_draft:
        raise DomainError(f"{current} est {current.agreed('émis')} : un document émis ne se supprime jamais.")
    if reserved := NumberReservation.objects.filter(invoice=current).first():
        raise DomainError(
            f"Ce brouillon porte le n° {reserved.number}, réservé quand son émission a commencé : il ne se supprime "
            "plus (la numérotation resterait trouée). Émettez-le, puis annulez-le par un avoir si besoin."
        )
    audit.record(actor, "sales.invoice.draft_deleted", current, before=audit.snapshot(current))
    current.deliveries.update(invoice=None)
    current.delete()


def _deposits_to_deduct(order: Order) -> list[Invoice]:
    issued = order.invoices.filter(kind=InvoiceKind.DEPOSIT, status=InvoiceStatus.ISSUED)
    already = set(InvoiceLine.objects.filter(deposit_invoice__in=issued).values_list("deposit_invoice_id", flat=True))
    return [deposit for deposit in issued.order_by("date", "pk") if deposit.pk not in already]


def deposit_deduction_specs(deposit: Invoice) -> list[LineSpec]:
    """Lines deducting an issued deposit on the final invoice: one negative line per VAT rate, on 4191."""
    specs = []
    bases: dict[tuple[str, str], Decimal] = {}
    for line in deposit.lines.all():
        key = (line.vat_rate, line.exemption_mention)
        bases[key] = bases.get(key, ZERO) + line.net_amount
    for (rate, mention), base in sorted(bases.items(), reverse=True):
        specs.append(
            LineSpec(
                # The deposit's invoice date (its business date), never its issue timestamp: issued_at is the
                # moment of the click, in UTC, and says neither the invoice's date nor the day in France.
                description=f"Acompte versé — facture {deposit.number} du {deposit.date:%d/%m/%Y}",
                quantity=Decimal("-1"),
                unit_price=base,
                vat_rate=rate,
                unit="forfait",
                exemption_mention=mention,
                account=DEPOSIT_ACCOUNT,
                kind="service" if deposit.lines.filter(kind="service").exists() else "goods",
                extra={"deposit_invoice": deposit},
            )
        )
    return specs


@transaction.atomic
def invoice_order(*, actor, order: Order, date: dt.date, deliveries: list[Delivery] | None = None) -> Invoice:
    """A draft (final or partial) invoice of an order: the delivered quantities not yet invoiced (or,
    for an order with no delivery — services —, everything not yet invoiced), less the issued deposits."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status == OrderStatus.CANCELLED:
        raise DomainError(f"La commande {order.number} est annulée.")
    if order.invoices.filter(status=InvoiceStatus.DRAFT).exclude(kind=InvoiceKind.CREDIT_NOTE).exists():
        raise DomainError(f"Une facture brouillon existe déjà pour la commande {order.number} : terminez-la d'abord.")
    if deliveries is None:
        deliveries = list(order.deliveries.filter(invoice__isnull=True))
    delivered: dict[int, Decimal] = {}
    for delivery in deliveries:
        for dl in delivery.lines.all():
            delivered[dl.order_line_id] = delivered.get(dl.order_line_id, ZERO) + dl.quantity
    specs = []
    has_deliveries = order.deliveries.exists()
    for line in order.lines.all():
        quantity = delivered.get(line.pk, ZERO) if has_deliveries else line.quantity - line.invoiced_quantity
        quantity = min(quantity, line.quantity - line.invoiced_quantity)
        if quantity > 0:
            specs.append(LineSpec.copy_of(line, quantity, order_line=line))
    if not specs:
        raise DomainError(f"Rien à facturer sur la commande {order.number} : livrez d'abord, ou tout est facturé.")
    remaining = [
        line
        for line in order.lines.all()
        if line.invoiced_quantity + sum((s.quantity for s in specs if s.extra.get("order_line") == line), ZERO)
        < line.quantity
    ]
    if not remaining:  # the final invoice deducts the deposits
        for deposit in _deposits_to_deduct(order):
            specs.extend(deposit_deduction_specs(deposit))
    invoice = _new_invoice(
        actor,
        customer=order.customer,
        date=date,
        order=order,
        payment_term=order.payment_term,
        customer_reference=order.customer_reference,
        delivery_address=order.delivery_address,
        delivery_date=max((d.date for d in deliveries), default=None),
        notes=order.notes,
    )
    write_lines(invoice, InvoiceLine, specs, allow_negative=True)
    for delivery in deliveries:
        delivery.invoice = invoice
        delivery.save(update_fields=["invoice"])
    audit.record(actor, "sales.invoice.drafted", invoice, after=audit.snapshot(invoice))
    return invoice


@transaction.atomic
def deposit_invoice(*, actor, order: Order, date: dt.date, percent: Decimal) -> Invoice:
    """A draft deposit (acompte) invoice: `percent` of the order, one line per VAT rate, on account 4191."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    percent = Decimal(percent)
    if not 0 < percent < 100:
        raise DomainError("Le pourcentage d'acompte est compris entre 0 et 100 (exclus).")
    if order.status in {OrderStatus.CANCELLED, OrderStatus.INVOICED}:
        raise DomainError(f"La commande {order.number} est {order.get_status_display().lower()}.")
    deposited = sum(
        (
            inv.total_gross
            for inv in order.invoices.filter(kind=InvoiceKind.DEPOSIT).exclude(status=InvoiceStatus.DRAFT)
        ),
        ZERO,
    )
    bases: dict[tuple[str, str, str], Decimal] = {}
    for line in order.lines.all():
        key = (line.vat_rate, line.exemption_mention, line.kind)
        bases[key] = bases.get(key, ZERO) + line.net_amount
    specs = [
        LineSpec(
            description=f"Acompte de {format_percent(percent)} sur la commande {order.number}"
            + (f" (TVA {format_percent(Decimal(rate))})" if len(bases) > 1 else ""),
            quantity=Decimal(1),
            unit_price=round_eur(base * percent / 100),
            vat_rate=rate,
            unit="forfait",
            exemption_mention=mention,
            kind=kind,
            account=DEPOSIT_ACCOUNT,
        )
        for (rate, mention, kind), base in sorted(bases.items(), reverse=True)
        if base > 0
    ]
    invoice = _new_invoice(
        actor,
        customer=order.customer,
        date=date,
        kind=InvoiceKind.DEPOSIT,
        order=order,
        payment_term="reception",
        customer_reference=order.customer_reference,
    )
    write_lines(invoice, InvoiceLine, specs)
    if deposited + invoice.total_gross > order.total_gross:
        raise DomainError("Les acomptes dépasseraient le montant de la commande.")
    audit.record(actor, "sales.invoice.drafted", invoice, after=audit.snapshot(invoice))
    return invoice


@transaction.atomic
def credit_note_for(*, actor, invoice: Invoice, date: dt.date) -> Invoice:
    """A draft credit note (avoir) copying the invoice's lines; the user reduces it to what is credited."""
    if invoice.is_draft or invoice.is_credit_note:
        raise DomainError("Un avoir corrige une facture émise.")
    if invoice.credited_amount >= invoice.total_gross:
        raise DomainError(f"{invoice} est déjà entièrement annulée par des avoirs.")
    note = _new_invoice(
        actor,
        customer=invoice.customer,
        date=date,
        kind=InvoiceKind.CREDIT_NOTE,
        credited_invoice=invoice,
        order=invoice.order,
        payment_term="reception",
        customer_reference=invoice.customer_reference,
    )
    # A deducted deposit line is copied too: crediting a final invoice gives the deposit back to 4191.
    write_lines(
        note,
        InvoiceLine,
        [LineSpec.copy_of(line) for line in invoice.lines.all()],
        allow_negative=True,
        copies_issued=True,
    )
    audit.record(actor, "sales.invoice.drafted", note, after=audit.snapshot(note))
    return note


@transaction.atomic
def mark_invoice_sent(*, actor, invoice: Invoice, to: str) -> Invoice:
    """Record the sending (the e-mail is sent by the caller) here and in the customer's history of
    exchanges; the issued invoice's content is untouched."""
    from pilote.contacts import services as contacts

    Invoice.objects.filter(pk=invoice.pk).update(sent_at=timezone.now())
    audit.record(actor, "sales.invoice.sent", invoice, after={"to": to})
    contacts.log_interaction(
        actor=actor,
        contact=invoice.customer,
        kind="email",
        source_perm="sales.view",
        subject=f"{invoice} envoyée ({format_eur(invoice.total_gross)} TTC)"[:200],
        body=f"Envoyée à {to} avec son PDF Factur-X.",
    )
    return invoice
