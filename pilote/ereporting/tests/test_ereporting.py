"""E-reporting (issue 9, point 9): the data sets of a period built from the invoices and payments, the flux 10
XML and the CSV, the cadence by VAT regime, the file connector and the frozen transmitted period."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal as D

import pytest
from django.urls import reverse
from lxml import etree

from pilote.catalog.models import Product
from pilote.contacts import services as contacts
from pilote.core.exceptions import DomainError
from pilote.core.models import AuditEvent, Structure
from pilote.core.storage import private_root
from pilote.ereporting import cadence, datasets, flux10, services
from pilote.ereporting.cadence import PAYMENTS, TRANSACTIONS, Period
from pilote.ereporting.connectors import (
    Connector,
    FileExportConnector,
    Receipt,
    _connectors,
    current_connector,
    register_connector,
)
from pilote.ereporting.models import Transmission
from pilote.sales import issuing, payments
from pilote.sales import services as sales
from pilote.sales.services import LineSpec
from pilote.sales.tests.factories import make_shop

EXPORT = "Exonération de TVA, article 262 I du CGI"
MARCH_1ST_DECADE = Period(TRANSACTIONS, dt.date(2026, 3, 1), dt.date(2026, 3, 10))
APRIL_PAYMENTS = Period(PAYMENTS, dt.date(2026, 4, 1), dt.date(2026, 4, 30))


@pytest.fixture
def shop(structure, personas):
    return make_shop(structure, personas)


def _person(shop, name="Durand"):
    return contacts.create_contact(
        actor=shop["actor"], kind="person", name=name, first_name="Léa", is_customer=True,
        address_line1="8 rue Victor Hugo", postal_code="69003", city="Lyon",
    )  # fmt: skip


def _swiss(shop):
    return contacts.create_contact(
        actor=shop["actor"], kind="organisation", name="Uhrwerk AG", is_customer=True, country="CH",
        vat_number="CHE-107.787.577 MWST", address_line1="Bahnhofstrasse 10", postal_code="8001", city="Zürich",
    )  # fmt: skip


def _issue(shop, customer, day, lines):
    invoice = sales.create_invoice(actor=shop["actor"], customer=customer, date=day, lines=lines)
    return issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)


def _lamp():
    return LineSpec(description="Lampe de bureau", quantity=D(1), unit_price=D("100"))


@pytest.fixture
def march(shop):
    """A B2C invoice 120 TTC at 20 %, a Swiss export, a B2C invoice mixing a service and a book, a domestic B2B
    invoice, and a credit note of the first one — all in the first décade of March 2026."""
    person = _person(shop)
    lamp = _issue(shop, person, dt.date(2026, 3, 2), [_lamp()])
    export = Product.objects.create(
        reference="EXP-01", name="Établi exporté", unit_price=D("1200"), vat_rate="0.00", exemption_mention=EXPORT
    )
    swiss = _issue(shop, _swiss(shop), dt.date(2026, 3, 3), [LineSpec.from_product(export, D(1))])
    mixed = _issue(
        shop,
        _person(shop, "Martin"),
        dt.date(2026, 3, 3),
        [LineSpec.from_product(shop["p"]["install"], D(1)), LineSpec.from_product(shop["p"]["book"], D(1))],
    )
    domestic = _issue(shop, shop["customer"], dt.date(2026, 3, 4), [_lamp()])
    credit = sales.credit_note_for(actor=shop["actor"], invoice=lamp, date=dt.date(2026, 3, 5))
    credit = issuing.issue_invoice(actor=shop["actor"], invoice=credit, render_pdf=False)
    return {"lamp": lamp, "swiss": swiss, "mixed": mixed, "domestic": domestic, "credit": credit}


def _group(data, day, category):
    return next(g for g in data.b2c if g.day == day and g.category == category)


def test_b2c_invoice_of_120_at_20_percent_is_tlb1_base_100_vat_20(shop):
    _issue(shop, _person(shop), dt.date(2026, 3, 2), [_lamp()])
    data = datasets.build(MARCH_1ST_DECADE)
    [group] = data.b2c
    assert (group.day, group.category, group.count) == (dt.date(2026, 3, 2), "TLB1", 1)
    [amount] = group.rate_list
    assert (amount.rate, amount.base, amount.tax, amount.gross) == (D("20.00"), D("100.00"), D("20.00"), D("120.00"))


def test_b2c_aggregate_per_day_category_and_rate_equals_the_b2c_invoices(shop, march):
    data = datasets.build(MARCH_1ST_DECADE)
    services_day = _group(data, dt.date(2026, 3, 3), "TPS1")
    assert [(a.rate, a.base, a.tax) for a in services_day.rate_list] == [(D("20.00"), D("55.00"), D("11.00"))]
    books = _group(data, dt.date(2026, 3, 3), "TLB1")
    assert [(a.rate, a.base, a.tax) for a in books.rate_list] == [(D("5.50"), D("24.50"), D("1.35"))]
    refund = _group(data, dt.date(2026, 3, 5), "TLB1")  # the credit note counts negative on its own date
    assert (refund.base, refund.tax) == (D("-100.00"), D("-20.00"))
    # The aggregate equals the B2C invoices' own totals (credit notes deducted), summed apart in SQL.
    b2c = [march["lamp"], march["mixed"]]
    assert sum((g.base for g in data.b2c), D(0)) == sum((i.total_net for i in b2c), D(0)) - march["credit"].total_net
    assert sum((g.tax for g in data.b2c), D(0)) == D("12.35")
    assert data.agrees and [c.agrees for c in data.checks] == [True] * 4
    assert data.domestic_count == 1  # e-invoiced, not e-reported


def test_swiss_customer_invoice_is_an_international_transaction(shop, march):
    data = datasets.build(MARCH_1ST_DECADE)
    [row] = data.international
    assert row.invoice == march["swiss"] and row.buyer_country == "CH" and row.type_code == "380"
    assert row.cadre == "B1" and (row.base, row.tax) == (D("1200.00"), D("0.00"))
    [sub] = row.subtotals
    assert (sub.category, sub.rate, sub.mention, sub.vatex) == ("G", D("0.00"), EXPORT, "VATEX-EU-G")
    xml = etree.fromstring(_xml(data))
    invoice = xml.find("TransactionsReport/Invoice")
    assert invoice.findtext("ID") == march["swiss"].number and invoice.findtext("IssueDate") == "20260303"
    assert invoice.findtext("Buyer/PostalAddress/CountryId") == "CH"
    assert invoice.findtext("TaxSubTotal/TaxCategory/Code") == "G"
    assert invoice.findtext("MonetaryTotal/TaxExclusiveAmount") == "1200.00"


def _xml(data):
    structure = Structure.objects.get()
    sender = FileExportConnector().sender(structure)
    return flux10.write_xml(data, structure=structure, sender=sender, issued_at=dt.datetime(2026, 3, 11, 8, 0))


def test_flux10_xml_follows_the_report_structure(shop, march):
    root = etree.fromstring(_xml(datasets.build(MARCH_1ST_DECADE)))
    assert root.tag == "Report" and [child.tag for child in root] == ["ReportDocument", "TransactionsReport"]
    document = root.find("ReportDocument")
    assert [c.tag for c in document] == ["Id", "IssueDateTime", "TypeCode", "Sender", "Issuer"]
    assert document.findtext("IssueDateTime/DateTimeString") == "20260311080000"
    assert document.find("Issuer/Id").get("schemeId") == "0002" and document.findtext("Issuer/Id") == "912345675"
    report = root.find("TransactionsReport")
    assert [c.tag for c in report][:2] == ["ReportPeriod", "Invoice"]
    assert (
        report.findtext("ReportPeriod/StartDate") == "20260301"
        and report.findtext("ReportPeriod/EndDate") == "20260310"
    )
    first = report.find("Transactions")
    assert [c.tag for c in first] == [
        "Date", "TransactionsCurrency", "CategoryCode", "TaxExclusiveAmount", "TaxTotal", "TransactionsCount",
        "TaxSubtotal",
    ]  # fmt: skip
    assert (first.findtext("Date"), first.findtext("CategoryCode")) == ("20260302", "TLB1")
    assert (first.findtext("TaxExclusiveAmount"), first.findtext("TaxTotal")) == ("100.00", "20.00")
    assert [c.tag for c in first.find("TaxSubtotal")] == ["TaxPercent", "TaxableAmount", "TaxTotal"]
    assert first.findtext("TaxSubtotal/TaxPercent") == "20.00"


def test_csv_for_the_accountant(shop, march):
    text = flux10.write_csv(datasets.build(MARCH_1ST_DECADE)).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Flux;Données;Date;Pièce;Client;Pays;Catégorie")
    assert (
        "10.3;Ventes aux particuliers;02/03/2026;;;;TLB1 Livraisons de biens soumises à la TVA;"
        "20,00;100,00;20,00;120,00;1" in lines
    )
    assert any(
        line.startswith(f"10.1;Vente à l'international;03/03/2026;{march['swiss'].number};Uhrwerk AG;CH")
        for line in lines
    )


@pytest.fixture
def collected(shop):
    """Under « TVA sur les encaissements », a private customer's service invoice (10 h: 550 + 110 VAT) paid half
    on 10 April 2026."""
    Structure.objects.update(vat_regime="encaissements")
    person = _person(shop)
    invoice = _issue(shop, person, dt.date(2026, 3, 2), [LineSpec.from_product(shop["p"]["install"], D(10))])
    assert invoice.vat_on_receipts
    payments.record_payment(
        actor=shop["accountant"], customer=person, date=dt.date(2026, 4, 10), amount=D("330"), method="transfer",
        bank_account=shop["bank"],
    )  # fmt: skip
    return {"invoice": invoice, "person": person}


def test_service_paid_on_collection_gives_payment_data_on_the_payment_date(shop, collected):
    data = datasets.build(APRIL_PAYMENTS)
    [day] = data.b2c_payments
    assert day.day == dt.date(2026, 4, 10)
    [amount] = day.rate_list
    assert (amount.rate, amount.base, amount.tax, amount.gross) == (D("20.00"), D("275.00"), D("55.00"), D("330.00"))
    assert datasets.build(Period(PAYMENTS, dt.date(2026, 3, 1), dt.date(2026, 3, 31))).is_empty  # invoiced, unpaid
    root = etree.fromstring(_xml(data))
    payment = root.find("PaymentsReport/Transactions/Payment")
    assert payment.findtext("Date") == "20260410"
    assert [(s.findtext("TaxPercent"), s.findtext("Amount")) for s in payment.findall("SubTotals")] == [
        ("20.00", "330.00")
    ]


def test_goods_and_debits_regime_give_no_payment_data(shop):
    person = _person(shop)  # regime « débits »: VAT due on the invoice, nothing to report at payment
    _issue(shop, person, dt.date(2026, 3, 2), [LineSpec.from_product(shop["p"]["install"], D(2))])
    payments.record_payment(
        actor=shop["accountant"], customer=person, date=dt.date(2026, 4, 10), amount=D("132"), method="transfer",
        bank_account=shop["bank"],
    )  # fmt: skip
    assert datasets.build(APRIL_PAYMENTS).is_empty


def test_cadence_follows_the_vat_regime():
    monthly = cadence.cadence_for("debits", quarterly_returns=False)
    assert (monthly.transactions, monthly.payments) == (cadence.DECADE, cadence.MONTH)
    assert cadence.cadence_for("encaissements", quarterly_returns=True).transactions == cadence.MONTH
    assert cadence.cadence_for("franchise", quarterly_returns=False).transactions == cadence.TWO_MONTHS
    assert cadence.cadence_for("non_assujettie", quarterly_returns=False) is None
    decades = [
        p for p in cadence.periods_between(monthly, dt.date(2026, 2, 15), dt.date(2026, 3, 2)) if p.flow == TRANSACTIONS
    ]
    assert [(p.start.isoformat(), p.end.isoformat()) for p in decades] == [
        ("2026-03-01", "2026-03-10"), ("2026-02-21", "2026-02-28"), ("2026-02-11", "2026-02-20"),
    ]  # fmt: skip
    franchise = cadence.period_containing(PAYMENTS, cadence.TWO_MONTHS, dt.date(2026, 4, 30))
    assert (franchise.start, franchise.end) == (dt.date(2026, 3, 1), dt.date(2026, 4, 30))


def test_quarterly_ca3_means_monthly_transactions(shop):
    from pilote.ledger.models import VatReturn

    VatReturn.objects.create(
        period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 3, 31), boxes={}, confirmed_by=shop["accountant"]
    )
    assert services.cadence_of(Structure.objects.get()).regime == "Réel normal trimestriel"


def test_file_connector_is_the_default_and_writes_the_files(shop, march, personas):
    assert isinstance(current_connector(), FileExportConnector)
    transmission = services.mark_transmitted(
        actor=personas["comptable"], structure=Structure.objects.get(), period=MARCH_1ST_DECADE
    )
    written = private_root() / transmission.receipt
    assert written.read_bytes() == bytes(transmission.xml)
    assert written.with_suffix(".csv").read_bytes() == bytes(transmission.csv)
    assert transmission.sha256 == hashlib.sha256(bytes(transmission.xml)).hexdigest()
    assert transmission.transmitted_by_name == "Comptable Test"
    assert AuditEvent.objects.filter(action="ereporting.transmission.recorded").count() == 1


def test_a_transmitted_period_unchanged_shows_no_warning(shop, march, client_as):
    client = client_as("direction")
    kwargs = {"flow": TRANSACTIONS, "start": "2026-03-01"}
    assert client.post(reverse("ereporting:transmit", kwargs=kwargs)).status_code == 302
    page = client.get(reverse("ereporting:period", kwargs=kwargs)).content.decode()
    assert "Période transmise le" in page and "ont changé depuis la transmission" not in page


class PlatformConnector(Connector):
    """What a platform's connector looks like: its own identity as sender, a deposit number as receipt."""

    code, label = "essai-pa", "Plateforme d'essai"

    def __init__(self):
        self.received = []

    def sender(self, structure) -> dict:
        return {"id": "9999", "scheme": "0238", "name": "PA d'essai", "role": "WK"}

    def transmit(self, *, file_name, xml, csv) -> Receipt:
        self.received.append((file_name, xml))
        return Receipt(reference=f"dépôt n° {len(self.received)}")


