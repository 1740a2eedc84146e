"""Old customer invoices taken over into the ledger are chased from Pilote: dunning proposals and letters name them,
the aged receivables, the customer's page and the home to-do count them, a payment lettered with them ends it."""

from __future__ import annotations

import datetime as dt
import html
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from pilote.contacts.models import Contact
from pilote.core.exceptions import DomainError
from pilote.core.models import JobStatus
from pilote.ledger import lettering
from pilote.ledger import services as ledger
from pilote.ledger.models import Account, EntryLine, Journal
from pilote.receivables import dunning, ledger_items, queries, services, todo
from pilote.receivables.models import DunningHold, DunningLetterLine
from pilote.takeover.tests.helpers import confirm, csv_file, upload

pytestmark = pytest.mark.django_db

INVOICES = ["Client", "SIRET ou SIREN", "N° de facture", "Date de la facture", "Échéance", "Montant TTC", "Déjà réglé"]
ON = dt.date(2026, 1, 20)


@pytest.fixture
def taken_over(client_as, structure):
    from pilote.core.services import initialise_structure

    initialise_structure(actor=None, structure=structure)
    martin = Contact.objects.create(name="Boulangerie Martin", is_customer=True, email="contact@boulangeriemartin.fr")
    garage = Contact.objects.create(name="Garage Central", is_customer=True)
    rows = [INVOICES,
            ["Boulangerie Martin", "", "F2025-0412", "15/11/2025", "15/12/2025", "1 440,00", "400,00"],
            ["Boulangerie Martin", "", "AV2025-0007", "20/12/2025", "", "-120,00", ""],
            ["Garage Central", "", "F2025-0450", "10/12/2025", "09/01/2026", "600,00", ""],
            ["Garage Central", "", "F2025-0460", "20/12/2025", "19/02/2026", "300,00", ""]]  # fmt: skip
    client = client_as("comptable")
    job, _ = upload(client, "factures-clients", csv_file(rows), date="2026-01-01")
    assert confirm(client, "factures-clients", job).status == JobStatus.DONE, job.message
    return {"martin": martin, "garage": garage, "client": client}


def test_old_invoices_are_read_from_the_ledger_with_what_is_left(taken_over):
    found = ledger_items.items()
    assert [(i.number, i.date, i.due_date, i.balance_due) for i in found] == [
        ("F2025-0412", dt.date(2025, 11, 15), dt.date(2025, 12, 15), Decimal("1040.00")),
        ("F2025-0450", dt.date(2025, 12, 10), dt.date(2026, 1, 9), Decimal("600.00")),
        ("F2025-0460", dt.date(2025, 12, 20), dt.date(2026, 2, 19), Decimal("300.00")),
    ]  # the credit note is a credit: it is no invoice to chase


def test_dunning_names_the_old_invoice_and_records_its_letter(taken_over, personas):
    martin, garage = taken_over["martin"], taken_over["garage"]
    found = dunning.proposals(ON)
    assert [p.customer for p in found] == [martin, garage]
    first = found[0]
    assert first.level.rank == 1 and first.total_due == Decimal("1040.00")
    values = first.placeholder_values(ON, "Atelier Test")
    assert values["factures"] == (
        "- F2025-0412 (facture reprise) du 15/11/2025, échue le 15/12/2025 : 1\u202f040,00\u202f€ restant dû"
    )
    # Garage Central: F2025-0460 is not due yet on ON, F2025-0450 is 11 days late.
    assert [item.invoice.number for item in found[1].items] == ["F2025-0450"]
    assert [p.customer for p in todo.due_proposals(ON, 20)] == [martin, garage]

    letter = services.send_dunning(actor=personas["comptable"], customer=martin, on=ON)
    line = letter.lines.get()
    assert (line.invoice, line.entry_line.reference, line.invoice_number, line.amount_due, line.rank) == (
        None, "F2025-0412", "F2025-0412", Decimal("1040.00"), 1)  # fmt: skip
    assert letter.channel == "email" and len(mail.outbox) == 1
    assert "F2025-0412 (facture reprise) du 15/11/2025, échue le 15/12/2025 : 1\u202f040,00\u202f€" in (
        mail.outbox[0].body
    )
    # Level 1 sent: nothing more is due for Martin until the second level's delay (14 days later).
    assert [p.customer for p in dunning.proposals(ON)] == [garage]
    later = dunning.proposals(ON + dt.timedelta(days=14), [martin.pk])
    assert later[0].level.rank == 2 and later[0].items[0].last_rank == 1


