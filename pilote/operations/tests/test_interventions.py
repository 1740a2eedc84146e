"""Interventions: a technician's overlapping visit refused (travel time included), a skill mismatch and a visit
outside working hours flagged, a recurrence expanded across a public holiday, the technician's day on a phone
(arrival, report signed), a done visit invoiced in draft at the catalogue's hourly rate."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from pilote.core.exceptions import DomainError
from pilote.lib.dates import local_today
from pilote.operations import planning
from pilote.operations.models import Intervention, InterventionStatus
from pilote.operations.services import interventions as services

MONDAY = dt.date(2026, 5, 4)  # Friday 8 May 2026 is Victoire 1945, Thursday 14 May the Ascension


def _plan(setup, day=MONDAY, at=dt.time(9), minutes=60, **kwargs):
    base = {
        "actor": setup["planner"],
        "customer": setup["customer"],
        "kind": "maintenance",
        "address": "1 rue A",
        "subject": "Entretien",
        "technician": setup["tech"],
        "day": day,
        "at": at,
        "minutes": minutes,
    }
    return services.plan(**{**base, **kwargs})


def test_an_overlapping_visit_is_refused_travel_time_included(setup):
    _plan(setup)  # 9:00–10:00
    with pytest.raises(DomainError, match="Conflit : .* déjà chez Boulangerie Martin de 09:00 à 10:00"):
        _plan(setup, at=dt.time(10, 10))  # 10 minutes after: less than the 15 minutes of travel
    [later], warnings = _plan(setup, at=dt.time(10, 15))
    assert later.pk and warnings == []
    assert Intervention.objects.count() == 2


def test_a_skill_mismatch_and_a_visit_after_hours_are_flagged_not_refused(setup):
    _, warnings = _plan(setup, required_skill="Chaudières", at=dt.time(17), minutes=60)
    assert "n'a pas la compétence « Chaudières »" in warnings[0]
    assert "travaille de 08:00 à 17:30 : la visite en déborde" in warnings[1]
    _, warnings = _plan(setup, technician=None, day=MONDAY + dt.timedelta(days=1))
    assert warnings == ["Intervention non affectée : choisissez un intervenant."]


def test_a_recurrence_every_weekday_at_8_skips_the_public_holidays(setup):
    assert planning.occurrences(
        MONDAY, MONDAY + dt.timedelta(days=11), [0, 1, 2, 3, 4], {dt.date(2026, 5, 8), dt.date(2026, 5, 14)}
    )[4:7] == [dt.date(2026, 5, 11), dt.date(2026, 5, 12), dt.date(2026, 5, 13)]
    visits, _ = _plan(setup, at=dt.time(8), minutes=20, until=MONDAY + dt.timedelta(days=11))
    days = [timezone.localtime(v.start).date() for v in visits]
    assert len(days) == 8 and dt.date(2026, 5, 8) not in days and dt.date(2026, 5, 14) not in days
    assert {timezone.localtime(v.start).time() for v in visits} == {dt.time(8)} and len({v.series for v in visits}) == 1
    with pytest.raises(DomainError, match="Conflit"):  # one occurrence collides: nothing of the series is written
        _plan(setup, day=MONDAY + dt.timedelta(days=7), at=dt.time(8, 10), until=MONDAY + dt.timedelta(days=9))
    assert Intervention.objects.count() == 8


def test_the_technicians_day_arrival_report_signature_and_invoice(setup, client_as, structure):
    from pilote.catalog.models import Product
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    Product.objects.create(
        reference="MNT-HEURE", name="Intervention technicien", unit_price="78", kind="service", unit="h"
    )
    [visit], _ = _plan(setup, day=local_today())
    phone = client_as("salarie")
    page = phone.get(reverse("interventions:my-day")).content.decode()
    assert "Boulangerie Martin" in page and "Je suis arrivé(e)" in page
    phone.post(reverse("interventions:step", args=[visit.pk]), {"step": "arrive"})
    response = phone.post(
        reverse("interventions:step", args=[visit.pk]), {"step": "finish", "report": "", "signed_by": ""}, follow=True
    )
    assert "Compte rendu : Ce champ est obligatoire." in response.content.decode()
    Intervention.objects.filter(pk=visit.pk).update(arrived_at=timezone.now() - dt.timedelta(minutes=70))
    phone.post(
        reverse("interventions:step", args=[visit.pk]),
        {"step": "finish", "report": "Tambour changé.", "signed_by": "M. Martin", "signature": "on"},
    )
    visit.refresh_from_db()
    assert visit.status == InterventionStatus.DONE and visit.signed_by == "M. Martin"
    assert services.billable_hours(visit) == D("1.25")  # 70 minutes on site: five started quarter hours
    draft = services.invoice(actor=setup["planner"], visit=visit, date=local_today())
    line = draft.lines.get()
    assert (line.quantity, line.unit_price, line.net_amount) == (D("1.25"), D("78"), D("97.50"))
    # Someone else's visit is not theirs to fill in.
    other = client_as("commercial").post(
        reverse("interventions:step", args=[visit.pk]), {"step": "arrive"}, follow=True
    )
    assert "déjà notée" in other.content.decode() or "Seul l'intervenant" in other.content.decode()


def test_planning_pages(setup, client_as):
    _plan(setup, day=local_today())
    client = client_as("assistant")
    assert "Boulangerie Martin" in client.get(reverse("interventions:week")).content.decode()
    csv = b"".join(client.get(reverse("interventions:list"), {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert "Boulangerie Martin" in csv
    data = {
        "customer": setup["customer"].pk,
        "kind": "maintenance",
        "subject": "Contrôle",
        "technician": setup["tech"].pk,
        "day": local_today().isoformat(),
        "at": "09:30",
        "minutes": "30",
        "weekdays": ["0"],
    }
    page = client.post(reverse("interventions:create"), data).content.decode()
    assert "Conflit" in page and Intervention.objects.count() == 1
    page = client.post(reverse("interventions:create"), {**data, "minutes": "99999"}).content.decode()
    assert "inférieure ou égale à 720" in page


def test_travel_time_comes_from_the_sectors_of_the_postcodes():
    sectors = [("CENTRE", ["69001", "69002"]), ("EST", ["691"]), ("VIL", ["69100"])]
    assert planning.postcode("12 rue de la République\n69002 Lyon") == "69002"
    assert planning.postcode("24 avenue Galline, 69100 Villeurbanne") == "69100"
    assert planning.postcode("Mairie") is None
    assert planning.sector_of("3 place Bellecour 69002 Lyon", sectors) == "CENTRE"
    assert planning.sector_of("24 avenue Galline, 69100 Villeurbanne", sectors) == "VIL"  # the longest start wins
    assert planning.sector_of("Bron 69500", sectors) is None
    within, between = {"CENTRE": 10, "VIL": 12}, {frozenset(("CENTRE", "VIL")): 35}
    assert planning.travel_minutes("CENTRE", "CENTRE", within, between) == 10
    assert planning.travel_minutes("VIL", "CENTRE", within, between) == 35  # either way
    assert planning.travel_minutes("CENTRE", "EST", within, between) == 15  # a pair not filled in: the default
    assert planning.travel_minutes(None, "CENTRE", within, between) == 15


def test_a_visit_too_close_for_the_travel_between_sectors_is_refused_and_the_day_route_shows_it(setup, client_as):
    planner = setup["planner"]
    centre = services.save_sector(actor=planner, code="centre", name="Lyon centre", postcodes="69001, 69002",
                                  minutes_within=10)  # fmt: skip
    east = services.save_sector(actor=planner, code="VIL", name="Villeurbanne", postcodes="69100", minutes_within=12)
    services.save_travel_times(actor=planner, minutes={(east.pk, centre.pk): 40})
    with pytest.raises(DomainError, match="Le code postal 69100 est déjà dans le secteur VIL"):
        services.save_sector(actor=planner, code="EST", name="Est", postcodes="69100, 69120", minutes_within=15)
    with pytest.raises(DomainError, match="de 2 à 5 chiffres"):
        services.save_sector(actor=planner, code="X", name="X", postcodes="69A", minutes_within=15)
    _plan(setup, address="3 place Bellecour, 69002 Lyon")  # 9:00–10:00 in the centre
    with pytest.raises(DomainError, match="il faut 40 minutes de trajet \\(Lyon centre → Villeurbanne\\)"):
        _plan(setup, at=dt.time(10, 30), address="24 avenue Galline, 69100 Villeurbanne")  # 30 minutes: too short
    _plan(setup, at=dt.time(10, 40), address="24 avenue Galline, 69100 Villeurbanne")  # 40 minutes: it fits
    with pytest.raises(DomainError, match="il faut 12 minutes de trajet dans le secteur Villeurbanne"):
        _plan(setup, at=dt.time(11, 50), address="5 rue Racine, 69100 Villeurbanne", minutes=30)  # 10 min after
    _plan(setup, at=dt.time(11, 52), address="5 rue Racine, 69100 Villeurbanne", minutes=30)
    assert Intervention.objects.count() == 3
    # The planner finds the trip longer: the day already planned now shows a gap too short, on the technician's
    # day route and on the week board.
    services.save_travel_times(actor=planner, minutes={(centre.pk, east.pk): 50})
    phone = client_as("salarie")
    page = phone.get(reverse("interventions:my-day") + f"?jour={MONDAY.isoformat()}").content.decode()
    assert "Trajet : 50 minutes de trajet (Lyon centre → Villeurbanne) — trop court, seulement 40 min" in page
    assert "Trajet : 12 minutes de trajet dans le secteur Villeurbanne — 12 min entre les deux visites" in page
    board = client_as("assistant").get(reverse("interventions:week") + f"?semaine={MONDAY.isoformat()}")
    assert "Trajet trop court : 40 min pour 50 minutes de trajet" in board.content.decode()


def test_the_sectors_page_saves_sectors_and_the_travel_matrix(setup, client_as):
    from pilote.operations.models import Sector, SectorTravel

    client = client_as("assistant")
    url = reverse("interventions:sectors")
    for code, name, postcodes in (("NORD", "Nord", "69004"), ("SUD", "Sud", "69007, 69008")):
        client.post(reverse("interventions:sector-save"), {"code": code, "name": name, "postcodes": postcodes,
                                                           "minutes_within": "8"})  # fmt: skip
    north, south = Sector.objects.get(code="NORD"), Sector.objects.get(code="SUD")
    page = client.get(url).content.decode()
    assert f'name="t_{north.pk}_{south.pk}"' in page and "Trajets entre secteurs" in page
    west = {"code": "Ouest", "name": "Ouest", "postcodes": "69007", "minutes_within": "8"}
    page = client.post(reverse("interventions:sector-save"), west, follow=True).content.decode()
    assert "Le code postal 69007 est déjà dans le secteur SUD — Sud." in html.unescape(page)
    assert Sector.objects.count() == 2
    page = client.post(reverse("interventions:travel-save"), {f"t_{north.pk}_{south.pk}": "vingt"},
                       follow=True).content.decode()  # fmt: skip
    assert "« vingt » n'est pas un nombre de minutes entre 0 et 600 : rien n'est enregistré." in html.unescape(page)
    assert not SectorTravel.objects.exists()
    client.post(reverse("interventions:travel-save"), {f"t_{north.pk}_{south.pk}": "25"})
    assert SectorTravel.objects.get().minutes == 25
    client.post(reverse("interventions:sector-save"), {"code": "nord", "name": "Nord (Croix-Rousse)",
                                                       "postcodes": "69004", "minutes_within": "9"})  # fmt: skip
    assert Sector.objects.get(code="NORD").minutes_within == 9 and Sector.objects.count() == 2  # changed, not added
    assert client_as("salarie").get(url).status_code == 403  # the technician plans nothing