@pytest.fixture
def platform(settings):
    connector = PlatformConnector()
    register_connector(connector)
    settings.PILOTE_EREPORTING_CONNECTOR = connector.code
    yield connector
    _connectors.pop(connector.code)


def test_a_platform_plugs_in_through_the_connector_interface(shop, march, personas, platform):
    transmission = services.mark_transmitted(
        actor=personas["comptable"], structure=Structure.objects.get(), period=MARCH_1ST_DECADE
    )
    assert transmission.connector == "essai-pa" and transmission.receipt == "dépôt n° 1"
    [(name, xml)] = platform.received
    assert xml == bytes(transmission.xml) and name == transmission.file_name
    sender = etree.fromstring(xml).find("ReportDocument/Sender")
    assert (sender.find("Id").get("schemeId"), sender.findtext("RoleCode")) == ("0238", "WK")


def test_an_unknown_connector_is_refused_in_french(shop, march, personas, settings):
    settings.PILOTE_EREPORTING_CONNECTOR = "inconnu"
    with pytest.raises(DomainError, match="Aucun connecteur d'e-reporting « inconnu »"):
        services.mark_transmitted(
            actor=personas["comptable"], structure=Structure.objects.get(), period=MARCH_1ST_DECADE
        )
    assert not Transmission.objects.exists()


