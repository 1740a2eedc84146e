"""Global search in the books: accounts and third-party (auxiliary) accounts by code or name, entries by their
piece number (exact: the index on `piece_ref`) and by an amount of one of their lines (« 1 234,56 », « 1234.56 € »:
the expression index on debit + credit). No search in entry labels: at ten million lines only an indexed read
answers in time; the entries list filters by words."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.db.models import BigIntegerField, ExpressionWrapper, F, Q
from django.urls import reverse

from pilote.core.registry import SearchHit
from pilote.lib.formats import format_eur
from pilote.lib.money import to_cents

AMOUNT = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f]?\d{3})*(?:[.,]\d{1,2})?$")


def parse_amount(query: str) -> Decimal | None:
    """« 1 234,56 », « 1234.56 € », « 80 » → Decimal; anything else (a code, a name, 0) → None."""
    text = query.strip().removesuffix("€").strip()
    if not AMOUNT.fullmatch(text):
        return None
    try:
        value = Decimal(re.sub(r"[ \u00a0\u202f]", "", text).replace(",", "."))
    except InvalidOperation:
        return None
    return value if value > 0 else None


def _gl(code: str, aux: str = "") -> str:
    params = {"compte": code, **({"auxiliaire": aux} if aux else {})}
    return f"{reverse('ledger:general-ledger')}?{urlencode(params)}"


def search_books(user, query: str, limit: int) -> list[SearchHit]:
    from pilote.ledger.models import Account, AuxiliaryAccount, Entry, EntryLine

    query = query.strip()
    if not query:
        return []
    hits: list[SearchHit] = []
    digits = query.isdigit()
    accounts = Account.objects.filter(Q(code__startswith=query) if digits else Q(label__icontains=query))
    for account in accounts.order_by("code")[:limit]:
        hits.append(SearchHit(f"Compte {account.code}", account.label, _gl(account.code)))
    auxiliaries = AuxiliaryAccount.objects.filter(Q(code__istartswith=query) | Q(label__icontains=query))
    for aux in auxiliaries.select_related("control_account").order_by("code")[:limit]:
        hits.append(SearchHit(f"Compte auxiliaire {aux.code}", aux.label, _gl(aux.control_account.code, aux.code)))
    entries = Entry.objects.filter(piece_ref=query)
    amount = parse_amount(query)
    if amount is not None:
        line_amount = ExpressionWrapper(F("debit") + F("credit"), output_field=BigIntegerField())
        lines = EntryLine.objects.alias(amount=line_amount).filter(amount=to_cents(amount))
        # The entries' keys read first (a handful, through the amount index): as a subquery beside the piece
        # number, PostgreSQL walked the entries by date to test each one against it (155 ms at 1M lines).
        found = list(lines.values_list("entry_id", flat=True)[: limit * 4])
        entries = Entry.objects.filter(Q(piece_ref=query) | Q(pk__in=found))
    for entry in entries.select_related("journal").order_by("-date", "-pk")[:limit]:
        number = f"{entry.journal.code} {entry.number}" if entry.number else f"{entry.journal.code} (brouillard)"
        detail = f"{entry.date:%d/%m/%Y} · pièce {entry.piece_ref or '—'}"
        if amount is not None:
            detail += f" · ligne de {format_eur(amount)}"
        hits.append(
            SearchHit(f"Écriture {number} — {entry.label}", detail, reverse("ledger:entry-detail", args=[entry.pk]))
        )
    return hits[:limit]
