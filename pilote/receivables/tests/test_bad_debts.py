"""Doubtful and irrecoverable debts (issue 9, point 8): an invoice of 1 200 TTC (1 000 HT + 200 VAT at 20 %),
300 paid, classed doubtful (900 to 416), written down 50 % of 750 HT = 375, written off: 6541 = 750, VAT
recovered 150 on CA3 line 21, write-down reversed 375. Every line of every entry is checked."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.core.models import AuditEvent, Structure
from pilote.ledger import services as ledger
from pilote.ledger import vat
from pilote.ledger.models import EntryLine, FiscalYear, MatchedLine
from pilote.receivables import bad_debts, dunning
from pilote.receivables.models import DoubtfulDebt, DoubtfulEventKind
from pilote.receivables.queries import aged_totals
from pilote.sales import payments
from pilote.sales.models import Payment
from pilote.sales.services import LineSpec

DAY = dt.date


def _lines(entry):
    """(account, auxiliary code, debit, credit, vat_rate, vat_base) of each line, in order."""
    return [
        (ln.account.code, ln.auxiliary.code if ln.auxiliary else "", ln.debit, ln.credit, ln.vat_rate, ln.vat_base)
        for ln in entry.lines.select_related("account", "auxiliary").order_by("position")
    ]


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _fully_lettered(line) -> bool:
    return MatchedLine.objects.filter(line=line, matching__is_partial=False).exists()


@pytest.fixture
def doubtful(books, issue, pay):
    invoice = issue(books["martin"], DAY(2026, 1, 5), "1000")  # 1 200 TTC, due 04/02
    pay(books["martin"], DAY(2026, 1, 20), "300", invoice=invoice)
    return invoice


def test_classify_provision_write_off_with_the_vat_recovered_on_line_21(books, doubtful):
    actor, martin = books["actor"], books["martin"]
    invoice = doubtful
    c, d = f"C{martin.pk:06d}", f"D{martin.pk:06d}"

    debt = bad_debts.classify(actor=actor, invoice=invoice, day=DAY(2026, 3, 10), reason="Redressement judiciaire")
    assert (debt.amount_gross, debt.amount_vat, debt.amount_net) == (D("900.00"), D("150.00"), D("750.00"))
    transfer = debt.events.get().entries.get()
    assert transfer.journal.code == "OD" and transfer.is_posted
    assert _lines(transfer) == [
        ("416", d, D("900.00"), D("0.00"), None, None),
        ("411", c, D("0.00"), D("900.00"), None, None),
    ]
    # the 411 item is settled: invoice, payment and transfer lettered together (no longer partial)
    for line in [*payments.customer_lines(invoice), transfer.lines.get(account__code="411")]:
        assert _fully_lettered(line), line
    # no more dunning, no sales payment, and the receivables still show it (411 + 416)
    assert not dunning.overdue_invoices(DAY(2026, 4, 1)).filter(pk=invoice.pk).exists()
    assert payments.open_invoices(martin) == []
    with pytest.raises(DomainError, match="classée douteuse"):
        payments.record_payment(actor=actor, customer=martin, date=DAY(2026, 3, 11), amount=D("10"), method="transfer",
                                bank_account=books["bank"], allocations=[(invoice, D("10"))])  # fmt: skip
    assert aged_totals(DAY(2026, 3, 31), {})["total"] == D("900.00")

    debt = bad_debts.provision(actor=actor, debt=debt, day=DAY(2026, 3, 31), rate=D("50"), version=debt.version)
    assert (debt.provision, debt.provision_rate) == (D("375.00"), D("50.00"))
    dotation = debt.events.get(kind=DoubtfulEventKind.PROVISIONED).entries.get()
    assert _lines(dotation) == [
        ("68174", "", D("375.00"), D("0.00"), None, None),
        ("491", "", D("0.00"), D("375.00"), None, None),
    ]

    debt = bad_debts.write_off(actor=actor, debt=debt, day=DAY(2026, 5, 12), version=debt.version,
                               proof="Jugement de liquidation judiciaire du 05/05/2026")  # fmt: skip
    assert debt.is_written_off and debt.provision == 0
    loss = debt.write_off_entry
    assert _lines(loss) == [
        ("6541", "", D("750.00"), D("0.00"), None, None),
        ("44585", "", D("150.00"), D("0.00"), D("20.00"), D("-750.00")),
        ("416", d, D("0.00"), D("900.00"), None, None),
    ]
    reversal = EntryLine.objects.get(account__code="78174").entry
    assert _lines(reversal) == [
        ("491", "", D("375.00"), D("0.00"), None, None),
        ("78174", "", D("0.00"), D("375.00"), None, None),
    ]
    assert all(_fully_lettered(line) for line in EntryLine.objects.filter(account__code="416"))
    # written off: no longer a receivable, 411 and 416 both nil for this customer
    assert aged_totals(DAY(2026, 5, 31), {})["total"] == 0
    for code in ("411", "416", "491"):
        lines = EntryLine.objects.filter(account__code=code, is_posted=True)
        assert sum(ln.debit - ln.credit for ln in lines) == 0, code

    # the CA3 of May: 150 € on line 21 « Autre TVA à déduire », counted in the total deductible (23)
    may = vat.compute_ca3(DAY(2026, 5, 1), DAY(2026, 5, 31), check_sequence=False)
    boxes = may.boxes()
    assert (boxes["21"], boxes["23"], boxes["25"], boxes["16"]) == ("150.00", "150.00", "150.00", "0.00")
    assert vat.box_label("21") == "Autre TVA à déduire"

    timeline = [_plain(event.label) for event in bad_debts.customer_timeline(martin)]
    assert timeline[0].startswith("Classée douteuse : 900,00 € TTC transférés au 416 — Redressement judiciaire")
    assert timeline[1] == "Dépréciée à 50 % de 750,00 € HT : 375,00 €"
    assert timeline[2].startswith("Passée en perte : 750,00 € HT en charge")
    assert "TVA récupérée 150,00 €" in timeline[2] and "dépréciation de 375,00 € reprise" in timeline[2]
    assert timeline[3] == (
        "Duplicata rectificatif à adresser au client (TVA de 150,00 € non déductible chez lui, article 272 du CGI)"
    )
    codes = set(AuditEvent.objects.filter(action__startswith="receivables.doubtful").values_list("action", flat=True))
    assert codes == {"receivables.doubtful.classified", "receivables.doubtful.provisioned",
                     "receivables.doubtful.written_off"}  # fmt: skip


def test_the_settlement_of_the_return_clears_the_recovered_vat(books, doubtful):
    actor = books["actor"]
    debt = bad_debts.classify(actor=actor, invoice=doubtful, day=DAY(2026, 1, 25))
    bad_debts.write_off(actor=actor, debt=debt, day=DAY(2026, 1, 30), proof="Clôture pour insuffisance d'actif")
    january = vat.confirm_ca3(actor=actor, start=DAY(2026, 1, 1), end=DAY(2026, 1, 31))
    # January: 200 collected on the invoice, 150 recovered: 50 due
    assert (january.boxes["16"], january.boxes["21"], january.boxes["28"]) == ("200.00", "150.00", "50.00")
    settlement = [(code, dr, cr) for code, _aux, dr, cr, _r, _b in _lines(january.entry)]
    assert ("44585", D("0.00"), D("150.00")) in settlement and ("44551", D("0.00"), D("50.00")) in settlement
    assert sum(ln.debit - ln.credit for ln in EntryLine.objects.filter(account__code="44585")) == 0


def test_year_end_adjustment_complement_then_reversal(books, doubtful):
    actor = books["actor"]
    debt = bad_debts.classify(actor=actor, invoice=doubtful, day=DAY(2026, 3, 10))
    debt = bad_debts.provision(actor=actor, debt=debt, day=DAY(2026, 3, 31), rate="50")
    debt = bad_debts.provision(actor=actor, debt=debt, day=DAY(2026, 12, 31), rate="80")  # complement 225
    debt = bad_debts.provision(actor=actor, debt=debt, day=DAY(2026, 12, 31), rate="20")  # reversal 450
    assert debt.provision == D("150.00")
    entries = [event.entries.get() for event in debt.events.filter(kind=DoubtfulEventKind.PROVISIONED)]
    assert [_lines(e)[0][:4] for e in entries] == [
        ("68174", "", D("375.00"), D("0.00")),
        ("68174", "", D("225.00"), D("0.00")),
        ("491", "", D("450.00"), D("0.00")),
    ]
    assert _lines(entries[2])[1][:4] == ("78174", "", D("0.00"), D("450.00"))
    labels = [_plain(event.label) for event in debt.events.filter(kind=DoubtfulEventKind.PROVISIONED)]
    assert labels[1] == "Dépréciée à 80 % de 750,00 € HT : 600,00 € (complément de 225,00 €)"
    assert labels[2] == "Dépréciation ramenée à 20 % : 150,00 € (reprise de 450,00 €)"
    with pytest.raises(DomainError, match="entre 0 et 100"):
        bad_debts.provision(actor=actor, debt=debt, day=DAY(2026, 12, 31), rate="120")


def test_refusals_nothing_written(books, issue, doubtful):
    actor = books["actor"]
    paid = issue(books["durand"], DAY(2026, 1, 5), "100")
    payments.record_payment(actor=actor, customer=books["durand"], date=DAY(2026, 1, 6), amount=D("120"),
                            method="transfer", bank_account=books["bank"])  # fmt: skip
    with pytest.raises(DomainError, match="soldée"):
        bad_debts.classify(actor=actor, invoice=paid, day=DAY(2026, 2, 1))
    with pytest.raises(DomainError, match="le 05/01/2026 ou après"):
        bad_debts.classify(actor=actor, invoice=doubtful, day=DAY(2026, 1, 1))
    ledger.lock_period(actor=actor, year=FiscalYear.objects.get(), until=DAY(2026, 2, 28))
    with pytest.raises(DomainError, match="verrouillée"):
        bad_debts.classify(actor=actor, invoice=doubtful, day=DAY(2026, 2, 10))
    assert not DoubtfulDebt.objects.exists() and not EntryLine.objects.filter(account__code="416").exists()
    debt = bad_debts.classify(actor=actor, invoice=doubtful, day=DAY(2026, 3, 10))
    with pytest.raises(DomainError, match="preuve de l'irrécouvrabilité"):
        bad_debts.write_off(actor=actor, debt=debt, day=DAY(2026, 3, 11), proof="  ")
    with pytest.raises(DomainError, match="déjà classée douteuse"):
        bad_debts.classify(actor=actor, invoice=doubtful, day=DAY(2026, 3, 10))


def test_recovery_on_a_doubtful_debt_then_after_the_write_off(books, doubtful):
    actor, bank = books["actor"], books["bank"]
    debt = bad_debts.classify(actor=actor, invoice=doubtful, day=DAY(2026, 3, 10))
    debt = bad_debts.record_recovery(actor=actor, debt=debt, day=DAY(2026, 3, 20), amount="300", bank_account=bank)
    doubtful.refresh_from_db()
    assert doubtful.amount_paid == D("600.00") and aged_totals(DAY(2026, 3, 31), {})["total"] == D("600.00")
    receipt = debt.events.get(kind=DoubtfulEventKind.RECOVERED).entries.get()
    payment = Payment.objects.get(entry=receipt)  # a sales payment, allocated to the invoice
    assert (payment.amount, payment.allocations.get().invoice) == (D("300.00"), doubtful)
    assert [(code, dr, cr) for code, _a, dr, cr, _r, _b in _lines(receipt)] == [
        ("512", D("300.00"), D("0.00")),
        ("416", D("0.00"), D("300.00")),
    ]
    debt = bad_debts.write_off(actor=actor, debt=debt, day=DAY(2026, 4, 30), proof="Liquidation judiciaire")
    assert _lines(debt.write_off_entry) == [  # what is left: 600 TTC = 500 HT + 100 VAT
        ("6541", "", D("500.00"), D("0.00"), None, None),
        ("44585", "", D("100.00"), D("0.00"), D("20.00"), D("-500.00")),
        ("416", f"D{books['martin'].pk:06d}", D("0.00"), D("600.00"), None, None),
    ]
    assert all(_fully_lettered(line) for line in EntryLine.objects.filter(account__code="416"))
    # the liquidator pays a dividend of 120: 100 to 7583, the VAT recovered on it due again
    debt = bad_debts.record_recovery(actor=actor, debt=debt, day=DAY(2026, 6, 15), amount="120", bank_account=bank)
    late = debt.events.filter(kind=DoubtfulEventKind.RECOVERED).last().entries.get()
    assert [(code, dr, cr, rate, base) for code, _a, dr, cr, rate, base in _lines(late)] == [
        ("512", D("120.00"), D("0.00"), None, None),
        ("44571", D("0.00"), D("20.00"), D("20.00"), D("100.00")),
        ("7583", D("0.00"), D("100.00"), None, None),
    ]
    doubtful.refresh_from_db()
    assert doubtful.amount_paid == D("720.00") and Payment.objects.get(entry=late).amount == D("120.00")
    june = vat.compute_ca3(DAY(2026, 6, 1), DAY(2026, 6, 30), check_sequence=False).boxes()
    assert (june["08 base"], june["08 taxe"]) == ("100.00", "20.00")
    with pytest.raises(DomainError, match="dépasse ce qui reste"):
        bad_debts.record_recovery(actor=actor, debt=debt, day=DAY(2026, 6, 16), amount="500", bank_account=bank)


def test_services_on_receipts_no_vat_recovered_the_waiting_vat_cancelled(books):
    """« Encaissements »: the VAT of the unpaid share of a service never became due (CGI 269-2-c): it waits on
    44588, the write-off cancels it there and nothing reaches the CA3."""
    from pilote.sales import issuing
    from pilote.sales import services as sales

    Structure.objects.update(vat_regime="encaissements")
    actor, martin = books["actor"], books["martin"]
    line = LineSpec(description="Maintenance", quantity=D(1), unit_price=D("1000"), kind="service")
    draft = sales.create_invoice(actor=actor, customer=martin, date=DAY(2026, 1, 5), lines=[line], payment_term="30")
    invoice = issuing.issue_invoice(actor=actor, invoice=draft, render_pdf=False)
    assert invoice.vat_on_receipts
    payments.record_payment(actor=actor, customer=martin, date=DAY(2026, 1, 20), amount=D("300"), method="transfer",
                            bank_account=books["bank"], allocations=[(invoice, D("300"))])  # fmt: skip
    debt = bad_debts.classify(actor=actor, invoice=invoice, day=DAY(2026, 3, 10))
    assert (debt.amount_net, debt.amount_vat) == (D("750.00"), D("150.00"))
    debt = bad_debts.provision(actor=actor, debt=debt, day=DAY(2026, 3, 31), rate="100")
    assert debt.provision == D("750.00")
    debt = bad_debts.write_off(actor=actor, debt=debt, day=DAY(2026, 5, 12), proof="Liquidation judiciaire")
    assert _lines(debt.write_off_entry) == [
        ("6541", "", D("750.00"), D("0.00"), None, None),
        ("44588", "", D("150.00"), D("0.00"), D("20.00"), D("-750.00")),
        ("416", f"D{martin.pk:06d}", D("0.00"), D("900.00"), None, None),
    ]
    assert sum(ln.credit - ln.debit for ln in EntryLine.objects.filter(account__code="44588")) == 0
    boxes = vat.compute_ca3(DAY(2026, 5, 1), DAY(2026, 5, 31), check_sequence=False).boxes()
    assert "21" not in boxes and boxes["16"] == "0.00"
    assert not [event.label for event in debt.events.all() if "Duplicata" in event.label]


def test_the_corrective_duplicate_is_the_archived_invoice_overprinted_with_the_272_mention(books, doubtful, client_as):
    """CGI 272-1, BOI-TVA-DED-40-10-20 § 120: the customer receives a duplicate of the original invoice bearing
    the mention; it carries no Factur-X XML (software must not read it as a second invoice)."""
    import facturx

    from pilote.sales import issuing
    from pilote.sales.tests.test_einvoice import pdf_text

    actor = books["actor"]
    issuing.store_pdf(doubtful)
    debt = bad_debts.classify(actor=actor, invoice=doubtful, day=DAY(2026, 3, 10), reason="Liquidation")
    comptable = client_as("comptable")
    url = reverse("receivables:corrective-duplicate", args=[debt.pk])
    # not written off yet: nothing recovered, no duplicate, a French message and no file
    response = comptable.get(url, follow=True)
    assert response["Content-Type"].startswith("text/html")
    assert "pas de duplicata rectificatif" in _plain(response.content.decode())
    bad_debts.write_off(actor=actor, debt=debt, day=DAY(2026, 5, 12), proof="Clôture pour insuffisance d'actif")
    page = _plain(comptable.get(reverse("receivables:customer", args=[books["martin"].pk])).content.decode())
    assert url in page and "Duplicata rectificatif (PDF)" in page
    response = comptable.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    text = _plain(" ".join(pdf_text(pdf)))
    assert f"DUPLICATA RECTIFICATIF de la facture n° {doubtful.number} du 05/01/2026, établi le 12/05/2026" in text
    assert (
        "Facture demeurée impayée pour la somme de 750,00 € (prix net) et pour la somme de 150,00 € (TVA "
        "correspondante) qui ne peut faire l'objet d'une déduction (article 272 du CGI)." in text
    )
    assert "1 200,00 €" in text  # the original invoice underneath, as archived
    assert facturx.get_xml_from_pdf(bytes(doubtful.file.pdf), check_xsd=False)[1]  # the original carries it
    assert not facturx.get_xml_from_pdf(pdf, check_xsd=False)[1]
    assert client_as("commercial").get(url).status_code == 403


def test_pages_for_the_comptable_only(books, doubtful, client_as):
    url = reverse("receivables:classify", args=[doubtful.pk])
    assert client_as("commercial").post(url, {"day": "2026-03-10"}).status_code == 403
    comptable = client_as("comptable")
    response = comptable.post(url, {"day": "2026-03-10", "reason": "Redressement judiciaire"})
    assert response.status_code == 302
    debt = DoubtfulDebt.objects.get()
    response = comptable.post(reverse("receivables:provision", args=[debt.pk]),
                              {"day": "2026-03-31", "rate": "50", "version": debt.version}, follow=True)  # fmt: skip
    page = _plain(response.content.decode())
    assert "Dépréciée à 50 % de 750,00 € HT : 375,00 €" in page and "Classée douteuse : 900,00 € TTC" in page
    response = comptable.post(reverse("receivables:write-off", args=[debt.pk]),
                              {"day": "2026-03-31", "proof": "", "version": debt.version + 1}, follow=True)  # fmt: skip
    assert "Vérifiez la saisie" in response.content.decode()
    assert comptable.get(reverse("receivables:bad-debts")).status_code == 200
    assert client_as("commercial").get(reverse("receivables:customer", args=[books["martin"].pk])).status_code == 200


def test_doubtful_debt_carried_item_by_item_and_written_off_next_year(books, doubtful):
    """The closing carries the 416 item with its reference (detailed à-nouveaux): written off next year, the
    loss goes to 6544 (an earlier year's debt) and the 416 à-nouveau is lettered with the write-off."""
    from pilote.ledger import closing
    from pilote.ledger.models import Account, JournalKind
    from pilote.lib.dates import add_months

    actor = books["actor"]
    debt = bad_debts.classify(actor=actor, invoice=doubtful, day=DAY(2026, 3, 10))
    debt = bad_debts.provision(actor=actor, debt=debt, day=DAY(2026, 12, 31), rate="40")
    ledger.open_fiscal_year(actor=actor, start_date=DAY(2027, 1, 1), end_date=DAY(2027, 12, 31))
    for month in range(1, 13):
        start = DAY(2026, month, 1)
        vat.confirm_ca3(actor=actor, start=start, end=add_months(start, 1) - dt.timedelta(days=1))
    closing.close_fiscal_year(actor=actor, year=FiscalYear.objects.get(start_date=DAY(2026, 1, 1)),
                              today=DAY(2027, 1, 15))  # fmt: skip
    carried = EntryLine.objects.get(account__code="416", entry__journal__kind=JournalKind.OPENING)
    assert (carried.debit, carried.reference, carried.auxiliary.code) == (
        D("900.00"), doubtful.number, f"D{books['martin'].pk:06d}",
    )  # fmt: skip
    debt = bad_debts.write_off(actor=actor, debt=debt, day=DAY(2027, 2, 3), proof="Liquidation judiciaire")
    assert [line[:3] for line in _lines(debt.write_off_entry)][0] == ("6544", "", D("750.00"))
    assert _fully_lettered(carried)
    aux = ledger.auxiliary_for_contact(actor=actor, contact=books["martin"], control_code="416")
    assert not lettering_open(Account.objects.get(code="416"), aux.pk)
    assert EntryLine.objects.get(account__code="78174", date=DAY(2027, 2, 3)).credit == D("300.00")


def lettering_open(account, aux_key):
    from pilote.ledger import lettering

    return lettering.open_lines(account, aux_key).exists()


def test_a_doubtful_invoice_is_not_suggested_for_a_bank_credit(books, doubtful):
    from pilote.ledger import bank, bank_statements
    from pilote.sales import bank_matching

    mapping = bank_statements.CsvMapping(date_column="Date", label_column="Libellé", amount_column="Montant")
    bank.import_statement(
        actor=books["actor"], bank_account=books["bank"], filename="releve.csv", csv_mapping=mapping,
        data=f"Date;Libellé;Montant\n20/03/2026;VIR BOULANGERIE MARTIN {doubtful.number};900,00\n".encode(),
    )  # fmt: skip
    assert [inv for inv, _ in bank_matching.candidates()[0].invoices] == [doubtful]
    bad_debts.classify(actor=books["actor"], invoice=doubtful, day=DAY(2026, 3, 10))
    assert bank_matching.candidates()[0].invoices == []


def test_no_credit_note_on_a_doubtful_invoice(books, doubtful):
    from pilote.sales import issuing
    from pilote.sales import services as sales

    bad_debts.classify(actor=books["actor"], invoice=doubtful, day=DAY(2026, 3, 10))
    note = sales.credit_note_for(actor=books["actor"], invoice=doubtful, date=DAY(2026, 3, 12))
    with pytest.raises(DomainError, match="suivie en créance douteuse"):
        issuing.issue_invoice(actor=books["actor"], invoice=note, render_pdf=False)


def test_a_doubtful_debt_paid_after_all_is_settled_and_its_write_down_reversed(books, doubtful):
    actor = books["actor"]
    debt = bad_debts.classify(actor=actor, invoice=doubtful, day=DAY(2026, 3, 10))
    debt = bad_debts.provision(actor=actor, debt=debt, day=DAY(2026, 3, 31), rate="50")
    debt = bad_debts.record_recovery(actor=actor, debt=debt, day=DAY(2026, 4, 20), amount="900",
                                     bank_account=books["bank"])  # fmt: skip
    doubtful.refresh_from_db()
    assert doubtful.balance_due == 0 and doubtful.paid_on == DAY(2026, 4, 20) and debt.provision == 0
    reversal = EntryLine.objects.get(account__code="78174")
    assert (reversal.credit, reversal.date) == (D("375.00"), DAY(2026, 4, 20))
    assert all(_fully_lettered(line) for line in EntryLine.objects.filter(account__code="416"))
    assert "dépréciation de 375,00 € reprise" in _plain(debt.events.last().label)
