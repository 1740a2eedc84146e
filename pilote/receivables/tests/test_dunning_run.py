"""A dunning run end to end: two late invoices of one customer, one partially paid, one more held out
(dispute); the letter carries the right penalties and 40 € per invoice, goes out by e-mail with its
PDF, is kept in the history; the next level comes only after its delay."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core import mail

from pilote.core.exceptions import DomainError
from pilote.core.models import AuditEvent
from pilote.receivables import dunning, services, templating
from pilote.receivables.models import DunningLetter, DunningLevel


@pytest.fixture
def late(books, issue, pay):
    martin, durand = books["martin"], books["durand"]
    a = issue(martin, dt.date(2026, 3, 2), "1000")  # 1 200 TTC due 01/04
    b = issue(martin, dt.date(2026, 3, 10), "500")  # 600 TTC due 09/04
    c = issue(martin, dt.date(2026, 3, 12), "100")  # 120 TTC due 11/04, disputed
    d = issue(durand, dt.date(2026, 3, 16), "100")  # due 15/04: only 5 days late on 20/04
    pay(martin, dt.date(2026, 4, 15), "200", invoice=b)
    services.hold_invoice(actor=books["actor"], invoice=c, reason="Litige sur la livraison")
    return {"a": a, "b": b, "c": c, "d": d}


def test_levels_exist_by_default_and_templates_are_checked(books):
    assert [(lv.rank, lv.title, lv.days_after_due) for lv in DunningLevel.objects.all()] == [
        (1, "Relance amiable", 7),
        (2, "Seconde relance", 21),
        (3, "Mise en demeure", 45),
    ]
    formal = DunningLevel.objects.get(rank=3)
    assert formal.include_penalties and formal.channel == "letter" and "{indemnite}" in formal.letter_body
    level = DunningLevel.objects.get(rank=1)
    with pytest.raises(DomainError, match=r"champ\(s\) inconnu\(s\) \{client.__class__\}"):
        services.update_level(
            actor=books["actor"], level=level, version=level.version, email_body="{client.__class__}", title="X", rank=1
        )


def test_placeholders_are_substituted_not_evaluated():
    values = {"client": "ACME {total_du}", "total_du": "10,00 €"}
    assert templating.render("{client} doit {total_du} {client:>9} {inconnu}", values) == (
        "ACME {total_du} doit 10,00 € {client:>9} {inconnu}"
    )


def test_dunning_run_end_to_end(books, late):
    actor, martin = books["actor"], books["martin"]
    level1 = DunningLevel.objects.get(rank=1)
    services.update_level(actor=actor, level=level1, version=level1.version, include_penalties=True, rank=1,
                          title=level1.title)  # fmt: skip

    found = dunning.proposals(dt.date(2026, 4, 20))
    assert [p.customer for p in found] == [martin]  # Durand's invoice is 5 days late: nothing due yet
    proposal = found[0]
    assert [item.invoice.number for item in proposal.items] == [late["a"].number, late["b"].number]  # c held

    letter = services.send_dunning(actor=actor, customer=martin, on=dt.date(2026, 4, 20))
    # A: 1 200 × 12,15 % × 19 / 365 = 7,5896 → 7,59
    # B: 600 × 12,15 % × 6 / 365 = 1,1983 → 1,20, then 400 (after the 200 paid on 15/04) × 12,15 % × 5 / 365
    #    = 0,6657 → 0,67: 1,87
    lines = list(letter.lines.order_by("due_date"))
    assert [(ln.invoice_number, ln.amount_due, ln.days_late, ln.penalty, ln.indemnity, ln.rank) for ln in lines] == [
        (late["a"].number, D("1200.00"), 19, D("7.59"), D("40.00"), 1),
        (late["b"].number, D("400.00"), 11, D("1.87"), D("40.00"), 1),
    ]
    assert [s["base"] for s in lines[1].penalty_detail] == ["600.00", "400.00"]
    assert (letter.total_due, letter.total_penalties, letter.total_indemnities, letter.total) == (
        D("1600.00"),
        D("9.46"),
        D("80.00"),
        D("1689.46"),
    )
    assert (letter.rank, letter.channel, letter.email_to) == (1, "email", "contact@boulangerie-martin.fr")
    assert letter.sent_at is not None and bytes(letter.pdf).startswith(b"%PDF")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["contact@boulangerie-martin.fr"]
    assert "rappel de facture" in message.subject and late["a"].number in message.body
    assert "1 600,00" in message.body.replace("\u202f", " ")
    ((filename, content, mimetype),) = message.attachments
    assert filename.endswith(".pdf") and mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="receivables.letter.sent", object_id=str(letter.pk)).exists()

    # The history: the next level waits for its own delay (J+21) and 14 days after the first letter.
    assert dunning.proposals(dt.date(2026, 4, 21)) == []
    with pytest.raises(DomainError, match="Aucune relance n'est due"):
        services.send_dunning(actor=actor, customer=martin, on=dt.date(2026, 5, 3))
    due = [(p.customer, p.level.rank) for p in dunning.proposals(dt.date(2026, 5, 4))]
    assert due == [(martin, 2), (books["durand"], 1)]  # Durand's invoice is now 19 days late
    second = services.send_dunning(actor=actor, customer=martin, on=dt.date(2026, 5, 4))
    assert second.rank == 2 and not second.claims_penalties and second.total == D("1600.00")
    assert list(DunningLetter.objects.filter(customer=martin).values_list("rank", flat=True)) == [2, 1]
    assert len(mail.outbox) == 2

    # Releasing the disputed invoice brings it back, at level 1, in the next letter.
    services.release_invoice(actor=actor, invoice=late["c"])
    again = dunning.proposals(dt.date(2026, 5, 4), [martin.pk])[0]
    assert [(i.invoice.number, i.level.rank if i.level else 0) for i in again.items] == [
        (late["a"].number, 0),
        (late["b"].number, 0),
        (late["c"].number, 1),
    ]


def test_consumer_owes_no_indemnity_and_paper_letters_are_not_emailed(books, issue):
    lea = books["lea"]
    issue(lea, dt.date(2026, 1, 5), "100")  # 120 TTC due 04/02
    formal = DunningLevel.objects.get(rank=3)
    DunningLevel.objects.exclude(pk=formal.pk).update(is_active=False)
    letter = services.send_dunning(actor=books["actor"], customer=lea, on=dt.date(2026, 3, 31), render_pdf=False)
    (line,) = letter.lines.all()
    # 120 × 12,15 % × 55 / 365 = 2,197… → 2,20 ; a consumer owes no 40 € indemnity.
    assert (line.days_late, line.penalty, line.indemnity) == (55, D("2.20"), D("0.00"))
    assert (letter.channel, letter.total, letter.sent_at, letter.pdf) == ("letter", D("122.20"), None, None)
    assert mail.outbox == []
    services.mark_letter_sent(actor=books["actor"], letter=letter)
    with pytest.raises(DomainError, match="déjà"):
        services.mark_letter_sent(actor=books["actor"], letter=letter)


def test_run_goes_on_when_one_customer_fails(books, late, settings):
    results = services.run_dunning(
        actor=books["actor"], customers=[books["durand"], books["martin"]], on=dt.date(2026, 4, 20)
    )
    assert [(r.customer.name, bool(r.letter), bool(r.error)) for r in results] == [
        ("Garage Durand", False, True),
        ("Boulangerie Martin", True, False),
    ]
