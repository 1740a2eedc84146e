"""Dunning texts: user-written templates with {placeholders}, filled without any template engine.

Why not `str.format_map` or a Django Template: `format` follows attributes and indexes
(`{client.__class__.__init__.__globals__}`) and honours format specs (`{client:>99999999}` builds a
huge string), and a Django template gives tags, filters and includes to whoever edits the text. Here a
regular expression replaces `{name}` for the seven known names only, with plain strings computed
beforehand; nothing else is interpreted. Unknown names are refused when the level is saved. HTML
escaping happens where the text is shown (Django autoescape in the PDF and pages); e-mails are plain text.
"""

from __future__ import annotations

import re

PLACEHOLDERS = {
    "client": "nom du client",
    "factures": "liste des factures en retard (numéro, date, échéance, reste dû)",
    "total_du": "total restant dû",
    "penalites": "total des pénalités de retard",
    "indemnite": "total des indemnités forfaitaires de recouvrement",
    "date": "date de la relance",
    "structure": "nom de votre structure",
}

_PATTERN = re.compile(r"\{([^{}\s]*)\}")


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in _PATTERN.findall(text) if name not in PLACEHOLDERS})


def check_template(text: str, label: str) -> list[str]:
    unknown = unknown_placeholders(text)
    if not unknown:
        return []
    names = ", ".join("{" + name + "}" for name in unknown)
    allowed = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    return [f"{label} : champ(s) inconnu(s) {names}. Champs possibles : {allowed}."]


def render(text: str, values: dict[str, str]) -> str:
    """Replace each known {name} by values[name]; anything else is left as typed."""

    def substitute(match: re.Match) -> str:
        name = match.group(1)
        return str(values[name]) if name in PLACEHOLDERS and name in values else match.group(0)

    return _PATTERN.sub(substitute, text)
