"""An old invoice of the previous tool, taken over into the ledger (one open line on the customer's 411), classed
doubtful, written down, written off and received later — the entries of a Pilote invoice's flow (test_bad_debts),
with the VAT the user typed. The hand-built case: F2025-0412 of 15/11/2025, 1 440 TTC (1 200 HT + 240 VAT at 20 %),
400 paid before the take-over (taken over for 1 040 on 01/01/2026), 240 paid and lettered since: 800 left.
VAT of the open share 240 × 800 / 1 440 = 133,33, its base 666,67."""

import datetime as dt
import html
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.core.models import AuditEvent
from pilote.ledger import lettering, vat
from pilote.ledger import services as ledger
from pilote.ledger.models import Account, Entry, EntryLine, Journal
from pilote.receivables import bad_debts, dunning, ledger_items
from pilote.receivables.bad_debts import OldInvoiceVat, OldVatLine
from pilote.receivables.models import DoubtfulDebt, DoubtfulEventKind, OldInvoiceVatLine
from pilote.receivables.queries import aged_totals, statement
from pilote.receivables.tests.test_bad_debts import _fully_lettered, _lines, _plain
from pilote.sales.models import Payment

DAY = dt.date
DEBITS = OldInvoiceVat(net=D("1200"), rate=D("20"), regime="debits")


def _post(actor, journal, day, lines, label="Reprise"):
    return ledger.create_entry(actor=actor, journal=journal, date=day, label=label, lines=lines, post=True)


def _taken_over(books, number: str, issued: dt.date, gross: str, paid: str):
    """An old invoice's open line of `gross` on Martin's 411 (as `takeover` writes it), due a month after `issued`,
    and a payment of `paid` on 10/01/2026 lettered with it."""
    from pilote.takeover.datasets.opening import opening_journal, transitory_account

    actor, martin = books["actor"], books["martin"]
    aux = ledger.auxiliary_for_contact(actor=actor, contact=martin, control_code="411")
    customers, suspense = Account.objects.get(code="411"), transitory_account(actor)
    _post(actor, opening_journal(), DAY(2026, 1, 1), [
        ledger.LineInput(customers, auxiliary=aux, debit=D(gross), reference=number,
                         due_date=issued + dt.timedelta(days=30), label=f"Facture {number} du {issued:%d/%m/%Y}"),
        ledger.LineInput(suspense, credit=D(gross), label="Factures clients reprises"),
    ])  # fmt: skip
    payment = _post(actor, Journal.objects.get(code="BQ"), DAY(2026, 1, 10), [
        ledger.LineInput(books["bank"].account, debit=D(paid)),
        ledger.LineInput(customers, auxiliary=aux, credit=D(paid), reference=number),
    ], label="Virement Boulangerie Martin")  # fmt: skip
    item = EntryLine.objects.get(reference=number, debit=D(gross))
    lettering.letter_lines(actor=actor, lines=[item, payment.lines.get(account=customers)], partial=True)
    return item


def _waiting_vat(actor, amount: str) -> None:
    """The VAT of the old invoices on « encaissements » brought to 44588 by the opening balance."""
    from pilote.sales.issuing import PENDING_VAT_ACCOUNT, account
    from pilote.takeover.datasets.opening import transitory_account

    _post(actor, Journal.objects.get(code="OD"), DAY(2026, 1, 1), [
        ledger.LineInput(transitory_account(actor), debit=D(amount)),
        ledger.LineInput(account(*PENDING_VAT_ACCOUNT), credit=D(amount), label="TVA en attente reprise"),
    ])  # fmt: skip


@pytest.fixture
def old(books):
    """F2025-0412's open line on Martin's 411 (1 040 taken over), and a payment of 240 lettered with it."""
    return _taken_over(books, "F2025-0412", DAY(2025, 11, 15), "1040", "240")


def _balance(code: str, contact) -> D:
    lines = EntryLine.objects.filter(account__code=code, auxiliary__contact=contact, is_posted=True)
    return sum((line.debit - line.credit for line in lines), D("0"))


