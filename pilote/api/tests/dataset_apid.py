"""The small data set's rows for the operations helper apid added (a request for quotes e-mailed, bank statements
imported and bank rules, full-costing settings, sales budgeted per article, expenses added to a draft report):
`rows` adds them to the ids of `dataset.small_dataset`; BODIES, IDS, OBJECT_RULES and MADE are merged into the data
set's own. Dates only through `days`."""

from __future__ import annotations

import base64
from decimal import Decimal

from pilote.api.tests.days import day


def bank_csv_base64() -> str:
    """A bank's CSV export of two lines, dated this year (its columns named in the body's `csv_layout`)."""
    text = f"Date;Libellé;Montant\n{day(3, 2):%d/%m/%Y};PRLV ASSURANCE;-45,10\n{day(3, 3):%d/%m/%Y};VIR ACME;120,00\n"
    return base64.b64encode(text.encode()).decode()


def receipt_base64() -> str:
    return base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64).decode()


def rows(structure, personas, ids: dict[str, int]) -> dict[str, int]:
    from pilote.catalog.models import Product
    from pilote.finance import services as finance
    from pilote.finance.models import Budget, BudgetSalesLine
    from pilote.hr.models import Employee
    from pilote.hr.services import expenses
    from pilote.ledger import analytics, bank
    from pilote.ledger.models import Account, AnalyticAxis, FiscalYear
    from pilote.ledger.models_bank import BankAccount
    from pilote.lib.dates import local_today

    owner, accountant = personas["direction"], personas["comptable"]
    fees = Account.objects.get(code="6061")
    rule = bank.create_rule(actor=accountant, bank_account=BankAccount.objects.get(pk=ids["bank_account_id"]),
                            label_contains="FRAIS TENUE", account=fees, entry_label="Frais bancaires")  # fmt: skip
    products = analytics.create_axis(actor=owner, code="PRD", label="Produits")
    analytics.create_section(actor=owner, axis=products, code="TABLE", label="Tables")
    centres = AnalyticAxis.objects.get(pk=ids["axis_id"])
    year = FiscalYear.objects.get(pk=ids["year_id"])
    finance.save_costing_setup(actor=owner, fiscal_year=year, centres_axis=centres, products_axis=products, keys={},
                               units={"FORMATION": ("Heure", Decimal(100), {"TABLE": Decimal(40)})})  # fmt: skip
    budget = Budget.objects.get(pk=ids["budget_id"])
    article = Product.objects.get(pk=ids["product_id"])
    finance.set_budget_sales(actor=owner, budget=budget, article=article, quantities=[Decimal(2)] * 12,
                             amounts=[Decimal(25)] * 12)  # fmt: skip
    employee = Employee.objects.get(user=personas["salarie"])
    draft = expenses.create_report(actor=personas["salarie"], employee=employee, title="Brouillon")
    line = expenses.add_line(actor=personas["salarie"], report=draft, spent_on=local_today(), category="kilometrique",
                             description="Trajet", vehicle="voiture", horsepower=5, distance=Decimal(12))  # fmt: skip
    return {"bank_rule_id": rule.pk, "fees_account_id": fees.pk, "products_axis_id": products.pk,
            "sales_line_id": BudgetSalesLine.objects.filter(budget=budget).order_by("month").first().pk,
            "draft_report_id": draft.pk, "expense_line_id": line.pk}  # fmt: skip


BODIES = {
    ("post", "/demandes-de-prix/{rfq_id}/reponses/{answer_id}/envoi"): {"to": "devis@example.fr"},
    ("post", "/comptes-bancaires/{bank_account_id}/imports-releves"): {
        "file_name": "releve.csv", "content_base64": "bank_csv",
        "csv_layout": {"date_column": "Date", "label_column": "Libellé", "amount_column": "Montant"}},
    ("post", "/regles-bancaires"): {"label_contains": "URSSAF", "account": "fees_account_id"},
    ("post", "/comptes-bancaires/{bank_account_id}/application-regles"): {"q": "frais"},
    ("patch", "/regles-bancaires/{bank_rule_id}"): {"label_contains": "FRAIS", "bank_account": None},
    ("put", "/exercices/{year_id}/couts-complets"): {
        "centres_axis": "axis_id", "products_axis": "products_axis_id",
        "units": [{"centre": "FORMATION", "label": "Heure", "number": "100",
                   "usage": [{"product": "TABLE", "units": "50"}]}]},
    ("post", "/budgets/{budget_id}/ventes-articles"): {"article": "product_id", "month": "Y-03-02", "quantity": "3",
                                                       "amount": "37.50"},
    ("patch", "/ventes-articles-budget/{sales_line_id}"): {"amount": "30.00"},
    ("post", "/notes-de-frais/{report_id}/depenses"): {
        "spent_on": "today", "category": "repas", "description": "Déjeuner client", "amount": "24.00", "vat": "2.18",
        "receipt_name": "ticket.png", "receipt_base64": "receipt"},
}  # fmt: skip

IDS = {
    ("post", "/notes-de-frais/{report_id}/depenses"): {"report_id": "draft_report_id"},
}

# A draft report is changed by its employee or HR (rh, direction); the accountant sees it (409), the others not (404).
OBJECT_RULES = {
    ("post", "/notes-de-frais/{report_id}/depenses"): {"comptable": 409, "commercial": 404, "assistant": 404},
    ("delete", "/depenses-notes-de-frais/{expense_line_id}"): {"comptable": 409, "commercial": 404,
                                                               "assistant": 404},
}  # fmt: skip

MADE = {"bank_csv": bank_csv_base64, "receipt": receipt_base64}

# The addresses of apid's operations: PILOTE_SCHEMA_ONLY=<this regex> runs the property test on them only.
PATHS_REGEX = ("demandes-de-prix/.*/envoi|imports-releves|application-regles|regles-bancaires|couts-complets"
               "|ventes-articles|/depenses")  # fmt: skip
