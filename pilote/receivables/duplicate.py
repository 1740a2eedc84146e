"""The corrective duplicate of an invoice whose debt was written off with its VAT recovered.

To recover the VAT of an unpaid invoice (CGI art. 272-1), the seller sends the customer a duplicate of the
original invoice « surchargé » of the mention that the unpaid price and its VAT cannot be deducted
(BOI-TVA-DED-40-10-20 § 120; the mention's text: `bad_debts.correction_mention`). The duplicate is the invoice
as archived at issue (its Factur-X PDF, never re-rendered, so it is the document the customer received), each
page overprinted with « DUPLICATA » and the mention; the archived original is left untouched.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.template.loader import render_to_string

from pilote.core.exceptions import DomainError
from pilote.ledger.vat import BAD_DEBT_VAT_ACCOUNT
from pilote.lib.money import ZERO
from pilote.receivables.models import DoubtfulDebt


def recovered_vat(debt: DoubtfulDebt) -> Decimal:
    """The VAT recovered when the debt was written off: the write-off entry's debits on the account that
    carries it to the CA3 (line 21); zero when nothing was recovered (VAT on receipts, never due)."""
    if not debt.write_off_entry_id:
        return ZERO
    return sum(
        (line.debit for line in debt.write_off_entry.lines.all() if line.account.code == BAD_DEBT_VAT_ACCOUNT[0]),
        ZERO,
    )


def corrective_duplicate_pdf(debt: DoubtfulDebt) -> bytes:
    """The archived invoice with « DUPLICATA » and the article 272 mention printed over each page."""
    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    from pilote.receivables.bad_debts import correction_mention

    vat = recovered_vat(debt)
    if not vat:
        raise DomainError(
            f"Aucune TVA n'a été récupérée sur {debt.number} : il n'y a pas de duplicata rectificatif à "
            "adresser au client."
        )
    if debt.taken_over:
        raise DomainError(
            f"La facture {debt.number} vient de l'ancien outil : Pilote n'en a pas l'original. Faites le duplicata "
            f"avec cet outil, portant la mention : « {correction_mention(debt, vat)} »"
        )
    archived = getattr(debt.invoice, "file", None)
    if archived is None:
        raise DomainError(f"La facture {debt.number} n'a pas de PDF archivé dont faire le duplicata.")
    original = PdfReader(io.BytesIO(bytes(archived.pdf)))
    html = render_to_string(
        "receivables/duplicate_overlay_pdf.html",
        {"mention": correction_mention(debt, vat), "invoice": debt.invoice, "written_off_on": debt.written_off_on},
    )
    stamp = PdfReader(io.BytesIO(HTML(string=html).write_pdf())).pages[0]
    writer = PdfWriter()
    for page in original.pages:  # pages only: the catalog and its embedded Factur-X XML stay behind
        writer.add_page(page).merge_page(stamp)
    writer.add_metadata({"/Title": f"Duplicata rectificatif de la facture n° {debt.number}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def filename(debt: DoubtfulDebt) -> str:
    return f"duplicata-rectificatif-{debt.number}.pdf"
