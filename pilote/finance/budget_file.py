"""A budget read from an XLSX workbook, in the layout the budget's own export writes: a header row
« Groupe de comptes », optionally « Intitulé », then one column per month of the fiscal year (a last
« Total » column is ignored), then one row per account group. Every problem is reported in French with its
cell; nothing is returned unless the whole file is right (the import is all-or-nothing).

A workbook whose A1 is « Code article » holds the sales per article instead (the layout of the budget's sales
export): columns « Code article », « Mois » (MM/AAAA or a date; empty: the whole year, spread over twelve months),
« Quantité », « Montant » (net, HT), in any order, other columns (« Désignation », « Prix moyen ») ignored."""

from __future__ import annotations

import datetime as dt
import itertools
import re
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


def _amount(value, rounding=round_eur) -> Decimal | None:
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
    return rounding(number)


def read_budget(stream, month_count: int) -> dict[str, list[Decimal]]:
    kind, found = read_workbook(stream, month_count)
    if kind != "groups":
        raise BudgetFileError(["La première cellule (A1) doit être « Groupe de comptes », comme dans l'export."])
    return found


def read_workbook(stream, months) -> tuple[str, dict]:
    """(« groups », {group: monthly amounts}) or (« sales », {article code: (monthly quantities, monthly
    amounts)}), by the header's first cell. `months`: the fiscal year's first days of months (or their count,
    for an account-group workbook only)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise BudgetFileError(["Le fichier n'est pas un classeur XLSX lisible."]) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise BudgetFileError(["Le classeur ne contient aucune feuille."])
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header and _text(header[0]) == "code article" and not isinstance(months, int):
            return "sales", _read_sales(header, rows, months)
        return "groups", _read_rows(itertools.chain([header], rows), months)
    finally:
        workbook.close()


def _shown(cell) -> str:
    """A cell's value as the user sees it, in a message: a date as 05/01/2026, text cut at 20 characters."""
    if isinstance(cell, dt.datetime | dt.date):
        return f"{cell:%d/%m/%Y}"
    return str(cell if cell is not None else "")[:20]


MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
               "novembre", "décembre")  # fmt: skip
MONTH_ABBREVIATIONS = ("janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct", "nov", "déc")
PLAIN = str.maketrans("éû", "eu")


def _header_month(cell) -> tuple[int, int | None] | None:
    """(month, year or None) named by a month column's header: 01/2026, 2026-01, a date, or a French month name
    with or without its year (« Janvier », « févr. 2026 »); None when it names no month."""
    if isinstance(cell, dt.datetime | dt.date):
        return cell.month, cell.year
    text = str(cell if cell is not None else "").strip().lower()
    match = re.fullmatch(r"(\d{1,2})/(\d{4})|(\d{4})-(\d{1,2})", text)
    if match:
        month, year = (match[1], match[2]) if match[1] else (match[4], match[3])
        return (int(month), int(year)) if 1 <= int(month) <= 12 else None
    match = re.fullmatch(r"([a-zéû]+)\.?(?:\s+(\d{4}))?", text)
    if not match:
        return None
    word = match[1].translate(PLAIN)
    for index, (name, short) in enumerate(zip(MONTH_NAMES, MONTH_ABBREVIATIONS, strict=True)):
        if word in (name.translate(PLAIN), short.translate(PLAIN)):
            return index + 1, int(match[2]) if match[2] else None
    return None


def _check_month_headers(header, first: int, months: list[dt.date]) -> None:
    """Each month column names the budget's month at its place (a workbook read by position would put every
    amount of a shifted column, or of another year's file, in the wrong month)."""
    problems = []
    for offset, month in enumerate(months):
        index = first + offset
        cell = header[index] if index < len(header) else None
        named = _header_month(cell)
        if named is None or named[0] != month.month or named[1] not in (None, month.year):
            shown = _shown(cell)
            quoted = f"« {shown} »" if shown else "« »"
            problems.append(f"Cellule {_column(index)}1 : {quoted} au lieu de {month:%m/%Y}.")
    if problems:
        raise BudgetFileError([
            "Chaque colonne de mois doit porter le mois du budget, dans l'ordre (MM/AAAA, comme l'export).",
            *problems[: MAX_PROBLEMS - 1],
        ])  # fmt: skip


def _text(cell) -> str:
    return str(cell if cell is not None else "").strip().lower()


def _quantity(value) -> Decimal | None:
    """A quantity typed in a cell (« 12,5 », 12.5): to the thousandth, None when it is not a number."""
    if isinstance(value, str) and "€" in value:  # an amount in the quantity's column
        return None
    quantity = _amount(value, rounding=budgets.round_quantity)
    return quantity if quantity is None or abs(quantity) < Decimal("1e11") else None


