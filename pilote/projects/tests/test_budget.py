"""A project's budget against the books: the natures by hand, the actual read from the analytic aggregates of the
project's section (posted entries distributed to it, since the project's start month), the variance and what is
flagged, the budget form refusing a negative amount in French, the card on the project page."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal as D

import pytest
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.projects import budget, queries, services


def test_the_comparison_by_hand():
    plan = {"external": D("1000.00"), "staff": D("2000.00"), "income": D("5000.00")}
    movements = [("611", D("1200.00"), D("0")), ("6411", D("1500.00"), D("0")), ("706", D("0"), D("4000.00")),
                 ("706", D("100.00"), D("0")), ("512", D("9.00"), D("0"))]  # fmt: skip
    result = budget.compare(plan, movements)
    rows = {r.nature: r for r in result.rows}
    assert set(rows) == {"external", "staff", "income"}
    assert (rows["external"].actual, rows["external"].variance, rows["external"].unfavourable) == (
        D("1200.00"), D("200.00"), True)  # fmt: skip
    assert rows["external"].consumed_percent == D("120.0")
    assert (rows["staff"].variance, rows["staff"].unfavourable) == (D("-500.00"), False)
    assert (rows["income"].actual, rows["income"].variance, rows["income"].unfavourable) == (
        D("3900.00"), D("-1100.00"), True)  # a credit note lowers the income  # fmt: skip
    assert (result.budget_result, result.actual_result) == (D("2000.00"), D("1200.00"))
    assert budget.nature_of("6061") == "purchases" and budget.nature_of("401") is None


def _post(actor, day, account, amount, section, income=False):
    from pilote.ledger.models import Account, Journal
    from pilote.ledger.services import LineInput, create_entry

    bank = Account.objects.get(code="512")
    target = LineInput(account=Account.objects.get(code=account), debit=D(0) if income else amount,
                       credit=amount if income else D(0), analytic=[(section, D(100))])  # fmt: skip
    other = LineInput(account=bank, debit=amount if income else D(0), credit=D(0) if income else amount)
    create_entry(actor=actor, journal=Journal.objects.get(code="OD"), date=day, label="Projet", post=True,
                 lines=[target, other])  # fmt: skip


@pytest.fixture
def section(structure, personas):
    from pilote.ledger import analytics
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    axis = analytics.create_axis(actor=personas["comptable"], code="PRJ", label="Projets")
    return analytics.create_section(actor=personas["comptable"], axis=axis, code="DEMENAG", label="Déménagement")


def test_the_actual_comes_from_the_projects_analytic_section(personas, section, client_as):
    actor = personas["direction"]
    project = services.create_project(actor=actor, name="Déménagement", kind="internal",
                                      start_date=dt.date(2026, 3, 2), analytic_section=section)  # fmt: skip
    _post(personas["comptable"], dt.date(2026, 2, 20), "611", D("999.00"), section)  # before the project: left out
    _post(personas["comptable"], dt.date(2026, 3, 10), "611", D("1200.00"), section)
    _post(personas["comptable"], dt.date(2026, 4, 2), "6241", D("350.00"), section)
    services.set_budget(actor=actor, project=project, amounts={"external": D("1500.00"), "staff": None})
    rows = {r.nature: r for r in queries.budget_comparison(project).rows}
    assert (rows["external"].budget, rows["external"].actual, rows["external"].variance) == (
        D("1500.00"), D("1550.00"), D("50.00"))  # fmt: skip
    assert set(rows) == {"external"}
    page = html.unescape(client_as("auditeur").get(reverse("projects:detail", args=[project.pk])).content.decode())
    assert "Budget et réalisé" in page and "Services extérieurs (61, 62)" in page
    assert "1\u202f550,00\xa0€" in page or "1 550,00" in page.replace("\u202f", " ").replace("\xa0", " ")
    assert "Saisir le budget" not in page  # the auditor reads


def test_the_budget_form_and_its_refusals(personas, network, client_as):
    project, _ = network
    client = client_as("assistant")
    response = client.post(reverse("projects:budget", args=[project.pk]), {"purchases": "-5", "income": "12 000,50"})
    assert response.status_code == 200 and not project.budget_lines.exists()
    assert "supérieure ou égale à 0" in html.unescape(response.content.decode())
    response = client.post(reverse("projects:budget", args=[project.pk]), {"purchases": "800", "income": "12 000,50"})
    assert response.status_code == 302
    assert dict(project.budget_lines.values_list("nature", "amount")) == {"purchases": D("800.00"),
                                                                         "income": D("12000.50")}  # fmt: skip
    assert client_as("comptable").get(reverse("projects:budget", args=[project.pk])).status_code == 403
    with pytest.raises(DomainError, match="budget est un montant positif"):
        services.set_budget(actor=personas["direction"], project=project, amounts={"staff": D("-1")})
    assert project.budget_lines.count() == 2
