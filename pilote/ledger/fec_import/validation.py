"""`validate_fec`: the whole file read and checked — format, every field, every entry's balance, the fiscal
year, and what the current books would refuse —; nothing is written."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pilote.ledger.fec_import.lines import Scan, check_header
from pilote.ledger.fec_import.numbering import NotContiguous, Numbers
from pilote.ledger.fec_import.reading import CURRENCY_AMOUNT, DATE, JOURNAL, LET, NUM, Source, numbered_records
from pilote.ledger.fec_import.report import MAX_PROBLEMS, FecReport, Problems, TooMany
from pilote.ledger.models import Account, AuxiliaryAccount, Entry, EntryStatus, FiscalYear, Journal, JournalKind
from pilote.lib.dates import add_months
from pilote.lib.money import from_cents

OPENING_CODES = {"AN", "OUV"}  # AN is the usual code; Odoo names its opening journal OUV (§1)

_FILE_NAME_RE = re.compile(r"^\d{9}FEC(\d{8})", re.IGNORECASE)


def guess_journal_kind(code: str) -> str:
    code = code.upper()
    if code in OPENING_CODES:
        return JournalKind.OPENING
    return {"V": JournalKind.SALES, "A": JournalKind.PURCHASES, "B": JournalKind.BANK}.get(code[:1], JournalKind.MISC)


def validate_fec(
    source: str | Path | bytes, *, fiscal_year: FiscalYear | tuple[dt.date, dt.date] | None = None
) -> FecReport:
    """Read and check the whole file; nothing is written. `fiscal_year` forces the target year (an
    existing FiscalYear, or the (start, end) of one to open); by default it is the existing year covering
    the first EcritureDate, or a new one from the file's dates."""
    src = Source(source)
    report, problems = FecReport(), Problems()
    try:
        try:
            _validate(src, fiscal_year, report, problems, grouped=False)
        except NotContiguous:  # valid but unusual: read again, regrouped by entry
            report, problems = FecReport(grouped=True), Problems()
            _validate(src, fiscal_year, report, problems, grouped=True)
    except TooMany:
        problems.append(f"Plus de {MAX_PROBLEMS} anomalies : la vérification s'est arrêtée là.")
    report.problems = list(problems)
    return report


