"""Every list page keeps its sort when filtered: a page whose table has sortable headers (`?tri=`) and a
filter form sends the current sort with the filters (core/_keep_sort.html), so filtering a list sorted by
amount does not bring it back to its default order."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from pilote.core.permissions import role_can
from pilote.core.tests.test_menu import TOP_LEVEL

# Whose `q` is no words filter over a big table: the start of a code an index serves from one digit (« 4 », « 60 »:
# accounts, auxiliary accounts, a fixed asset's account), the reorder suggestions filtered in memory, the global
# search (its own page, not a list).
PREFIX_SEARCHES = {
    "ledger:third-parties",
    "ledger:account-list",
    "ledger:asset-list",
    "operations:reorder",
    "core:search",
}
_FILTER_FORM = re.compile(r'<form method="get" class="filters".*?</form>', re.S)


@pytest.mark.parametrize("role", ["direction", "comptable"])
def test_filter_forms_keep_the_sort(role, client, personas):
    client.force_login(personas[role])
    checked = []
    for name, pattern in TOP_LEVEL:
        if not role_can(role, pattern.callback.required_perm):
            continue
        response = client.get(reverse(name), {"tri": "zz"})
        page = response.content.decode() if response.status_code == 200 else ""
        if 'class="sort' not in page or not _FILTER_FORM.search(page):
            continue
        checked.append(name)
        form = _FILTER_FORM.search(page).group(0)
        assert '<input type="hidden" name="tri" value="zz">' in form, f"{name}: filtering forgets the sort"
    assert len(checked) >= 8, checked  # the lists of the role were found


@pytest.mark.parametrize("role", ["direction", "comptable"])
def test_every_words_filter_takes_three_characters(role, client, personas):
    """The one rule of every list's words (core.listing.WordsField): one or two characters are in nearly every row
    and no index serves them; the page says so under the field instead of reading the whole table."""
    client.force_login(personas[role])
    checked, searched = [], []
    for name, pattern in TOP_LEVEL:
        if not role_can(role, pattern.callback.required_perm) or name in PREFIX_SEARCHES:
            continue
        page = client.get(reverse(name))
        form = _FILTER_FORM.search(page.content.decode()) if page.status_code == 200 else None
        if not form or 'name="q"' not in form.group(0):
            continue
        checked.append(name)
        refused = client.get(reverse(name), {"q": "ab"})
        if refused.status_code != 200 or "saisissez au moins 3 caractères" not in refused.content.decode():
            searched.append(name)
    assert not searched, f"two characters searched: {searched}"
    assert len(checked) >= 8, checked
