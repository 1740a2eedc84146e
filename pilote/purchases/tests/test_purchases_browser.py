"""A received e-invoice in a real browser: the assistant drops a Factur-X PDF and a file from an unknown
supplier, creates that supplier from the invoice; the accountant picks the expense account with the
account picker and gives the « bon à payer »; the phone layout keeps the decision reachable.
Run by `make test-browser` (Debian's Chromium)."""

import re

import pytest
from playwright.sync_api import expect

from pilote.purchases.models import SupplierInvoice
from pilote.purchases.tests import factories

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_received_invoice_checked_decided_and_posted(page, sign_in, buy, tmp_path, live_server):
    known = tmp_path / "FA-2026-0042.pdf"
    known.write_bytes(factories.facturx(factories.supplier_invoice()))
    stranger = factories.replace(
        factories.samples.SELLER, name="Fournitures Nouvelles", siren="732829320", siret="", vat_number="FR44732829320"
    )
    unknown = tmp_path / "NV-1.xml"
    unknown.write_bytes(factories.ubl(factories.supplier_invoice(number="NV-1", seller=stranger)))

    sign_in(page, "assistant")
    page.goto("/achats/factures/")
    page.get_by_role("link", name="Recevoir des factures").first.click()
    page.get_by_label(re.compile("Factures reçues")).set_input_files([known, unknown])
    page.get_by_role("button", name="Vérifier et enregistrer").click()
    expect(page.get_by_text("1 facture enregistrée")).to_be_visible()
    expect(page.get_by_text(re.compile("Fournisseur inconnu : « Fournitures Nouvelles »"))).to_be_visible()
    page.get_by_role("button", name=re.compile("Créer le fournisseur « Fournitures Nouvelles »")).click()
    expect(page.get_by_role("heading", name="Facture NV-1 de Fournitures Nouvelles")).to_be_visible()
    expect(page.get_by_text("204 — Prise en charge")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, "comptable")
    invoice = SupplierInvoice.objects.get(number="FA-2026-0042")
    page.goto(f"/achats/factures/{invoice.pk}/")
    boxes = page.get_by_label(re.compile("Compte de la ligne"))
    expect(boxes).to_have_count(invoice.lines.count())
    for index in range(invoice.lines.count()):
        boxes.nth(index).fill("604")
    page.get_by_role("button", name="Enregistrer les comptes").click()
    expect(page.get_by_text("Comptes enregistrés.")).to_be_visible()
    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="Bon à payer").click()
    expect(page.get_by_text("Facture « Bon à payer ».")).to_be_visible()
    expect(page.get_by_text("205 — Approuvée")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("AC n° 1"))).to_be_visible()
    invoice.refresh_from_db()
    assert invoice.entry is not None and invoice.entry.is_posted


