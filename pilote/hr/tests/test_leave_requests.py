"""Leave requests by the employee, decisions by the manager or rh, absences recorded by rh, the calendar."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.core.models import AuditEvent
from pilote.hr.models import Absence
from pilote.hr.services import absences as services

pytestmark = pytest.mark.django_db
d = dt.date


@pytest.fixture
def team(hire, personas):
    """The commercial user manages Alice (the salarie user); Paul has no account."""
    boss = hire(last_name="Chef", first_names="Sophie", nir="", user=personas["commercial"], entry_date=d(2020, 1, 6))
    alice = hire(user=personas["salarie"], manager=boss, entry_date=d(2023, 1, 2))
    paul = hire(last_name="Martin", first_names="Paul", sex="M", nir="", manager=boss, entry_date=d(2023, 1, 2))
    return boss, alice, paul


def test_a_request_counts_jours_ouvrables_and_refuses_overlaps(team, personas):
    _, alice, _ = team
    absence = services.request_leave(actor=personas["salarie"], employee=alice, kind="conges_payes",
                                     start=d(2026, 5, 4), end=d(2026, 5, 16))  # fmt: skip
    assert absence.days == Decimal(10) and absence.status == "demandee"
    with pytest.raises(DomainError, match="chevauchent"):
        services.request_leave(
            actor=personas["salarie"], employee=alice, kind="rtt", start=d(2026, 5, 15), end=d(2026, 5, 15)
        )
    with pytest.raises(DomainError, match="aucun jour ouvrable"):
        services.request_leave(
            actor=personas["salarie"], employee=alice, kind="conges_payes", start=d(2026, 5, 24), end=d(2026, 5, 25)
        )
    with pytest.raises(DomainError, match="ressources humaines"):
        services.request_leave(
            actor=personas["salarie"], employee=alice, kind="maladie", start=d(2026, 6, 1), end=d(2026, 6, 2)
        )


def test_only_the_manager_or_hr_decide_and_nobody_their_own(team, personas):
    boss, alice, paul = team
    absence = services.request_leave(actor=personas["salarie"], employee=alice, kind="conges_payes",
                                     start=d(2026, 7, 6), end=d(2026, 7, 11))  # fmt: skip
    for stranger in ("comptable", "assistant", "salarie"):
        with pytest.raises(DomainError):
            services.decide_leave(actor=personas[stranger], absence=absence, approve=True)
    with pytest.raises(DomainError, match="motif du refus"):
        services.decide_leave(actor=personas["commercial"], absence=absence, approve=False)
    services.decide_leave(actor=personas["commercial"], absence=absence, approve=True)
    assert Absence.objects.get().status == "acceptee"
    with pytest.raises(DomainError, match="déjà"):
        services.decide_leave(actor=personas["rh"], absence=absence, approve=False, note="Non")


def test_leave_requested_approved_by_the_manager_and_seen_in_the_team_calendar(team, client, personas):
    client.force_login(personas["salarie"])
    response = client.post(
        reverse("hr:leave-mine"), {"kind": "conges_payes", "start": "2026-07-06", "end": "2026-07-11"}
    )
    assert response.status_code == 302
    absence = Absence.objects.get()
    client.force_login(personas["commercial"])
    page = client.get(reverse("hr:team-requests")).content.decode()
    assert "Alice Marie Durand" in page
    client.post(reverse("hr:leave-decide", args=[absence.pk]), {"decision": "accepter"})
    absence.refresh_from_db()
    assert absence.status == "acceptee" and absence.decided_by == personas["commercial"]
    client.force_login(personas["salarie"])
    calendar = client.get(reverse("hr:calendar") + "?mois=2026-07").content.decode()
    assert "Alice Marie Durand" in calendar and 'title="Congés payés"' in calendar and "Fête nationale" in calendar
    assert "juillet 2026" in calendar


def test_the_employee_reaches_neither_others_requests_nor_their_health_absences(team, client, personas):
    boss, alice, paul = team
    sick = services.record_absence(actor=personas["rh"], employee=paul, kind="maladie", start=d(2026, 7, 1),
                                   end=d(2026, 7, 3), certificate=True)  # fmt: skip
    mine = services.request_leave(
        actor=personas["salarie"], employee=alice, kind="rtt", start=d(2026, 7, 6), end=d(2026, 7, 6)
    )
    client.force_login(personas["salarie"])
    assert client.post(reverse("hr:leave-decide", args=[mine.pk]), {"decision": "accepter"}).status_code == 404
    assert client.post(reverse("hr:leave-cancel", args=[sick.pk])).status_code == 404
    calendar = client.get(reverse("hr:calendar") + "?mois=2026-07").content.decode()
    assert "Paul Martin" in calendar and 'title="Absence"' in calendar and "Arrêt maladie" not in calendar
    client.force_login(personas["rh"])
    assert 'title="Arrêt maladie"' in client.get(reverse("hr:calendar") + "?mois=2026-07").content.decode()
    # The audit trail, read by the auditor, does not say it was a sickness.
    assert "maladie" not in str(AuditEvent.objects.get(action="hr.absence.recorded").changes)


def test_balances_on_my_leave_page(team, client, personas):
    _, alice, _ = team
    client.force_login(personas["salarie"])
    page = client.get(reverse("hr:leave-mine")).content.decode()
    assert "Période de référence" in page and "01/06/2023 – 31/05/2024" in page
    assert client.get(reverse("hr:absence-list")).status_code == 403
