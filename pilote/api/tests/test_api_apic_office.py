"""Office over the API (helper apic): resources created and changed by the office only, a booking shortened by its
author, the vehicles' log book, a general assembly from its roll to its votes — the pages' rules and refusals."""

import pytest

from pilote.api.tests.days import iso

pytestmark = pytest.mark.django_db


def test_resources_created_changed_and_a_booking_shortened(call):
    from pilote.office.models import Resource

    room = {"name": "Salle Rhône", "kind": "room", "capacity": 8, "opens_at": "08:00", "closes_at": "19:00"}
    assert call("commercial", "post", "/api/v1/ressources", room).status_code == 403
    made = call("assistant", "post", "/api/v1/ressources", room)
    assert made.status_code == 201, made.content
    url = f"/api/v1/ressources/{made.json()['id']}"
    twice = call("direction", "post", "/api/v1/ressources", {**room, "name": "salle rhône"})
    assert twice.status_code == 409 and "s'appelle déjà" in twice.json()["detail"]
    backwards = call("assistant", "patch", url, {"opens_at": "20:00"})
    assert backwards.status_code in (409, 422) and Resource.objects.get().opens_at.hour == 8
    changed = call("assistant", "patch", url, {"capacity": 12, "version": 1})
    assert changed.status_code == 200 and changed.json()["capacity"] == 12 and changed.json()["name"] == "Salle Rhône"
    stale = call("assistant", "patch", url, {"capacity": 10, "version": 1})
    assert stale.status_code == 409 and call("salarie", "get", url).json()["capacity"] == 12

    slot = {"resource": made.json()["id"], "title": "Point équipe", "day": iso(3, 2, years=1), "start": "09:00",
            "end": "11:00"}  # fmt: skip
    booked = call("commercial", "post", "/api/v1/reservations", slot)
    assert booked.status_code == 201, booked.content
    overlap = call("rh", "post", "/api/v1/reservations", {**slot, "start": "10:00", "end": "12:00"})
    assert overlap.status_code == 409 and "réserv" in overlap.json()["detail"]
    shorten = f"/api/v1/reservations/{booked.json()['id']}/raccourcissement"
    kept = {"day": iso(3, 2, years=1), "start": "09:00", "end": "10:00"}
    assert call("rh", "post", shorten, kept).status_code == 409  # not hers
    longer = call("commercial", "post", shorten, {**kept, "end": "12:00"})
    assert longer.status_code == 409 and "nouvelle réservation" in longer.json()["detail"]
    short = call("commercial", "post", shorten, kept)
    assert short.status_code == 200 and short.json()["ends_at"].startswith(f"{iso(3, 2, years=1)}T10:00")
    assert call("rh", "post", "/api/v1/reservations", {**slot, "start": "10:00", "end": "11:00"}).status_code == 201


def test_the_log_book_refuses_a_room_and_kilometres_going_back(call):
    from pilote.office.models import Resource, VehicleLog

    van = Resource.objects.create(name="Kangoo", kind="vehicle", capacity=2)
    room = Resource.objects.create(name="Salle", kind="room")
    trip = {"resource": van.pk, "day": iso(3, 2), "km_start": 1000, "km_end": 1120, "fuel_cost": "40.50",
            "purpose": "Livraison"}  # fmt: skip
    assert call("auditeur", "post", "/api/v1/trajets", trip).status_code == 403
    logged = call("salarie", "post", "/api/v1/trajets", trip)
    assert logged.status_code == 201 and logged.json()["distance"] == 120, logged.content
    assert logged.json()["fuel_cost"] == "40.50" and logged.json()["fuel_litres"] == "0.00"
    back = call("salarie", "post", "/api/v1/trajets", {**trip, "day": iso(3, 3), "km_start": 1100, "km_end": 1200})
    assert back.status_code == 409 and "1120 km" in back.json()["detail"]
    not_a_van = call("salarie", "post", "/api/v1/trajets", {**trip, "resource": room.pk})
    assert not_a_van.status_code == 422 and VehicleLog.objects.count() == 1
    page = call("auditeur", "get", f"/api/v1/trajets?vehicule={van.pk}&du={iso(3, 1)}").json()
    assert page["count"] == 1 and page["results"][0]["vehicle"] == "Kangoo"
    assert call("auditeur", "get", f"/api/v1/trajets/{logged.json()['id']}").json()["km_end"] == 1120


