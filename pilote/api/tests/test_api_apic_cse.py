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
    assert call("rh", "get", "/api/v1/cse/elections").json()["count"] == 1
