"""Operations, associations, office and finance over the API: the pages' services and forms, their refusals in French,
nothing written when refused."""

import datetime as dt
from decimal import Decimal

import pytest

from pilote.api.tests.days import ago, iso, monday, year

pytestmark = pytest.mark.django_db


# --- operations -----------------------------------------------------------------------------------------------


def test_interventions_planned_moved_and_reported_as_on_the_pages(call, personas):
    from pilote.contacts.models import Contact
    from pilote.operations.models import Intervention

    customer = Contact.objects.create(name="Martin", is_customer=True, address_line1="4 rue Vive",
                                      postal_code="74000", city="Annecy")  # fmt: skip
    tech = personas["salarie"]
    visit = {"customer": customer.pk, "kind": "repair", "subject": "Fuite", "technician": tech.pk,
             "day": monday(1, 12, years=1).isoformat(), "at": "09:00", "minutes": 90}  # fmt: skip
    made = call("assistant", "post", "/api/v1/interventions", visit)
    assert made.status_code == 201, made.content
    first = made.json()["visits"][0]
    assert first["address"] == "4 rue Vive, 74000 Annecy" and first["technician_id"] == tech.pk
    clash = call("assistant", "post", "/api/v1/interventions", {**visit, "at": "10:00"})
    assert clash.status_code == 409 and "Conflit" in clash.json()["detail"]
    offset = call("assistant", "post", "/api/v1/interventions", {**visit, "at": "10:00+02:00"})
    assert offset.status_code == 422 and "Heure locale" in offset.json()["erreurs"]["at"][0]
    assert Intervention.objects.count() == 1
    week = monday(2, 1, years=1)  # a Monday and a Wednesday in the week
    series = call(
        "assistant",
        "post",
        "/api/v1/interventions",
        {
            **visit,
            "technician": None,
            "day": week.isoformat(),
            "until": (week + dt.timedelta(days=4)).isoformat(),
            "weekdays": [0, 2],
        },
    )
    assert series.status_code == 201 and len(series.json()["visits"]) == 2  # fmt: skip
    assert "non affectée" in series.json()["warnings"][0]
    second = series.json()["visits"][0]["id"]
    moved = call("commercial", "post", f"/api/v1/interventions/{second}/deplacement", {"technician": tech.pk})
    assert moved.status_code == 200 and moved.json()["visits"][0]["technician_id"] == tech.pk
    onto = call("commercial", "post", f"/api/v1/interventions/{second}/deplacement",
                {"day": visit["day"], "at": "09:30"})  # fmt: skip
    assert onto.status_code == 409 and "Conflit" in onto.json()["detail"]
    # The technician's phone page: arrival, then the signed report.
    url = f"/api/v1/interventions/{first['id']}"
    early = call("salarie", "post", f"{url}/compte-rendu", {"report": "R", "signed_by": "M", "signature": True})
    assert early.status_code == 409 and "arrivée" in early.json()["detail"]
    assert call("salarie", "post", f"{url}/arrivee").json()["status"] == "started"
    unsigned = call("salarie", "post", f"{url}/compte-rendu", {"report": "Joint changé", "signed_by": "M. Martin",
                                                               "signature": False})  # fmt: skip
    assert unsigned.status_code == 422
    done = call("salarie", "post", f"{url}/compte-rendu", {"report": "Joint changé", "signed_by": "M. Martin",
                                                           "signature": True})  # fmt: skip
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["signed_by"] == "M. Martin"
    listed = call("auditeur", "get", f"/api/v1/interventions?technician={tech.pk}&status=done").json()
    assert [v["id"] for v in listed["results"]] == [first["id"]]
    assert call("salarie", "post", "/api/v1/interventions", visit).status_code == 403


