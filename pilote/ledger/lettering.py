"""Lettrage of customer and supplier accounts: manual, automatic (same amount, same reference), partial,
undone while the period is open; and the open items of a third party."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.ledger import open_items
from pilote.ledger.models import Account, AuxiliaryAccount, EntryLine, EntryStatus, MatchedLine, Matching
from pilote.lib.formats import format_eur
from pilote.lib.money import ZERO


def code_for(number: int) -> str:
    """1 → A, 26 → Z, 27 → AA … (the usual lettrage codes)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def open_lines(account: Account, aux_key: int = 0):
    """Posted lines of the account (and auxiliary account) not in a full matching, oldest first — in open
    fiscal years only: a closed year's open items live on in the next year's detailed à-nouveaux. Read through
    the lines' lettering flag (a third party's: the partial index of its open lines `ledger_line_open_idx`, in
    (date, id) order, not its lettered ones).

    As for `lettered_lines`, the open years are a filter on the rows walked and their first day a bound of the
    walk, so the index gives the page in order and is left at its end: with the year in the index before the date,
    the party's every open line of three years was read, joined and sorted for a page of 200 (6,072 for the biggest
    customer of the 10M-line bench ledger: 42 ms on SQLite)."""
    from pilote.ledger.models import FiscalYear

    years = dict(FiscalYear.objects.filter(status="open").values_list("pk", "start_date"))
    lines = EntryLine.objects.filter(account=account, is_posted=True, is_lettered=False, fiscal_year_id__in=list(years))
    if years:
        lines = lines.filter(date__gte=min(years.values()))
    lines = lines.filter(auxiliary_id=aux_key) if aux_key else lines.filter(auxiliary__isnull=True)
    return lines.select_related("entry__journal").order_by("date", "id")


def open_count(account: Account, aux_key: int) -> tuple[int, bool] | None:
    """How many lines `open_lines` holds for a third party, from the aggregate of its open items
    (`OpenItemPartyTotal.line_count`: its posted lines not in a full matching, one row per open year), as
    `keyset_page`'s `count`; None where the open items are not kept (the page counts the lines then). Counting the
    lines read each one's row to check it was posted (18 ms for the biggest customer of the 10M-line bench, SQLite);
    `verify_ledger` checks the aggregate against the lines."""
    from pilote.ledger.models import FiscalYear, OpenItemPartyTotal

    if not open_items.is_open_item_account(account.code):
        return None
    years = list(FiscalYear.objects.filter(status="open").values_list("pk", flat=True))
    rows = OpenItemPartyTotal.objects.filter(fiscal_year_id__in=years, account=account, aux_key=aux_key)
    return rows.aggregate(n=Sum("line_count"))["n"] or 0, False


def lettered_lines(account: Account, aux_key: int) -> tuple[QuerySet, list[tuple[str, None]]]:
    """A third party's fully lettered lines in open fiscal years, and their sort keys newest first (shown on demand,
    paged by keyset: `keyset_page(lines, keys, descending=True)`).

    The key is the date — then the id —, the order of the partial index of lettered lines `ledger_line_lettered_idx`
    (auxiliary, account, date, id where lettered), which the page walks backwards from the newest line and leaves at
    the page's end: the rows and blocks read follow the page, not the party's history. The open years are a filter
    on the rows walked, and their first day a bound of the walk: a line's date lies in its fiscal year, so the open
    years' lines are all from that day on, and the lines of years closed before it are never walked (with the years
    themselves in the index, (year, date, id), PostgreSQL could not keep the index's order across `year = ANY(…)`:
    it read every line of the party by a bitmap scan and sorted them — 62,713 for the biggest customer of the
    10M-line bench ledger, 170 ms)."""
    from pilote.ledger.models import FiscalYear

    years = dict(FiscalYear.objects.filter(status="open").values_list("pk", "start_date"))
    lines = EntryLine.objects.filter(auxiliary_id=aux_key, account=account, is_lettered=True, is_posted=True)
    lines = lines.filter(fiscal_year_id__in=list(years))
    if years:
        lines = lines.filter(date__gte=min(years.values()))
    return lines.select_related("entry__journal", "match__matching"), [("date", None)]


