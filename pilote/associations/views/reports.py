"""The association's reports for a fiscal year: income by origin, use of dedicated funds, the simplified annual
figures (compte de résultat with the contributions in kind below the result, bilan) — a page and CSV/XLSX/PDF
exports of each table through the shared export path."""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.shortcuts import render

from pilote.associations.access import for_associations
from pilote.associations.queries import reports as queries
from pilote.core.access import require_perm
from pilote.core.listing import EXPORT_FORMATS, Column, export_response
from pilote.ledger.models import FiscalYear

SECTION_TITLES = {
    "operating_income": "Produits d'exploitation", "operating_charges": "Charges d'exploitation",
    "financial_income": "Produits financiers", "financial_charges": "Charges financières",
    "exceptional_income": "Produits exceptionnels", "exceptional_charges": "Charges exceptionnelles",
    "tax": "Impôts sur les sociétés",
}  # fmt: skip


class YearForm(forms.Form):
    exercice = forms.ModelChoiceField(label="Exercice", queryset=FiscalYear.objects.order_by("-start_date"),
                                      empty_label=None)  # fmt: skip


def _year(request):
    year = FiscalYear.objects.order_by("-start_date").first()
    form = YearForm(request.GET or None, initial={"exercice": year})
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["exercice"]
    return form, year


def statement_rows(statement) -> list[tuple[str, str, object]]:
    rows = []
    for group, section in statement.sections.items():
        rows += [(SECTION_TITLES[group], label, amount) for label, amount in section.rows if amount]
        rows.append((SECTION_TITLES[group], "Total", section.total))
    rows += [
        ("Résultat", "Résultat d'exploitation", statement.operating_result),
        ("Résultat", "Résultat financier", statement.financial_result),
        ("Résultat", "Résultat exceptionnel", statement.exceptional_result),
        ("Résultat", "Excédent ou déficit", statement.result),
    ]
    for group, title in (("uses", "Emplois des contributions volontaires en nature (86)"),
                         ("resources", "Contributions volontaires en nature (87)")):  # fmt: skip
        rows += [(title, label, amount) for label, amount in statement.in_kind[group].rows if amount]
        rows.append((title, "Total", statement.in_kind[group].total))
    return rows


def _tables(year) -> dict:
    figures = queries.annual_figures(year)
    funds, in_books = queries.dedicated_funds(year)
    return figures | {"funds": funds, "funds_in_books": in_books,
                      "statement_rows": statement_rows(figures["statement"])}  # fmt: skip


@require_perm("associations.view")
@for_associations
def reports(request):
    form, year = _year(request)
    context = {"form": form, "year": year, "sections": SECTION_TITLES}
    if year is not None:
        context |= _tables(year)
    return render(request, "associations/reports.html", context)


EXPORTS = {
    "origines": ("Produits par origine", [Column("Origine", lambda r: r[0]), Column("Montant", lambda r: r[1])],
                 lambda t: t["origins"]),
    "fonds-dedies": ("Fonds dédiés", [
        Column("Subvention", lambda r: r.grant.code), Column("Financeur", lambda r: r.grant.funder.display_name),
        Column("Début d'exercice", lambda r: r.opening), Column("Reportés", lambda r: r.carried),
        Column("Utilisés", lambda r: r.used), Column("Fin d'exercice", lambda r: r.closing)], lambda t: t["funds"]),
    "compte-de-resultat": ("Compte de résultat", [Column("Rubrique", lambda r: r[0]), Column("Poste", lambda r: r[1]),
                                                 Column("Montant", lambda r: r[2])], lambda t: t["statement_rows"]),
    "bilan": ("Bilan", [Column("Côté", lambda r: r[0]), Column("Poste", lambda r: r[1]),
                        Column("Montant", lambda r: r[2])],
              lambda t: [("Actif", label, amount) for label, amount in t["sheet"].assets]
              + [("Actif", "Total", t["sheet"].assets_total)]
              + [("Passif", label, amount) for label, amount in t["sheet"].liabilities]
              + [("Passif", "Total", t["sheet"].liabilities_total)]),
}  # fmt: skip


@require_perm("associations.view")
@for_associations
def report_export(request, report: str, fmt: str):
    if fmt not in EXPORT_FORMATS or report not in EXPORTS:
        raise Http404
    _, year = _year(request)
    if year is None:
        raise Http404
    title, columns, rows = EXPORTS[report]
    return export_response(rows(_tables(year)), columns, f"{report}-{year.start_date:%Y}", fmt,
                           title=f"{title} — {year}")  # fmt: skip
