"""The customer's exposure (encours) against its authorised limit, checked before a new order.

Exposure = open balance of issued invoices (payments and credit notes deducted)
         + open orders not yet invoiced (order total incl. VAT − issued invoices of that order, deposits
           included: a final invoice deducts them, so the invoices of an order add up to its total)
         + the amount of the new order.
Registered with sales.hooks.register_order_warning: a French warning, never a block.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from pilote.lib.formats import format_eur
from pilote.lib.money import ZERO, MoneyField
from pilote.receivables.models import CreditLimit
from pilote.receivables.queries import BALANCE, open_invoices
from pilote.sales.models import InvoiceKind, InvoiceStatus, Order, OrderStatus

OPEN_ORDER_STATUSES = (OrderStatus.OPEN, OrderStatus.PARTIAL, OrderStatus.DELIVERED)


@dataclass(frozen=True)
class Exposure:
    open_balance: Decimal
    open_orders: Decimal

    @property
    def total(self) -> Decimal:
        return self.open_balance + self.open_orders


def exposure(customer) -> Exposure:
    balance = open_invoices().filter(customer=customer).aggregate(total=Sum(BALANCE, output_field=MoneyField()))
    invoiced = Q(invoices__status=InvoiceStatus.ISSUED) & ~Q(invoices__kind=InvoiceKind.CREDIT_NOTE)
    orders = (
        Order.objects.filter(customer=customer, status__in=OPEN_ORDER_STATUSES)
        .annotate(invoiced=Sum("invoices__total_gross", filter=invoiced))
        .values_list("total_gross", "invoiced")
    )
    not_invoiced = sum((max(total - (done or ZERO), ZERO) for total, done in orders), ZERO)
    return Exposure(balance["total"] or ZERO, not_invoiced)


def credit_warning(customer, amount: Decimal) -> str | None:
    limit = CreditLimit.objects.filter(customer=customer).values_list("amount", flat=True).first()
    if limit is None:
        return None
    current = exposure(customer)
    if current.total + amount <= limit:
        return None
    return (
        f"Encours autorisé dépassé pour {customer.display_name} : {format_eur(current.open_balance)} de factures "
        f"non réglées + {format_eur(current.open_orders)} de commandes non facturées + {format_eur(amount)} "
        f"pour cette commande = {format_eur(current.total + amount)}, pour un encours autorisé de "
        f"{format_eur(limit)}."
    )
