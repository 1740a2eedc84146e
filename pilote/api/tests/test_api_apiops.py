"""Operations helper apiops added — each through the page's form and service, with the pages' refusals (422 in
French, 409 for a rule, nothing written) and the roles of the matrix (403): associations (settings, contributions in
kind, a grant's deadlines, budget, agreement, financial report and dedicated funds, the year's receipts)."""

import base64
import datetime as dt
from decimal import Decimal

import pytest

from pilote.api.tests.days import iso, year
from pilote.api.tests.test_api_associations_more import association  # noqa: F401  (the fixture)
from pilote.lib.dates import local_today

pytestmark = pytest.mark.django_db
associations = pytest.mark.usefixtures("association")  # the structure made an association, its books and bank


@pytest.fixture
def funder(db):
    from pilote.contacts.models import Contact

    return Contact.objects.create(name="Ville de Lyon", kind="organisation", email="subventions@lyon.fr")


@associations
def test_the_association_settings_read_and_changed_with_their_version(call):
    url = "/api/v1/parametres-association"
    read = call("auditeur", "get", url)
    assert read.status_code == 200 and read.json()["volunteer_rate"] == "12.02"
    version = read.json()["version"]
    assert call("assistant", "patch", url, {"signatory_name": "Claire"}).status_code == 403
    zero = call("direction", "patch", url, {"volunteer_rate": "0"})
    assert zero.status_code == 409 and "positive" in zero.json()["detail"]
    changed = call("direction", "patch", url, {"signatory_name": "Claire Petit", "version": version})
    assert changed.status_code == 200, changed.content
    assert changed.json()["signatory_name"] == "Claire Petit" and changed.json()["signatory_title"] == "Trésorier"
    stale = call("direction", "patch", url, {"signatory_name": "Autre", "version": version})
    assert stale.status_code == 409 and "modifié" in stale.json()["detail"]
    assert call("auditeur", "get", url).json()["signatory_name"] == "Claire Petit"


def test_a_company_gets_the_pages_refusal(call, structure):
    response = call("direction", "get", "/api/v1/contributions-en-nature")
    assert response.status_code == 404


@associations
def test_contributions_in_kind_recorded_posted_and_listed(call, funder):
    from pilote.associations.models import InKindContribution

    url = "/api/v1/contributions-en-nature"
    body = {"date": local_today().isoformat(), "kind": "mise_a_disposition", "contributor": funder.pk,
            "description": "Salle prêtée", "amount": "450.00"}  # fmt: skip
    assert call("auditeur", "post", url, body).status_code == 403
    blank = call("direction", "post", url, {**body, "description": "  "})
    assert blank.status_code in (409, 422) and InKindContribution.objects.count() == 0
    zero = call("direction", "post", url, {**body, "amount": "0"})
    assert zero.status_code == 409 and "positif" in zero.json()["detail"]
    made = call("assistant", "post", url, body)
    assert made.status_code == 201, made.content
    contribution = InKindContribution.objects.get()
    assert {line.account.code: line.debit or -line.credit for line in contribution.entry.lines.all()} == {
        "861": Decimal("450.00"), "871": Decimal("-450.00")}  # fmt: skip
    listed = call("auditeur", "get", f"{url}?q=salle&annee={year()}").json()
    assert [row["id"] for row in listed["results"]] == [made.json()["id"]]
    assert call("auditeur", "get", f"{url}?q=ordinateur").json()["count"] == 0
    assert call("auditeur", "get", f"{url}/{made.json()['id']}").json()["amount"] == "450.00"


