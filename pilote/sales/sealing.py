"""The inalterability chain of issued invoices and credit notes (issue 17 point 3), beside the ledger's.

At issue, a link (`InvoiceSeal`) seals the document's canonical text — every column the triggers freeze (the
header, both parties as copied at issue, dates, references, terms, mentions, totals, the entry), every column of
its lines, and the SHA-256 of its archived Factur-X PDF (the CII XML is embedded in it) — with
`lib.sealing.seal`, the HMAC keyed with `settings.PILOTE_CHAIN_KEY` held outside the database, chained to the
previous link. An invoice issued without its PDF (bulk loads such as the demo) gets a second link, of kind
« file », when the PDF is archived on first use. Links are only ever added (triggers refuse UPDATE and DELETE),
under the lock of `InvoiceChainHead`, taken last in the issuing transaction so it is held for a few statements.

`check_chain` (registered on `ledger.verify`, so `verify_ledger`, the verification page and the closing checks
run it) recomputes every seal from the stored rows and the stored PDF bytes: a changed field, a replaced PDF, a
deleted, inserted or unsealed invoice, a chain recomputed without the key, a rewound head are each reported.

The text is JSON (one array per row, values normalised so SQLite and PostgreSQL give the same text). A column
frozen later must never change the text of documents sealed before it: append it only when not empty.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from pilote.lib.sealing import GENESIS, matches, seal
from pilote.sales.triggers import FROZEN

# The columns sealed since the chain began, in this order (sales/triggers.py FROZEN at the time).
SEALED_INVOICE = (
    "id", "customer_id", "date", "notes", "total_net", "total_vat", "total_gross", "created_by_id", "created_at",
    "kind", "status", "number", "order_id", "credited_invoice_id", "customer_reference", "delivery_date",
    "payment_term", "due_date", "issued_at", "customer_snapshot", "seller_snapshot", "operation_nature",
    "vat_on_debits", "vat_on_receipts", "penalty_rate", "entry_id",
)  # fmt: skip
LATER_INVOICE = tuple(column for column in FROZEN if column not in SEALED_INVOICE)  # appended when not empty
SEALED_LINE = (
    "id", "invoice_id", "position", "product_id", "reference", "description", "kind", "quantity", "unit",
    "unit_price", "discount_percent", "vat_rate", "exemption_mention", "account", "net_amount", "order_line_id",
    "deposit_invoice_id",
)  # fmt: skip
NUMBER = re.compile(r"^(F|AV)-(\d{4})-(\d+)$")


def _value(value):
    """A stored value as the same JSON scalar on every database (a Decimal by its digits, whatever its scale)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, memoryview | bytes):
        return hashlib.sha256(bytes(value)).hexdigest()
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))  # the JSON snapshots


def _row(values) -> str:
    return json.dumps([_value(v) for v in values], ensure_ascii=False, separators=(",", ":"))


def link_text(link, invoice_row: tuple | None, line_rows: list[tuple]) -> str:
    """The canonical text of a link: its own head, then (document) the invoice's frozen columns and its lines,
    or (file) the invoice's id and number. `link` carries chain_index, kind, sealed_at and pdf_sha256."""
    head = _row([link.kind, link.chain_index, link.sealed_at, link.pdf_sha256])
    if invoice_row is None:
        return head + "\n(absente)"
    sealed, later = invoice_row[: len(SEALED_INVOICE)], invoice_row[len(SEALED_INVOICE) :]
    if link.kind == "file":
        return "\n".join([head, _row([sealed[0], sealed[SEALED_INVOICE.index("number")]])])
    extra = [[name, value] for name, value in zip(LATER_INVOICE, later, strict=True) if value not in (None, "")]
    return "\n".join([head, _row([*sealed, *extra]), *(_row(line) for line in line_rows)])


def _rows(invoice_model, line_model, invoice_ids) -> tuple[dict[int, tuple], dict[int, list[tuple]]]:
    invoices = {
        row[0]: row
        for row in invoice_model.objects.filter(pk__in=invoice_ids).values_list(*SEALED_INVOICE, *LATER_INVOICE)
    }
    lines: dict[int, list[tuple]] = {pk: [] for pk in invoice_ids}
    for row in (
        line_model.objects.filter(invoice_id__in=invoice_ids).order_by("invoice_id", "position", "id")
    ).values_list(*SEALED_LINE):
        lines[row[1]].append(row)
    return invoices, lines


