"""The social establishment demo (`load_demo --type social`): a home-care service with its CPOM, the monthly
activity of its two services and the books those months made, in the association chart with its 73x accounts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from pilote.associations.models import ActivityMonth, Cpom, VolunteerHours
from pilote.associations.queries import cpom as queries
from pilote.associations.services import cpom as cpom_services
from pilote.associations.tests.test_demo import _balance, assert_first_year_closed_into_the_second
from pilote.core.models import Structure, User
from pilote.core.registry import menu_for
from pilote.ledger.models import Account, EntryLine
from pilote.ledger.verify import verify_all
from pilote.lib.dates import local_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", "--type", "social", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Structure.objects.get()


def test_the_social_demo_follows_its_cpom_from_its_activity_and_its_books(demo):
    assert demo.type == "social" and demo.legal_name == "Aide à domicile du Val"
    assert Account.objects.filter(code__in=["7311", "7331", "864", "875", "194"]).count() == 5
    cpom = Cpom.objects.get()
    assert cpom.end_year - cpom.start_year == 4 and cpom.funders.count() == 2
    assert cpom.objectives.count() == 4
    today = local_today()
    months_over = (today.year - cpom.start_year) * 12 + today.month - 1
    assert ActivityMonth.objects.filter(service="SSIAD").count() == months_over
    allocation = EntryLine.objects.filter(account__code="7311", is_posted=True, date__year=cpom.start_year)
    assert allocation.aggregate(c=Sum("credit"))["c"] > 500000
    result = queries.follow_up(cpom, cpom.start_year, today)
    statuses = {row.objective.source: row.variance.status for row in result["objectives"]}
    assert statuses["occupation"] in ("atteint", "conforme") and statuses["saisi"] == "atteint"
    assert {m.accounts for m in result["means"]} >= {"7311", "7331", "64"}
    # volunteers: every month over posted once, 864 = the posted hours' value = −875
    posted = VolunteerHours.objects.filter(posting__isnull=False).aggregate(v=Sum("value"))["v"]
    assert posted > 0 and _balance("864") == posted == -_balance("875")
    assert not VolunteerHours.objects.filter(posting__isnull=True, date__lt=today.replace(day=1)).exists()
    # the first year's report handed in (its year frozen), a dialogue de gestion ahead, the year closed
    handed_in = today >= dt.date(cpom.start_year + 1, 4, 28)
    assert cpom_services.reported_years(cpom) == ({cpom.start_year} if handed_in else set())
    assert cpom.deadlines.filter(kind="dialogue", done_on__isnull=True).count() == 1
    assert_first_year_closed_into_the_second(None)
    assert all(not problems for problems in verify_all().values())


def test_the_social_demo_pages_answer_every_role(demo):
    cpom = Cpom.objects.get()
    entries = {item.url_name for section in menu_for(User.objects.get(username="direction"), "social")
               for item in section.items}  # fmt: skip
    assert {"associations:cpom-list", "associations:activity-list"} <= entries
    assert "associations:cpom-list" not in {item.url_name for section in menu_for(
        User.objects.get(username="direction"), "association") for item in section.items}  # fmt: skip
    for user in User.objects.all():
        client = Client()
        client.force_login(user)
        for url in (reverse("associations:cpom-list"), reverse("associations:activity-list"),
                    reverse("associations:cpom-detail", args=[cpom.pk]) + f"?annee={cpom.start_year}"):  # fmt: skip
            assert client.get(url).status_code == (200 if user.can("associations.view") else 403), (user, url)
    client = Client()
    client.force_login(User.objects.get(username="comptable"))
    pdf = client.get(reverse("associations:cpom-report-pdf", args=[cpom.pk]) + f"?annee={cpom.start_year}")
    assert pdf.content.startswith(b"%PDF")
    assert local_today().year >= cpom.start_year
