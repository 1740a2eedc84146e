"""Retention of the office's documents (pure): how long each type of document is kept, from when, and by which
text. A document past its date is proposed for purging (never deleted automatically: a person confirms, the
deletion is logged); a legal hold keeps it whatever its date.

The legal periods (minimums; a structure may keep longer):
- accounting documents and supporting vouchers (invoices): 10 years — Code de commerce L123-22 (« les documents
  comptables et les pièces justificatives sont conservés pendant dix ans »), counted from the close of the
  financial year: here from the 31 December of the document's year;
- tax documents: 6 years — Livre des procédures fiscales L102 B, from the last operation (the year's end here);
- payroll slips (the employer's copy): 5 years — Code du travail L3243-4;
- the personnel register: 5 years after the employee's departure — Code du travail R1221-26;
- employment contracts and what proves the employment: 5 years after the departure — the limitation of actions
  on the performance or breach of the contract (C. trav. L1471-1, 2 years) and of civil actions (C. civ. 2224,
  5 years);
- the DUERP (single risk assessment document), every version: 40 years — Code du travail R4121-4 and
  L4121-3-1 V;
- minutes of general assemblies and boards: kept permanently (the register of deliberations is the structure's
  memory: C. com. R225-106 for companies, the statutes for associations);
- commercial contracts and commercial correspondence: 5 years after the end — Code de commerce L110-4;
- internal meeting minutes and other documents: no legal period; the structure decides (none by default).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    label: str  # the type of document, in French
    years: int | None  # None: no legal period (permanent when `permanent`)
    basis: str  # the text, cited in French on the pages
    start: str = "date"  # "date" (the document's date), "year_end" (31/12 of its year), "end" (departure / end)
    permanent: bool = False


RULES: dict[str, Rule] = {
    "accounting": Rule("Document comptable", 10, "Code de commerce, art. L123-22 : 10 ans", "year_end"),
    "invoice": Rule("Facture", 10, "Code de commerce, art. L123-22 : 10 ans", "year_end"),
    "tax": Rule("Document fiscal", 6, "Livre des procédures fiscales, art. L102 B : 6 ans", "year_end"),
    "payslip": Rule("Bulletin de paie", 5, "Code du travail, art. L3243-4 : 5 ans"),
    "register": Rule(
        "Registre du personnel", 5, "Code du travail, art. R1221-26 : 5 ans après le départ du salarié", "end"
    ),
    "employment": Rule(
        "Contrat de travail",
        5,
        "Code du travail, art. L1471-1 et Code civil, art. 2224 (prescription) : 5 ans après le départ",
        "end",
    ),
    "duerp": Rule("Document unique (DUERP)", 40, "Code du travail, art. R4121-4 et L4121-3-1 : 40 ans"),
    "assembly": Rule(
        "Procès-verbal d'assemblée ou de conseil",
        None,
        "Conservation permanente (registre des délibérations : C. com. art. R225-106, statuts des associations)",
        permanent=True,
    ),
    "contract": Rule("Contrat commercial", 5, "Code de commerce, art. L110-4 : 5 ans après la fin", "end"),
    "correspondence": Rule("Correspondance commerciale", 5, "Code de commerce, art. L110-4 : 5 ans"),
    "minutes": Rule("Compte rendu de réunion", None, "Pas de durée légale : la structure en décide"),
    "other": Rule("Autre document", None, "Pas de durée légale : la structure en décide"),
}
TYPE_CHOICES = [(key, rule.label) for key, rule in RULES.items()]


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def retention_until(doc_type: str, document_date: dt.date | None, end_on: dt.date | None = None) -> dt.date | None:
    """The last day the document must be kept; None when it is kept permanently, has no legal period, or its
    period has not started (an employee still employed, a contract still running)."""
    rule = RULES.get(doc_type) or RULES["other"]
    if rule.years is None:
        return None
    if rule.start == "end":
        start = end_on
    elif rule.start == "year_end":
        start = dt.date(document_date.year, 12, 31) if document_date else None
    else:
        start = document_date
    return add_years(start, rule.years) if start else None


def describe(doc_type: str, document_date: dt.date | None, end_on: dt.date | None = None) -> str:
    """« jusqu'au 31/12/2036 (Code de commerce…) », « conservation permanente », « à partir du départ… »."""
    rule = RULES.get(doc_type) or RULES["other"]
    if rule.permanent:
        return rule.basis
    until = retention_until(doc_type, document_date, end_on)
    if until is not None:
        return f"jusqu'au {until:%d/%m/%Y} ({rule.basis})"
    if rule.years is not None:
        return f"le délai court à partir de la fin ou du départ, encore à indiquer ({rule.basis})"
    return rule.basis


def is_past(until: dt.date | None, today: dt.date) -> bool:
    return until is not None and until < today
