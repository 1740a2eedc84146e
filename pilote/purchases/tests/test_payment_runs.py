"""Supplier payment runs: chosen from approved invoices, approved, exported as SEPA pain.001 files that pass
the official ISO 20022 XSD (.09 and .03), executed: bank entry posted and each invoice lettered."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.urls import reverse
from lxml import etree

from pilote.core.exceptions import DomainError
from pilote.ledger.models import EntryLine, MatchedLine
from pilote.ledger.models_bank import BankAccount
from pilote.lib.dates import local_today
from pilote.purchases import payments, services
from pilote.purchases.models import PaymentRun, PaymentRunStatus, SupplierInvoiceStatus
from pilote.purchases.tests import factories

D = Decimal
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}


def approved(buy, data, supplier=None):
    invoice = services.receive_einvoice(actor=buy["assistant"], content=factories.cii(data), filename="f.xml",
                                        supplier=supplier)  # fmt: skip
    services.set_line_accounts(
        actor=buy["accountant"], invoice=invoice, accounts={line.pk: "604" for line in invoice.lines.all()}
    )
    return services.approve_invoice(actor=buy["accountant"], invoice=invoice)


@pytest.fixture
def run_ready(buy):
    supplier = buy["supplier"]
    supplier.iban, supplier.address_line1, supplier.postal_code = (
        "FR7630006000011234567890189",  # the IBAN the sample invoices print
        "12 rue des Tanneurs",
        "69002",
    )
    supplier.save()
    first = approved(buy, factories.supplier_invoice())
    second = approved(buy, factories.supplier_invoice(number="FA-2026-0043"))
    bank = BankAccount.objects.get()
    return buy | {"invoices": [first, second], "bank": bank}


def test_a_run_is_approved_exported_xsd_valid_and_executed(run_ready):
    ctx = run_ready
    first, second = ctx["invoices"]
    day = local_today() + dt.timedelta(days=2)
    run = payments.create_run(
        actor=ctx["accountant"], bank_account=ctx["bank"], execution_date=day, invoices=[first, second]
    )
    assert run.total == first.payable + second.payable and run.items.count() == 2
    with pytest.raises(DomainError, match="une fois le lot approuvé"):
        payments.sepa_file(run)
    run = payments.approve_run(actor=ctx["accountant"], run=run)
    xml = payments.sepa_file(run, "09")
    assert payments.check_xsd(xml, "09") == []
    doc = etree.fromstring(xml)
    assert doc.findtext(".//p:GrpHdr/p:MsgId", namespaces=NS) == run.message_id
    assert doc.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert D(doc.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS)) == run.total
    assert doc.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == "FR7630006000011234567890189"
    remittances = [node.text for node in doc.iterfind(".//p:RmtInf/p:Ustrd", namespaces=NS)]
    assert remittances == ["Facture FA-2026-0042", "Facture FA-2026-0043"]
    creditor = doc.find(".//p:CdtTrfTxInf/p:Cdtr", namespaces=NS)
    assert creditor.findtext("p:PstlAdr/p:TwnNm", namespaces=NS) == "Lyon"  # structured address (EPC, 15/11/2026)
    assert creditor.findtext("p:PstlAdr/p:StrtNm", namespaces=NS) == "12 rue des Tanneurs"
    assert payments.check_xsd(payments.sepa_file(run, "03"), "03") == []

    run = payments.execute_run(actor=ctx["accountant"], run=run, on=day)
    assert run.status == PaymentRunStatus.EXECUTED and run.entry.journal == ctx["bank"].journal
    lines = EntryLine.objects.filter(entry=run.entry).select_related("account")
    assert sorted((line.account.code, line.debit, line.credit) for line in lines) == sorted(
        [("401", first.payable, D("0")), ("401", second.payable, D("0")), (ctx["bank"].account.code, D("0"), run.total)]
    )
    for invoice in (first, second):
        invoice.refresh_from_db()
        assert invoice.status == SupplierInvoiceStatus.PAID and invoice.lifecycle == ("211", "Paiement transmis")
        supplier_lines = EntryLine.objects.filter(account__code="401", reference=invoice.number)
        assert MatchedLine.objects.filter(line__in=supplier_lines, matching__is_partial=False).count() == 2
    with pytest.raises(DomainError, match="n'est plus à payer"):
        payments.create_run(actor=ctx["accountant"], bank_account=ctx["bank"], execution_date=day, invoices=[first])


def test_the_xsd_check_names_what_is_wrong():
    broken = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"><CstmrCdtTrfInitn/></Document>'
    problems = payments.check_xsd(broken, "09")
    assert problems and "GrpHdr" in problems[0]


def test_only_the_iban_on_file_is_paid(buy):
    invoice = approved(buy, factories.supplier_invoice())  # prints FR76 3000 6000 0112 3456 7890 189
    bank = BankAccount.objects.get()
    with pytest.raises(DomainError, match="IBAN inconnu pour : Atelier Pilote"):
        payments.create_run(
            actor=buy["accountant"], bank_account=bank, execution_date=local_today(), invoices=[invoice]
        )
    buy["supplier"].iban = "FR7630001007941234567890185"
    buy["supplier"].save()
    with pytest.raises(DomainError, match="indique l'IBAN FR7630006000011234567890189, différent de celui de la fiche"):
        payments.create_run(
            actor=buy["accountant"], bank_account=bank, execution_date=local_today(), invoices=[invoice]
        )


def test_an_invoice_in_a_live_run_cannot_join_another(run_ready):
    ctx = run_ready
    first = ctx["invoices"][0]
    payments.create_run(
        actor=ctx["accountant"], bank_account=ctx["bank"], execution_date=local_today(), invoices=[first]
    )
    assert first not in payments.payable_invoices()
    with pytest.raises(DomainError, match="n'est plus à payer"):
        payments.create_run(
            actor=ctx["accountant"], bank_account=ctx["bank"], execution_date=local_today(), invoices=[first]
        )


def test_pages_and_command_from_choice_to_execution(run_ready, client_as, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.urls import reverse

    ctx = run_ready
    accountant = client_as("comptable")
    page = accountant.get(reverse("purchases:run-create")).content.decode()
    assert "FA-2026-0042" in page and "FA-2026-0043" in page
    day = local_today() + dt.timedelta(days=1)
    response = accountant.post(
        reverse("purchases:run-create"),
        {
            "bank_account": ctx["bank"].pk,
            "execution_date": day.isoformat(),
            "invoices": [i.pk for i in ctx["invoices"]],
        },
    )
    run = payments.PaymentRun.objects.get()
    assert response.status_code == 302 and run.items.count() == 2
    with pytest.raises(CommandError, match="une fois le lot approuvé"):
        call_command("export_payment_run", str(run.pk), "--output", str(tmp_path / "x.xml"))
    accountant.post(reverse("purchases:run-action", args=[run.pk]), {"action": "approve", "version": run.version})
    out = tmp_path / "virements.xml"
    call_command("export_payment_run", str(run.pk), "--output", str(out))
    assert payments.check_xsd(out.read_bytes(), "09") == []
    download = accountant.get(reverse("purchases:run-file", args=[run.pk]), {"version": "03"})
    assert payments.check_xsd(download.content, "03") == []
    run.refresh_from_db()
    accountant.post(reverse("purchases:run-action", args=[run.pk]), {"action": "execute", "version": run.version})
    run.refresh_from_db()
    assert run.status == PaymentRunStatus.EXECUTED and run.entry is not None
    assert (
        client_as("assistant").post(reverse("purchases:run-action", args=[run.pk]), {"action": "cancel"}).status_code
        == 403
    )


def test_the_api_reads_the_runs_and_gives_the_sepa_file_to_who_may_approve(run_ready, client):
    from pilote.core import services as core_services

    ctx = run_ready
    first, second = ctx["invoices"]
    run = payments.create_run(actor=ctx["accountant"], bank_account=ctx["bank"], execution_date=dt.date(2026, 12, 10),
                              invoices=[first, second], today=dt.date(2026, 12, 1))  # fmt: skip
    _, key = core_services.create_api_token(actor=ctx["accountant"], name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    listing = client.get("/api/v1/virements-fournisseurs", {"statut": "draft"}, **auth).json()
    assert listing["count"] == 1 and listing["results"][0]["message_id"] == run.message_id
    detail = client.get(f"/api/v1/virements-fournisseurs/{run.pk}", **auth).json()
    assert [item["invoice_number"] for item in detail["items"]] == ["FA-2026-0042", "FA-2026-0043"]
    refused = client.get(f"/api/v1/virements-fournisseurs/{run.pk}/fichier", **auth)
    assert refused.status_code == 409 and "une fois le lot approuvé" in refused.content.decode()
    payments.approve_run(actor=ctx["accountant"], run=run)
    xml = client.get(f"/api/v1/virements-fournisseurs/{run.pk}/fichier", {"version": "03"}, **auth).content
    assert payments.check_xsd(xml, "03") == []


def test_grouped_per_supplier_one_transfer_naming_its_invoices(run_ready, tmp_path):
    from django.core.management import call_command

    ctx = run_ready
    first, second = ctx["invoices"]
    run = payments.create_run(actor=ctx["accountant"], bank_account=ctx["bank"], execution_date=dt.date(2026, 12, 10),
                              invoices=[first, second], today=dt.date(2026, 12, 1))  # fmt: skip
    run = payments.approve_run(actor=ctx["accountant"], run=run)
    for version, namespace in (("09", NS), ("03", {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"})):
        xml = payments.sepa_file(run, version, grouped=True)
        assert payments.check_xsd(xml, version) == []
        doc = etree.fromstring(xml)
        assert doc.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=namespace) == "1"
        assert D(doc.findtext(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", namespaces=namespace)) == run.total
        assert doc.findtext(".//p:RmtInf/p:Ustrd", namespaces=namespace) == "Factures FA-2026-0042, FA-2026-0043"
    target = tmp_path / "lot.xml"
    call_command("export_payment_run", str(run.pk), "--grouped", "--output", str(target))
    assert b"<NbOfTxs>1</NbOfTxs>" in target.read_bytes() and payments.check_xsd(target.read_bytes(), "09") == []


def test_an_approved_run_moves_its_invoices_to_its_date_in_the_cash_plan(run_ready):
    """Finance's cash plan expects a supplier invoice at its due date, or at the execution date of the approved run
    that pays it (`core.registry.scheduled_payments`); a draft run moves nothing."""
    from pilote.finance import queries as finance

    ctx = run_ready
    first, second = ctx["invoices"]
    today = local_today()
    day = today + dt.timedelta(days=20)
    expected = max(first.due_date or first.date, today)  # what is overdue is expected today

    def suppliers() -> dict:
        flows: dict = {}
        for flow in finance.treasury_inputs(today).suppliers:
            key = max(flow.day, today)
            flows[key] = flows.get(key, D(0)) + flow.amount
        return flows

    before = suppliers()
    assert before[expected] <= -(first.total_gross + second.total_gross)
    run = payments.create_run(actor=ctx["accountant"], bank_account=ctx["bank"], execution_date=day, invoices=[first])
    assert suppliers() == before
    payments.approve_run(actor=ctx["accountant"], run=run)
    after = suppliers()
    assert after[day] == before.get(day, D(0)) - first.payable
    assert after[expected] == before[expected] + first.payable
    assert sum(after.values()) == sum(before.values())


def test_a_run_pays_an_old_invoice_taken_over_into_the_ledger(run_ready, client_as):
    """An invoice of the previous tool lives in the ledger only (the take-over's à-nouveaux line on the supplier's
    401, its number and due date): a run pays it to the IBAN of the supplier's record and letters it."""
    from pilote.ledger import services as ledger
    from pilote.ledger.models import Account, Journal

    ctx = run_ready
    first, supplier, actor = ctx["invoices"][0], ctx["supplier"], ctx["accountant"]
    aux = ledger.auxiliary_for_contact(actor=actor, contact=supplier, control_code="401")
    ledger.create_entry(
        actor=actor, journal=Journal.objects.get(code="AN"), date=dt.date(2026, 1, 1), post=True,
        label="Reprise des factures fournisseurs ouvertes", lines=[
            ledger.LineInput(account=Account.objects.get(code="471"), debit=D("300.00")),
            ledger.LineInput(account=aux.control_account, auxiliary=aux, credit=D("300.00"), reference="ANC-77",
                             due_date=dt.date(2026, 1, 31), label="Facture ANC-77 du 02/12/2025"),
        ],
    )  # fmt: skip
    old = payments.payable_taken_over()
    assert [(d.number, d.date, d.due_date, d.balance_due, d.supplier) for d in old] == [
        ("ANC-77", dt.date(2025, 12, 2), dt.date(2026, 1, 31), D("300.00"), supplier)
    ]
    day = local_today() + dt.timedelta(days=2)
    client = client_as("comptable")
    form = html.unescape(client.get(reverse("purchases:run-create")).content.decode())
    assert "Factures reprises de l'ancien outil" in form and "n° ANC-77 — échéance 31/01/2026 — 300,00\u202f€" in form
    response = client.post(reverse("purchases:run-create"), {
        "bank_account": ctx["bank"].pk, "execution_date": day.isoformat(), "invoices": [first.pk],
        "taken_over": [str(old[0].line_id)]})  # fmt: skip
    run = PaymentRun.objects.get()
    assert response.status_code == 302 and run.total == first.payable + D("300.00")
    page = html.unescape(client.get(reverse("purchases:run-detail", args=[run.pk])).content.decode())
    assert 'ANC-77 <span class="muted">(reprise)</span>' in page
    assert payments.payable_taken_over() == []  # in a live run: not offered twice
    with pytest.raises(DomainError, match="Une facture reprise choisie n'est plus à payer"):
        payments.create_run(actor=actor, bank_account=ctx["bank"], execution_date=day, invoices=[],
                            taken_over=[old[0].line_id])  # fmt: skip
    run = payments.approve_run(actor=actor, run=run)
    xml = payments.sepa_file(run, "09")
    assert payments.check_xsd(xml, "09") == [] and payments.check_xsd(payments.sepa_file(run, "03"), "03") == []
    doc = etree.fromstring(xml)
    assert [node.text for node in doc.iterfind(".//p:RmtInf/p:Ustrd", namespaces=NS)] == [
        "Facture FA-2026-0042", "Facture ANC-77"]  # fmt: skip
    ibans = {node.text for node in doc.iterfind(".//p:CdtrAcct/p:Id/p:IBAN", namespaces=NS)}
    assert ibans == {"FR7630006000011234567890189"}  # the supplier's record, for both
    grouped = etree.fromstring(payments.sepa_file(run, "09", grouped=True))
    assert grouped.findtext(".//p:RmtInf/p:Ustrd", namespaces=NS) == "Factures FA-2026-0042, ANC-77"

    run = payments.execute_run(actor=actor, run=run, on=day)
    item = EntryLine.objects.get(reference="ANC-77", credit=D("300.00"))
    paid = EntryLine.objects.get(entry=run.entry, reference="ANC-77")
    assert paid.debit == D("300.00") and item.match.matching == paid.match.matching
    assert not item.match.matching.is_partial and payments.payable_taken_over() == []


def test_a_typed_invoice_without_due_date_gets_it_from_the_supplier_terms(buy):
    from pilote.sales.services import LineSpec

    supplier = buy["supplier"]
    supplier.payment_days, supplier.payment_end_of_month = 30, True
    supplier.save()

    def typed(number, due):
        return services.create_typed_invoice(
            actor=buy["assistant"], supplier=supplier, number=number, date=dt.date(2026, 11, 15), due_date=due,
            lines=[LineSpec(description="Fournitures", quantity=D(1), unit_price=D("100"), vat_rate="20.00")],
        )  # fmt: skip

    assert typed("T-1", None).due_date == dt.date(2026, 12, 30)  # 30 November + 30 days
    assert typed("T-2", dt.date(2026, 12, 1)).due_date == dt.date(2026, 12, 1)  # the invoice's own wins
    supplier.payment_days, supplier.payment_end_of_month = 0, False
    supplier.save()
    assert typed("T-3", None).due_date == dt.date(2026, 11, 15)  # à réception
    supplier.payment_days = None
    supplier.save()
    assert typed("T-4", None).due_date is None
