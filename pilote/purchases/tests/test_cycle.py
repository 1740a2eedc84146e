"""The purchase cycle, narrated: a need → the selection grid → a request for quotes to three suppliers → the
order above the assistant's limit, approved by direction → two partial receipts → the supplier's Factur-X
received with a price difference → the difference accepted → « bon à payer » and the AC entry → a payment run →
pain.001 valid against the ISO 20022 XSD → the bank statement line reconciled → 401 lettered; amounts, entries,
statuses and the supplier's scorecard asserted."""

import datetime as dt
from decimal import Decimal as D

import pytest
from lxml import etree

from pilote.contacts import services as contacts
from pilote.core.exceptions import DomainError
from pilote.ledger import bank, verify
from pilote.ledger.demo import camt053
from pilote.ledger.models import EntryLine, MatchedLine
from pilote.ledger.models_bank import BankAccount
from pilote.purchases import matching, orders, payments, rfq, scorecard, selection, services
from pilote.purchases.models import PaymentRunStatus, PurchaseOrderStatus, SupplierInvoiceStatus
from pilote.purchases.queries import scorecard as scorecard_queries
from pilote.purchases.tests import factories
from pilote.sales.tests import einvoice_samples as samples
from pilote.sales.tests.test_cycle import lines_of

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
IBAN = "FR7630006000011234567890189"  # the IBAN the sample invoices print (seller_iban)


@pytest.fixture
def cycle(buy, personas):
    supplier = buy["supplier"]  # Atelier Pilote, SIREN 123 456 782: the seller of the sample e-invoices
    supplier.iban, supplier.address_line1, supplier.postal_code = IBAN, "12 rue des Tanneurs", "69002"
    supplier.save()
    others = [
        contacts.create_contact(actor=personas["assistant"], kind="organisation", name=name, is_supplier=True,
                                city="Lyon", email=f"ventes@{slug}.example")
        for name, slug in (("Sièges du Rhône", "sieges-rhone"), ("Bureau Confort", "bureau-confort"))
    ]  # fmt: skip
    return buy | {"direction": personas["direction"], "suppliers": [supplier, *others]}


