"""Expense reports paid back by one SEPA credit transfer file (pain.001.001.09, official XSD): the posted reports of
employees with an IBAN, each reimbursement posted 421 → 512 and lettered; refusals write nothing; comptable and
direction only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from lxml import etree

from pilote.core.exceptions import DomainError
from pilote.hr.models import ExpenseStatus
from pilote.hr.services import expenses as services
from pilote.hr.services import transfers
from pilote.lib.dates import local_today

d, D = dt.date, Decimal
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
IBAN = "FR1420041010050500013M02606"


def _posted(personas, employee, km):
    me = personas["rh"]
    report = services.create_report(actor=me, employee=employee, title=f"Tournée {km} km")
    services.add_line(actor=me, report=report, spent_on=d(2026, 11, 3), category="kilometrique",
                      description="Tournée clients", vehicle="voiture", horsepower=5, distance=D(km))  # fmt: skip
    services.submit_report(actor=me, report=report)
    services.decide_report(actor=me, report=report, approve=True)
    return services.post_report(actor=personas["comptable"], report=report, on=d(2026, 11, 30))


@pytest.mark.django_db
def test_one_transfer_file_pays_the_reports_back(staff, personas, books, client_as):
    thomas, boss = staff["thomas"], staff["boss"]
    first, second = _posted(personas, thomas, 100), _posted(personas, thomas, 50)  # 63,60 € and 31,80 €
    other = _posted(personas, boss, 10)
    comptable = personas["comptable"]
    with pytest.raises(DomainError, match="IBAN inconnu pour : Girard Thomas|IBAN inconnu pour : Thomas Girard"):
        transfers.pay_by_transfer(actor=comptable, reports=[first], bank_account=books, execution_date=d(2026, 12, 7),
                                  today=d(2026, 12, 5))  # fmt: skip
    thomas.iban, thomas.bic = IBAN, "CCBPFRPPXXX"
    thomas.save(update_fields=["iban", "bic"])
    with pytest.raises(DomainError, match="passée"):
        transfers.pay_by_transfer(actor=comptable, reports=[first], bank_account=books, execution_date=d(2026, 12, 4),
                                  today=d(2026, 12, 5))  # fmt: skip
    with pytest.raises(DomainError, match="comptabilité et la direction"):
        transfers.pay_by_transfer(actor=personas["rh"], reports=[first], bank_account=books,
                                  execution_date=d(2026, 12, 7), today=d(2026, 12, 5))  # fmt: skip
    first.refresh_from_db()
    assert first.status == ExpenseStatus.POSTED  # nothing written
    xml = transfers.pay_by_transfer(actor=comptable, reports=[first, second], bank_account=books,
                                    execution_date=d(2026, 12, 7), today=d(2026, 12, 5))  # fmt: skip
    root = etree.fromstring(xml)
    assert root.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert root.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "95.40"
    assert [e.text for e in root.iterfind(".//p:CdtTrfTxInf/p:CdtrAcct/p:Id/p:IBAN", NS)] == [IBAN, IBAN]
    assert root.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == "FR7630004000010001234567830"
    for report in (first, second):
        report.refresh_from_db()
        assert report.status == ExpenseStatus.PAID and report.paid_on == d(2026, 12, 7)
        owed = report.payment_entry.lines.get(account__code="421")
        bank = report.payment_entry.lines.get(account=books.account)
        assert owed.debit == bank.credit == report.total and owed.match is not None
    with pytest.raises(DomainError, match="n'est plus à rembourser"):
        transfers.pay_by_transfer(actor=comptable, reports=[first], bank_account=books, execution_date=d(2026, 12, 7),
                                  today=d(2026, 12, 5))  # fmt: skip

    client = client_as("comptable")
    page = client.get(reverse("hr:expense-transfer")).content.decode()
    assert other.number in page and "IBAN inconnu" in page
    post = {"reports": [other.pk], "on": "2099-01-05", "bank_account": books.pk}
    refused = client.post(reverse("hr:expense-transfer"), post)
    assert refused.status_code == 200 and "IBAN inconnu pour" in refused.content.decode()
    boss.iban = "FR7630006000011234567890189"
    boss.save(update_fields=["iban"])
    answer = client.post(reverse("hr:expense-transfer"), post | {"on": local_today().isoformat()})
    assert answer["Content-Type"] == "application/xml" and b"FR7630006000011234567890189" in answer.content
    other.refresh_from_db()
    assert other.status == ExpenseStatus.PAID
    client = client_as("rh")
    assert client.get(reverse("hr:expense-transfer")).status_code == 403