def append(invoice_id: int, kind: str, pdf_sha256: str = "", *, models=None) -> object:
    """Add a link for the invoice (read back from the database, as the verification reads it) at the end of the
    chain, under the head's lock. `models` lets the data migration pass its historical models."""
    if models is None:
        from pilote.sales.models import Invoice, InvoiceChainHead, InvoiceLine, InvoiceSeal

        models = (Invoice, InvoiceLine, InvoiceSeal, InvoiceChainHead)
    invoice_model, line_model, seal_model, head_model = models
    head, _ = head_model.objects.select_for_update().get_or_create(pk=1)
    link = seal_model(
        chain_index=head.last_index + 1,
        invoice_id=invoice_id,
        kind=kind,
        pdf_sha256=pdf_sha256,
        sealed_at=timezone.now(),
        previous_seal=head.last_seal,
    )
    invoices, lines = _rows(invoice_model, line_model, [invoice_id])
    link.seal = seal(head.last_seal, link_text(link, invoices[invoice_id], lines[invoice_id]))
    link.save()
    head.last_index, head.last_seal = link.chain_index, link.seal
    head.save()
    return link


def seal_issued(invoice, pdf: bytes | None) -> None:
    """The issue's link, in the issuing transaction (after the entry: the chain's lock is the last one taken)."""
    append(invoice.pk, "document", hashlib.sha256(pdf).hexdigest() if pdf is not None else "")


@transaction.atomic
def archive_later(invoice, pdf: bytes):
    """Archive the PDF of an invoice issued without it and seal its digest; the one already archived by a
    concurrent request wins (the chain's lock serialises them)."""
    from pilote.sales.issuing import archive_pdf
    from pilote.sales.models import InvoiceChainHead, InvoiceFile

    InvoiceChainHead.objects.select_for_update().get_or_create(pk=1)
    if existing := InvoiceFile.objects.filter(invoice=invoice).first():
        return existing
    stored = archive_pdf(invoice, pdf)
    append(invoice.pk, "file", stored.sha256)
    return stored


def seal_backlog(models) -> int:
    """Seal, in issue order, the issued documents that have no link yet (data migration 0011)."""
    invoice_model, _line_model, seal_model, _head_model, file_model = models
    sealed = set(seal_model.objects.filter(kind="document").values_list("invoice_id", flat=True))
    pending = [
        pk
        for pk in invoice_model.objects.filter(status="issued").order_by("issued_at", "id").values_list("pk", flat=True)
        if pk not in sealed
    ]
    for pk in pending:
        stored = file_model.objects.filter(invoice_id=pk).values_list("pdf", flat=True).first()
        append(
            pk, "document", hashlib.sha256(bytes(stored)).hexdigest() if stored is not None else "", models=models[:4]
        )
    return len(pending)


def check_chain(batch: int = 1000) -> list[str]:
    """Recompute every link in chain order; then every issued document is sealed once, every archived PDF is the
    one sealed, the head is the last link and each series is numbered without a gap up to its sequence. Memory
    does not follow the number of documents: links read by keyset chunks on the chain index, the other checks
    asked of the database (only what is wrong comes back) or streamed."""
    from django.db.models import Exists, OuterRef, Subquery

    from pilote.sales.models import (
        Invoice,
        InvoiceChainHead,
        InvoiceFile,
        InvoiceLine,
        InvoiceSeal,
        InvoiceStatus,
        NumberReservation,
        NumberSequence,
    )

    problems: list[str] = []
    previous, expected = GENESIS, 1
    fields = ("chain_index", "invoice_id", "kind", "pdf_sha256", "sealed_at", "previous_seal", "seal")
    last = 0
    while links := [
        _Link(*row)
        for row in InvoiceSeal.objects.filter(chain_index__gt=last).order_by("chain_index").values_list(*fields)[:batch]
    ]:
        last = links[-1].chain_index
        invoices, lines = _rows(Invoice, InvoiceLine, list({link.invoice_id for link in links}))
        for link in links:
            row = invoices.get(link.invoice_id)
            name = _name(row, link.invoice_id)
            if link.chain_index != expected:
                problems.append(
                    f"Chaînage des factures : le sceau de {name} porte le rang {link.chain_index}, {expected} attendu "
                    "(document supprimé ou inséré)."
                )
            if link.previous_seal != previous:
                problems.append(f"Chaînage des factures rompu avant {name}.")
            if row is None:
                problems.append(f"La facture scellée au rang {link.chain_index} a disparu de la base.")
            elif not matches(seal(link.previous_seal, link_text(link, row, lines[link.invoice_id])), link.seal):
                problems.append(f"Sceau invalide : {name} ne correspond plus au document émis (modifié depuis).")
            previous, expected = link.seal, link.chain_index + 1
    head = InvoiceChainHead.objects.filter(pk=1).values_list("last_index", "last_seal").first() or (0, GENESIS)
    if head != (expected - 1, previous):
        problems.append("La fin de la chaîne des factures ne correspond pas au dernier document scellé.")

    issued = Invoice.objects.filter(status=InvoiceStatus.ISSUED)
    documents = InvoiceSeal.objects.filter(invoice_id=OuterRef("pk"), kind="document")
    unsealed = list(issued.exclude(Exists(documents)).values_list("number", flat=True))
    if unsealed:
        shown = ", ".join(sorted(unsealed)[:10]) + (" …" if len(unsealed) > 10 else "")
        problems.append(f"{len(unsealed)} document(s) émis sans sceau (écrits hors de Pilote ?) : {shown}.")
    # The digest the last link of each archived file's invoice sealed, asked of the database per file.
    sealed = InvoiceSeal.objects.filter(invoice_id=OuterRef("invoice_id")).exclude(pdf_sha256="")
    files = InvoiceFile.objects.annotate(
        sealed=Subquery(sealed.order_by("-chain_index").values("pdf_sha256")[:1]),
        linked=Exists(InvoiceSeal.objects.filter(invoice_id=OuterRef("invoice_id"))),
    ).values_list("invoice_id", "sha256", "pdf", "sealed", "linked", "invoice__kind", "invoice__number")
    for invoice_id, stored_digest, pdf, sealed_digest, linked, kind, number in files.iterator(chunk_size=50):
        name = _label(kind, number) if linked else f"la facture n° {invoice_id}"
        if sealed_digest is None:
            problems.append(f"Le PDF archivé de {name} n'est pas scellé.")
        elif not (
            matches(sealed_digest, hashlib.sha256(bytes(pdf)).hexdigest()) and matches(sealed_digest, stored_digest)
        ):
            problems.append(f"Le PDF archivé de {name} a été remplacé après son archivage.")
    lost = list(  # sealed with a PDF, the PDF no longer archived
        InvoiceSeal.objects.exclude(pdf_sha256="")
        .exclude(Exists(InvoiceFile.objects.filter(invoice_id=OuterRef("invoice_id"))))
        .values_list("invoice_id", flat=True)
        .distinct()
        .order_by("invoice_id")
    )
    invoices, _lines = _rows(Invoice, InvoiceLine, lost) if lost else ({}, {})
    for invoice_id in lost:
        problems.append(f"Le PDF archivé de {_name(invoices.get(invoice_id), invoice_id)} a disparu.")
    numbers = itertools.chain(
        issued.values_list("number", flat=True).iterator(chunk_size=2000),
        NumberReservation.objects.values_list("number", flat=True).iterator(chunk_size=2000),
    )
    held = issued.count() + NumberReservation.objects.count()
    return problems + _numbering_problems(numbers, NumberSequence, held=held)