def test_classify_provision_recover_write_off_and_receive_after(books, old):
    actor, martin, bank = books["actor"], books["martin"], books["bank"]
    c, d = f"C{martin.pk:06d}", f"D{martin.pk:06d}"
    assert (_balance("411", martin), _balance("416", martin)) == (D("800.00"), D("0"))

    debt = bad_debts.classify_taken_over(actor=actor, line_id=old.pk, day=DAY(2026, 3, 10), vat=DEBITS,
                                         reason="Redressement judiciaire")  # fmt: skip
    assert (debt.invoice, debt.entry_line, debt.number, debt.vat_regime) == (None, old, "F2025-0412", "debits")
    assert (debt.amount_gross, debt.amount_vat, debt.amount_net) == (D("800.00"), D("133.33"), D("666.67"))
    transfer = debt.events.get().entries.get()
    assert transfer.journal.code == "OD" and _lines(transfer) == [
        ("416", d, D("800.00"), D("0.00"), None, None),
        ("411", c, D("0.00"), D("800.00"), None, None),
    ]
    # the old invoice, its payment and the transfer lettered together: the 411 item is settled, the debt on 416
    assert all(_fully_lettered(line) for line in EntryLine.objects.filter(account__code="411", reference="F2025-0412"))
    assert (_balance("411", martin), _balance("416", martin)) == (D("0.00"), D("800.00"))
    # still owed (aged receivables, statement, customer's page), never chased
    [item] = ledger_items.items([martin.pk])
    assert (item.number, item.balance_due, item.doubtful_debt) == ("F2025-0412", D("800.00"), debt)
    assert aged_totals(DAY(2026, 3, 31), {})["total"] == D("800.00")
    assert statement(martin, DAY(2026, 1, 1), DAY(2026, 3, 31)).total_due == D("800.00")
    assert not dunning.proposals(DAY(2026, 4, 1), [martin.pk])

    debt = bad_debts.provision(actor=actor, debt=debt, day=DAY(2026, 3, 31), rate=D("50"), version=debt.version)
    assert _lines(debt.events.get(kind=DoubtfulEventKind.PROVISIONED).entries.get()) == [
        ("68174", "", D("333.34"), D("0.00"), None, None),
        ("491", "", D("0.00"), D("333.34"), None, None),
    ]

    debt = bad_debts.record_recovery(actor=actor, debt=debt, day=DAY(2026, 4, 2), amount="160", bank_account=bank)
    receipt = debt.events.get(kind=DoubtfulEventKind.RECOVERED).entries.get()
    assert receipt.journal == bank.journal and _lines(receipt) == [
        ("512", "", D("160.00"), D("0.00"), None, None),
        ("416", d, D("0.00"), D("160.00"), None, None),
    ]
    assert not Payment.objects.exists()  # no Pilote invoice to allocate it to: the entry records it
    assert (_balance("416", martin), aged_totals(DAY(2026, 4, 30), {})["total"]) == (D("640.00"), D("640.00"))

    debt = bad_debts.write_off(actor=actor, debt=debt, day=DAY(2026, 5, 12), version=debt.version,
                               proof="Jugement de liquidation judiciaire du 05/05/2026")  # fmt: skip
    # what is left, 640 TTC: VAT 240 × 640 / 1 440 = 106,67 recovered (line 21), 533,33 lost; an invoice of 2025
    assert _lines(debt.write_off_entry) == [
        ("6544", "", D("533.33"), D("0.00"), None, None),
        ("44585", "", D("106.67"), D("0.00"), D("20.00"), D("-533.33")),
        ("416", d, D("0.00"), D("640.00"), None, None),
    ]
    assert _lines(EntryLine.objects.get(account__code="78174").entry) == [
        ("491", "", D("333.34"), D("0.00"), None, None),
        ("78174", "", D("0.00"), D("333.34"), None, None),
    ]
    assert all(_fully_lettered(line) for line in EntryLine.objects.filter(account__code="416"))
    assert (_balance("411", martin), _balance("416", martin)) == (D("0.00"), D("0.00"))
    assert not ledger_items.items([martin.pk]) and aged_totals(DAY(2026, 5, 31), {})["total"] == 0
    may = vat.compute_ca3(DAY(2026, 5, 1), DAY(2026, 5, 31), check_sequence=False).boxes()
    assert (may["21"], may["23"]) == ("106.67", "106.67")

    # the liquidator's dividend of 120: 20 of VAT due again at 20 % (CA3 line 08), 100 to 7583
    debt = bad_debts.record_recovery(actor=actor, debt=debt, day=DAY(2026, 6, 15), amount="120", bank_account=bank)
    late = debt.events.filter(kind=DoubtfulEventKind.RECOVERED).last().entries.get()
    assert _lines(late) == [
        ("512", "", D("120.00"), D("0.00"), None, None),
        ("44571", "", D("0.00"), D("20.00"), D("20.00"), D("100.00")),
        ("7583", "", D("0.00"), D("100.00"), None, None),
    ]
    assert debt.recovered == D("280.00")
    timeline = [_plain(event.label) for event in bad_debts.customer_timeline(martin)]
    assert timeline[0] == "Classée douteuse : 800,00 € TTC transférés au 416 — Redressement judiciaire"
    assert "TVA récupérée 106,67 €" in timeline[3] and "dépréciation de 333,34 € reprise" in timeline[3]
    assert timeline[4].startswith("Duplicata rectificatif à adresser au client (TVA de 106,67 €")