def lettered_count(account: Account, aux_key: int) -> tuple[int, bool] | None:
    """How many lines `lettered_lines` holds, from the aggregates — the party's posted lines in open years
    (`AccountBalance.line_count`) less those not in a full matching (`OpenItemPartyTotal.line_count`, one row per
    year: its per-date rows `OpenItemParty` are as many as the party's open dates) — as `keyset_page`'s `count`;
    None where the open items are not kept (an account outside `open_items.PREFIXES`: the page counts its lines
    then). Counting the lines themselves read every lettered line of the party (23 ms for the biggest customer of
    the 1M-line bench, growing with the books); `verify_ledger` checks both aggregates against the lines."""
    from pilote.ledger.models import AccountBalance, FiscalYear, OpenItemPartyTotal

    if not open_items.is_open_item_account(account.code):
        return None
    # The open years as a list of ids: joined to the fiscal years instead, SQLite read the account's every
    # aggregate row (its index on the account alone) rather than the unique (year, account, party, …) one.
    years = list(FiscalYear.objects.filter(status="open").values_list("pk", flat=True))
    party = {"fiscal_year_id__in": years, "account": account, "aux_key": aux_key}
    posted = AccountBalance.objects.filter(**party).aggregate(n=Sum("line_count"))["n"] or 0
    still_open = OpenItemPartyTotal.objects.filter(**party).aggregate(n=Sum("line_count"))["n"] or 0
    return posted - still_open, False


def mark_lettered(line_ids, *, lines=EntryLine, matched=MatchedLine) -> None:
    """Copy onto each line its lettering now: `is_lettered` (in a full matching), `lettering_code` and
    `lettered_on` (the code and Paris day of the matching it is in, full or partial; NULL in none). Called after
    every change of lettering (lettering, undoing, completing a partial matching, a FEC take-over's lettering once
    its DateLet is set), in its transaction; `lines=None`: every line in a matching (the migration that added the
    columns passes its historical models). The triggers let these columns alone change on a posted line."""
    mine = matched.objects.filter(line=OuterRef("pk"))
    day = TruncDate("matching__created_at", tzinfo=timezone.get_current_timezone())
    values = {
        "is_lettered": Exists(mine.filter(matching__is_partial=False)),
        "lettering_code": Subquery(mine.values("matching__code")[:1]),
        "lettered_on": Subquery(mine.annotate(day=day).values("day")[:1]),
    }
    if line_ids is None:
        lines.objects.filter(Exists(mine)).update(**values)
        return
    ids = list(line_ids)
    for start in range(0, len(ids), 900):  # SQLite's bound on parameters
        lines.objects.filter(pk__in=ids[start : start + 900]).update(**values)


def _next_code(account: Account, aux_key: int, partial: bool) -> str:
    used = set(Matching.objects.filter(account=account, aux_key=aux_key).values_list("code", flat=True))
    number = len(used) + 1
    while code_for(number) in used or code_for(number).lower() in used:
        number += 1
    return code_for(number).lower() if partial else code_for(number)


def _check_letterable(lines: list[EntryLine]) -> None:
    """Lines that may be lettered together (their entry, fiscal year and account read with them)."""
    if len(lines) < 2:
        raise DomainError("Sélectionnez au moins deux lignes à lettrer.")
    if any(line.entry.status != EntryStatus.POSTED for line in lines):
        raise DomainError("Seules des lignes d'écritures validées se lettrent.")
    if any(not line.fiscal_year.is_open for line in lines):
        raise DomainError("Une des lignes appartient à un exercice clôturé : lettrez sa reprise en à-nouveaux.")
    if len({(line.account_id, line.auxiliary_id) for line in lines}) > 1:
        raise DomainError("Les lignes à lettrer doivent être du même compte (et du même compte auxiliaire).")


