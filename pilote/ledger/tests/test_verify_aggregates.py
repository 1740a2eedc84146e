"""`verify_ledger` compares the stored aggregates with the lines in the database (accounts' monthly rows, analytic
rows) or by merging both sides in key order (open items), never holding a year's keys: each change of a stored row
or of a line is still found, exactly where the straightforward comparison of whole dicts finds it."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal as D

import pytest
from django.db import connection

from pilote.ledger import analytics, lettering, open_items, services, verify
from pilote.ledger.models import AccountBalance, EntryLine, EntryStatus, FiscalYear, OpenItemParty
from pilote.ledger.tests.test_inalterability import lift_triggers

pytestmark = pytest.mark.django_db
L = services.LineInput


def _post(books, journal, day, ref, lines):
    return services.create_entry(
        actor=books["actor"], journal=books["j"][journal], date=day, label=ref, piece_ref=ref, post=True, lines=lines
    )


@pytest.fixture
def ledger(books):
    """Two months of sales to a customer (one with a due date), an opening entry, a receipt lettered partially with
    its invoice, another lettered in full, and an open purchase."""
    a, me = books["a"], books["customer"]
    _post(books, "AN", dt.date(2026, 1, 1), "AN", [L(a["512"], debit=D("500.00")), L(a["101"], credit=D("500.00"))])
    jan = _post(books, "VT", dt.date(2026, 1, 10), "F1", [L(a["411"], debit=D("1200.00"), auxiliary=me,
                due_date=dt.date(2026, 2, 9)), L(a["707"], credit=D("1200.00"))])  # fmt: skip
    feb = _post(books, "VT", dt.date(2026, 2, 5), "F2", [L(a["411"], debit=D("333.33"), auxiliary=me),
                                                         L(a["707"], credit=D("333.33"))])  # fmt: skip
    first = _post(books, "BQ", dt.date(2026, 2, 15), "R1", [L(a["512"], debit=D("400.00")),
                                                            L(a["411"], credit=D("400.00"), auxiliary=me)])  # fmt: skip
    paid = _post(books, "BQ", dt.date(2026, 3, 1), "R2", [L(a["512"], debit=D("333.33")),
                                                          L(a["411"], credit=D("333.33"), auxiliary=me)])  # fmt: skip
    _post(books, "AC", dt.date(2026, 3, 20), "FA", [L(a["606"], debit=D("88.88")),
          L(a["401"], credit=D("88.88"), auxiliary=books["supplier"], due_date=dt.date(2026, 4, 30))])  # fmt: skip

    def line(entry):
        return entry.lines.get(account__code="411")

    lettering.letter_lines(actor=books["actor"], lines=[line(jan), line(first)], partial=True)
    lettering.letter_lines(actor=books["actor"], lines=[line(feb), line(paid)])
    return books


def _straightforward_balance_differences(year_id: int) -> list[tuple]:
    """What `verify` compared before (whole dicts of a year's keys): the reference the SQL must agree with."""
    expected: dict[tuple, list] = defaultdict(lambda: [D(0), D(0), 0])
    lines = EntryLine.objects.filter(fiscal_year_id=year_id, entry__status=EntryStatus.POSTED).values_list(
        "entry__fiscal_year_id", "account_id", "auxiliary_id", "entry__date", "entry__journal__kind", "debit", "credit"
    )
    for entry_year, account, auxiliary, day, kind, debit, credit in lines:
        month = (day.year, day.month, kind == "opening")
        for key in [(entry_year, account, 0, month)] + ([(entry_year, account, auxiliary, month)] if auxiliary else []):
            expected[key][0] += debit
            expected[key][1] += credit
            expected[key][2] += 1
    stored: dict[tuple, list] = defaultdict(lambda: [D(0), D(0), 0])
    for row in AccountBalance.objects.filter(fiscal_year_id=year_id):
        sums = stored[(year_id, row.account_id, row.aux_key, (row.month.year, row.month.month, row.is_opening))]
        sums[0] += row.debit
        sums[1] += row.credit
        sums[2] += row.line_count
    zero = [D(0), D(0), 0]
    return sorted(key for key in set(expected) | set(stored) if expected.get(key, zero) != stored.get(key, zero))


def _execute(sql, params=(), *, lines=False):
    with connection.cursor() as cursor:
        if lines:
            lift_triggers(cursor)
        cursor.execute(sql, list(params))


BALANCE_CHANGES = {
    "debit": "UPDATE ledger_accountbalance SET debit = debit + 1 WHERE account_id = {a707}",
    "credit": "UPDATE ledger_accountbalance SET credit = credit + 1 WHERE aux_key = {customer}",
    "line count": "UPDATE ledger_accountbalance SET line_count = line_count + 1 WHERE account_id = {a606}",
    "month": "UPDATE ledger_accountbalance SET month = '2026-05-01' WHERE account_id = {a606}",
    "à-nouveaux flag": "UPDATE ledger_accountbalance SET is_opening = NOT is_opening WHERE account_id = {a101}",
    "row deleted": "DELETE FROM ledger_accountbalance WHERE account_id = {a512} AND is_opening = {false}",
    "row moved to a third party": "UPDATE ledger_accountbalance SET aux_key = {supplier} WHERE aux_key = {customer}",
    "line amount": "UPDATE ledger_entryline SET debit = debit + 7 WHERE account_id = {a606}",
    "line account": "UPDATE ledger_entryline SET account_id = {a706} WHERE account_id = {a707}",
    "line third party": "UPDATE ledger_entryline SET auxiliary_id = NULL WHERE account_id = {a401}",
    "line's copy of the year": "UPDATE ledger_entryline SET fiscal_year_id = {other} WHERE account_id = {a606}",
}


@pytest.mark.parametrize("change", list(BALANCE_CHANGES))
def test_each_change_of_an_account_aggregate_or_a_line_is_found_where_whole_dicts_find_it(ledger, change):
    other = FiscalYear.objects.create(start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31))
    a = ledger["a"]
    names = {f"a{code}": account.pk for code, account in a.items()}
    sql = BALANCE_CHANGES[change].format(
        **names, customer=ledger["customer"].pk, supplier=ledger["supplier"].pk, other=other.pk,
        false="false" if connection.vendor == "postgresql" else "0",
    )  # fmt: skip
    years = [ledger["year"].pk, other.pk]
    assert all(verify._balance_differences(year) == [] for year in years)
    _execute(sql, lines=change.startswith("line"))
    found = [verify._balance_differences(year) for year in years]
    assert found == [_straightforward_balance_differences(year) for year in years]
    assert any(found)
    assert any(problem.startswith("Soldes agrégés faux") for problem in verify.check_balances())