def test_an_inventory_count_posts_its_differences(call, structure, personas):
    from pilote.operations.models import StockMove
    from pilote.sales.tests.factories import make_shop

    shop = make_shop(structure, personas)
    store = call("assistant", "post", "/api/v1/emplacements", {"code": "DEP", "name": "Dépôt"}).json()
    item = call("assistant", "post", "/api/v1/stock", {"product": shop["p"]["chair"].pk,
                                                       "default_location": store["id"]}).json()  # fmt: skip
    call(
        "assistant",
        "post",
        f"/api/v1/stock/{item['id']}/mouvements",
        {"kind": "receipt", "date": iso(3, 2), "quantity": "10", "location": store["id"], "unit_cost": "80"},
    )
    sheet = call("assistant", "post", "/api/v1/inventaires", {"location": store["id"], "date": iso(3, 31)})
    assert sheet.status_code == 201, sheet.content
    count = sheet.json()
    assert [(x["reference"], x["expected"], x["counted"]) for x in count["lines"]] == [("CH-01", "10.000", None)]
    url = f"/api/v1/inventaires/{count['id']}/quantites"
    half = call("assistant", "post", url, {"lines": [], "valider": True})
    assert half.status_code == 409 and "non comptées" in half.json()["detail"]
    line = count["lines"][0]["id"]
    negative = call("assistant", "post", url, {"lines": [{"line": line, "counted": "-1"}]})
    assert negative.status_code == 422
    posted = call("assistant", "post", url, {"lines": [{"line": line, "counted": "8"}], "valider": True})
    assert posted.status_code == 200 and posted.json()["status"] == "posted"
    assert posted.json()["lines"][0]["difference"] == "-2.000"
    assert StockMove.objects.filter(kind="count").get().quantity == Decimal("-2")
    again = call("assistant", "post", url, {"lines": [{"line": line, "counted": "9"}]})
    assert again.status_code == 409
    assert call("comptable", "get", "/api/v1/inventaires?status=posted").json()["count"] == 1


def test_production_refused_while_a_component_is_short(call, structure, personas):
    from pilote.operations.models import ProductionOrder
    from pilote.sales.tests.factories import make_shop

    shop = make_shop(structure, personas)
    store = call("assistant", "post", "/api/v1/emplacements", {"code": "ATL", "name": "Atelier"}).json()
    chair = call("assistant", "post", "/api/v1/stock", {"product": shop["p"]["chair"].pk,
                                                        "default_location": store["id"]}).json()  # fmt: skip
    book = call("assistant", "post", "/api/v1/stock", {"product": shop["p"]["book"].pk, "category": "products",
                                                       "default_location": store["id"]}).json()  # fmt: skip
    call(
        "assistant",
        "post",
        f"/api/v1/stock/{chair['id']}/mouvements",
        {"kind": "receipt", "date": iso(3, 2), "quantity": "3", "location": store["id"], "unit_cost": "10"},
    )
    bom = call("assistant", "post", "/api/v1/nomenclatures", {"name": "Coffret", "product": book["id"]})
    assert bom.status_code == 201, bom.content
    bom_id = bom.json()["id"]
    itself = call("assistant", "post", f"/api/v1/nomenclatures/{bom_id}/composants",
                  {"component": book["id"], "quantity": "1"})  # fmt: skip
    assert itself.status_code == 409 and "propre composant" in itself.json()["detail"]
    assert call("assistant", "post", f"/api/v1/nomenclatures/{bom_id}/composants",
                {"component": chair["id"], "quantity": "2"}).status_code == 201  # fmt: skip
    centre = call("assistant", "post", "/api/v1/postes-de-charge", {"name": "Montage", "hourly_rate": "30"}).json()
    assert call("assistant", "post", f"/api/v1/nomenclatures/{bom_id}/operations",
                {"work_centre": centre["id"], "hours": "0.5"}).status_code == 201  # fmt: skip
    detail = call("comptable", "get", f"/api/v1/nomenclatures/{bom_id}").json()
    assert detail["materials"] == "20.00" and detail["labour"] == "15.00" and detail["unit"] == "35.00"
    order = {"bom": bom_id, "quantity": "2", "planned_date": iso(3, 10), "location": store["id"]}
    made = call("assistant", "post", "/api/v1/ordres-fabrication", order)
    assert made.status_code == 201 and made.json()["needs"][0]["shortage"] == "1.000"
    pk = made.json()["id"]
    short = call("assistant", "post", f"/api/v1/ordres-fabrication/{pk}/lancement")
    assert short.status_code == 409 and "composants manquants" in short.json()["detail"]
    assert ProductionOrder.objects.get(pk=pk).status == "planned"
    early = call("assistant", "post", f"/api/v1/ordres-fabrication/{pk}/fin", {"date": iso(3, 10)})
    assert early.status_code == 409 and "Seul un ordre lancé" in early.json()["detail"]
    call(
        "assistant",
        "post",
        f"/api/v1/stock/{chair['id']}/mouvements",
        {"kind": "receipt", "date": iso(3, 3), "quantity": "1", "location": store["id"], "unit_cost": "10"},
    )
    assert call("assistant", "post", f"/api/v1/ordres-fabrication/{pk}/lancement").json()["status"] == "released"
    done = call("assistant", "post", f"/api/v1/ordres-fabrication/{pk}/fin", {"date": iso(3, 10)})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert done.json()["unit_cost"] == "35.0000"
    assert call("comptable", "get", f"/api/v1/stock/{book['id']}").json()["quantity"] == "2.000"
    listed = call("comptable", "get", "/api/v1/ordres-fabrication?status=done&q=coffret").json()
    assert listed["count"] == 1
    assert call("comptable", "post", "/api/v1/ordres-fabrication", order).status_code == 403


