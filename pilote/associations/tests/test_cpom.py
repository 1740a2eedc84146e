"""CPOM and activity: the pure variance and occupancy on hand-built cases, the follow-up of a year from the
activity and the books, the pages (entry, lists, exports, yearly activity report PDF)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.associations import cpom as rules
from pilote.associations.models import ActivityMonth
from pilote.associations.queries import cpom as queries
from pilote.associations.services import cpom as services
from pilote.associations.services.books import Line, account, post
from pilote.contacts.models import Contact
from pilote.core.exceptions import DomainError


def test_occupancy_and_year_activity_on_a_hand_built_case():
    # 10 places: January 31 days open, 280 days delivered (90,3 %); February 28 days, 266 (95 %).
    assert rules.occupancy_rate(280, 10, 31) == Decimal("90.3")
    assert rules.occupancy_rate(266, 10, 28) == Decimal("95.0")
    assert rules.occupancy_rate(5, 0, 31) is None
    year = rules.year_activity([rules.Month(10, 31, 280, Decimal("120.5"), 12, 6),
                                rules.Month(10, 28, 266, Decimal("99.5"), 13, 4)])  # fmt: skip
    # Σ days ÷ Σ capacity = 546 ÷ 590 = 92,54 % — not the mean of the monthly rates (92,65 %)
    assert year.occupancy == Decimal("92.5") and year.capacity == 590
    assert year.hours_delivered == Decimal("220.0") and year.average_persons == Decimal("12.5")
    assert year.waiting_list_end == 4


def test_variance_on_a_hand_built_case():
    reached = rules.variance(Decimal("95"), Decimal("96.2"))
    assert (reached.gap, reached.rate, reached.status) == (Decimal("1.2"), Decimal("1.3"), "atteint")
    close = rules.variance(Decimal("38000"), Decimal("36400"))
    assert (close.gap, close.rate, close.status) == (Decimal("-1600"), Decimal("-4.2"), "conforme")
    missed = rules.variance(Decimal("38000"), Decimal("35000"))
    assert (missed.rate, missed.status) == (Decimal("-7.9"), "non atteint")
    # fewer is better: a waiting list of 7 for a target of 10 is reached, 12 is not
    assert rules.variance(Decimal("10"), Decimal("7"), higher_is_better=False).status == "atteint"
    assert rules.variance(Decimal("10"), Decimal("12"), higher_is_better=False).status == "non atteint"
    assert rules.variance(Decimal("10"), None).status == "à saisir"
    assert rules.prorated(Decimal("520000"), 91, 365) == Decimal("129643.84")


@pytest.fixture
def cpom(books):
    ars = Contact.objects.create(kind="organisation", name="ARS Auvergne-Rhône-Alpes")
    contract = services.create_cpom(actor=books["actor"], title="SSIAD", funders=[ars], start_year=2026,
                                    end_year=2030)  # fmt: skip
    return contract


def test_a_year_follows_its_targets_from_the_activity_and_its_means_from_the_books(books, cpom):
    actor = books["actor"]
    services.add_objective(actor=actor, cpom=cpom, title="Occupation", indicator="Taux", unit="%",
                           source="occupation", service="SSIAD", targets={2026: Decimal("95")})  # fmt: skip
    services.add_objective(actor=actor, cpom=cpom, title="Heures", indicator="Heures", source="heures",
                           service="SSIAD", targets={2026: Decimal("1200")})  # fmt: skip
    typed = services.add_objective(actor=actor, cpom=cpom, title="Formation", indicator="Salariés formés")
    services.set_target(actor=actor, objective=typed, year=2026, target=Decimal("10"), actual=Decimal("8"))
    for month, days, delivered, hours in ((1, 31, 280, "100"), (2, 28, 266, "100"), (3, 31, 300, "100")):
        services.record_activity(actor=actor, service="SSIAD", month=dt.date(2026, month, 5), places=10,
                                 days_open=days, days_delivered=delivered, hours_delivered=Decimal(hours))  # fmt: skip
    services.set_means(actor=actor, cpom=cpom, year=2026, accounts="74", label="Dotation", amount=Decimal("36500"))
    post(
        actor=actor,
        journal=books["bank"].journal,
        date=dt.date(2026, 1, 10),
        label="Dotation janvier",
        lines=[Line(books["bank"].account, debit=Decimal("3000")), Line(account("741"), credit=Decimal("3000"))],
    )
    result = queries.follow_up(cpom, 2026, dt.date(2026, 1, 31))
    occupancy, hours, training = (row.variance for row in result["objectives"])
    assert occupancy.actual == Decimal("94.0")  # 846 ÷ (10 × 90)
    assert occupancy.status == "conforme"
    assert (hours.target, hours.actual, hours.status) == (Decimal("300.00"), Decimal("300"), "atteint")  # 3 months
    assert (training.actual, training.status) == (Decimal("8"), "non atteint")
    (means,) = result["means"]
    assert means.budget == Decimal("36500") and means.variance.target == Decimal("3100.00")  # 31 days of 365
    assert means.variance.actual == Decimal("3000") and means.variance.status == "conforme"


def test_bad_cpom_input_is_refused_in_french(books, cpom):
    actor = books["actor"]
    with pytest.raises(DomainError, match="dernière année"):
        services.create_cpom(actor=actor, title="X", funders=list(cpom.funders.all()), start_year=2027,
                             end_year=2026)  # fmt: skip
    objective = services.add_objective(actor=actor, cpom=cpom, title="Occupation", indicator="Taux",
                                       source="occupation", service="SSIAD")  # fmt: skip
    with pytest.raises(DomainError, match="pas dans le CPOM"):
        services.set_target(actor=actor, objective=objective, year=2031, target=Decimal("95"))
    with pytest.raises(DomainError, match="calculé depuis l'activité"):
        services.set_target(actor=actor, objective=objective, year=2026, target=Decimal("95"), actual=Decimal("90"))
    with pytest.raises(DomainError, match="Plus de journées"):
        services.record_activity(actor=actor, service="SSIAD", month=dt.date(2026, 2, 1), places=10, days_open=28,
                                 days_delivered=300)  # fmt: skip
    with pytest.raises(DomainError, match="comptes de charges ou de produits"):
        services.set_means(actor=actor, cpom=cpom, year=2026, accounts="512", label="", amount=Decimal("1"))


def test_the_pages_enter_a_month_and_print_the_activity_report(client_as, cpom):
    client = client_as("direction")
    response = client.post(reverse("associations:activity-record"), {
        "service": "SSIAD", "month": "2026-03-01", "places": "10", "days_open": "31", "days_delivered": "300",
        "hours_delivered": "225,5", "persons": "12", "waiting_list": "4",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-1500:]
    assert ActivityMonth.objects.get().hours_delivered == Decimal("225.50")
    listing = client.get(reverse("associations:activity-list") + "?annee=2026&tri=-heures").content.decode()
    assert "96,8" in listing and "225,5" in listing  # 300 ÷ 310
    export = client.get(reverse("associations:activity-export", args=["csv"]) + "?service=SSIAD")
    assert "225,5" in b"".join(export.streaming_content).decode("utf-8-sig")
    response = client.post(reverse("associations:cpom-objective-add", args=[cpom.pk]), {
        "title": "Occupation", "indicator": "Taux d'occupation", "unit": "%", "higher_is_better": "on",
        "source": "occupation", "service": "SSIAD",
    })  # fmt: skip
    objective = cpom.objectives.get()
    client.post(reverse("associations:cpom-target-set", args=[objective.pk]), {"year": "2026", "target": "95"})
    page = client.get(reverse("associations:cpom-detail", args=[cpom.pk]) + "?annee=2026").content.decode()
    assert "96,8" in page and "atteint" in page
    pdf = client.get(reverse("associations:cpom-report-pdf", args=[cpom.pk]) + "?annee=2026")
    assert pdf.content.startswith(b"%PDF")
    assert "ARS" in client.get(reverse("associations:cpom-list") + "?annee=2027").content.decode()
    assert client_as("salarie").get(reverse("associations:cpom-list")).status_code == 403
