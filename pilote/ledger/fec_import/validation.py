"""`validate_fec`: the whole file read and checked — format, every field, every entry's balance, the fiscal
year, and what the current books would refuse —; nothing is written."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pilote.core.models import Structure
from pilote.ledger.fec_import.lines import Scan, check_header
from pilote.ledger.fec_import.numbering import NotContiguous, Numbers
from pilote.ledger.fec_import.reading import CURRENCY_AMOUNT, DATE, JOURNAL, LET, NUM, Source, numbered_records, split
from pilote.ledger.fec_import.report import MAX_CAUSES, FecReport, Problems, TooMany
from pilote.ledger.models import Account, AuxiliaryAccount, Entry, EntryStatus, FiscalYear, Journal, JournalKind
from pilote.lib.dates import add_months
from pilote.lib.money import from_cents

# The usual codes of the à-nouveaux journal: AN, ANO (Sage, EBP, Cegid…), RAN, ANV, AN0, ANX; Odoo's OUV
# (§1); a journal whose label says « à nouveau(x) » or « ouverture » is one too.
OPENING_CODES = {"AN", "ANO", "ANV", "AN0", "ANX", "RAN", "OUV", "NOUV", "ANOUV"}
_OPENING_JOURNAL_LABEL_RE = re.compile(r"\b[aà][ -]?nouveaux?\b|\bouverture\b", re.IGNORECASE)

_FILE_NAME_RE = re.compile(r"^(\d{9})FEC(\d{8})", re.IGNORECASE)


def file_name_parts(name: str) -> tuple[str, dt.date | None] | None:
    """(SIREN, closing date) of a file named SIRENFECAAAAMMJJ(.txt), or None."""
    match = _FILE_NAME_RE.match(name or "")
    if match is None:
        return None
    text = match[2]
    try:
        return match[1], dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return match[1], None


def guess_journal_kind(code: str, label: str = "") -> str:
    code = code.upper()
    if code in OPENING_CODES or _OPENING_JOURNAL_LABEL_RE.search(label or ""):
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
        problems.append(f"Plus de {MAX_CAUSES} sortes d'anomalies : la vérification s'est arrêtée là.")
    report.problems = list(problems)
    report.problem_causes, report.problem_count = problems.causes(), max(problems.total, len(problems))
    return report


def _encoding_problems(src: Source, problems: Problems) -> None:
    """Lines that would be posted garbled: a second encoding in the file, or a byte no encoding reads."""
    if src.offending_kind == "8-bit":
        found, expected = "ISO-8859-15 ou Windows-1252", "UTF-8"
    else:
        found, expected = "UTF-8", "ISO-8859-15 ou Windows-1252"
    for line_no in src.offending:
        problems.add(
            f"Ligne {line_no} : accents encodés autrement que dans le reste du fichier ({found} ici, {expected}"
            " ailleurs) : le fichier mélange deux encodages et ses libellés seraient altérés ; réenregistrez-le"
            " en un seul encodage."
        )
    for line_no in src.undecodable:
        problems.add(
            f"Ligne {line_no} : caractère illisible (un octet qu'aucun encodage admis pour le FEC ne "
            "représente) : réenregistrez le fichier en UTF-8 ou en ISO-8859-15."
        )


def _validate(src: Source, fiscal_year, report: FecReport, problems: Problems, *, grouped: bool) -> None:
    report.source = src
    report.encoding = src.label
    _encoding_problems(src, problems)
    header = next(src.records(), None)
    if header is None or not header.strip():
        problems.add("Ligne 1 : fichier vide ou sans en-tête.")
        return
    report.separator = separator = "\t" if "\t" in header else "|" if "|" in header else ""
    if not separator:
        problems.add("Ligne 1 : séparateur non reconnu : le FEC sépare ses champs par une tabulation ou « | ».")
        return
    names = [n.strip().lstrip("\ufeff") for n in header.split(separator)]
    while len(names) > 1 and not names[-1]:  # a separator after the last field (written by some software)
        names.pop()
    checked = check_header(names, problems)
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
        values = [value.strip() for value in split(record, separator, width)]
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
            f"{report.lettered_lines} ligne(s) lettrée(s) : le lettrage du fichier (EcritureLet, DateLet) est "
            "repris tel quel."
        )
    # What a re-export of the year cannot give back as it was (the rest is kept field by field).
    if report.currency_lines:
        report.warnings.append(
            f"Non repris : {report.currency_lines} ligne(s) en devise, Montantdevise et Idevise (Pilote tient ses "
            "comptes en euros ; les montants en euros sont repris)."
        )
    if scan.zero_lines:
        report.warnings.append(f"Non reprises : {scan.zero_lines} ligne(s) à zéro (ni débit ni crédit).")
    if scan.other_piece_dates:
        report.warnings.append(
            f"Non reprises : {scan.other_piece_dates} date(s) PieceDate différentes de celle de la première ligne "
            "de leur écriture (Pilote garde une date de pièce par écriture)."
        )
    if scan.other_valid_dates:
        report.warnings.append(
            f"Non reprises : {scan.other_valid_dates} date(s) ValidDate différentes de celle de la première ligne "
            "de leur écriture (Pilote garde une date de validation par écriture)."
        )
    if scan.let_without_date:
        report.warnings.append(
            f"{scan.let_without_date} ligne(s) lettrée(s) sans DateLet : la réexportation donnera la date de "
            "l'import comme DateLet."
        )
    if scan.long_lets:
        report.warnings.append(f"Tronqués : {scan.long_lets} code(s) EcritureLet de plus de 20 caractères.")
    if scan.long_pieces:
        report.warnings.append(f"Tronquées : {scan.long_pieces} référence(s) PieceRef de plus de 40 caractères.")
    if scan.without_auxiliary:
        report.warnings.append(
            f"{scan.without_auxiliary} ligne(s) de comptes clients ou fournisseurs (401, 411) sans compte "
            "auxiliaire (CompAuxNum vide, admis par le format) : reprises telles quelles sur le compte général."
        )
    _check_gaps(scan.numbers, report)
    report.journals = {
        code: (label or code, guess_journal_kind(code, label)) for code, label in scan.journal_labels.items()
    }
    if scan.entry_dates:
        report.first_date, report.last_date = min(scan.entry_dates), max(scan.entry_dates)
    _find_openings(scan, report)
    _check_file_name(src.name, report, problems)
    if problems:
        return
    _check_against_books(scan, report, fiscal_year, problems)


def _find_openings(scan: Scan, report: FecReport) -> None:
    """The à-nouveaux (§1: "the first entries carry over the prior-year balances"): the journals of an
    opening kind (usual code or label, or kind already set in Pilote), a journal whose every entry says
    « à nouveau », and the entries of an ordinary journal that say so on the file's first day."""
    kinds = dict(Journal.objects.filter(code__in=report.journals).values_list("code", "kind"))
    for code, count in scan.opening_entries.items():
        if code not in kinds and scan.journal_entries.get(code) == count:
            report.journals[code] = (report.journals[code][0], JournalKind.OPENING)
    kinds = {code: kinds.get(code, kind) for code, (_, kind) in report.journals.items()}
    report.opening_journals = {code for code, kind in kinds.items() if kind == JournalKind.OPENING}
    first = report.first_date
    report.opening_by_label = {
        code for code, dates in scan.opening_labelled.items() if code not in report.opening_journals and first in dates
    }
    if report.opening_by_label:
        target = min(report.opening_journals, default="")
        if not target:
            target = Journal.objects.filter(kind=JournalKind.OPENING, is_active=True).values_list("code", flat=True)
            target = target.order_by("code").first() or "AN"
            if target not in report.journals:
                report.journals[target] = ("À-nouveaux", JournalKind.OPENING)
        report.opening_target = target
        report.warnings.append(
            f"Écritures d'à-nouveaux (libellé « à nouveau ») du {first:%d/%m/%Y} dans le(s) journal(aux) "
            f"{', '.join(sorted(report.opening_by_label))} : reprises comme à-nouveaux dans le journal {target} "
            "(c'est leur JournalCode à la réexportation)."
        )
    dates = [scan.journal_first[code] for code in report.opening_journals if code in scan.journal_first]
    if report.opening_by_label:
        dates.append(first)
    report.opening_date = min(dates, default=None)
    if report.opening_journals & set(scan.journal_first):
        report.warnings.append(
            f"Journal(aux) d'à-nouveaux {', '.join(sorted(report.opening_journals & set(scan.journal_first)))} : "
            "repris comme soldes d'ouverture de l'exercice (pas comme des mouvements)."
        )


