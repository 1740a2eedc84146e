"""A CSE election through the services and pages: electoral lists, counts, quorum, second round, proclamation,
minutes; only rh and direction see it."""

import datetime as dt

import pytest
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.hr.models import CseCollege, CseElectionStatus
from pilote.hr.services import cse as services

pytestmark = pytest.mark.django_db

NAMES = [("Arnaud", "Paul", "M"), ("Blanc", "Julie", "F"), ("Caron", "Marc", "M"), ("Dumas", "Léa", "F"),
         ("Esnault", "Yves", "M"), ("Faure", "Anne", "F"), ("Gilles", "Rémi", "M"), ("Henry", "Lise", "F"),
         ("Imbert", "Noé", "M"), ("Jacob", "Eva", "F"), ("Klein", "Tom", "M"), ("Lopez", "Inès", "F")]  # fmt: skip


@pytest.fixture
def staff(hire):
    people = [hire(last_name=last, first_names=first, sex=sex, nir="", cse_category="ouvrier_employe",
                   entry_date=dt.date(2023, 1, 2)) for last, first, sex in NAMES]  # fmt: skip
    people.append(
        hire(
            last_name="Neuf",
            first_names="Nouveau",
            sex="M",
            nir="",
            cse_category="ouvrier_employe",
            entry_date=dt.date(2025, 11, 3),
        )
    )
    people.append(hire(last_name="Stage", first_names="Stagiaire", sex="F", nir="", contract_type="stage",
                       entry_date=dt.date(2025, 1, 6), tutor="Paul Arnaud", internship_place="Lyon"))  # fmt: skip
    return {p.last_name: p for p in people}


def _prepare(personas, **extra):
    fields = {"title": "Élections 2026", "informed_on": dt.date(2026, 1, 5), "first_round_on": dt.date(2026, 3, 2)}
    return services.prepare_election(actor=personas["rh"], **(fields | extra))


def test_preparing_freezes_the_headcount_the_delegation_and_the_electoral_lists(staff, personas):
    election = _prepare(personas)
    assert (
        election.seats == 1 and election.hours == 10 and str(election.headcount) == "12.16"
    )  # the trainee not counted; Neuf from 3 November
    college = election.colleges.get()
    assert college.number == 0 and college.seats == 1
    voters = {v.name: v.eligible for v in college.voters.all()}
    assert len(voters) == 13 and "Stage Stagiaire" not in voters
    assert voters["Neuf Nouveau"] is False and voters["Arnaud Paul"] is True  # 4 months: votes, cannot stand
    with pytest.raises(DomainError, match="déjà en préparation"):
        _prepare(personas)


def test_the_first_round_must_follow_the_information_within_90_days(staff, personas):
    with pytest.raises(DomainError, match="90e jour"):
        _prepare(personas, first_round_on=dt.date(2026, 4, 20))


def test_under_11_for_12_months_no_election_is_due(hire, personas):
    hire(entry_date=dt.date(2020, 1, 1))
    with pytest.raises(DomainError, match="aucune élection"):
        _prepare(personas)


def _lists(college, spec, union=True):
    people = {v.employee.last_name: v.employee for v in college.voters.select_related("employee")}
    return [services.ListInput(name, ballots, [services.CandidateInput(people[last], crossed) for last, crossed in
                                               candidates], union) for name, ballots, candidates in spec]  # fmt: skip