def _month(value, months: list[dt.date]) -> int | None | str:
    """The month's index in the year, « year » for an empty cell, None when it is not a month of the year."""
    if value is None or value == "":
        return "year"
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value.replace(day=1)
    else:
        match = re.fullmatch(r"(?:(\d{1,2})/)?(\d{1,2})/(\d{4})|(\d{4})-(\d{1,2})(?:-\d{1,2})?", str(value).strip())
        if not match:
            return None
        month, year = (match[2], match[3]) if match[3] else (match[5], match[4])
        try:
            day = dt.date(int(year), int(month), 1)
        except ValueError:
            return None
    return months.index(day) if day in months else None


SALES_COLUMNS = {"code article": "code", "mois": "month", "quantité": "quantity", "montant": "amount"}


def _read_sales(header, rows, months: list[dt.date]) -> dict[str, tuple[list[Decimal], list[Decimal]]]:
    position = {}
    for index, cell in enumerate(header):
        name = SALES_COLUMNS.get(_text(cell).replace(" ht", "").replace(" (€)", ""))
        if name and name not in position:
            position[name] = index
    missing = [label for label, name in (("Quantité", "quantity"), ("Montant", "amount")) if name not in position]
    if missing:
        raise BudgetFileError([f"L'en-tête doit porter les colonnes « Code article », « Mois », « Quantité » et "
                               f"« Montant » ; il manque {', '.join(f'« {m} »' for m in missing)}."])  # fmt: skip
    count = len(months)
    problems: list[str] = []
    sales: dict[str, tuple[list[Decimal], list[Decimal]]] = {}
    whole_year: set[str] = set()
    typed: dict[str, set[int]] = {}

    def cell(row, name):
        index = position.get(name)
        return row[index] if index is not None and index < len(row) else None

    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            problems.append(f"Le fichier dépasse {MAX_ROWS} lignes de budget.")
            break
        if row is None or all(value in (None, "") for value in row):
            continue
        code = str(cell(row, "code") if cell(row, "code") is not None else "").strip()
        if code.endswith(".0"):
            code = code[:-2]
        if not code or len(code) > 40:
            problems.append(f"Ligne {number} (A{number}) : indiquez le code de l'article.")
            continue
        month = _month(cell(row, "month"), months)
        quantity, amount = _quantity(cell(row, "quantity")), _amount(cell(row, "amount"))
        where = _column(position.get("month", 0))
        if month is None:
            problems.append(f"Ligne {number} ({where}{number}) : « {_shown(cell(row, 'month'))} » n'est pas un "
                            "mois de l'exercice (MM/AAAA).")  # fmt: skip
        if quantity is None:
            name = f"{_column(position['quantity'])}{number}"
            problems.append(f"Ligne {number} ({name}) : « {_shown(cell(row, 'quantity'))} » n'est pas une quantité.")
        if amount is None:
            name = f"{_column(position['amount'])}{number}"
            problems.append(f"Ligne {number} ({name}) : « {_shown(cell(row, 'amount'))} » n'est pas un montant.")
        if month is None or quantity is None or amount is None:
            if len(problems) >= MAX_PROBLEMS:
                break
            continue
        quantities, amounts = sales.setdefault(code, ([Decimal(0)] * count, [Decimal(0)] * count))
        if month == "year":
            if code in whole_year or typed.get(code):
                problems.append(f"Ligne {number} : l'article {code} a déjà des ventes sur cette période.")
                continue
            if count != budgets.MONTHS:
                problems.append(f"Ligne {number} : cet exercice ne compte pas douze mois, indiquez le mois.")
                continue
            whole_year.add(code)
            quantities[:], amounts[:] = budgets.spread_quantity(quantity), budgets.spread(amount)
        else:
            if code in whole_year or month in typed.get(code, set()):
                problems.append(f"Ligne {number} : l'article {code} a déjà des ventes sur ce mois.")
                continue
            typed.setdefault(code, set()).add(month)
            quantities[month], amounts[month] = quantity, amount
        if len(problems) >= MAX_PROBLEMS:
            break
    if not sales and not problems:
        problems.append("Le fichier ne contient aucune vente par article.")
    if problems:
        raise BudgetFileError(problems[:MAX_PROBLEMS])
    return sales


def _read_rows(rows, months: list[dt.date] | int) -> dict[str, list[Decimal]]:
    month_count = months if isinstance(months, int) else len(months)
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
    if not isinstance(months, int):
        _check_month_headers(header, first, months)
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
                problems.append(f"Ligne {number} ({cell_name}) : « {_shown(cell)} » n'est pas un montant.")
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
