"""Global invariants of the books, re-checked from the stored data (`manage.py verify_ledger`, the
verification page, and the end-to-end tests). Each check returns French messages, one per violation."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from pilote.core import jobs
from pilote.core.exceptions import DomainError
from pilote.ledger import chain
from pilote.ledger.models import (
    Account,
    AccountBalance,
    AuxiliaryAccount,
    ChainHead,
    Entry,
    EntryLine,
    EntryStatus,
    FiscalYear,
    Journal,
    JournalKind,
    MatchedLine,
)
from pilote.lib import sealing
from pilote.lib.formats import format_eur, format_number
from pilote.lib.french import plural

ENTRY_FIELDS = (
    "pk", "chain_index", "journal__code", "journal__kind", "fiscal_year__start_date", "number", "date", "piece_ref",
    "piece_date", "label", "posted_at", "reversal_of_id", "source_number", "source_valid_date", "created_by_id",
    "previous_hash", "hash",
)  # fmt: skip
LINE_BATCH = 2000  # lines fetched at once by the chain check
LINE_FIELDS = (
    "entry_id", "position", "date", "fiscal_year__start_date", "account__code", "auxiliary__code", "label", "debit",
    "credit", "due_date", "vat_rate", "vat_base", "reference",
)  # fmt: skip


def _date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value  # SQLite without a date converter


def read_chunk(ids: list[int], entry_model=Entry, line_model=EntryLine):
    """Entries as light objects (`journal` its code, `journal_kind`, `fiscal_year` its start date, …) in
    chain order, and each entry's lines as raw tuples in `chain.line_text`'s order (amounts in integer
    cents, no model instance, no Decimal: at a million lines, converting them cost most of the check).
    Migration 0017 reads through it with its historical models."""
    entries = _entry_rows(ids, entry_model)
    lines = line_model.objects.filter(entry_id__in=ids).order_by("entry_id", "position", "id")
    sql, params = lines.values_list(*LINE_FIELDS).query.sql_with_params()
    found: dict[int, list[tuple]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for entry_id, *line in cursor:
            found[entry_id].append(_line(*line))
    return entries, found


def _entry_rows(ids: list[int], entry_model=Entry) -> list[SimpleNamespace]:
    rows = entry_model.objects.filter(pk__in=ids).order_by("chain_index").values_list(*ENTRY_FIELDS)
    names = [
        {"journal__kind": "journal_kind"}.get(field, field.split("__")[0]) for field in ENTRY_FIELDS
    ]  # journal__code → journal, …
    return [SimpleNamespace(**dict(zip(names, row, strict=True))) for row in rows]


def _line(position, day, year, account, aux, label, debit, credit, due, rate, base, ref) -> tuple:
    if rate is not None and not isinstance(rate, Decimal):  # SQLite gives the stored text or number
        rate = Decimal(str(rate))
    return position, _date(day), _date(year), account, aux, label, debit, credit, _date(due), rate, base, ref


def _head_text(entry: SimpleNamespace) -> str:
    return chain.head_text(
        entry.chain_index, entry.journal, entry.journal_kind, entry.fiscal_year, entry.number, entry.date,
        entry.piece_ref, entry.piece_date, entry.label, entry.posted_at, entry.reversal_of_id, entry.source_number,
        entry.source_valid_date, entry.created_by_id,
    )  # fmt: skip


def canonical_text(entry: SimpleNamespace, lines: list[tuple]) -> str:
    """The canonical text of an entry read by `read_chunk`."""
    return "\n".join([_head_text(entry), *(chain.line_text(*line) for line in lines)])


def recomputed_seals(entries: list[SimpleNamespace]) -> dict[int, str]:
    """Each entry's seal recomputed from the stored data — after its stored previous seal (the links between seals
    are checked apart) — with its lines streamed from the database (a server-side cursor on PostgreSQL) and fed
    to the seal as they come: memory does not grow with the size of an entry (a detailed à-nouveaux carries every
    open item of the books), as `read_chunk` would."""
    by_id = {entry.pk: entry for entry in entries}
    seals: dict[int, str] = {}
    lines = EntryLine.objects.filter(entry_id__in=list(by_id)).order_by("entry_id", "position", "id")
    sql, params = lines.values_list(*LINE_FIELDS).query.sql_with_params()
    current, sealer, texts = None, None, []
    with transaction.atomic(), connection.chunked_cursor() as cursor:  # in a transaction: no WITH HOLD copy
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(LINE_BATCH):
            for entry_id, *line in rows:
                if entry_id != current:
                    if sealer is not None:
                        sealer.update("".join(texts).encode())
                        seals[current] = sealer.hexdigest()
                    entry = by_id[entry_id]
                    current, sealer, texts = entry_id, sealing.sealer(entry.previous_hash, _head_text(entry)), []
                texts.append("\n" + chain.line_text(*_line(*line)))
            if sealer is not None:  # a block's texts into the seal: memory stays one block
                sealer.update("".join(texts).encode())
                texts = []
    if sealer is not None:
        seals[current] = sealer.hexdigest()
    for entry in entries:  # an entry without lines (none should exist) is sealed over its head alone
        if entry.pk not in seals:
            seals[entry.pk] = chain.seal_text(entry.previous_hash, _head_text(entry))
    return seals


def posted_ids() -> list[int]:
    return [pk for chunk in posted_id_chunks() for pk in chunk]


def posted_id_chunks(batch: int = 5000):
    """The posted entries' ids in chain order, `batch` at a time, read by keyset on the chain index (its unique
    index): memory stays one chunk whatever the size of the books."""
    last = 0
    while True:
        rows = list(
            Entry.objects.filter(status=EntryStatus.POSTED, chain_index__gt=last)
            .order_by("chain_index")
            .values_list("pk", "chain_index")[:batch]
        )
        if not rows:
            return
        yield [pk for pk, _ in rows]
        last = rows[-1][1]


def check_chain(batch: int = 1000, recorded: chain.Head | None = None) -> list[str]:
    """Recompute every posted entry's seal in chain order; with `recorded` (a head written down outside the
    database earlier), the entry at that index must still carry that seal. A chunk of 1,000 entries: 5,000 held
    14 MB more for no speed (1M lines: 84 → 70 MB, 13.2 → 12.0 s of CPU)."""
    problems = []
    previous_hash, expected_index = chain.GENESIS, 1
    recorded_seen = recorded is None or recorded.index == 0
    count = 0
    for ids in posted_id_chunks(batch):  # streamed: one chunk of entries and lines in memory at a time
        count += len(ids)
        entries = _entry_rows(ids)
        seals = recomputed_seals(entries)
        for entry in entries:
            name = f"{entry.journal} {entry.number} — {entry.label}"
            if entry.chain_index != expected_index:
                problems.append(
                    f"Chaînage : l'écriture {name} porte l'indice {entry.chain_index}, "
                    f"{expected_index} attendu (écriture manquante ou insérée)."
                )
            if entry.previous_hash != previous_hash:
                problems.append(f"Chaînage rompu avant l'écriture {name}.")
            if not sealing.matches(seals[entry.pk], entry.hash):
                problems.append(f"Empreinte invalide : l'écriture {name} a été modifiée après validation.")
            if recorded is not None and entry.chain_index == recorded.index:
                recorded_seen = True
                if not sealing.matches(recorded.seal, entry.hash):
                    problems.append(
                        f"L'écriture {name}, à l'indice {format_number(recorded.index, 0)} de la tête relevée, "
                        "ne porte plus l'empreinte relevée : la chaîne a été réécrite depuis ce relevé."
                    )
            previous_hash, expected_index = entry.hash, entry.chain_index + 1
    if not recorded_seen:
        problems.append(
            f"La tête relevée nomme l'indice {format_number(recorded.index, 0)}, absent de la chaîne : "
            "écritures supprimées depuis ce relevé."
        )
    problems += _head_problems(count, expected_index - 1, previous_hash)
    return problems


def _head_problems(count: int, last_index: int, last_hash: str) -> list[str]:
    """The stored head must name the last posted entry, always: a head that says 1 200 entries over an
    empty table is books wiped (TRUNCATE, DELETE with the triggers lifted), not an empty ledger."""
    head = ChainHead.objects.filter(pk=1).first()
    head_index, head_hash = (head.last_index, head.last_hash) if head else (0, chain.GENESIS)
    if head_index == last_index and head_hash == last_hash:
        return []
    said, found = _entries(head_index, "chaînée"), _entries(count, "validée")
    if head_index != last_index:
        return [
            f"La tête de chaîne annonce {said} mais la base contient {found} "
            f"(dernier indice {format_number(last_index, 0)}) : écritures supprimées ou chaîne réécrite."
        ]
    return ["La tête de chaîne ne porte pas l'empreinte de la dernière écriture validée : chaîne réécrite."]


def _entries(count: int, adjective: str) -> str:
    """« 1 200 écritures chaînées », « 0 écriture validée »."""
    s = "s" if count > 1 else ""
    return f"{format_number(count, 0)} écriture{s} {adjective}{s}"


def _entry_names(ids) -> dict[int, str]:
    """« VT 12 (Exercice 2026) » per entry id: messages name entries as the books do, never by database id."""
    rows = Entry.objects.filter(pk__in=ids).values_list("pk", "journal__code", "number", "fiscal_year_id")
    years = _year_names()
    return {pk: f"{journal} {number or '—'} ({years.get(year, '')})" for pk, journal, number, year in rows}


def _year_names() -> dict[int, str]:
    return {year.pk: str(year) for year in FiscalYear.objects.all()}


def check_balanced() -> list[str]:
    """Each posted entry balanced, and its amount stored at posting (`total_debit`, shown by the entries list, not
    sealed) equal to the sum of its debits — in the same grouped read of the lines."""
    rows = (
        EntryLine.objects.filter(entry__status=EntryStatus.POSTED)
        .values("entry_id", "entry__total_debit")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .filter(~Q(debit=F("credit")) | ~Q(debit=F("entry__total_debit")) | Q(entry__total_debit__isnull=True))
    )
    rows = list(rows)
    names = _entry_names([row["entry_id"] for row in rows])
    problems = []
    for row in rows:
        name = names.get(row["entry_id"], "")
        if row["debit"] != row["credit"]:
            problems.append(
                f"Écriture {name} déséquilibrée : débit {format_eur(row['debit'])}, crédit {format_eur(row['credit'])}."
            )
        if row["entry__total_debit"] != row["debit"]:
            stored = row["entry__total_debit"]
            problems.append(
                f"Écriture {name} : montant enregistré {format_eur(stored) if stored is not None else 'absent'}, "
                f"ses lignes font {format_eur(row['debit'])} au débit."
            )
    return problems


def check_numbering() -> list[str]:
    problems = []
    groups = (
        Entry.objects.filter(status=EntryStatus.POSTED)
        .values("journal__code", "fiscal_year_id")
        .annotate(n=Count("id"), low=Min("number"), high=Max("number"))
    )
    years = _year_names()
    for group in groups:
        if group["low"] != 1 or group["high"] != group["n"]:
            problems.append(
                f"Numérotation du journal {group['journal__code']} ({years.get(group['fiscal_year_id'], '')}) : "
                f"{group['n']} écritures numérotées de {group['low']} à {group['high']} — trou ou doublon."
            )
    return problems


def check_balances() -> list[str]:
    """The aggregates used by reports equal the sums of posted lines, and every line knows whether its
    entry is posted."""
    problems = []
    flagged_wrong = EntryLine.objects.exclude(is_posted=True).filter(entry__status=EntryStatus.POSTED).count()
    flagged_wrong += EntryLine.objects.filter(is_posted=True).exclude(entry__status=EntryStatus.POSTED).count()
    if flagged_wrong:
        problems.append(f"{flagged_wrong} ligne(s) dont l'indicateur « validée » ne correspond pas à leur écriture.")
    full = MatchedLine.objects.filter(line=OuterRef("pk"), matching__is_partial=False)
    lettered_wrong = EntryLine.objects.filter(is_lettered=True).exclude(Exists(full)).count()
    lettered_wrong += MatchedLine.objects.filter(matching__is_partial=False, line__is_lettered=False).count()
    if lettered_wrong:
        problems.append(f"{lettered_wrong} ligne(s) dont l'indicateur « lettrée » ne correspond pas à leur lettrage.")
    copied_wrong = _lettering_copies_wrong()
    if copied_wrong:
        problems.append(
            f"{copied_wrong} ligne(s) dont le code ou la date de lettrage ne correspond pas à leur lettrage."
        )
    codes = dict(Account.objects.values_list("pk", "code"))
    years = _year_names()
    for year_id in sorted(years):  # one fiscal year at a time: memory follows a year's aggregates, not the books
        for key in _balance_differences(year_id):
            account = codes.get(key[1], "inconnu")
            if key[2]:
                code = AuxiliaryAccount.objects.filter(pk=key[2]).values_list("code", flat=True).first()
                account += f" (auxiliaire {code or 'inconnu'})"
            opening = ", à-nouveaux" if key[3][2] else ""
            problems.append(
                f"Soldes agrégés faux pour le compte {account}, {key[3][1]:02d}/{key[3][0]}{opening} "
                f"({years.get(key[0], 'exercice inconnu')})."
            )
    return problems


def _lettering_copies_wrong() -> int:
    """Lines whose `lettering_code` / `lettered_on` (what the FEC writes) differ from the matching they are in, or
    that carry either outside any matching."""
    day = TruncDate("match__matching__created_at", tzinfo=timezone.get_current_timezone())
    matched = EntryLine.objects.filter(match__isnull=False).annotate(day=day)
    wrong = matched.filter(
        Q(lettering_code__isnull=True)
        | Q(lettered_on__isnull=True)
        | ~Q(lettering_code=F("match__matching__code"))
        | ~Q(lettered_on=F("day"))
    ).count()
    unmatched = EntryLine.objects.filter(match__isnull=True)
    return wrong + unmatched.filter(Q(lettering_code__isnull=False) | Q(lettered_on__isnull=False)).count()


def month_start(column: str) -> str:
    """SQL for the first day of a date column's month, on SQLite (ISO text) and PostgreSQL (a date)."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"strftime('%%Y-%%m-01', {column})"