def test_a_count_without_quorum_then_a_second_round_then_the_minutes(staff, personas, client_as):
    election = _prepare(personas, seats=2, second_round_on=dt.date(2026, 3, 16))
    college = election.colleges.get(number=1)  # ouvriers et employés: every voter; the 2nd college is empty
    assert college.seats == 2 and college.voters.count() == 13
    rh = personas["rh"]
    services.record_tally(actor=rh, college=college, round=1, body="titulaires", votes_cast=6, blank_void=1,
                          lists=_lists(college, [("CFDT", 5, [("Arnaud", 0), ("Blanc", 0)])]))  # fmt: skip
    with pytest.raises(DomainError, match="seules les organisations syndicales"):
        services.record_tally(actor=rh, college=college, round=1, body="titulaires", votes_cast=6, blank_void=1,
                              lists=_lists(college, [("Libre", 5, [("Caron", 0)])], union=False))  # fmt: skip
    spec = [("CFDT", 7, [("Arnaud", 0), ("Blanc", 3)]), ("Indépendants", 5, [("Caron", 0), ("Dumas", 0)])]
    services.record_tally(actor=rh, college=college, round=2, body="titulaires", votes_cast=12, blank_void=0,
                          lists=_lists(college, spec, union=False))  # fmt: skip
    from pilote.hr.queries import cse as queries

    (view,) = [c for c in queries.colleges(election) if c.college.pk == college.pk]
    first, second = view.outcomes
    assert first.quorum is False and first.allocation is None and first.seats_left == 2
    assert second.allocation.seats_by_list() == {"CFDT": 1, "Indépendants": 1}
    assert [c.name for _, c, _ in view.elected] == ["Arnaud Paul", "Caron Marc"]
    page = client_as("rh").get(reverse("hr:cse-election", args=[election.pk])).content.decode()
    assert "Quorum non atteint" in page and "quotient électoral 6" in page
    services.proclaim(actor=rh, election=election, on=dt.date(2026, 3, 17))
    election.refresh_from_db()
    assert election.status == CseElectionStatus.PROCLAIMED
    with pytest.raises(DomainError, match="proclamés"):
        services.record_tally(actor=rh, college=college, round=1, body="titulaires", votes_cast=6, blank_void=1,
                              lists=_lists(college, [("CFDT", 5, [("Arnaud", 0)])]))  # fmt: skip
    response = client_as("direction").get(reverse("hr:cse-minutes", args=[election.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    for role in ("comptable", "commercial", "assistant", "salarie", "auditeur"):
        assert client_as(role).get(reverse("hr:cse-election", args=[election.pk])).status_code == 403


def test_the_tally_form_reads_the_lists_typed_as_blocks(staff, personas, client_as):
    election = _prepare(personas, seats=2)
    college = CseCollege.objects.get(election=election, number=1)
    url = reverse("hr:cse-tally", args=[college.pk])
    data = {"round": "1", "body": "titulaires", "votes_cast": "10", "blank_void": "0",
            "lists": "# CGT ; 6 ; syndicale\nArnaud Paul ; 0\nJulie Blanc ; 1\n# FO ; 4\nCaron Marc"}  # fmt: skip
    response = client_as("rh").post(url, data)
    assert response.status_code == 302, response.content.decode()
    tally = college.tallies.get()
    assert [(lst.name, lst.ballots) for lst in tally.lists.all()] == [("CGT", 6), ("FO", 4)]
    response = client_as("rh").post(url, data | {"lists": "# CGT ; 6\nInconnu Personne ; 0"})
    assert "est pas sur la liste électorale" in response.content.decode()
    assert client_as("salarie").get(url).status_code == 403
    voters = client_as("rh").get(reverse("hr:cse-voters", args=[election.pk]) + "?eligible=non").content.decode()
    assert "Neuf Nouveau" in voters and "Arnaud Paul" not in voters


def test_junk_in_the_count_form_is_refused_in_french(staff, personas, client_as):
    election = _prepare(personas, seats=2)
    college = CseCollege.objects.get(election=election, number=1)
    url = reverse("hr:cse-tally", args=[college.pk])
    data = {"round": "1", "body": "titulaires", "votes_cast": "10", "blank_void": "0"}
    for lists, expected in (
        ("# CGT ; ²\nArnaud Paul ; 0", "bulletins ; syndicale » attendu"),  # int("²") raised ValueError: a 500
        ("# CGT ; 6\nArnaud Paul ; ³", "les ratures sont un nombre entier"),
        ("# " + "C" * 121 + " ; 6\nArnaud Paul ; 0", "dépasse 120 caractères"),  # a DataError on PostgreSQL
    ):
        response = client_as("rh").post(url, data | {"lists": lists})
        assert response.status_code == 200 and expected in response.content.decode()
    assert not college.tallies.exists()
