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
    return {
        **_association_rows(structure, personas, ids),
        **_operations_rows(structure, personas, ids),
        **_project_rows(structure, personas, ids),
    }


def _project_rows(structure, personas, ids: dict[str, int]) -> dict[str, int]:
    """A customer project billed by the hour (its time not yet invoiced), two of its tasks linked."""
    from pilote.catalog.models import Product
    from pilote.contacts.models import Contact
    from pilote.projects import services as projects

    owner = personas["direction"]
    advice = Product.objects.create(reference="H-CONS", name="Conseil", unit_price=Decimal("80"), kind="service")
    project = projects.create_project(
        actor=owner,
        name="Audit",
        kind="customer",
        billing_product=advice,
        customer=Contact.objects.get(pk=ids["contact_id"]),
        start_date=day(1, 5),
    )
    study = projects.add_task(actor=owner, project=project, name="Entretiens", duration_days=2)
    report = projects.add_task(actor=owner, project=project, name="Rapport", duration_days=1)
    link = projects.link_tasks(actor=owner, predecessor=study, successor=report)
    projects.add_time_entry(actor=owner, task=study, person=owner, date=local_today(), hours=Decimal(3))
    return {"billed_project_id": project.pk, "dependency_id": link.pk, "rh_user_id": personas["rh"].pk}


def _operations_rows(structure, personas, ids: dict[str, int]) -> dict[str, int]:
    """A lot-tracked article under its reorder point (a lot received, a supplier), two sectors, a technician."""
    from pilote.catalog.models import Product
    from pilote.contacts.models import Contact
    from pilote.operations.models import Location
    from pilote.operations.services import interventions, stock

    owner = personas["direction"]
    store = Location.objects.get(pk=ids["location_id"])
    screws = Product.objects.create(reference="VIS-01", name="Vis inox", unit_price=Decimal("2"),
                                    purchase_price=Decimal("1"))  # fmt: skip
    item = stock.track_product(actor=owner, product=screws, category="goods", default_location=store, tracking="lot",
                               reorder_point=Decimal(10), reorder_quantity=Decimal(20),
                               supplier=Contact.objects.get(pk=ids["contact_id"]))  # fmt: skip
    stock.manual_move(actor=owner, item=item, kind="receipt", quantity=Decimal(5), date=local_today(), location=store,
                      unit_cost=Decimal(1), lots="L-001")  # fmt: skip
    north = interventions.save_sector(actor=owner, code="NORD", name="Annecy nord", postcodes="74000, 74370",
                                      minutes_within=15)  # fmt: skip
    south = interventions.save_sector(actor=owner, code="SUD", name="Annecy sud", postcodes="74600",
                                      minutes_within=10)  # fmt: skip
    interventions.save_travel_times(actor=owner, minutes={(north.pk, south.pk): 25})
    interventions.set_technician(actor=owner, user=personas["salarie"], skills="plomberie")
    return {"lot_id": item.lots.get().pk, "reorder_item_id": item.pk, "sector_id": north.pk,
            "other_sector_id": south.pk, "technician_user_id": personas["salarie"].pk}  # fmt: skip


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
        books.Line(BankAccount.objects.get(pk=ids["bank_account_id"]).account, credit=Decimal(500), label=label),
    ])  # fmt: skip
    grants.attach_agreement(actor=owner, grant=funds,
                            upload=SimpleUploadedFile("convention.pdf", b"%PDF-1.4\n%%EOF\n"))  # fmt: skip
    donor = Contact.objects.create(name="Donateur", first_name="Marc", kind="person", email="marc@example.fr")
    donations.record_donation(actor=owner, donor=donor, date=local_today(), amount=Decimal(40), method="cheque",
                              bank_account=BankAccount.objects.get(pk=ids["bank_account_id"]))  # fmt: skip
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
    ("put", "/intervenants/{user_id}"): {"skills": "électricité, plomberie", "day_start": "07:30", "day_end": "16:30"},
    ("post", "/secteurs"): {"code": "EST", "name": "Annecy est", "postcodes": "74940", "minutes_within": 12},
    ("put", "/trajets-secteurs"): {"trajets": [{"origin": "sector_id", "destination": "other_sector_id",
                                                "minutes": 30}]},
    ("post", "/reapprovisionnement/commandes"): {"articles": ["reorder_item_id"]},
    ("post", "/variation-des-stocks"): {},
    ("put", "/projets/{project_id}/budget"): {"purchases": "1200.00", "staff": "8000.00", "income": "15000.00"},
    ("post", "/projets/{project_id}/temps/facturation"): {"until": "today", "date": "today"},
    ("post", "/taches-a-faire/{todo_id}/delegation"): {"owner": "rh_user_id", "note": "Tu connais le dossier."},
    ("post", "/taches-a-faire/{todo_id}/commentaires"): {"text": "Relancé par téléphone."},
    ("post", "/dossiers"): {"code": "9.1", "name": "Archives du projet", "parent": "folder_id"},
    ("post", "/reunions/{meeting_id}/documents"): {"document": "document_id"},
}  # fmt: skip

IDS = {
    ("get", "/subventions/{grant_id}/convention"): {"grant_id": "funds_grant_id"},
    ("post", "/subventions/{grant_id}/fonds-dedies/report"): {"grant_id": "carry_grant_id"},
    ("post", "/subventions/{grant_id}/fonds-dedies/utilisation"): {"grant_id": "funds_grant_id"},
    ("post", "/subventions/{grant_id}/compte-rendu/envoi"): {"grant_id": "funds_grant_id"},
    ("post", "/recus-fiscaux/{receipt_id}/envoi"): {"receipt_id": "mailed_receipt_id"},
    ("put", "/intervenants/{user_id}"): {"user_id": "technician_user_id"},
    ("post", "/projets/{project_id}/temps/facturation"): {"project_id": "billed_project_id"},
}

MADE: dict = {}

# A to-do task is seen (and changed) by its owner, its author, who delegated it and the roles that see them all.
OBJECT_RULES = {
    ("post", "/taches-a-faire/{todo_id}/delegation"): {"comptable": 404},
    ("post", "/taches-a-faire/{todo_id}/commentaires"): {"comptable": 404},
}

# Called with the structure made an association, as their pages serve associations only.
ASSOCIATION_PATHS = ("/parametres-association", "/contributions-en-nature")

# The addresses of apiops's operations: PILOTE_SCHEMA_ONLY=<this regex> runs the property test on them only.
PATHS_REGEX = (
    r"/parametres-association|/contributions-en-nature|/subventions/(\{grant_id\}/(echeances|budget|convention|"
    r"compte-rendu|fonds-dedies)|echeances/|budget/)|/recus-fiscaux-annuels|/recus-fiscaux/\{receipt_id\}/envoi"
    r"|/lots(/\{lot_id\})?$|/intervenants|/secteurs$|/trajets-secteurs|/reapprovisionnement|/variation-des-stocks"
    r"|/projets/\{project_id\}/(budget|temps/facturation)|/dependances/\{dependency_id\}$"
    r"|/evenements/\{event_id\}$|/taches-a-faire/\{todo_id\}/(delegation|commentaires)|/dossiers$|/reunions/\{meeting_id\}/documents"
)
