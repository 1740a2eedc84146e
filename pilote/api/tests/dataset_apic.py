"""The small data set's rows for the operations helper apic added (office resources, the log book, the waiting
list's offers, general assemblies…): `rows` adds them to the ids of `dataset.small_dataset`; BODIES, IDS and
OBJECT_RULES are merged into the data set's own; PATHS names the operations for the walks of test_api_apic_walk."""

from __future__ import annotations

import datetime as dt

from pilote.api.tests.days import day, year


def rows(structure, personas, ids: dict[str, int]) -> dict[str, int]:
    return {**_office(personas, ids), **_cpom(personas), **_events(personas), **_cse(personas)}


def _cse(personas) -> dict[str, int]:
    """An election of the data set's staff, its results proclaimed (so that another may be prepared)."""
    from pilote.hr.models import CseElection, CseElectionStatus
    from pilote.hr.services import cse
    from pilote.lib.dates import local_today

    today = local_today()
    election = cse.prepare_election(actor=personas["rh"], title="Élections du CSE", informed_on=today,
                                    first_round_on=today + dt.timedelta(days=30), seats=1)  # fmt: skip
    CseElection.objects.filter(pk=election.pk).update(
        status=CseElectionStatus.PROCLAIMED, proclaimed_on=election.first_round_on
    )
    college = election.colleges.order_by("number").first()
    voter = college.voters.filter(eligible=True).first()
    return {"election_id": election.pk, "college_id": college.pk, "candidate_id": voter.employee_id}


def _events(personas) -> dict[str, int]:
    from pilote.quality.services import events

    staff = personas["salarie"]
    fall = {"occurred_on": day(1, 1), "place": "Chambre 12", "kind": "fall", "facts": "Chute au lever",
            "immediate_measures": "Appel du médecin", "people_supported": "M. D."}  # fmt: skip
    serious = events.declare(actor=staff, **fall, serious=True)
    analysed = events.declare(actor=staff, **fall)
    events.record_analysis(actor=personas["direction"], event=analysed, analysis="Sol glissant")
    return {"adverse_event_id": serious.pk, "analysed_event_id": analysed.pk}


# Operations served to social establishments only (their pages' rule): the structure made one in the savepoint.
SOCIAL_PATHS = ("/evenements-indesirables",)


def prepare(method: str, path: str) -> None:
    if path.removeprefix("/api/v1").startswith(SOCIAL_PATHS):
        from pilote.core.models import Structure

        Structure.objects.filter(pk=1).update(type="social")


def _cpom(personas) -> dict[str, int]:
    from decimal import Decimal

    from pilote.associations.services import cpom
    from pilote.contacts.models import Contact

    owner = personas["direction"]
    ars = Contact.objects.create(name="ARS Auvergne-Rhône-Alpes", kind="organisation", is_funder=True)
    contract = cpom.create_cpom(actor=owner, title="CPOM SSIAD", funders=[ars], start_year=year(),
                                end_year=year(4))  # fmt: skip
    objective = cpom.add_objective(actor=owner, cpom=contract, title="Occupation", indicator="Taux d'occupation",
                                   unit="%", targets={year(): Decimal(95)})  # fmt: skip
    dialogue = cpom.add_deadline(actor=owner, cpom=contract, kind="dialogue", label="Dialogue de gestion",
                                 due_on=day(10, 1))  # fmt: skip
    means = cpom.set_means(actor=owner, cpom=contract, year=year(), accounts="64", label="Personnel",
                           amount=Decimal(400000))  # fmt: skip
    return {"cpom_id": contract.pk, "objective_id": objective.pk, "cpom_deadline_id": dialogue.pk,
            "funder_id": ars.pk, "means_id": means.pk}  # fmt: skip