def test_on_receipts_the_vat_waiting_on_44588_is_moved_then_cancelled(books, old):
    """« Encaissements »: the opening balance brought the waiting VAT to 44588; what is received moves its share to
    44571, the write-off cancels the rest there, nothing reaches line 21."""
    actor, martin, bank = books["actor"], books["martin"], books["bank"]
    typed = OldInvoiceVat(net=D("1200"), rate=D("20"), regime="receipts")
    entries = Entry.objects.count()
    with pytest.raises(DomainError, match="44588 .* ne porte que 0,00"):
        bad_debts.classify_taken_over(actor=actor, line_id=old.pk, day=DAY(2026, 3, 10), vat=typed)
    assert (Entry.objects.count(), DoubtfulDebt.objects.count()) == (entries, 0)
    _waiting_vat(actor, "133.33")

    debt = bad_debts.classify_taken_over(actor=actor, line_id=old.pk, day=DAY(2026, 3, 10), vat=typed)
    assert (debt.amount_vat, debt.amount_net) == (D("133.33"), D("666.67"))
    debt = bad_debts.record_recovery(actor=actor, debt=debt, day=DAY(2026, 4, 2), amount="160", bank_account=bank)
    assert _lines(debt.events.get(kind=DoubtfulEventKind.RECOVERED).entries.get()) == [
        ("512", "", D("160.00"), D("0.00"), None, None),
        ("416", f"D{martin.pk:06d}", D("0.00"), D("160.00"), None, None),
        ("44588", "", D("26.67"), D("0.00"), D("20.00"), D("-133.33")),
        ("44571", "", D("0.00"), D("26.67"), D("20.00"), D("133.33")),
    ]
    debt = bad_debts.write_off(actor=actor, debt=debt, day=DAY(2026, 5, 12), proof="Liquidation judiciaire")
    assert _lines(debt.write_off_entry) == [  # 133,33 − 26,67 = 106,66 still waiting, cancelled
        ("6544", "", D("533.34"), D("0.00"), None, None),
        ("44588", "", D("106.66"), D("0.00"), D("20.00"), D("-533.34")),
        ("416", f"D{martin.pk:06d}", D("0.00"), D("640.00"), None, None),
    ]
    assert sum(ln.credit - ln.debit for ln in EntryLine.objects.filter(account__code="44588")) == 0
    assert "21" not in vat.compute_ca3(DAY(2026, 5, 1), DAY(2026, 5, 31), check_sequence=False).boxes()
    assert not [event for event in debt.events.all() if "Duplicata" in event.label]


def test_paid_in_full_while_doubtful_settles_416_and_reverses_the_write_down(books, old):
    actor, martin = books["actor"], books["martin"]
    debt = bad_debts.classify_taken_over(actor=actor, line_id=old.pk, day=DAY(2026, 3, 10), vat=DEBITS)
    debt = bad_debts.provision(actor=actor, debt=debt, day=DAY(2026, 3, 31), rate="100")
    debt = bad_debts.record_recovery(actor=actor, debt=debt, day=DAY(2026, 4, 2), amount="800",
                                     bank_account=books["bank"])  # fmt: skip
    assert (debt.provision, _balance("416", martin)) == (D("0.00"), D("0.00"))
    assert EntryLine.objects.get(account__code="78174").credit == D("666.67")
    assert all(_fully_lettered(line) for line in EntryLine.objects.filter(account__code="416"))
    assert not ledger_items.items([martin.pk])


