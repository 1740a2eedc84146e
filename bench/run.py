"""`make bench`: run each domain's bench on SQLite and PostgreSQL, merge the figures into bench/results.json.

Settings read DATABASE_URL once per process, so every (domain, database) pair runs in its own process
(`python -m bench.<domain>_bench --db <label>`), on a fresh database prepared here for that domain: a
file under bench/ (bench.sqlite3 for contacts, ledger.sqlite3 for the ledger, sales.sqlite3 for sales;
git-ignored, kept afterwards for inspection) and a PostgreSQL database on 127.0.0.1:5432 (pilote_bench,
pilote_bench_ledger, pilote_bench_sales, pilote_bench_writers, pilote_bench_aging: created,
then dropped; skipped with a note when the server does not answer). The concurrent writers bench (writers)
measures PostgreSQL only: SQLite takes one writer at a time. Other top-level keys of results.json
(other domains) are kept, and so are the other database's figures of a domain run with --only.

Options: --bench contacts|ledger|sales|writers|aging (repeatable; default: every bench), --only sqlite|postgresql,
--no-tools (ledger: do not time ledger-cli and hledger), --dry-run (do not write results.json). Any other option
(e.g. --contacts 5000, --lines 50000, --invoices 100000, --runs 5) goes to the selected benches that declare it
(read from their --help); one that none of them declares is an error.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
RESULTS = BENCH_DIR / "results.json"
PG_SERVER = os.environ.get("PILOTE_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


@dataclass(frozen=True)
class Domain:
    module: str  # run with `python -m`
    sqlite_path: Path
    pg_name: str
    timeout_s: int
    options: tuple[str, ...] = ()  # given to the bench before the routed ones
    default: bool = True  # run when no --bench is named


DOMAINS = {  # result key -> its bench
    "contacts": Domain("bench.contacts_bench", BENCH_DIR / "bench.sqlite3", "pilote_bench", 900),
    "ledger": Domain("bench.ledger_bench", BENCH_DIR / "ledger.sqlite3", "pilote_bench_ledger", 5400),
    # The same at ten million lines, only with `--bench ledger_10m` (`make bench-10m`): hours of generation.
    "ledger_10m": Domain(
        "bench.ledger_bench",
        BENCH_DIR / "ledger_10m.sqlite3",
        "pilote_bench_ledger_10m",
        6 * 3600,
        options=("--lines", "10000000", "--no-fec-import", "--runs", "10"),
        default=False,
    ),
    "sales": Domain("bench.sales_bench", BENCH_DIR / "sales.sqlite3", "pilote_bench_sales", 3600),
    "writers": Domain("bench.writers_bench", BENCH_DIR / "writers.sqlite3", "pilote_bench_writers", 1800),
    "aging": Domain("bench.aging_bench", BENCH_DIR / "aging.sqlite3", "pilote_bench_aging", 900),
}
DATABASES = ("sqlite", "postgresql")
LIST_BUDGET_MS = 150  # median of a list page at full size
AGING_COST_BUDGET_MS = 2.0  # what the kept aged balances may add to a posting or a lettering (median)
LEDGER_SPEEDUP_TARGET = 45  # trial balance: Pilote at least 45 times faster than `ledger balance`


@contextlib.contextmanager
def sqlite_database(path: Path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    yield f"sqlite:///{path}"


@contextlib.contextmanager
def postgres_database(name: str):
    import psycopg
    from psycopg import sql

    def admin():
        return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3)

    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with admin() as conn:
        conn.execute(drop)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with admin() as conn:
            conn.execute(drop)


def postgres_unreachable() -> str | None:
    try:
        import psycopg

        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
    except Exception as exc:
        return f"PostgreSQL injoignable sur {PG_SERVER} ({exc.__class__.__name__}) : mesures sautées."
    return None


def child_env(**extra: str) -> dict:
    env = dict(os.environ, DJANGO_SECRET_KEY="bench-only-not-a-secret", PYTHONHASHSEED="0", **extra)
    for name in ("DJANGO_DEBUG", "DJANGO_ENV", "DJANGO_ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    return env


def run_child(domain: Domain, label: str, url: str, extra: list[str]) -> dict:
    command = [sys.executable, "-m", domain.module, "--db", label, *extra]
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
        command,
        cwd=ROOT,
        env=child_env(DATABASE_URL=url),
        stdout=subprocess.PIPE,
        text=True,
        timeout=domain.timeout_s,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:])} exited with {completed.returncode}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def bench_options(module: str) -> set[str]:
    """The options a bench declares, read from its --help (argparse; no Django start-up)."""
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
        [sys.executable, "-m", module, "--help"],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", completed.stdout))


def route_options(extra: list[str], domains: list[str]) -> dict[str, list[str]]:
    """Split the pass-through options (`--name value…` or `--name=value`) among the benches declaring them."""
    groups: list[list[str]] = []
    for token in extra:
        if token.startswith("--") or not groups:
            groups.append([token])
        else:
            groups[-1].append(token)
    declared = {key: bench_options(DOMAINS[key].module) for key in domains}
    routed: dict[str, list[str]] = {key: [] for key in domains}
    for group in groups:
        name = group[0].split("=", 1)[0]
        takers = [key for key in domains if name in declared[key]]
        if not takers or name == "--db":
            raise SystemExit(f"option {group[0]} is declared by none of the selected benches ({', '.join(domains)})")
        for key in takers:
            routed[key].extend(group)
    return routed


def machine_info() -> dict:
    info = {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    return info


def load_results() -> dict:
    if not RESULTS.exists():
        return {}
    try:
        return json.loads(RESULTS.read_text())
    except json.JSONDecodeError as exc:  # never silently drop the other domains' figures
        raise SystemExit(f"{RESULTS} is not valid JSON ({exc}); fix or remove it, then run again.") from exc


def write_results(results: dict) -> None:
    with tempfile.NamedTemporaryFile("w", dir=BENCH_DIR, suffix=".tmp", delete=False, encoding="utf-8") as tmp:
        json.dump(results, tmp, ensure_ascii=False, indent=2)
        tmp.write("\n")
    Path(tmp.name).chmod(0o644)  # NamedTemporaryFile creates it private
    Path(tmp.name).replace(RESULTS)


def print_contacts_summary(section: dict) -> list[str]:
    """A table of the contacts figures; returns the warnings (budget exceeded, query counts growing)."""
    measured = {db: section[db] for db in DATABASES if db in section and "large" in section[db]}
    warnings = []
    if not measured:
        return warnings
    size = next(iter(measured.values()))["large"]["contacts"]
    small = next(iter(measured.values()))["small"]["contacts"]
    rows = [("", *measured)]
    pages = (
        ("list_default", "liste /contacts/"),
        ("list_filtered", "?q=lyon&tri=-cree&page=3"),
        ("list_search", "?q=dupont"),
    )
    for page, title in pages:
        rows.append(
            (
                f"{title} médiane / p95",
                *(f"{r['large'][page]['median_ms']} / {r['large'][page]['p95_ms']} ms" for r in measured.values()),
            )
        )
        rows.append(
            (
                f"  requêtes {small:,} → {size:,}",
                *(f"{r['small'][page]['queries']} → {r['large'][page]['queries']}" for r in measured.values()),
            )
        )
    for key, title in (("export_csv", "export CSV"), ("export_xlsx", "export XLSX")):
        rows.append((title, *(f"{r['large'][key]['median_ms'] / 1000:.2f} s" for r in measured.values())))
    width = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    print(f"\ncontacts — {size:,} contacts")
    for row in rows:
        print("  " + "  ".join(str(cell).ljust(width[i]) for i, cell in enumerate(row)))
    for db, result in measured.items():
        for page, _ in pages:
            median = result["large"][page]["median_ms"]
            if median > LIST_BUDGET_MS:
                warnings.append(f"contacts/{db}: {page} median {median} ms > {LIST_BUDGET_MS} ms at {size:,} contacts")
        if not result["queries_constant"]:
            warnings.append(f"contacts/{db}: queries per list page grow with data: {result['queries_per_page']}")
    for db in DATABASES:
        if "skipped" in section.get(db, {}):
            print(f"  {db} : {section[db]['skipped']}")
    return warnings


def _cpu_s(command: dict) -> str:
    """The command's own CPU time (user + system), what a loaded machine does not inflate."""
    return f"{command['cpu_median_s']} s CPU" if "cpu_median_s" in command else "CPU non mesuré"


