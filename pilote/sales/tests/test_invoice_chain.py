"""Issue 17 point 3: issued invoices and credit notes form a keyed inalterability chain (sales/sealing.py) that
`verify_ledger` and the verification page check. Tampering is simulated as a database administrator would do
it: the triggers dropped, raw SQL, the triggers put back."""

import contextlib
import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from pilote.ledger import verify
from pilote.sales import documents, issuing, sealing, services, triggers
from pilote.sales.models import Invoice, InvoiceChainHead, InvoiceFile, InvoiceSeal
from pilote.sales.services import LineSpec

CHECK = "Chaînage des factures émises"


@contextlib.contextmanager
def triggers_lifted():
    triggers.uninstall(connection)
    triggers.SEALS.uninstall(connection)
    try:
        yield
    finally:
        triggers.install(connection)
        triggers.SEALS.install(connection)


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))


def _issue(shop, *, render: bool = True, quantity: int = 2) -> Invoice:
    lines = [LineSpec.from_product(shop["p"]["chair"], D(quantity))]
    draft = services.create_invoice(
        actor=shop["actor"], customer=shop["customer"], date=shop["day"], lines=lines, customer_reference="BC-118"
    )
    return issuing.issue_invoice(actor=shop["actor"], invoice=draft, render_pdf=render)


@pytest.fixture
def chain(shop):
    """Three invoices (the second without its PDF, as the demo issues them) and a credit note."""
    first, second, third = _issue(shop), _issue(shop, render=False, quantity=3), _issue(shop, quantity=4)
    note = services.credit_note_for(actor=shop["actor"], invoice=first, date=shop["day"])
    note = issuing.issue_invoice(actor=shop["actor"], invoice=note)
    return first, second, third, note


def test_issued_documents_are_sealed_in_order(chain):
    first, second, third, note = chain
    links = list(InvoiceSeal.objects.values_list("chain_index", "invoice_id", "kind"))
    assert links == [(1, first.pk, "document"), (2, second.pk, "document"), (3, third.pk, "document"),
                     (4, note.pk, "document")]  # fmt: skip
    assert InvoiceSeal.objects.get(invoice=first).pdf_sha256 == InvoiceFile.objects.get(invoice=first).sha256
    assert InvoiceSeal.objects.get(invoice=second).pdf_sha256 == ""
    assert InvoiceChainHead.objects.get().last_index == 4
    assert verify.verify_all()[CHECK] == []


def test_a_pdf_archived_later_is_sealed_then(chain):
    second = chain[1]
    documents.archived_pdf(second)
    link = InvoiceSeal.objects.get(invoice=second, kind="file")
    assert link.chain_index == 5 and link.pdf_sha256 == InvoiceFile.objects.get(invoice=second).sha256
    documents.archived_pdf(second)  # archived once
    assert InvoiceSeal.objects.count() == 5 and sealing.check_chain() == []


def test_links_cannot_be_changed_nor_deleted_and_the_head_only_moves_forward(chain):
    refused = IntegrityError if connection.vendor == "postgresql" else Exception
    for statement in (
        "UPDATE sales_invoiceseal SET seal = 'x'",
        "DELETE FROM sales_invoiceseal",
        "UPDATE sales_invoicechainhead SET last_index = 3",
        "UPDATE sales_invoicechainhead SET last_seal = 'x'",
        "DELETE FROM sales_invoicechainhead",
    ):
        with pytest.raises(refused, match="Sceau de facture émise"), transaction.atomic():
            sql(statement)


def test_a_changed_field_is_detected(chain):
    with triggers_lifted():
        sql("UPDATE sales_invoice SET delivery_date = %s WHERE id = %s", [dt.date(2025, 1, 1), chain[2].pk])
        sql("UPDATE sales_invoiceline SET description = 'Fauteuil' WHERE invoice_id = %s", [chain[3].pk])
    problems = sealing.check_chain()
    assert problems == [
        f"Sceau invalide : la facture {chain[2].number} ne correspond plus au document émis (modifié depuis).",
        f"Sceau invalide : l'avoir {chain[3].number} ne correspond plus au document émis (modifié depuis).",
    ]


def test_a_replaced_archived_pdf_is_detected(chain):
    first = chain[0]
    forged = documents.render_invoice(Invoice.objects.get(pk=chain[2].pk))  # a genuine PDF, of another invoice
    import hashlib

    with triggers_lifted():
        sql(
            "UPDATE sales_invoicefile SET pdf = %s, sha256 = %s WHERE invoice_id = %s",
            [forged, hashlib.sha256(forged).hexdigest(), first.pk],
        )
    assert sealing.check_chain() == [f"Le PDF archivé de la facture {first.number} a été remplacé après son archivage."]


def test_a_deleted_invoice_is_detected(chain):
    second, third = chain[1], chain[2]
    with triggers_lifted():
        for table in ("sales_invoiceseal", "sales_invoicefile", "sales_invoiceline"):
            sql(f"DELETE FROM {table} WHERE invoice_id = %s", [second.pk])  # noqa: S608 - our table names
        sql("DELETE FROM sales_invoice WHERE id = %s", [second.pk])
    problems = sealing.check_chain()
    assert f"Chaînage des factures : le sceau de la facture {third.number} porte le rang 3, 2 attendu " in problems[0]
    assert problems[1] == f"Chaînage des factures rompu avant la facture {third.number}."
    assert problems[2] == "Numérotation F-2026 : 2 document(s) émis pour 3 numéro(s) attribué(s) — trou ou doublon."


