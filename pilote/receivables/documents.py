"""Dunning letters and customer statements as PDF (WeasyPrint), from the frozen letter or the statement.

Both are A4 portrait French letters with the structure's identity, so they get their own stylesheet
(core.pdf's print.css lays reports out in landscape). Nothing is fetched: no network, no disk.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from pilote.core.models import Structure
from pilote.lib.formats import format_eur
from pilote.receivables.models import DunningLetter
from pilote.sales.terms import RECOVERY_INDEMNITY

STYLESHEET = Path(__file__).parent / "static" / "receivables" / "letter.css"


def _refuse(url: str, *args, **kwargs):
    raise ValueError(f"Ressource externe refusée dans un PDF : {url}")


def render_html_pdf(template: str, context: dict) -> bytes:
    from weasyprint import CSS, HTML

    structure = Structure.objects.get()
    html = render_to_string(template, {**context, "structure": structure, "generated_at": timezone.localtime()})
    return HTML(string=html, url_fetcher=_refuse).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])


def structure_legal_line(structure: Structure) -> str:
    parts = [structure.legal_name]
    if structure.legal_form:
        parts.append(structure.get_legal_form_display())
    if structure.share_capital is not None:
        parts.append(f"au capital de {format_eur(structure.share_capital)}")
    if structure.rcs_city and structure.siren:
        parts.append(f"RCS {structure.rcs_city} {structure.siren}")
    elif structure.siren:
        parts.append(f"SIREN {structure.siren}")
    if structure.vat_number:
        parts.append(f"TVA {structure.vat_number}")
    return " – ".join(parts)


def slices_of(line) -> list[dict]:
    """The penalty detail kept on a letter line, with dates and Decimals back."""
    return [
        {
            "start": dt.date.fromisoformat(s["start"]),
            "end": dt.date.fromisoformat(s["end"]),
            "days": s["days"],
            "base": Decimal(s["base"]),
            "rate": Decimal(s["rate"]),
            "amount": Decimal(s["amount"]),
        }
        for s in line.penalty_detail
    ]


def letter_pdf(letter: DunningLetter, lines: list | None = None) -> bytes:
    structure = Structure.objects.get()
    lines = list(letter.lines.all()) if lines is None else lines
    for line in lines:
        line.slices = slices_of(line)
    context = {
        "paragraphs": [p.strip() for p in letter.body.replace("\r\n", "\n").split("\n\n") if p.strip()],
        "letter": letter,
        "customer": letter.customer,
        "lines": lines,
        "legal_line": structure_legal_line(structure),
        "indemnity": RECOVERY_INDEMNITY,
        "is_business": letter.customer.kind != "person",
    }
    return render_html_pdf("receivables/letter_pdf.html", context)


def letter_filename(letter: DunningLetter) -> str:
    return f"relance-{letter.rank}-{letter.customer_id}-{letter.date:%Y%m%d}.pdf"


def statement_pdf(statement) -> bytes:
    legal_line = structure_legal_line(Structure.objects.get())
    return render_html_pdf("receivables/statement_pdf.html", {"statement": statement, "legal_line": legal_line})


def preview_pdf(proposal, on) -> bytes:
    """The letter `proposal` would produce on `on`, rendered without recording anything."""
    from pilote.receivables.dunning import draft_letter

    letter, lines = draft_letter(proposal, on, Structure.objects.get().display_name)
    return letter_pdf(letter, lines)