@associations
def test_a_grants_deadlines_budget_agreement_and_report(call, funder, mailoutbox):
    from pilote.associations.models import GrantBudgetLine

    grant = call("direction", "post", "/api/v1/subventions", {
        "funder": funder.pk, "code": "LYON-1", "title": "Ateliers", "amount_requested": "5000.00",
        "period_start": iso(1, 1), "period_end": iso(12, 31)}).json()  # fmt: skip
    base = f"/api/v1/subventions/{grant['id']}"
    deadline = call("assistant", "post", f"{base}/echeances", {"label": "Rapport", "due_on": iso(9, 30)})
    assert deadline.status_code == 201, deadline.content
    assert call("auditeur", "post", f"{base}/echeances", {"label": "X", "due_on": iso(9, 30)}).status_code == 403
    done = f"/api/v1/subventions/echeances/{deadline.json()['id']}/fait"
    assert call("direction", "post", done).json()["done_on"] == local_today().isoformat()
    assert call("direction", "post", done).status_code == 409
    bad = call("direction", "put", f"{base}/budget", {"nature": "41", "label": "Tiers", "amount": "10"})
    assert bad.status_code == 409 and "deux chiffres" in bad.json()["detail"]
    line = call("direction", "put", f"{base}/budget", {"nature": "60", "label": "Achats", "amount": "1000.00"})
    assert line.status_code == 200, line.content
    again = call("direction", "put", f"{base}/budget", {"nature": "60", "label": "Achats", "amount": "1200.00"})
    assert again.json()["id"] == line.json()["id"] and GrantBudgetLine.objects.get().amount == Decimal("1200.00")
    detail = call("auditeur", "get", base).json()
    assert [d["label"] for d in detail["deadlines"]] == ["Rapport"] and detail["budget"][0]["nature"] == "60"
    report = call("auditeur", "get", f"{base}/compte-rendu").json()
    assert report["charges"][0]["budget"] == "1200.00" and report["charges_budget"] == "1200.00"
    texts = call("direction", "patch", f"{base}/compte-rendu", {"report_summary": "Douze ateliers."})
    assert texts.status_code == 200 and texts.json()["report_summary"] == "Douze ateliers."
    assert call("direction", "delete", f"/api/v1/subventions/budget/{line.json()['id']}").status_code == 204
    assert not GrantBudgetLine.objects.exists()
    # the signed agreement: a PDF, not an executable
    not_pdf = call(
        "direction",
        "put",
        f"{base}/convention",
        {"file_name": "c.pdf", "content_base64": base64.b64encode(b"MZ\x90").decode()},
    )
    assert not_pdf.status_code in (409, 422) and call("auditeur", "get", f"{base}/convention").status_code == 404
    pdf = base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()
    attached = call("direction", "put", f"{base}/convention", {"file_name": "convention.pdf", "content_base64": pdf})
    assert attached.status_code == 200 and attached.json()["agreement_name"] == "convention.pdf"
    download = call("auditeur", "get", f"{base}/convention")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    sent = call("direction", "post", f"{base}/compte-rendu/envoi")
    assert sent.status_code == 204 and mailoutbox[-1].to == ["subventions@lyon.fr"]
    assert mailoutbox[-1].attachments[0][0] == "compte-rendu-financier-LYON-1.pdf"


@associations
def test_dedicated_funds_carried_then_used(call, funder):
    from pilote.associations.models import DedicatedFundMove

    grant = call("direction", "post", "/api/v1/subventions", {
        "funder": funder.pk, "code": "LYON-2", "title": "Jardins", "amount_requested": "3000.00",
        "period_start": iso(1, 1), "period_end": iso(12, 31)}).json()  # fmt: skip
    base = f"/api/v1/subventions/{grant['id']}/fonds-dedies"
    requested = call("comptable", "post", f"{base}/report", {"date": iso(12, 31)})
    assert requested.status_code == 409 and "accordée" in requested.json()["detail"]
    call("direction", "post", f"/api/v1/subventions/{grant['id']}/attribution",
         {"amount": "3000.00", "granted_on": iso(1, 1)})  # fmt: skip
    assert call("assistant", "post", f"{base}/report", {"date": iso(12, 31)}).status_code == 403
    carried = call("comptable", "post", f"{base}/report", {"date": iso(1, 1)})
    assert carried.status_code == 201 and carried.json()["amount"] == "3000.00", carried.content
    twice = call("comptable", "post", f"{base}/report", {"date": iso(1, 1)})
    assert twice.status_code == 409 and "déjà reportée" in twice.json()["detail"]
    nothing = call("comptable", "post", f"{base}/utilisation", {"date": local_today().isoformat()})
    assert nothing.status_code == 409 and DedicatedFundMove.objects.count() == 1
    assert call("auditeur", "get", f"/api/v1/subventions/{grant['id']}").json()["fund_balance"] == "3000.00"


