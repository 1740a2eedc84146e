"""CSE elections over the API (helper apic): prepared from the staff by HR, its voters read, one at a time, the
pages' refusals (the 90 days after the staff is informed, a proclamation before any count)."""

import datetime as dt

import pytest

from pilote.lib.dates import local_today

pytestmark = pytest.mark.django_db


def test_a_cse_election_prepared_and_its_voters_read(call, personas):
    from pilote.hr.services import employees

    today = local_today()
    for name in ("Arnaud", "Blanc", "Caron"):
        employees.hire_employee(actor=personas["rh"], last_name=name, first_names="Test", sex="F",
                                birth_date=dt.date(1990, 1, 1), job="Employée", cse_category="ouvrier_employe",
                                entry_date=today - dt.timedelta(days=800))  # fmt: skip
    body = {"title": "Élections du CSE", "informed_on": today.isoformat(),
            "first_round_on": (today + dt.timedelta(days=30)).isoformat(), "seats": 2}  # fmt: skip
    assert call("comptable", "post", "/api/v1/cse/elections", body).status_code == 403
    late = call("rh", "post", "/api/v1/cse/elections",
                {**body, "first_round_on": (today + dt.timedelta(days=120)).isoformat()})  # fmt: skip
    assert late.status_code == 409 and "90e jour" in late.json()["detail"]
    made = call("rh", "post", "/api/v1/cse/elections", body)
    assert made.status_code == 201, made.content
    election = made.json()
    assert election["seats"] == 2 and election["status"] == "preparation" and election["colleges"]
    again = call("direction", "post", "/api/v1/cse/elections", body)
    assert again.status_code == 409 and "déjà en préparation" in again.json()["detail"]
    url = f"/api/v1/cse/elections/{election['id']}"
    voters = call("direction", "get", f"{url}/electeurs?eligible=oui&tri=nom").json()
    assert [v["name"] for v in voters["results"]] == ["Arnaud Test", "Blanc Test", "Caron Test"]
    assert call("salarie", "get", f"{url}/electeurs").status_code == 403
    early = call("rh", "post", f"{url}/proclamation", {"on": body["first_round_on"]})
    assert early.status_code == 409 and "dépouillement" in early.json()["detail"]
    college = election["colleges"][0]
    tally = f"/api/v1/cse/colleges/{college['id']}/depouillement"
    candidate = voters["results"][0]["employee_id"]
    count = {"votes_cast": 3, "blank_void": 0,
             "lists": [{"name": "CFDT", "ballots": 3, "candidates": [{"employee": candidate}]}]}  # fmt: skip
    assert call("comptable", "post", tally, count).status_code == 403
    too_many = call("rh", "post", tally, {**count, "votes_cast": 9})
    assert too_many.status_code == 409 and "inscrits" in too_many.json()["detail"]
    stranger = call("rh", "post", tally, {**count, "lists": [{**count["lists"][0], "candidates": [{"employee": 999}]}]})
    assert stranger.status_code == 422
    free = call("rh", "post", tally, {**count, "lists": [{**count["lists"][0], "union": False}]})
    assert free.status_code == 409 and "organisations syndicales" in free.json()["detail"]
    counted = call("rh", "post", tally, count)
    assert counted.status_code == 200, counted.content
    assert counted.json()["lists"][0]["candidates"][0]["employee_id"] == candidate
    proclaimed = call("rh", "post", f"{url}/proclamation", {"on": body["first_round_on"]})
    assert proclaimed.status_code == 200 and proclaimed.json()["status"] == "proclamee"
    assert call("rh", "post", tally, count).status_code == 409
    assert call("rh", "get", "/api/v1/cse/elections").json()["count"] == 1