def _reference_open_item_mismatches() -> set:
    stored, recomputed = open_items.stored(), open_items.recompute()
    return {key for key in set(stored) | set(recomputed) if stored.get(key) != recomputed.get(key)}


OPEN_ITEM_CHANGES = {
    "party debit": "UPDATE ledger_openitemparty SET debit = debit + 1 WHERE account_id = {a411}",
    "party count": "UPDATE ledger_openitemparty SET line_count = line_count + 1 WHERE account_id = {a401}",
    "party date": "UPDATE ledger_openitemparty SET date = '2026-06-30' WHERE account_id = {a401}",
    "party expected date": "UPDATE ledger_openitemparty SET expected = '2026-07-01' WHERE account_id = {a411}",
    "party due-date flag": "UPDATE ledger_openitemparty SET has_due_date = NOT has_due_date WHERE account_id = {a401}",
    "party row deleted": "DELETE FROM ledger_openitemparty WHERE account_id = {a411}",
    "party row moved": "UPDATE ledger_openitemparty SET aux_key = {supplier} WHERE account_id = {a411}",
    "party total debit": "UPDATE ledger_openitempartytotal SET debit = debit + 1 WHERE account_id = {a411}",
    "party total count": "UPDATE ledger_openitempartytotal SET line_count = line_count - 1 WHERE account_id = {a401}",
    "party total deleted": "DELETE FROM ledger_openitempartytotal WHERE account_id = {a411}",
    "party total moved": "UPDATE ledger_openitempartytotal SET aux_key = {supplier} WHERE account_id = {a411}",
    "party total added": "INSERT INTO ledger_openitempartytotal (fiscal_year_id, account_id, aux_key, debit, credit, "
    "line_count) SELECT fiscal_year_id, account_id, aux_key + 1000, debit, credit, line_count "
    "FROM ledger_openitempartytotal",
    "cash plan credit": "UPDATE ledger_openitembalance SET credit = credit + 1 WHERE account_id = {a401}",
    "cash plan row deleted": "DELETE FROM ledger_openitembalance WHERE account_id = {a411}",
    "cash plan date": "UPDATE ledger_openitembalance SET expected = '2026-08-01' WHERE account_id = {a411}",
    "line amount": "UPDATE ledger_entryline SET credit = credit + 5 WHERE account_id = {a401}",
    "line due date": "UPDATE ledger_entryline SET due_date = '2026-05-31' WHERE account_id = {a401}",
    "partial matching's line": (
        "UPDATE ledger_entryline SET debit = debit + 3 WHERE debit > 0 AND entry_id IN "
        "(SELECT id FROM ledger_entry WHERE piece_ref = 'F1')"
    ),
    "full matching undone": "DELETE FROM ledger_matchedline WHERE matching_id IN "
    "(SELECT id FROM ledger_matching WHERE is_partial = {false})",
}


