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