def _office(personas, ids: dict[str, int]) -> dict[str, int]:
    from django.utils import timezone

    from pilote.office.models import Resource, WaitingRequest
    from pilote.office.services import assemblies, bookings

    owner = personas["direction"]
    van = bookings.create_resource(actor=owner, name="Fourgon", kind="vehicle", capacity=3)
    trip = bookings.log_trip(actor=owner, resource=van, day=day(3, 1), km_start=1000, km_end=1100)
    room = Resource.objects.get(pk=ids["room_id"])
    start = timezone.make_aware(dt.datetime(year(1), 2, 1, 14))
    offered = WaitingRequest.objects.create(resource=room, title="Atelier", starts_at=start,
                                            ends_at=start + dt.timedelta(hours=1), requested_by=owner,
                                            status="offered", offered_at=timezone.now(),
                                            offer_expires_at=timezone.now() + dt.timedelta(days=2))  # fmt: skip
    assembly = assemblies.create_assembly(actor=owner, title="AG annuelle", starts_at=start + dt.timedelta(days=30),
                                          quorum_percent=0, max_proxies=2)  # fmt: skip
    present = assemblies.add_member(actor=owner, assembly=assembly, name="Alice Martin", email="alice@example.fr")
    other = assemblies.add_member(actor=owner, assembly=assembly, name="Bernard Petit")
    assemblies.set_presence(actor=owner, member=present, presence="present")
    resolution = assemblies.add_resolution(actor=owner, assembly=assembly, title="Approbation des comptes")
    from pilote.office.services import territory

    study = territory.create_study(actor=owner, title="Besoins en aide à domicile", territory="Villeurbanne",
                                   carried_out_on=day(2, 1))  # fmt: skip
    area = territory.add_area(actor=owner, study=study, name="Cusset")
    source = territory.add_source(actor=owner, study=study, name="INSEE", year=year(-2))
    indicator = territory.add_indicator(actor=owner, study=study, theme="Démographie", label="Part des 75 ans et plus",
                                        unit="%", source=source)  # fmt: skip
    finding = territory.add_finding(actor=owner, study=study, theme="Vieillissement", need="Portage de repas")
    return {"resource_id": room.pk, "vehicle_id": van.pk, "trip_id": trip.pk, "waiting_id": offered.pk,
            "assembly_id": assembly.pk, "assembly_member_id": other.pk, "present_member_id": present.pk,
            "resolution_id": resolution.pk, "study_id": study.pk, "study_area_id": area.pk,
            "study_source_id": source.pk, "study_indicator_id": indicator.pk,
            "study_finding_id": finding.pk}  # fmt: skip