def _balance_differences(year_id: int) -> list[tuple]:
    """The keys (year, account, auxiliary or 0, (year, month, à-nouveaux)) of a fiscal year whose stored aggregate
    differs from the sums of its posted lines. Compared in the database: the lines summed per key (each line counts
    for its account and, with an auxiliary, for its auxiliary's row) and the stored rows subtracted, grouped again —
    only the keys that do not net to zero come back, so memory does not follow the year's accounts × third parties ×
    months (two dicts of them were 40 MB at 1M lines)."""
    lines, entries, journals, balances = (
        EntryLine._meta.db_table, Entry._meta.db_table, Journal._meta.db_table, AccountBalance._meta.db_table
    )  # fmt: skip
    # The year's lines through their own year (indexed); keyed by their entry's year, so a line whose copy of the
    # year is wrong shows as a difference in both years.
    sql = f"""
        WITH sums AS (
            SELECT e.fiscal_year_id AS y, l.account_id AS a, l.auxiliary_id AS x, {month_start("e.date")} AS m,
                   CASE WHEN j.kind = %s THEN 1 ELSE 0 END AS o, SUM(l.debit) AS d, SUM(l.credit) AS c, COUNT(*) AS n
            FROM {lines} l JOIN {entries} e ON e.id = l.entry_id JOIN {journals} j ON j.id = e.journal_id
            WHERE l.fiscal_year_id = %s AND e.status = %s
            GROUP BY 1, 2, 3, 4, 5
        )
        SELECT y, a, k, m, o FROM (
            SELECT y, a, 0 AS k, m, o, d, c, n FROM sums
            UNION ALL SELECT y, a, x, m, o, d, c, n FROM sums WHERE x IS NOT NULL
            UNION ALL SELECT fiscal_year_id, account_id, aux_key, {month_start("month")},
                             CASE WHEN is_opening THEN 1 ELSE 0 END, -debit, -credit, -line_count
                      FROM {balances} WHERE fiscal_year_id = %s
        ) movements
        GROUP BY y, a, k, m, o
        HAVING SUM(d) <> 0 OR SUM(c) <> 0 OR SUM(n) <> 0
        ORDER BY y, a, k, m, o
    """  # noqa: S608 - table names and SQL of this module only
    with connection.cursor() as cursor:
        cursor.execute(sql, [JournalKind.OPENING, year_id, EntryStatus.POSTED, year_id])
        return [(y, a, k, (_date(m).year, _date(m).month, bool(o))) for y, a, k, m, o in cursor.fetchall()]