def test_aged_receivables_and_the_customer_page_count_them(taken_over):
    client = taken_over["client"]
    totals = queries.aged_totals(ON, {})
    assert totals["total"] == Decimal("1940.00") and totals["not_due"] == Decimal("300.00")
    assert (totals["d30"], totals["d60"]) == (Decimal("600.00"), Decimal("1040.00"))  # 11 and 36 days late
    rows = queries.aged_rows(ON, {}, "client")
    assert [(r["customer__name"], r["total"]) for r in rows] == [
        ("Boulangerie Martin", Decimal("1040.00")),
        ("Garage Central", Decimal("900.00")),
    ]
    assert [r["customer__name"] for r in queries.aged_rows(ON, {"q": "garage"}, "-total")] == ["Garage Central"]
    page = html.unescape(client.get(reverse("receivables:aged")).content.decode())
    assert "Boulangerie Martin" in page and "1\u202f040,00\u202f€" in page and "1\u202f940,00\u202f€" in page
    page = html.unescape(client.get(reverse("receivables:customer", args=[taken_over["martin"].pk])).content.decode())
    assert "Factures reprises de l'ancien outil" in page and "F2025-0412" in page and "15/11/2025" in page


def test_a_lettered_payment_takes_the_old_invoice_out_of_dunning(taken_over, personas):
    actor, martin = personas["comptable"], taken_over["martin"]
    item = EntryLine.objects.get(reference="F2025-0412")
    bank, customers = Account.objects.get(code="512"), Account.objects.get(code="411")

    def pay(amount, day):
        ledger.create_entry(
            actor=actor, journal=Journal.objects.get(code="BQ"), date=day, label="Virement Boulangerie Martin",
            post=True, lines=[ledger.LineInput(account=bank, debit=Decimal(amount)),
                              ledger.LineInput(account=customers, auxiliary=item.auxiliary, credit=Decimal(amount),
                                               reference="F2025-0412")],
        )  # fmt: skip

    pay("240.00", dt.date(2026, 1, 10))
    part = EntryLine.objects.get(reference="F2025-0412", credit=Decimal("240.00"))
    lettering.letter_lines(actor=actor, lines=[item, part], partial=True)
    proposal = dunning.proposals(ON, [martin.pk])[0]
    assert proposal.items[0].amount_due == Decimal("800.00")
    assert proposal.items[0].reductions == ((dt.date(2026, 1, 10), Decimal("240.00")),)
    services.send_dunning(actor=actor, customer=martin, on=ON, render_pdf=False)
    assert DunningLetterLine.objects.get().amount_due == Decimal("800.00")

    lettering.unletter(actor=actor, matching=part.match.matching)
    pay("800.00", dt.date(2026, 1, 25))
    assert lettering.auto_letter(actor=actor, account=customers, auxiliary=item.auxiliary) == 1
    assert not dunning.proposals(dt.date(2026, 3, 1), [martin.pk], only_due=False)
    assert martin.pk not in {r["customer_id"] for r in queries.aged_rows(dt.date(2026, 3, 1), {}, "")}


def test_an_old_invoice_in_dispute_is_held_out_of_dunning_from_the_customer_page(taken_over, client_as):
    martin = taken_over["martin"]
    client = client_as("comptable")
    item = EntryLine.objects.get(reference="F2025-0412")
    hold_url = reverse("receivables:hold-taken-over", args=[item.pk])
    account = reverse("receivables:customer", args=[martin.pk])

    refused = client.post(hold_url, {"reason": "  "}, follow=True)
    assert "Indiquez le motif de l'exclusion" in html.unescape(refused.content.decode())
    assert not DunningHold.objects.exists()

    done = client.post(hold_url, {"reason": "Litige sur la livraison"})
    assert done.status_code == 302 and done["Location"] == account + "#factures-reprises"
    hold = DunningHold.objects.get()
    assert (hold.entry_line, hold.invoice, hold.reason) == (item, None, "Litige sur la livraison")
    assert [p.customer for p in dunning.proposals(ON)] == [taken_over["garage"]]  # Martin's only late invoice held
    assert [p.customer for p in todo.due_proposals(ON, 20)] == [taken_over["garage"]]
    page = html.unescape(client.get(account).content.decode())
    assert "Litige sur la livraison" in page and "Relancer de nouveau" in page
    again = client.post(hold_url, {"reason": "Encore"}, follow=True)
    assert "déjà exclue des relances" in html.unescape(again.content.decode()) and DunningHold.objects.count() == 1

    client.post(reverse("receivables:release-taken-over", args=[item.pk]))
    assert not DunningHold.objects.exists()
    assert [p.customer for p in dunning.proposals(ON)] == [martin, taken_over["garage"]]


