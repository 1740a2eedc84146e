"""Issue 19, before and after in the same process, on a ledger the ledger bench left (`DATABASE_URL` pointing at it):
`python -m bench.ledger_before_after --db sqlite`. The « before » reads are the code as it was (copied here:
the aged balance scanning the lines, the entries list counted and paged by OFFSET with its amounts summed over
the whole filter, the lettering page's lines without their matching, the chain check over the list of every
id, the open-items recomputation over every line); each pair runs alternately, so the machine's load weighs the
same on both. Query counts do not depend on the load; times and traced memory (tracemalloc peak) do."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
import tracemalloc

from bench import harness


def old_aged_balance(control_prefix: str, as_of, payment_days: int = 30):
    from django.db.models import Exists, OuterRef

    from pilote.ledger.models import EntryLine, MatchedLine

    fully = MatchedLine.objects.filter(line=OuterRef("pk"), matching__is_partial=False)
    lines = (
        EntryLine.objects.filter(
            account__code__startswith=control_prefix, entry__status="posted", date__lte=as_of,
            auxiliary__isnull=False, fiscal_year__status="open",
        )
        .exclude(Exists(fully))
        .values_list("auxiliary__code", "auxiliary__label", "date", "due_date", "debit", "credit", "auxiliary_id")
    )  # fmt: skip
    totals: dict = {}
    for code, _label, day, due, debit, credit, _aux in lines:
        due = due or day + dt.timedelta(days=payment_days)
        totals[code] = totals.get(code, 0) + (debit - credit)
    return totals


def old_entry_page(page: int, data: dict):
    from django.core.paginator import Paginator

    from pilote.core.listing import sort_queryset
    from pilote.ledger import queries

    entries = sort_queryset(queries.filter_entries(data), "", queries.ENTRY_SORTS, "-date")
    entries = queries.with_totals(entries)
    result = Paginator(entries, 50).get_page(page)
    return list(result), result.paginator.count


def old_lettering_lines(account, aux_pk):
    from pilote.ledger import lettering

    lines = list(lettering.open_lines(account, aux_pk)[:500])
    return [line.match.matching.code if hasattr(line, "match") else "" for line in lines]


def new_lettering_lines(account, aux_pk):
    from pilote.ledger import lettering

    lines = list(lettering.open_lines(account, aux_pk).select_related("match__matching")[:500])
    return [line.match.matching.code if hasattr(line, "match") else "" for line in lines]


def old_posted_ids():
    from pilote.ledger.models import Entry, EntryStatus

    return list(Entry.objects.filter(status=EntryStatus.POSTED).order_by("chain_index").values_list("pk", flat=True))


def old_open_items_recompute():
    from django.db import connection

    from pilote.ledger import open_items

    with connection.cursor() as cursor:
        cursor.execute(
            f"{open_items._LINES_SQL} JOIN ledger_account a ON a.id = l.account_id WHERE l.is_posted = %s "  # noqa: S608
            f"AND ({open_items._open_item_accounts()})",
            [True],
        )
        rows = cursor.fetchall()
    return open_items.contributions(rows)


def pair(name: str, before, after, *, runs: int) -> dict:
    """Alternate runs of both; median ms, query count and traced peak memory of one call each."""
    samples: dict[str, list[float]] = {"before": [], "after": []}
    for _ in range(runs):
        for side, func in (("before", before), ("after", after)):
            started = time.perf_counter()
            func()
            samples[side].append(time.perf_counter() - started)
    out: dict = {}
    for side, func in (("before", before), ("after", after)):
        _, queries = harness.capture_call(func)
        tracemalloc.start()
        func()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        out[side] = {
            **harness.summarise(samples[side]),
            "queries": len(queries),
            "sql_ms": round(sum(q["ms"] for q in queries), 1),
            "traced_peak_mib": round(peak / 2**20, 2),
        }
    harness.log(f"  {name}: {out}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    stream = harness.start_django()
    from django.db.models import Count

    from pilote.ledger import open_items, queries, verify
    from pilote.ledger.models import AuxiliaryAccount, EntryLine, FiscalYear, Journal

    year = FiscalYear.objects.order_by("-start_date").first()
    today, past = dt.date(2026, 12, 5), dt.date(year.start_date.year, 6, 30)
    busiest = (
        EntryLine.objects.filter(fiscal_year=year, auxiliary__isnull=False, account__code__startswith="411")
        .values("auxiliary_id").annotate(n=Count("id")).order_by("-n").first()
    )  # fmt: skip
    aux = AuxiliaryAccount.objects.select_related("control_account").get(pk=busiest["auxiliary_id"])
    journal = Journal.objects.get(code="VT")
    runs = args.runs
    token = _token_of_page(39)
    march = {"journal": journal, "du": dt.date(past.year, 3, 1), "au": dt.date(past.year, 3, 31)}
    result = {
        "database": harness.database_info(),
        "lines": EntryLine.objects.count(),
        "load_average_before": os.getloadavg(),
        "aged_customers_today": pair(
            "aged 411 today",
            lambda: old_aged_balance("411", today),
            lambda: queries.aged_balance("411", today),
            runs=runs,
        ),
        "aged_customers_past": pair(
            "aged 411 past", lambda: old_aged_balance("411", past), lambda: queries.aged_balance("411", past), runs=runs
        ),
        "entries_first_page": pair(
            "entries page 1", lambda: old_entry_page(1, {}), lambda: queries.entry_page({}, ""), runs=runs
        ),
        "entries_page_40": pair(
            "entries page 40 (OFFSET 1,950 before; the keyset token of page 39 after)",
            lambda: old_entry_page(40, {}),
            lambda: queries.entry_page({}, "", after=token),
            runs=runs,
        ),
        "entries_journal_period": pair(
            "entries VT, March",
            lambda: old_entry_page(1, march),
            lambda: queries.entry_page(march, ""),
            runs=runs,
        ),  # fmt: skip
        "lettering_page_lines": pair(
            f"lettering lines of {aux.code}",
            lambda: old_lettering_lines(aux.control_account, aux.pk),
            lambda: new_lettering_lines(aux.control_account, aux.pk),
            runs=runs,
        ),
        "chain_ids": pair(
            "chain check's ids (list of all, then by keyset chunks)",
            old_posted_ids,
            lambda: sum(len(chunk) for chunk in verify.posted_id_chunks()),
            runs=max(1, runs // 2),
        ),
        "open_items_recompute": pair(
            "open items recomputed (every line fetched, then fully lettered left out in SQL and streamed)",
            old_open_items_recompute,
            open_items.recompute,
            runs=max(1, runs // 2),
        ),
        "load_average_after": os.getloadavg(),
    }
    harness.emit(result, stream)


def _token_of_page(number: int) -> str:
    from pilote.ledger import queries

    page = queries.entry_page({}, "")
    for _ in range(number - 1):
        page = queries.entry_page({}, "", after=page.next_token)
    return page.next_token


if __name__ == "__main__":
    main()