def _check_file_name(name: str, report: FecReport, problems: Problems) -> None:
    """The legal name SIRENFECAAAAMMJJ: its SIREN must be the structure's, its date is the closing date."""
    parts = file_name_parts(Path(name).name if name else "")
    if parts is None:
        if name:
            report.warnings.append(
                f"Le nom du fichier « {Path(name).name} » ne suit pas la forme légale SIRENFECAAAAMMJJ.txt : "
                "le SIREN et la date de clôture n'ont pas pu être contrôlés."
            )
        return
    report.siren, report.closing_date = parts
    if report.closing_date is None:
        problems.add(f"Le nom du fichier « {Path(name).name} » porte une date de clôture invalide (AAAAMMJJ).")
    own = "".join((Structure.objects.filter(pk=1).values_list("siren", flat=True).first() or "").split())
    if own and own != report.siren:
        problems.add(
            f"Le nom du fichier porte le SIREN {report.siren}, celui de la structure est {own} : ce FEC est "
            "celui d'une autre entreprise (rien n'est importé)."
        )
    elif not own:
        report.warnings.append(
            f"La structure n'a pas de SIREN : celui du fichier ({report.siren}) n'a pas pu être comparé."
        )


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


def _check_against_books(scan: Scan, report: FecReport, fiscal_year, problems: Problems) -> None:
    """What posting would refuse, found before any write: the fiscal year, closed or locked periods,
    inactive accounts and journals, sub-ledger rules."""
    first_line = scan.first_line
    first = report.first_date
    if isinstance(fiscal_year, FiscalYear):
        year = fiscal_year
    elif fiscal_year is None:
        year = FiscalYear.objects.filter(start_date__lte=first, end_date__gte=first).first()
    else:  # (start, end): that year if it exists already, else the one to open
        year = FiscalYear.objects.filter(start_date=fiscal_year[0], end_date=fiscal_year[1]).first()
    if year is None:
        start, end = fiscal_year if isinstance(fiscal_year, tuple) else _new_year_dates(report)
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
    if report.closing_date and end != report.closing_date:
        report.warnings.append(
            f"L'exercice se termine le {end:%d/%m/%Y}, le nom du fichier porte la date de clôture du "
            f"{report.closing_date:%d/%m/%Y}."
        )
    locked_until = year.locked_until if year is not None else None
    refused = {day for day in scan.entry_dates if not start <= day <= end or (locked_until and day <= locked_until)}
    if refused:  # rare: the file is read again to name the first line of each entry concerned
        met: set[tuple[str, str]] = set()
        _, records = numbered_records(report.source, report.separator, grouped=False)  # first lines come first
        for line_no, record in records:
            v = split(record, report.separator, report.width)
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
    _labels_kept(report)
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


