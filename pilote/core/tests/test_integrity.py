"""The safety net under the services (issue 8 point 2): every named constraint carries its French sentence,
an IntegrityError becomes that sentence (pages and API), and nothing is written."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from pilote.core import integrity
from pilote.core.models import Structure

FRENCH_HINT = re.compile(r"[éèêàùçôî]|\b(le|la|les|un|une|ce|cette|de|du|des|est|ne|pas)\b", re.IGNORECASE)


def all_constraints():
    """Pilote's own constraints (a third-party table such as the task queue's is never written from a form:
    a violation there is a programming error, shown by the safety net's general sentence)."""
    return [
        (model._meta.label, constraint)
        for model in apps.get_models(include_auto_created=True)
        if model.__module__.startswith("pilote.")
        for constraint in model._meta.constraints
    ]


def test_every_named_constraint_has_its_french_sentence():
    """A new constraint without `violation_error_message` fails here: full_clean() and the safety net would
    otherwise show « La contrainte « nom » n'est pas respectée »."""
    assert len(all_constraints()) > 60
    missing, technical = [], []
    for label, constraint in all_constraints():
        if not integrity.has_own_message(constraint):
            missing.append(f"{label}.{constraint.name}")
            continue
        sentence = str(constraint.get_violation_error_message())
        if constraint.name in sentence or "%" in sentence.replace(" %", "") or not FRENCH_HINT.search(sentence):
            technical.append(f"{label}.{constraint.name}: {sentence}")
        if not sentence.endswith("."):
            technical.append(f"{label}.{constraint.name} (a sentence ends with a full stop): {sentence}")
    assert not missing, f"Constraints without a French violation_error_message: {missing}"
    assert not technical, technical
    assert set(integrity.constraint_messages()) == {constraint.name for _, constraint in all_constraints()}


def _refused(write) -> IntegrityError:
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        write()
    return caught.value


def test_check_and_unique_violations_read_as_their_rule(structure, personas):
    from pilote.contacts.models import Contact, Tag
    from pilote.pipeline import services as pipeline
    from pilote.pipeline.models import Opportunity
    from pilote.sales.models import NumberSequence

    contact = Contact.objects.create(name="Imprimerie du Rhône")
    opportunity = pipeline.create_opportunity(
        actor=personas["commercial"], contact=contact, title="Copieurs", amount=Decimal("100")
    )
    error = _refused(lambda: Opportunity.objects.filter(pk=opportunity.pk).update(weighted_amount=Decimal("500")))
    assert integrity.message_for(error) == "Le montant pondéré est compris entre 0 et le montant estimé."
    error = _refused(lambda: Opportunity.objects.filter(pk=opportunity.pk).update(probability=120))
    assert integrity.message_for(error) == "La probabilité est comprise entre 0 et 100 %."
    NumberSequence.objects.create(series="D", year=2026)
    error = _refused(lambda: NumberSequence.objects.create(series="D", year=2026))
    assert integrity.message_for(error).startswith("La numérotation de cette série existe déjà")
    Tag.objects.create(name="VIP")
    error = _refused(lambda: Tag.objects.create(name="VIP"))
    assert integrity.message_for(error) == "« Nom » : cette valeur est déjà utilisée (étiquette)."


def test_an_unknown_refusal_gets_the_generic_french_sentence():
    assert integrity.message_for(IntegrityError("FOREIGN KEY constraint failed")) == integrity.GENERIC


@pytest.mark.urls("pilote.core.tests.urls_integrity")
def test_a_page_whose_write_is_refused_answers_in_french_and_writes_nothing(client_as):
    client = client_as("commercial")
    end = Structure.objects.get().fiscal_year_end
    # A form's POST goes back to its page with the message.
    response = client.post("/test-refus/", HTTP_REFERER="http://testserver/contacts/", follow=True)
    assert response.redirect_chain == [("http://testserver/contacts/", 302)]
    assert "La fin de l&#x27;exercice doit suivre son début." in response.content.decode()
    # Without a page to go back to: a French page, status 409.
    response = client.get("/test-refus/")
    assert response.status_code == 409
    page = response.content.decode()
    assert "Opération refusée" in page and "La fin de l&#x27;exercice doit suivre son début." in page
    assert "constraint" not in page and "core_structure" not in page
    # htmx: the sentence alone.
    response = client.post("/test-refus/", HTTP_HX_REQUEST="true")
    assert response.status_code == 409 and response.content.decode() == "La fin de l'exercice doit suivre son début."
    assert Structure.objects.get().fiscal_year_end == end


def test_the_api_answers_409_with_the_french_sentence(structure):
    from pilote.api.base import api

    request = RequestFactory().post("/api/v1/x")
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Structure.objects.filter(pk=1).update(fiscal_year_end=dt.date(2000, 1, 1))
    response = api.on_exception(request, caught.value)
    assert response.status_code == 409
    assert json.loads(response.content) == {"detail": "La fin de l'exercice doit suivre son début."}
