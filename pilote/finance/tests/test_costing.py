"""Full costing, pure: the FRENCH-RULES §6 worked example to the cent (reciprocal services solved exactly, work
units, purchase cost → CMUP → production cost → cost price → result), a textbook case with three auxiliary
centres, and the study's reconciliation with the financial result."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from pilote.core.exceptions import DomainError
from pilote.finance import costing
from pilote.finance.costing import Centre, CostSheet

CENTRES = [
    Centre("ADM", "Administration", True, D(19000)),
    Centre("ENT", "Entretien", True, D(3000)),
    Centre("APP", "Approvisionnement", False, D(6500)),
    Centre("ATL", "Atelier", False, D(39000)),
    Centre("DIS", "Distribution", False, D(9250)),
]
KEYS = {
    "ADM": {"ENT": D(10), "APP": D(20), "ATL": D(40), "DIS": D(30)},
    "ENT": {"ADM": D(20), "APP": D(10), "ATL": D(60), "DIS": D(10)},
}


def test_french_rules_6_secondary_allocation_with_reciprocal_services():
    allocation = costing.secondary_allocation(CENTRES, KEYS)
    assert allocation.auxiliary_totals == {"ADM": D("20000.00"), "ENT": D("5000.00")}
    assert {r.code: r.total for r in allocation.rows} == {
        "ADM": 0, "ENT": 0, "APP": D("11000.00"), "ATL": D("50000.00"), "DIS": D("15750.00"),
    }  # fmt: skip
    assert sum(r.total for r in allocation.main_rows) == D(76750)


def test_french_rules_6_work_units_and_cost_chain_to_the_cent():
    allocation = costing.secondary_allocation(CENTRES, KEYS)
    app = costing.unit_cost(allocation.total("APP"), D(5500))  # kg bought
    atl = costing.unit_cost(allocation.total("ATL"), D(2000))  # machine hours
    dis = costing.unit_cost(allocation.total("DIS"), D(180000) / 100)  # €100 of sales
    assert (app, atl, dis) == (D("2.0000"), D("25.0000"), D("8.7500"))

    purchase = CostSheet("Coût d'achat de la matière", D(5500))
    purchase.add("Prix d'achat", D(5500), D(8)).add("Centre approvisionnement", D(5500), app)
    assert purchase.total == D("55000.00") and purchase.per_unit == D(10)

    cmup = costing.weighted_average_cost(0, 0, purchase.quantity, purchase.total)
    assert cmup == D(10)

    production = CostSheet("Coût de production", D(2000))
    production.add("Matière consommée", D(5000), cmup)
    production.add("Main-d'œuvre directe", D(1500), D(20))
    production.add("Centre atelier", D(2000), atl)
    assert production.total == D("130000.00") and production.per_unit == D(65)

    cost_price = CostSheet("Coût de revient des produits vendus", D(1800))
    cost_price.add("Coût de production des produits vendus", D(1800), production.per_unit)
    cost_price.add("Commissions", amount=D(3600))
    cost_price.add("Centre distribution", D(1800), dis)
    assert [i.amount for i in cost_price.items] == [D(117000), D(3600), D(15750)]
    assert cost_price.total == D("136350.00") and cost_price.per_unit == D("75.75")

    sales = D(1800) * D(100)
    assert sales - cost_price.total == D("43650.00")
    assert (sales - cost_price.total) / 1800 == D("24.25")


def test_textbook_three_auxiliaries_solved_exactly():
    """Three auxiliary centres serving each other (a classic exercise shape: Gestion du personnel, Gestion du
    matériel, Prestations connexes — after « Comptabilité de gestion », Dunod, chapter on full costing):
    the solution satisfies X = P + Kᵀ X and the main centres receive everything."""
    centres = [
        Centre("GP", "Gestion du personnel", True, D(10000)),
        Centre("GM", "Gestion du matériel", True, D(6000)),
        Centre("PC", "Prestations connexes", True, D(4000)),
        Centre("M1", "Atelier 1", False, D(30000)),
        Centre("M2", "Atelier 2", False, D(20000)),
    ]
    keys = {
        "GP": {"GM": D(10), "PC": D(10), "M1": D(40), "M2": D(40)},
        "GM": {"GP": D(20), "PC": D(10), "M1": D(35), "M2": D(35)},
        "PC": {"GP": D(10), "GM": D(10), "M1": D(50), "M2": D(30)},
    }
    allocation = costing.secondary_allocation(centres, keys)
    x = allocation.auxiliary_totals
    for code, centre in ((c.code, c) for c in centres if c.auxiliary):
        received = sum(x[src] * keys[src].get(code, 0) / 100 for src in x)
        assert abs(centre.primary + received - x[code]) <= D("0.02")
    assert sum(r.total for r in allocation.main_rows) + sum(r.total for r in allocation.rows if r.auxiliary) == D(70000)
    assert all(abs(r.total) <= D("0.02") for r in allocation.rows if r.auxiliary)


def test_keys_must_add_up_and_a_loop_giving_everything_back_is_refused():
    with pytest.raises(DomainError, match="au lieu de 100 %"):
        costing.secondary_allocation(CENTRES, {**KEYS, "ENT": {"ADM": D(50)}})
    loop = [Centre("A", "A", True, D(1)), Centre("B", "B", True, D(1)), Centre("M", "M", False, D(1))]
    with pytest.raises(DomainError, match="ne se résolvent pas"):
        costing.secondary_allocation(loop, {"A": {"B": D(100)}, "B": {"A": D(100)}})


def test_study_reconciles_with_the_financial_result():
    study = costing.full_costing(
        CENTRES,
        KEYS,
        units={"APP": ("kg acheté", D(5500)), "ATL": ("heure machine", D(2000)), "DIS": ("100 € de ventes", D(2000))},
        products=[("P1", "Produit 1", D(180000), D(80000)), ("P2", "Produit 2", D(20000), D(9000))],
        usage={("APP", "P1"): D(5500), ("ATL", "P1"): D(1800), ("ATL", "P2"): D(150), ("DIS", "P1"): D(1800),
               ("DIS", "P2"): D(200)},
        total_expenses=D(76750) + D(89000) + D(1234),
        total_income=D(200000) + D(500),
    )  # fmt: skip
    p1, p2 = study.products
    assert p1.indirect == {"APP": D(11000), "ATL": D(45000), "DIS": D("14175.00")}
    assert study.not_absorbed == {"APP": 0, "ATL": D(1250), "DIS": 0}
    assert study.undistributed_expenses == D(1234) and study.undistributed_income == D(500)
    assert study.reconciles and study.financial_result == D(200500) - D(166984)
