"""Adverse events over the API (helper apic): social establishments only, declared by the staff who then see
nothing of the register, reported, analysed and closed by direction or HR — the pages' rules and refusals; a survey's
responses read by the roles that read its export."""

import pytest

from pilote.api.tests.days import ago

pytestmark = pytest.mark.django_db


def test_an_adverse_event_from_its_declaration_to_its_closing(call, structure):
    from pilote.core.models import Structure
    from pilote.quality.models import AdverseEvent, NonConformity

    fall = {"occurred_on": ago(2), "place": "Chambre 12", "kind": "fall", "facts": "Chute au lever",
            "immediate_measures": "Appel du médecin", "people_supported": "M. D.", "serious": True}  # fmt: skip
    company = call("salarie", "post", "/api/v1/evenements-indesirables", fall)
    assert company.status_code == 404 and "médico-sociaux" in company.json()["detail"]
    Structure.objects.filter(pk=structure.pk).update(type="social")
    assert call("comptable", "post", "/api/v1/evenements-indesirables", fall).status_code == 403
    future = call("salarie", "post", "/api/v1/evenements-indesirables", {**fall, "occurred_on": ago(-3)})
    assert future.status_code == 409 and "futur" in future.json()["detail"]
    declared = call("salarie", "post", "/api/v1/evenements-indesirables", fall)
    assert declared.status_code == 201, declared.content
    assert declared.json()["must_report"] is True and "facts" not in declared.json()
    url = f"/api/v1/evenements-indesirables/{declared.json()['id']}"
    assert call("salarie", "get", url).status_code == 403
    assert call("auditeur", "get", url).json()["people_supported"] == "M. D."
    early = call("rh", "post", f"{url}/signalement", {"authority": "ars", "reported_on": ago(3)})
    assert early.status_code == 409 and "entre l'événement et aujourd'hui" in early.json()["detail"]
    assert call("auditeur", "post", f"{url}/analyse", {"analysis": "x"}).status_code == 403
    unanalysed = call("rh", "post", f"{url}/etape", {"etape": "clore"})
    assert unanalysed.status_code == 409 and "Analysez" in unanalysed.json()["detail"]
    analysed = call("rh", "post", f"{url}/analyse", {"analysis": "Sol mouillé", "version": 1})
    assert analysed.status_code == 200 and analysed.json()["status"] == "analysed"
    unreported = call("rh", "post", f"{url}/etape", {"etape": "clore"})
    assert unreported.status_code == 409 and "signalé" in unreported.json()["detail"]
    reported = call("rh", "post", f"{url}/signalement", {"authority": "ars", "reported_on": ago(1)})
    assert reported.status_code == 200 and reported.json()["authority"] == "ars"
    nc = call("direction", "post", f"{url}/etape", {"etape": "non-conformite"})
    assert nc.status_code == 200 and NonConformity.objects.get().pk == nc.json()["nonconformity_id"]
    closed = call("direction", "post", f"{url}/etape", {"etape": "clore"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    listed = call("auditeur", "get", "/api/v1/evenements-indesirables?grave=oui&statut=closed").json()
    assert listed["count"] == 1 and AdverseEvent.objects.count() == 1


def test_a_surveys_responses_read_by_the_roles_of_its_export(call, personas):
    from pilote.quality.services import surveys

    boss = personas["direction"]
    survey = surveys.create_survey(actor=boss, title="Satisfaction", audience="customers")
    question = surveys.add_question(actor=boss, survey=survey, text="Note", kind="scale5")
    comment = surveys.add_question(actor=boss, survey=survey, text="Un mot ?", kind="text", required=False)
    surveys.open_survey(actor=boss, survey=survey)
    link = surveys.invite(actor=boss, survey=survey, links=1, base_url="http://pilote.test")[0]
    surveys.submit(invitation=link.invitation, values={question.pk: 4, comment.pk: "Bien"})
    url = f"/api/v1/enquetes/{survey.pk}/reponses"
    assert call("salarie", "get", url).status_code == 403
    page = call("auditeur", "get", url).json()
    assert page["count"] == 1, page
    answers = {answer["question_id"]: answer for answer in page["results"][0]["answers"]}
    assert answers[question.pk]["number"] == 4 and answers[comment.pk]["text"] == "Bien"
    assert call("auditeur", "get", f"{url}?du={ago(-1)}").json()["count"] == 0
