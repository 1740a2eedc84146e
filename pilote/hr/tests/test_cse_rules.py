"""CSE election rules, pure (FRENCH-RULES §8): no database."""

import datetime as dt
import io
import json
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pilote.hr import cse


@pytest.mark.parametrize(
    ("headcount", "seats", "hours"),
    [
        (0, 0, 0), (10, 0, 0), (10.99, 0, 0), (11, 1, 10), (24, 1, 10), (24.9, 1, 10), (25, 2, 10), (49, 2, 10),
        (50, 4, 18), (74, 4, 18), (75, 5, 19), (99, 5, 19), (100, 6, 21), (124, 6, 21), (125, 7, 21),
        (149, 7, 21), (150, 8, 21), (174, 8, 21), (175, 9, 21), (199, 9, 21), (200, 10, 22), (249, 10, 22),
        (250, 11, 22), (399, 11, 22), (400, 12, 22), (499, 12, 22), (500, 13, 24), (599, 13, 24),
        (600, 14, 24), (799, 14, 24), (800, 15, 24), (899, 15, 24), (900, 16, 24), (999, 16, 24),
        (1000, 17, 24), (1249, 17, 24), (1500, 20, 26), (4750, 28, 28), (5750, 30, 29), (6000, 31, 29),
        (7750, 32, 32), (9750, 34, 34), (9999, 34, 34), (10000, 35, 34), (250000, 35, 34),
    ],
)  # fmt: skip
def test_r2314_1_at_each_band_edge(headcount, seats, hours):
    assert cse.delegation(headcount) == cse.Delegation(seats, hours)


def test_the_table_is_ordered_and_never_decreases():
    lows = [row[0] for row in cse.R2314_1]
    assert lows == sorted(lows) and len(set(lows)) == len(lows)
    assert all(a[1] <= b[1] and a[2] <= b[2] for a, b in zip(cse.R2314_1, cse.R2314_1[1:], strict=False))


def test_legal_headcount_prorates_part_timers_and_fixed_terms_and_leaves_out_apprentices():
    workers = [cse.Worker(dt.date(2020, 1, 1), None) for _ in range(10)]
    workers += [
        cse.Worker(dt.date(2020, 1, 1), None, "17.5"),  # half time: 0.5
        cse.Worker(dt.date(2025, 6, 16), dt.date(2025, 6, 30), 35, "cdd"),  # half of June
        cse.Worker(dt.date(2020, 1, 1), None, 35, "apprentissage"),
        cse.Worker(dt.date(2020, 1, 1), None, 35, "stage"),
    ]
    assert cse.month_headcount(workers, 2025, 6) == Fraction(11)
    assert cse.month_headcount(workers, 2025, 7) == Fraction(21, 2)
    count = cse.legal_headcount(workers, dt.date(2026, 1, 10))
    assert [m for m, _ in count.months][0] == (2025, 1) and [m for m, _ in count.months][-1] == (2025, 12)
    assert not count.due and count.delegation == cse.Delegation(0, 0)
    workers.append(cse.Worker(dt.date(2020, 1, 1), None, 17.5))
    count = cse.legal_headcount(workers, dt.date(2026, 1, 10))
    assert count.due and count.delegation == cse.Delegation(1, 10)


def test_colleges_single_two_or_three():
    assert [c.number for c in cse.colleges(1, 0)] == [0]
    assert [c.number for c in cse.colleges(2, 24)] == [1, 2]
    assert cse.colleges(2, 24)[1].categories == (cse.SUPERVISORS, cse.EXECUTIVES)
    assert [c.number for c in cse.colleges(6, 25)] == [1, 2, 3]
    assert cse.split_seats(4, [30, 20]) == [2, 2] and cse.split_seats(5, [40, 9, 1]) == [3, 1, 1]


def test_gender_shares_round_half_up_and_parity_gives_one_to_either():
    assert cse.gender_split(5, 62, 38) == cse.GenderSplit(3, 2, 0)  # FRENCH-RULES §8's example
    assert cse.gender_split(3, 1, 1) == cse.GenderSplit(1, 1, 1)
    assert cse.gender_split(4, 1, 1) == cse.GenderSplit(2, 2, 0)
    assert cse.gender_split(2, 9, 1) == cse.GenderSplit(2, 0, 0)


def test_quorum_is_half_of_the_registered_on_valid_votes():
    assert cse.quorum_reached(100, 50) and not cse.quorum_reached(100, 49) and not cse.quorum_reached(0, 0)
    assert cse.quorum_reached(101, 51) and not cse.quorum_reached(101, 50)


def _example():
    lists = [cse.make_list("A", [96] * 5), cse.make_list("B", [62, 54, 62, 62, 62]), cse.make_list("C", [42] * 3)]
    return cse.allocate(6, 200, lists)


def test_the_french_rules_example_to_the_seat():
    allocation = _example()
    assert allocation.quotient == Fraction(200, 6)
    assert [item.average for item in allocation.lists] == [96, Fraction(302, 5), 42]
    assert [item.quotient_seats for item in allocation.lists] == [2, 1, 1]
    first, second = allocation.rounds
    assert first.averages == {"A": 32, "B": Fraction(302, 10), "C": 21} and first.winner == "A"
    assert second.averages == {"A": 24, "B": Fraction(302, 10), "C": 21} and second.winner == "B"
    assert allocation.seats_by_list() == {"A": 3, "B": 2, "C": 1}
    rows, changed = cse.elected([62, 54, 62, 62, 62], 62, 2)
    assert [row.position for row in rows if row.elected] == [1, 3] and changed
    assert rows[1].crossings_out == 8 and rows[1].counted == 54


def test_crossings_out_under_ten_percent_leave_the_list_order():
    rows, changed = cse.elected([100, 91, 100], 100, 1)  # 9 % on the first: ignored
    assert [row.position for row in rows if row.elected] == [1] and not changed
    rows, changed = cse.elected([90, 100, 100], 100, 1)  # 10 % exactly: counted
    assert [row.position for row in rows if row.elected] == [2] and changed


def test_a_list_never_gets_more_seats_than_candidates_and_ties_go_to_votes_then_age():
    allocation = cse.allocate(4, 100, [cse.make_list("A", [90]), cse.make_list("B", [10, 10, 10])])
    assert allocation.seats_by_list() == {"A": 1, "B": 3}
    tied = cse.allocate(1, 100, [cse.make_list("X", [40], oldest_birth=dt.date(1990, 1, 1)),
                                 cse.make_list("Y", [40], oldest_birth=dt.date(1970, 1, 1))])  # fmt: skip
    assert tied.seats_by_list() == {"X": 0, "Y": 1} and not tied.rounds[0].tie
    with pytest.raises(ValueError, match="dépassent"):
        cse.allocate(2, 50, [cse.make_list("A", [40]), cse.make_list("B", [40])])


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_integrators_commands_print_json():
    assert json.loads(_run("cse_seats", "--headcount", "18")) == {"seats": 1, "hours": 10}
    assert json.loads(_run("cse_seats", "--headcount", "50")) == {"seats": 4, "hours": 18}
    printed = _run("cse_allocate", "--seats", "6", "--suffrages", "200", "--list", "A=96,96,96,96,96",
                   "--list", "B=62,54,62,62,62", "--list", "C=42,42,42")  # fmt: skip
    assert json.loads(printed) == {"A": 3, "B": 2, "C": 1}
    with pytest.raises(CommandError, match="NOM="):
        _run("cse_allocate", "--seats", "2", "--suffrages", "10", "--list", "A")
    with pytest.raises(CommandError, match="positif"):
        _run("cse_seats", "--headcount", "-3")
