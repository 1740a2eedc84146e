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
from pilote.ledger import lettering, vat
from pilote.ledger import services as ledger
from pilote.ledger.models import Account, Entry, EntryLine, Journal
from pilote.receivables import bad_debts, dunning, ledger_items
from pilote.receivables.bad_debts import OldInvoiceVat
from pilote.receivables.models import DoubtfulDebt, DoubtfulEventKind
from pilote.receivables.queries import aged_totals, statement
from pilote.receivables.tests.test_bad_debts import _fully_lettered, _lines, _plain
from pilote.sales.models import Payment

DAY = dt.date
DEBITS = OldInvoiceVat(net=D("1200"), rate=D("20"), regime="debits")


def _post(actor, journal, day, lines, label="Reprise"):
    return ledger.create_entry(actor=actor, journal=journal, date=day, label=label, lines=lines, post=True)


@pytest.fixture
def old(books):
    """The old invoice's open line on Martin's 411 (as `takeover` writes it), and a payment of 240 lettered with it."""
    from pilote.takeover.datasets.opening import opening_journal, transitory_account

    actor, martin = books["actor"], books["martin"]
    aux = ledger.auxiliary_for_contact(actor=actor, contact=martin, control_code="411")
    customers, suspense = Account.objects.get(code="411"), transitory_account(actor)
    _post(actor, opening_journal(), DAY(2026, 1, 1), [
        ledger.LineInput(customers, auxiliary=aux, debit=D("1040"), reference="F2025-0412",
                         due_date=DAY(2025, 12, 15), label="Facture F2025-0412 du 15/11/2025"),
        ledger.LineInput(suspense, credit=D("1040"), label="Factures clients reprises"),
    ])  # fmt: skip
    paid = _post(actor, Journal.objects.get(code="BQ"), DAY(2026, 1, 10), [
        ledger.LineInput(books["bank"].account, debit=D("240")),
        ledger.LineInput(customers, auxiliary=aux, credit=D("240"), reference="F2025-0412"),
    ], label="Virement Boulangerie Martin")  # fmt: skip
    item = EntryLine.objects.get(reference="F2025-0412", debit=D("1040"))
    lettering.letter_lines(actor=actor, lines=[item, paid.lines.get(account=customers)], partial=True)
    return item


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
    from pilote.sales.issuing import PENDING_VAT_ACCOUNT, account
    from pilote.takeover.datasets.opening import transitory_account

    actor, martin, bank = books["actor"], books["martin"], books["bank"]
    typed = OldInvoiceVat(net=D("1200"), rate=D("20"), regime="receipts")
    entries = Entry.objects.count()
    with pytest.raises(DomainError, match="44588 .* ne porte que 0,00"):
        bad_debts.classify_taken_over(actor=actor, line_id=old.pk, day=DAY(2026, 3, 10), vat=typed)
    assert (Entry.objects.count(), DoubtfulDebt.objects.count()) == (entries, 0)
    _post(actor, Journal.objects.get(code="OD"), DAY(2026, 1, 1), [
        ledger.LineInput(transitory_account(actor), debit=D("133.33")),
        ledger.LineInput(account(*PENDING_VAT_ACCOUNT), credit=D("133.33"), label="TVA en attente reprise"),
    ])  # fmt: skip

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
