"""The small data set's rows for the operations helper apiops added (associations: settings, contributions in kind,
a grant's deadlines, budget, agreement, financial report and dedicated funds, the year's receipts in a batch and a
receipt e-mailed): `rows` adds them to the ids of `dataset.small_dataset`; BODIES, IDS and MADE are merged into the
data set's own; ASSOCIATION_PATHS are called with the structure made an association (`dataset.prepare`)."""

from __future__ import annotations

from decimal import Decimal

from pilote.api.tests.days import day
from pilote.lib.dates import local_today

PDF_BASE64 = "JVBERi0xLjQKJSVFT0YK"  # « %PDF-1.4 / %%EOF »


def rows(structure, personas, ids: dict[str, int]) -> dict[str, int]:
    return _association_rows(structure, personas, ids)


def _association_rows(structure, personas, ids: dict[str, int]) -> dict[str, int]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pilote.associations.models import Grant
    from pilote.associations.services import books, donations, grants, receipts, volunteering
    from pilote.contacts.models import Contact
    from pilote.ledger.models_bank import BankAccount

    owner = personas["direction"]
    funder = Contact.objects.create(name="Conseil départemental", kind="organisation", email="subventions@cd.fr")
    in_kind = volunteering.record_in_kind(actor=owner, date=day(1, 2), kind="biens", description="Ordinateurs",
                                          amount=Decimal(600), contributor=funder)  # fmt: skip
    requested = Grant.objects.get(pk=ids["grant_id"])
    deadline = grants.add_deadline(actor=owner, grant=requested, label="Compte rendu financier", due_on=day(6, 30))
    line = grants.set_budget_line(actor=owner, grant=requested, nature="60", label="Achats", amount=Decimal(1000))
    carry, funds = (grants.create_grant(actor=owner, funder=funder, code=code, title=title, amount_requested=amount,
                                        period_start=day(1, 1), period_end=day(12, 31))
                    for code, title, amount in (("REG-OPS", "Jardins partagés", Decimal(3000)),
                                                ("FDS-OPS", "Épicerie solidaire", Decimal(2000))))  # fmt: skip
    for grant in (carry, funds):
        grants.award_grant(actor=owner, grant=grant, amount=grant.amount_requested, granted_on=day(1, 1))
    grants.carry_unused(actor=owner, grant=funds, year_end=day(1, 1))
    label = "Denrées de l'épicerie"
    books.post(actor=owner, journal=books.misc_journal(), date=local_today(), label=label, lines=[
        books.Line(books.account("606"), debit=Decimal(500), label=label, reference=funds.code),
        books.Line(BankAccount.objects.get().account, credit=Decimal(500), label=label),
    ])  # fmt: skip
    grants.attach_agreement(actor=owner, grant=funds,
                            upload=SimpleUploadedFile("convention.pdf", b"%PDF-1.4\n%%EOF\n"))  # fmt: skip
    donor = Contact.objects.create(name="Donateur", first_name="Marc", kind="person", email="marc@example.fr")
    donations.record_donation(actor=owner, donor=donor, date=local_today(), amount=Decimal(40), method="cheque",
                              bank_account=BankAccount.objects.get())  # fmt: skip
    receipt = receipts.issue_receipt(actor=owner, donor=donor, year=local_today().year)
    return {"in_kind_id": in_kind.pk, "grant_deadline_id": deadline.pk, "budget_line_id": line.pk,
            "carry_grant_id": carry.pk, "funds_grant_id": funds.pk, "mailed_receipt_id": receipt.pk,
            "funder_id": funder.pk}  # fmt: skip


BODIES = {
    ("patch", "/parametres-association"): {"signatory_name": "Claire Petit", "quorum_percent": 30},
    ("post", "/contributions-en-nature"): {"date": "today", "kind": "mise_a_disposition", "contributor": "funder_id",
                                           "description": "Salle prêtée par la mairie", "amount": "450.00"},
    ("post", "/subventions/{grant_id}/echeances"): {"label": "Rapport d'activité", "due_on": "Y-09-30"},
    ("put", "/subventions/{grant_id}/budget"): {"nature": "64", "label": "Salaires", "amount": "2500.00"},
    ("put", "/subventions/{grant_id}/convention"): {"file_name": "convention.pdf", "content_base64": PDF_BASE64},
    ("patch", "/subventions/{grant_id}/compte-rendu"): {"report_summary": "Douze ateliers tenus."},
    ("post", "/subventions/{grant_id}/fonds-dedies/report"): {"date": "Y-12-31"},
    ("post", "/subventions/{grant_id}/fonds-dedies/utilisation"): {"date": "today"},
    ("post", "/recus-fiscaux-annuels"): {"year": "Y"},
}  # fmt: skip

IDS = {
    ("get", "/subventions/{grant_id}/convention"): {"grant_id": "funds_grant_id"},
    ("post", "/subventions/{grant_id}/fonds-dedies/report"): {"grant_id": "carry_grant_id"},
    ("post", "/subventions/{grant_id}/fonds-dedies/utilisation"): {"grant_id": "funds_grant_id"},
    ("post", "/subventions/{grant_id}/compte-rendu/envoi"): {"grant_id": "funds_grant_id"},
    ("post", "/recus-fiscaux/{receipt_id}/envoi"): {"receipt_id": "mailed_receipt_id"},
}

MADE: dict = {}

# Called with the structure made an association, as their pages serve associations only.
ASSOCIATION_PATHS = ("/parametres-association", "/contributions-en-nature")

# The addresses of apiops's operations: PILOTE_SCHEMA_ONLY=<this regex> runs the property test on them only.
PATHS_REGEX = (
    r"/parametres-association|/contributions-en-nature|/subventions/(\{grant_id\}/(echeances|budget|"
    r"convention|compte-rendu|fonds-dedies)|echeances/|budget/)|/recus-fiscaux-annuels|/recus-fiscaux/\{receipt_id\}/envoi"
)
