"""Payroll inputs, pure (FRENCH-RULES §9): overtime by rate, the month's contractual hours, the provider's
payroll journal read from CSV, and an indicative gross → net and employer-cost estimate.

Pilote prepares the payroll; it does not compute payslips (branch rates, reductions, DSN are out of scope). The
estimate is labelled as such everywhere it is shown: net = gross × a configurable employee ratio (≈ 0.79 at the
SMIC, FRENCH-RULES §9), employer cost = gross × (1 + a configurable employer rate), the general reduction of
employer contributions on low wages not applied."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pilote.lib.formats import format_eur

# 2026 figures (FRENCH-RULES §9 [48][49]): SMIC from 1 January 2026 (décret 2025-1228), PMSS and PASS 2026.
SMIC_HOURLY = Decimal("12.02")
SMIC_MONTHLY = Decimal("1823.03")  # 151⅔ hours
LEGAL_MONTHLY_HOURS = Decimal("151.67")
PMSS = Decimal("4005")
PASS = Decimal("48060")
DEFAULT_NET_RATIO = Decimal("0.78")  # employee contributions ≈ 22 % (0.79 at the SMIC)
DEFAULT_EMPLOYER_RATE = Decimal("0.42")  # employer contributions before any reduction
WEEKLY_THRESHOLD = Decimal(35)
FIRST_RATE_LIMIT = Decimal(43)  # +25 % from the 36th to the 43rd hour, +50 % from the 44th (L3121-36)
CENT = Decimal("0.01")


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def overtime(week_hours: Decimal) -> tuple[Decimal, Decimal]:
    """A week's overtime at +25 % and at +50 %."""
    hours = Decimal(week_hours)
    at_25 = min(max(hours - WEEKLY_THRESHOLD, Decimal(0)), FIRST_RATE_LIMIT - WEEKLY_THRESHOLD)
    at_50 = max(hours - FIRST_RATE_LIMIT, Decimal(0))
    return at_25, at_50


def monthly_hours(weekly_hours: Decimal) -> Decimal:
    """Contractual hours a month: weekly × 52 / 12 (35 h → 151,67 h)."""
    return round2(Decimal(weekly_hours) * 52 / 12)


@dataclass(frozen=True)
class Estimate:
    gross: Decimal
    net: Decimal
    employer_cost: Decimal
    under_smic: bool  # gross under the SMIC for the hours
    over_pmss: bool  # contributions capped at the PMSS apply above it

    label = "Estimation indicative — pas un bulletin de paie"


def estimate(gross: Decimal, hours: Decimal = LEGAL_MONTHLY_HOURS, net_ratio: Decimal = DEFAULT_NET_RATIO,
             employer_rate: Decimal = DEFAULT_EMPLOYER_RATE) -> Estimate:  # fmt: skip
    gross = Decimal(gross)
    minimum = round2(SMIC_MONTHLY * Decimal(hours) / LEGAL_MONTHLY_HOURS)  # 151,67 h → 1 823,03 €
    cost = round2(gross * (1 + employer_rate))
    return Estimate(gross, round2(gross * net_ratio), cost, gross < minimum, gross > PMSS)


# --- The provider's payroll journal (CSV) ------------------------------------------------------------------------

# Accounts a payroll entry may use: personnel costs, staff, social bodies, taxes on pay, other taxes (6/4 classes).
ALLOWED_PREFIXES = ("64", "42", "43", "44", "63", "62", "46")
HEADERS = {
    "account": ("compte", "numero de compte", "n compte", "compte general", "account"),
    "label": ("libelle", "intitule", "libelle de l'ecriture", "label"),
    "debit": ("debit", "montant debit"),
    "credit": ("credit", "montant credit"),
}


@dataclass(frozen=True)
class JournalLine:
    line: int
    account: str
    label: str
    debit: Decimal
    credit: Decimal


class JournalError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return " ".join(text.replace("°", "").replace(".", " ").split())


def _amount(text: str) -> Decimal:
    cleaned = (text or "").replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "")
    if not cleaned:
        return Decimal(0)
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    value = Decimal(cleaned)
    if not value.is_finite() or abs(value) >= Decimal("1e12"):  # abs() overflows on 1e999999999
        raise InvalidOperation
    return round2(value)