def test_a_held_old_invoice_stays_held_after_the_year_is_closed(taken_over, personas):
    """The closing carries the open line forward as a new line of the next year (same customer, same reference):
    the dispute goes on, so the hold follows the invoice, and it is released from the new line."""
    from pilote.ledger import closing, vat
    from pilote.ledger.models import FiscalYear, JournalKind
    from pilote.lib.dates import add_months

    actor, martin = personas["comptable"], taken_over["martin"]
    held = EntryLine.objects.get(reference="F2025-0412")
    services.hold_taken_over(actor=actor, line_id=held.pk, reason="Litige sur la livraison")
    ledger.open_fiscal_year(actor=actor, start_date=dt.date(2027, 1, 1), end_date=dt.date(2027, 12, 31))
    for month in range(1, 13):
        start = dt.date(2026, month, 1)
        vat.confirm_ca3(actor=actor, start=start, end=add_months(start, 1) - dt.timedelta(days=1))
    closing.close_fiscal_year(actor=actor, year=FiscalYear.objects.get(start_date=dt.date(2026, 1, 1)),
                              today=dt.date(2027, 1, 15))  # fmt: skip
    carried = EntryLine.objects.get(reference="F2025-0412", entry__journal__kind=JournalKind.OPENING,
                                    fiscal_year__start_date=dt.date(2027, 1, 1))  # fmt: skip
    later = dt.date(2027, 3, 1)
    assert [p.customer for p in dunning.proposals(later)] == [taken_over["garage"]]  # Martin's old invoice held
    [item] = ledger_items.items([martin.pk])
    assert (item.line_id, item.dunning_hold.reason) == (carried.pk, "Litige sur la livraison")
    with pytest.raises(DomainError, match="déjà exclue des relances"):
        services.hold_taken_over(actor=actor, line_id=carried.pk, reason="Encore")
    services.release_taken_over(actor=actor, line_id=carried.pk)
    assert not DunningHold.objects.exists()
    assert [p.customer for p in dunning.proposals(later)] == [martin, taken_over["garage"]]


def test_only_an_open_old_invoice_can_be_held(taken_over, client_as):
    client = client_as("comptable")
    counterpart = EntryLine.objects.filter(entry__piece_ref="REPRISE-CLIENTS").exclude(reference="F2025-0412")
    suspense = counterpart.filter(auxiliary__isnull=True).first()
    assert client.post(reverse("receivables:hold-taken-over", args=[suspense.pk]), {"reason": "x"}).status_code == 404
    credit_note = EntryLine.objects.get(reference="AV2025-0007")  # a credit on the account: nothing to chase
    answer = client.post(reverse("receivables:hold-taken-over", args=[credit_note.pk]), {"reason": "x"}, follow=True)
    assert "n'est plus ouverte au compte client" in html.unescape(answer.content.decode())
    assert not DunningHold.objects.exists()
    item = EntryLine.objects.get(reference="F2025-0412")
    assert (
        client_as("auditeur").post(reverse("receivables:hold-taken-over", args=[item.pk]), {"reason": "x"}).status_code
        == 403
    )
    assert not DunningHold.objects.exists()


def test_the_customer_statement_lists_the_old_invoices_still_due(taken_over):
    martin = taken_over["martin"]
    statement = queries.statement(martin, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert statement.closing == Decimal("0.00")  # no Pilote document yet
    assert [(i.number, i.balance_due) for i in statement.taken_over] == [("F2025-0412", Decimal("1040.00"))]
    assert statement.total_due == Decimal("1040.00")
    page = html.unescape(taken_over["client"].get(reverse("receivables:customer", args=[martin.pk])).content.decode())
    assert "total restant dû <strong>1\u202f040,00\u202f€</strong>" in page
    pdf = taken_over["client"].get(reverse("receivables:statement", args=[martin.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "F2025-0412" in text and "Total restant dû" in text