@pytest.mark.parametrize("change", list(OPEN_ITEM_CHANGES))
def test_each_change_of_an_open_item_aggregate_is_found_where_whole_dicts_find_it(ledger, change):
    assert OpenItemParty.objects.exists() and list(open_items.mismatches()) == []
    names = {f"a{code}": account.pk for code, account in ledger["a"].items()}
    false = "false" if connection.vendor == "postgresql" else "0"
    _execute(OPEN_ITEM_CHANGES[change].format(**names, supplier=ledger["supplier"].pk, false=false),
             lines=change.startswith(("line", "partial")))  # fmt: skip
    found = list(open_items.mismatches())
    assert found and set(found) == _reference_open_item_mismatches()
    assert len(found) == len(set(found))
    assert "Le cumul des pièces non lettrées ne correspond plus" in " ".join(verify.check_derived_aggregates())


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_analyticbalance SET debit = debit + 1",
        "UPDATE ledger_analyticbalance SET month = '2026-04-01'",
        "UPDATE ledger_analyticbalance SET month = '2026-03-02'",
        "DELETE FROM ledger_analyticbalance",
        "UPDATE ledger_analyticline SET credit = credit + 1",
    ],
)
def test_each_change_of_an_analytic_aggregate_is_found(books, sql):
    section = analytics.create_section(
        actor=books["actor"], axis=analytics.create_axis(actor=books["actor"], code="act", label="Activité"),
        code="CONSEIL", label="Conseil",
    )  # fmt: skip
    a = books["a"]
    _post(books, "AC", dt.date(2026, 3, 10), "FA", [L(a["606"], debit=D("100.01"), analytic=[(section, D("100"))]),
          L(a["401"], credit=D("100.01"), auxiliary=books["supplier"])])  # fmt: skip
    assert not verify._analytic_differences()
    _execute(sql)
    assert analytics.stored_balances() != analytics.recompute_balances()
    assert verify._analytic_differences()
    assert "Les cumuls analytiques ne correspondent plus aux lignes ventilées." in verify.check_derived_aggregates()
