"""Business dates are never read from timestamps (issue 9, point 5).

A deposit invoice dated 14/01/2026 and issued (clicked) on 13/01/2026 at 23:30 UTC — already the 14th in
Paris, and months before the final invoice — is cited on the final invoice by its invoice date, in the
line, the PDF and the Factur-X XML.
"""

import datetime as dt
from decimal import Decimal as D
from unittest import mock

from django.utils import timezone

from pilote.sales import documents, issuing, services
from pilote.sales.facturx_pdf import extract_xml
from pilote.sales.models import InvoiceFile
from pilote.sales.services import LineSpec
from pilote.sales.tests.test_einvoice import assert_valid, pdf_text

CLICK = dt.datetime(2026, 1, 13, 23, 30, tzinfo=dt.UTC)  # 14/01/2026 00:30 in Paris


def test_final_invoice_cites_the_deposit_by_its_invoice_date(shop):
    actor, p = shop["actor"], shop["p"]
    order = services.create_order(
        actor=actor,
        customer=shop["customer"],
        date=dt.date(2026, 1, 12),
        lines=[LineSpec.from_product(p["install"], D(10))],
    )
    deposit = services.deposit_invoice(actor=actor, order=order, date=dt.date(2026, 1, 14), percent=D(30))
    with mock.patch.object(timezone, "now", return_value=CLICK):
        deposit = issuing.issue_invoice(actor=actor, invoice=deposit, render_pdf=False)
    assert deposit.issued_at == CLICK and deposit.number == "F-2026-00001"

    final = services.invoice_order(actor=actor, order=order, date=dt.date(2026, 2, 20))
    final = issuing.issue_invoice(actor=actor, invoice=final)
    cited = "Acompte versé — facture F-2026-00001 du 14/01/2026"
    assert [line.description for line in final.lines.filter(deposit_invoice=deposit)] == [cited]
    assert cited in [line.name for line in documents.invoice_data(final).lines]

    pdf = bytes(InvoiceFile.objects.get(invoice=final).pdf)
    printed = " ".join(pdf_text(pdf))
    assert cited in printed and "13/01/2026" not in printed
    xml = extract_xml(pdf)
    assert cited in xml.decode()
    assert_valid(xml)