def test_a_deleted_last_invoice_is_detected_even_with_its_head_rewound(chain):
    note = chain[3]
    with triggers_lifted():
        for table in ("sales_invoiceseal", "sales_invoicefile", "sales_invoiceline"):
            sql(f"DELETE FROM {table} WHERE invoice_id = %s", [note.pk])  # noqa: S608 - our table names
        sql("DELETE FROM sales_invoice WHERE id = %s", [note.pk])
    gap = "Numérotation AV-2026 : 0 document(s) émis pour 1 numéro(s) attribué(s) — trou ou doublon."
    assert sealing.check_chain() == [
        "La fin de la chaîne des factures ne correspond pas au dernier document scellé.",
        gap,
    ]
    last = InvoiceSeal.objects.order_by("-chain_index").first()
    with triggers_lifted():
        InvoiceChainHead.objects.update(last_index=last.chain_index, last_seal=last.seal)
    assert verify.verify_all()[CHECK] == [gap]  # the series' sequence still says one credit note was issued


def test_a_chain_recomputed_without_the_key_is_detected(chain):
    """Whoever writes to the database without the key (PILOTE_CHAIN_KEY, outside it) may change a field and
    recompute every seal with a key of their own: nothing verifies."""
    with triggers_lifted():
        sql("UPDATE sales_invoice SET notes = 'Remise accordée' WHERE id = %s", [chain[0].pk])
        previous = sealing.GENESIS
        with override_settings(PILOTE_CHAIN_KEY="devinée"):
            for link in InvoiceSeal.objects.order_by("chain_index"):
                invoices, lines = sealing._rows(Invoice, Invoice.lines.rel.related_model, [link.invoice_id])
                link.previous_seal = previous
                link.seal = sealing.seal(previous, sealing.link_text(link, invoices[link.invoice_id],
                                                                       lines[link.invoice_id]))  # fmt: skip
                sql("UPDATE sales_invoiceseal SET previous_seal = %s, seal = %s WHERE id = %s",
                    [link.previous_seal, link.seal, link.pk])  # fmt: skip
                previous = link.seal
        InvoiceChainHead.objects.update(last_seal=previous)  # same index, another seal: refused by a trigger
    problems = sealing.check_chain()
    assert len(problems) == 4 and all(problem.startswith("Sceau invalide") for problem in problems)


def test_unsealed_documents_are_sealed_by_the_migration_in_issue_order(chain):
    """Databases issued before the chain existed: migration 0010 seals them (seal_backlog), oldest first."""
    with triggers_lifted():
        sql("DELETE FROM sales_invoiceseal")
        InvoiceChainHead.objects.all().delete()
    assert "4 document(s) émis sans sceau" in sealing.check_chain()[0]
    models = (Invoice, Invoice.lines.rel.related_model, InvoiceSeal, InvoiceChainHead, InvoiceFile)
    assert sealing.seal_backlog(models) == 4
    assert list(InvoiceSeal.objects.values_list("invoice_id", flat=True)) == [c.pk for c in chain]
    assert sealing.check_chain() == []


def test_verify_ledger_and_the_verification_page_check_the_invoices(chain, client_as):
    with triggers_lifted():
        sql("UPDATE sales_invoice SET customer_reference = 'BC-FAUX' WHERE id = %s", [chain[0].pk])
    with pytest.raises(Exception, match="anomalie"):
        call_command("verify_ledger")
    page = client_as("comptable").get("/comptabilite/verification/").content.decode()
    assert CHECK in page and f"Sceau invalide : la facture {chain[0].number}" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("numbers", "last", "gap"),
    [
        (["F-2026-1", "F-2026-2", "F-2026-3"], 3, False),
        (["F-2026-3", "F-2026-1", "F-2026-2"], 3, False),  # in any order
        (["F-2026-1", "F-2026-3"], 3, True),  # a hole
        (["F-2026-1", "F-2026-2", "F-2026-2"], 3, True),  # as many as given, one twice
        (["F-2026-1", "F-2026-2", "F-2026-4"], 3, True),  # as many as given, one beyond
        (["F-2026-1", "F-2026-2", "F-2026-3", "F-2026-4"], 3, True),  # more than given
        (["F-2026-1", "F-2026-2", "F-2026-3"], 2_000_000_000, True),  # a sequence far beyond: no bitmap of that size
        (["F-2025-1"], 0, True),  # a number no sequence gave
    ],
)
def test_the_numbering_is_checked_without_holding_the_numbers(numbers, last, gap):
    from pilote.sales.models import NumberSequence

    if last:
        NumberSequence.objects.create(series="F", year=2026, last_number=last)
    found = sealing._numbering_problems(iter(numbers), NumberSequence, held=len(numbers))
    assert bool(found) == gap
    assert all("trou ou doublon" in problem for problem in found)