SPAN_CLASSES = 16  # the last class holds every matching lettered 2**15 days (90 years) or more after its first line


def span_class(opened_on: dt.date, lettered_on: dt.date) -> int:
    """`Matching.span_class`: the bit length of the days from its earliest line to its lettering (0 when none)."""
    return min(max((lettered_on - opened_on).days, 0).bit_length(), SPAN_CLASSES)


def date_matchings(pks: Iterable[int] | None = None, *, matchings=Matching, matched=MatchedLine) -> None:
    """Set `opened_on` and `span_class` of these matchings (every one when None) from their lines and their
    `created_at`, by slices: after a bulk write of matchings or of their `created_at` (a FEC take-over's DateLet,
    the bench's lettering; the migration that added them passes its historical models)."""
    ids = sorted(pks) if pks is not None else list(matchings.objects.order_by("pk").values_list("pk", flat=True))
    first = matched.objects.filter(matching=OuterRef("pk")).order_by().values("matching").annotate(d=Min("line__date"))
    for start in range(0, len(ids), 900):  # SQLite's bound on parameters
        chunk = matchings.objects.filter(pk__in=ids[start : start + 900])
        chunk.update(opened_on=Subquery(first.values("d")))
        classes: dict[int, list[int]] = defaultdict(list)
        for pk, created_at, opened_on in chunk.values_list("pk", "created_at", "opened_on"):
            if opened_on is not None:
                classes[span_class(opened_on, timezone.localdate(created_at))].append(pk)
        for value, members in classes.items():
            matchings.objects.filter(pk__in=members).update(span_class=value)


def noon(day: dt.date) -> dt.datetime:
    """The moment an accountant letters on `day` (noon, in the structure's time zone — Europe/Paris): a lettering
    dated from a day only (a FEC's DateLet, the demo's books)."""
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())


@transaction.atomic
def date_lettering(
    pks: Iterable[int], moments: Mapping[dt.datetime, list[int]], *, line_ids: Iterable[int] | None = None
) -> None:
    """Date the lettering of these matchings (ids `pks`) and keep every copy of its time right: `created_at` set to
    each moment of `moments` for the matchings listed under it (one UPDATE per moment and slice; a matching listed
    under none keeps its own), then `opened_on` and `span_class` from the lines and that time (`date_matchings`),
    then the lines' FEC copies `lettering_code` and `lettered_on` (`mark_lettered`; `line_ids`, every line of these
    matchings, when the caller holds them, else read here). For matchings written in bulk or lettered at another
    moment than now — a FEC take-over's DateLet, the demo's books lettered as they were booked —, never for a
    lettering made now, which keeps its real time. `verify_ledger` checks the three agree."""
    ids = sorted(set(pks))
    for moment, members in moments.items():
        for start in range(0, len(members), 5000):
            Matching.objects.filter(pk__in=members[start : start + 5000]).update(created_at=moment)
    date_matchings(ids)
    if line_ids is None:
        line_ids = [
            line_id
            for start in range(0, len(ids), 900)  # SQLite's bound on parameters
            for line_id in MatchedLine.objects.filter(matching_id__in=ids[start : start + 900]).values_list(
                "line_id", flat=True
            )
        ]
    mark_lettered(line_ids)


def misdated_matchings() -> int:
    """How many full matchings' `opened_on` or `span_class` disagree with their lines and `created_at` (an aged
    balance at a past date would miss them): `verify_ledger`. Streamed, one row per matching."""
    rows = (
        Matching.objects.filter(is_partial=False)
        .annotate(first=Min("items__line__date"))
        .values_list("created_at", "opened_on", "span_class", "first")
    )
    return sum(
        1
        for created_at, opened_on, span, first in rows.iterator(chunk_size=5000)
        if opened_on != first or (first is not None and span != span_class(first, timezone.localdate(created_at)))
    )


