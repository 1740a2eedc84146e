"""Small French grammar helpers for text built in code: elision (« d'Agence »), agreement in gender and
number (« Avoir … émis », « Facture … émise »), plurals (« 2 lignes comptabilisées »)."""

from __future__ import annotations

import unicodedata

VOWELS = set("aeiouyœæ")
# Words starting with an aspirated h take no elision (« de Hauts-de-France », « de Hollande »); any other
# initial h is taken as mute (« d'Hélène », « d'Hôtel »).
ASPIRATED_H = ("haut", "hall", "halle", "hameau", "hangar", "hache", "haie", "hasard", "héros", "hibou", "hollande",
               "hongrie", "honte", "hors", "houx", "huit", "hurepoix", "hangzhou")  # fmt: skip


def _base_letter(char: str) -> str:
    return unicodedata.normalize("NFKD", char)[0].lower()


def elides(word: str) -> bool:
    """Whether « de », « le », « que »… lose their e before `word`."""
    word = word.strip()
    if not word:
        return False
    first = _base_letter(word[0])
    if first in VOWELS:
        return True
    if first == "h":
        return not word.lower().startswith(ASPIRATED_H)
    return False


def de(name: str) -> str:
    """« de Boulangerie Martin », « d'Agence Lumière », « d'Hélène Roux »."""
    name = name.strip()
    return f"d'{name}" if elides(name) else f"de {name}"


def agree(word: str, *, feminine: bool = False, plural: bool = False) -> str:
    """A regular adjective or past participle agreed: émis → émise, émis (plural), comptabilisé → comptabilisées."""
    if feminine:
        word += "e"
    if plural and not word.endswith(("s", "x")):
        word += "s"
    return word


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 ligne », « 0 ligne », « 2 lignes » (in French, 0 and 1 take the singular)."""
    return f"{count} {singular if abs(count) < 2 else (plural_form or singular + 's')}"