def test_received_invoice_to_its_payment_reconciled(page, sign_in, buy, personas, tmp_path, live_server, screenshots):
    """From the supplier's Factur-X to its payment: the assistant receives it (matched with its order, a price
    difference blocks it), direction accepts the difference, the comptable gives the bon à payer, prepares and
    approves the payment run, downloads its pain.001 (valid against the XSD) and, the bank statement imported,
    reconciles its line from the run's page: the invoice is paid (211) and lettered."""
    import datetime as dt
    from decimal import Decimal as D

    from pilote.ledger import bank
    from pilote.ledger.demo import camt053
    from pilote.ledger.models import EntryLine, MatchedLine
    from pilote.ledger.models_bank import BankAccount
    from pilote.lib.dates import local_today
    from pilote.purchases import orders, payments
    from pilote.purchases.models import PaymentRun, PaymentRunStatus
    from pilote.sales.services import LineSpec

    supplier = buy["supplier"]
    supplier.iban, supplier.address_line1, supplier.postal_code = (
        "FR7630006000011234567890189",
        "12 rue des Tanneurs",
        "69002",
    )
    supplier.save()
    direction, assistant = personas["direction"], buy["assistant"]
    day = dt.date(2026, 11, 6)
    lines = [LineSpec(description="Fauteuil ergonomique", quantity=D(10), unit_price=D("180.00")),
             LineSpec(description="Montage et réglage", quantity=D(4), unit="h", unit_price=D("60.00"))]  # fmt: skip
    order = orders.create_order(actor=assistant, supplier=supplier, date=day, lines=lines,
                                expected_delivery=day + dt.timedelta(days=7))  # fmt: skip
    order = orders.approve_order(actor=direction, order=orders.submit_order(actor=assistant, order=order))
    order = orders.mark_order_sent(actor=assistant, order=order, to="ventes@atelier-pilote.example")
    everything = {line.pk: (line.quantity, D(0), "conform", "") for line in order.lines.all()}
    orders.record_receipt(actor=assistant, order=order, date=day + dt.timedelta(days=6), delivery_note="BL-501",
                          quantities=everything)  # fmt: skip
    invoiced = factories.samples.make_invoice(
        "FA-2026-0107",
        [factories.samples.line("1", "Fauteuil ergonomique", "10", "C62", "185.00"),
         factories.samples.line("2", "Montage et réglage", "4", "HUR", "60.00")],
        buyer=factories.US, issue_date=dt.date(2026, 11, 24), due_date=dt.date(2026, 12, 24),
        order_reference=order.number,
    )  # fmt: skip
    received = tmp_path / "FA-2026-0107.pdf"
    received.write_bytes(factories.facturx(invoiced))

    sign_in(page, "assistant")
    page.goto("/achats/factures/recevoir/")
    page.get_by_label(re.compile("Factures reçues")).set_input_files([received])
    page.get_by_role("button", name="Vérifier et enregistrer").click()
    expect(page.get_by_text("1 facture enregistrée")).to_be_visible()
    invoice = SupplierInvoice.objects.get(number="FA-2026-0107")
    assert invoice.order == order
    page.goto(f"/achats/factures/{invoice.pk}/")
    expect(page.get_by_text(re.compile("Écarts avec la commande " + order.number))).to_be_visible()
    page.screenshot(path=screenshots / "cycle-1-invoice-blocked-1280.png", full_page=True)

    page.context.clear_cookies()
    sign_in(page, "direction")
    page.goto(f"/achats/factures/{invoice.pk}/")
    page.get_by_label("Motif de l'acceptation").fill("Nouveau tarif du 1er novembre, accepté.")
    page.get_by_role("button", name="Accepter les écarts").click()
    expect(page.get_by_text(re.compile("Écarts acceptés par"))).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, "comptable")
    page.goto(f"/achats/factures/{invoice.pk}/")
    boxes = page.get_by_label(re.compile("Compte de la ligne"))
    boxes.nth(0).fill("6063")
    boxes.nth(1).fill("611")
    page.get_by_role("button", name="Enregistrer les comptes").click()
    expect(page.get_by_text("Comptes enregistrés.")).to_be_visible()
    page.get_by_role("button", name="Bon à payer").click()
    expect(page.get_by_text("205 — Approuvée")).to_be_visible()

    page.goto("/achats/virements/nouveau/")
    expect(page.get_by_label(re.compile("Atelier Pilote — n° FA-2026-0107"))).to_be_checked()
    page.get_by_role("button", name="Préparer le lot").click()
    expect(page.get_by_text("Lot de virements préparé")).to_be_visible()
    page.get_by_role("button", name="Approuver le lot").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Fichier SEPA (pain.001.001.09)").click()
    xml = download.value.path().read_bytes()
    assert payments.check_xsd(xml, "09") == [] and b"<Ustrd>Facture FA-2026-0107</Ustrd>" in xml

    run = PaymentRun.objects.get()
    account = BankAccount.objects.get()
    when = run.execution_date
    statement = camt053(account.iban, when, when, D("0.00"), D("-2508.00"),
                        [(when, D("-2508.00"), "VIR SEPA EMIS " + run.message_id, run.message_id)])  # fmt: skip
    bank.import_statement(actor=personas["comptable"], bank_account=account, data=statement, filename="releve.xml")
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_role("heading", name="Rapprocher du relevé bancaire")).to_be_visible()
    page.screenshot(path=screenshots / "cycle-2-run-to-reconcile-390.png", full_page=True)
    page.get_by_role("button", name="Rapprocher").click()
    expect(page.get_by_text("Lot rapproché du relevé bancaire")).to_be_visible()
    expect(page.get_by_text(re.compile("rapproché : ligne du"))).to_be_visible()
    page.screenshot(path=screenshots / "cycle-3-run-reconciled-390.png", full_page=True)
    page.get_by_role("link", name="FA-2026-0107").click()
    expect(page.get_by_text("211 — Paiement transmis")).to_be_visible()
    expect(page.get_by_role("link", name=f"Lot de virements {run.message_id}")).to_be_visible()  # one click back

    run.refresh_from_db()
    assert run.status == PaymentRunStatus.EXECUTED and run.entry.date == when >= local_today()
    supplier_lines = EntryLine.objects.filter(account__code="401", auxiliary__contact=supplier)
    assert MatchedLine.objects.filter(line__in=supplier_lines).count() == 2