# --- office ---------------------------------------------------------------------------------------------------


def test_a_taken_slot_is_refused_and_the_waiting_list_offers_it_when_freed(call, personas):
    from pilote.office.models import Booking, WaitingRequest
    from pilote.office.services import bookings

    room = bookings.create_resource(actor=personas["direction"], name="Salle bleue", kind="room", capacity=8)
    slot = {"resource": room.pk, "title": "Point client", "day": iso(3, 1, years=1), "start": "09:00", "end": "10:00"}
    made = call("commercial", "post", "/api/v1/reservations", slot)
    assert made.status_code == 201, made.content
    booked = made.json()["id"]
    overlap = call("comptable", "post", "/api/v1/reservations", {**slot, "start": "09:30", "end": "11:00"})
    assert overlap.status_code == 409 and "Salle bleue" in overlap.json()["detail"]
    assert Booking.objects.count() == 1
    backwards = call("comptable", "post", "/api/v1/reservations", {**slot, "start": "11:00", "end": "10:00"})
    assert backwards.status_code == 422 and "fin suit" in str(backwards.json()["erreurs"])
    free = call("comptable", "post", "/api/v1/liste-attente", {**slot, "day": iso(3, 2, years=1)})
    assert free.status_code == 409 and "libre" in free.json()["detail"]
    queued = call("comptable", "post", "/api/v1/liste-attente", slot)
    assert queued.status_code == 201 and queued.json()["position"] == 1
    assert call("rh", "post", f"/api/v1/reservations/{booked}/annulation").status_code == 409  # not the author
    cancelled = call("commercial", "post", f"/api/v1/reservations/{booked}/annulation")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert WaitingRequest.objects.get().status == "offered"
    mine = call("comptable", "get", "/api/v1/liste-attente").json()
    assert mine["count"] == 1 and mine["results"][0]["offer_expires_at"]
    listed = call("auditeur", "get", f"/api/v1/reservations?ressource={room.pk}&etat=toutes").json()
    assert listed["count"] == 1
    assert call("auditeur", "post", "/api/v1/reservations", slot).status_code == 403


