"""Template filters available in every template (declared as builtins in settings)."""

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from pilote.core import vocabulary
from pilote.lib import formats, french, identifiers

register = template.Library()


@register.simple_tag(takes_context=True)
def say(context, text: str) -> str:
    """`text` (a company's words) in the words of the structure's type: {% say "Devis" %}."""
    return vocabulary.say(text, vocabulary.structure_type_of(context.get("structure")))


_menu_urls: dict[tuple[str, str], str] = {}


def _menu_url(url_name: str) -> str:
    key = (get_script_prefix(), url_name)
    if key not in _menu_urls:
        _menu_urls[key] = reverse(url_name)
    return _menu_urls[key]


@register.simple_tag(takes_context=True)
def sidebar(context) -> str:
    """The main menu's sections and links (the context's `menu`), the current page's marked active. Written
    here rather than by template loops: a hundred links on every page cost more through the template engine
    than most pages' own content."""
    match = getattr(context.get("request"), "resolver_match", None)
    current = match.view_name if match else ""
    html = []
    for section in context.get("menu") or ():
        html.append(f"<h2>{escape(section.label)}</h2>")
        for item in section.items:
            active = "active" if item.url_name == current else ""
            html.append(f'<a href="{escape(_menu_url(item.url_name))}" class="{active}">{escape(item.label)}</a>')
    return mark_safe("\n".join(html))  # noqa: S308 - every part escaped above


@register.simple_tag
def menu_tiles(tiles) -> str:
    """The home page's tiles, one per menu entry (core.queries.home_tiles): written here like the sidebar, a
    hundred links through the template engine cost more than the rest of the page's markup."""
    html = [
        f'<a class="tile" href="{escape(_menu_url(tile.url_name))}"><span class="muted">{escape(tile.section)}</span>'
        f"<strong>{escape(tile.label)}</strong></a>"
        for tile in tiles
    ]
    return mark_safe("\n".join(html))  # noqa: S308 - every part escaped above


@register.filter
def eur(value):
    return formats.format_eur(value)


@register.filter
def frnum(value, places=2):
    return formats.format_number(value, int(places))


@register.filter
def plural(count, forms):
    """« 0 document », « 1 document », « 228 documents », « 1 234 écritures validées »: the number grouped as
    printed and the words agreed the French way (0 and 1 singular). `forms` is « singulier » (plural + s) or
    « singulier|pluriel »: {{ n|plural:"écriture validée|écritures validées" }}."""
    singular, _, plural_form = str(forms).partition("|")
    words = french.plural(int(count), singular, plural_form or None).split(" ", 1)[1]
    return f"{formats.format_number(count, 0)} {words}"


@register.filter
def frdate(value):
    return formats.format_date(value)


@register.filter
def siren(value):
    return identifiers.format_siren(value)


@register.filter
def siret(value):
    return identifiers.format_siret(value)


@register.filter
def iban(value):
    return identifiers.format_iban(value)


@register.filter
def can(user, perm):
    return bool(user and user.is_authenticated and user.can(perm))


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (sorting and paging links keep filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    for position in ("page", "apres", "avant"):  # a page number or keyset position belongs to its own link
        if position not in changes:
            params.pop(position, None)
    return "?" + urlencode(sorted(params.lists()), doseq=True) if params else "?"


@register.inclusion_tag("core/_sort_header.html", takes_context=True)
def sort_header(context, label, key):
    current = context["request"].GET.get("tri", "")
    active = current.lstrip("-") == key
    descending = active and current.startswith("-")
    next_value = key if descending or not active else f"-{key}"
    return {"label": label, "url": query_with(context, tri=next_value), "active": active, "descending": descending}


@register.filter
def qty(value):
    """A quantity with only the decimals it has: 1,000 → 1 ; 2,500 → 2,5."""
    return formats.format_quantity(value)


@register.filter
def pct(value):
    """A rate: 20 %, 5,5 % (never « 20,00 % » nor « 5.5 % »)."""
    return formats.format_percent(value)


@register.filter
def de(name):
    """« Règlement {{ customer|de }} » → « Règlement d'Agence Lumière », « Règlement de Boulangerie Martin »."""
    return french.de(str(name))