@associations
def test_the_years_receipts_issued_in_a_batch_and_one_emailed(call, mailoutbox):
    from pilote.associations.models import TaxReceipt
    from pilote.contacts.models import Contact
    from pilote.ledger.models_bank import BankAccount

    for name, email in (("Martin", "paul@example.fr"), ("Durand", "")):
        donor = Contact.objects.create(name=name, first_name="P", kind="person", email=email)
        gift = call("assistant", "post", "/api/v1/dons", {"donor": donor.pk, "date": local_today().isoformat(),
                                                          "amount": "80", "method": "cheque",
                                                          "bank_account": BankAccount.objects.get().pk})  # fmt: skip
        assert gift.status_code == 201, gift.content
    url = "/api/v1/recus-fiscaux-annuels"
    assert call("assistant", "post", url, {"year": year()}).status_code == 403
    issued = call("comptable", "post", url, {"year": year()})
    assert issued.status_code == 201, issued.content
    assert len(issued.json()) == 2 and TaxReceipt.objects.count() == 2
    assert call("comptable", "post", url, {"year": year()}).json() == []
    with_email = TaxReceipt.objects.get(donor__name="Martin").pk
    without = TaxReceipt.objects.get(donor__name="Durand").pk
    sent = call("comptable", "post", f"/api/v1/recus-fiscaux/{with_email}/envoi")
    assert sent.status_code == 204 and mailoutbox[-1].to == ["paul@example.fr"]
    refused = call("comptable", "post", f"/api/v1/recus-fiscaux/{without}/envoi")
    assert refused.status_code == 409 and "adresse e-mail" in refused.json()["detail"]


# --- operations ---------------------------------------------------------------------------------------------------


@pytest.fixture
def screws(structure, personas):
    """A lot-tracked article under its reorder point (5 received in lot L-001, point 10), with its supplier."""
    from pilote.catalog.models import Product
    from pilote.contacts.models import Contact
    from pilote.operations.services import stock
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    store = stock.create_location(actor=personas["assistant"], code="DEP", name="Dépôt")
    product = Product.objects.create(reference="VIS-01", name="Vis inox", unit_price="2", purchase_price="1")
    supplier = Contact.objects.create(name="Quincaillerie", is_supplier=True)
    item = stock.track_product(actor=personas["assistant"], product=product, default_location=store, tracking="lot",
                               reorder_point="10", reorder_quantity="20", supplier=supplier)  # fmt: skip
    stock.manual_move(actor=personas["assistant"], item=item, kind="receipt", quantity=Decimal(5),
                      date=local_today(), location=store, unit_cost=Decimal(1), lots="L-001")  # fmt: skip
    return item


def test_lots_read_with_their_traceability(call, screws):
    listed = call("auditeur", "get", "/api/v1/lots?q=L-001&en_stock=true")
    assert listed.status_code == 200 and listed.json()["count"] == 1
    lot = listed.json()["results"][0]
    assert (lot["number"], lot["reference"], lot["quantity"]) == ("L-001", "VIS-01", "5.000")
    detail = call("auditeur", "get", f"/api/v1/lots/{lot['id']}").json()
    assert [(m["kind"], m["quantity"]) for m in detail["entries"]] == [("receipt", "5.000")] and detail["exits"] == []
    assert call("rh", "get", "/api/v1/lots").status_code == 403


