"""The home page's to-do list by domain: the urgent items first in a group of their own, then one group per domain
(its app's name) in the order of its most pressing item, late items marked; on a phone only the first group stays
open (the others carry data-narrow-closed, which pilote.js folds under 800 px)."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from pilote.core.queries import todo_groups
from pilote.core.registry import TodoItem, todos_for
from pilote.lib.dates import local_today

TODAY = dt.date(2026, 12, 6)


def test_urgent_items_come_first_then_one_group_per_domain_in_the_order_of_its_most_pressing_item():
    items = [
        TodoItem("Alerte : trésorerie", "/a", TODAY, "Alerte", urgent=True, domain="Tableaux de bord"),
        TodoItem("Rappel : réunion", "/r", TODAY, "Agenda", urgent=True, domain="Organisation du bureau"),
        TodoItem("Revoir le risque R-001", "/1", TODAY - dt.timedelta(days=3), "Risque", domain="Risques et qualité"),
        TodoItem("Tenir l'entretien", "/2", TODAY - dt.timedelta(days=1), "Personnel", domain="Personnel"),
        TodoItem("Action « Test » (NC-0001)", "/3", TODAY, "Action corrective", domain="Risques et qualité"),
        TodoItem("Notes de frais à comptabiliser : 2", "/4", None, "Personnel", domain="Personnel"),
        TodoItem("Sans domaine", "/5", TODAY + dt.timedelta(days=2)),
    ]
    groups = todo_groups(items, TODAY)
    assert [(g.label, [item.url for item, _ in g.rows]) for g in groups] == [
        ("Urgent", ["/a", "/r"]),
        ("Risques et qualité", ["/1", "/3"]),
        ("Personnel", ["/2", "/4"]),
        ("Autres", ["/5"]),
    ]
    assert groups[0].urgent and not any(g.urgent for g in groups[1:])
    # Late: due before today (or urgent); due today, later or without a date: not late.
    assert [[late for _, late in g.rows] for g in groups] == [[True, True], [True, False], [True, False], [False]]
    assert [g.late for g in groups] == [2, 1, 1, 0]


@pytest.mark.django_db
def test_each_item_carries_its_providers_domain_and_the_home_page_groups_them(client_as, personas):
    from pilote.office.models import Task

    direction = personas["direction"]
    Task.objects.create(title="Rappeler le notaire", owner=direction, created_by=direction,
                        due_on=local_today() - dt.timedelta(days=2))  # fmt: skip
    (task,) = [item for item in todos_for(direction, limit=100) if "Rappeler le notaire" in item.label]
    assert task.domain == "Organisation du bureau"  # the office app's verbose name
    page = client_as("direction").get(reverse("core:home")).content.decode()
    opening = re.findall(r'<details class="todo-group[^>]*>', page)
    assert opening and "data-narrow-closed" not in opening[0]  # the first group stays open on a phone
    assert all("data-narrow-closed" in tag for tag in opening[1:])
    group = page.split('<span class="todo-domain">Organisation du bureau&nbsp;')[1].split("</details>")[0]
    assert "En retard — Rappeler le notaire" in group and 'class="todo-late"' in group
    assert "dont 1 en retard" in group
