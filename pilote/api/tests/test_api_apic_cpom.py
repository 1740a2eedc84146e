"""CPOM over the API (helper apic): associations and social establishments only; a contract with its objectives,
targets and means, a year frozen once its report is handed in — the pages' rules and refusals."""

import pytest

from pilote.api.tests.days import iso, year

pytestmark = pytest.mark.django_db


def test_a_cpom_followed_until_its_year_is_frozen(call, structure):
    from pilote.contacts.models import Contact
    from pilote.core.models import Structure

    ars = Contact.objects.create(name="ARS", kind="organisation", is_funder=True)
    body = {"title": "CPOM SSIAD", "funders": [ars.pk], "start_year": year(-1), "end_year": year(3)}
    company = call("direction", "post", "/api/v1/cpom", body)
    assert company.status_code == 404 and "associations" in company.json()["detail"]
    Structure.objects.filter(pk=structure.pk).update(type="social")
    assert call("salarie", "post", "/api/v1/cpom", body).status_code == 403
    too_long = call("direction", "post", "/api/v1/cpom", {**body, "end_year": year(9)})
    assert too_long.status_code == 409 and "au plus" in too_long.json()["detail"]
    made = call("direction", "post", "/api/v1/cpom", {**body, "title": "CPOM SAAD"})
    assert made.status_code == 201, made.content
    cpom = made.json()
    assert [d["year"] for d in cpom["deadlines"] if d["kind"] == "rapport"] == list(range(year(-1), year(4)))
    url = f"/api/v1/cpom/{cpom['id']}"
    objective = call("direction", "post", f"{url}/objectifs", {"title": "Occupation", "indicator": "Taux", "unit": "%"})
    assert objective.status_code == 201, objective.content
    target = f"/api/v1/cpom/objectifs/{objective.json()['id']}/cible"
    outside = call("direction", "put", target, {"year": year(5), "target": "95"})
    assert outside.status_code == 409 and "n'est pas dans le CPOM" in outside.json()["detail"]
    assert call("direction", "put", target, {"year": year(-1), "target": "95", "actual": "92"}).status_code == 200
    means = call("direction", "put", f"{url}/moyens", {"year": year(-1), "accounts": "41", "amount": "10"})
    assert means.status_code == 409 and "charges ou de produits" in means.json()["detail"]
    assert (
        call("direction", "put", f"{url}/moyens", {"year": year(-1), "accounts": "64", "amount": "1000"}).status_code
        == 200
    )
    report = next(d for d in cpom["deadlines"] if d["kind"] == "rapport" and d["year"] == year(-1))
    done = call("direction", "post", f"/api/v1/cpom/echeances/{report['id']}/fait")
    assert done.status_code == 200 and done.json()["done_on"] is not None
    frozen = call("direction", "put", target, {"year": year(-1), "target": "90"})
    assert frozen.status_code == 409 and "rapport" in frozen.json()["detail"]
    changed = call("direction", "put", f"/api/v1/cpom/objectifs/{objective.json()['id']}",
                   {"title": "Occupation", "indicator": "Autre indicateur"})  # fmt: skip
    assert changed.status_code == 409 and "remis" in changed.json()["detail"]
    kept = call("direction", "delete", f"/api/v1/cpom/objectifs/{objective.json()['id']}")
    assert kept.status_code == 409 and "rapport" in kept.json()["detail"]
    means_id = call("auditeur", "get", url).json()["means"][0]["id"]
    assert call("direction", "delete", f"/api/v1/cpom/moyens/{means_id}").status_code == 409
    detail = call("auditeur", "get", url).json()
    assert detail["reported_years"] == [year(-1)] and detail["objectives"][0]["targets"][0]["actual"] == "92.00"
    assert detail["means"][0]["amount"] == "1000.00"
    listed = call("auditeur", "get", f"/api/v1/cpom?annee={year()}&q=SAAD").json()
    assert listed["count"] == 1 and listed["results"][0]["funder_ids"] == [ars.pk]
    month = {"service": "SSIAD", "month": iso(2, 10), "places": 10, "days_open": 30, "days_delivered": 200}
    too_many_days = call("direction", "post", "/api/v1/activite-mensuelle", month)
    assert too_many_days.status_code in (409, 422)
    typed = call("direction", "post", "/api/v1/activite-mensuelle", {**month, "days_open": 28})
    assert typed.status_code == 200 and typed.json()["month"] == iso(2, 1), typed.content
    assert call("auditeur", "get", f"/api/v1/activite-mensuelle?annee={year()}").json()["count"] == 1