def _validate(src: Source, fiscal_year, report: FecReport, problems: Problems, *, grouped: bool) -> None:
    report.source = src
    report.encoding = src.label
    header = next(src.records(), None)
    if header is None or not header.strip():
        problems.add("Ligne 1 : fichier vide ou sans en-tête.")
        return
    report.separator = separator = "\t" if "\t" in header else "|" if "|" in header else ""
    if not separator:
        problems.add("Ligne 1 : séparateur non reconnu : le FEC sépare ses champs par une tabulation ou « | ».")
        return
    checked = check_header([n.strip().lstrip("\ufeff") for n in header.split(separator)], problems)
    if checked is None:
        return
    report.amounts, width = checked
    report.width = width
    scan = Scan(report, problems, grouped)
    fast = scan.fast if report.amounts == "Debit/Credit" else lambda values: None
    blanks: list[int] = []  # blank lines not followed (yet) by a record: tolerated at the very end only
    last_record = records_read = lettered = currency = 0
    _, records = numbered_records(src, separator, grouped)
    for line_no, record in records:
        if not record or record.isspace():
            blanks.append(line_no)
            continue
        for blank in blanks:
            problems.add(f"Ligne {blank} : ligne vide (le FEC n'en admet aucune).")
        blanks.clear()
        last_record = max(last_record, line_no)
        records_read += 1
        values = [value.strip() for value in record.split(separator)]
        if len(values) != width:
            problems.add(
                f"Ligne {line_no} : {len(values)} champ(s) au lieu de {width} "
                f"(ligne tronquée, ou séparateur « {separator} » dans un libellé ?)."
            )
            continue
        key = (values[JOURNAL], values[NUM])
        if key != scan.key and key[0] and key[1]:
            scan.begin(key)
        if values[LET]:
            lettered += 1
        if values[CURRENCY_AMOUNT]:
            currency += 1
        parsed = fast(values) or scan.slow(line_no, values)
        if parsed is not None:
            scan.add(line_no, values, *parsed)
    scan.end()
    for blank in blanks:  # regrouped, a blank line may come after records that follow it in the file
        if blank < last_record:
            problems.add(f"Ligne {blank} : ligne vide (le FEC n'en admet aucune).")
    blanks = [blank for blank in blanks if blank > last_record]
    report.line_count = max(0, last_record - 1)
    report.entry_count = scan.entry_count
    report.lettered_lines, report.currency_lines = lettered, currency
    report.debit_cents, report.credit_cents = scan.debit, scan.credit
    report.total_debit, report.total_credit = from_cents(scan.debit), from_cents(scan.credit)
    if blanks:
        report.warnings.append(f"{len(blanks)} ligne(s) vide(s) en fin de fichier ignorée(s).")
    if not scan.entry_count and not problems:
        problems.add("Ligne 2 : le fichier ne contient aucune écriture.")
    if grouped:
        report.warnings.append(
            "Les lignes de certaines écritures ne se suivent pas dans le fichier : elles sont regroupées par "
            "écriture (JournalCode et EcritureNum), chacune à la place de sa première ligne."
        )
    if report.lettered_lines:
        report.warnings.append(
            f"{report.lettered_lines} ligne(s) lettrée(s) : le lettrage du fichier (EcritureLet, DateLet) n'est "
            "pas repris ; relettrez dans Pilote (le lettrage automatique rapproche factures et règlements)."
        )
    if report.currency_lines:
        report.warnings.append(
            f"{report.currency_lines} ligne(s) en devise : Montantdevise et Idevise ne sont pas repris (euros seuls)."
        )
    _check_gaps(scan.numbers, report)
    report.journals = {code: (label or code, guess_journal_kind(code)) for code, label in scan.journal_labels.items()}
    if scan.entry_dates:
        report.first_date, report.last_date = min(scan.entry_dates), max(scan.entry_dates)
    if problems:
        return
    _check_against_books(scan, report, fiscal_year, src.name, problems)
    kinds = dict(Journal.objects.filter(code__in=report.journals).values_list("code", "kind"))
    kinds = {code: kinds.get(code, kind) for code, (_, kind) in report.journals.items()}
    report.opening_journals = {code for code, kind in kinds.items() if kind == JournalKind.OPENING}


def _check_gaps(numbers: dict[str, Numbers], report: FecReport) -> None:
    """§1: EcritureNum is continuous within a journal; a gap is not a reason for refusal, but is reported."""
    for journal, found in sorted(numbers.items()):
        span = found.span()
        if not span:
            continue
        low, high = span[0][0], span[-1][1]
        missing = high - low + 1 - sum(end - start + 1 for start, end in span)
        if missing > 0:
            report.warnings.append(
                f"Journal {journal} : numérotation EcritureNum discontinue ({missing} numéro(s) manquant(s) "
                f"entre {low} et {high}) ; Pilote renumérote sans trou."
            )