def read_journal(text: str) -> list[JournalLine]:
    """The lines of a payroll journal as a provider exports it: a header naming the account, label, debit and
    credit columns (any order, any case or accents), `;`, `,` or tab separated, decimal comma or dot. Refused with
    every problem: unknown columns, unreadable amounts, accounts outside payroll classes, an unbalanced total."""
    text = text.lstrip("\ufeff")
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=";,\t").delimiter
    except csv.Error:
        delimiter = ";"  # (was set on csv.excel itself, changing every later csv.writer of the process)
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:  # a field over the csv module's limit, a stray quote in strict mode…
        raise JournalError(["Le fichier n'est pas un journal CSV lisible (compte, libellé, débit, crédit)."]) from exc
    if not rows:
        raise JournalError(["Le fichier est vide."])
    header = [_plain(cell) for cell in rows[0]]
    columns = {}
    for key, names in HEADERS.items():
        found = [i for i, cell in enumerate(header) if cell in names]
        if found:
            columns[key] = found[0]
    missing = [label for key, label in (("account", "compte"), ("debit", "débit"), ("credit", "crédit"))
               if key not in columns]  # fmt: skip
    if missing:
        raise JournalError([f"Colonnes introuvables dans l'en-tête : {', '.join(missing)} (attendu : compte, libellé, "
                            "débit, crédit)."])  # fmt: skip
    lines, problems = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(value.strip() for value in row):
            continue

        def cell(key, row=row):
            return row[columns[key]].strip() if key in columns and columns[key] < len(row) else ""

        account = "".join(cell("account").split())
        try:
            debit, credit = _amount(cell("debit")), _amount(cell("credit"))
        except (ArithmeticError, ValueError):  # InvalidOperation, Overflow
            problems.append(f"Ligne {number} : montant illisible.")
            continue
        if not (account.isascii() and account.isdigit()) or not account.startswith(ALLOWED_PREFIXES):
            problems.append(f"Ligne {number} : le compte « {account[:20]} » n'est pas un compte de paie "
                            "(classes 64, 42, 43, 44…).")  # fmt: skip
            continue
        if debit < 0 or credit < 0 or (debit and credit) or not (debit or credit):
            problems.append(f"Ligne {number} : un montant au débit ou au crédit, positif.")
            continue
        lines.append(JournalLine(number, account, cell("label")[:200], debit, credit))
    if not lines and not problems:
        problems.append("Aucune ligne d'écriture dans le fichier.")
    total_debit, total_credit = sum(x.debit for x in lines), sum(x.credit for x in lines)
    if not problems and total_debit != total_credit:
        problems.append(
            f"Le journal n'est pas équilibré : débit {format_eur(total_debit)}, crédit {format_eur(total_credit)}."
        )
    if problems:
        raise JournalError(problems)
    return lines


# --- Pay in the treasury plan (a core.registry.CashForecastSource) -------------------------------------------


def pay_flows(staff: list[tuple], today, end, net_ratio: Decimal = DEFAULT_NET_RATIO,
              employer_rate: Decimal = DEFAULT_EMPLOYER_RATE) -> list[tuple]:  # fmt: skip
    """The pay of the months ending after today, for the treasury plan, from each person's (entry, exit,
    monthly gross) — those present on the month's last day: the net pay on that day, the social contributions
    (employee and employer: gross × (1 + employer rate) − net) on the 15th of the next month; up to `end`.
    Indicative, like `estimate`: no reduction, no absence."""
    import calendar
    import datetime as dt

    flows = []
    year, month = today.year, today.month
    while True:
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        if last > end:
            break
        if last > today:
            gross = sum((Decimal(g) for entry, exit_, g in staff
                         if g and entry <= last and (exit_ is None or exit_ >= last)), Decimal(0))  # fmt: skip
            if gross:
                net = round2(gross * net_ratio)
                flows.append((last, -net, "Salaires nets (personnel)"))
                charges_day = dt.date(year + (month == 12), month % 12 + 1, 15)
                if charges_day <= end:
                    flows.append(
                        (charges_day, -(round2(gross * (1 + employer_rate)) - net), "Charges sociales (personnel)")
                    )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return flows


# --- Analytic distribution of the payroll entry -------------------------------------------------------------------


def payroll_shares(pay: list[tuple[int, Decimal]], distributions: dict[int, list[tuple[object, Decimal]]]) -> list:
    """The staff costs' analytic distribution: each employee's (id, gross of the month) spread over their sections
    (section, percent), summed per section — weights in euros the ledger turns into parts to the cent. An axis not
    every paid employee is distributed on is left to the account's defaults (a partial spread would not add up)."""
    pay = [(employee, Decimal(gross)) for employee, gross in pay if gross and gross > 0]
    total = sum((gross for _e, gross in pay), Decimal(0))
    weights: dict[int, Decimal] = {}
    sections: dict[int, object] = {}
    covered: dict[int, Decimal] = {}
    for employee, gross in pay:
        for axis in {section.axis_id for section, _p in distributions.get(employee, [])}:
            covered[axis] = covered.get(axis, Decimal(0)) + gross
        for section, percent in distributions.get(employee, []):
            weights[section.pk] = weights.get(section.pk, Decimal(0)) + gross * Decimal(percent) / 100
            sections[section.pk] = section
    return [(sections[pk], weight) for pk, weight in weights.items() if covered[sections[pk].axis_id] == total]