BODIES = {
    ("post", "/ressources"): {"name": "Vidéoprojecteur", "kind": "equipment"},
    ("post", "/etudes-territoire"): {"title": "Petite enfance", "territory": "Lyon 8e", "carried_out_on": "Y-02-01"},
    ("patch", "/etudes-territoire/{study_id}"): {"population": "Personnes âgées", "threshold": "15"},
    ("post", "/etudes-territoire/{study_id}/zones"): {"name": "Rhône", "is_reference": True},
    ("post", "/etudes-territoire/{study_id}/sources"): {"name": "CAF", "producer": "CNAF", "year": "Y"},
    ("post", "/etudes-territoire/{study_id}/indicateurs"): {"theme": "Revenus", "label": "Taux de pauvreté",
                                                           "unit": "%", "source": "study_source_id",
                                                           "values": [{"area": "study_area_id", "value": "21.5"}]},
    ("put", "/etudes-territoire/indicateurs/{study_indicator_id}/valeurs"): {
        "values": [{"area": "study_area_id", "value": "12.3"}]},
    ("post", "/etudes-territoire/{study_id}/constats"): {"theme": "Vieillissement", "need": "Aide à domicile",
                                                         "priority": 1},
    ("post", "/etudes-territoire/{study_id}/etat"): {"etat": "draft"},
    ("post", "/cse/elections"): {"title": "Élections partielles", "informed_on": "today", "first_round_on": "tomorrow",
                                 "seats": 1},
    ("post", "/cse/elections/{election_id}/proclamation"): {"on": "today"},
    ("post", "/cse/colleges/{college_id}/depouillement"): {"votes_cast": 1, "lists": [
        {"name": "CFDT", "ballots": 1, "candidates": [{"employee": "candidate_id"}]}]},
    ("post", "/evenements-indesirables"): {"occurred_on": "today", "place": "Salle commune", "kind": "aggression",
                                           "facts": "Dispute", "immediate_measures": "Séparation",
                                           "must_report": True},
    ("post", "/evenements-indesirables/{adverse_event_id}/signalement"): {"authority": "ars",
                                                                          "reported_on": "today"},
    ("post", "/evenements-indesirables/{adverse_event_id}/analyse"): {"analysis": "Défaut de surveillance"},
    ("post", "/evenements-indesirables/{adverse_event_id}/etape"): {"etape": "clore"},
    ("post", "/cpom"): {"title": "CPOM accueil de jour", "funders": ["funder_id"], "start_year": "Y",
                        "end_year": "Y", "signed_on": "Y-01-15"},
    ("post", "/cpom/{cpom_id}/objectifs"): {"title": "Heures", "indicator": "Heures réalisées", "unit": "h",
                                            "source": "heures", "service": "SSIAD"},
    ("put", "/cpom/objectifs/{objective_id}"): {"title": "Taux d'occupation", "indicator": "Taux d'occupation",
                                                "unit": "%"},
    ("put", "/cpom/objectifs/{objective_id}/cible"): {"year": "Y", "target": "96", "actual": "93.5"},
    ("put", "/cpom/{cpom_id}/moyens"): {"year": "Y", "accounts": "64", "label": "Personnel", "amount": "420000"},
    ("post", "/cpom/{cpom_id}/echeances"): {"kind": "autre", "label": "Visite ARS", "due_on": "Y+1-02-01"},
    ("post", "/activite-mensuelle"): {"service": "SSIAD", "month": "Y-03-01", "places": 30, "days_open": 31,
                                      "days_delivered": 850, "persons": 32},
    ("patch", "/ressources/{resource_id}"): {"capacity": 10},
    ("post", "/reservations/{booking_id}/raccourcissement"): {"day": "Y+1-02-01", "start": "09:00", "end": "09:30"},
    ("post", "/trajets"): {"resource": "vehicle_id", "day": "Y-03-02", "km_start": 1100, "km_end": 1180,
                           "fuel_litres": "5.5", "purpose": "Livraison"},
    ("post", "/assemblees"): {"title": "Conseil d'administration", "kind": "board", "day": "Y+1-03-01",
                              "start": "18:00"},
    ("post", "/assemblees/{assembly_id}/membres"): {"name": "Claire Roux", "votes": 2},
    ("post", "/assemblees/membres/{assembly_member_id}/presence"): {"presence": "represented",
                                                                     "proxy_holder": "present_member_id"},
    ("post", "/assemblees/{assembly_id}/resolutions"): {"title": "Budget", "majority": "two_thirds"},
    ("post", "/assemblees/resolutions/{resolution_id}/vote"): {"votes_for": 1, "votes_against": 0},
    ("put", "/assemblees/{assembly_id}/proces-verbal"): {"chair": "Alice Martin", "secretary": "Bernard Petit"},
}  # fmt: skip

IDS = {
    ("post", "/evenements-indesirables/{adverse_event_id}/etape"): {"adverse_event_id": "analysed_event_id"},
}

# Operations served to associations and social establishments only (dataset.prepare makes the structure one).
ASSOCIATION_PATHS = ("/cpom", "/activite-mensuelle")

_NOT_THE_AUTHOR = ("comptable", "commercial", "rh", "salarie")
OBJECT_RULES = {
    # a booking is changed by its author (direction here) or the office, as on its page
    ("post", "/reservations/{booking_id}/raccourcissement"): {role: 409 for role in _NOT_THE_AUTHOR},
    # a slot offered is confirmed by the person it is offered to only (direction here)
    ("post", "/liste-attente/{waiting_id}/confirmation"): {role: 409 for role in ("assistant", *_NOT_THE_AUTHOR)},
    ("post", "/liste-attente/{waiting_id}/retrait"): {role: 409 for role in _NOT_THE_AUTHOR},
    # the data set's election is proclaimed: its results change no more
    ("post", "/cse/elections/{election_id}/proclamation"): {"direction": 409, "rh": 409},
    ("post", "/cse/colleges/{college_id}/depouillement"): {"direction": 409, "rh": 409},
}

# The addresses of apic's operations (prefixes under /api/v1, with the method when the path is shared).
PATHS = (
    "/ressources",
    "/reservations/{booking_id}/raccourcissement",
    "/liste-attente/{waiting_id}/",
    "/trajets",
    "/assemblees",
    "/cpom",
    "/activite-mensuelle",
    "/evenements-indesirables",
    "/enquetes/{survey_id}/reponses",
    "/cse/",
    "/etudes-territoire",
)