def test_reorder_suggestions_turned_into_draft_purchase_orders(call, screws):
    from pilote.purchases.models import PurchaseOrder

    listed = call("auditeur", "get", "/api/v1/reapprovisionnement?q=vis").json()
    assert [(s["item_id"], s["supplier_source"]) for s in listed["results"]] == [(screws.pk, "habituel")]
    url = "/api/v1/reapprovisionnement/commandes"
    assert call("comptable", "post", url, {"articles": [screws.pk]}).status_code == 403  # operations.edit
    unknown = call("assistant", "post", url, {"articles": [screws.pk, 999999]})
    assert unknown.status_code == 409 and "point de commande" in unknown.json()["detail"]
    assert not PurchaseOrder.objects.exists()
    made = call("assistant", "post", url, {"articles": [screws.pk]})
    assert made.status_code == 201, made.content
    order = PurchaseOrder.objects.get()
    assert made.json()[0]["number"] == order.number and order.status == "draft"
    assert call("auditeur", "get", "/api/v1/reapprovisionnement").json()["count"] == 0  # now on order


def test_technicians_sectors_and_travel_times(call, personas):
    from pilote.operations.models import Sector

    tech = personas["salarie"].pk
    bad = call("direction", "put", f"/api/v1/intervenants/{tech}", {"day_start": "18:00", "day_end": "08:00"})
    assert bad.status_code == 409 and "fin de journée" in bad.json()["detail"]
    saved = call("assistant", "put", f"/api/v1/intervenants/{tech}", {"skills": "plomberie"})
    assert saved.status_code == 200 and saved.json()["day_start"] == "08:00"
    assert call("auditeur", "put", f"/api/v1/intervenants/{tech}", {"skills": "x"}).status_code == 403
    assert call("auditeur", "get", "/api/v1/intervenants").json()["results"][0]["skills"] == "plomberie"
    north = call("assistant", "post", "/api/v1/secteurs", {"code": "nord", "name": "Nord", "postcodes": "74000"})
    assert north.status_code == 200 and north.json()["code"] == "NORD", north.content
    taken = call("assistant", "post", "/api/v1/secteurs", {"code": "SUD", "name": "Sud", "postcodes": "74000"})
    assert taken.status_code == 409 and "déjà dans le secteur" in taken.json()["detail"]
    wrong = call("assistant", "post", "/api/v1/secteurs", {"code": "SUD", "name": "Sud", "postcodes": "7"})
    assert wrong.status_code == 409 and Sector.objects.count() == 1
    south = call("assistant", "post", "/api/v1/secteurs", {"code": "SUD", "name": "Sud", "postcodes": "74600"}).json()
    renamed = call("assistant", "post", "/api/v1/secteurs", {"code": "NORD", "name": "Nord Annecy",
                                                             "postcodes": "74000, 74370"})  # fmt: skip
    assert renamed.json()["id"] == north.json()["id"] and Sector.objects.count() == 2
    url = "/api/v1/trajets-secteurs"
    same = call("assistant", "put", url, {"trajets": [{"origin": south["id"], "destination": south["id"],
                                                       "minutes": 5}]})  # fmt: skip
    assert same.status_code == 409
    line = {"origin": south["id"], "destination": north.json()["id"], "minutes": 25}
    saved = call("assistant", "put", url, {"trajets": [line]})
    assert saved.status_code == 200 and saved.json() == [{"origin_id": north.json()["id"],
                                                           "destination_id": south["id"], "minutes": 25}]  # fmt: skip
    assert call("assistant", "put", url, {"trajets": [{**line, "minutes": None}]}).json() == []
    assert call("assistant", "put", url, {"trajets": [{**line, "minutes": 601}]}).status_code == 422


def test_the_year_end_stock_variation_posted_once(call, screws):
    from pilote.ledger.models import Entry

    read = call("auditeur", "get", "/api/v1/variation-des-stocks")
    assert read.status_code == 200 and read.json()["entry_id"] is None
    goods = read.json()["rows"][0]
    assert (goods["opening"], goods["closing"], goods["variation"]) == ("0.00", "5.00", "-5.00")
    assert call("assistant", "post", "/api/v1/variation-des-stocks", {}).status_code == 403  # operations.post
    assert call("comptable", "post", "/api/v1/variation-des-stocks", {"exercice": 999999}).status_code == 422
    posted = call("comptable", "post", "/api/v1/variation-des-stocks", {})
    assert posted.status_code == 201 and posted.json()["entry_number"], posted.content
    again = call("comptable", "post", "/api/v1/variation-des-stocks", {"exercice": posted.json()["fiscal_year_id"]})
    assert again.status_code == 409 and "déjà comptabilisée" in again.json()["detail"]
    assert Entry.objects.filter(piece_ref__startswith="STOCK").count() == 1


