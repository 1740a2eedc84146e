"""Projects through the services and the pages: the schedule recomputed at every change, the critical path
shown in the Gantt chart, a loop refused in French with nothing written, a late task in its owner's to-do."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.core.registry import todos_for
from pilote.lib.dates import local_today
from pilote.projects import services
from pilote.projects.models import Dependency, Project, Task, TimeEntry

MONDAY = dt.date(2026, 3, 2)


def _fresh(task: Task) -> Task:
    return Task.objects.get(pk=task.pk)


def test_the_schedule_follows_the_network_in_working_days(network):
    project, tasks = network
    project.refresh_from_db()
    assert project.duration_days == 16
    # 16 working days from Monday 2 March 2026: three full weeks, then Monday 23 March.
    assert project.end_date == dt.date(2026, 3, 23)
    assert {k for k, t in tasks.items() if _fresh(t).is_critical} == {"A", "B", "D", "E", "G"}
    c = _fresh(tasks["C"])
    assert (c.early_start, c.early_finish, c.total_float) == (dt.date(2026, 3, 10), dt.date(2026, 3, 11), 1)
    assert c.late_start == dt.date(2026, 3, 11)


def test_a_slipping_task_moves_the_end_and_the_critical_path(network, personas):
    project, tasks = network
    services.update_task(actor=personas["direction"], task=tasks["C"], duration_days=5)  # C-F now longer than B-D
    project.refresh_from_db()
    assert project.duration_days == 18  # A 6 + C 5 + F 2 + E 4 + G 1
    assert _fresh(tasks["C"]).is_critical and _fresh(tasks["F"]).is_critical and not _fresh(tasks["B"]).is_critical


def test_a_loop_is_refused_in_french_and_nothing_is_written(network, personas):
    project, tasks = network
    before = Dependency.objects.count()
    with pytest.raises(DomainError, match="boucle entre"):
        services.link_tasks(actor=personas["direction"], predecessor=tasks["G"], successor=tasks["A"])
    assert Dependency.objects.count() == before
    other = services.create_project(actor=personas["direction"], name="Autre", start_date=MONDAY)
    stranger = services.add_task(actor=personas["direction"], project=other, name="X", duration_days=1)
    with pytest.raises(DomainError, match="même projet"):
        services.link_tasks(actor=personas["direction"], predecessor=stranger, successor=tasks["A"])


def test_the_project_page_draws_the_gantt_with_the_critical_path(network, client_as):
    project, tasks = network
    page = client_as("commercial").get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert page.count('class="gantt-bar critical"') == 5 and page.count('class="gantt-bar"') == 2
    assert page.count("<polyline") == 7 and "16 jours ouvrés" in page
    assert "23/03/2026" in page


def test_adding_tasks_and_a_looping_link_from_the_page(network, client_as):
    project, tasks = network
    client = client_as("assistant")
    data = {"name": "Livraison", "duration_days": "0", "done_percent": "0"}
    response = client.post(reverse("projects:task-add", args=[project.pk]), data, follow=True)
    assert "Tâche ajoutée" in response.content.decode() and project.tasks.filter(name="Livraison").exists()
    response = client.post(
        reverse("projects:link-add", args=[project.pk]),
        {"predecessor": tasks["G"].pk, "successor": tasks["A"].pk, "kind": "FS", "lag_days": "0"},
        follow=True,
    )
    assert "formerait une boucle" in response.content.decode()
    assert client_as("auditeur").post(reverse("projects:task-add", args=[project.pk]), {}).status_code == 403


def test_list_filters_and_exports(network, client_as):
    project, _ = network
    client = client_as("direction")
    assert "Prototype" in client.get(reverse("projects:list"), {"q": "proto"}).content.decode()
    assert "Prototype" not in client.get(reverse("projects:list"), {"status": "done"}).content.decode()
    export = client.get(reverse("projects:list"), {"export": "csv"})
    assert b"Prototype" in b"".join(export.streaming_content)


def test_a_late_task_is_in_its_owners_todo(personas):
    owner = personas["commercial"]
    project = services.create_project(actor=owner, name="Ancien", start_date=dt.date(2026, 1, 5), status="active")
    services.add_task(actor=owner, project=project, name="Relevé", duration_days=2, owner=owner)
    labels = [item.label for item in todos_for(owner)]
    assert any("Tâche en retard : Relevé (Ancien)" in label for label in labels)
    assert Project.objects.count() == 1


def test_impossible_durations_and_dates_are_refused_in_french(network, personas, client_as):
    project, tasks = network
    actor = personas["direction"]
    with pytest.raises(ValidationError):
        services.add_task(actor=actor, project=project, name="Quatre siècles", duration_days=99999)
    with pytest.raises(DomainError, match="moins de 10 ans"):
        services.add_task(actor=actor, project=project, name="Loin", duration_days=1, not_before=dt.date(9999, 12, 31))
    with pytest.raises(DomainError, match="entre 2000 et 2099"):
        services.create_project(actor=actor, name="Futur", start_date=dt.date(9999, 1, 4))
    data = {"name": "Trop longue", "duration_days": "99999", "done_percent": "0"}
    response = client_as("direction").post(reverse("projects:task-add", args=[project.pk]), data, follow=True)
    assert response.status_code == 200 and "inférieure ou égale à 1000" in response.content.decode()
    assert not project.tasks.filter(name__in=["Quatre siècles", "Loin", "Trop longue"]).exists()


def test_the_list_runs_the_same_queries_whatever_the_number_of_projects(
    personas, client_as, django_assert_max_num_queries
):
    client = client_as("direction")
    for index in range(2):
        services.create_project(actor=personas["direction"], name=f"P{index}", start_date=MONDAY)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("projects:list"))
    for index in range(2, 12):
        project = services.create_project(actor=personas["direction"], name=f"P{index}", start_date=MONDAY)
        services.add_task(actor=personas["direction"], project=project, name="T", duration_days=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("projects:list"))


@pytest.fixture
def billed(network, personas):
    """The network as a customer project billed at 85 € HT an hour, with time spent on two tasks."""
    from pilote.catalog.models import Product
    from pilote.contacts.models import Contact

    project, tasks = network
    customer = Contact.objects.create(name="Imprimerie Vidal", is_customer=True)
    product = Product.objects.create(reference="CONSEIL-H", name="Conseil", unit_price="95", kind="service", unit="h")
    project = services.update_project(
        actor=personas["direction"], project=project, customer=customer, billing_product=product,
        hourly_rate=D("85"),
    )  # fmt: skip
    me, today = personas["direction"], local_today()
    for task, day, hours in [("A", 2, "3.5"), ("B", 1, "2"), ("B", 0, "1.5")]:
        services.add_time_entry(actor=me, task=tasks[task], person=me, date=today - dt.timedelta(days=day),
                                hours=D(hours))  # fmt: skip
    return project, tasks


def test_time_spent_on_a_customer_project_is_invoiced_once_through_sales(billed, personas):
    from pilote.sales import services as sales

    project, tasks = billed
    actor, today = personas["direction"], local_today()
    draft = services.invoice_time(actor=actor, project=project, until=today, date=today)
    lines = list(draft.lines.order_by("position"))
    assert [(line.quantity, line.unit_price, line.net_amount) for line in lines] == [
        (D("3.5"), D("85"), D("297.50")), (D("3.5"), D("85"), D("297.50"))
    ]  # fmt: skip
    assert lines[0].description.startswith("Conseil — Prototype : A (le ") and ": B (du " in lines[1].description
    assert draft.customer.name == "Imprimerie Vidal" and draft.is_draft and draft.total_net == D("595.00")
    assert not TimeEntry.objects.filter(invoice__isnull=True).exists()
    with pytest.raises(DomainError, match="Aucun temps à facturer"):
        services.invoice_time(actor=actor, project=project, until=today, date=today)
    with pytest.raises(DomainError, match="facturé"):
        services.delete_time_entry(actor=actor, entry=TimeEntry.objects.first())
    # The draft deleted, its time is to invoice again.
    sales.delete_invoice_draft(actor=actor, invoice=draft)
    assert TimeEntry.objects.filter(invoice__isnull=True).count() == 3
    # Up to a date: only the time spent by then.
    again = services.invoice_time(actor=actor, project=project, until=today - dt.timedelta(days=1), date=today)
    assert again.total_net == D("467.50")  # 3,5 h on A + 2 h on B at 85 €


def test_only_a_customer_project_with_its_article_invoices_time(network, personas):
    project, _tasks = network
    today = local_today()
    with pytest.raises(DomainError, match="projet client"):
        services.invoice_time(actor=personas["direction"], project=project, until=today, date=today)


def test_the_project_page_prepares_the_time_invoice(billed, client_as):
    project, _tasks = billed
    url = reverse("projects:time-invoice", args=[project.pk])
    page = client_as("direction").get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "7,00 h non facturées" in page and "85,00" in page
    today = local_today().isoformat()
    response = client_as("direction").post(url, {"until": today, "date": today})
    draft = TimeEntry.objects.first().invoice
    assert response.status_code == 302 and response["Location"] == reverse("sales:invoice-detail", args=[draft.pk])
    assert client_as("comptable").post(url, {"until": today, "date": today}).status_code == 403


def test_the_project_form_sets_the_article_and_the_rate_of_its_time(network, client_as):
    from pilote.catalog.models import Product
    from pilote.contacts.models import Contact

    project, _tasks = network
    customer = Contact.objects.create(name="Imprimerie Vidal", is_customer=True)
    product = Product.objects.create(reference="CONSEIL-H", name="Conseil", unit_price="95", kind="service", unit="h")
    data = {
        "name": "Prototype", "kind": "customer", "status": "active", "customer": customer.pk, "manager": "",
        "start_date": "2026-03-02", "description": "", "billing_product": product.pk, "hourly_rate": "85,50",
        "version": project.version,
    }  # fmt: skip
    response = client_as("direction").post(reverse("projects:edit", args=[project.pk]), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.billing_product, project.hourly_rate) == (product, D("85.50"))
    refused = client_as("direction").post(
        reverse("projects:edit", args=[project.pk]), {**data, "hourly_rate": "-1", "version": project.version}
    )
    assert "Le taux horaire ne peut pas être négatif." in refused.content.decode()
