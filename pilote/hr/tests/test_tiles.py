"""hr plugs its staff tiles into the dashboards through the registry, and its pay into the cash plan."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from pilote.core.registry import KpiContext, cash_forecast_sources, kpi_providers_for


def test_staff_tiles_on_directions_board_only(hire, personas, client_as):
    hire(last_name="Martin", first_names="Claire", nir="", entry_date=dt.date(2020, 1, 1))
    hire(last_name="Girard", first_names="Thomas", sex="M", nir="", entry_date=dt.date(2026, 3, 1))
    keys = {p.key for p in kpi_providers_for(personas["direction"])}
    assert {"rh_effectif", "rh_absenteisme", "rh_turnover"} <= keys
    assert not {"rh_effectif"} & {p.key for p in kpi_providers_for(personas["commercial"])}
    ctx = KpiContext(personas["direction"], dt.date(2026, 12, 5))
    provider = next(p for p in kpi_providers_for(personas["direction"]) if p.key == "rh_effectif")
    tile = provider.compute(ctx)
    assert tile.value == Decimal(2) and tile.display == "2 salariés" and tile.comparisons[0][1] == "1"
    page = client_as("direction").get(reverse("dashboards:dashboard")).content.decode()
    assert "Effectif" in page and "Taux de rotation du personnel" in page


def test_the_pay_in_the_cash_plan(hire, personas):
    from pilote.hr.services.contracts import sign_contract

    claire = hire(last_name="Martin", first_names="Claire", nir="", entry_date=dt.date(2020, 1, 1))
    source = next(s for s in cash_forecast_sources() if s.key == "hr.pay")
    assert source.replaces == ("64",)
    assert source.flows(dt.date(2026, 12, 5), dt.date(2027, 1, 31)) == []  # no contract, no pay known
    sign_contract(actor=personas["rh"], employee=claire, kind="cdi", effective_from=dt.date(2020, 1, 1),
                  monthly_gross=Decimal("2500"))  # fmt: skip
    assert source.flows(dt.date(2026, 12, 5), dt.date(2027, 1, 31)) == [
        (dt.date(2026, 12, 31), Decimal("-1950.00"), "Salaires nets (personnel)"),  # 2 500 × 0,78
        (dt.date(2027, 1, 15), Decimal("-1600.00"), "Charges sociales (personnel)"),  # 2 500 × 1,42 − 1 950
        (dt.date(2027, 1, 31), Decimal("-1950.00"), "Salaires nets (personnel)"),
    ]


def test_payroll_shares_by_gross_pay():
    """Two employees paid 3 000 and 1 000: the first all to ATL, the second 50/50 ATL/DIS → ATL 3 500, DIS 500
    (weights in euros, 87,5 % / 12,5 %); an axis only one of them is on is left to the accounts' defaults."""
    from types import SimpleNamespace

    from pilote.hr.payroll import payroll_shares

    atl, dis = SimpleNamespace(pk=1, axis_id=1), SimpleNamespace(pk=2, axis_id=1)
    other = SimpleNamespace(pk=3, axis_id=2)
    spread = {10: [(atl, Decimal(100)), (other, Decimal(100))], 11: [(atl, Decimal(50)), (dis, Decimal(50))]}
    shares = payroll_shares([(10, Decimal("3000")), (11, Decimal("1000"))], spread)
    assert [(s.pk, w) for s, w in shares] == [(1, Decimal("3500")), (2, Decimal("500"))]


def test_the_employees_distribution_page_and_the_payroll_entry(hire, personas, client_as, books):
    from pilote.hr.models import EmployeeAnalytic
    from pilote.ledger import analytics

    actor = personas["comptable"]
    axis = analytics.create_axis(actor=actor, code="CENTRE", label="Centres")
    atl = analytics.create_section(actor=actor, axis=axis, code="ATL", label="Atelier")
    dis = analytics.create_section(actor=actor, axis=axis, code="DIS", label="Distribution")
    claire = hire(last_name="Martin", first_names="Claire", nir="", entry_date=dt.date(2020, 1, 1))
    url = reverse("hr:employee-analytic", args=[claire.pk, axis.pk])
    bad = client_as("rh").post(url, {f"axe{axis.pk}-part_{atl.pk}": "60", f"axe{axis.pk}-part_{dis.pk}": "30"},
                               follow=True)  # fmt: skip
    assert "au lieu de 100" in bad.content.decode() and not EmployeeAnalytic.objects.exists()
    client_as("rh").post(url, {f"axe{axis.pk}-part_{atl.pk}": "60", f"axe{axis.pk}-part_{dis.pk}": "40"})
    assert dict(EmployeeAnalytic.objects.values_list("section__code", "percent")) == {"ATL": 60, "DIS": 40}
    assert client_as("salarie").post(url, {}).status_code == 403
    page = client_as("direction").get(reverse("hr:employee-detail", args=[claire.pk])).content.decode()
    assert "ATL : 60,00 %" in page


def test_the_payroll_entry_spreads_staff_costs_by_the_employees_distributions(hire, personas):
    """Issue 11 point 2: the payroll entry passes the employees' analytic distribution to its staff cost lines,
    each employee weighing by their gross pay of the month; the debts (421, 431…) carry none."""
    from pilote.core.models import Structure
    from pilote.hr.queries import payroll as payroll_queries
    from pilote.hr.services import contracts as contract_services
    from pilote.hr.services import payroll as services
    from pilote.hr.services.analytic import set_employee_analytic
    from pilote.hr.tests.test_payroll import JOURNAL
    from pilote.ledger import analytics
    from pilote.ledger import services as ledger
    from pilote.ledger.models_analytic import AnalyticLine

    ledger.initialise_books(structure=Structure.objects.get(), actor=None)
    rh, actor = personas["rh"], personas["comptable"]
    axis = analytics.create_axis(actor=actor, code="CENTRE", label="Centres")
    atl = analytics.create_section(actor=actor, axis=axis, code="ATL", label="Atelier")
    dis = analytics.create_section(actor=actor, axis=axis, code="DIS", label="Distribution")
    alice = hire(entry_date=dt.date(2025, 1, 6))
    leo = hire(last_name="Petit", first_names="Léo", sex="M", nir="", entry_date=dt.date(2025, 3, 16))
    for person, gross in ((alice, "3000"), (leo, "1000")):
        contract_services.sign_contract(actor=rh, employee=person, kind="cdi", effective_from=person.entry_date,
                                        monthly_gross=Decimal(gross))  # fmt: skip
    set_employee_analytic(actor=rh, employee=alice, axis=axis, shares=[(atl, Decimal(100))])
    set_employee_analytic(actor=rh, employee=leo, axis=axis, shares=[(atl, Decimal(50)), (dis, Decimal(50))])
    record = services.prepare_month(actor=rh, month=dt.date(2026, 3, 1))
    assert sorted(r.gross for r in payroll_queries.rows(record)) == [Decimal("1000.00"), Decimal("3000.00")]
    services.validate_month(actor=rh, payroll_month=record)
    entry = services.post_payroll_journal(actor=rh, payroll_month=record, text=JOURNAL)
    for line in entry.lines.select_related("account"):
        parts = {a.section.code: a.debit + a.credit for a in AnalyticLine.objects.filter(line=line)
                 .select_related("section")}  # fmt: skip
        if line.account.code.startswith("64"):
            amount = line.debit + line.credit
            assert sum(parts.values()) == amount and abs(parts["ATL"] - amount * Decimal("0.875")) <= Decimal("0.01")
        else:
            assert parts == {}, line.account.code
