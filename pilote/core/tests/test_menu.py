"""Every page a role may open is reachable from that role's menu.

A « top-level » page is one whose address takes no argument and that answers a whole HTML page to GET
(settings, users, audit log, FEC import, every list and report…). For each role, each such page must be
a menu entry, or be reached by following links (or forms' actions) from the role's menu pages and the
shell around them (the profile in the top bar, the search box). Pages with an argument (a contact, an invoice)
are reached from their lists; actions answer POST only and are not pages.
"""

from __future__ import annotations

import re

import pytest
from django.urls import Resolver404, resolve, reverse

from pilote.core.permissions import role_can
from pilote.core.registry import menu_for
from pilote.core.roles import Role
from pilote.core.tests.test_permissions import ALL_PATTERNS

TOP_LEVEL = [(name, p) for name, p in ALL_PATTERNS if not p.pattern.converters and p.callback.required_perm]
_LINK = re.compile(r"""(?:href|action|hx-get)=["']([^"'?#]+)""")


def _targets(html: str) -> set[str]:
    names = set()
    for path in _LINK.findall(html):
        if not path.startswith("/"):
            continue
        try:
            names.add(resolve(path).view_name)
        except Resolver404:
            continue
    return names


def _is_page(response) -> bool:
    return (
        response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
        and b"<html" in response.content[:200]
    )


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_top_level_page_is_reachable_from_the_menu(role, client, personas):
    user = personas[role]
    client.force_login(user)
    menu = {item.url_name for section in menu_for(user) for item in section.items} | {"core:home"}
    reachable = set(menu)
    pages = {}
    for name, pattern in TOP_LEVEL:
        if not role_can(role, pattern.callback.required_perm):
            continue
        response = client.get(reverse(name))
        if _is_page(response):
            pages[name] = response.content.decode()
    frontier = list(menu)
    while frontier:  # followed from page to page, as a person clicks through sub-menus and « Nouveau » buttons
        found = _targets(pages.get(frontier.pop(), "")) - reachable
        reachable |= found
        frontier.extend(found)
    unreachable = sorted(set(pages) - reachable)
    assert unreachable == [], f"{role}: pages absent from the menu and from the menu's pages: {unreachable}"


def test_direction_menu_has_settings_users_and_audit_log(personas):
    entries = {item.url_name for section in menu_for(personas["direction"]) for item in section.items}
    assert {"core:settings", "core:user-list", "core:audit-log"} <= entries
    auditor = {item.url_name for section in menu_for(personas["auditeur"]) for item in section.items}
    assert {"core:settings", "core:audit-log"} <= auditor and "core:user-list" not in auditor
