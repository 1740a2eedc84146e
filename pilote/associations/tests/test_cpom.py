"""CPOM and activity: the pure variance and occupancy on hand-built cases, the follow-up of a year from the
activity and the books, the pages (entry, lists, exports, yearly activity report PDF)."""

from __future__ import annotations

import datetime as dt
import html
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


def test_objectives_and_means_are_edited_and_removed_until_the_year_is_reported(books, cpom):
    actor = books["actor"]
    first = services.add_objective(actor=actor, cpom=cpom, title="Occupation", indicator="Taux", unit="%",
                                   source="occupation", service="SSIAD", targets={2026: Decimal("95")})  # fmt: skip
    typed = services.add_objective(actor=actor, cpom=cpom, title="Formation", indicator="Salariés formés",
                                   targets={2026: Decimal("10")})  # fmt: skip
    third = services.add_objective(actor=actor, cpom=cpom, title="Attente", indicator="Liste d'attente",
                                   targets={2027: Decimal("5")})  # fmt: skip
    services.update_objective(actor=actor, objective=typed, title="Former les aides-soignants",
                              indicator="Salariés formés", unit="personnes")  # fmt: skip
    typed.refresh_from_db()
    assert (typed.title, typed.unit) == ("Former les aides-soignants", "personnes")
    services.set_target(actor=actor, objective=typed, year=2026, target=Decimal("10"), actual=Decimal("8"))
    with pytest.raises(DomainError, match=r"réalisé saisi \(2026\) : il ne peut pas devenir calculé"):
        services.update_objective(actor=actor, objective=typed, title="Formation", indicator="Heures",
                                  source="heures", service="SAAD")  # fmt: skip
    with pytest.raises(DomainError, match=r"réalisé saisi \(2026\) : effacez d'abord"):
        services.delete_objective(actor=actor, objective=typed)
    services.set_target(actor=actor, objective=typed, year=2026, target=Decimal("10"), clear_actual=True)
    services.delete_objective(actor=actor, objective=typed)
    assert list(cpom.objectives.values_list("title", "position")) == [("Occupation", 1), ("Attente", 2)]
    means = services.set_means(actor=actor, cpom=cpom, year=2026, accounts="7311", label="Dotation",
                               amount=Decimal("520000"))  # fmt: skip
    services.set_means(actor=actor, cpom=cpom, year=2026, accounts="64", label="Personnel", amount=Decimal("1"))
    # Same accounts and year: the budget is replaced, not doubled.
    services.set_means(actor=actor, cpom=cpom, year=2026, accounts="64", label="", amount=Decimal("1250000.456"))
    assert cpom.means.get(accounts="64").amount == Decimal("1250000.46") and cpom.means.get(accounts="64").label == "64"
    # The 2026 report handed in freezes 2026, not 2027.
    report = cpom.deadlines.get(kind="rapport", year=2026)
    assert report.due_on == dt.date(2027, 4, 30) and cpom.deadlines.filter(kind="rapport").count() == 5
    with pytest.raises(DomainError, match="une fois l'année finie"):
        services.complete_deadline(actor=actor, deadline=report, done_on=dt.date(2026, 12, 20))
    services.complete_deadline(actor=actor, deadline=report, done_on=dt.date(2027, 4, 12))
    with pytest.raises(DomainError, match="rapport annuel 2026 a été remis aux financeurs : les moyens"):
        services.delete_means(actor=actor, means=means)
    with pytest.raises(DomainError, match="rapport annuel 2026 a été remis aux financeurs : les cibles"):
        services.set_target(actor=actor, objective=first, year=2026, target=Decimal("90"))
    with pytest.raises(DomainError, match="rapport annuel 2026 a été remis avec cet objectif"):
        services.delete_objective(actor=actor, objective=first)
    with pytest.raises(DomainError, match="corrigez seulement l'intitulé"):
        services.update_objective(actor=actor, objective=first, title="Occupation", indicator="Taux", unit="%",
                                  source="journees", service="SSIAD")  # fmt: skip
    services.update_objective(actor=actor, objective=first, title="Taux d'occupation du SSIAD", indicator="Taux",
                              unit="%", source="occupation", service="SSIAD")  # fmt: skip
    services.set_means(actor=actor, cpom=cpom, year=2027, accounts="7311", label="Dotation", amount=Decimal("1"))
    services.delete_means(actor=actor, means=cpom.means.get(year=2027))
    services.delete_objective(actor=actor, objective=third)  # only a 2027 target: the 2026 report did not carry it
    assert cpom.means.filter(year=2026).count() == 2 and cpom.objectives.count() == 1


