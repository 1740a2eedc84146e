"""FEC import bench, one database per process: `python -m bench.fec_import_bench --db sqlite --file PATH`.

DATABASE_URL must point at an empty database (bench/ledger_bench.py prepares one per file). The process
migrates and sets up a Pilote just installed — the structure, an accountant, the PCG, no fiscal year —
then does what `manage.py fec_import PATH` does: `validate_fec` (the whole file checked, nothing written)
and `import_fec` (the fiscal year opened, accounts, journals and auxiliary accounts created, every entry
posted: numbering, hash chain, aggregates), both timed. Memory: the process's resident-memory peak
during validation and import, above what it held before (VmHWM reset through /proc/self/clear_refs) —
resident memory, not tracemalloc, so the figure includes the allocator's and the drivers' own; the
import being streamed, it should depend on the largest entry, not on the number of entries.
The imported books are checked against the file (lines, totals, gapless numbering). One JSON document
goes to stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from bench import harness


def _memory_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def setup(start: dt.date, end: dt.date):
    from django.core.management import call_command

    from pilote.core import services as core_services
    from pilote.core.demo import DEMO_STRUCTURE
    from pilote.core.roles import Role
    from pilote.ledger import services

    call_command("migrate", interactive=False, verbosity=0)
    core_services.create_structure(actor=None, **{**DEMO_STRUCTURE, "fiscal_year_start": start, "fiscal_year_end": end})
    actor = core_services.create_user(
        actor=None, username="comptable", role=Role.COMPTABLE, password="bench-comptable-2026", validate=False
    )
    services.install_chart(actor=actor, kind="company")
    return actor


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", required=True, help="label of the database (sqlite, postgresql)")
    parser.add_argument("--file", required=True, type=Path)
    parser.add_argument("--start", required=True, type=dt.date.fromisoformat, help="fiscal year start (structure)")
    parser.add_argument("--end", required=True, type=dt.date.fromisoformat, help="fiscal year end (structure)")
    args = parser.parse_args()
    result_stream = harness.start_django()

    from pilote.ledger import queries, verify
    from pilote.ledger.fec_import import import_fec, validate_fec
    from pilote.ledger.models import EntryLine

    actor = setup(args.start, args.end)
    size = args.file.stat().st_size
    rss_before = _memory_kb("VmRSS")
    peak_reset = _reset_peak()
    progress_calls = []
    started = time.perf_counter()
    report = validate_fec(args.file)
    validated = time.perf_counter()
    if not report.is_valid:
        raise RuntimeError(f"the exported FEC is refused: {report.problems[:5]}")
    result = import_fec(report, actor=actor, progress=lambda done, total: progress_calls.append(done))
    finished = time.perf_counter()
    peak = _memory_kb("VmHWM")
    seconds = finished - started
    rows = queries.trial_balance(result.fiscal_year)
    totals = queries.trial_balance_totals(rows)
    stored = EntryLine.objects.filter(fiscal_year=result.fiscal_year, is_posted=True).count()
    checks = {
        "lines_match": stored == result.lines == report.line_count,
        "totals_match": totals["opening_debit"] + totals["debit"] - totals["opening_credit"] - totals["credit"] == 0
        and report.total_debit == report.total_credit,
        "numbering_gapless": verify.check_numbering() == [],
        "balances_match": verify.check_balances() == [],
    }
    entry = {
        "file_bytes": size,
        "records": report.line_count,
        "lines": result.lines,
        "entries": result.entries,
        "regrouped": report.grouped,
        "validate_s": round(validated - started, 2),
        "import_s": round(finished - validated, 2),
        "seconds": round(seconds, 2),
        "lines_per_s": round(result.lines / seconds),
        "progress_calls": len(progress_calls),
        "rss_before_mb": round(rss_before / 1024, 1) if rss_before else None,
        "peak_rss_mb": round(peak / 1024, 1) if peak and peak_reset else None,
        "peak_growth_mb": round((peak - rss_before) / 1024, 1) if peak and rss_before and peak_reset else None,
        "checks": checks,
    }
    harness.log(
        f"  FEC import {args.file.name}: {result.lines:,} lines in {seconds:.1f} s "
        f"(validation {entry['validate_s']} s) → {entry['lines_per_s']:,} lines/s, "
        f"peak +{entry['peak_growth_mb']} MB, checks {checks}"
    )
    if not all(checks.values()):
        raise RuntimeError(f"the imported books differ from the file: {checks}")
    harness.emit(entry, result_stream)


if __name__ == "__main__":
    main()
