"""The tax receipt as a PDF (WeasyPrint, like the sales documents), laid out as the Cerfa 11580*05 (individuals)
or 16216*02 (companies), from what the receipt froze at issue: the same PDF every time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pilote.associations import rules
from pilote.associations.models import DonorKind, PaymentMethod, TaxReceipt
from pilote.core.models import Structure
from pilote.core.pdf import render_pdf

CATEGORY_ARTICLES = "Articles 200, 238 bis et 978 du code général des impôts (CGI)"


def receipt_context(receipt: TaxReceipt) -> dict:
    lines = [
        {**line, "date": dt.date.fromisoformat(line["date"]), "amount": Decimal(line["amount"])}
        for line in receipt.lines
    ]
    methods = {line["method"] for line in receipt.lines}
    kinds = {line["kind"] for line in receipt.lines}
    return {
        "receipt": receipt,
        "structure": Structure.objects.filter(pk=1).first(),
        "issuer": receipt.issuer,
        "lines": lines,
        "company": receipt.donor_kind == DonorKind.COMPANY,
        "form_number": "16216*02" if receipt.donor_kind == DonorKind.COMPANY else "11580*05",
        "amount_words": rules.amount_in_words(receipt.total),
        "cash": PaymentMethod.CASH in methods,
        "cheque": PaymentMethod.CHEQUE in methods,
        "transfer": PaymentMethod.TRANSFER in methods,
        "money": "numeraire" in kinds,
        "other_nature": bool(kinds - {"numeraire"}),
        "articles": CATEGORY_ARTICLES,
    }


def receipt_pdf(receipt: TaxReceipt) -> bytes:
    return render_pdf("associations/receipt_pdf.html", receipt_context(receipt))
