"""Answering a satisfaction survey on a phone, from the link of an e-mail: no account, large targets, the thanks
page, then the link refused."""

import pytest
from playwright.sync_api import expect

from pilote.quality.services import surveys

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_answering_a_survey_on_a_phone(page, personas, screenshots):
    actor = personas["commercial"]
    survey = surveys.create_survey(actor=actor, title="Satisfaction clients", intro="Merci pour votre aide.")
    surveys.add_question(actor=actor, survey=survey, kind="nps", text="Nous recommanderiez-vous ?")
    surveys.add_question(actor=actor, survey=survey, kind="single", text="Canal ?", choices=["Web", "Salon"])
    surveys.add_question(actor=actor, survey=survey, kind="text", text="Un commentaire ?", required=False)
    surveys.open_survey(actor=actor, survey=survey)
    [link] = surveys.invite(actor=actor, survey=survey, links=1, base_url="")
    page.goto(link.url)
    expect(page.get_by_role("heading", name="Satisfaction clients")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.get_by_role("button", name="Envoyer mes réponses").click()  # nothing chosen: refused in French
    expect(page.locator(".errorlist").first).to_contain_text("Ce champ est obligatoire")
    nine = page.get_by_label("9", exact=True)
    box = nine.locator("xpath=..").bounding_box()
    assert box["height"] >= 40 and box["width"] >= 40  # a target a thumb hits
    nine.check()
    page.get_by_label("Salon").check()
    page.get_by_label("Un commentaire ?").fill("Très bon accueil")
    page.screenshot(path=screenshots / "survey-phone.png", full_page=True)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("heading", name="Merci !")).to_be_visible()
    [response] = survey.responses.all()
    answers = sorted(((a.number, a.selected, a.text) for a in response.answers.all()), key=str)
    assert answers == sorted([(9, [], ""), (None, [], "Très bon accueil"), (None, ["Salon"], "")], key=str)
    page.goto(link.url)
    expect(page.get_by_text("Vous avez déjà répondu à cette enquête")).to_be_visible()
