"""The hr demo: the 18 people the ledger pays, their register, two years of leave, requests waiting."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from pilote.hr.models import Absence, Employee, RegisterEntry
from pilote.hr.queries import absences as queries

pytestmark = pytest.mark.django_db


def test_the_demo_staff_register_and_leave(demo_loaded, client):
    today = timezone.localdate()
    present = [e for e in Employee.objects.all() if e.is_present(today) and not e.is_trainee]
    assert len(present) == 18
    assert RegisterEntry.objects.filter(kind="rectification").count() == 1
    assert (
        RegisterEntry.objects.filter(kind="sortie").count() == 1 and RegisterEntry.objects.filter(trainee=True).exists()
    )
    assert Absence.objects.filter(status="acceptee", kind="conges_payes").count() > 30
    for employee in present:
        periods = queries.balances(employee, today)
        assert periods and all(p.remaining >= 0 for p in periods if p.closed), employee
    client.force_login(demo_loaded["salarie"])
    page = client.get(reverse("hr:me")).content.decode()
    assert "Thomas" in page and "Girard" in page
    assert "Vacances en famille" in client.get(reverse("hr:leave-mine")).content.decode()
    client.force_login(demo_loaded["direction"])
    assert "Lucas Moreau" in client.get(reverse("hr:team-requests")).content.decode()
    todo = client.get(reverse("core:home")).content.decode()
    assert escape("En retard — tenir l'état des lieux récapitulatif de Sophie Petit") in todo
    assert escape("En retard — tenir l'entretien professionnel de Paul Garnier") in todo


def test_the_demo_cse_election_of_last_year_with_its_minutes(demo_loaded, client):
    from pilote.core.demo import FIRST_YEAR
    from pilote.hr.models import CseElection
    from pilote.hr.queries import cse as queries

    election = CseElection.objects.get()
    assert election.status == "proclamee" and election.proclaimed_on.year == FIRST_YEAR
    assert election.seats == 1 and election.hours == 10
    (college,) = queries.colleges(election)
    first = college.outcomes[0]
    assert first.quorum is False and first.tally.round == 1
    assert sorted((body, c.name) for body, c, _ in college.elected) == [
        ("suppleants", "Benali Karim"), ("titulaires", "Girard Thomas")]  # fmt: skip
    client.force_login(demo_loaded["rh"])
    assert "Quorum non atteint" in client.get(reverse("hr:cse-election", args=[election.pk])).content.decode()
    pdf = client.get(reverse("hr:cse-minutes", args=[election.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_demo_contracts(demo_loaded):
    from pilote.hr.models import Contract

    today = timezone.localdate()
    present = [e for e in Employee.objects.all() if e.is_present(today) and not e.is_trainee]
    assert all(e.contracts.exists() for e in present)
    kinds = set(Contract.objects.values_list("kind", flat=True))
    assert {"cdi", "cdd", "apprentissage", "stage"} <= kinds
    assert Contract.objects.filter(version=2, reason="Augmentation individuelle").count() == 1


def test_the_demo_payroll_months_linked_to_the_ledger_entries(demo_loaded, client):
    from django.db.models import Sum

    from pilote.hr.models import PayrollMonth
    from pilote.hr.queries import payroll as payroll_queries

    months = list(PayrollMonth.objects.order_by("month"))
    assert len(months) == 7 and [m.status for m in months].count("validee") == 6
    assert all(m.entry_id and m.entry.piece_ref == f"PAIE{m.month:%Y%m}" for m in months[:6])
    # The month's gross (base, overtime, bonuses) is the 641 debit of the entry it is linked to, unless the books'
    # gross of that month (random around 45 000 €) is under the contracts' base, which no bonus can mend.
    agreeing = 0
    for month in months[:6]:
        booked = month.entry.lines.filter(account__code__startswith="641").aggregate(s=Sum("debit"))["s"]
        found = payroll_queries.rows(month)
        bonuses = sum(r.variable.bonus for r in found)
        assert payroll_queries.totals(found)["gross"] == booked or not bonuses, month
        agreeing += bool(bonuses)
    assert agreeing >= 4
    client.force_login(demo_loaded["rh"])
    page = client.get(reverse("hr:payroll-month", args=[months[-2].pk])).content.decode()
    assert "Estimation indicative" in page and "Thomas Girard" in page


def test_the_demo_expense_reports_at_each_step(demo_loaded, client):
    from pilote.hr.models import ExpenseReport

    reports = {r.status: r for r in ExpenseReport.objects.select_related("entry", "payment_entry")}
    assert set(reports) == {"brouillon", "soumise", "approuvee", "refusee", "comptabilisee", "remboursee"}
    assert reports["comptabilisee"].entry.is_posted and reports["remboursee"].payment_entry.is_posted
    # the TGV and the hotel deduct nothing, the 45 € gift its VAT
    assert reports["comptabilisee"].deductible_vat == reports["comptabilisee"].lines.get(category="cadeau").vat
    client.force_login(demo_loaded["salarie"])
    page = client.get(reverse("hr:expenses-mine")).content.decode()
    assert "Maintenance Grenoble" in page and "Tournée clients Savoie" not in page