def test_a_period_is_transmitted_once_and_only_when_over(shop, march, personas):
    structure = Structure.objects.get()
    services.mark_transmitted(actor=personas["comptable"], structure=structure, period=MARCH_1ST_DECADE)
    with pytest.raises(DomainError, match="déjà été transmise"):
        services.mark_transmitted(actor=personas["comptable"], structure=structure, period=MARCH_1ST_DECADE)
    today = services.local_today()
    current = cadence.period_containing(TRANSACTIONS, cadence.DECADE, today)
    with pytest.raises(DomainError, match="une fois terminée"):
        services.mark_transmitted(actor=personas["comptable"], structure=structure, period=current)
    assert Transmission.objects.count() == 1


def _listing(client) -> str:
    """Every page of the periods' list (36 a page, the latest first: April 2026 leaves page 1 in 2027)."""
    first = client.get(reverse("ereporting:list"))
    pages = range(2, first.context["page"].paginator.num_pages + 1)
    return "".join([first.content.decode(), *(client.get(reverse("ereporting:list"), {"page": n}).content.decode()
                                              for n in pages)])  # fmt: skip


def test_pages_show_export_and_freeze_a_transmitted_period(shop, collected, client_as):
    client = client_as("comptable")
    listing = _listing(client)
    assert "Réel normal mensuel : transactions par décade, paiements par mois" in listing
    assert "du 01/04/2026 au 30/04/2026" in listing
    url = reverse("ereporting:period", kwargs={"flow": PAYMENTS, "start": "2026-04-01"})
    page = client.get(url).content.decode()
    assert "330,00" in page and "10/04/2026" in page and "Marquer comme transmis" in page
    xml_url = reverse("ereporting:file", kwargs={"flow": PAYMENTS, "start": "2026-04-01", "fmt": "xml"})
    assert b"<Amount>330.00</Amount>" in client.get(xml_url).content
    response = client.post(reverse("ereporting:transmit", kwargs={"flow": PAYMENTS, "start": "2026-04-01"}))
    assert response.status_code == 302
    stored = Transmission.objects.get()
    first = client.get(xml_url).content
    assert first == bytes(stored.xml)
    # A later payment dated in the transmitted period changes the operations, not the transmitted file.
    payments.record_payment(
        actor=shop["accountant"], customer=collected["person"], date=dt.date(2026, 4, 20), amount=D("330"),
        method="transfer", bank_account=shop["bank"],
    )  # fmt: skip
    assert client.get(xml_url).content == first
    csv_url = reverse("ereporting:file", kwargs={"flow": PAYMENTS, "start": "2026-04-01", "fmt": "csv"})
    assert client.get(csv_url).content == bytes(stored.csv)
    page = client.get(url).content.decode()
    assert "Période transmise le" in page and stored.sha256 in page and "Marquer comme transmis" not in page
    assert "ont changé depuis la transmission" in page and "20/04/2026" in page  # the later payment, live
    assert "du 01/04/2026 au 30/04/2026" in _listing(client)


