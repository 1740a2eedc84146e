"""EN 16931 totals on tricky cases: many small lines, mixed rates, discounts, half-cents, negative
deduction lines — VAT is computed once per rate on the summed nets (BR-CO-17), never line by line."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from pilote.sales import totals
from pilote.sales.totals import PricedLine, compute_totals, line_net, net_unit_price


def test_line_net_rounds_half_away_from_zero():
    assert line_net(D(1), D("0.005")) == D("0.01")
    assert line_net(D(3), D("0.335")) == D("1.01")  # 1.005 → 1.01
    assert line_net(D(-1), D("0.005")) == D("-0.01")  # a deduction line rounds away from zero too
    assert line_net(D("2.5"), D("19.99")) == D("49.98")  # 49.975


def test_discount_gives_a_net_price_to_four_decimals():
    assert net_unit_price(D("149.90"), D(10)) == D("134.9100")
    assert net_unit_price(D("9.99"), D("33.33")) == D("6.6603")  # 6.660333 → 6.6603
    assert line_net(D(3), D("9.99"), D("33.33")) == D("19.98")  # 3 × 6.6603 = 19.9809


def test_vat_is_computed_per_rate_not_per_line():
    # 100 lines of 0.15 € at 20 %: line by line each VAT is 0.03 (3.00 in all); on the sum it is 15.00 × 20 % = 3.00.
    # 3 lines of 0.05 € at 5.5 %: line by line 0.00 each (0.00); on the sum 0.15 × 5.5 % = 0.00825 → 0.01.
    lines = [PricedLine(D("0.15"), D(20))] * 100 + [PricedLine(D("0.05"), D("5.5"))] * 3
    result = compute_totals(lines)
    assert [(g.rate, g.base, g.amount) for g in result.groups] == [
        (D("20.00"), D("15.00"), D("3.00")),
        (D("5.50"), D("0.15"), D("0.01")),
    ]
    assert (result.net, result.vat, result.gross) == (D("15.15"), D("3.01"), D("18.16"))


def test_mixed_rates_exemptions_and_reverse_charge_are_separate_groups():
    result = compute_totals(
        [
            PricedLine(D("1000.00"), D(20)),
            PricedLine(D("333.33"), D(10)),
            PricedLine(D("45.45"), D("2.1")),
            PricedLine(D("500.00"), D(0), "Exonération de TVA, article 261-4-4° du CGI"),
            PricedLine(D("200.00"), D(0), "Autoliquidation"),
        ]
    )
    assert [(g.category, g.rate, g.base, g.amount) for g in result.groups] == [
        ("S", D("20.00"), D("1000.00"), D("200.00")),
        ("S", D("10.00"), D("333.33"), D("33.33")),  # 33.333
        ("S", D("2.10"), D("45.45"), D("0.95")),  # 0.95445
        ("AE", D("0.00"), D("200.00"), D("0.00")),
        ("E", D("0.00"), D("500.00"), D("0.00")),
    ]
    assert (result.net, result.vat, result.gross) == (D("2078.78"), D("234.28"), D("2313.06"))


def test_deposit_deduction_can_make_a_rate_negative():
    result = compute_totals([PricedLine(D("100.00"), D("5.5")), PricedLine(D("-173.50"), D("5.5"))])
    assert result.groups[0].base == D("-73.50") and result.groups[0].amount == D("-4.04")  # −4.0425


amounts = st.decimals(min_value=D("-500"), max_value=D("5000"), places=2, allow_nan=False, allow_infinity=False)
rates = st.sampled_from([D(20), D(10), D("5.5"), D("2.1")])


@given(st.lists(st.tuples(amounts, rates), min_size=1, max_size=60))
def test_totals_always_add_up(items):
    result = compute_totals(PricedLine(net, rate) for net, rate in items)
    assert result.net == sum((net for net, _ in items), D(0))
    assert result.gross == result.net + result.vat
    for group in result.groups:
        base = sum((net for net, rate in items if rate == group.rate), D(0))
        assert group.base == base
        assert group.amount == totals.round_eur(base * group.rate / 100)
        assert abs(group.amount - base * group.rate / 100) <= D("0.005")