@pytest.mark.parametrize(
    ("typed", "day", "message"),
    [
        (OldInvoiceVat(net=None, rate=D("20"), regime="debits"), DAY(2026, 3, 10), "montant hors taxes"),
        (OldInvoiceVat(net=D("1200"), rate=D("7"), regime="debits"), DAY(2026, 3, 10), "20, 10, 5,5, 2,1 ou 0"),
        (OldInvoiceVat(net=D("1200"), rate=D("20")), DAY(2026, 3, 10), "Indiquez le régime de TVA"),
        (OldInvoiceVat(net=D("1200"), rate=D("0"), vat=D("240")), DAY(2026, 3, 10), "ne va pas avec"),
        (OldInvoiceVat(net=D("500"), rate=D("20"), regime="debits"), DAY(2026, 3, 10),
         "reste dû \\(800,00 €\\) dépasse le montant TTC saisi \\(500,00 € HT \\+ 100,00 € de TVA = 600,00 €\\)"),
        (DEBITS, DAY(2025, 11, 1), "15/11/2025 ou après"),
    ],
)  # fmt: skip
def test_refusals_write_nothing(books, old, typed, day, message):
    entries = Entry.objects.count()
    with pytest.raises(DomainError) as refused:
        bad_debts.classify_taken_over(actor=books["actor"], line_id=old.pk, day=day, vat=typed)
    assert re.search(message, _plain(refused.value.message)), refused.value.message
    assert (Entry.objects.count(), DoubtfulDebt.objects.count()) == (entries, 0)


def test_twice_or_a_line_not_open_is_refused(books, old):
    actor = books["actor"]
    bad_debts.classify_taken_over(actor=actor, line_id=old.pk, day=DAY(2026, 3, 10), vat=DEBITS)
    entries = Entry.objects.count()
    with pytest.raises(DomainError, match="n'est plus ouverte au compte client"):  # lettered by the transfer
        bad_debts.classify_taken_over(actor=actor, line_id=old.pk, day=DAY(2026, 3, 11), vat=DEBITS)
    suspense = EntryLine.objects.get(account__code="4718")
    with pytest.raises(DomainError, match="n'est plus ouverte au compte client"):
        bad_debts.classify_taken_over(actor=actor, line_id=suspense.pk, day=DAY(2026, 3, 11), vat=DEBITS)
    assert (Entry.objects.count(), DoubtfulDebt.objects.count()) == (entries, 1)


def test_from_the_customer_page(books, old, client_as):
    martin = books["martin"]
    page_url = reverse("receivables:customer", args=[martin.pk])
    url = reverse("receivables:classify-taken-over", args=[old.pk])
    commercial = client_as("commercial")  # sees the account, may not class a debt
    assert url not in html.unescape(commercial.get(page_url).content.decode())
    assert commercial.post(url, {"day": "10/03/2026", "net": "1200"}).status_code == 403
    comptable = client_as("comptable")
    page = html.unescape(comptable.get(page_url).content.decode())
    assert url in page and "Pilote n'a pas les lignes de TVA de cette facture" in page

    listed = _plain(html.unescape(comptable.get(reverse("sales:invoice-list")).content.decode()))
    assert "reste à encaisser sur ces documents" in listed  # Pilote's; the old invoice named apart, with its link
    assert 's\'y ajoutent, à ce jour, <a href="/recouvrement/encours/">800,00 € de factures reprises' in listed
    form = {"day": "10/03/2026", "reason": "Redressement", "net": "1 200,00", "vat_rate": "20.00", "vat_amount": "",
            "vat_regime": ""}  # fmt: skip
    refused = comptable.post(url, form, follow=True)
    assert "Indiquez le régime de TVA" in html.unescape(refused.content.decode()) and not DoubtfulDebt.objects.exists()
    done = comptable.post(url, {**form, "vat_regime": "debits"})
    assert done.status_code == 302 and done["Location"] == page_url + "#creances-douteuses"
    debt = DoubtfulDebt.objects.get()
    assert (debt.amount_gross, debt.amount_vat, debt.invoice_vat) == (D("800.00"), D("133.33"), D("240.00"))
    page = _plain(html.unescape(comptable.get(page_url).content.decode()))
    assert 'F2025-0412 <span class="muted">(reprise)</span>' in page and "douteuse</span> depuis le 10/03/2026" in page
    assert "800,00 € TTC transférés au 416 — Redressement" in page
    comptable.post(reverse("receivables:write-off", args=[debt.pk]),
                   {"day": "12/05/2026", "proof": "Liquidation judiciaire", "version": debt.version})  # fmt: skip
    page = _plain(html.unescape(comptable.get(page_url).content.decode()))
    assert "Duplicata rectificatif à faire avec l'ancien outil" in page
    assert "Facture demeurée impayée pour la somme de 666,67 € (prix net) et pour la somme de 133,33 €" in page
    assert "F2025-0412" in _plain(html.unescape(comptable.get(reverse("receivables:bad-debts")).content.decode()))
    pdf = comptable.get(reverse("receivables:corrective-duplicate", args=[debt.pk]), follow=True)
    assert "vient de l'ancien outil" in html.unescape(pdf.content.decode())


