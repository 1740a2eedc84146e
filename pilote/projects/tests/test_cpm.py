"""Critical path on published networks: forward and backward passes, floats, lags, start-to-start links, a
constraint, cycles refused, and the dates in working days around French public holidays."""

import datetime as dt

import pytest

from pilote.projects.cpm import FS, SS, CycleError, Link, Task, dates, offset_of, schedule, working_day


def test_textbook_network_with_a_parallel_path():
    """Studylib « Example 1: Draw the network for the events in Table 1 » (design prototype A 6 h, obtain
    materials B 2, order parts C 2, manufacture parts D 3, assembly 1 F 2, assembly 2 E 4, final assembly G 1;
    https://studylib.net/doc/8378728): critical path A-B-D-E-G in 16, C and F with one unit of slack."""
    tasks = [Task("A", 6), Task("B", 2), Task("C", 2), Task("D", 3), Task("F", 2), Task("E", 4), Task("G", 1)]
    links = [
        Link("A", "B"),
        Link("A", "C"),
        Link("B", "D"),
        Link("C", "F"),
        Link("D", "E"),
        Link("F", "E"),
        Link("E", "G"),
    ]
    result = schedule(tasks, links)
    assert result.duration == 16
    table = {
        k: (t.early_start, t.early_finish, t.late_start, t.late_finish, t.total_float)
        for k, t in result.timings.items()
    }
    assert table == {
        "A": (0, 6, 0, 6, 0),
        "B": (6, 8, 6, 8, 0),
        "D": (8, 11, 8, 11, 0),
        "E": (11, 15, 11, 15, 0),
        "G": (15, 16, 15, 16, 0),
        "C": (6, 8, 7, 9, 1),
        "F": (8, 10, 9, 11, 1),
    }
    assert result.critical_path() == ["A", "B", "D", "E", "G"]
    assert result.timings["C"].free_float == 0 and result.timings["F"].free_float == 1


def test_lags_leads_start_to_start_and_a_not_before_constraint():
    # Concrete is poured (3 days), must cure 2 days before walls go up (FS + 2); painting starts 1 day after
    # the walls start (SS + 1) and lasts 2; the delivery of windows comes no earlier than day 7.
    tasks = [Task("béton", 3), Task("murs", 4), Task("peinture", 2), Task("fenêtres", 1, not_before=7), Task("fin", 0)]
    links = [
        Link("béton", "murs", FS, 2),
        Link("murs", "peinture", SS, 1),
        Link("murs", "fenêtres", FS, -1),  # a lead: the windows can go in on the walls' last day
        Link("peinture", "fin"),
        Link("fenêtres", "fin"),
    ]
    result = schedule(tasks, links)
    t = result.timings
    assert (t["murs"].early_start, t["murs"].early_finish) == (5, 9)
    assert (t["peinture"].early_start, t["peinture"].early_finish) == (6, 8)
    assert (t["fenêtres"].early_start, t["fenêtres"].early_finish) == (8, 9)  # max(constraint 7, 9 − 1)
    assert result.duration == 9 and t["fin"].early_start == 9
    assert t["peinture"].total_float == 1 and t["fenêtres"].critical and t["murs"].critical and t["béton"].critical
    # Start-to-start backwards: the walls may start as late as painting's latest start minus the lag.
    assert t["peinture"].late_start == 7 and t["murs"].late_start == 5


def test_a_cycle_is_refused_with_its_tasks():
    with pytest.raises(CycleError, match="boucle entre : B, C"):
        schedule([Task("A", 1), Task("B", 1), Task("C", 1)], [Link("A", "B"), Link("B", "C"), Link("C", "B")])
    with pytest.raises(CycleError):
        schedule([Task("A", 1)], [Link("A", "A")])


def test_working_days_skip_weekends_and_french_public_holidays():
    monday = dt.date(2026, 12, 21)
    assert working_day(monday, 0) == monday
    assert working_day(monday, 3) == dt.date(2026, 12, 24)
    assert working_day(monday, 4) == dt.date(2026, 12, 28)  # Friday 25 is Christmas, then the weekend
    assert working_day(dt.date(2026, 12, 26), 0) == dt.date(2026, 12, 28)  # a Saturday start moves to Monday
    assert working_day(dt.date(2026, 12, 24), 1, alsace_moselle=True) == dt.date(2026, 12, 28)
    result = schedule([Task("A", 5), Task("jalon", 0)], [Link("A", "jalon")])
    assert dates(monday, result.timings["A"]) == (monday, dt.date(2026, 12, 28))
    assert dates(monday, result.timings["jalon"]) == (dt.date(2026, 12, 29), dt.date(2026, 12, 29))


def test_a_date_becomes_its_working_day_offset_and_back():
    monday = dt.date(2026, 12, 21)
    assert offset_of(monday, None) == 0 and offset_of(monday, dt.date(2026, 12, 1)) == 0
    assert offset_of(monday, dt.date(2026, 12, 28)) == 4  # Christmas and the weekend are not counted
    assert offset_of(monday, dt.date(2026, 12, 26)) == 4  # a Saturday: the next working day's offset
    for offset in range(30):
        assert offset_of(monday, working_day(monday, offset)) == offset
