"""The words of the structure's type. Pilote is written in a company's words (« Clients », « Devis »);
an association or a social establishment reads its own (« Adhérents et usagers », « Propositions »,
« Usagers »…) in the menu, the home page and the pages' titles.

The company wording is the key, as with a message catalogue: `say("Encours clients", "social")` gives
« Encours usagers », and any text without an entry is shown as written. The menu (core.registry) and
the `{% say %}` template tag go through `say`; a test checks every key is still a wording Pilote uses.
"""

from __future__ import annotations

from pilote.core.models import StructureType

COMPANY = StructureType.COMPANY.value
ASSOCIATION = StructureType.ASSOCIATION.value
SOCIAL = StructureType.SOCIAL.value

WORDING: dict[str, dict[str, str]] = {
    ASSOCIATION: {
        "Clients et ventes": "Adhérents, usagers et activités",
        "Catalogue": "Activités et tarifs",
        "Devis": "Propositions",
        "Nouveau devis": "Nouvelle proposition",
        "Appels d'offres": "Appels à projets",
        "Règlements clients": "Règlements reçus",
        "Encours clients": "Sommes à recevoir",
        "Analyse clients": "Analyse des adhérents et usagers",
        "Clients et fournisseurs": "Tiers",
    },
    SOCIAL: {
        "Clients et ventes": "Usagers et prestations",
        "Catalogue": "Prestations et tarifs",
        "Appels d'offres": "Appels à projets",
        "Règlements clients": "Règlements reçus",
        "Encours clients": "Encours usagers",
        "Analyse clients": "Analyse des usagers",
        "Clients et fournisseurs": "Tiers",
    },
}


def say(text: str, structure_type: str | None) -> str:
    """`text` (company wording) in the words of `structure_type`."""
    return WORDING.get(structure_type or COMPANY, {}).get(text, text)


def structure_type_of(structure) -> str:
    return getattr(structure, "type", None) or COMPANY