def test_need_to_lettered_payment(cycle):
    assistant, accountant, direction = cycle["assistant"], cycle["accountant"], cycle["direction"]
    atelier, sieges, confort = cycle["suppliers"]

    # 1. The need and its selection file: three candidates on the weighted grid (price 40, quality 25, delay 15,
    #    after-sales 10, CSR 10); Atelier Pilote ranks first, chosen with a justification.
    need = selection.create_file(actor=assistant, title="Fauteuils du plateau commercial", date=dt.date(2026, 11, 2),
                                 criteria=selection.DEFAULT_CRITERIA, suppliers=[atelier, sieges, confort])  # fmt: skip
    assert need.number == "DS-2026-0001"
    candidates = {c.supplier_id: c.pk for c in need.candidates.all()}
    criteria = list(need.criteria.order_by("position").values_list("pk", flat=True))
    grid = {atelier.pk: (4, 5, 4, 4, 3), sieges.pk: (5, 3, 3, 2, 2), confort.pk: (3, 4, 2, 3, 4)}
    scores = {(candidates[s], k): v for s, row in grid.items() for k, v in zip(criteria, row, strict=True)}
    need = selection.set_scores(actor=assistant, file=need, scores=scores)
    ranked = selection.ranking(need)
    assert [r.candidate for r in ranked][0] == candidates[atelier.pk]
    assert [r.score for r in ranked] == [D("4.15"), D("3.60"), D("3.20")]  # (40×4 + 25×5 + 15×4 + 10×4 + 10×3) / 100

    # 2. A request for quotes to the three candidates, linked to the file; two answer in full, one in part.
    asked = rfq.create_request(
        actor=assistant, title="Fauteuils du plateau commercial", date=dt.date(2026, 11, 3),
        lines=[rfq.RequestedLine("Fauteuil ergonomique", D(10)), rfq.RequestedLine("Montage et réglage", D(4), "h")],
        suppliers=[atelier, sieges, confort], reply_by=dt.date(2026, 11, 10),
    )  # fmt: skip
    need = selection.link_request(actor=assistant, file=need, request=asked)
    chair, assembly = asked.lines.order_by("position")
    answers = {answer.supplier_id: answer for answer in asked.answers.all()}
    for supplier in (atelier, sieges, confort):
        rfq.mark_sent(actor=assistant, answer=answers[supplier.pk], to=supplier.email or "achats@example.fr")
    on = dt.date(2026, 11, 5)
    rfq.record_answer(actor=assistant, answer=answers[atelier.pk], answered_on=on, delay_days=7, reference="DV-88",
                      prices={chair.pk: (D("180.00"), "20.00"), assembly.pk: (D("60.00"), "20.00")})  # fmt: skip
    rfq.record_answer(actor=assistant, answer=answers[sieges.pk], answered_on=on, delay_days=15,
                      prices={chair.pk: (D("175.00"), "20.00"), assembly.pk: (None, "20.00")})  # fmt: skip
    rfq.record_answer(actor=assistant, answer=answers[confort.pk], answered_on=on, delay_days=10,
                      prices={chair.pk: (D("195.00"), "20.00"), assembly.pk: (D("55.00"), "20.00")})  # fmt: skip
    table = rfq.comparison(asked)
    assert table["cheapest"].supplier_id == atelier.pk and table["cheapest"].total_net == D("2040.00")
    best = [[cell.best for cell in row["cells"]] for row in table["rows"]]
    assert best == [[False, True, False], [False, False, True]]  # 175 € the chair, 55 € the hour
    order = rfq.choose_answer(actor=assistant, answer=answers[atelier.pk], date=dt.date(2026, 11, 6),
                              reason="Seule offre complète et la moins chère")  # fmt: skip
    selection.decide(actor=assistant, file=need, candidate=need.candidates.get(supplier=atelier),
                     justification="Meilleure note pondérée et offre complète la moins chère.")  # fmt: skip
    assert order.number == "BC-2026-0001" and order.total_net == D("2040.00") and order.total_gross == D("2448.00")
    assert order.expected_delivery == dt.date(2026, 11, 13)

    # 3. 2 040 € HT is above the assistant's 1 500 € limit: the order waits for direction, cannot be sent before.
    order = orders.submit_order(actor=assistant, order=order)
    assert order.status == PurchaseOrderStatus.TO_APPROVE
    with pytest.raises(DomainError):
        orders.mark_order_sent(actor=assistant, order=order, to=atelier.email)
    with pytest.raises(DomainError, match="Votre seuil d'approbation .* approuvée par : Direction"):
        orders.approve_order(actor=assistant, order=order)
    order = orders.approve_order(actor=direction, order=order)
    assert order.status == PurchaseOrderStatus.APPROVED and order.approved_by == direction
    order = orders.mark_order_sent(actor=assistant, order=order, to="ventes@atelier-pilote.example")

    # 4. Two partial receipts: 6 chairs on the 12th (one more refused, damaged), then 4 chairs and the 4 hours.
    chair_line, assembly_line = order.lines.order_by("position")
    first = orders.record_receipt(actor=assistant, order=order, date=dt.date(2026, 11, 12), delivery_note="BL-501",
                                  quantities={chair_line.pk: (D(6), D(1), "damaged", "Accoudoir cassé")})  # fmt: skip
    order.refresh_from_db()
    assert first.number == "BR-2026-0001" and order.status == PurchaseOrderStatus.PARTIAL
    with pytest.raises(DomainError):  # 6 + 5 > 10: over-receipt refused unless confirmed
        orders.record_receipt(actor=assistant, order=order, date=dt.date(2026, 11, 18),
                              quantities={chair_line.pk: (D(5), D(0), "conform", "")})  # fmt: skip
    orders.record_receipt(actor=assistant, order=order, date=dt.date(2026, 11, 18), delivery_note="BL-517",
                          quantities={chair_line.pk: (D(4), D(0), "conform", ""),
                                      assembly_line.pk: (D(4), D(0), "conform", "")})  # fmt: skip
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.RECEIVED

    # 5. The supplier's Factur-X (EN 16931) arrives, its order reference BT-13 = our order: the chairs invoiced
    #    at 185 € instead of 180 € (+2,78 %, beyond the 1 % tolerance) — the bon à payer is blocked.
    invoiced = samples.make_invoice(
        "FA-2026-0107",
        [samples.line("1", "Fauteuil ergonomique", "10", "C62", "185.00"),
         samples.line("2", "Montage et réglage", "4", "HUR", "60.00")],
        buyer=factories.US, issue_date=dt.date(2026, 11, 24), due_date=dt.date(2026, 12, 24),
        order_reference=order.number,
    )  # fmt: skip
    invoice = services.receive_einvoice(
        actor=assistant, content=factories.facturx(invoiced), filename="FA-2026-0107.pdf"
    )
    assert invoice.supplier == atelier and invoice.order == order and invoice.source == "factur-x"
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (D("2090.00"), D("418.00"), D("2508.00"))
    assert invoice.status == SupplierInvoiceStatus.RECEIVED and invoice.lifecycle[0] == "204"
    result = matching.compare(invoice)
    assert not result.is_clean and any("185,00" in problem for problem in result.problems)
    services.set_line_accounts(actor=accountant, invoice=invoice,
                               accounts={line.pk: "6063" if line.position == 1 else "611"
                                         for line in invoice.lines.all()})  # fmt: skip
    with pytest.raises(DomainError, match="écart"):
        services.approve_invoice(actor=accountant, invoice=invoice)
    with pytest.raises(DomainError, match="Seule la direction"):
        matching.accept_differences(actor=accountant, invoice=invoice, reason="Hausse annoncée")

    # 6. Direction accepts it (the supplier's price list rose on 1 November); the comptable's bon à payer posts the
    #    AC entry: 401 of the supplier at the total, the expense accounts at their nets, deductible VAT on 44566.
    matching.accept_differences(actor=direction, invoice=invoice, reason="Nouveau tarif du 1er novembre, accepté.")
    invoice = services.approve_invoice(actor=accountant, invoice=invoice)
    assert invoice.status == SupplierInvoiceStatus.APPROVED and invoice.lifecycle[0] == "205"
    aux = invoice.entry.lines.get(account__code="401").auxiliary.code
    assert invoice.entry.journal.code == "AC" and lines_of(invoice.entry) == {
        ("401", aux): D("-2508.00"),
        ("6063", ""): D("1850.00"),
        ("611", ""): D("240.00"),
        ("44566", ""): D("418.00"),
    }
    assert invoice.entry.lines.get(account__code="44566").vat_base == D("2090.00")

    # 7. The payment run: chosen among the approved invoices due by the 24th, approved, its pain.001.001.09 valid
    #    against the official XSD: one transfer of 2 508 € to the IBAN of the supplier's record.
    bank_account = BankAccount.objects.get()
    assert list(payments.payable_invoices(due_by=dt.date(2026, 12, 24))) == [invoice]
    run = payments.create_run(actor=accountant, bank_account=bank_account, execution_date=dt.date(2026, 12, 10),
                              invoices=[invoice], today=dt.date(2026, 12, 8))  # fmt: skip
    run = payments.approve_run(actor=accountant, run=run)
    xml = payments.sepa_file(run, "09")
    assert payments.check_xsd(xml, "09") == [] and payments.check_xsd(payments.sepa_file(run, "03"), "03") == []
    doc = etree.fromstring(xml)
    assert D(doc.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS)) == D("2508.00")
    assert doc.findtext(".//p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == IBAN
    assert doc.findtext(".//p:RmtInf/p:Ustrd", namespaces=NS) == "Facture FA-2026-0107"

    # 8. The bank's statement of 10 December shows the debit: reconciling it from the run's page executes the run
    #    on that date (bank entry 401 / 512), reconciles the bank line and letters the invoice with its payment.
    statement = camt053(
        bank_account.iban,
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 31),
        D("0.00"),
        D("-2508.00"),
        [(dt.date(2026, 12, 10), D("-2508.00"), "VIR SEPA EMIS LOT " + run.message_id, run.message_id)],
    )
    bank.import_statement(actor=accountant, bank_account=bank_account, data=statement, filename="releve-12.xml")
    (line,) = payments.statement_candidates(run)
    run = payments.reconcile_with_statement(actor=accountant, run=run, statement_line=line)
    assert run.status == PaymentRunStatus.EXECUTED and run.entry.date == dt.date(2026, 12, 10)
    assert lines_of(run.entry) == {("401", aux): D("2508.00"), (bank_account.account.code, ""): D("-2508.00")}
    line.refresh_from_db()
    assert line.entry_line.entry == run.entry and payments.statement_line_of(run) == line
    assert payments.statement_candidates(run) == []
    invoice.refresh_from_db()
    assert invoice.status == SupplierInvoiceStatus.PAID and invoice.lifecycle == ("211", "Paiement transmis")
    supplier_lines = EntryLine.objects.filter(account__code="401", auxiliary__code=aux)
    matched = MatchedLine.objects.filter(line__in=supplier_lines)
    assert matched.count() == 2 and len({m.matching_id for m in matched}) == 1
    assert sum((x.credit - x.debit for x in supplier_lines), D(0)) == D(0)
    assert not any(verify.verify_all().values())

    # 9. The supplier's scorecard remembers it: receipts on time (the 12th and 18th for the 13th promised: one
    #    late), one receipt line refused, prices 2,45 % above the order, one invoice accepted with a difference.
    facts = scorecard_queries.collect(dt.date(2026, 10, 1), dt.date(2026, 12, 31), supplier=atelier)[atelier.pk]
    assert (facts.receipts_promised, facts.receipts_on_time, facts.days_late) == (2, 1, 5)
    assert (facts.receipt_lines, facts.lines_conform) == (3, 2)
    assert (facts.ordered_amount, facts.invoiced_amount) == (D("2040.00"), D("2090.00"))
    assert (facts.invoices, facts.disputed_invoices) == (1, 1)
    score = scorecard.score(facts)
    assert score.rates["price"] == D("2.45")
