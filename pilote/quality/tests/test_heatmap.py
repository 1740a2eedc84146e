"""The heat map places each risk in its cell (likelihood column, impact row), before and after treatment,
and the levels follow the scale's thresholds."""

import re

import pytest
from django.urls import reverse

from pilote.quality import scoring


def test_levels_follow_the_scale():
    assert [scoring.level(s, 4) for s in (1, 3, 4, 6, 8, 9, 12, 16)] == [
        "low", "low", "medium", "medium", "high", "high", "critical", "critical"]  # fmt: skip
    assert [scoring.level(s, 5) for s in (4, 5, 9, 10, 14, 15, 25)] == [
        "low", "medium", "medium", "high", "high", "critical", "critical"]  # fmt: skip
    assert scoring.score_range("high", 5) == (10, 14) and scoring.score_range("critical", 4) == (12, 16)


def test_each_risk_lands_in_its_cell():
    grid = scoring.heat_map([(1, 4, "R-001", "/1"), (3, 2, "R-002", "/2"), (3, 2, "R-003", "/3")], 4)
    assert len(grid.rows) == 4 and all(len(row) == 4 for row in grid.rows)
    assert grid.rows[0][0].impact == 4 and grid.rows[0][0].likelihood == 1  # top left: rare but critical
    assert [ref for ref, _ in grid.cell_of(1, 4).refs] == ["R-001"]
    assert [ref for ref, _ in grid.cell_of(3, 2).refs] == ["R-002", "R-003"]
    placed = sum(cell.count for row in grid.rows for cell in row)
    assert placed == 3
    assert grid.cell_of(4, 4).level == "critical" and grid.cell_of(1, 1).level == "low"
    # positions are computed here: column by likelihood, row by impact (top = highest)
    assert (grid.cell_of(3, 2).x, grid.cell_of(3, 2).y) == (grid.margin + 2 * grid.cell, 2 * grid.cell)


def test_a_crowded_cell_shows_three_references_and_counts_the_rest():
    grid = scoring.heat_map([(2, 2, f"R-00{n}", f"/{n}") for n in range(1, 6)], 5)
    cell = grid.cell_of(2, 2)
    assert [ref for ref, *_ in cell.shown] == ["R-001", "R-002", "R-003"] and cell.more == 2


CELL = re.compile(r'<g class="heat-cell" data-likelihood="(\d)" data-impact="(\d)" data-count="(\d+)">(.*?)</g>', re.S)


def _cells(svg: str) -> dict:
    return {
        (int(p), int(i)): re.findall(r'class="heat-ref"[^>]*>(R-\d{3})<', body) for p, i, _, body in CELL.findall(svg)
    }


@pytest.mark.django_db
def test_the_page_draws_both_maps_with_each_risk_in_its_cell(client_as, make_risk):
    a = make_risk(likelihood=4, impact=3, residual_likelihood=2, residual_impact=3)
    b = make_risk(
        title="Impayé", category="financial", likelihood=1, impact=2, residual_likelihood=1, residual_impact=1
    )
    page = client_as("auditeur").get(reverse("quality:heatmap")).content.decode()
    before_svg, after_svg = page.split('<figure class="heatmap">')[1:3]
    before, after = _cells(before_svg), _cells(after_svg)
    assert len(before) == 16 and len(after) == 16  # a 1–4 grid by default
    assert before[(4, 3)] == [a.reference] and before[(1, 2)] == [b.reference]
    assert after[(2, 3)] == [a.reference] and after[(1, 1)] == [b.reference]
    assert sum(len(refs) for refs in before.values()) == 2
    assert 'style="' not in page and "<script>" not in page
    filtered = client_as("auditeur").get(reverse("quality:heatmap") + "?nature=financial").content.decode()
    assert a.reference not in filtered and b.reference in filtered