def _ms(entry: dict) -> str:
    return f"{entry['median_ms']} / {entry['p95_ms']} ms"


def ledger_comparison(section: dict) -> dict:
    """Trial balance of the year in Pilote against `ledger balance` / `hledger balance` of the same year (the
    journal holding the three years, read with -b/-e; and the year's own file): how many times faster."""
    tools = section.get("tools", {})
    out = {"target_speedup_vs_ledger_cli": LEDGER_SPEEDUP_TARGET}
    for db in DATABASES:
        pilote_ms = section.get(db, {}).get("trial_balance", {}).get("median_ms")
        if not pilote_ms or not tools.get("available"):
            continue
        row = {"pilote_trial_balance_median_ms": pilote_ms}
        for tool in ("ledger_cli", "hledger"):
            for variant in ("all_years_file", "one_year_file"):
                figures = tools.get(tool, {}).get(variant)
                if figures:
                    row[f"speedup_vs_{tool}_{variant}"] = round(figures["median_ms"] / pilote_ms, 1)
        if "speedup_vs_ledger_cli_all_years_file" in row:
            row["met"] = row["speedup_vs_ledger_cli_all_years_file"] >= LEDGER_SPEEDUP_TARGET
        out[db] = row
    return out


def print_ledger_summary(section: dict) -> list[str]:
    """A table of the ledger figures; returns the warnings (targets missed)."""
    measured = {db: section[db] for db in DATABASES if db in section and "trial_balance" in section[db]}
    warnings = []
    if not measured:
        return warnings
    first = next(iter(measured.values()))
    gl = first["general_ledger"]
    rows = [("", *measured)]
    rows.append(("génération", *(f"{r['generation']['lines_per_s']:,} lignes/s" for r in measured.values())))
    rows.append(("balance médiane / p95", *(_ms(r["trial_balance"]) for r in measured.values())))
    for page, title in (("page_1", "page 1"), ("page_middle", "page du milieu"), ("page_last", "dernière page")):
        rows.append(
            (
                f"grand livre {gl['biggest_account']['code']} {title} ({gl[page]['page']})",
                *(_ms(r["general_ledger"][page]) for r in measured.values()),
            )
        )
    rows.append(
        (
            f"grand livre {gl['small_account']['code']} page 1",
            *(_ms(r["general_ledger"]["small_account_page_1"]) for r in measured.values()),
        )
    )
    rows.append(
        (
            f"grand livre {gl['biggest_auxiliary']['code']} page 1",
            *(_ms(r["general_ledger"]["auxiliary_page_1"]) for r in measured.values()),
        )
    )
    rows.append(
        (
            "FEC",
            *(
                f"{r['fec']['lines_per_s']:,} lignes/s" if r["fec"].get("available") else "non disponible"
                for r in measured.values()
            ),
        )
    )
    rows.append(
        (
            "import FEC",
            *(
                f"{r['fec_import']['lines_per_s']:,} lignes/s, mémoire "
                + " / ".join(f"+{m} Mo" for m in r["fec_import"]["peak_growth_mb"].values())
                if "fec_import" in r
                else "—"
                for r in measured.values()
            ),
        )
    )
    rows.append(
        (
            "verify_ledger",
            *(f"{r['verify_ledger']['total_s']} s" if "verify_ledger" in r else "—" for r in measured.values()),
        )
    )
    pages = first.get("pages", {})
    for name, figures in pages.items():  # issue 19: whole requests, with their query counts
        if isinstance(figures, dict) and "median_ms" in figures:
            rows.append(
                (
                    name.replace("_", " "),
                    *(
                        f"{r['pages'][name]['median_ms']} ms, {r['pages'][name]['queries']} req."
                        if name in r.get("pages", {})
                        else "—"
                        for r in measured.values()
                    ),
                )
            )
            for db, r in measured.items():
                entry = r.get("pages", {}).get(name)
                if entry and not entry["met"]:
                    warnings.append(f"ledger/{db}: {name} median {entry['median_ms']} ms ≥ {entry['target_ms']} ms")
    if "commands" in first:
        rows.append(  # fmt: skip
            (
                "manage.py trial_balance (processus)",
                *(
                    f"{r['commands']['trial_balance']['median_s']} s ({_cpu_s(r['commands']['trial_balance'])})"
                    if "commands" in r
                    else "—"
                    for r in measured.values()
                ),
            )
        )
        rows.append(
            (
                "manage.py fec_export (processus)",
                *(f"{r['commands']['fec_export']['lines_per_s']:,} lignes/s "
                  f"({r['commands']['fec_export'].get('lines_per_cpu_s', 0):,} par s CPU)" if "commands" in r else "—"
                  for r in measured.values()),
            )
        )  # fmt: skip
        rows.append(
            (
                "manage.py verify_ledger mémoire",
                *(f"{r['commands']['verify_ledger']['peak_rss_mb']} Mo"
                  if "verify_ledger" in r.get("commands", {}) else "—" for r in measured.values()),
            )
        )  # fmt: skip
    comparison = section.get("comparison", {})
    rows.append(
        (
            "balance : × plus rapide que ledger-cli",
            *(
                f"{comparison[db]['speedup_vs_ledger_cli_all_years_file']}×"
                if "speedup_vs_ledger_cli_all_years_file" in comparison.get(db, {})
                else "—"
                for db in measured
            ),
        )
    )
    width = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines, year = first["generated"]["lines"], first["trial_balance"]["year"]
    print(f"\nledger — {lines:,} lignes sur {len(first['generated']['per_year'])} exercices, mesures sur {year}")
    for row in rows:
        print("  " + "  ".join(str(cell).ljust(width[i]) for i, cell in enumerate(row)))
    tools = section.get("tools", {})
    for tool in ("ledger_cli", "hledger"):
        figures = tools.get(tool, {})
        if figures.get("available"):
            print(
                f"  {tool} ({figures['version']}) : {figures['all_years_file']['median_ms'] / 1000:.2f} s "
                f"(3 ans, -b/-e), {figures['one_year_file']['median_ms'] / 1000:.2f} s (fichier de l'année)"
            )
        elif figures:
            print(f"  {figures.get('note', tool + ' : non disponible')}")
    for db, result in measured.items():
        checks = [("trial_balance", result["trial_balance"])]
        checks += [
            (f"general_ledger.{k}", v)
            for k, v in result["general_ledger"].items()
            if isinstance(v, dict) and "met" in v
        ]
        for name, entry in checks:
            if not entry["met"]:
                warnings.append(f"ledger/{db}: {name} median {entry['median_ms']} ms ≥ {entry['target_ms']} ms")
        if result["fec"].get("available") and not result["fec"]["met"]:
            fec = result["fec"]
            warnings.append(f"ledger/{db}: FEC {fec['lines_per_s']:,} lines/s < {fec['target_lines_per_s']:,}")
        if "fec_import" in result and not result["fec_import"]["met"]:
            imported = result["fec_import"]
            warnings.append(
                f"ledger/{db}: FEC import {imported['lines_per_s']:,} lines/s < {imported['target_lines_per_s']:,}"
            )
        if comparison.get(db, {}).get("met") is False:
            speedup = comparison[db]["speedup_vs_ledger_cli_all_years_file"]
            warnings.append(
                f"ledger/{db}: trial balance only {speedup}× faster than ledger-cli (< {LEDGER_SPEEDUP_TARGET}×)"
            )
    prints = {db: result["generated"]["fingerprint"] for db, result in measured.items()}
    if len(set(prints.values())) > 1:
        warnings.append(f"ledger: the generated ledgers differ between databases: {prints}")
    for db in DATABASES:
        if "skipped" in section.get(db, {}):
            print(f"  {db} : {section[db]['skipped']}")
    return warnings