def test_auditor_reads_but_does_not_transmit(shop, collected, client_as):
    client = client_as("auditeur")
    url = reverse("ereporting:period", kwargs={"flow": PAYMENTS, "start": "2026-04-01"})
    page = client.get(url).content.decode()
    assert "330,00" in page and "Marquer comme transmis" not in page
    assert (
        client.post(reverse("ereporting:transmit", kwargs={"flow": PAYMENTS, "start": "2026-04-01"})).status_code == 403
    )
    assert not Transmission.objects.exists()


@pytest.mark.parametrize("flow,start", [("autre", "2026-04-01"), (PAYMENTS, "2026-04-02"), (PAYMENTS, "avril")])
def test_unknown_period_is_a_french_404(shop, client_as, flow, start):
    response = client_as("comptable").get(reverse("ereporting:period", kwargs={"flow": flow, "start": start}))
    assert response.status_code == 404


def test_structure_not_liable_to_vat_has_nothing_to_report(shop, client_as):
    Structure.objects.update(vat_regime="non_assujettie")
    page = client_as("comptable").get(reverse("ereporting:list")).content.decode()
    assert "pas d'e-reporting à transmettre" in page


def test_a_payment_received_on_a_doubtful_debt_is_payment_data_too(shop, collected):
    """The rest of the service invoice (330 €) is classed doubtful, then received on 5 May 2026 through the
    receivables' recovery (no sales payment): its VAT becomes due on collection, so it is e-reported."""
    from pilote.receivables import bad_debts

    debt = bad_debts.classify(actor=shop["accountant"], invoice=collected["invoice"], day=dt.date(2026, 4, 20))
    bad_debts.record_recovery(
        actor=shop["accountant"], debt=debt, day=dt.date(2026, 5, 5), amount=D("330"), bank_account=shop["bank"]
    )
    data = datasets.build(Period(PAYMENTS, dt.date(2026, 5, 1), dt.date(2026, 5, 31)))
    [day] = data.b2c_payments
    [amount] = day.rate_list
    assert day.day == dt.date(2026, 5, 5)
    assert (amount.base, amount.tax, amount.gross) == (D("275.00"), D("55.00"), D("330.00"))


