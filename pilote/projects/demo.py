"""The projects' share of the demo: a customer project running late on its critical path, and the internal
project of moving the workshop, each with dependencies (finish-to-start, start-to-start, a lag)."""

from __future__ import annotations

import datetime as dt
import random

from pilote.contacts.models import Contact
from pilote.core.demo import DEMO_TODAY
from pilote.projects import services
from pilote.projects.models import ProjectKind, ProjectStatus

# (name, owner, working days, done %), then links (predecessor, successor, kind, lag) by task index
CUSTOMER_TASKS = [
    ("Audit du parc existant", "commercial", 3, 100),
    ("Proposition technique validée", "commercial", 0, 100),
    ("Commande des copieurs", "assistant", 2, 100),
    ("Livraison fournisseur", "assistant", 8, 60),
    ("Préparation du réseau client", "commercial", 4, 50),
    ("Installation sur site", "salarie", 3, 0),
    ("Formation des utilisateurs", "commercial", 2, 0),
    ("Recette et procès-verbal", "direction", 1, 0),
    ("Mise en service", "direction", 0, 0),
]
CUSTOMER_LINKS = [(0, 1, "FS", 0), (1, 2, "FS", 0), (2, 3, "FS", 0), (1, 4, "FS", 2), (3, 5, "FS", 0),
                  (4, 5, "FS", 0), (5, 6, "SS", 2), (5, 7, "FS", 0), (6, 7, "FS", 0), (7, 8, "FS", 0)]  # fmt: skip
MOVE_TASKS = [
    ("Choix du nouveau local", "direction", 5, 0),
    ("Bail signé", "direction", 0, 0),
    ("Travaux d'aménagement", "assistant", 15, 0),
    ("Mise à jour du DUERP", "rh", 3, 0),
    ("Déménagement de l'atelier", "assistant", 2, 0),
    ("Information des clients", "commercial", 2, 0),
]
MOVE_LINKS = [(0, 1, "FS", 0), (1, 2, "FS", 0), (2, 3, "SS", 5), (2, 4, "FS", 0), (3, 4, "FS", 0), (4, 5, "FS", -1)]


def _build(users, name, kind, status, start, customer, tasks, links):
    actor = users["direction"]
    project = services.create_project(
        actor=actor, name=name, kind=kind, status=status, customer=customer, manager=users["commercial"],
        start_date=start, description="",
    )  # fmt: skip
    made = [
        services.add_task(actor=actor, project=project, name=n, owner=users[o], duration_days=d, done_percent=p)
        for n, o, d, p in tasks
    ]
    for a, b, kind_, lag in links:
        services.link_tasks(actor=actor, predecessor=made[a], successor=made[b], kind=kind_, lag_days=lag)
    return project


# Time spent on the customer project's done tasks (task index, user, days ago, hours): the first half invoiced.
CUSTOMER_TIME = [(0, "commercial", 23, "7"), (0, "commercial", 22, "7"), (0, "salarie", 22, "3.5"),
                 (0, "commercial", 21, "4"), (2, "assistant", 20, "2.5"), (3, "assistant", 12, "1"),
                 (4, "commercial", 10, "6"), (4, "salarie", 9, "5.5")]  # fmt: skip


def _time(users, project, today) -> None:
    from decimal import Decimal

    from pilote.catalog.models import Product

    actor = users["direction"]
    product = Product.objects.filter(reference="MNT-HEURE").first()
    if product is None or project.customer_id is None:
        return
    services.update_project(actor=actor, project=project, billing_product=product)
    tasks = list(project.tasks.order_by("position", "id"))
    for index, who, days, hours in CUSTOMER_TIME:
        services.add_time_entry(actor=users[who], task=tasks[index], person=users[who],
                                date=today - dt.timedelta(days=days), hours=Decimal(hours))  # fmt: skip
    # The audit's time invoiced in draft at the end of its week; the rest still to invoice.
    services.invoice_time(actor=actor, project=project, until=today - dt.timedelta(days=20),
                          date=today)  # fmt: skip


def load(rng: random.Random, users) -> None:
    today = DEMO_TODAY
    customer = Contact.objects.filter(is_customer=True, kind="organisation").order_by("name").first()
    project = _build(
        users, "Renouvellement du parc de copieurs", ProjectKind.CUSTOMER, ProjectStatus.ACTIVE,
        today - dt.timedelta(days=24), customer, CUSTOMER_TASKS, CUSTOMER_LINKS,
    )  # fmt: skip
    _time(users, project, today)
    _build(
        users, "Déménagement de l'atelier", ProjectKind.INTERNAL, ProjectStatus.PLANNED,
        today + dt.timedelta(days=14), None, MOVE_TASKS, MOVE_LINKS,
    )  # fmt: skip