def print_sales_summary(section: dict) -> list[str]:
    """A table of the sales figures (median / p95 at full size, queries small → large); returns the warnings
    (page over its target, query counts growing with the data)."""
    measured = {db: section[db] for db in DATABASES if db in section and "large" in section[db]}
    warnings = []
    if not measured:
        return warnings
    first = next(iter(measured.values()))
    size, small = first["large"]["invoices"], first["small"]["invoices"]
    target = first["targets"]["page_median_ms_below"]
    pages = [key for key in first["large"] if key != "invoices"]
    rows = [("", *measured)]
    for page in pages:
        rows.append(
            (
                page,
                *(
                    f"{_ms(r['large'][page])}, {r['small'][page]['queries']} → {r['large'][page]['queries']} requêtes"
                    if page in r["large"]
                    else "—"
                    for r in measured.values()
                ),
            )
        )
    width = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    print(f"\nsales — {size:,} factures (requêtes à {small:,} → {size:,})")
    for row in rows:
        print("  " + "  ".join(str(cell).ljust(width[i]) for i, cell in enumerate(row)))
    for db, result in measured.items():
        for page in pages:
            entry = result["large"].get(page)
            if entry and entry["median_ms"] >= target:
                warnings.append(f"sales/{db}: {page} median {entry['median_ms']} ms ≥ {target} ms at {size:,} invoices")
        if not result["queries_constant"]:
            grown = {k: v for k, v in result["queries_per_page"].items() if v["at_small"] != v["at_large"]}
            warnings.append(f"sales/{db}: queries per page grow with data: {grown}")
    for db in DATABASES:
        if "skipped" in section.get(db, {}):
            print(f"  {db} : {section[db]['skipped']}")
    return warnings


