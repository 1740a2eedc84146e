"""Search-as-you-type pickers: one mechanism for choosing a contact, an article or an account.

A plain <select> lists every row (hundreds of contacts in the demo, thousands in real life). Instead, each
kind of choice is a `Picker` registered by the app that owns the rows (from its AppConfig.ready()):

- `core:picker-<kind>` at /choix/<kind>/?q=… answers the first matches as HTML options (the list the widget
  shows) or as JSON (`&format=json`), behind the kind's own permission (core.access.require_perm);
- `SearchSelect(kind)` is the form widget for a choice by id: a hidden input carrying the chosen id, a text box (ARIA
  combobox, keyboard: ↑ ↓ Entrée Échap) whose typing asks that URL through htmx (pilote.js), a
  « change » event on the hidden input when a row is chosen. The field stays a ModelChoiceField, so
  validation is unchanged.
- `datalist_attrs(kind, list_id)` serves a box where a code is typed (the ledger's account and auxiliary
  columns, keyboard entry): its <datalist> is refilled from `?format=datalist` as one types, instead of
  carrying every account of the chart and every customer and supplier in the page.

Every word typed must match one of the picker's fields (case-insensitive); digits also match the
`prefix` fields from their start (SIREN, account number). Results come in French order
(core.collation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.db.models import Q, QuerySet
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse, reverse_lazy

from pilote.core.access import require_perm

LIMIT = 20


@dataclass(frozen=True)
class Picker:
    kind: str  # the URL segment, e.g. "clients"
    perm: str  # who may search these rows
    queryset: Callable[[], QuerySet]  # what may be chosen (active rows, the right roles…)
    search: tuple[str, ...]  # text fields: every typed word must be in one of them
    order: Callable[[], tuple]  # order_by expressions (names in French order: core.collation.french)
    label: Callable[[object], str] = str
    detail: Callable[[object], str] = field(default=lambda obj: "")
    prefix: tuple[str, ...] = ()  # fields matched from their start by a word of digits (SIREN, account no.)
    placeholder: str = "Tapez pour chercher…"
    code: Callable[[object], str] | None = None  # what a typed-code box keeps (an account number): see datalist

    def matches(self, text: str, limit: int = LIMIT) -> tuple[list, bool]:
        """The first `limit` rows for `text`, and whether there are more."""
        rows = self.queryset()
        for word in text.split()[:6]:
            condition = Q()
            for name in self.search:
                condition |= Q(**{f"{name}__icontains": word})
            if word.isdigit():
                for name in self.prefix:
                    condition |= Q(**{f"{name}__startswith": word})
            rows = rows.filter(condition)
        found = list(rows.order_by(*self.order(), "pk")[: limit + 1])
        return found[:limit], len(found) > limit

    def label_for(self, value) -> str:
        """The label of the chosen row, even one the search would no longer offer (archived since)."""
        if value in (None, ""):
            return ""
        model = self.queryset().model
        try:
            row = model._default_manager.filter(pk=value).first()
        except (TypeError, ValueError):
            return ""
        return self.label(row) if row is not None else ""


_pickers: dict[str, Picker] = {}


def register_picker(picker: Picker) -> None:
    _pickers[picker.kind] = picker


def get_picker(kind: str) -> Picker:
    return _pickers[kind]


def _search_view(picker: Picker):
    @require_perm(picker.perm)
    def search(request):
        text = request.GET.get("q", "").strip()[:100]
        rows, more = picker.matches(text)
        items = [{"id": row.pk, "label": picker.label(row), "detail": picker.detail(row)} for row in rows]
        if request.GET.get("format") == "json":
            return JsonResponse({"results": items, "plus": more})
        if request.GET.get("format") == "datalist" and picker.code is not None:
            for item, row in zip(items, rows, strict=True):
                item["id"] = picker.code(row)
            return render(request, "core/_picker_datalist.html", {"items": items})
        return render(request, "core/_picker_results.html", {"items": items, "more": more, "q": text, "limit": LIMIT})

    search.__name__ = f"picker_{picker.kind.replace('-', '_')}"
    return search


def urlpatterns() -> list:
    """core/urls.py mounts one URL per registered kind (read when the URLconf loads, after every ready())."""
    return [
        path(f"choix/{kind}/", _search_view(picker), name=f"picker-{kind}") for kind, picker in sorted(_pickers.items())
    ]


def datalist_attrs(kind: str, list_id: str) -> dict:
    """Attributes of a text box whose <datalist id=list_id> follows what is typed (pilote.js)."""
    return {"list": list_id, "autocomplete": "off", "data-datalist-url": reverse_lazy(f"core:picker-{kind}")}


class SearchSelect(forms.Widget):
    """The picker widget for a ModelChoiceField: `forms.ModelChoiceField(…, widget=SearchSelect("clients"))`."""

    template_name = "core/widgets/search_select.html"

    def __init__(self, kind: str, attrs=None):
        super().__init__(attrs)
        self.kind = kind

    def format_value(self, value):
        return "" if value in (None, "") else str(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        picker = get_picker(self.kind)
        try:
            url = reverse(f"core:picker-{self.kind}")
        except NoReverseMatch:  # registered after the URLconf was read: a programming error worth seeing
            raise LookupError(f"Picker {self.kind!r} has no URL: register it from an AppConfig.ready()") from None
        context["widget"].update(
            url=url,
            label=picker.label_for(context["widget"]["value"]),
            placeholder=self.attrs.get("placeholder") or picker.placeholder,
        )
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)
