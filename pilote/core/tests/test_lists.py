"""Every list page keeps its sort when filtered: a page whose table has sortable headers (`?tri=`) and a
filter form sends the current sort with the filters (core/_keep_sort.html), so filtering a list sorted by
amount does not bring it back to its default order."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from pilote.core.permissions import role_can
from pilote.core.tests.test_menu import TOP_LEVEL

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