# --- An old invoice mixing rates ----------------------------------------------------------------------------------
# F2025-0530 of 20/11/2025: 1 000 HT at 20 % (VAT 200) + 400 HT at 5,5 % (VAT 22) = 1 400 HT + 222 VAT = 1 622 TTC;
# 300 paid before the take-over (taken over for 1 322 on 01/01/2026), 122 paid and lettered since: 1 200 left.
# Each share of it is the invoice's VAT (or net) × part / 1 622, rounded once half up, then split between the rates in
# proportion to their own VAT (or net), the leftover cent to the largest remainder (lib.amounts.split_amount):
#   classed, 1 200: VAT 222 × 1 200 / 1 622 = 164,2417 → 164,24 = 200/222 → 147,9640 + 22/222 → 16,2760:
#                   147,96 + 16,27 = 164,23, the cent to the larger remainder (,0060 > ,0040): 147,96 + 16,28;
#                   net 1 400 × 1 200 / 1 622 = 1 035,7583 → 1 035,76 = 739,8286 + 295,9314 → 739,83 + 295,93
#   received 400:   VAT 54,7472 → 54,75 = 49,3243 + 5,4257 → 49,32 + 5,43; net 345,2528 → 345,25 = 246,61 + 98,64
#   lost 800:       VAT 109,4944 → 109,49 = 98,6436 + 10,8508 → 98,64 + 10,85 (no cent left);
#                   net 690,5055 → 690,51 = 493,2214 + 197,2871 → 493,22 + 197,29
MIXED = [OldVatLine(D("400"), D("5.5")), OldVatLine(D("1000"), D("20"))]  # typed lowest rate first: sorted anyway


@pytest.fixture
def mixed(books):
    return _taken_over(books, "F2025-0530", DAY(2025, 11, 20), "1322", "122")