# --- Old invoices of the previous tool, taken over and classed doubtful (receivables.bad_debts) ---------------------


def _old_invoice(shop, customer, number, issued, gross, waiting_vat=D("0")):  # fmt: skip
    """An old invoice's open line on the customer's 411, as the take-over writes it (and the VAT waiting on 44588
    when the old tool was on « encaissements »)."""
    from pilote.ledger import services as ledger
    from pilote.ledger.models import Account, Journal
    from pilote.sales.issuing import PENDING_VAT_ACCOUNT, account
    from pilote.takeover.datasets.opening import opening_journal, transitory_account

    actor = shop["accountant"]
    aux = ledger.auxiliary_for_contact(actor=actor, contact=customer, control_code="411")
    suspense, day = transitory_account(actor), dt.date(2026, 1, 1)
    item = ledger.LineInput(
        Account.objects.get(code="411"),
        auxiliary=aux,
        debit=gross,
        reference=number,
        due_date=issued + dt.timedelta(days=30),
        label=f"Facture {number} du {issued:%d/%m/%Y}",
    )
    lines = [item, ledger.LineInput(suspense, credit=gross, label="Factures clients reprises")]
    entry = ledger.create_entry(
        actor=actor, journal=opening_journal(), date=day, label="Reprise", lines=lines, post=True
    )
    if waiting_vat:
        lines = [
            ledger.LineInput(suspense, debit=waiting_vat),
            ledger.LineInput(account(*PENDING_VAT_ACCOUNT), credit=waiting_vat, label="TVA en attente reprise"),
        ]
        ledger.create_entry(
            actor=actor,
            journal=Journal.objects.get(code="OD"),
            date=day,
            label="TVA en attente",
            lines=lines,
            post=True,
        )
    return entry.lines.get(reference=number, debit=gross)