def _numbering_problems(numbers_held, sequence_model, *, held: int) -> list[str]:
    """Each series (F, AV) of a year numbered 1…n without a gap, n being its sequence's last number: an invoice
    deleted at the end of a series shows even when the chain's tail was cut with it. A number reserved by a draft
    whose issue is under way (or was interrupted: `issuing.issue_invoice`) is held, not missing. Read as they come:
    a count per series and one bit per number up to n (`held`, the numbers held in all, bounds it: a series given
    more numbers than that has a gap whatever they are), never the list of numbers."""
    last = {
        (series, year): n
        for series, year, n in sequence_model.objects.filter(series__in=("F", "AV"), last_number__gt=0).values_list(
            "series", "year", "last_number"
        )
    }
    counts: dict[tuple[str, int], int] = {}
    seen: dict[tuple[str, int], bytearray] = {}
    wrong: set[tuple[str, int]] = set()  # a number outside 1…n, or twice
    for number in numbers_held:
        if not (match := NUMBER.match(number or "")):
            continue
        series, n = (match[1], int(match[2])), int(match[3])
        counts[series] = counts.get(series, 0) + 1
        given = last.get(series, 0)
        if not 1 <= n <= given:
            wrong.add(series)
            continue
        if counts[series] > given or given > held:  # more documents than numbers, or numbers than documents
            wrong.add(series)
            continue
        bits = seen.get(series)
        if bits is None:
            bits = seen[series] = bytearray((given + 8) // 8)
        if bits[n >> 3] & (1 << (n & 7)):
            wrong.add(series)
        bits[n >> 3] |= 1 << (n & 7)
    return [
        f"Numérotation {series}-{year} : {counts.get((series, year), 0)} document(s) émis pour {given} numéro(s) "
        "attribué(s) — trou ou doublon."
        for series, year in sorted(set(counts) | set(last))
        if (given := last.get((series, year), 0)) != counts.get((series, year), 0) or (series, year) in wrong
    ]


class _Link(NamedTuple):
    chain_index: int
    invoice_id: int
    kind: str
    pdf_sha256: str
    sealed_at: dt.datetime
    previous_seal: str
    seal: str


def _name(row: tuple | None, invoice_id: int) -> str:
    if row is None:
        return f"la facture n° {invoice_id}"
    return _label(row[SEALED_INVOICE.index("kind")], row[SEALED_INVOICE.index("number")])


def _label(kind: str, number: str) -> str:
    label = "l'avoir" if kind == "credit_note" else "la facture"
    return f"{label} {number}"
