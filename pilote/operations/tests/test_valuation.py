"""CMUP after each entry, checked by hand (the worked example of valuation.py's docstring), and FIFO beside it."""

from decimal import Decimal as D

from pilote.operations import valuation


def test_weighted_average_cost_recomputed_at_each_entry_by_hand():
    state = valuation.State()
    state, value = valuation.enter(state, D(100), D("10.00"))
    assert (state.quantity, state.value, state.average, value) == (D(100), D("1000.00"), D("10.0000"), D("1000.00"))
    # CMUP = (1 000,00 + 50 × 13,00) ÷ (100 + 50) = 1 650,00 ÷ 150 = 11,00
    state, value = valuation.enter(state, D(50), D("13.00"))
    assert (state.value, state.average, value) == (D("1650.00"), D("11.0000"), D("650.00"))
    # 120 out at the CMUP: 1 320,00; 30 left worth 330,00; the CMUP does not move on an exit.
    state, value = valuation.leave(state, D(120))
    assert (state.quantity, state.value, state.average, value) == (D(30), D("330.00"), D("11.0000"), D("1320.00"))
    # CMUP = (330,00 + 70 × 12,00) ÷ 100 = 1 170,00 ÷ 100 = 11,70
    state, value = valuation.enter(state, D(70), D("12.00"))
    assert (state.quantity, state.value, state.average) == (D(100), D("1170.00"), D("11.7000"))
    # Under FIFO the 100 left would be the 30 of the second receipt at 13,00 and the 70 at 12,00 = 1 230,00.
    assert valuation.fifo_value([(D(100), D(10)), (D(50), D(13)), (D(70), D(12))], D(120)) == D("1230.00")


def test_the_last_units_take_the_value_left_so_an_empty_stock_is_worth_nothing():
    state, _ = valuation.enter(valuation.State(), D(3), D("10.00"))
    state, _ = valuation.enter(state, D(3), D("10.01"))  # CMUP 10,005 → 10,0050; value 60,03
    state, first = valuation.leave(state, D(1))
    assert first == D("10.01")  # 1 × 10,005 rounded half up
    state, rest = valuation.leave(state, D(5))
    assert rest == D("50.02") and state.value == 0 and state.quantity == 0


def test_an_empty_stock_takes_the_cost_of_its_next_entry():
    state, _ = valuation.enter(valuation.State(), D(2), D("5"))
    state, _ = valuation.leave(state, D(2))
    state, _ = valuation.enter(state, D(4), D("7.5"))
    assert (state.value, state.average) == (D("30.00"), D("7.5000"))
