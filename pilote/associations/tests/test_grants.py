"""Grants: award (441 / 741), instalments (512 / 441), the action's actual from the tagged lines equals the
financial report's figures (Cerfa 15059), and an earmarked grant's unused part carried to dedicated funds at the
year end (6894 / 194) and used back the next year (194 / 7894), across the closing of the year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pilote.associations.queries import grants as queries
from pilote.associations.services import books as books_services
from pilote.associations.services import grants as services
from pilote.contacts.models import Contact
from pilote.core.exceptions import DomainError
from pilote.ledger import services as ledger
from pilote.ledger.tests.years import year_from


@pytest.fixture
def grant(books):
    city = Contact.objects.create(name="Ville de Lyon")
    grant = services.create_grant(actor=books["actor"], funder=city, code="ville-26", title="Ateliers théâtre",
                                  amount_requested=Decimal("12000"), period_start=dt.date(2026, 9, 1),
                                  period_end=dt.date(2027, 6, 30))  # fmt: skip
    return services.award_grant(actor=books["actor"], grant=grant, amount=Decimal("10000"),
                                granted_on=dt.date(2026, 7, 1))  # fmt: skip


def _spend(books, grant, day, code, amount):
    account = books_services.account(code)
    return ledger.create_entry(
        actor=books["actor"], journal=books["bank"].journal, date=day, label="Dépense action", post=True,
        lines=[ledger.LineInput(account, debit=Decimal(amount), reference=grant.code),
               ledger.LineInput(books["bank"].account, credit=Decimal(amount))],
    )  # fmt: skip


def _lines(entry):
    return sorted((line.account.code, line.debit, line.credit) for line in entry.lines.all())


def test_award_and_instalments_post_receivable_and_income(books, grant):
    assert grant.code == "VILLE-26" and grant.funder.is_funder
    assert _lines(grant.award_entry) == [("441", Decimal("10000.00"), Decimal("0.00")),
                                         ("741", Decimal("0.00"), Decimal("10000.00"))]  # fmt: skip
    first = services.add_instalment(actor=books["actor"], grant=grant, label="Acompte 60 %",
                                    expected_on=dt.date(2026, 9, 15), amount=Decimal("6000"))  # fmt: skip
    with pytest.raises(DomainError, match="dépasseraient"):
        services.add_instalment(actor=books["actor"], grant=grant, label="Trop", expected_on=dt.date(2026, 9, 15),
                                amount=Decimal("4500"))  # fmt: skip
    received = services.receive_instalment(actor=books["actor"], instalment=first, received_on=dt.date(2026, 9, 20),
                                           bank_account=books["bank"])  # fmt: skip
    assert _lines(received.entry) == [("441", Decimal("0.00"), Decimal("6000.00")),
                                      ("512", Decimal("6000.00"), Decimal("0.00"))]  # fmt: skip


def test_financial_report_equals_the_tagged_actuals(books, grant):
    _spend(books, grant, dt.date(2026, 10, 1), "6064", "400")
    _spend(books, grant, dt.date(2026, 11, 1), "6226", "2600")
    _spend(books, grant, dt.date(2026, 11, 2), "6226", "0.50")
    services.set_budget_line(actor=books["actor"], grant=grant, nature="60", label="Achats", amount=Decimal("500"))
    services.set_budget_line(actor=books["actor"], grant=grant, nature="62", label="Intervenants",
                             amount=Decimal("3000"))  # fmt: skip
    services.set_budget_line(actor=books["actor"], grant=grant, nature="74", label="Subvention Ville",
                             amount=Decimal("10000"))  # fmt: skip
    report = queries.financial_report(grant)
    assert [(line.nature, line.budget, line.actual) for line in report["charges"]] == [
        ("60", Decimal("500.00"), Decimal("400.00")),
        ("62", Decimal("3000.00"), Decimal("2600.50")),
    ]
    assert [(line.nature, line.actual) for line in report["income"]] == [("74", Decimal("10000.00"))]
    assert report["charges_actual"] == queries.charges_through(grant, dt.date(2026, 12, 31)) == Decimal("3000.50")


def test_dedicated_funds_go_and_come_back_across_the_year_end(books, grant):
    _spend(books, grant, dt.date(2026, 10, 1), "6226", "3000")
    carried = services.carry_unused(actor=books["actor"], grant=grant, year_end=dt.date(2026, 12, 31))
    assert carried.amount == Decimal("7000.00")
    assert _lines(carried.entry) == [("194", Decimal("0.00"), Decimal("7000.00")),
                                     ("6894", Decimal("7000.00"), Decimal("0.00"))]  # fmt: skip
    with pytest.raises(DomainError, match="déjà reportée"):
        services.carry_unused(actor=books["actor"], grant=grant, year_end=dt.date(2026, 12, 31))
    year_from(dt.date(2027, 1, 1), dt.date(2027, 12, 31))  # already open when the clock is past 2026
    _spend(books, grant, dt.date(2027, 3, 1), "6226", "5000")
    used = services.use_funds(actor=books["actor"], grant=grant, on=dt.date(2027, 6, 30))
    assert used.amount == Decimal("5000.00")
    assert _lines(used.entry) == [("194", Decimal("5000.00"), Decimal("0.00")),
                                  ("7894", Decimal("0.00"), Decimal("5000.00"))]  # fmt: skip
    assert queries.fund_balance(grant) == Decimal("2000.00")
    report = queries.financial_report(grant)  # the transfers are not the action's charges nor income
    assert {line.nature for line in report["charges"] + report["income"]} == {"62", "74"}


def test_financial_report_equals_the_ledgers_analytic_actuals(books, grant):
    """A shared expense distributed 60 / 40 on two grants' sections (axis SUBV, no code typed): each report's
    actual is its share, and equals the section's aggregate in the ledger's analytic balances."""
    from django.db.models import Sum

    from pilote.ledger.models_analytic import AnalyticBalance

    other = services.create_grant(actor=books["actor"], funder=grant.funder, code="FESTIVAL", title="Festival",
                                  amount_requested=Decimal("3000"), period_start=dt.date(2026, 1, 1),
                                  period_end=dt.date(2026, 12, 31))  # fmt: skip
    mine, theirs = queries.section_of(grant), queries.section_of(other)
    assert (mine.axis.code, mine.code, theirs.code) == ("SUBV", "VILLE-26", "FESTIVAL")
    ledger.create_entry(
        actor=books["actor"], journal=books["bank"].journal, date=dt.date(2026, 10, 3), label="Régie son", post=True,
        lines=[ledger.LineInput(books_services.account("6226"), debit=Decimal("1000.01"),
                                analytic=[(mine, Decimal("60")), (theirs, Decimal("40"))]),
               ledger.LineInput(books["bank"].account, credit=Decimal("1000.01"))],
    )  # fmt: skip
    _spend(books, grant, dt.date(2026, 10, 4), "6064", "250")  # tagged with the code only
    actual = queries.actual_by_nature(grant)
    mine_62 = AnalyticBalance.objects.filter(section=mine, account__code__startswith="62").aggregate(
        d=Sum("debit"), c=Sum("credit"))  # fmt: skip
    assert actual["62"] == mine_62["d"] - mine_62["c"] == Decimal("600.01")
    assert actual["60"] == Decimal("250.00") and actual["74"] == Decimal("10000.00")  # the award is on the section
    assert queries.actual_by_nature(other) == {"62": Decimal("400.00")}
    assert queries.charges_through(grant, dt.date(2026, 12, 31)) == Decimal("850.01")


def test_the_signed_agreement_is_kept_private_and_budget_lines_are_replaced_or_removed(client_as, books, grant):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from pilote.core.models import AuditEvent

    client = client_as("direction")
    upload = reverse("associations:grant-agreement-upload", args=[grant.pk])
    fake = SimpleUploadedFile("convention.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    page = client.post(upload, {"file": fake}, follow=True).content.decode()
    assert "La convention doit être un PDF" in page and not type(grant).objects.get(pk=grant.pk).agreement
    pdf = SimpleUploadedFile("Convention signée 2026.pdf", b"%PDF-1.7\n%fake\n", content_type="application/pdf")
    assert client.post(upload, {"file": pdf}).status_code == 302
    grant.refresh_from_db()
    assert grant.agreement_name == "Convention signée 2026.pdf" and "/media/" not in grant.agreement.path
    download = client_as("auditeur").get(reverse("associations:grant-agreement", args=[grant.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert client_as("auditeur").post(upload, {"file": pdf}).status_code == 403
    assert AuditEvent.objects.filter(action="associations.grant.agreement_attached").count() == 1
    # The budget: the same nature replaces its line; a line removed leaves the others.
    services.set_budget_line(
        actor=books["actor"], grant=grant, nature="62", label="Intervenants", amount=Decimal("9000")
    )
    services.set_budget_line(actor=books["actor"], grant=grant, nature="62", label="", amount=Decimal("9500.005"))
    services.set_budget_line(actor=books["actor"], grant=grant, nature="60", label="Achats", amount=Decimal("1500"))
    line = grant.budget.get(nature="62")
    assert (line.label, line.amount) == ("62", Decimal("9500.01"))
    with pytest.raises(DomainError, match="deux chiffres"):
        services.set_budget_line(actor=books["actor"], grant=grant, nature="512", label="", amount=Decimal("1"))
    assert client_as("direction").post(reverse("associations:budget-delete", args=[line.pk])).status_code == 302
    assert list(grant.budget.values_list("nature", flat=True)) == ["60"]


def test_the_financial_report_is_mailed_to_its_funder(client_as, books, grant):
    from django.core import mail
    from django.urls import reverse

    client = client_as("direction")
    send = reverse("associations:grant-report-send", args=[grant.pk])
    page = client.post(send, follow=True).content.decode()
    assert "n'a pas d'adresse e-mail" in page.replace("&#x27;", "'") and not mail.outbox
    grant.funder.email = "subventions@mairie-lyon.fr"
    grant.funder.save()
    assert client.post(send).status_code == 302
    (message,) = mail.outbox
    assert message.to == ["subventions@mairie-lyon.fr"] and "VILLE-26" in message.subject
    (name, content, kind) = message.attachments[0]
    assert name == "compte-rendu-financier-VILLE-26.pdf" and content.startswith(b"%PDF")
    assert client_as("auditeur").post(send).status_code == 403