# --- projects -----------------------------------------------------------------------------------------------------


@pytest.fixture
def billed(structure, personas):
    """A customer project billed by the hour: two tasks linked, 3 hours spent today."""
    from pilote.catalog.models import Product
    from pilote.contacts.models import Contact
    from pilote.projects import services as projects
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    owner = personas["direction"]
    advice = Product.objects.create(reference="H-CONS", name="Conseil", unit_price=Decimal("80"), kind="service")
    customer = Contact.objects.create(name="Client", is_customer=True)
    project = projects.create_project(actor=owner, name="Audit", kind="customer", billing_product=advice,
                                      customer=customer, start_date=local_today())  # fmt: skip
    study = projects.add_task(actor=owner, project=project, name="Entretiens", duration_days=2)
    report = projects.add_task(actor=owner, project=project, name="Rapport", duration_days=1)
    link = projects.link_tasks(actor=owner, predecessor=study, successor=report)
    projects.add_time_entry(actor=owner, task=study, person=owner, date=local_today(), hours=Decimal(3))
    return {"project": project, "link": link, "report": report}


def test_a_projects_budget_set_and_read(call, billed):
    from pilote.projects.models import BudgetLine

    url = f"/api/v1/projets/{billed['project'].pk}/budget"
    assert call("auditeur", "get", url).json()["rows"] == []
    assert call("auditeur", "put", url, {"staff": "100.00"}).status_code == 403
    assert call("direction", "put", url, {"staff": "-1"}).status_code == 422 and not BudgetLine.objects.exists()
    cents = call("direction", "put", url, {"staff": "100.001"})
    assert cents.status_code == 422 and not BudgetLine.objects.exists()
    saved = call("commercial", "put", url, {"staff": "8000.00", "income": "15000.00"})
    assert saved.status_code == 200, saved.content
    assert {r["nature"]: r["budget"] for r in saved.json()["rows"]} == {"staff": "8000.00", "income": "15000.00"}
    assert saved.json()["budget_result"] == "7000.00"
    replaced = call("commercial", "put", url, {"purchases": "500.00"}).json()  # the whole budget, as the page
    assert [r["nature"] for r in replaced["rows"]] == ["purchases"] and BudgetLine.objects.count() == 1


def test_a_dependency_removed_and_the_time_invoiced(call, billed):
    from pilote.projects.models import Dependency, TimeEntry

    link = f"/api/v1/dependances/{billed['link'].pk}"
    assert call("auditeur", "delete", link).status_code == 403
    assert call("direction", "delete", link).status_code == 204 and not Dependency.objects.exists()
    assert call("direction", "delete", link).status_code == 404
    url = f"/api/v1/projets/{billed['project'].pk}/temps/facturation"
    today = local_today().isoformat()
    assert call("auditeur", "post", url, {"until": today, "date": today}).status_code == 403
    yesterday = (local_today() - dt.timedelta(days=1)).isoformat()
    nothing = call("commercial", "post", url, {"until": yesterday, "date": today})
    assert nothing.status_code == 409 and "Aucun temps à facturer" in nothing.json()["detail"]
    made = call("commercial", "post", url, {"until": today, "date": today})
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "draft" and Decimal(made.json()["total_net"]) == Decimal("240.00")
    assert TimeEntry.objects.get().invoice_id == made.json()["id"]
    again = call("commercial", "post", url, {"until": today, "date": today})
    assert again.status_code == 409


# --- office -------------------------------------------------------------------------------------------------------