def test_meetings_events_and_tasks_through_the_office_services(call, personas):
    from pilote.office.models import Task

    meeting = call("assistant", "post", "/api/v1/reunions", {
        "title": "Conseil", "day": iso(3, 4, years=1), "start": "18:00", "end": "20:00",
        "attendees": [personas["salarie"].pk], "items": "Budget ; 30\nQuestions"})  # fmt: skip
    assert meeting.status_code == 201, meeting.content
    body = meeting.json()
    assert [(i["title"], i["minutes"]) for i in body["items"]] == [("Budget", 30), ("Questions", 15)]
    pk = body["id"]
    decision = call("assistant", "post", f"/api/v1/reunions/{pk}/decisions",
                    {"text": "Budget voté", "item": body["items"][0]["id"]})  # fmt: skip
    assert decision.status_code == 201
    action = call("assistant", "post", f"/api/v1/reunions/{pk}/actions",
                  {"title": "Diffuser le budget", "owner": personas["salarie"].pk})  # fmt: skip
    assert action.status_code == 201 and Task.objects.get(meeting_id=pk).owner == personas["salarie"]
    attendee = body["attendees"][0]["id"]
    minutes = call("assistant", "put", f"/api/v1/reunions/{pk}/compte-rendu",
                   {"summary": "Adopté", "notes": {str(body["items"][0]["id"]): "Voté à l'unanimité"},
                    "presence": {str(attendee): "present"}, "version": body["version"]})  # fmt: skip
    assert minutes.status_code == 200, minutes.content
    held = minutes.json()
    assert held["status"] == "held" and held["items"][0]["notes"] == "Voté à l'unanimité"
    assert held["attendees"][0]["presence"] == "present" and held["decisions"][0]["text"] == "Budget voté"
    stale = call("assistant", "put", f"/api/v1/reunions/{pk}/compte-rendu", {"summary": "x", "version": 1})
    assert stale.status_code == 409
    assert call("salarie", "post", "/api/v1/reunions", {"title": "X", "day": iso(3, 4, years=1), "start": "09:00",
                                                       "end": "10:00"}).status_code == 403  # fmt: skip
    # Events: the caller's calendar by default; a change keeps what is not sent.
    event = call("salarie", "post", "/api/v1/evenements", {"title": "Dentiste", "day": iso(3, 5, years=1),
                                                           "start": "08:30", "end": "09:00"})  # fmt: skip
    assert event.status_code == 201, event.content
    moved = call("salarie", "patch", f"/api/v1/evenements/{event.json()['id']}", {"start": "08:00"})
    assert moved.status_code == 200 and moved.json()["title"] == "Dentiste"
    assert call("commercial", "get", f"/api/v1/evenements/{event.json()['id']}").status_code == 404  # not theirs
    no_end = call("salarie", "post", "/api/v1/evenements", {"title": "X", "day": iso(3, 5, years=1), "start": "08:30",
                                                            "end": None})  # fmt: skip
    assert no_end.status_code == 422
    # To-do tasks: seen by their owner and author.
    todo = call("commercial", "post", "/api/v1/taches-a-faire", {"title": "Relancer", "owner": personas["rh"].pk})
    assert todo.status_code == 201, todo.content
    tid = todo.json()["id"]
    assert call("comptable", "get", f"/api/v1/taches-a-faire/{tid}").status_code == 404
    done = call("rh", "post", f"/api/v1/taches-a-faire/{tid}/fait", {"fait": True})
    assert done.status_code == 200 and done.json()["status"] == "done"
    twice = call("rh", "post", f"/api/v1/taches-a-faire/{tid}/fait", {"fait": True})
    assert twice.status_code == 409 and "déjà faite" in twice.json()["detail"]
    assert call("rh", "get", "/api/v1/taches-a-faire?etat=faites").json()["count"] == 1


