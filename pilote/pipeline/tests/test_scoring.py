"""The go/no-go score: a pure function over Decimals."""

from decimal import Decimal

import pytest

from pilote.pipeline.scoring import DEFAULT_CRITERIA, weighted_score


def test_weighted_percentage_of_the_maximum():
    # (3×5 + 2×4 + 1×0) / (6×5) = 23/30 = 76.666… → 76.7 %
    result = weighted_score([(3, 5), (2, 4), (1, 0)], threshold=60)
    assert result.percent == Decimal("76.7")
    assert isinstance(result.percent, Decimal)
    assert (result.scored, result.total, result.complete, result.recommendation) == (3, 3, True, "go")


def test_threshold_is_inclusive_and_below_means_no_go():
    assert weighted_score([(1, 3)], threshold=60).recommendation == "go"  # exactly 60.0 %
    assert weighted_score([(1, 3), (1, 2)], threshold=60).recommendation == "no_go"  # 50 %


def test_unscored_criteria_give_no_recommendation_yet():
    assert weighted_score([(2, None), (1, None)]).percent is None
    partial = weighted_score([(2, 5), (1, None)])
    assert partial.percent == Decimal("100.0")  # over what is scored so far…
    assert partial.recommendation == "incomplete" and not partial.complete  # …but no go before the end
    assert weighted_score([]).recommendation == "incomplete"


def test_rounding_is_half_up_to_a_tenth():
    # 1/6 = 16.666… → 16.7 ; 1/8 = 12.5 exactly
    assert weighted_score([(1, 1), (5, 0)]).percent == Decimal("3.3")
    assert weighted_score([(1, 5), (7, 0)]).percent == Decimal("12.5")
    assert weighted_score([(1, 1), (2, 0)]).percent == Decimal("6.7")  # 6.666…


@pytest.mark.parametrize("rows", [[(0, 3)], [(-1, 3)], [(1, 6)], [(1, -1)]])
def test_bad_weights_and_scores_are_refused(rows):
    with pytest.raises(ValueError):
        weighted_score(rows)


def test_default_grid_has_the_six_usual_criteria():
    labels = [label for label, _ in DEFAULT_CRITERIA]
    assert len(labels) == 6 and labels[0] == "Adéquation à notre savoir-faire"
    assert weighted_score([(w, 5) for _, w in DEFAULT_CRITERIA]).percent == Decimal("100.0")
