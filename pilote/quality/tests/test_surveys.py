"""Satisfaction surveys: the questionnaire builder, one tokened link per respondent (only its digest kept),
answered once without an account — a forged or used link refused in French, CSRF-checked, rate-limited —,
links e-mailed to chosen contacts, the results (bars, NPS, comments) and their export."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from pilote.contacts.models import Contact
from pilote.core import throttle
from pilote.core.exceptions import DomainError
from pilote.quality import surveys as pure
from pilote.quality.models import SurveyAnswer, SurveyInvitation, SurveyResponse
from pilote.quality.services import surveys

pytestmark = pytest.mark.django_db


def test_nps_on_a_hand_case():
    scores = [10, 9, 9, 8, 7, 10, 6, 9, 3, 8]  # 5 promoters, 3 passives, 2 detractors
    assert pure.nps(scores) == 30
    assert pure.nps_split(scores) == {"promoters": 5, "passives": 3, "detractors": 2}
    assert pure.nps([6, 6, 10]) == -33 and pure.nps([]) is None
    assert pure.average([4, 5, 3]) == 4


@pytest.fixture
def survey(personas):
    actor = personas["commercial"]
    survey = surveys.create_survey(actor=actor, title="Satisfaction 2026", intro="Deux minutes")
    surveys.add_question(actor=actor, survey=survey, kind="nps", text="Nous recommanderiez-vous ?")
    surveys.add_question(actor=actor, survey=survey, kind="scale5", text="Délais ?")
    surveys.add_question(actor=actor, survey=survey, kind="single", text="Canal ?", choices=["Web", "Salon"])
    surveys.add_question(actor=actor, survey=survey, kind="multiple", text="Points forts ?", required=False,
                         choices=["Prix", "Conseil", "Réactivité"])  # fmt: skip
    surveys.add_question(actor=actor, survey=survey, kind="text", text="Commentaire ?", required=False)
    return surveys.open_survey(actor=actor, survey=survey)


def _link(survey, personas, n=1):
    return surveys.invite(actor=personas["commercial"], survey=survey, links=n, base_url="http://testserver")


def _answers(survey, nps="9", scale="4", single="Web", multiple=("Prix",), text="Très bien"):
    q = {question.kind: question.pk for question in survey.questions.all()}
    return {f"q{q['nps']}": nps, f"q{q['scale5']}": scale, f"q{q['single']}": single,
            f"q{q['multiple']}": list(multiple), f"q{q['text']}": text}  # fmt: skip


def test_building_the_questionnaire(survey, personas):
    with pytest.raises(DomainError, match="n'est plus modifiable"):
        surveys.add_question(actor=personas["commercial"], survey=survey, kind="text", text="Encore ?")
    draft = surveys.create_survey(actor=personas["commercial"], title="Brouillon")
    with pytest.raises(DomainError, match="au moins deux choix"):
        surveys.add_question(actor=personas["commercial"], survey=draft, kind="single", text="?", choices=["Seul"])
    with pytest.raises(DomainError, match="au moins une question"):
        surveys.open_survey(actor=personas["commercial"], survey=draft)


def test_a_respondent_answers_once_without_an_account(survey, personas):
    [link] = _link(survey, personas)
    invitation = SurveyInvitation.objects.get()
    token = link.url.rsplit("/", 2)[-2]
    assert len(invitation.token_digest) == 64 and token not in invitation.token_digest  # only the digest is kept
    client = Client()
    page = client.get(link.url)
    assert page.status_code == 200 and "Nous recommanderiez-vous ?" in page.content.decode()
    response = client.post(link.url, _answers(survey))
    assert response.status_code == 200 and "Merci !" in response.content.decode()
    answer = SurveyResponse.objects.get()
    assert {a.question.kind: (a.number, a.selected, a.text) for a in answer.answers.all()} == {
        "nps": (9, [], ""), "scale5": (4, [], ""), "single": (None, ["Web"], ""),
        "multiple": (None, ["Prix"], ""), "text": (None, [], "Très bien"),
    }  # fmt: skip
    second = client.post(link.url, _answers(survey, nps="0"))
    assert second.status_code == 410 and "déjà répondu à cette enquête" in second.content.decode()
    assert client.get(link.url).status_code == 410
    assert SurveyResponse.objects.count() == 1 and SurveyAnswer.objects.filter(number=0).count() == 0
    with pytest.raises(DomainError, match="déjà répondu"):
        surveys.submit(invitation=invitation, values={})


def test_a_forged_token_and_a_closed_survey_are_refused_in_french(survey, personas):
    [link] = _link(survey, personas)
    client = Client()
    forged = reverse("quality:survey-answer", args=["x" * 32])
    response = client.get(forged)
    assert response.status_code == 404 and "Ce lien d&#x27;enquête n&#x27;est pas valide" in response.content.decode()
    assert client.post(forged, _answers(survey)).status_code == 404
    surveys.close_survey(actor=personas["commercial"], survey=survey)
    response = client.post(link.url, _answers(survey))
    assert response.status_code == 410 and "Cette enquête est close" in response.content.decode()
    assert SurveyResponse.objects.count() == 0


def test_bad_answers_write_nothing(survey, personas):
    [link] = _link(survey, personas)
    client = Client()
    response = client.post(link.url, _answers(survey, nps="11"))
    assert response.status_code == 400 and "Sélectionnez un choix valide" in response.content.decode()
    response = client.post(link.url, _answers(survey, single=""))
    assert response.status_code == 400 and "Ce champ est obligatoire" in response.content.decode()
    assert SurveyResponse.objects.count() == 0 and SurveyInvitation.objects.get().answered_at is None


def test_the_public_form_is_csrf_checked(survey, personas):
    [link] = _link(survey, personas)
    client = Client(enforce_csrf_checks=True)
    assert client.post(link.url, _answers(survey)).status_code == 403
    client.get(link.url)
    token = client.cookies["csrftoken"].value
    response = client.post(link.url, {**_answers(survey), "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and SurveyResponse.objects.count() == 1


def test_the_public_page_is_rate_limited(survey, personas, monkeypatch):
    from pilote.quality.views import surveys as views

    monkeypatch.setattr(views, "PUBLIC_LIMIT", throttle.Limit("survey.test", count=3, window=timedelta(hours=1)))
    client = Client()
    for _ in range(3):
        assert client.get(reverse("quality:survey-answer", args=["forged-token"])).status_code == 404
    response = client.get(reverse("quality:survey-answer", args=["forged-token"]))
    assert response.status_code == 429 and "Trop de tentatives" in response.content.decode()


def test_links_are_emailed_to_chosen_contacts(survey, client_as):
    with_mail = Contact.objects.create(name="Alpha SARL", is_customer=True, email="qualite@alpha.fr")
    without = Contact.objects.create(name="Bêta SAS", is_customer=True)
    client = client_as("commercial")
    url = reverse("quality:survey-invite", args=[survey.pk])
    response = client.post(url, {"contact": without.pk, "links": "0"})
    assert "Sans adresse e-mail : Bêta SAS" in response.content.decode() and not mail.outbox
    response = client.post(url, {"contact": with_mail.pk, "links": "2", "message": "Merci d'avance"})
    page = response.content.decode()
    assert "1 invitation(s) envoyée(s) par e-mail, 2 lien(s) à remettre" in page
    [message] = mail.outbox
    assert message.to == ["qualite@alpha.fr"] and "Merci d'avance" in message.body
    link = message.body.split("http://testserver", 1)[1].split()[0]
    assert Client().get(link).status_code == 200 and link in page
    assert SurveyInvitation.objects.filter(survey=survey).count() == 3


def test_results_show_the_nps_bars_comments_and_export(survey, personas, client_as):
    links = _link(survey, personas, n=4)
    for link, (nps, text) in zip(links, [("10", "Parfait"), ("9", ""), ("6", "Trop lent"), ("8", "")], strict=True):
        Client().post(link.url, _answers(survey, nps=nps, text=text))
    client = client_as("auditeur")
    page = client.get(reverse("quality:survey-results", args=[survey.pk])).content.decode()
    assert "NPS <strong>25</strong>" in page  # (2 promoters − 1 detractor) / 4
    assert page.count('class="bar-row"') == 11 + 5 + 2 + 3 and "Trop lent" in page and "Parfait" in page
    response = client.get(reverse("quality:survey-responses-export", args=[survey.pk, "csv"]))
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Reçue le;Destinataire;Nous recommanderiez-vous ?;Délais ?;Canal ?")
    assert len(lines) == 5 and ";10;4;Web;Prix;Parfait" in lines[1]
    xlsx = client.get(reverse("quality:survey-responses-export", args=[survey.pk, "xlsx"]))
    assert xlsx.status_code == 200