def test_a_document_filed_through_the_pages_checks(call, personas):
    import base64

    from pilote.office.models import Document
    from pilote.office.services import documents

    folder = documents.create_folder(actor=personas["assistant"], name="Contrats")

    def body(name: str, content: bytes, **more) -> dict:
        return {"file_name": name, "content_base64": base64.b64encode(content).decode(), "title": "Bail",
                "folder": folder.pk, "document_date": iso(3, 2), **more}  # fmt: skip

    fake = call("assistant", "post", "/api/v1/documents", body("bail.pdf", b"MZ not a pdf"))
    assert fake.status_code == 422 and Document.objects.count() == 0
    exe = call("assistant", "post", "/api/v1/documents", body("outil.exe", b"MZ\x90\x00"))
    assert exe.status_code == 422
    garbled = call("assistant", "post", "/api/v1/documents", {**body("a.txt", b"x"), "content_base64": "%%%"})
    assert garbled.status_code == 422 and "base64" in str(garbled.json()["erreurs"])
    reserved = call("assistant", "post", "/api/v1/documents", body("bail.pdf", b"%PDF-1.4 bail",
                                                                   confidentiality="restricted"))  # fmt: skip
    assert reserved.status_code == 422 and "au moins un rôle" in str(reserved.json()["erreurs"])
    filed = call(
        "assistant",
        "post",
        "/api/v1/documents",
        body("bail.pdf", b"%PDF-1.4 bail", confidentiality="restricted", roles=["direction"]),
    )
    assert filed.status_code == 201, filed.content
    assert filed.json()["versions"][0]["original_name"] == "bail.pdf"
    assert call("comptable", "get", f"/api/v1/documents/{filed.json()['id']}").status_code == 404
    assert call("direction", "get", f"/api/v1/documents/{filed.json()['id']}").status_code == 200
    assert call("salarie", "post", "/api/v1/documents", body("a.txt", b"x")).status_code == 403


# --- finance --------------------------------------------------------------------------------------------------


def test_budgets_versions_and_lines_through_the_finance_services(call, structure, personas):
    from pilote.ledger.models import FiscalYear
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    year = FiscalYear.objects.get()
    made = call("comptable", "post", "/api/v1/budgets", {"exercice": year.pk, "nom": "Budget 2026", "methode": "vide"})
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    twice = call("comptable", "post", "/api/v1/budgets", {"exercice": year.pk, "nom": "Budget 2026", "methode": "vide"})
    assert twice.status_code == 409 and "existe déjà" in twice.json()["detail"]
    no_past = call("comptable", "post", "/api/v1/budgets", {"exercice": year.pk, "nom": "B", "pourcentage": "5"})
    assert no_past.status_code == 409 and "exercice précédent" in no_past.json()["detail"]
    line = call("comptable", "put", f"/api/v1/budgets/{pk}/groupes", {"groupe": "706", "annuel": "12000"})
    assert line.status_code == 200, line.content
    budget = line.json()
    assert budget["lines"][0]["months"][:2] == ["1000.00", "1000.00"] and budget["income"] == "12000.00"
    months = ["100"] * 12
    charges = call("comptable", "put", f"/api/v1/budgets/{pk}/groupes", {"groupe": "6061", "months": months})
    assert charges.json()["expenses"] == "1200.00" and charges.json()["result"] == "10800.00"
    bad = call("comptable", "put", f"/api/v1/budgets/{pk}/groupes", {"groupe": "512", "annuel": "10"})
    assert bad.status_code == 422 and "classe 6 ou 7" in str(bad.json()["erreurs"])
    revision = call("direction", "post", f"/api/v1/budgets/{pk}/revision", {"nom": "Révision"})
    assert revision.status_code == 201 and revision.json()["kind"] == "revised"
    assert revision.json()["income"] == "12000.00" and revision.json()["source_id"] == pk
    listed = call("auditeur", "get", f"/api/v1/budgets?exercice={year.pk}&q=révision").json()
    assert listed["count"] == 1 and listed["results"][0]["income"] == "12000.00"
    assert call("auditeur", "put", f"/api/v1/budgets/{pk}/groupes", {"groupe": "706"}).status_code == 403
    axis = call("comptable", "post", "/api/v1/axes-analytiques", {"code": "act", "label": "Activités"})
    assert axis.status_code == 201 and axis.json()["code"] == "ACT"
    centre = call("comptable", "post", f"/api/v1/axes-analytiques/{axis.json()['id']}/sections",
                  {"code": "atelier", "label": "Atelier", "kind": "main"})  # fmt: skip
    assert centre.status_code == 201 and centre.json()["kind"] == "main"
    wrong = call("comptable", "post", "/api/v1/axes-analytiques", {"code": "a b", "label": "X"})
    assert wrong.status_code == 409