def test_an_event_deleted_by_who_writes_in_its_calendar(call, personas):
    from django.utils import timezone

    from pilote.office.models import Event
    from pilote.office.services import agenda

    mine = agenda.personal_calendar(personas["direction"])
    start = timezone.now() + dt.timedelta(days=3)
    event = agenda.create_event(actor=personas["direction"], calendar=mine, title="Rendez-vous banque",
                                starts_at=start, ends_at=start + dt.timedelta(hours=1))  # fmt: skip
    url = f"/api/v1/evenements/{event.pk}"
    assert call("auditeur", "delete", url).status_code == 403  # office.book
    other = call("commercial", "delete", url)
    assert other.status_code in (404, 409) and Event.objects.filter(pk=event.pk).exists()
    assert call("direction", "delete", url).status_code == 204 and not Event.objects.filter(pk=event.pk).exists()


def test_a_todo_delegated_and_commented_by_who_sees_it(call, personas):
    from pilote.office.models import TaskComment
    from pilote.office.services import tasks

    todo = tasks.create_task(
        actor=personas["commercial"], title="Relancer le fournisseur", owner=personas["commercial"]
    )
    base = f"/api/v1/taches-a-faire/{todo.pk}"
    assert call("comptable", "post", f"{base}/commentaires", {"text": "Vu"}).status_code == 404  # not theirs
    empty = call("commercial", "post", f"{base}/commentaires", {"text": "  "})
    assert empty.status_code in (409, 422) and not TaskComment.objects.exists()
    said = call("commercial", "post", f"{base}/commentaires", {"text": "Appelé ce matin."})
    assert said.status_code == 201 and said.json()["text"] == "Appelé ce matin."
    same = call("commercial", "post", f"{base}/delegation", {"owner": personas["commercial"].pk})
    assert same.status_code == 409 and "déjà responsable" in same.json()["detail"]
    handed = call("commercial", "post", f"{base}/delegation", {"owner": personas["rh"].pk, "note": "Merci"})
    assert handed.status_code == 200, handed.content
    assert handed.json()["owner_id"] == personas["rh"].pk
    assert TaskComment.objects.filter(task=todo).count() == 2


def test_the_filing_plans_folders_listed_and_created(call):
    from pilote.office.models import Folder

    domain = call("direction", "post", "/api/v1/dossiers", {"code": "9", "name": "Projets"})
    assert domain.status_code == 201 and domain.json()["parent_id"] is None, domain.content
    body = {"code": "9.1", "name": "Archives", "parent": domain.json()["id"]}
    assert call("auditeur", "post", "/api/v1/dossiers", body).status_code == 403
    assert call("direction", "post", "/api/v1/dossiers", body).status_code == 201
    twice = call("direction", "post", "/api/v1/dossiers", {**body, "name": "archives"})
    assert twice.status_code == 409 and "existe déjà" in twice.json()["detail"]
    assert call("direction", "post", "/api/v1/dossiers", {"name": "X", "parent": 999999}).status_code == 422
    listed = call("auditeur", "get", "/api/v1/dossiers?taille=200").json()
    assert listed["count"] == Folder.objects.count() and {"Projets", "Archives"} <= {
        f["name"] for f in listed["results"]
    }


def test_a_document_attached_to_a_meeting(call, personas):
    from django.utils import timezone

    from pilote.office.models import Folder
    from pilote.office.services import meetings

    start = timezone.now() + dt.timedelta(days=2)
    meeting = meetings.create_meeting(actor=personas["direction"], title="Comité", starts_at=start,
                                      ends_at=start + dt.timedelta(hours=1))  # fmt: skip
    folder = Folder.objects.create(name="Réunions")
    url = f"/api/v1/reunions/{meeting.pk}/documents"
    text = base64.b64encode(b"Ordre du jour").decode()
    nowhere = call("direction", "post", url, {"file_name": "odj.txt", "content_base64": text})
    assert nowhere.status_code == 409 and "dossier" in nowhere.json()["detail"]
    filed = call("direction", "post", url, {"file_name": "odj.txt", "content_base64": text, "folder": folder.pk})
    assert filed.status_code == 201, filed.content
    assert list(meeting.documents.values_list("pk", flat=True)) == [filed.json()["id"]]
    twice = call("direction", "post", url, {"document": filed.json()["id"]})
    assert twice.status_code == 409 and "déjà joint" in twice.json()["detail"]
    assert call("auditeur", "post", url, {"document": filed.json()["id"]}).status_code == 403