def check_triggers() -> list[str]:
    from django.db import connection

    from pilote.core import dbtriggers
    from pilote.ledger import entry_words, triggers

    del triggers  # imported to register the ledger's set

    missing = sorted(
        name
        for trigger_set in dbtriggers.registered()
        for name in trigger_set.expected(connection) - trigger_set.installed(connection)
    )  # the ledger's triggers and those of every app that protects its documents (issued invoices…)
    problems = [f"Protection absente en base : déclencheur {n} (relancez « manage.py migrate »)." for n in missing]
    return problems + [  # SQLite's index of the entries' words, stale without its triggers
        f"Index des libellés d'écritures : déclencheur {name} absent (relancez « manage.py migrate »)."
        for name in entry_words.missing_triggers(connection)
    ]


# Checks of the apps above the ledger (sales: the chain of issued invoices), which depend on the ledger and not
# the reverse: each registers (French title, check) from its AppConfig.ready(); verify_all runs them after the
# ledger's own, so `verify_ledger`, the verification page and the closing checks see them.
_app_checks: dict[str, Callable[[], list[str]]] = {}


def check_derived_aggregates() -> list[str]:
    """The analytic aggregates and the open-items aggregate equal their recomputation from the lines, the kept aged
    balances (`aging`) theirs from the open items at their day; each full matching's first date and span class agree
    with its lines and its lettering time."""
    from pilote.ledger import aging, lettering, open_items

    problems = []
    if _analytic_differences():
        problems.append("Les cumuls analytiques ne correspondent plus aux lignes ventilées.")
    if next(open_items.mismatches(), None) is not None:
        problems.append(
            "Le cumul des pièces non lettrées ne correspond plus aux lignes et lettrages (réparation : "
            "ledger.open_items.rebuild)."
        )
    if aging.mismatch():
        problems.append(
            "La balance âgée des tiers tenue à jour ne correspond plus aux pièces non lettrées (réparation : "
            "ledger.aging.rebuild)."
        )
    if misdated := lettering.misdated_matchings():
        problems.append(
            f"Date de première pièce ou délai de lettrage faux pour {plural(misdated, 'lettrage')} (réparation : "
            "ledger.lettering.date_matchings)."
        )
    return problems


