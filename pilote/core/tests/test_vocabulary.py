"""The structure's type drives the words and the modules shown: an association reads « Adhérents et
usagers », « Propositions », « Appels à projets », and has no sales pipeline in its menu."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from pilote.core import registry, vocabulary
from pilote.core.models import Structure


def labels(sections) -> list[str]:
    return [item.label for section in sections for item in section.items]


def test_company_menu_keeps_the_company_words(personas):
    sections = registry.menu_for(personas["direction"], "company")
    assert "Clients et ventes" in [s.label for s in sections]
    assert {"Devis", "Opportunités", "Encours clients"} <= set(labels(sections))


@pytest.mark.parametrize(
    ("kind", "section", "present", "absent"),
    [
        (
            "association",
            "Adhérents, usagers et activités",
            {"Propositions", "Appels à projets", "Sommes à recevoir", "Activités et tarifs", "Tiers"},
            {"Devis", "Opportunités", "Encours clients", "Clients et fournisseurs", "Catalogue"},
        ),
        (
            "social",
            "Usagers et prestations",
            {"Devis", "Appels à projets", "Encours usagers", "Prestations et tarifs", "Tiers"},
            {"Opportunités", "Encours clients", "Clients et fournisseurs"},
        ),
    ],
)
def test_association_and_social_menus_speak_their_words(personas, client_as, kind, section, present, absent):
    sections = registry.menu_for(personas["direction"], kind)
    assert section in [s.label for s in sections] and "Clients et ventes" not in [s.label for s in sections]
    assert present <= set(labels(sections)) and not absent & set(labels(sections))
    # The shell and the home page say the same.
    Structure.objects.filter(pk=1).update(type=kind)
    page = client_as("direction").get(reverse("core:home")).content.decode()
    assert section in page and all(word in page for word in present)
    assert ">Opportunités<" not in page and "Clients et ventes" not in page


def test_pages_titles_follow_the_menu(personas, client_as):
    Structure.objects.filter(pk=1).update(type="association")
    client = client_as("direction")
    assert "<h1>Propositions" in client.get(reverse("sales:quote-list")).content.decode()
    assert "<h1>Appels à projets" in client.get(reverse("pipeline:tender-list")).content.decode()


def test_every_wording_is_still_one_pilote_uses():
    """A key the menu or the templates no longer use would silently stop translating."""
    used = {section.label for section in registry._sections.values()}
    used |= {item.label for section in registry._sections.values() for item in section.items}
    templates = "".join(path.read_text() for path in Path(settings.BASE_DIR, "pilote").rglob("*.html"))
    for kind, wording in vocabulary.WORDING.items():
        for key in wording:
            assert key in used or f'{{% say "{key}" %}}' in templates, f"{kind}: « {key} » is used nowhere"
