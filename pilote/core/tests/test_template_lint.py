"""No arithmetic in templates: Django's `add` filter turns Decimals into ints (154,99 € + 80,00 € printed
234,00 €), and sums made in a template escape the tests of the queries. Totals are computed in Python
(queries, services, model properties) and templates only format them."""

import re
from pathlib import Path

from django.template import engines

# `add` (on anything: money or not, so the rule needs no guessing), widthratio, and the arithmetic filters of
# the usual add-on libraries (django-mathfilters: sub, mul, div, intdiv, mod, abs).
ARITHMETIC = re.compile(
    r"\|\s*(add|sub|mul|div|intdiv|mod|absolute|abs|addition|subtract|multiply|divide)\s*(:|\}|\||\s)"
    r"|\{%\s*(widthratio|load\s+mathfilters)\b"
)


def templates() -> list[Path]:
    found = []
    for directory in engines["django"].template_dirs:
        found.extend(p for p in Path(directory).rglob("*") if p.suffix in {".html", ".txt", ".xml"})
    return found


def arithmetic_in(text: str) -> list[str]:
    return [m.group(0) for m in ARITHMETIC.finditer(text)]


def test_the_scan_sees_the_project_templates():
    names = {p.as_posix() for p in templates()}
    assert any(n.endswith("receivables/history.html") for n in names)
    assert any(n.endswith("templates/base.html") for n in names)


def test_the_rule_catches_each_form():
    assert arithmetic_in("{{ a.total_penalties|add:a.total_indemnities|eur }}")
    assert arithmetic_in("{{ page|add:-1 }}") and arithmetic_in("{{ a | add : b }}")
    assert arithmetic_in("{% widthratio a b 100 %}") and arithmetic_in("{{ a|mul:2 }}")
    assert arithmetic_in("{% load mathfilters %}")
    assert not arithmetic_in("{{ letter.total_charges|eur }} {{ address|default:'' }} {{ n|pluralize }}")


def test_no_template_does_arithmetic():
    offenders = [f"{path}: {', '.join(found)}" for path in templates() if (found := arithmetic_in(path.read_text()))]
    assert not offenders, "Arithmetic in templates (compute it in Python):\n" + "\n".join(offenders)


# --- No inline code or style: the Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) refuses them ---

PROJECT = Path(__file__).resolve().parents[2]  # pilote/
# <script> with code in it (a <script src> is empty; JSON data blocks are not run), on…= event attributes,
# javascript: URLs, style="" attributes and <style> elements (allowed only in templates WeasyPrint renders
# to PDF, which no browser loads).
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=[\"']application/(?:ld\+)?json)[^>]*>\s*[^<\s]", re.I)
EVENT_ATTRIBUTE = re.compile(r"<[a-z][^>]*?\son[a-z]+\s*=", re.I | re.S)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*?\sstyle\s*=", re.I | re.S)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)


def inline_code_in(text: str, *, pdf: bool = False) -> list[str]:
    rules = [INLINE_SCRIPT, EVENT_ATTRIBUTE, JAVASCRIPT_URL, STYLE_ATTRIBUTE] + ([] if pdf else [STYLE_ELEMENT])
    return [m.group(0)[:80] for rule in rules for m in rule.finditer(text)]


def _project_templates() -> list[Path]:
    return [p for p in templates() if PROJECT in p.parents]


def test_the_inline_code_rule_catches_each_form():
    assert inline_code_in('<script>document.querySelector("x")</script>')
    assert inline_code_in('<button class="btn" onclick="return confirm(\'Supprimer ?\')">')
    assert inline_code_in('<form\n  method="post" onsubmit="go()">') and inline_code_in('<a href="javascript:void(0)">')
    assert inline_code_in('<body style="margin: 0">') and inline_code_in("<style>.a{}</style>")
    assert not inline_code_in("<style>.a{}</style>", pdf=True)
    assert not inline_code_in("<script src=\"{% static 'pilote/pilote.js' %}\" defer></script>")
    assert not inline_code_in('<script type="application/json" id="x">{"a": 1}</script>')
    assert not inline_code_in('<button data-confirm="Supprimer ?">supprimer</button> <p>mention online=1</p>')


def test_no_template_has_inline_code_or_style():
    assert any(p.name == "lettering.html" for p in _project_templates())
    offenders = [
        f"{path.relative_to(PROJECT)}: {' | '.join(found)}"
        for path in _project_templates()
        if (found := inline_code_in(path.read_text(), pdf="pdf" in path.name))
    ]
    assert not offenders, "Inline code or style (refused by the CSP; move it to static/):\n" + "\n".join(offenders)
