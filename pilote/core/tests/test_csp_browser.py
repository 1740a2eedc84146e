"""The Content-Security-Policy in a real browser: Chromium refuses injected inline code, while Pilote's own
behaviours (confirmation buttons, htmx swaps and indicators, the lettering total) work without any.
Every browser test also fails on a CSP refusal (pilote/browser_fixtures.py)."""

import pytest
from playwright.sync_api import expect

from pilote.contacts import services
from pilote.contacts.models import Contact, Interaction

pytestmark = pytest.mark.browser


def test_the_browser_refuses_injected_inline_code(page, structure):
    # A page of its own, outside the fixture that fails on refusals: here a refusal is what we want.
    probe = page.context.new_page()
    refused = []
    probe.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    probe.goto("/connexion/")
    probe.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.body.appendChild(script);
        const div = document.createElement("div");
        div.innerHTML = '<img src="x" onerror="window.injected = true">';
        document.body.appendChild(div);
    }"""
    )
    probe.wait_for_timeout(300)
    assert probe.evaluate("window.injected") is None
    assert refused, "Chromium reported no refusal"
    probe.close()


def test_confirmation_buttons_ask_before_acting(page, sign_in, personas):
    contact = Contact.objects.create(name="Menuiserie Girard", is_customer=True)
    services.log_interaction(actor=personas["direction"], contact=contact, kind="call", subject="Appel à effacer")
    sign_in(page, "direction")
    page.goto(f"/contacts/{contact.pk}/")
    delete = page.locator("#interactions").get_by_role("button", name="supprimer")
    asked = []

    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    delete.click()
    page.wait_for_timeout(300)
    assert asked == ["Supprimer cet échange ?"]
    assert Interaction.objects.filter(contact=contact).exists()  # « Annuler »: nothing sent

    page.once("dialog", lambda dialog: dialog.accept())
    delete.click()
    expect(page.locator("#interactions")).not_to_contain_text("Appel à effacer")
    assert not Interaction.objects.filter(contact=contact).exists()


def test_htmx_swaps_and_hides_its_indicators_without_inline_styles(page, sign_in, personas):
    contact = Contact.objects.create(name="Atelier Morel", is_customer=True)
    sign_in(page, "direction")
    page.goto(f"/contacts/{contact.pk}/")
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("document.querySelectorAll('head style').length") == 0  # htmx injected none
    # Adding an exchange goes through hx-post and swaps the history in place.
    page.get_by_text("Ajouter un échange").click()
    page.get_by_label("Objet").fill("Rendez-vous de chantier")
    page.get_by_role("button", name="Enregistrer l'échange").click()
    expect(page.locator("#interactions")).to_contain_text("Rendez-vous de chantier")
    # An indicator is hidden by pilote.css's rule, as htmx's own style would have done.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<span id=probe class=htmx-indicator>…</span>')")
    expect(page.locator("#probe")).to_be_hidden()


def test_the_api_documentation_renders_under_the_policy(page, sign_in):
    sign_in(page, "direction")
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info")).to_contain_text("API Pilote")