def test_mixed_rates_classed_provisioned_received_written_off_and_received_after(books, mixed):
    actor, martin, bank = books["actor"], books["martin"], books["bank"]
    d = f"D{martin.pk:06d}"
    typed = OldInvoiceVat(lines=MIXED, regime="debits")
    debt = bad_debts.classify_taken_over(actor=actor, line_id=mixed.pk, day=DAY(2026, 3, 10), vat=typed)
    assert (debt.amount_gross, debt.amount_vat, debt.amount_net) == (D("1200.00"), D("164.24"), D("1035.76"))
    assert (debt.invoice_net, debt.invoice_vat, debt.vat_rate) == (D("1400.00"), D("222.00"), None)
    assert [(ln.position, ln.rate, ln.net, ln.vat) for ln in debt.vat_lines.all()] == [
        (1, D("20.00"), D("1000.00"), D("200.00")),
        (2, D("5.50"), D("400.00"), D("22.00")),
    ]
    assert [(s.account, s.rate, s.tax, s.base) for s in bad_debts.old_unpaid_vat(debt, debt.amount_gross)] == [
        ("44571", D("20.00"), D("147.96"), D("739.83")),
        ("44571", D("5.50"), D("16.28"), D("295.93")),
    ]  # 147,96 + 16,28 = 164,24 = the debt's VAT; 739,83 + 295,93 = 1 035,76 = its net
    audited = AuditEvent.objects.get(action="receivables.doubtful.classified").after["vat_lines"]
    assert audited == [
        {"rate": "20.00", "net": "1000.00", "vat": "200.00"},
        {"rate": "5.50", "net": "400.00", "vat": "22.00"},
    ]

    # 50 % of the net 1 035,76 = 517,88
    debt = bad_debts.provision(actor=actor, debt=debt, day=DAY(2026, 3, 31), rate="50", version=debt.version)
    assert _lines(debt.events.get(kind=DoubtfulEventKind.PROVISIONED).entries.get()) == [
        ("68174", "", D("517.88"), D("0.00"), None, None),
        ("491", "", D("0.00"), D("517.88"), None, None),
    ]
    # 400 received while doubtful: on débits the VAT was declared when invoiced, nothing moves
    debt = bad_debts.record_recovery(actor=actor, debt=debt, day=DAY(2026, 4, 2), amount="400", bank_account=bank)
    assert _lines(debt.events.get(kind=DoubtfulEventKind.RECOVERED).entries.get()) == [
        ("512", "", D("400.00"), D("0.00"), None, None),
        ("416", d, D("0.00"), D("400.00"), None, None),
    ]
    # 800 lost: VAT 98,64 at 20 % (base 493,22) + 10,85 at 5,5 % (base 197,29) = 109,49 recovered; 690,51 in charge
    debt = bad_debts.write_off(actor=actor, debt=debt, day=DAY(2026, 5, 12), proof="Liquidation judiciaire")
    assert _lines(debt.write_off_entry) == [
        ("6544", "", D("690.51"), D("0.00"), None, None),
        ("44585", "", D("98.64"), D("0.00"), D("20.00"), D("-493.22")),
        ("44585", "", D("10.85"), D("0.00"), D("5.50"), D("-197.29")),
        ("416", d, D("0.00"), D("800.00"), None, None),
    ]
    assert EntryLine.objects.get(account__code="78174").credit == D("517.88")
    may = vat.compute_ca3(DAY(2026, 5, 1), DAY(2026, 5, 31), check_sequence=False).boxes()
    assert (may["21"], may["23"]) == ("109.49", "109.49")
    assert (_balance("411", martin), _balance("416", martin)) == (D("0.00"), D("0.00"))

    # 250 after the loss: VAT due again 109,49 × 250 / 800 = 34,2156 → 34,22 = 30,8289 + 3,3911 → 30,83 + 3,39;
    # bases 690,51 × 250 / 800 = 215,7844 → 215,78 = 154,1281 + 61,6519 → 154,13 + 61,65; 7583: 250 − 34,22
    debt = bad_debts.record_recovery(actor=actor, debt=debt, day=DAY(2026, 6, 15), amount="250", bank_account=bank)
    late = debt.events.filter(kind=DoubtfulEventKind.RECOVERED).last().entries.get()
    assert _lines(late) == [
        ("512", "", D("250.00"), D("0.00"), None, None),
        ("44571", "", D("0.00"), D("30.83"), D("20.00"), D("154.13")),
        ("44571", "", D("0.00"), D("3.39"), D("5.50"), D("61.65")),
        ("7583", "", D("0.00"), D("215.78"), None, None),
    ]
    # the rest, 550: what is left of each rate, so all received gives back all recovered (98,64 and 10,85)
    debt = bad_debts.record_recovery(actor=actor, debt=debt, day=DAY(2026, 6, 30), amount="550", bank_account=bank)
    last = debt.events.filter(kind=DoubtfulEventKind.RECOVERED).last().entries.get()
    assert _lines(last) == [
        ("512", "", D("550.00"), D("0.00"), None, None),
        ("44571", "", D("0.00"), D("67.81"), D("20.00"), D("339.09")),  # 98,64 − 30,83; 493,22 − 154,13
        ("44571", "", D("0.00"), D("7.46"), D("5.50"), D("135.64")),  # 10,85 − 3,39; 197,29 − 61,65
        ("7583", "", D("0.00"), D("474.73"), None, None),
    ]
    june = vat.compute_ca3(DAY(2026, 6, 1), DAY(2026, 6, 30), check_sequence=False).boxes()
    # line 08 (20 %): base 154,13 + 339,09 = 493,22, VAT 30,83 + 67,81 = 98,64 — all that line 21 recovered in May;
    # line 09 (5,5 %): base 61,65 + 135,64 = 197,29, VAT 3,39 + 7,46 = 10,85
    assert [june[box] for box in ("08 base", "08 taxe", "09 base", "09 taxe")] == [
        "493.22", "98.64", "197.29", "10.85"]  # fmt: skip
    assert debt.recovered == D("1200.00")