MAY_PAYMENTS = Period(PAYMENTS, dt.date(2026, 5, 1), dt.date(2026, 5, 31))


def test_a_receipt_on_a_doubtful_old_invoice_on_receipts_is_payment_data_per_rate(shop):
    """A private customer's old service invoice ANC-0901 of 15/12/2025 on « encaissements »: 1 000 HT at 20 % (200)
    + 400 HT at 10 % (40) = 1 640 TTC, taken over whole, classed doubtful, 820 received on 5 May 2026 — half of it:
    VAT 240 × 820 / 1 640 = 120 (100 at 20 % + 20 at 10 %), bases 1 400 × 820 / 1 640 = 700 (500 + 200). No sales
    payment stands for it, yet it is e-reported (10.4) the same way: from the 44571 lines of its bank entry."""
    from pilote.receivables import bad_debts
    from pilote.receivables.bad_debts import OldInvoiceVat, OldVatLine

    line = _old_invoice(shop, _person(shop), "ANC-0901", dt.date(2025, 12, 15), D("1640"), waiting_vat=D("240"))
    typed = OldInvoiceVat(lines=[OldVatLine(D("1000"), D("20")), OldVatLine(D("400"), D("10"))], regime="receipts")
    debt = bad_debts.classify_taken_over(actor=shop["accountant"], line_id=line.pk, day=dt.date(2026, 4, 20), vat=typed)
    bad_debts.record_recovery(actor=shop["accountant"], debt=debt, day=dt.date(2026, 5, 5), amount=D("820"),
                              bank_account=shop["bank"])  # fmt: skip
    data = datasets.build(MAY_PAYMENTS)
    [day] = data.b2c_payments
    assert day.day == dt.date(2026, 5, 5) and not data.international_payments
    assert [(a.rate, a.base, a.tax, a.gross) for a in day.rate_list] == [
        (D("20.00"), D("500.00"), D("100.00"), D("600.00")),
        (D("10.00"), D("200.00"), D("20.00"), D("220.00")),
    ]
    payment = etree.fromstring(_xml(data)).find("PaymentsReport/Transactions/Payment")
    assert [(s.findtext("TaxPercent"), s.findtext("Amount")) for s in payment.findall("SubTotals")] == [
        ("20.00", "600.00"), ("10.00", "220.00")]  # fmt: skip