def _analytic_differences() -> bool:
    """Whether an analytic aggregate (`AnalyticBalance`) differs from its posted analytic lines summed per fiscal
    year × account × section × month (`analytics.recompute_balances`), found in the database: the lines' sums less
    the stored rows, grouped; the first key that does not net to zero is enough."""
    from pilote.ledger.models_analytic import AnalyticBalance, AnalyticLine

    sql = f"""
        SELECT 1 FROM (
            SELECT l.fiscal_year_id AS y, l.account_id AS a, al.section_id AS s, {month_start("l.date")} AS m,
                   al.debit AS d, al.credit AS c
            FROM {AnalyticLine._meta.db_table} al JOIN {EntryLine._meta.db_table} l ON l.id = al.line_id
            WHERE l.is_posted = %s
            UNION ALL SELECT fiscal_year_id, account_id, section_id, month, -debit, -credit
                      FROM {AnalyticBalance._meta.db_table}
        ) movements
        GROUP BY y, a, s, m
        HAVING SUM(d) <> 0 OR SUM(c) <> 0
        LIMIT 1
    """  # noqa: S608 - table names and SQL of this module only
    with connection.cursor() as cursor:
        cursor.execute(sql, [True])
        return cursor.fetchone() is not None


def register_check(title: str, check: Callable[[], list[str]]) -> None:
    _app_checks[title] = check


def verify_all(recorded: chain.Head | None = None) -> dict[str, list[str]]:
    """Every check; `recorded`: a chain head written down outside the database (closing report, FEC
    export manifest, backup manifest) that the chain must still contain."""
    return {
        "Protection des écritures validées": check_triggers(),
        "Chaînage d'inaltérabilité": check_chain(recorded=recorded),
        "Équilibre des écritures": check_balanced(),
        "Numérotation continue": check_numbering(),
        "Soldes agrégés": check_balances(),
        **{title: check() for title, check in _app_checks.items()},
    }


@jobs.work
def nightly_verification(job, progress) -> str:
    """Every check of `verify_ledger`, as the nightly scheduled job: a failure is the job's French error,
    shown to direction on the Traitements page."""
    found = [f"{title} : {problem}" for title, problems in verify_all().items() for problem in problems]
    if found:
        raise DomainError(f"Vérification en échec ({len(found)}) — " + " ; ".join(found[:5]))
    return "Toutes les vérifications sont réussies : protections, chaînage, équilibre, numérotation, soldes."
