"""Demo purchases: a selection file for a need (three candidates scored on the weighted grid, one chosen with its
justification) and its request for quotes to the three suppliers, compared, the complete answer ordered; quarterly
ratings of those suppliers; purchase orders in their states (drafts, one waiting for direction's approval, one
partly received with a refused item, two received), then supplier e-invoices received this month, as a platform would
deliver them — a Factur-X PDF, a UBL 2.1 and a CII XML, each written by a real generator (Pilote's own Factur-X
writer; the factur-x library's UBL writer) — decided through the services: one « bon à payer » and posted, one
matched with its order and received goods and waiting for its decision, one invoicing more hours than were
received, blocked by the three-way match and in dispute. Dated in the current month, which no VAT return covers yet.

Before that, from the first month whose bank statement the demo imports, the ledger demo's own supplier invoices
(rent, energy, telecom, goods restocked at each month end…) go through these services instead of being posted
directly (`book_supplier_invoice`, registered in `ledger.hooks.supplier_invoice_handlers`): goods and services are
ordered, received and invoiced against the order, the others invoiced without order; each « bon à payer » posts its AC
entry, and the invoices due on a day are paid by one payment run, approved and executed, whose bank line the
imported statement then reconciles. One telecom invoice was given terms beyond the legal limit (C. com. L441-10)
and paid at them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pilote.catalog.models import VatRate
from pilote.contacts.demo import SUPPLIERS
from pilote.contacts.models import Contact
from pilote.core.demo import DEMO_TODAY
from pilote.core.models import Structure
from pilote.ledger import demo as ledger_demo
from pilote.ledger.models_bank import BankAccount
from pilote.lib.dates import add_months
from pilote.lib.money import ZERO, round_eur
from pilote.purchases import evaluation, orders, payments, rfq, selection, services
from pilote.purchases.models import PurchaseOrderStatus
from pilote.sales import einvoice, totals
from pilote.sales.facturx_pdf import render_invoice_pdf
from pilote.sales.services import LineSpec

D = Decimal


def _party(contact_or_structure, *, name: str) -> einvoice.Party:
    item = contact_or_structure
    return einvoice.Party(
        name=name,
        address_line1=item.address_line1 or "1 rue de la Gare",
        postal_code=item.postal_code or "69003",
        city=item.city or "Lyon",
        siren=item.siren,
        siret=item.siret,
        vat_number=item.vat_number,
        email=item.email,
    )


def _document(
    supplier: Contact, number: str, day: dt.date, lines: list[tuple[str, str, str, str, str]], order_reference=""
):
    """An e-invoice description from `supplier` to the demo structure; lines are (name, qty, unit, price, rate)."""
    structure = Structure.objects.get()
    items = [
        einvoice.LineData(
            line_id=str(position),
            name=name,
            quantity=D(quantity),
            unit_code=unit,
            unit_price=D(price),
            net_amount=round_eur(D(quantity) * D(price)),
            vat_category="S",
            vat_rate=D(rate),
        )
        for position, (name, quantity, unit, price, rate) in enumerate(lines, start=1)
    ]
    result = totals.compute_totals(totals.PricedLine(item.net_amount, item.vat_rate) for item in items)
    breakdown = tuple(einvoice.VatBreakdown(g.category, g.rate, g.base, g.amount) for g in result.groups)
    return einvoice.InvoiceData(
        number=number,
        type_code="380",
        issue_date=day,
        seller=_party(supplier, name=supplier.name),
        buyer=_party(structure, name=structure.legal_name),
        lines=tuple(items),
        vat_breakdown=breakdown,
        total_net=result.net,
        total_vat=result.vat,
        total_gross=result.gross,
        amount_due=result.gross,
        due_date=day + dt.timedelta(days=30),
        payment_terms="Paiement à 30 jours date de facture, par virement.",
        order_reference=order_reference,
        notes=(einvoice.Note("PMT", "Indemnité forfaitaire pour frais de recouvrement : 40 €."),),
    )


def _ubl(data: einvoice.InvoiceData) -> bytes:
    import facturx  # here: factur-x pulls pypdf and requests, which no other command needs at start-up

    return facturx.generate_ubl_xml(facturx.parse_ubl_cii_xml(einvoice.build_cii_xml(data)), check_schematron=False)


def _order(actor, supplier: Contact, day: dt.date, lines: list[tuple[str, str, str, str]], *, receive=None, note=""):
    """An order submitted (approved at once within the requester's limit), sent, then received: `receive` maps a
    line's position to (accepted, refused, reason); None leaves it unreceived, {} receives everything."""
    specs = [
        LineSpec(description=name, quantity=D(qty), unit=unit, unit_price=D(price)) for name, qty, unit, price in lines
    ]
    order = orders.create_order(actor=actor, supplier=supplier, date=day, lines=specs, notes=note,
                                expected_delivery=day + dt.timedelta(days=3))  # fmt: skip
    order = orders.submit_order(actor=actor, order=order)
    if receive is None or order.status != "approved":
        return order
    order = orders.mark_order_sent(actor=actor, order=order, to=supplier.email)
    quantities = {}
    for line in order.lines.all():
        accepted, refused, reason = receive.get(line.position, (line.quantity, ZERO, ""))
        quantities[line.pk] = (D(accepted), D(refused), "damaged" if refused else "conform", reason)
    orders.record_receipt(actor=actor, order=order, date=day, quantities=quantities, delivery_note=f"BL-{order.pk:04d}")
    return order


def load_orders(users, day: dt.date) -> dict:
    assistant, commercial = users["assistant"], users["commercial"]
    supplier = {role: Contact.objects.get(name=SUPPLIERS[role]) for role in SUPPLIERS}
    stationery = _order(assistant, supplier["stationery"], day,
                        [("Ramettes papier A4 80 g (carton de 5)", "40", "u", "21.50"),
                         ("Enveloppes C5 (boîte de 500)", "6", "u", "18.40")], receive={})  # fmt: skip
    servicing = _order(assistant, supplier["subcontractor"], day,
                       [("Maintenance de copieurs chez vos clients", "4", "h", "65.00"),
                        ("Déplacements", "2", "u", "35.00")], receive={})  # fmt: skip
    _order(commercial, supplier["computers"], day, [("Imprimante laser couleur A4", "4", "u", "310.00")],
           receive={1: ("2", "1", "Carton enfoncé, capot fissuré : reprise par le transporteur")})  # fmt: skip
    _order(assistant, supplier["furniture"], day,
           [("Bureau assis-debout 160 × 80", "3", "u", "640.00"), ("Fauteuil ergonomique", "2", "u", "289.00")],
           note="Aménagement du nouveau poste d'accueil.")  # fmt: skip
    toner = LineSpec(description="Toner noir pour copieur", quantity=D(10), unit_price=D("42"))
    orders.create_order(actor=assistant, supplier=supplier["copiers"], date=day, lines=[toner])
    _request_for_quotes(assistant, [supplier[role] for role in ("furniture", "stationery", "computers")], day)
    return {"stationery": stationery.number, "servicing": servicing.number}


def _request_for_quotes(actor, consulted: list[Contact], day: dt.date) -> None:
    """Meeting-room chairs and a table asked to three suppliers: two answer, the complete one is ordered."""
    lines = [
        rfq.RequestedLine("Chaise de réunion empilable", D(12)),
        rfq.RequestedLine("Table de réunion 240 × 120", D(1)),
    ]
    described = "Douze chaises empilables et une table pour la salle du 1er étage."
    need = selection.create_file(
        actor=actor, title="Équipement de la salle de réunion", date=day, criteria=selection.DEFAULT_CRITERIA,
        suppliers=consulted, description=described,
    )  # fmt: skip
    candidates = {c.supplier_id: c.pk for c in need.candidates.all()}
    criteria = list(need.criteria.order_by("position").values_list("pk", flat=True))
    grid = {consulted[0].pk: (4, 5, 3, 5, 4), consulted[1].pk: (5, 3, 5, 2, 3), consulted[2].pk: (3, 3, 4, 3, 2)}
    scores = {(candidates[s], k): v for s, row in grid.items() for k, v in zip(criteria, row, strict=True)}
    need = selection.set_scores(actor=actor, file=need, scores=scores)
    asked = rfq.create_request(actor=actor, title="Équipement de la salle de réunion", date=day, lines=lines,
                               suppliers=consulted, reply_by=day + dt.timedelta(days=7))  # fmt: skip
    need = selection.link_request(actor=actor, file=need, request=asked)
    chairs, table = asked.lines.order_by("position")
    answers = {answer.supplier_id: answer for answer in asked.answers.all()}
    for supplier in consulted:
        rfq.mark_sent(actor=actor, answer=answers[supplier.pk], to=supplier.email)
    furniture, stationery = answers[consulted[0].pk], answers[consulted[1].pk]
    rfq.record_answer(actor=actor, answer=furniture, answered_on=day, delay_days=10, reference="DV-2231",
                      conditions="Franco de port, paiement à 30 jours.",
                      prices={chairs.pk: (D("79.00"), "20.00"), table.pk: (D("890.00"), "20.00")})  # fmt: skip
    rfq.record_answer(actor=actor, answer=stationery, answered_on=day, delay_days=5, conditions="Port 45 € HT.",
                      prices={chairs.pk: (D("72.50"), "20.00"), table.pk: (None, "20.00")})  # fmt: skip
    rfq.choose_answer(actor=actor, answer=furniture, reason="Seule offre complète ; chaises garanties 5 ans.")
    chosen = need.candidates.get(supplier=consulted[0])
    reason = "Meilleure note pondérée (qualité, après-vente) et seule offre complète."
    selection.decide(actor=actor, file=need, candidate=chosen, justification=reason)
    for supplier, ratings in ((consulted[0], (4, 5)), (consulted[1], (3, 2)), (consulted[2], (3,))):
        for months_ago, score in enumerate(reversed(ratings)):
            evaluation.rate_supplier(actor=actor, supplier=supplier, score=score,
                                     rated_on=day - dt.timedelta(days=91 * months_ago),
                                     comment="Revue trimestrielle des fournisseurs")  # fmt: skip


def load(rng, users) -> None:
    assistant, accountant = users["assistant"], users["comptable"]
    suppliers = {role: Contact.objects.get(name=SUPPLIERS[role]) for role in ("telecom", "stationery", "subcontractor")}
    first_day = DEMO_TODAY.replace(day=1)
    stamp = f"{DEMO_TODAY:%y%m}"
    ordered = load_orders(users, first_day)

    telecom = _document(
        suppliers["telecom"], f"TSP-{stamp}-0412", DEMO_TODAY,
        [("Forfait mobiles professionnels (18 lignes)", "18", "C62", "14.90", "20.00"),
         ("Fibre entreprise 1 Gb/s", "1", "MON", "89.00", "20.00")],
    )  # fmt: skip
    received = services.receive_einvoice(
        actor=assistant, content=render_invoice_pdf(telecom), filename=f"{telecom.number}.pdf",
        supplier=suppliers["telecom"],
    )  # fmt: skip
    services.set_line_accounts(
        actor=accountant, invoice=received, accounts={line.pk: "626" for line in received.lines.all()}
    )
    services.approve_invoice(actor=accountant, invoice=received)

    stationery = _document(
        suppliers["stationery"], f"PD{stamp}-118", max(first_day, DEMO_TODAY - dt.timedelta(days=1)),
        [("Ramettes papier A4 80 g (carton de 5)", "40", "C62", "21.50", "20.00"),
         ("Enveloppes C5 (boîte de 500)", "6", "C62", "18.40", "20.00")], ordered["stationery"],
    )  # fmt: skip
    services.receive_einvoice(
        actor=assistant, content=_ubl(stationery), filename=f"{stationery.number}.xml", supplier=suppliers["stationery"]
    )

    servicing = _document(
        suppliers["subcontractor"], f"MTR-{stamp}-07", max(first_day, DEMO_TODAY - dt.timedelta(days=2)),
        [("Maintenance de copieurs chez vos clients", "6", "HUR", "65.00", "20.00"),
         ("Déplacements", "2", "C62", "35.00", "20.00")], ordered["servicing"],
    )  # fmt: skip
    disputed = services.receive_einvoice(
        actor=assistant, content=einvoice.build_cii_xml(servicing), filename=f"{servicing.number}.xml",
        supplier=suppliers["subcontractor"],
    )  # fmt: skip
    services.dispute_invoice(
        actor=accountant, invoice=disputed, reason="6 heures facturées pour 4 heures d'intervention signées."
    )


# --- the ledger demo's supplier invoices, through the purchase cycle ------------------------------------------------

ORDERED_ACCOUNTS = ("607", "6064", "611", "2182", "2183")  # goods, supplies, subcontracting, equipment: ordered first
DESIGNATIONS = {
    "607": "Marchandises pour la revente (réassort)",
    "6064": "Fournitures de bureau",
    "611": "Maintenance de copieurs sous-traitée",
    "6132": "Loyer des bureaux et de l'entrepôt",
    "6061": "Électricité et gaz",
    "626": "Forfaits mobiles et fibre",
    "6155": "Nettoyage des locaux",
    "6226": "Honoraires d'expertise comptable",
    "616": "Prime d'assurance multirisque",
    "6242": "Transports sur ventes (livraisons aux clients)",
    "2182": "Véhicule utilitaire",
    "2183": "Matériel de bureau",
}
INSURANCE_EXEMPTION = "Exonération de TVA, article 261 C du CGI"  # insurance operations (CGI art. 261 C, 2°)
LATE_ROLE, LATE_DAYS = "telecom", 80  # its first invoice handed over: terms beyond L441-10, paid at them


def book_supplier_invoice(invoice: ledger_demo.DemoSupplierInvoice, users: dict) -> list | None:
    """The purchase cycle's dated actions for one of the ledger demo's supplier invoices, from the first statement
    month on (None before: the ledger posts it). The invoice falls due on the day the ledger would have paid it; the
    invoices due on a day are paid by one run that day (a later day than the demo's today: still to pay)."""
    start = ledger_demo.statements_start()
    if invoice.day < start:
        return None
    due = invoice.paid or invoice.day + dt.timedelta(days=30)
    late = invoice.role == LATE_ROLE and invoice.day < add_months(start, 1)
    if late:
        due = invoice.day + dt.timedelta(days=LATE_DAYS)
    return [(invoice.day, lambda: _invoiced(invoice, users, due, late)), (due, lambda: pay_due(due, users))]


def _invoiced(invoice: ledger_demo.DemoSupplierInvoice, users: dict, due: dt.date, late: bool) -> None:
    what = DESIGNATIONS[invoice.account]
    if not invoice.account.startswith("2"):
        what = f"{what} — {invoice.day:%m/%Y}"
    rate = f"{invoice.rate:.2f}" if invoice.rate else VatRate.EXEMPT
    line = LineSpec(description=what, quantity=D(1), unit_price=invoice.net, vat_rate=rate,
                    exemption_mention="" if invoice.rate else INSURANCE_EXEMPTION)  # fmt: skip
    order = None
    if invoice.account.startswith(ORDERED_ACCOUNTS):
        order = _received_order(users, invoice.supplier, invoice.day - dt.timedelta(days=7), line)
        line.extra = {"source_pk": order.lines.get().pk}
    line.account = invoice.account
    note = "Échéance convenue au-delà du délai légal (art. L441-10 du code de commerce)." if late else ""
    typed = services.create_typed_invoice(
        actor=users["assistant"], supplier=invoice.supplier, number=invoice.ref, date=invoice.day, lines=[line],
        due_date=due, order=order, notes=note,
    )  # fmt: skip
    services.approve_invoice(actor=users["comptable"], invoice=typed)


def _received_order(users: dict, supplier: Contact, day: dt.date, line: LineSpec):
    """Ordered by the assistant (direction approves above the assistant's limit), sent, received in full on time."""
    order = orders.create_order(actor=users["assistant"], supplier=supplier, date=day, lines=[line],
                                expected_delivery=day + dt.timedelta(days=5))  # fmt: skip
    order = orders.submit_order(actor=users["assistant"], order=order)
    if order.status == PurchaseOrderStatus.TO_APPROVE:
        order = orders.approve_order(actor=users["direction"], order=order)
    order = orders.mark_order_sent(actor=users["assistant"], order=order, to=supplier.email)
    received = {item.pk: (item.quantity, ZERO, "conform", "") for item in order.lines.all()}
    orders.record_receipt(actor=users["assistant"], order=order, date=day + dt.timedelta(days=5),
                          quantities=received, delivery_note=f"BL-{order.number}")  # fmt: skip
    return order


def pay_due(day: dt.date, users: dict) -> None:
    """The approved invoices due by `day` paid by one SEPA run: prepared by the comptable, approved by direction,
    executed the same day (the bank entry posted, each invoice lettered). Nothing when none is due."""
    due = list(payments.payable_invoices(due_by=day))
    if not due:
        return
    bank = BankAccount.objects.get(journal__code="BQ")
    run = payments.create_run(actor=users["comptable"], bank_account=bank, execution_date=day, invoices=due, today=day)
    run = payments.approve_run(actor=users["direction"], run=run)
    payments.execute_run(actor=users["comptable"], run=run, on=day)
