"""Purchase orders and requests for quotes e-mailed to the supplier with their PDF: the e-mail the page proposes,
the PDF attached, and the document marked sent only if the e-mail left — the one way of the pages and the API."""

from __future__ import annotations

from django.db import transaction

from pilote.core.models import Structure
from pilote.core.pdf import logo_url, render_pdf
from pilote.lib.formats import format_date, format_eur, format_quantity
from pilote.purchases import orders, rfq
from pilote.purchases.models import PurchaseOrder, QuoteAnswer
from pilote.purchases.queries import orders as queries
from pilote.sales import mail

# --- purchase orders --------------------------------------------------------------------------------------------


def order_pdf_bytes(order: PurchaseOrder) -> bytes:
    structure = Structure.objects.get()
    lines = queries.order_lines(order)
    facts = [("Numéro", order.number), ("Date", format_date(order.date))]
    if order.expected_delivery:
        facts.append(("Livraison souhaitée", format_date(order.expected_delivery)))
    if order.supplier_reference:
        facts.append(("Votre devis", order.supplier_reference))
    context = {"order": order, "lines": lines, "groups": queries.vat_groups(lines), "facts": facts,
               "structure": structure, "logo_url": logo_url(structure)}  # fmt: skip
    return render_pdf("purchases/order_pdf.html", context)


def order_filename(order: PurchaseOrder) -> str:
    return f"Bon-de-commande-{order.number}.pdf"


def order_email(order: PurchaseOrder) -> dict:
    """The e-mail the page proposes to send the order to its supplier (the API's defaults too)."""
    structure = Structure.objects.get()
    delivery = f", à livrer le {order.expected_delivery:%d/%m/%Y}" if order.expected_delivery else ""
    return {
        "to": order.supplier.email,
        "subject": f"Bon de commande {order.number} — {structure.display_name}",
        "body": (
            f"Bonjour,\n\nVeuillez trouver ci-joint notre bon de commande {order.number} du {order.date:%d/%m/%Y}, "
            f"d'un montant de {format_eur(order.total_net)} HT{delivery}.\n\nMerci de nous confirmer sa bonne "
            "réception et la date de livraison, et de rappeler ce numéro sur votre bon de livraison et votre "
            f"facture.\n\nCordialement,\n{structure.display_name}"
        ),
    }


def send_order(*, actor, order: PurchaseOrder, to: str, subject: str, body: str) -> PurchaseOrder:
    """E-mail the order's PDF to the supplier and mark it « envoyée » — only if the e-mail left (the page's and the
    API's one way)."""
    with transaction.atomic():
        sent = orders.mark_order_sent(actor=actor, order=order, to=to)
        mail.send_document(to=to, subject=subject, body=body, filename=order_filename(order),
                           pdf=order_pdf_bytes(order), reply_to=Structure.objects.get().email)  # fmt: skip
    return sent


# --- requests for quotes ----------------------------------------------------------------------------------------


def request_pdf_bytes(answer: QuoteAnswer) -> bytes:
    structure = Structure.objects.get()
    found = answer.request
    lines = list(found.lines.order_by("position"))
    for line in lines:
        line.quantity_text = format_quantity(line.quantity)
    facts = [("Numéro", found.number), ("Date", format_date(found.date))]
    if found.reply_by:
        facts.append(("Réponse souhaitée avant le", format_date(found.reply_by)))
    context = {"rfq": found, "answer": answer, "lines": lines, "facts": facts, "structure": structure,
               "logo_url": logo_url(structure)}  # fmt: skip
    return render_pdf("purchases/rfq_pdf.html", context)


def request_filename(answer: QuoteAnswer) -> str:
    return f"Demande-de-prix-{answer.request.number}.pdf"


def request_email(answer: QuoteAnswer, structure: Structure) -> dict:
    """The e-mail the page proposes for sending the request to this supplier (the API's defaults too)."""
    found = answer.request
    before = f" avant le {found.reply_by:%d/%m/%Y}" if found.reply_by else ""
    return {"to": answer.supplier.email, "subject": f"Demande de prix {found.number} — {structure.display_name}",
            "body": f"Bonjour,\n\nNous vous remercions de nous faire parvenir votre meilleure offre{before} pour "
                    f"« {found.title} », détaillée dans la demande de prix ci-jointe (prix unitaires HT, délai de "
                    f"livraison, conditions).\n\nCordialement,\n{structure.display_name}"}  # fmt: skip


def send_request(*, actor, answer: QuoteAnswer, to: str, subject: str, body: str) -> QuoteAnswer:
    """E-mail the request's PDF to this supplier and mark it sent — only if the e-mail left (the page's and the
    API's one way)."""
    structure = Structure.objects.get()
    with transaction.atomic():
        sent = rfq.mark_sent(actor=actor, answer=answer, to=to)
        mail.send_document(to=to, subject=subject, body=body, filename=request_filename(answer),
                           pdf=request_pdf_bytes(answer), reply_to=structure.email)  # fmt: skip
    return sent