def test_mixed_rates_on_receipts_move_and_cancel_the_waiting_vat_per_rate(books, mixed):
    """Encaissements: 164,24 waits on 44588; the 400 received moves 49,32 (20 %) + 5,43 (5,5 %) to 44571, the
    write-off cancels the rest per rate — 147,96 − 49,32 = 98,64 and 16,28 − 5,43 = 10,85 — and 44588 is clear."""
    actor, martin, bank = books["actor"], books["martin"], books["bank"]
    _waiting_vat(actor, "164.24")
    typed = OldInvoiceVat(lines=MIXED, regime="receipts")
    debt = bad_debts.classify_taken_over(actor=actor, line_id=mixed.pk, day=DAY(2026, 3, 10), vat=typed)
    debt = bad_debts.provision(actor=actor, debt=debt, day=DAY(2026, 3, 31), rate="50")
    debt = bad_debts.record_recovery(actor=actor, debt=debt, day=DAY(2026, 4, 2), amount="400", bank_account=bank)
    assert _lines(debt.events.get(kind=DoubtfulEventKind.RECOVERED).entries.get()) == [
        ("512", "", D("400.00"), D("0.00"), None, None),
        ("416", f"D{martin.pk:06d}", D("0.00"), D("400.00"), None, None),
        ("44588", "", D("49.32"), D("0.00"), D("20.00"), D("-246.61")),
        ("44571", "", D("0.00"), D("49.32"), D("20.00"), D("246.61")),
        ("44588", "", D("5.43"), D("0.00"), D("5.50"), D("-98.64")),
        ("44571", "", D("0.00"), D("5.43"), D("5.50"), D("98.64")),
    ]
    debt = bad_debts.write_off(actor=actor, debt=debt, day=DAY(2026, 5, 12), proof="Liquidation judiciaire")
    assert _lines(debt.write_off_entry) == [  # bases 739,83 − 246,61 = 493,22 and 295,93 − 98,64 = 197,29
        ("6544", "", D("690.51"), D("0.00"), None, None),
        ("44588", "", D("98.64"), D("0.00"), D("20.00"), D("-493.22")),
        ("44588", "", D("10.85"), D("0.00"), D("5.50"), D("-197.29")),
        ("416", f"D{martin.pk:06d}", D("0.00"), D("800.00"), None, None),
    ]
    assert sum(ln.credit - ln.debit for ln in EntryLine.objects.filter(account__code="44588")) == 0
    assert "21" not in vat.compute_ca3(DAY(2026, 5, 1), DAY(2026, 5, 31), check_sequence=False).boxes()
    # 1 200 − 400 in two receipts, the second moving what is left: 44588 stays clear while doubtful — here paid
    # after the loss: 250 brings 30,83 + 3,39 of VAT due again (the same shares as on débits)
    debt = bad_debts.record_recovery(actor=actor, debt=debt, day=DAY(2026, 6, 15), amount="250", bank_account=bank)
    late = debt.events.filter(kind=DoubtfulEventKind.RECOVERED).last().entries.get().lines.order_by("position")
    assert [(ln.credit, ln.vat_rate) for ln in late if ln.account.code == "44571"] == [
        (D("30.83"), D("20.00")),
        (D("3.39"), D("5.50")),
    ]


def test_mixed_rates_paid_in_full_while_doubtful_moves_all_the_waiting_vat(books, mixed):
    """Two receipts on encaissements: 400 (49,32 + 5,43) then the last 800 moves what is left of each rate,
    98,64 and 10,85 — never a cent behind on 44588."""
    actor, bank = books["actor"], books["bank"]
    _waiting_vat(actor, "164.24")
    debt = bad_debts.classify_taken_over(actor=actor, line_id=mixed.pk, day=DAY(2026, 3, 10),
                                         vat=OldInvoiceVat(lines=MIXED, regime="receipts"))  # fmt: skip
    debt = bad_debts.record_recovery(actor=actor, debt=debt, day=DAY(2026, 4, 2), amount="400", bank_account=bank)
    debt = bad_debts.record_recovery(actor=actor, debt=debt, day=DAY(2026, 4, 20), amount="800", bank_account=bank)
    last = debt.events.filter(kind=DoubtfulEventKind.RECOVERED).last().entries.get()
    assert [(ln.account.code, ln.debit, ln.vat_rate, ln.vat_base) for ln in last.lines.order_by("position")
            if ln.account.code == "44588"] == [
        ("44588", D("98.64"), D("20.00"), D("-493.22")), ("44588", D("10.85"), D("5.50"), D("-197.29"))]  # fmt: skip
    assert sum(ln.credit - ln.debit for ln in EntryLine.objects.filter(account__code="44588")) == 0


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        # 1 000 × 20 % = 200,00: 200,02 is two cents off, beyond the one cent of rounding admitted
        ([OldVatLine(D("1000"), D("20"), D("200.02")), OldVatLine(D("400"), D("5.5"))],
         "La TVA saisie à 20 % \\(200,02 €\\) ne correspond pas à la base HT × taux \\(1 000,00 € × 20 % = "
         "200,00 €\\)"),
        # 333,33 × 5,5 % = 18,33315 → 18,33 (half up): 18,35 is refused
        ([OldVatLine(D("1000"), D("20")), OldVatLine(D("333.33"), D("5.5"), D("18.35"))],
         "La TVA saisie à 5,5 % \\(18,35 €\\) ne correspond pas .* = 18,33 €\\)"),
        ([OldVatLine(D("1000"), D("20")), OldVatLine(D("400"), D("20"))], "Le taux de 20 % est saisi deux fois"),
        ([OldVatLine(D("1000"), D("20")), OldVatLine(None, D("5.5"))], "montant hors taxes à 5,5 %"),
        ([OldVatLine(D("1000"), D("20")), OldVatLine(D("400"), D("7"))], "20, 10, 5,5, 2,1 ou 0"),
    ],
)  # fmt: skip
def test_mixed_rates_refusals_write_nothing(books, mixed, lines, message):
    entries = Entry.objects.count()
    with pytest.raises(DomainError) as refused:
        bad_debts.classify_taken_over(actor=books["actor"], line_id=mixed.pk, day=DAY(2026, 3, 10),
                                      vat=OldInvoiceVat(lines=lines, regime="debits"))  # fmt: skip
    assert re.search(message, _plain(refused.value.message)), refused.value.message
    assert (Entry.objects.count(), DoubtfulDebt.objects.count(), OldInvoiceVatLine.objects.count()) == (entries, 0, 0)