def _check_against_books(scan: Scan, report: FecReport, fiscal_year, file_name: str, problems: Problems) -> None:
    """What posting would refuse, found before any write: the fiscal year, closed or locked periods,
    inactive accounts and journals, sub-ledger rules."""
    first_line = scan.first_line
    first, last = report.first_date, report.last_date
    if isinstance(fiscal_year, FiscalYear):
        year = fiscal_year
    elif fiscal_year is None:
        year = FiscalYear.objects.filter(start_date__lte=first, end_date__gte=first).first()
    else:  # (start, end): that year if it exists already, else the one to open
        year = FiscalYear.objects.filter(start_date=fiscal_year[0], end_date=fiscal_year[1]).first()
    if year is None:
        start, end = fiscal_year if isinstance(fiscal_year, tuple) else _new_year_dates(first, last, file_name)
        report.new_fiscal_year = (start, end)
        _check_new_year(start, end, problems)
    else:
        report.fiscal_year = year
        start, end = year.start_date, year.end_date
        if not year.is_open:
            problems.add(f"{year} est clôturé : rien ne peut y être importé.")
        posted = Entry.objects.filter(fiscal_year=year, status=EntryStatus.POSTED).count()
        if posted:
            problems.add(
                f"{year} contient déjà {posted} écriture(s) validée(s) : l'import d'un FEC se fait dans un "
                "exercice vide (pour ne pas compter deux fois les mêmes écritures)."
            )
    locked_until = year.locked_until if year is not None else None
    refused = {day for day in scan.entry_dates if not start <= day <= end or (locked_until and day <= locked_until)}
    if refused:  # rare: the file is read again to name the first line of each entry concerned
        met: set[tuple[str, str]] = set()
        _, records = numbered_records(report.source, report.separator, grouped=False)  # first lines come first
        for line_no, record in records:
            v = record.split(report.separator)
            if len(v) != report.width or (day := scan.day(v[DATE].strip())) not in refused:
                continue
            key = (v[JOURNAL].strip(), v[NUM].strip())
            if key in met:
                continue
            met.add(key)
            if not start <= day <= end:
                problems.add(
                    f"Ligne {line_no} : date EcritureDate « {day:%Y%m%d} » hors de l'exercice "
                    f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}."
                )
            else:
                problems.add(
                    f"Ligne {line_no} : date EcritureDate « {day:%Y%m%d} » dans la période verrouillée "
                    f"jusqu'au {locked_until:%d/%m/%Y}."
                )
    inactive = set(Account.objects.filter(code__in=report.accounts, is_active=False).values_list("code", flat=True))
    for line_no, account in scan.missing_auxiliary:
        problems.add(
            f"Ligne {line_no} : le compte {account} est tenu par tiers : CompAuxNum et "
            "CompAuxLib (client ou fournisseur) sont obligatoires."
        )
    for code in sorted(inactive):
        problems.add(f"Ligne {first_line['account'][code]} : le compte {code} est désactivé dans Pilote.")
    for code, is_active in Journal.objects.filter(code__in=report.journals).values_list("code", "is_active"):
        if not is_active:
            problems.add(f"Ligne {first_line['journal'][code]} : le journal {code} est désactivé dans Pilote.")
    existing = AuxiliaryAccount.objects.filter(code__in=report.auxiliaries).values_list("code", "control_account__code")
    for code, control in existing:
        if control != report.auxiliaries[code][1]:
            problems.add(
                f"Ligne {first_line['auxiliary'][code]} : le compte auxiliaire {code} existe déjà sous le compte "
                f"{control} dans Pilote, pas sous {report.auxiliaries[code][1]}."
            )


def _new_year_dates(first: dt.date, last: dt.date, file_name: str) -> tuple[dt.date, dt.date]:
    """A new fiscal year: it starts the day after the previous one (or on the first EcritureDate) and
    ends on the closing date of the file name `<SIREN>FEC<AAAAMMJJ>` (or on the last EcritureDate)."""
    previous = FiscalYear.objects.filter(end_date__lt=first).order_by("-end_date").first()
    start = previous.end_date + dt.timedelta(days=1) if previous else first
    end = last
    match = _FILE_NAME_RE.match(file_name)
    if match:
        try:
            closing = dt.date(int(match[1][:4]), int(match[1][4:6]), int(match[1][6:]))
        except ValueError:
            closing = None
        if closing and closing >= last:
            end = closing
    return start, end


def _check_new_year(start: dt.date, end: dt.date, problems: Problems) -> None:
    """The checks of services.open_fiscal_year, made before any write."""
    if end <= start:
        problems.add(f"Exercice du {start:%d/%m/%Y} au {end:%d/%m/%Y} : la fin doit suivre le début.")
        return
    if end >= add_months(start, 24):
        problems.add(
            f"Les écritures vont du {start:%d/%m/%Y} au {end:%d/%m/%Y} : plus de 24 mois, ce n'est pas un "
            "seul exercice (un FEC par exercice)."
        )
    overlapping = FiscalYear.objects.filter(start_date__lte=end, end_date__gte=start).first()
    if overlapping:
        problems.add(
            f"L'exercice à créer (du {start:%d/%m/%Y} au {end:%d/%m/%Y}) chevauche {overlapping} : "
            "précisez l'exercice cible."
        )
    previous = FiscalYear.objects.filter(end_date__lt=start).order_by("-end_date").first()
    if previous and previous.end_date + dt.timedelta(days=1) != start:
        problems.add(
            f"L'exercice à créer doit commencer le {previous.end_date + dt.timedelta(days=1):%d/%m/%Y}, "
            f"au lendemain de {previous}."
        )
