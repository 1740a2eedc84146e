from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pilote.lib.money import from_cents, round_eur, split_amount, to_cents


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2.675", "2.68"), ("2.665", "2.67"), ("-2.675", "-2.68"), ("0.005", "0.01"), ("10", "10.00"), ("1.994", "1.99")],
)
def test_round_eur_is_half_up_away_from_zero(value, expected):
    assert round_eur(value) == Decimal(expected)


def test_round_eur_refuses_floats():
    with pytest.raises(TypeError):
        round_eur(0.1)


def test_round_eur_accepts_french_thousands_spaces():
    assert round_eur("1\u202f234.5") == Decimal("1234.50")


def test_split_amount_example_adds_up():
    assert split_amount("100.00", [1, 1, 1]) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


@given(
    total=st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    weights=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12).filter(any),
)
def test_split_amount_parts_always_add_up(total, weights):
    parts = split_amount(total, weights)
    assert sum(parts, Decimal(0)) == round_eur(total)
    assert all(p == round_eur(p) for p in parts)


def test_cents_round_trip():
    assert to_cents("1234.56") == 123456
    assert from_cents(123456) == Decimal("1234.56")
    assert from_cents(-5) == Decimal("-0.05")
