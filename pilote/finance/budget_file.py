"""A budget read from an XLSX workbook, in the layout the budget's own export writes: a header row
« Groupe de comptes », optionally « Intitulé », then one column per month of the fiscal year (a last
« Total » column is ignored), then one row per account group. Every problem is reported in French with its
cell; nothing is returned unless the whole file is right (the import is all-or-nothing)."""

from __future__ import annotations

import zipfile
from decimal import Decimal, InvalidOperation

from pilote.finance import budgets
from pilote.lib.money import round_eur

MAX_ROWS = 2000
MAX_PROBLEMS = 20


class BudgetFileError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _amount(value) -> Decimal | None:
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "")
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            return None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        return None
    return round_eur(number)


def read_budget(stream, month_count: int) -> dict[str, list[Decimal]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise BudgetFileError(["Le fichier n'est pas un classeur XLSX lisible."]) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise BudgetFileError(["Le classeur ne contient aucune feuille."])
        return _read_rows(sheet.iter_rows(values_only=True), month_count)
    finally:
        workbook.close()


def _read_rows(rows, month_count: int) -> dict[str, list[Decimal]]:
    header = next(rows, None)
    if not header or str(header[0] or "").strip().lower() not in ("groupe de comptes", "compte", "groupe"):
        raise BudgetFileError(["La première cellule (A1) doit être « Groupe de comptes », comme dans l'export."])
    first = 2 if len(header) > 1 and str(header[1] or "").strip().lower() == "intitulé" else 1
    named = [str(cell or "").strip() for cell in header[first:]]
    while named and named[-1] == "":
        named.pop()
    if named and named[-1].lower() == "total":
        named.pop()
    if len(named) != month_count:
        raise BudgetFileError(
            [
                f"L'en-tête doit compter {month_count} colonnes de mois après le groupe de comptes ; "
                f"il en compte {len(named)}."
            ]
        )
    problems: list[str] = []
    amounts: dict[str, list[Decimal]] = {}
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            problems.append(f"Le fichier dépasse {MAX_ROWS} lignes de budget.")
            break
        if row is None or all(cell in (None, "") for cell in row):
            continue
        group = str(row[0] if row[0] is not None else "").strip()
        if group.endswith(".0"):
            group = group[:-2]
        if not budgets.valid_group(group):
            problems.append(
                f"Ligne {number} (A{number}) : « {group[:20]} » n'est pas un groupe de comptes de classe 6 ou 7."
            )
            continue
        if group in amounts:
            problems.append(f"Ligne {number} : le groupe {group} apparaît deux fois.")
            continue
        values = []
        for offset in range(month_count):
            index = first + offset
            cell = row[index] if index < len(row) else None
            value = _amount(cell)
            if value is None:
                cell_name = f"{_column(index)}{number}"
                problems.append(f"Ligne {number} ({cell_name}) : « {str(cell)[:20]} » n'est pas un montant.")
                value = Decimal(0)
            values.append(value)
        amounts[group] = values
        if len(problems) >= MAX_PROBLEMS:
            break
    if not problems:
        pairs = budgets.overlapping(list(amounts))
        problems += [
            f"Les groupes {a} et {b} se recouvrent : le compte {b} serait compté deux fois." for a, b in pairs[:5]
        ]
    if not amounts and not problems:
        problems.append("Le fichier ne contient aucune ligne de budget.")
    if problems:
        raise BudgetFileError(problems[:MAX_PROBLEMS])
    return amounts
