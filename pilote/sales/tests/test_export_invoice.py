"""`manage.py export_invoice`: the archived Factur-X PDF of an issued invoice, by number or the latest."""

from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from pilote.sales import issuing, services
from pilote.sales.facturx_pdf import extract_xml
from pilote.sales.models import InvoiceFile
from pilote.sales.services import LineSpec


def issue(shop, quantity, render=True):
    invoice = services.create_invoice(
        actor=shop["actor"], customer=shop["customer"], date=shop["day"],
        lines=[LineSpec.from_product(shop["p"]["book"], D(quantity))],
    )  # fmt: skip
    return issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=render)


def test_export_by_number_and_latest(shop, tmp_path):
    first = issue(shop, 1)
    issue(shop, 2, render=False)  # no archived file yet: rendered and archived on first export
    call_command("export_invoice", first.number, output=str(tmp_path / "a.pdf"))
    assert (tmp_path / "a.pdf").read_bytes() == bytes(InvoiceFile.objects.get(invoice=first).pdf)
    call_command("export_invoice", latest=True, output=str(tmp_path / "b.pdf"))
    xml = extract_xml((tmp_path / "b.pdf").read_bytes()).decode()
    assert "F-2026-00002" in xml and "<ram:GrandTotalAmount>51.70</ram:GrandTotalAmount>" in xml
    assert InvoiceFile.objects.count() == 2


def test_export_refuses_unknown_or_draft(shop, tmp_path):
    draft = services.create_invoice(
        actor=shop["actor"], customer=shop["customer"], date=shop["day"],
        lines=[LineSpec.from_product(shop["p"]["book"], D(1))],
    )  # fmt: skip
    with pytest.raises(CommandError, match="Aucune facture émise"):
        call_command("export_invoice", "F-2026-00042", output=str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="Aucune facture émise"):
        call_command("export_invoice", latest=True, output=str(tmp_path / "x.pdf"))
    assert draft.number is None and not (tmp_path / "x.pdf").exists()
