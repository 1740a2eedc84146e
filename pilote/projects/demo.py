"""The projects' share of the demo: two customer projects (one running late on its critical path), each with its
budget and its analytic section on the « Projets » axis (the books' lines of the project tagged to it), and the
internal project of moving the workshop, each with dependencies (finish-to-start, start-to-start, a lag); in the
social establishment demo, its establishment project."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

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


# The second customer project: a network and print server set up at a customer's, on time.
NETWORK_TASKS = [
    ("Relevé des besoins et du câblage", "commercial", 2, 100),
    ("Devis accepté", "commercial", 0, 100),
    ("Commande du serveur d'impression", "assistant", 1, 100),
    ("Câblage des bureaux", "salarie", 3, 40),
    ("Installation du serveur d'impression", "salarie", 2, 0),
    ("Paramétrage des postes", "salarie", 2, 0),
    ("Procès-verbal de réception", "direction", 0, 0),
]
NETWORK_LINKS = [(0, 1, "FS", 0), (1, 2, "FS", 0), (1, 3, "FS", 1), (2, 4, "FS", 3), (3, 4, "FS", 0),
                 (4, 5, "SS", 1), (5, 6, "FS", 0)]  # fmt: skip
# Budgets per nature (budget.NATURES), in euros excl. VAT.
COPIER_BUDGET = {"purchases": "9000.00", "external": "1200.00", "staff": "2500.00", "income": "16000.00"}
NETWORK_BUDGET = {"purchases": "1400.00", "staff": "900.00", "income": "4000.00"}


def _analytics(users, projects) -> None:
    """A « Projets » analytic axis, a section per customer project, and the books' lines of each project tagged to
    it (the income of the customer's invoices issued for it, the purchase of the goods they sold), through the
    ledger's analytic services: the project page reads its actual from there."""
    from decimal import Decimal

    from django.db.models import Q

    from pilote.ledger import analytics
    from pilote.ledger.models import EntryLine

    actor = users["comptable"]
    axis = analytics.create_axis(actor=actor, code="PROJETS", label="Projets", position=3)
    bought: dict[int, dict] = {}
    for code, project, budget, invoices in projects:
        section = analytics.create_section(actor=actor, axis=axis, code=code, label=project.name[:100])
        services.update_project(actor=users["direction"], project=project, analytic_section=section)
        services.set_budget(actor=users["direction"], project=project,
                            amounts={k: Decimal(v) for k, v in budget.items()})  # fmt: skip
        entries = {invoice.entry_id for invoice in invoices if invoice.entry_id}
        lines = EntryLine.objects.filter(entry_id__in=entries, is_posted=True).filter(
            Q(account__code__startswith="6") | Q(account__code__startswith="7")
        )
        for line in lines.order_by("id"):
            analytics.distribute(actor=actor, line=line, axis=axis, shares=[(section, Decimal(100))])
        for line_id, amount in (_goods_bought(invoices) | _staff_time(project)).items():
            bought.setdefault(line_id, {})[section] = amount
    # Its expenses: the goods its invoices sold, bought back at the month end on the supplier's invoice of the
    # month (607, one invoice per supplier for every customer), and the staff's time spent on it (its share of the
    # month's payroll, 641 and 645): the project's part of each line goes to its section, the rest to « Hors
    # projets » (an axis splits a line whole).
    other = analytics.create_section(actor=actor, axis=axis, code="HORS-PROJETS", label="Hors projets")
    for line in EntryLine.objects.filter(pk__in=bought).order_by("id"):
        shares, left = [], Decimal(100)
        for section, amount in bought[line.pk].items():
            percent = min(left, (amount * 100 / line.debit).quantize(Decimal("0.01")))
            if percent > 0:
                shares.append((section, percent))
                left -= percent
        if left > 0:
            shares.append((other, left))
        analytics.distribute(actor=actor, line=line, axis=axis, shares=shares)


# The demo company's paid hours in a month: its 18 people (test_demo_books' sizes) × 151,67 h.
MONTH_HOURS = 18 * Decimal("151.67")


def _staff_time(project) -> dict:
    """{entry line id: staff cost} of the hours logged on the project: each month's payroll lines (641 gross pay,
    645 employer's contributions, piece « PAIEyyyymm ») in proportion of those hours to the month's paid hours."""
    from django.db.models import Sum

    from pilote.ledger.models import EntryLine
    from pilote.projects.models import TimeEntry

    result = {}
    hours = TimeEntry.objects.filter(task__project=project).values("date__year", "date__month").annotate(h=Sum("hours"))
    for row in hours:
        ref = f"PAIE{row['date__year']}{row['date__month']:02d}"
        lines = EntryLine.objects.filter(is_posted=True, entry__piece_ref=ref, account__code__in=["641", "645"])
        for line in lines.filter(debit__gt=0):
            result[line.pk] = (line.debit * row["h"] / MONTH_HOURS).quantize(Decimal("0.01"))
    return result


def _goods_bought(invoices) -> dict:
    """{entry line id: purchase cost} of the goods on `invoices`, on the month-end supplier invoice lines (607)
    that bought them back (ledger.demo's restock: « COP-202611-20 », one per supplier, month and VAT rate)."""
    from decimal import Decimal

    from django.db.models import Q

    from pilote.ledger.demo import GOODS_SUPPLIERS
    from pilote.ledger.models import EntryLine

    costs: dict[str, Decimal] = {}
    for invoice in invoices:
        for line in invoice.lines.select_related("product"):
            product = line.product
            if product is None or product.purchase_price is None:
                continue
            role = next((r for prefix, r in GOODS_SUPPLIERS.items() if product.reference.startswith(prefix)), None)
            if role is None:
                continue
            rate = "55" if Decimal(product.vat_rate) == Decimal("5.5") else "20"
            ref = f"{role[:3].upper()}-{invoice.date:%Y%m}-{rate}"
            costs[ref] = costs.get(ref, Decimal(0)) + product.purchase_price * line.quantity
    result = {}
    for ref, cost in costs.items():
        line = (
            EntryLine.objects.filter(is_posted=True, account__code="607", debit__gt=0)
            .filter(Q(entry__piece_ref=ref) | Q(label__endswith=ref))
            .first()
        )
        if line is not None:
            result[line.pk] = min(cost, line.debit)
    return result


def load(rng: random.Random, users) -> None:
    from decimal import Decimal

    from pilote.sales.models import Invoice

    today = DEMO_TODAY
    customer = Contact.objects.filter(is_customer=True, kind="organisation").order_by("name").first()
    project = _build(
        users, "Renouvellement du parc de copieurs", ProjectKind.CUSTOMER, ProjectStatus.ACTIVE,
        today - dt.timedelta(days=24), customer, CUSTOMER_TASKS, CUSTOMER_LINKS,
    )  # fmt: skip
    _time(users, project, today)
    # The second one is done: the network set up in the last twelve months for the customer of the latest issued
    # invoice of 2 000 to 6 000 € excl. VAT, which closed it (its income lines are tagged to the project's section).
    # Twelve months and not the calendar year: in early January the new year holds no such invoice yet.
    closing = (
        Invoice.objects.filter(
            status="issued",
            kind="invoice",
            date__gt=today - dt.timedelta(days=365),
            customer__kind="organisation",
            total_net__gte=Decimal("2000"),
            total_net__lte=Decimal("6000"),
        )  # fmt: skip
        .exclude(customer=customer)
        .order_by("-date", "-number")
        .first()
    )
    network = _build(
        users, "Réseau et serveur d'impression", ProjectKind.CUSTOMER, ProjectStatus.DONE,
        (closing.date if closing else today) - dt.timedelta(days=30), closing.customer if closing else customer,
        [(name, owner, days, 100) for name, owner, days, _ in NETWORK_TASKS], NETWORK_LINKS,
    )  # fmt: skip
    _build(
        users, "Déménagement de l'atelier", ProjectKind.INTERNAL, ProjectStatus.PLANNED,
        today + dt.timedelta(days=14), None, MOVE_TASKS, MOVE_LINKS,
    )  # fmt: skip
    since = Invoice.objects.filter(customer=customer, date__gte=project.start_date, status="issued", kind="invoice")
    _analytics(users, [("COPIEURS", project, COPIER_BUDGET, list(since)),
                       ("RESEAU", network, NETWORK_BUDGET, [closing] if closing else [])])  # fmt: skip


# The social establishment's project (projet d'établissement, L311-8 CASF: five years, the persons served and the
# social life council consulted), started two months ago; the users' consultation slipped, the rest follows. It covers
# the five years from the current one, the previous one the five years before.
PLAN_YEARS = f"{DEMO_TODAY.year}-{DEMO_TODAY.year + 4}"
ESTABLISHMENT_TASKS = [
    ("Comité de pilotage constitué", "direction", 0, 100),
    (f"Bilan du projet {DEMO_TODAY.year - 5}-{DEMO_TODAY.year - 1} et de l'évaluation", "direction", 10, 100),
    ("Questionnaire aux personnes accompagnées et aux proches", "assistant", 15, 70),
    ("Groupes de travail des équipes", "rh", 12, 50),
    ("Consultation du conseil de la vie sociale", "direction", 1, 0),
    (f"Rédaction du projet {PLAN_YEARS}", "direction", 15, 0),
    ("Avis du CSE", "rh", 5, 0),
    ("Adoption par le conseil d'administration", "direction", 0, 0),
    ("Diffusion aux équipes, aux usagers et à l'ARS", "assistant", 5, 0),
]
ESTABLISHMENT_LINKS = [(0, 1, "FS", 0), (0, 3, "FS", 5), (1, 2, "SS", 3), (2, 4, "FS", 2), (3, 5, "FS", 0),
                       (4, 5, "FS", 0), (5, 6, "FS", 0), (6, 7, "FS", 0), (7, 8, "FS", 0)]  # fmt: skip


def load_establishment(rng: random.Random, users) -> None:
    project = _build(
        users, f"Projet d'établissement {PLAN_YEARS}", ProjectKind.ESTABLISHMENT, ProjectStatus.ACTIVE,
        DEMO_TODAY - dt.timedelta(days=60), None, ESTABLISHMENT_TASKS, ESTABLISHMENT_LINKS,
    )  # fmt: skip
    purpose = ("Projet d'établissement du SSIAD et du SAAD (art. L311-8 du CASF), pour cinq ans, construit avec les "
               "personnes accompagnées et les équipes.")  # fmt: skip
    services.update_project(actor=users["direction"], project=project, manager=users["direction"], description=purpose)
    # The social life council could not meet before next week: the consultation slips, and the end with it.
    council = project.tasks.get(name="Consultation du conseil de la vie sociale")
    services.update_task(actor=users["direction"], task=council, not_before=DEMO_TODAY + dt.timedelta(days=4))
