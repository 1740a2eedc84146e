"""Receiving supplier e-invoices: found supplier, original kept, duplicates and foreign files refused, the
decision (bon à payer, litige, refus) and the AC entry it posts."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from pilote.core.exceptions import DomainError
from pilote.ledger.models import EntryLine
from pilote.ledger.verify import verify_all
from pilote.purchases import services
from pilote.purchases.models import SupplierInvoice, SupplierInvoiceStatus
from pilote.purchases.tests import factories
from pilote.purchases.tests.test_einvoice_reader import SAMPLES, needs_samples

D = Decimal


def receive(buy, content: bytes, name: str = "facture.pdf", **kwargs):
    return services.receive_einvoice(actor=buy["assistant"], content=content, filename=name, **kwargs)


def test_a_factur_x_invoice_is_received_with_its_original(buy):
    data = factories.supplier_invoice()
    pdf = factories.facturx(data)
    invoice = receive(buy, pdf)
    assert invoice.supplier == buy["supplier"] and invoice.status == SupplierInvoiceStatus.RECEIVED
    assert invoice.lifecycle == ("204", "Prise en charge")
    assert (invoice.number, invoice.date, invoice.due_date) == (data.number, data.issue_date, data.due_date)
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (
        data.total_net,
        data.total_vat,
        data.total_gross,
    )
    assert [line.net_amount for line in invoice.lines.all()] == [line.net_amount for line in data.lines]
    assert sorted((g.rate, g.base, g.amount) for g in invoice.vat_groups.all()) == sorted(
        (g.rate, g.base, g.amount) for g in data.vat_breakdown
    )
    assert bytes(invoice.original.content) == pdf
    assert invoice.original.sha256 == hashlib.sha256(pdf).hexdigest()
    assert invoice.source == "factur-x" and invoice.original.content_type == "application/pdf"


def test_an_unknown_supplier_is_offered_prefilled_and_nothing_is_written(buy):
    data = factories.supplier_invoice(seller=factories.replace(factories.samples.SELLER, siren="732829320",
                                                               siret="", vat_number="FR44732829320"))  # fmt: skip
    with pytest.raises(services.UnknownSupplier) as unknown:
        receive(buy, factories.cii(data), "facture.xml")
    assert "Atelier Pilote" in unknown.value.message and "732829320" in unknown.value.message
    fields = services.supplier_fields(unknown.value.invoice.seller)
    assert fields["siren"] == "732829320" and fields["is_supplier"] and fields["city"] == "Lyon"
    assert not SupplierInvoice.objects.exists()


def test_duplicates_are_refused_by_number_and_by_file(buy):
    pdf = factories.facturx(factories.supplier_invoice())
    first = receive(buy, pdf)
    with pytest.raises(services.EinvoiceRefused, match="Doublon : la facture n° FA-2026-0042"):
        receive(buy, pdf)
    with pytest.raises(services.EinvoiceRefused, match="Doublon"):  # same number, sent again as CII
        receive(buy, factories.cii(factories.supplier_invoice()), "f.xml")
    assert list(SupplierInvoice.objects.all()) == [first]


def test_an_invoice_addressed_to_another_company_is_refused(buy):
    data = factories.supplier_invoice(buyer=factories.samples.BUYER)  # Coopérative des Monts, SIREN 222 222 226
    with pytest.raises(services.EinvoiceRefused, match="adressée à « Coopérative des Monts » \\(SIREN 222222226\\)"):
        receive(buy, factories.cii(data), "f.xml")


@needs_samples
def test_an_invoice_in_another_currency_is_refused_by_name(buy):
    with pytest.raises(services.EinvoiceRefused, match="est en NOK"):
        receive(buy, (SAMPLES / "ubl/ubl-tc434-example2.xml").read_bytes(), "ubl2.xml")
    assert not SupplierInvoice.objects.exists()


def test_an_oversized_file_is_refused_with_the_limit(buy, settings):
    settings.PILOTE_UPLOAD_MAX_BYTES = {"einvoice": 1024 * 1024}
    with pytest.raises(services.EinvoiceRefused, match="gros.xml » : Le fichier dépasse la taille maximale de 1 Mo"):
        receive(buy, b"<x>" + b" " * (1024 * 1024) + b"</x>", "gros.xml")


def _lines(entry) -> list[tuple]:
    return sorted(
        (line.account.code, line.debit, line.credit, line.vat_rate, line.vat_base)
        for line in EntryLine.objects.filter(entry=entry).select_related("account")
    )


def test_approval_needs_an_account_per_line_then_posts_the_ac_entry(buy):
    data = factories.supplier_invoice()
    invoice = receive(buy, factories.facturx(data))
    with pytest.raises(DomainError, match="Choisissez le compte de charge de chaque ligne"):
        services.approve_invoice(actor=buy["accountant"], invoice=invoice)
    with pytest.raises(DomainError, match="n'est pas un compte de charge"):
        services.set_line_accounts(actor=buy["accountant"], invoice=invoice, accounts={invoice.lines.first().pk: "411"})
    services.set_line_accounts(
        actor=buy["accountant"], invoice=invoice, accounts={line.pk: "604" for line in invoice.lines.all()}
    )
    invoice = services.approve_invoice(actor=buy["accountant"], invoice=invoice)
    assert invoice.status == SupplierInvoiceStatus.APPROVED and invoice.lifecycle[0] == "205"
    assert invoice.entry.journal.code == "AC" and invoice.entry.is_posted
    assert invoice.entry.date == data.issue_date and invoice.entry.piece_ref == data.number
    expected = [("401", D("0"), data.total_gross, None, None), ("604", data.total_net, D("0"), None, None)]
    expected += [("44566", g.amount, D("0"), g.rate.quantize(D("0.01")), g.base) for g in data.vat_breakdown]
    assert _lines(invoice.entry) == sorted(expected)
    supplier_line = invoice.entry.lines.get(account__code="401")
    assert supplier_line.auxiliary.contact == buy["supplier"] and supplier_line.due_date == data.due_date
    assert all(not problems for problems in verify_all().values())
    # The next invoice of this supplier proposes the same account.
    later = receive(buy, factories.cii(factories.supplier_invoice(number="FA-2026-0050")), "f.xml")
    assert {line.account for line in later.lines.all()} == {"604"}


def test_a_supplier_credit_note_posts_the_mirror(buy):
    data = factories.supplier_credit_note()
    note = receive(buy, factories.cii(data), "avoir.xml")
    assert note.is_credit_note
    services.set_line_accounts(
        actor=buy["accountant"], invoice=note, accounts={line.pk: "604" for line in note.lines.all()}
    )
    note = services.approve_invoice(actor=buy["accountant"], invoice=note)
    vat = data.vat_breakdown[0]
    assert _lines(note.entry) == sorted(
        [
            ("401", data.total_gross, D("0"), None, None),
            ("604", D("0"), data.total_net, None, None),
            ("44566", D("0"), vat.amount, vat.rate.quantize(D("0.01")), -vat.base),
        ]
    )


@needs_samples
def test_vat_charged_by_a_foreign_supplier_is_part_of_the_cost(buy):
    xml = (SAMPLES / "ubl/ubl-tc434-example9.xml").read_bytes().replace(b"2015-04-01", b"2026-04-01")
    bluem = factories.make_supplier(
        buy["assistant"], name="Bluem BV", siren="", vat_number="NL809163160B01", country="NL"
    )
    invoice = receive(buy, xml, "bluem.xml", supplier=bluem)
    assert services.charges_foreign_vat(invoice)
    services.set_line_accounts(
        actor=buy["accountant"], invoice=invoice, accounts={line.pk: "6226" for line in invoice.lines.all()}
    )
    invoice = services.approve_invoice(actor=buy["accountant"], invoice=invoice)
    assert _lines(invoice.entry) == [
        ("401", D("0"), D("177.87"), None, None),
        ("6226", D("177.87"), D("0"), None, None),
    ]


def test_dispute_and_refusal_need_a_reason_and_a_refused_invoice_is_never_posted(buy):
    invoice = receive(buy, factories.facturx(factories.supplier_invoice()))
    with pytest.raises(DomainError, match="Indiquez le motif"):
        services.refuse_invoice(actor=buy["accountant"], invoice=invoice, reason=" ")
    invoice = services.dispute_invoice(
        actor=buy["accountant"], invoice=invoice, reason="Prix de la ligne 2 : 45 € convenus"
    )
    assert (invoice.status, invoice.lifecycle[0]) == (SupplierInvoiceStatus.DISPUTED, "207")
    invoice = services.refuse_invoice(actor=buy["accountant"], invoice=invoice, reason="Livraison jamais reçue")
    assert (invoice.lifecycle, invoice.refusal_reason) == (("210", "Refusée"), "Livraison jamais reçue")
    with pytest.raises(DomainError, match="ne peut plus être approuvée"):
        services.approve_invoice(actor=buy["accountant"], invoice=invoice)
    assert invoice.entry is None


def test_a_stale_decision_is_refused(buy):
    invoice = receive(buy, factories.facturx(factories.supplier_invoice()))
    services.dispute_invoice(actor=buy["accountant"], invoice=invoice, reason="À vérifier")
    with pytest.raises(DomainError, match="modifié"):
        services.refuse_invoice(actor=buy["accountant"], invoice=invoice, reason="x", expected_version=invoice.version)


def test_a_ubl_invoice_from_another_generator_is_received_the_same(buy):
    data = factories.supplier_invoice()
    invoice = receive(buy, factories.ubl(data), "facture-ubl.xml")
    assert (invoice.source, invoice.supplier) == ("ubl", buy["supplier"])
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (
        data.total_net,
        data.total_vat,
        data.total_gross,
    )
    assert invoice.lines.count() == len(data.lines)