def test_a_general_assembly_from_its_roll_to_its_votes(call):
    from django.core import mail

    body = {"title": "AG ordinaire", "kind": "ordinary", "day": iso(6, 15, years=1), "start": "18:00",
            "quorum_percent": "50", "max_proxies": 1}  # fmt: skip
    assert call("salarie", "post", "/api/v1/assemblees", body).status_code == 403
    made = call("assistant", "post", "/api/v1/assemblees", body)
    assert made.status_code == 201, made.content
    url = f"/api/v1/assemblees/{made.json()['id']}"
    members = {}
    for name, email in (("Anne", "anne@example.fr"), ("Bruno", ""), ("Chloé", ""), ("Denis", "")):
        added = call("assistant", "post", f"{url}/membres", {"name": name, "email": email})
        assert added.status_code == 201, added.content
        members[name] = added.json()["id"]
    resolution = call("assistant", "post", f"{url}/resolutions", {"title": "Comptes de l'exercice"})
    assert resolution.status_code == 201 and resolution.json()["number"] == 1
    vote = f"/api/v1/assemblees/resolutions/{resolution.json()['id']}/vote"
    no_quorum = call("assistant", "post", vote, {"votes_for": 1, "votes_against": 0})
    assert no_quorum.status_code == 409 and "Quorum non atteint" in no_quorum.json()["detail"]

    def presence(name, state, holder=None):
        body = {"presence": state, **({"proxy_holder": members[holder]} if holder else {})}
        return call("assistant", "post", f"/api/v1/assemblees/membres/{members[name]}/presence", body)

    assert presence("Bruno", "represented", "Anne").status_code == 409  # Anne is not present yet
    assert presence("Anne", "present").status_code == 200
    assert presence("Bruno", "represented", "Anne").json()["proxy_holder_id"] == members["Anne"]
    beyond = presence("Chloé", "represented", "Anne")
    assert beyond.status_code == 409 and "maximum" in beyond.json()["detail"]
    detail = call("salarie", "get", url).json()
    assert detail["quorum"] == {"total": 4, "present": 1, "represented": 1, "required": 2, "counted": 2,
                                "reached": True}  # fmt: skip
    too_many = call("assistant", "post", vote, {"votes_for": 3, "votes_against": 0})
    assert too_many.status_code == 409
    voted = call("assistant", "post", vote, {"votes_for": 2, "votes_against": 0})
    assert voted.status_code == 200 and voted.json()["adopted"] is True
    minutes = call("assistant", "put", f"{url}/proces-verbal", {"chair": "Anne", "secretary": "Bruno"})
    assert minutes.status_code == 200 and minutes.json()["status"] == "held"
    convened = call("assistant", "post", f"{url}/convocation")
    assert convened.status_code == 200 and convened.json() == {"convocations": 1}
    assert mail.outbox[0].to == ["anne@example.fr"]
    listed = call("auditeur", "get", "/api/v1/assemblees?instance=ordinary").json()
    assert listed["count"] == 1 and listed["results"][0]["title"] == "AG ordinaire"


def test_a_territory_study_validated_with_its_areas_indicators_and_findings(call):
    body = {"title": "Besoins des aînés", "territory": "Villeurbanne", "carried_out_on": iso(2, 1)}
    assert call("salarie", "post", "/api/v1/etudes-territoire", body).status_code == 403
    made = call("assistant", "post", "/api/v1/etudes-territoire", body)
    assert made.status_code == 201, made.content
    url = f"/api/v1/etudes-territoire/{made.json()['id']}"
    area = call("assistant", "post", f"{url}/zones", {"name": "Cusset"}).json()
    reference = call("assistant", "post", f"{url}/zones", {"name": "Rhône", "is_reference": True})
    assert reference.status_code == 201
    second = call("assistant", "post", f"{url}/zones", {"name": "France", "is_reference": True})
    assert second.status_code == 409 and "zone de référence" in second.json()["detail"]
    early = call("assistant", "post", f"{url}/etat", {"etat": "final"})
    assert early.status_code == 409 and "constat" in early.json()["detail"]
    indicator = call(
        "assistant",
        "post",
        f"{url}/indicateurs",
        {
            "theme": "Démographie",
            "label": "75 ans et plus",
            "unit": "%",
            "values": [{"area": area["id"], "value": "12.5"}, {"area": reference.json()["id"], "value": "9.8"}],
        },
    )
    assert indicator.status_code == 201, indicator.content
    assert {v["value"] for v in indicator.json()["values"]} == {"12.50", "9.80"}
    foreign = call("assistant", "put", f"/api/v1/etudes-territoire/indicateurs/{indicator.json()['id']}/valeurs",
                   {"values": [{"area": 999999, "value": "1"}]})  # fmt: skip
    assert foreign.status_code == 422
    cleared = call("assistant", "put", f"/api/v1/etudes-territoire/indicateurs/{indicator.json()['id']}/valeurs",
                   {"values": [{"area": area["id"], "value": None}]})  # fmt: skip
    assert [v["area_id"] for v in cleared.json()["values"]] == [reference.json()["id"]]
    extra = call("assistant", "post", f"{url}/zones", {"name": "Charpennes"}).json()
    assert call("salarie", "delete", f"/api/v1/etudes-territoire/zones/{extra['id']}").status_code == 403
    assert call("assistant", "delete", f"/api/v1/etudes-territoire/zones/{extra['id']}").status_code == 204
    finding = call("assistant", "post", f"{url}/constats", {"theme": "Aide", "need": "Portage de repas"})
    assert finding.status_code == 201 and finding.json()["priority"] == 2
    final = call("assistant", "post", f"{url}/etat", {"etat": "final"})
    assert final.status_code == 200 and final.json()["status"] == "final"
    frozen = call("assistant", "patch", url, {"conclusion": "Besoin avéré"})
    assert frozen.status_code == 409
    kept = call("assistant", "delete", f"/api/v1/etudes-territoire/constats/{finding.json()['id']}")
    assert kept.status_code == 409 and "validée" in kept.json()["detail"]
    detail = call("auditeur", "get", url).json()
    assert [a["name"] for a in detail["areas"]] == ["Cusset", "Rhône"] and len(detail["findings"]) == 1
    assert call("auditeur", "get", "/api/v1/etudes-territoire?etat=final").json()["count"] == 1