def _new_matching(*, actor, lines: list[EntryLine], partial: bool) -> Matching:
    account, aux_key = lines[0].account, lines[0].auxiliary_id or 0
    opened_on, today = min(line.date for line in lines), timezone.localdate()
    matching = Matching.objects.create(
        code=_next_code(account, aux_key, partial), account=account, aux_key=aux_key, is_partial=partial,
        created_by=actor, opened_on=opened_on, span_class=span_class(opened_on, today),
    )  # fmt: skip
    if timezone.localdate(matching.created_at) != today:  # made at midnight: the day of its created_at
        matching.span_class = span_class(opened_on, timezone.localdate(matching.created_at))
        matching.save(update_fields=["span_class"])
    MatchedLine.objects.bulk_create(MatchedLine(line_id=line.pk, matching=matching) for line in lines)
    return matching


def auxiliary_lines(auxiliary: AuxiliaryAccount, ids) -> list[EntryLine]:
    """The lines among `ids` a third party's lettering page shows: its own lines on its control account (any other
    id is ignored, never lettered from its page)."""
    return list(EntryLine.objects.filter(pk__in=ids, account=auxiliary.control_account_id, auxiliary=auxiliary))


@transaction.atomic
def letter_lines(*, actor, lines: list[EntryLine], partial: bool = False) -> Matching:
    ids = [line.pk for line in lines]
    locked = list(
        EntryLine.objects.select_for_update().filter(pk__in=ids).select_related("entry", "account", "fiscal_year")
    )
    _check_letterable(locked)
    already = MatchedLine.objects.filter(line_id__in=ids).select_related("matching")
    if any(not m.matching.is_partial for m in already):
        raise DomainError("Une des lignes est déjà lettrée.")
    debit = sum((line.debit for line in locked), ZERO)
    credit = sum((line.credit for line in locked), ZERO)
    if debit != credit and not partial:
        raise DomainError(
            f"Les lignes ne se soldent pas : débit {format_eur(debit)}, "
            f"crédit {format_eur(credit)} (écart {format_eur(debit - credit)}). "
            "Cochez « lettrage partiel » pour un règlement partiel."
        )
    change = open_items.Change(ids)
    if debit == credit:
        partial = False
        MatchedLine.objects.filter(line_id__in=ids).delete()  # a partial matching is completed
    elif already:
        raise DomainError("Une des lignes est déjà dans un lettrage partiel : délettrez-le avant.")
    matching = _new_matching(actor=actor, lines=locked, partial=partial)
    Matching.objects.filter(account=matching.account, aux_key=matching.aux_key, items__isnull=True).delete()
    mark_lettered(ids)
    change.done()
    audit.record(actor, "ledger.lettering.done", matching, after={"lines": ids, "partial": partial})
    return matching


