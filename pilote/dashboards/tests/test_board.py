"""The indicators on small books: figures against N−1, who sees which tile, thresholds, the home page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.core.audit import labels
from pilote.core.models import AuditEvent
from pilote.core.registry import kpi_providers_for, todos_for
from pilote.dashboards import queries, services, todo, views
from pilote.ledger import services as ledger
from pilote.ledger.models import Account, AuxiliaryAccount, FiscalYear, Journal
from pilote.lib.formats import format_eur

D = Decimal
TODAY = dt.date(2026, 3, 25)

CODES = {"101": "Capital", "120": "Résultat de l'exercice - bénéfice", "401": "Fournisseurs", "411": "Clients",
         "44566": "TVA déductible", "44571": "TVA collectée", "512": "Banques", "607": "Achats de marchandises",
         "641": "Rémunérations du personnel", "706": "Prestations de services"}  # fmt: skip


def _post(actor, day, *lines, journal="OD"):
    ledger.create_entry(
        actor=actor,
        journal=Journal.objects.get(code=journal),
        date=day,
        label="Écriture",
        lines=[
            ledger.LineInput(
                Account.objects.get(code=code),
                debit=D(debit),
                credit=D(credit),
                due_date=due,
                auxiliary=AuxiliaryAccount.objects.filter(control_account__code=code).first(),
            )
            for code, debit, credit, due in (line if len(line) == 4 else (*line, None) for line in lines)
        ],
        post=True,
    )


@pytest.fixture
def books(personas, monkeypatch):
    for module in (views, todo):
        monkeypatch.setattr(module, "local_today", lambda: TODAY)
    actor = personas["comptable"]
    for code, label in CODES.items():
        Account.objects.create(code=code, label=label)
    for code in ("401", "411"):
        AuxiliaryAccount.objects.create(code=f"T{code}", label="Tiers", control_account=Account.objects.get(code=code))
    for code, label, kind in ledger.DEFAULT_JOURNALS:
        Journal.objects.create(code=code, label=label, kind=kind)
    FiscalYear.objects.create(start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31))
    FiscalYear.objects.create(start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31))
    _post(actor, dt.date(2025, 2, 1), ("512", "10000", "0"), ("101", "0", "10000"))
    _post(actor, dt.date(2025, 3, 1), ("512", "5000", "0"), ("706", "0", "5000"))
    _post(actor, dt.date(2025, 3, 2), ("641", "2000", "0"), ("512", "0", "2000"))
    _post(actor, dt.date(2026, 1, 1), ("512", "13000", "0"), ("101", "0", "10000"), ("120", "0", "3000"), journal="AN")
    _post(actor, dt.date(2026, 3, 10), ("512", "8000", "0"), ("706", "0", "8000"))
    _post(actor, dt.date(2026, 3, 20), ("411", "1200", "0", dt.date(2026, 3, 15)), ("706", "0", "1000"),
          ("44571", "0", "200"))  # fmt: skip
    _post(actor, dt.date(2026, 3, 21), ("607", "500", "0"), ("44566", "100", "0"),
          ("401", "0", "600", dt.date(2026, 4, 10)))  # fmt: skip
    return personas


def _board(user):
    return {tile.key: tile for tile in queries.board(user, TODAY)}


def test_direction_reads_every_indicator_against_the_year_before(books):
    tiles = _board(books["direction"])
    assert tiles["ca_mois"].tile.value == D(9000)
    assert tiles["ca_mois"].tile.comparisons[0][1:] == ("5\u202f000,00\u202f€", "+80,0\u202f%")
    assert tiles["ca_exercice"].tile.value == D(9000)
    assert tiles["marge_brute"].tile.value == D(8500)
    assert tiles["ebe"].tile.value == D(8500)
    assert tiles["ebe"].tile.comparisons[0][1] == "3\u202f000,00\u202f€"
    assert tiles["tresorerie"].tile.value == D(21000)
    assert tiles["tresorerie"].tile.comparisons[0][1] == "13\u202f000,00\u202f€"
    lowest = tiles["tresorerie_prevue"].tile
    # the 1 200 invoice, 10 days late, expected in 10 days (week of 30/03), before the 600 paid on 10/04: the lowest
    # point is this week's, today's cash
    assert lowest.value == D(21000) and "23/03/2026" in lowest.note
    assert tiles["dettes_fournisseurs"].tile.value == D(600)
    # read from the ledger's open items (not the sales invoices): the 1 200 invoice due on 15/03, open and late
    assert (
        tiles["creances_echues"].tile.value == D(1200)
        and "1\u202f200,00\u202f€ d'encours" in tiles["creances_echues"].tile.note
    )
    assert tiles["commandes"].tile.value == D(0)
    assert all(tile.tile.url.startswith("/") for tile in tiles.values())
    assert "<svg" in tiles["ca_exercice"].tile.chart
    assert not any(tile.alert for tile in tiles.values())


@pytest.mark.parametrize("day", [dt.date(2026, 3, d) for d in (10, 20, 25, 31)])
def test_the_tiles_equal_direct_sums_of_the_posted_lines(books, day):
    """The tiles read the aggregates and at most half a month of lines (`finance.figures_at`: the month's first days,
    or its last ones taken off the whole month, in one statement through the accounts' covering index): on any day
    of the month, the figures of summing the posted lines themselves."""
    from django.db.models import Sum

    from pilote.ledger.models import EntryLine

    def net(prefix, first, last=day):
        lines = EntryLine.objects.filter(is_posted=True, account__code__startswith=prefix, date__range=(first, last))
        sums = lines.aggregate(d=Sum("debit"), c=Sum("credit"))
        return (sums["d"] or D(0)) - (sums["c"] or D(0))

    tiles = {tile.key: tile.tile for tile in queries.board(books["direction"], day)}
    assert tiles["tresorerie"].value == net("5", dt.date(2026, 1, 1))  # the à-nouveaux of 1 January included
    assert tiles["ca_exercice"].value == -net("70", dt.date(2026, 1, 1))
    assert tiles["ca_mois"].value == -net("70", dt.date(2026, 3, 1))
    assert tiles["marge_brute"].value == -net("70", dt.date(2026, 1, 1)) - net("607", dt.date(2026, 1, 1))
    before = day.replace(year=2025)  # N−1 at the same day: its month to date
    assert tiles["ca_mois"].comparisons[0][1] == format_eur(-net("70", dt.date(2025, 3, 1), before))


def test_each_role_sees_its_own_indicators(books):
    quality = {"qualite_taux_reclamations", "qualite_delai_reponse", "qualite_nc_ouvertes",
               "qualite_actions_realisees", "qualite_nps"}  # fmt: skip
    assert set(_board(books["commercial"])) == {"ca_mois", "ca_exercice", "commandes", "creances_echues", *quality}
    # HR reads the quality tiles of its field (quality registers them; dashboards imports nothing of it)
    assert set(_board(books["rh"])) == {"qualite_nc_ouvertes", "qualite_actions_realisees", "qualite_nps",
                                        "qualite_actions_duerp"}  # fmt: skip
    assert _board(books["salarie"]) == {}
    assert "tresorerie" in _board(books["auditeur"])


def test_a_threshold_turns_the_tile_red_and_alerts_direction(books, client_as):
    direction = books["direction"]
    client = client_as("direction")
    response = client.post(reverse("dashboards:thresholds"), {"indicateur": "tresorerie_prevue", "seuil": "25 000,00"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="dashboards.threshold.set")
    assert event.after["seuil"] == "25\u202f000,00" and "dashboards.threshold.set" in labels()
    tiles = _board(direction)
    assert tiles["tresorerie_prevue"].alert and not tiles["tresorerie"].alert
    items = [item for item in todo.todo_items(direction) if item.kind == "Alerte"]
    assert len(items) == 1 and items[0].url == reverse("finance:treasury") and items[0].due == TODAY
    assert "21\u202f000,00\u202f€" in items[0].label
    page = client.get(reverse("core:home")).content.decode()
    assert "kpi-tile-alert" in page and "Alerte : Point bas de trésorerie prévu" in page
    # Nobody else gets the alert; removing the threshold removes it.
    assert not [i for i in todos_for(books["comptable"]) if i.kind == "Alerte"]
    client.post(reverse("dashboards:thresholds"), {"indicateur": "tresorerie_prevue", "seuil": ""})
    direction = type(direction).objects.get(pk=direction.pk)  # a new request's user: the figures are read again
    assert services.thresholds() == {} and not todo.todo_items(direction)


def test_bad_threshold_input_is_refused_in_french(books, client_as):
    client = client_as("direction")
    response = client.post(reverse("dashboards:thresholds"), {"indicateur": "nimporte", "seuil": "12"}, follow=True)
    assert "Cet indicateur n&#x27;existe pas." in response.content.decode()
    response = client.post(reverse("dashboards:thresholds"), {"indicateur": "dso", "seuil": "douze"}, follow=True)
    assert "Saisissez un nombre." in response.content.decode()
    assert services.thresholds() == {}


def test_a_negative_threshold_of_days_or_a_rate_is_refused(books, client_as):
    """Days, rates and headcounts are never negative: such a threshold would never alert (or always)."""
    client = client_as("direction")
    response = client.post(reverse("dashboards:thresholds"), {"indicateur": "dso", "seuil": "-5"}, follow=True)
    assert "Un seuil en jours ne peut pas être négatif." in response.content.decode()
    assert services.thresholds() == {}
    # A cash threshold may be under zero (an overdraft allowed down to it).
    client.post(reverse("dashboards:thresholds"), {"indicateur": "tresorerie_prevue", "seuil": "-10 000"})
    assert services.thresholds() == {"tresorerie_prevue": D(-10000)}


def test_home_page_and_dashboard_page(books, client_as):
    page = client_as("direction").get(reverse("core:home")).content.decode()
    assert "Indicateurs" in page and "9\u202f000,00\u202f€" in page
    assert f'href="{reverse("finance:diagnosis")}"' in page
    commercial = client_as("commercial").get(reverse("core:home")).content.decode()
    assert "Chiffre d&#x27;affaires du mois" in commercial and "Trésorerie du jour" not in commercial
    # rh gets the staff indicators hr registers (and nothing of finance or sales), on its home page and its own.
    rh = client_as("rh")
    assert "Trésorerie du jour" not in rh.get(reverse("core:home")).content.decode()
    board = rh.get(reverse("dashboards:dashboard"))
    assert board.status_code == 200
    shown = {p.key for p in kpi_providers_for(board.wsgi_request.user)}
    assert {"rh_effectif", "rh_absenteisme", "rh_turnover"} <= shown and "ca_mois" not in shown
    response = client_as("comptable").get(reverse("dashboards:dashboard"))
    assert response.status_code == 200 and "Marge brute" in response.content.decode()
    export = client_as("comptable").get(reverse("dashboards:dashboard") + "?export=csv")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "Marge brute;Finances;8500,00" in text


# The dashboard page's ceiling per role (measured 24 direction, 22 comptable, here as on the 1M-line load database —
# 37 and 33 there before: the tiles read the ledger's aggregates, N and N−1 together, the open items once for the
# aged receivables and the cash plan, the fiscal years once; 26 and 23 before the customers' habits were moved in
# one statement and hr read the latest contracts by subquery).
DASHBOARD_CEILING = {"direction": 25, "comptable": 23}  # the years' latest line dates: finance.figures_at


def test_dashboard_page_queries_are_bounded(books, client_as):
    """The same count with a few entries and open items as with many more, months and customers apart."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pilote.core.tests.test_home_queries import _activity

    services.set_threshold(actor=books["direction"], key="tresorerie", value=D("1000000"))

    def count(role) -> int:
        client = client_as(role)
        client.get(reverse("dashboards:dashboard"))  # the session's first request
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("dashboards:dashboard")).status_code == 200
        return len(captured.captured_queries)

    few = {role: count(role) for role in DASHBOARD_CEILING}
    _activity(books, 0, 6)
    actor = books["comptable"]
    for month in (1, 2, 3):
        for day in (3, 5, 8):
            _post(actor, dt.date(2025, month, day), ("411", "240", "0", dt.date(2025, month, day + 20)),
                  ("706", "0", "200"), ("44571", "0", "40"))  # fmt: skip
            _post(actor, dt.date(2026, month, day), ("411", "360", "0", dt.date(2026, month + 1, day)),
                  ("706", "0", "300"), ("44571", "0", "60"))  # fmt: skip
            _post(actor, dt.date(2026, month, day + 1), ("607", "100", "0"), ("44566", "20", "0"),
                  ("401", "0", "120", dt.date(2026, month + 1, day + 2)))  # fmt: skip
    many = {role: count(role) for role in DASHBOARD_CEILING}
    for role, ceiling in DASHBOARD_CEILING.items():
        assert many[role] == few[role] <= ceiling, (role, few[role], many[role])