def _labels_kept(report: FecReport) -> None:
    """Accounts, journals and sub-accounts already in Pilote keep Pilote's label: a re-export writes it
    (CompteLib, JournalLib, CompAuxLib) instead of the file's. Said before the import."""
    for name, model, labels in (
        ("compte(s)", Account, {code: label for code, label in report.accounts.items()}),
        ("journal(aux)", Journal, {code: label for code, (label, _) in report.journals.items()}),
        ("compte(s) auxiliaire(s)", AuxiliaryAccount, {code: label for code, (label, _) in report.auxiliaries.items()}),
    ):
        existing = model.objects.filter(code__in=labels).values_list("code", "label")
        size = model._meta.get_field("label").max_length
        differing = sorted(code for code, label in existing if label != labels[code][:size])
        if differing:
            shown = ", ".join(differing[:5]) + ("…" if len(differing) > 5 else "")
            report.warnings.append(
                f"Intitulés de Pilote gardés pour {len(differing)} {name} déjà présent(s) ({shown}) : la "
                "réexportation écrira l'intitulé de Pilote, pas celui du fichier."
            )


def _new_year_dates(report: FecReport) -> tuple[dt.date, dt.date]:
    """The dates proposed for a new fiscal year, taken from the file (the user confirms or corrects them
    before the import). End: the closing date of the file name SIRENFECAAAAMMJJ (§1), else the last
    EcritureDate's month end. Start: the day after the previous year in Pilote, else the date of the
    à-nouveaux (§1: the first entries), else twelve months before the closing when the entries begin
    inside them, else the first day of the first entry's month."""
    first, last, closing = report.first_date, report.last_date, report.closing_date
    end = closing if closing and closing >= last else add_months(last.replace(day=1), 1) - dt.timedelta(days=1)
    previous = FiscalYear.objects.filter(end_date__lt=first).order_by("-end_date").first()
    twelve_months = add_months(end + dt.timedelta(days=1), -12)
    if previous:
        start = previous.end_date + dt.timedelta(days=1)
    elif report.opening_date:
        start = report.opening_date
    elif twelve_months <= first:
        start = twelve_months
    else:
        start = first.replace(day=1)
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