@transaction.atomic
def reletter(*, actor, lines: list[EntryLine]) -> Matching | None:
    """Letter `lines` together anew, in one step: the partial matchings some of them are in are undone and the
    lines lettered fully when they balance, partially otherwise (a payment or a credit note added to an invoice's
    partial lettering) — what `unletter` of each then `letter_lines` would do, with one lock of the lines and one
    read of the open-items aggregates before and after, not one per step. None, nothing changed, when one of
    them is in a full matching already. The audit trail keeps an « undone » event per matching replaced and the
    « done » one."""
    ids = {line.pk for line in lines}
    members: dict[int, list[int]] = defaultdict(list)  # the lines of each matching replaced
    partial_of = {}
    for matching_id, line_id, is_partial in MatchedLine.objects.filter(
        matching__in=MatchedLine.objects.filter(line_id__in=ids).values("matching_id")
    ).values_list("matching_id", "line_id", "matching__is_partial"):
        members[matching_id].append(line_id)
        partial_of[matching_id] = is_partial
    if not all(partial_of.values()):
        return None
    every = sorted(ids.union(*members.values()))  # a line of a replaced matching not lettered again becomes open
    locked = list(
        EntryLine.objects.select_for_update(of=("self",))
        .filter(pk__in=every)
        .select_related("entry", "account", "fiscal_year")
        .order_by("pk")
    )
    mine = [line for line in locked if line.pk in ids]
    _check_letterable(mine)
    undone = {line_id for found in members.values() for line_id in found}
    for line in locked:
        year = line.fiscal_year
        if line.pk in undone and (not year.is_open or (year.locked_until and line.date <= year.locked_until)):
            raise DomainError("Ce lettrage touche une période clôturée ou verrouillée : il ne peut plus être défait.")
    change = open_items.Change(every)
    if members:
        replaced = list(Matching.objects.filter(pk__in=list(members)).order_by("pk"))
        for previous in replaced:
            audit.record(actor, "ledger.lettering.undone", previous, before={"lines": sorted(members[previous.pk])})
        MatchedLine.objects.filter(matching_id__in=list(members)).delete()
        Matching.objects.filter(pk__in=list(members)).delete()
    debit = sum((line.debit for line in mine), ZERO)
    credit = sum((line.credit for line in mine), ZERO)
    matching = _new_matching(actor=actor, lines=mine, partial=debit != credit)
    mark_lettered(every)
    change.done()
    done = {"lines": [line.pk for line in mine], "partial": matching.is_partial}
    audit.record(actor, "ledger.lettering.done", matching, after=done)
    return matching


@transaction.atomic
def unletter(*, actor, matching: Matching) -> None:
    lines = EntryLine.objects.filter(match__matching=matching).select_related("fiscal_year")
    for line in lines:
        year = line.fiscal_year
        if not year.is_open or (year.locked_until and line.date <= year.locked_until):
            raise DomainError("Ce lettrage touche une période clôturée ou verrouillée : il ne peut plus être défait.")
    audit.record(actor, "ledger.lettering.undone", matching, before={"lines": [line.pk for line in lines]})
    ids = [line.pk for line in lines]
    change = open_items.Change(ids)
    matching.delete()
    mark_lettered(ids)
    change.done()


@transaction.atomic
def auto_letter(*, actor, account: Account, auxiliary: AuxiliaryAccount | None = None) -> int:
    """Letter, per auxiliary account, the open lines sharing a reference (the line's own, else the entry's
    piece_ref) whose debits and credits balance — the invoice and its payment(s). Returns the number of
    matchings made.

    `auxiliary` limits the run to one third party's lines: an action launched from one customer's or
    supplier's page must never letter another's (None: every auxiliary account of `account`, for a batch
    run over the whole account such as the demo's year end)."""
    if auxiliary is not None and auxiliary.control_account_id != account.pk:
        raise DomainError(f"Le compte auxiliaire {auxiliary.code} ne dépend pas du compte {account.code}.")
    groups: dict[tuple[int, str], list[EntryLine]] = defaultdict(list)
    partially = MatchedLine.objects.filter(line=OuterRef("pk"))
    candidates = (
        EntryLine.objects.filter(account=account, entry__status=EntryStatus.POSTED, fiscal_year__status="open")
        .exclude(Exists(partially))
        .exclude(Q(entry__piece_ref="") & Q(reference=""))
        .select_related("entry")
    )
    if auxiliary is not None:
        candidates = candidates.filter(auxiliary=auxiliary)
    for line in candidates:
        groups[(line.auxiliary_id or 0, line.reference or line.entry.piece_ref)].append(line)
    made = 0
    for (_aux, _ref), lines in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1])):
        debit = sum((line.debit for line in lines), Decimal(0))
        credit = sum((line.credit for line in lines), Decimal(0))
        if len(lines) >= 2 and debit == credit and debit > 0:
            letter_lines(actor=actor, lines=lines)
            made += 1
    return made