def print_writers_summary(section: dict) -> list[str]:
    """Issues and postings by concurrent writers on PostgreSQL, against the same operations alone; returns the
    warnings (p95 over its target)."""
    measured = {db: section[db] for db in DATABASES if db in section and "concurrent" in section[db]}
    warnings = []
    for db, result in measured.items():
        params, targets = result["params"], result["targets"]
        print(f"\nwriters — {params['issuers']} émetteurs de factures et {params['posters']} saisies simultanés ({db})")
        for key, title, target in (
            ("issue", "émission d'une facture (PDF compris)", targets["issue_p95_ms_below"]),
            ("posting", "validation d'une petite écriture", targets["posting_p95_ms_below"]),
        ):
            concurrent, alone = result["concurrent"][key], result["alone"][key]
            print(f"  {title} : {_ms(concurrent)} (seule : {_ms(alone)}), objectif p95 < {target} ms")
            if concurrent["p95_ms"] >= target:
                warnings.append(f"writers/{db}: {key} p95 {concurrent['p95_ms']} ms ≥ {target} ms")
    for db in DATABASES:
        if "skipped" in section.get(db, {}):
            print(f"  {db} : {section[db]['skipped']}")
    return warnings


def print_aging_summary(section: dict) -> list[str]:
    """A writer's steps with and without the kept aged balances (`aging.record`); returns the warnings (a median
    cost over AGING_COST_BUDGET_MS)."""
    titles = {"sale": "vente (411, 706, 44571)", "receipt": "règlement (512, 411)", "lettering": "lettrage des deux"}
    warnings = []
    for db in DATABASES:
        result = section.get(db, {})
        if "steps" not in result:
            continue
        print(f"\naging — ce que la balance âgée tenue ajoute aux écritures ({db})")
        for step, figures in result["steps"].items():
            cost = figures["median_cost_ms"]
            print(
                f"  {titles.get(step, step)} : {_ms(figures['with_record'])} avec, {_ms(figures['without_record'])} "
                f"sans ; écart des médianes {cost} ms, requêtes {figures['queries']['with_record']} au lieu de "
                f"{figures['queries']['without_record']}"
            )
            if cost > AGING_COST_BUDGET_MS:
                warnings.append(f"aging/{db}: {step} +{cost} ms > {AGING_COST_BUDGET_MS} ms")
    return warnings