def test_the_cpom_page_edits_and_removes_with_french_refusals(client_as, books, cpom):
    actor = books["actor"]
    objective = services.add_objective(actor=actor, cpom=cpom, title="Formation", indicator="Salariés formés",
                                       targets={2026: Decimal("10")})  # fmt: skip
    services.set_target(actor=actor, objective=objective, year=2026, target=Decimal("10"), actual=Decimal("8"))
    client = client_as("direction")
    edit = reverse("associations:cpom-objective-edit", args=[objective.pk])
    assert "Salariés formés" in client.get(edit).content.decode()
    response = client.post(edit, {"title": "Formation", "indicator": "Heures", "source": "heures", "service": "SAAD"})
    assert response.status_code == 200 and "ne peut pas devenir" in html.unescape(response.content.decode())
    response = client.post(edit, {"title": "Former les intervenants", "indicator": "Salariés formés",
                                  "source": "saisi", "higher_is_better": "on"})  # fmt: skip
    assert response.status_code == 302 and cpom.objectives.get().title == "Former les intervenants"
    detail = reverse("associations:cpom-detail", args=[cpom.pk]) + "?annee=2026"
    response = client.post(reverse("associations:cpom-objective-delete", args=[objective.pk]), follow=True)
    assert "effacez d'abord ce réalisé" in html.unescape(response.content.decode()) and cpom.objectives.exists()
    client.post(reverse("associations:cpom-target-set", args=[objective.pk]),
                {"year": "2026", "target": "10", "clear_actual": "on"})  # fmt: skip
    client.post(reverse("associations:cpom-objective-delete", args=[objective.pk]))
    assert not cpom.objectives.exists()
    client.post(reverse("associations:cpom-means-set", args=[cpom.pk]),
                {"year": "2026", "accounts": "7311", "label": "Dotation ARS", "amount": "520 000"})  # fmt: skip
    means = cpom.means.get()
    assert "Retirer des moyens de 2026" in client.get(detail).content.decode()
    client.post(reverse("associations:cpom-deadline-add", args=[cpom.pk]),
                {"kind": "dialogue", "label": "", "due_on": "2027-05-20", "year": ""})  # fmt: skip
    assert cpom.deadlines.get(kind="dialogue").label == "Dialogue de gestion"
    report = cpom.deadlines.get(kind="rapport", year=2026)
    report.done_on = dt.date(2027, 4, 2)
    report.save()
    response = client.post(reverse("associations:cpom-means-delete", args=[means.pk]), {"year": "2026"}, follow=True)
    assert "a été remis aux financeurs" in html.unescape(response.content.decode()) and cpom.means.exists()
    assert client_as("auditeur").post(reverse("associations:cpom-means-delete", args=[means.pk])).status_code == 403


def test_cpom_duties_come_to_the_todo_list(monkeypatch, books, cpom):
    from pilote.associations import todo
    from pilote.core.models import Structure

    actor = books["actor"]
    monkeypatch.setattr(todo, "local_today", lambda: dt.date(2026, 4, 3))
    assert todo.cpom_items(actor) == []  # an association without a CPOM duty: nothing (and not a social one)
    Structure.objects.filter(pk=1).update(type="social")
    services.add_objective(actor=actor, cpom=cpom, title="Heures d'aide", indicator="Heures", unit="h",
                           source="heures", service="SAAD", targets={2026: Decimal("1200")})  # fmt: skip
    for month in (1, 3):  # February forgotten, March typed; 90 h over two months for 200 expected
        services.record_activity(actor=actor, service="SAAD", month=dt.date(2026, month, 1), days_open=20,
                                 hours_delivered=Decimal("45"))  # fmt: skip
    labels = {item.label: item for item in todo.cpom_items(actor)}
    missing = labels["Saisir l'activité SAAD de 02/2026"]
    assert missing.due == dt.date(2026, 3, 10) and "Saisir l'activité SAAD de 03/2026" not in labels
    late = next(label for label in labels if label.startswith("Objectif du CPOM en retard : Heures d'aide"))
    assert "90 h pour une cible de 200 h" in late  # 1 200 h × 2 months ÷ 12
    # The 2026 report is due 30/04/2027: not yet in the list in April 2026; a dialogue in May is.
    services.add_deadline(actor=actor, cpom=cpom, kind="dialogue", label="Dialogue de gestion 2026",
                          due_on=dt.date(2026, 5, 20))  # fmt: skip
    deadlines = [item for item in todo.cpom_items(actor) if item.kind == "CPOM" and "Objectif" not in item.label]
    assert [(item.label, item.due) for item in deadlines] == [
        ("Dialogue de gestion 2026 — SSIAD", dt.date(2026, 5, 20))
    ]
    monkeypatch.setattr(todo, "local_today", lambda: dt.date(2027, 3, 15))
    assert any(item.label == "Rapport annuel 2026 et ERRD — SSIAD" for item in todo.cpom_items(actor))
