"""Volunteering and contributions in kind: hours valued at the activity's rate or the association's (SMIC by
default), posted once per period below the result (864 / 875), contributions in kind (86x / 87x), the annex."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from pilote.associations import rules
from pilote.associations.models import VolunteerHours
from pilote.associations.queries import volunteering as queries
from pilote.associations.services import settings as settings_services
from pilote.associations.services import volunteering as services
from pilote.core.exceptions import DomainError
from pilote.ledger.models import EntryLine


def _balance(code: str) -> Decimal:
    sums = EntryLine.objects.filter(account__code=code, is_posted=True).aggregate(d=Sum("debit"), c=Sum("credit"))
    return (sums["d"] or 0) - (sums["c"] or 0)


@pytest.fixture
def team(books, donor):
    actor = books["actor"]
    return {
        "actor": actor,
        "volunteer": services.enrol_volunteer(actor=actor, contact=donor, since=dt.date(2026, 1, 1)),
        "welcome": services.create_activity(actor=actor, name="Accueil"),
        "workshops": services.create_activity(actor=actor, name="Ateliers", hourly_rate=Decimal("15")),
    }


def test_the_default_rate_is_the_2026_gross_hourly_smic():
    from pilote.hr.payroll import SMIC_HOURLY

    assert rules.DEFAULT_VOLUNTEER_RATE == SMIC_HOURLY == Decimal("12.02")
    assert rules.minutes_of(Decimal("2.5")) == 150
    assert rules.volunteer_value(150, Decimal("12.02")) == Decimal("30.05")
    assert rules.volunteer_value(20, Decimal("12.02")) == Decimal("4.01")  # 4,0066… rounded to the cent


def test_hours_are_valued_at_the_activity_rate_or_the_association_rate(team):
    actor, volunteer = team["actor"], team["volunteer"]
    a = services.record_hours(actor=actor, volunteer=volunteer, activity=team["welcome"], date=dt.date(2026, 3, 4),
                              hours=Decimal("3"))  # fmt: skip
    b = services.record_hours(actor=actor, volunteer=volunteer, activity=team["workshops"], date=dt.date(2026, 3, 5),
                              hours=Decimal("1.5"))  # fmt: skip
    assert (a.rate, a.value) == (Decimal("12.02"), Decimal("36.06"))
    assert (b.rate, b.value) == (Decimal("15.00"), Decimal("22.50"))
    settings_services.update_settings(actor=actor, volunteer_rate=Decimal("13"))
    c = services.record_hours(actor=actor, volunteer=volunteer, activity=team["welcome"], date=dt.date(2026, 3, 6),
                              hours=Decimal("2"))  # fmt: skip
    assert c.value == Decimal("26.00")
    assert VolunteerHours.objects.get(pk=a.pk).value == Decimal("36.06")  # recorded hours keep their value


def test_bad_hours_are_refused_in_french(team):
    actor, volunteer = team["actor"], team["volunteer"]
    with pytest.raises(DomainError, match="entre 0,01 et 24 heures"):
        services.record_hours(actor=actor, volunteer=volunteer, activity=team["welcome"], date=dt.date(2026, 3, 4),
                              hours=Decimal("0"))  # fmt: skip
    with pytest.raises(DomainError, match="n'est pas bénévole"):
        services.record_hours(actor=actor, volunteer=volunteer, activity=team["welcome"], date=dt.date(2025, 12, 4),
                              hours=Decimal("2"))  # fmt: skip
    services.record_hours(actor=actor, volunteer=volunteer, activity=team["welcome"], date=dt.date(2026, 3, 4),
                          hours=Decimal("20"))  # fmt: skip
    with pytest.raises(DomainError, match="Plus de 24 heures"):
        services.record_hours(actor=actor, volunteer=volunteer, activity=team["workshops"], date=dt.date(2026, 3, 4),
                              hours=Decimal("5"))  # fmt: skip
    assert VolunteerHours.objects.count() == 1


def test_a_period_is_posted_once_below_the_result(team):
    actor, volunteer = team["actor"], team["volunteer"]
    for day, activity, hours in ((2, "welcome", "3"), (20, "workshops", "2"), (3, "welcome", "4")):
        month = 3 if day != 3 else 4
        services.record_hours(actor=actor, volunteer=volunteer, activity=team[activity],
                              date=dt.date(2026, month, day), hours=Decimal(hours))  # fmt: skip
    posting = services.post_month(actor=actor, year=2026, month=3)
    assert (posting.minutes, posting.value) == (300, Decimal("66.06"))  # 3 h × 12,02 + 2 h × 15
    assert posting.entry.date == dt.date(2026, 3, 31) and posting.entry.is_posted
    assert _balance("864") == Decimal("66.06") and _balance("875") == Decimal("-66.06")
    with pytest.raises(DomainError, match="Aucune heure de bénévolat à comptabiliser"):
        services.post_month(actor=actor, year=2026, month=3)
    # Hours typed late for March go into a second posting; the first ones are never posted again.
    late = services.record_hours(actor=actor, volunteer=volunteer, activity=team["welcome"],
                                 date=dt.date(2026, 3, 28), hours=Decimal("1"))  # fmt: skip
    services.post_volunteering(actor=actor, period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 4, 30))
    assert _balance("864") == Decimal("66.06") + Decimal("12.02") + Decimal("48.08")
    with pytest.raises(DomainError, match="déjà comptabilisées"):
        services.delete_hours(actor=actor, hours=late)
    annex = queries.annex(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert annex.hours == Decimal("10.00") and annex.value == Decimal("126.16") and annex.volunteers == 1
    assert annex.uses_total == annex.resources_total == annex.value and annex.unposted_value == 0
    assert {row.name: row.value for row in annex.activities} == {"Accueil": Decimal("96.16"),
                                                                 "Ateliers": Decimal("30.00")}  # fmt: skip


def test_contributions_in_kind_post_their_pair_of_accounts(books, donor):
    actor = books["actor"]
    services.record_in_kind(actor=actor, date=dt.date(2026, 5, 2), kind="mise_a_disposition", contributor=donor,
                            description="Salle prêtée", amount=Decimal("1200"))  # fmt: skip
    services.record_in_kind(actor=actor, date=dt.date(2026, 5, 3), kind="biens", description="Denrées",
                            amount=Decimal("300"))  # fmt: skip
    assert (_balance("861"), _balance("871")) == (Decimal("1200"), Decimal("-1200"))
    assert (_balance("860"), _balance("870")) == (Decimal("300"), Decimal("-300"))
    with pytest.raises(DomainError, match="montant positif"):
        services.record_in_kind(actor=actor, date=dt.date(2026, 5, 3), kind="biens", description="X",
                                amount=Decimal("0"))  # fmt: skip
    annex = queries.annex(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert annex.in_kind_total == Decimal("1500") and annex.uses_total == annex.resources_total == Decimal("1500")


def test_the_pages_record_hours_post_them_and_show_the_annex(client_as, team):
    client = client_as("comptable")
    response = client.post(reverse("associations:hours-create"), {
        "volunteer": team["volunteer"].pk, "activity": team["welcome"].pk, "date": "2026-02-10", "hours": "2,5",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-1500:]
    assert VolunteerHours.objects.get().minutes == 150
    response = client.post(reverse("associations:hours-create"), {
        "volunteer": team["volunteer"].pk, "activity": team["welcome"].pk, "date": "2026-02-10", "hours": "30",
    })  # fmt: skip
    assert response.status_code == 200 and "24" in response.content.decode()
    listing = client.get(reverse("associations:hours-list") + "?comptabilise=non&tri=-valeur").content.decode()
    assert "30,05" in listing and "à comptabiliser" in listing
    export = client.get(reverse("associations:hours-export", args=["csv"]) + "?annee=2026")
    assert "30,05" in b"".join(export.streaming_content).decode("utf-8-sig")
    response = client.post(reverse("associations:volunteer-postings"),
                           {"period_start": "2026-02-01", "period_end": "2026-02-28"})  # fmt: skip
    assert response.status_code == 302 and _balance("864") == Decimal("30.05")
    again = client.post(reverse("associations:volunteer-postings"),
                        {"period_start": "2026-02-01", "period_end": "2026-02-28"})  # fmt: skip
    assert "Aucune heure de bénévolat à comptabiliser" in again.content.decode() and _balance("864") == Decimal("30.05")
    annex = client.get(reverse("associations:volunteer-annex")).content.decode()
    assert "2,50" in annex and "30,05" in annex and "864 Personnel bénévole" in annex
    volunteers = client.get(reverse("associations:volunteer-list") + "?annee=2026&tri=-heures").content.decode()
    assert "Léa" in volunteers and "2,50" in volunteers
    # an assistant records hours but does not post them
    assistant = client_as("assistant")
    assert assistant.post(reverse("associations:volunteer-postings"),
                          {"period_start": "2026-02-01", "period_end": "2026-02-28"}).status_code == 403  # fmt: skip
