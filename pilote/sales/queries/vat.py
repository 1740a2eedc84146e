"""The sales read by the CA3: the net bases of the period's issued invoices and credit notes, by VAT category.

Registered on ledger.hooks.operation_providers (SalesConfig.ready): the ledger computes the CA3 without
importing sales. Dated by the invoice date (the date of the operation on the invoice); a credit note's
bases are negative; a final invoice's deducted deposits are negative lines of that invoice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Sum

from pilote.lib.money import ZERO
from pilote.sales import totals
from pilote.sales.models import InvoiceKind, InvoiceLine, InvoiceStatus


def vat_bases(start: dt.date, end: dt.date) -> Iterator[tuple[str, Decimal]]:
    """(EN 16931 VAT category, net base excl. VAT) for the issued documents dated within [start, end]."""
    rows = (
        InvoiceLine.objects.filter(
            invoice__status=InvoiceStatus.ISSUED, invoice__date__gte=start, invoice__date__lte=end
        )
        .values("invoice__kind", "vat_rate", "exemption_mention")
        .annotate(base=Sum("net_amount"))
    )
    for row in rows:
        base = row["base"] or ZERO
        if row["invoice__kind"] == InvoiceKind.CREDIT_NOTE:
            base = -base
        yield totals.vat_category(Decimal(row["vat_rate"]), row["exemption_mention"]), base
