"""The blank files Pilote provides: a CSV (UTF-8 with BOM, « ; ») and an XLSX whose second sheet explains
each column. Both hold the header line and one example line."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font


def csv_bytes(dataset) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in dataset.columns])
    writer.writerow([column.example for column in dataset.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(dataset) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Données"
    sheet.append([column.header for column in dataset.columns])
    sheet.append([column.example for column in dataset.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(dataset.columns, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(14, len(column.header) + 4)
        sheet.cell(2, index).number_format = "@"  # the example stays text (« 0102… », « 20 »)
    help_sheet = book.create_sheet("Explications")
    help_sheet.append(["Colonne", "Obligatoire", "Ce qu'elle contient", "Exemple"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column in dataset.columns:
        help_sheet.append([column.header, "oui" if column.required else "non", column.help, column.example])
    help_sheet.column_dimensions["A"].width = 28
    help_sheet.column_dimensions["C"].width = 90
    help_sheet.column_dimensions["D"].width = 30
    help_sheet.append([])
    help_sheet.append(["Remplissez la première feuille à partir de sa deuxième ligne (remplacez l'exemple) ; "
                       "seule la première feuille est lue."])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