def test_the_diagnosis_is_the_commands_and_the_treasury_plan_is_the_pages(call, structure, personas):
    import json
    from io import StringIO

    from django.core.management import call_command

    from pilote.finance import queries
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    read = call("auditeur", "get", f"/api/v1/diagnostic-financier?exercice={year()}&date={iso(6, 30)}")
    assert read.status_code == 200, read.content
    out = StringIO()
    call_command("financial_diagnosis", "--year", str(year()), "--date", iso(6, 30), "--format", "json", stdout=out)
    from_api = {key: Decimal(value) for key, value in read.json()["figures"].items()}
    assert from_api == {key: Decimal(value) for key, value in json.loads(out.getvalue()).items()}
    assert {"resultat_net", "caf_from_ebe", "frng", "bfre", "tn"} <= set(from_api)
    outside = call("auditeur", "get", f"/api/v1/diagnostic-financier?exercice={year()}&date={iso(1, 5, years=1)}")
    assert outside.status_code == 409 and "n'appartient pas" in outside.json()["detail"]
    assert call("auditeur", "get", "/api/v1/diagnostic-financier?exercice=2031").status_code == 409
    plan = call("comptable", "get", "/api/v1/tresorerie/prevision?horizon=mois")
    from pilote.lib.dates import local_today

    expected = queries.treasury_plan(local_today(), "realiste", monthly=True)
    if expected is None:
        assert plan.status_code == 409
    else:
        assert plan.status_code == 200 and len(plan.json()["periods"]) == len(expected.weeks)
    assert call("salarie", "get", "/api/v1/diagnostic-financier").status_code == 403


# --- associations ---------------------------------------------------------------------------------------------


def test_a_company_gets_the_associations_pages_refusal(call, structure, personas):
    from pilote.associations.models import Donation
    from pilote.contacts.models import Contact

    donor = Contact.objects.create(name="Durand", first_name="Jeanne", is_customer=True)
    listed = call("direction", "get", "/api/v1/adherents")
    assert listed.status_code == 404 and "associations" in listed.json()["detail"]
    gift = call("direction", "post", "/api/v1/dons", {"donor": donor.pk, "date": iso(3, 2), "amount": "50",
                                                      "method": "especes"})  # fmt: skip
    assert gift.status_code == 404 and "associations" in gift.json()["detail"]
    due = call("direction", "post", "/api/v1/cotisations/appel", {"year": year(), "called_on": iso(2, 1)})
    assert due.status_code == 404 and not Donation.objects.exists()
    assert call("salarie", "get", "/api/v1/adherents").status_code == 403  # the role first, as on the pages