def test_the_old_tools_rounding_within_a_cent_per_rate_is_kept(books, mixed):
    """200,01 and 21,99 typed (one cent each off 200,00 and 22,00): accepted, and the shares follow what was typed —
    VAT 222 × 1 200 / 1 622 = 164,24 split 200,01 : 21,99."""
    lines = [OldVatLine(D("1000"), D("20"), D("200.01")), OldVatLine(D("400"), D("5.5"), D("21.99"))]
    debt = bad_debts.classify_taken_over(actor=books["actor"], line_id=mixed.pk, day=DAY(2026, 3, 10),
                                         vat=OldInvoiceVat(lines=lines, regime="debits"))  # fmt: skip
    assert [(ln.rate, ln.vat) for ln in debt.vat_lines.all()] == [(D("20.00"), D("200.01")), (D("5.50"), D("21.99"))]
    assert (debt.invoice_vat, debt.amount_vat) == (D("222.00"), D("164.24"))


def test_mixed_rates_from_the_customer_page(books, mixed, client_as):
    """One row per rate on the page (the first row's fields keep their names, the others are suffixed _2 … _5); the
    same refusal as the API's, in French, nothing written."""
    page_url = reverse("receivables:customer", args=[books["martin"].pk])
    url = reverse("receivables:classify-taken-over", args=[mixed.pk])
    comptable = client_as("comptable")
    page = html.unescape(comptable.get(page_url).content.decode())
    assert all(f'name="{name}"' in page for name in ("net", "vat_rate", "net_2", "vat_rate_2", "vat_amount_5"))
    assert "Montants par taux de TVA" in page
    form = {"day": "10/03/2026", "reason": "", "net": "1 000,00", "vat_rate": "20.00", "vat_amount": "200,02",
            "net_2": "400,00", "vat_rate_2": "5.50", "vat_amount_2": "", "vat_regime": "debits"}  # fmt: skip
    refused = _plain(html.unescape(comptable.post(url, form, follow=True).content.decode()))
    assert "La TVA saisie à 20 % (200,02 €) ne correspond pas à la base HT × taux (1 000,00 € × 20 % = 200,00 €)" in (
        refused
    )
    assert not DoubtfulDebt.objects.exists()
    no_rate = _plain(html.unescape(comptable.post(url, {**form, "vat_amount": "", "vat_rate_2": ""},
                                                  follow=True).content.decode()))  # fmt: skip
    assert "Choisissez le taux de TVA de la ligne 2" in no_rate and not DoubtfulDebt.objects.exists()
    done = comptable.post(url, {**form, "vat_amount": "200,01"})
    assert done.status_code == 302
    debt = DoubtfulDebt.objects.get()
    assert [(ln.rate, ln.net, ln.vat) for ln in debt.vat_lines.all()] == [
        (D("20.00"), D("1000.00"), D("200.01")),
        (D("5.50"), D("400.00"), D("22.00")),
    ]
    # as typed: VAT 222,01 × 1 200 / 1 622,01 = 164,2481 → 164,25
    assert (debt.amount_gross, debt.amount_vat) == (D("1200.00"), D("164.25"))
