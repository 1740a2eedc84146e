"""A tender's grid, tasks and documents over the API (apia): the pages' refusals through the API (422 in French,
nothing written), the happy paths through `pipeline.tender_services`, the roles refused."""

import base64

import pytest

from pilote.api.tests.days import iso

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender(personas):
    from pilote.contacts.models import Contact
    from pilote.pipeline import tender_services

    buyer = Contact.objects.create(name="Ville d'Annecy", is_customer=True)
    return tender_services.create_tender(actor=personas["commercial"], buyer=buyer, title="Nettoyage des écoles")


def test_the_grid_is_scored_and_gives_its_recommendation(call, tender):
    from pilote.pipeline.models import TenderCriterion

    url = f"/api/v1/appels-offres/{tender.pk}/grille"
    grid = call("auditeur", "get", url)
    assert grid.status_code == 200 and grid.json()["recommendation"] == "incomplete"
    criteria = grid.json()["criteria"]
    assert criteria and all(row["score"] is None for row in criteria)
    stranger = call("commercial", "put", url, {"scores": [{"criterion": 999999, "weight": 1, "score": 2}]})
    assert stranger.status_code == 422 and "pas un critère" in str(stranger.json()["erreurs"])
    too_high = call("commercial", "put", url, {"scores": [{"criterion": criteria[0]["id"], "weight": 1, "score": 9}]})
    assert too_high.status_code == 422
    every = [{"criterion": row["id"], "weight": 2, "score": 5} for row in criteria]
    assert call("auditeur", "put", url, {"scores": every}).status_code == 403
    assert not TenderCriterion.objects.filter(score__isnull=False).exists()
    scored = call("commercial", "put", url, {"scores": every})
    assert scored.status_code == 200, scored.content
    assert scored.json()["recommendation"] == "go" and scored.json()["percent"] == "100.0"
    low = call("commercial", "put", url, {"scores": [{"criterion": criteria[0]["id"], "weight": 10, "score": 0}]})
    assert low.json()["criteria"][0]["weight"] == 10 and low.json()["criteria"][1]["score"] == 5
    added = call(
        "commercial", "post", f"/api/v1/appels-offres/{tender.pk}/criteres", {"label": "Références", "weight": 3}
    )
    assert added.status_code == 201 and added.json()["recommendation"] == "incomplete"
    assert call("commercial", "post", f"/api/v1/appels-offres/{tender.pk}/criteres", {"label": ""}).status_code == 422
    new = added.json()["criteria"][-1]["id"]
    assert call("auditeur", "delete", f"/api/v1/criteres-appel-offres/{new}").status_code == 403
    assert call("commercial", "delete", f"/api/v1/criteres-appel-offres/{new}").status_code == 204
    assert not TenderCriterion.objects.filter(pk=new).exists()


def test_tasks_are_added_done_and_deleted(call, tender, personas):
    url = f"/api/v1/appels-offres/{tender.pk}/taches"
    hr_user = call("commercial", "post", url, {"title": "Chiffrer", "assignee": personas["rh"].pk})
    assert hr_user.status_code == 422 and "assignee" in hr_user.json()["erreurs"]  # not among the page's choices
    assert call("commercial", "post", url, {"title": ""}).status_code == 422
    assert call("auditeur", "post", url, {"title": "Chiffrer"}).status_code == 403
    assert tender.tasks.count() == 0
    made = call("assistant", "post", url, {"title": "Chiffrer", "assignee": personas["commercial"].pk,
                                          "due_date": iso(4, 1)})  # fmt: skip
    assert made.status_code == 201 and made.json()["done"] is False, made.content
    task = made.json()["id"]
    done = call("commercial", "post", f"/api/v1/taches-appel-offres/{task}/fait", {"done": True})
    assert done.status_code == 200 and done.json()["done"] and done.json()["done_at"]
    assert [row["id"] for row in call("auditeur", "get", url).json()] == [task]
    assert call("commercial", "delete", f"/api/v1/taches-appel-offres/{task}").status_code == 204
    assert tender.tasks.count() == 0


def test_documents_are_checked_kept_and_read_back(call, tender):
    url = f"/api/v1/appels-offres/{tender.pk}/pieces"
    program = base64.b64encode(b"MZ\x90\x00" + b"\x00" * 60).decode()
    refused = call("commercial", "post", url, {"file_name": "rc.pdf", "content_base64": program})
    assert refused.status_code == 422 and "exécutable" in str(refused.json()["erreurs"])
    odd = call("commercial", "post", url, {"file_name": "rc.sh", "content_base64": "ZWNobw=="})
    assert odd.status_code == 422 and "Type de fichier refusé" in str(odd.json()["erreurs"])
    body = {"kind": "reponse", "file_name": "memoire.txt", "content_base64": base64.b64encode(b"Notre offre").decode()}
    assert call("auditeur", "post", url, body).status_code == 403
    assert tender.documents.count() == 0
    made = call("commercial", "post", url, body)
    assert made.status_code == 201 and made.json()["size"] == 11, made.content
    document = made.json()["id"]
    read = call("auditeur", "get", f"/api/v1/pieces-appel-offres/{document}")
    assert read.status_code == 200 and b"".join(read.streaming_content) == b"Notre offre"
    assert "attachment" in read["Content-Disposition"]
    assert call("salarie", "get", f"/api/v1/pieces-appel-offres/{document}").status_code == 403
    assert call("commercial", "delete", f"/api/v1/pieces-appel-offres/{document}").status_code == 204
    assert tender.documents.count() == 0