def test_members_dues_donations_and_grants_of_an_association(call, structure, personas):
    from pilote.associations.models import Due
    from pilote.contacts.models import Contact
    from pilote.core.models import Structure
    from pilote.ledger import services as ledger
    from pilote.ledger.models import Entry
    from pilote.ledger.models_bank import BankAccount
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    Structure.objects.filter(pk=structure.pk).update(type="association")
    ledger.install_chart(actor=None, kind="association")
    bank = BankAccount.objects.get()
    jeanne = Contact.objects.create(name="Durand", first_name="Jeanne", is_customer=True)
    paul = Contact.objects.create(name="Martin", first_name="Paul", is_customer=True)
    kind = call("assistant", "post", "/api/v1/types-adhesion", {"name": "Membre actif", "fee": "30"})
    assert kind.status_code == 201, kind.content
    paid = call("assistant", "post", "/api/v1/adherents", {"contact": jeanne.pk, "membership_type": kind.json()["id"],
                                                          "joined_on": iso(3, 1), "method": "cheque"})  # fmt: skip
    assert paid.status_code == 409 and "compte bancaire" in paid.json()["detail"].lower()
    paid = call("assistant", "post", "/api/v1/adherents", {"contact": jeanne.pk, "membership_type": kind.json()["id"],
                                                          "joined_on": iso(3, 1), "method": "cheque",
                                                          "bank_account": bank.pk})  # fmt: skip
    assert paid.status_code == 201, paid.content
    assert Due.objects.get(member_id=paid.json()["id"]).status == "paid"
    later = call("assistant", "post", "/api/v1/adherents", {"contact": paul.pk, "membership_type": kind.json()["id"],
                                                           "joined_on": iso(3, 2)})  # fmt: skip
    assert later.status_code == 201
    called = call("assistant", "post", "/api/v1/cotisations/appel", {"year": year(), "called_on": iso(3, 15)})
    assert called.status_code == 201 and [d["member_id"] for d in called.json()] == [later.json()["id"]]
    due = called.json()[0]["id"]
    received = call("comptable", "post", f"/api/v1/cotisations/{due}/encaissement",
                    {"paid_on": iso(3, 20), "method": "virement", "bank_account": bank.pk})  # fmt: skip
    assert received.status_code == 200 and received.json()["status"] == "paid"
    unpaid = call("auditeur", "get", f"/api/v1/cotisations?annee={year()}&etat=called").json()
    assert unpaid["count"] == 0
    # Donations and their tax receipt, as the receipts page issues it.
    no_method = call("assistant", "post", "/api/v1/dons", {"donor": paul.pk, "date": ago(0), "amount": "80"})
    assert no_method.status_code == 409 and "mode de versement" in no_method.json()["detail"]
    assert not paul.donations.exists()
    gift = call("assistant", "post", "/api/v1/dons", {"donor": paul.pk, "date": ago(0), "amount": "80",
                                                      "method": "cheque", "bank_account": bank.pk})  # fmt: skip
    assert gift.status_code == 201 and gift.json()["entry_id"]
    assert call("assistant", "post", "/api/v1/recus-fiscaux", {"donor": paul.pk, "year": year()}).status_code == 403
    receipt = call("comptable", "post", "/api/v1/recus-fiscaux", {"donor": paul.pk, "year": year()})
    assert receipt.status_code == 201, receipt.content
    assert receipt.json()["total"] == "80.00" and receipt.json()["donor_name"]
    again = call("comptable", "post", "/api/v1/recus-fiscaux", {"donor": paul.pk, "year": year()})
    assert again.status_code == 409
    assert call("auditeur", "get", "/api/v1/dons?recu=avec").json()["count"] == 1
    # Grants: awarded and posted, an instalment received only once awarded.
    grant = call("assistant", "post", "/api/v1/subventions", {
        "funder": jeanne.pk, "code": "ville-2026", "title": "Atelier", "amount_requested": "5000",
        "period_start": iso(1, 1), "period_end": iso(12, 31)})  # fmt: skip
    assert grant.status_code == 201 and grant.json()["code"] == "VILLE-2026"
    pk = grant.json()["id"]
    instalment = call("assistant", "post", f"/api/v1/subventions/{pk}/versements",
                      {"label": "Acompte", "expected_on": iso(5, 1), "amount": "2000"}).json()  # fmt: skip
    early = call("assistant", "post", f"/api/v1/versements-subvention/{instalment['id']}/encaissement",
                 {"received_on": iso(5, 2), "bank_account": bank.pk})  # fmt: skip
    assert early.status_code == 409 and "accordée" in early.json()["detail"]
    before = Entry.objects.count()
    awarded = call("assistant", "post", f"/api/v1/subventions/{pk}/attribution",
                   {"amount": "4000", "granted_on": iso(4, 15)})  # fmt: skip
    assert awarded.status_code == 200 and awarded.json()["status"] == "granted"
    assert Entry.objects.count() == before + 1
    cashed = call("assistant", "post", f"/api/v1/versements-subvention/{instalment['id']}/encaissement",
                  {"received_on": iso(5, 2), "bank_account": bank.pk})  # fmt: skip
    assert cashed.status_code == 200 and cashed.json()["received_on"] == iso(5, 2)
    assert call("auditeur", "get", "/api/v1/subventions?etat=granted").json()["count"] == 1