SUMMARIES = {
    "contacts": print_contacts_summary,
    "ledger": print_ledger_summary,
    "ledger_10m": print_ledger_summary,
    "sales": print_sales_summary,
    "writers": print_writers_summary,
    "aging": print_aging_summary,
}


def main() -> int:
    parser = argparse.ArgumentParser(description="Pilote benches; extra options go to the benches declaring them.")
    parser.add_argument("--bench", choices=list(DOMAINS), action="append", help="repeatable; default: every bench")
    parser.add_argument("--only", choices=DATABASES)
    parser.add_argument("--no-tools", action="store_true", help="ledger: do not time ledger-cli and hledger")
    parser.add_argument("--dry-run", action="store_true", help="print the figures, do not write results.json")
    args, extra = parser.parse_known_args()
    sys.stdout.reconfigure(line_buffering=True)  # keep our lines in order with the benches' progress on stderr
    domains = list(dict.fromkeys(args.bench)) if args.bench else [key for key, d in DOMAINS.items() if d.default]
    options = route_options(extra, domains)
    databases = [args.only] if args.only else list(DATABASES)
    pg_note = postgres_unreachable() if "postgresql" in databases else None
    if pg_note:
        print(pg_note)

    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    sections, failures = {}, []
    for key in domains:
        domain, section = DOMAINS[key], {}
        tools_pending = key == "ledger" and not args.no_tools  # the tools read a file: timed once, not per database
        for db in databases:
            if db == "postgresql" and pg_note:
                section[db] = {"skipped": pg_note}
                continue
            extra_args = [*domain.options, *options[key], *(["--tools"] if tools_pending else [])]
            try:
                database = sqlite_database(domain.sqlite_path) if db == "sqlite" else postgres_database(domain.pg_name)
                with database as url:
                    result = run_child(domain, db, url, extra_args)
                if "tools" in result:
                    section["tools"] = {"measured_at": now, "database": db, **result.pop("tools")}
                    tools_pending = False
                section[db] = {"measured_at": now, **result}
            except Exception as exc:
                section[db] = {"error": str(exc)}
                failures.append(f"{key}/{db}: {exc}")
                print(f"ÉCHEC {key}/{db} : {exc}", file=sys.stderr)
        sections[key] = section

    results = load_results()
    for key, section in sections.items():  # with --only, the other database's figures are kept
        results[key] = {**results.get(key, {}), **section, "timestamp": now}
    if "ledger" in sections:
        results["ledger"]["comparison"] = ledger_comparison(results["ledger"])
    warnings = []
    for key, section in sections.items():  # this run's figures, with the tool timings and ratios kept
        kept = {name: results[key][name] for name in ("tools", "comparison") if name in results[key]}
        warnings += SUMMARIES[key]({**section, **kept})
    if not args.dry_run:
        results["machine"] = machine_info()
        results["timestamp"] = now
        write_results(results)
        print(f"\nRésultats écrits dans {os.path.relpath(RESULTS, ROOT)}")
    for warning in warnings:
        print(f"ATTENTION {warning}")
    for failure in failures:
        print(f"ÉCHEC {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