def test_a_receipt_on_a_doubtful_old_invoice_abroad_names_the_old_invoice(shop):
    """A Swiss business's old invoice ANC-0950 of 10/12/2025 (500 HT + 100 VAT at 20 %, on « encaissements »), 300
    received on 12 May 2026: flux 10.2 names the old invoice, its number and date, with 250 + 50 at 20 %."""
    from pilote.receivables import bad_debts
    from pilote.receivables.bad_debts import OldInvoiceVat

    line = _old_invoice(shop, _swiss(shop), "ANC-0950", dt.date(2025, 12, 10), D("600"), waiting_vat=D("100"))
    debt = bad_debts.classify_taken_over(actor=shop["accountant"], line_id=line.pk, day=dt.date(2026, 4, 20),
                                         vat=OldInvoiceVat(net=D("500"), rate=D("20"), regime="receipts"))  # fmt: skip
    bad_debts.record_recovery(actor=shop["accountant"], debt=debt, day=dt.date(2026, 5, 12), amount=D("300"),
                              bank_account=shop["bank"])  # fmt: skip
    data = datasets.build(MAY_PAYMENTS)
    [payment] = data.international_payments
    assert (payment.day, payment.invoice_number, payment.invoice_date, payment.customer_name) == (
        dt.date(2026, 5, 12), "ANC-0950", dt.date(2025, 12, 10), "Uhrwerk AG")  # fmt: skip
    assert [(a.rate, a.base, a.tax) for a in payment.rates] == [(D("20.00"), D("250.00"), D("50.00"))]
    invoice = etree.fromstring(_xml(data)).find("PaymentsReport/Invoice")
    assert (invoice.findtext("InvoiceID"), invoice.findtext("IssueDate"), invoice.findtext("Payment/Date")) == (
        "ANC-0950", "20251210", "20260512")  # fmt: skip


def test_a_receipt_on_a_doubtful_old_invoice_on_debits_is_not_payment_data(shop):
    """On « débits » the old invoice's VAT fell due when it was invoiced: neither what is received while doubtful (no
    VAT line) nor what comes in after the loss (44571 again, the VAT recovered on 44585 due back) is a payment to
    e-report — though the late receipt's entry carries 44571 lines with the old invoice's number."""
    from pilote.ledger.models import EntryLine
    from pilote.receivables import bad_debts
    from pilote.receivables.bad_debts import OldInvoiceVat

    line = _old_invoice(shop, _person(shop), "ANC-0977", dt.date(2025, 12, 1), D("1200"))
    debt = bad_debts.classify_taken_over(actor=shop["accountant"], line_id=line.pk, day=dt.date(2026, 4, 20),
                                         vat=OldInvoiceVat(net=D("1000"), rate=D("20"), regime="debits"))  # fmt: skip
    debt = bad_debts.record_recovery(actor=shop["accountant"], debt=debt, day=dt.date(2026, 5, 5), amount=D("600"),
                                     bank_account=shop["bank"])  # fmt: skip
    debt = bad_debts.write_off(actor=shop["accountant"], debt=debt, day=dt.date(2026, 5, 12), proof="Liquidation")
    bad_debts.record_recovery(actor=shop["accountant"], debt=debt, day=dt.date(2026, 5, 20), amount=D("120"),
                              bank_account=shop["bank"])  # fmt: skip
    assert EntryLine.objects.filter(account__code="44571", reference="ANC-0977", credit=D("20.00")).exists()
    assert datasets.build(MAY_PAYMENTS).is_empty
