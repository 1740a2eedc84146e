"""The association variant (ANC regulation 2018-06, FRENCH-RULES §10): 755 contributions in the operating
result, dedicated funds (19) among the stable resources, 6894/7894 outside the CAF, 86/87 below the result."""

from __future__ import annotations

from decimal import Decimal

from pilote.finance import balance_sheet as bs
from pilote.finance.sig import compute_sig, contributions_in_kind

D = Decimal

# A small association's year (debit − credit): fees, gifts, a contribution, an operating subsidy, staff, a
# subsidy not spent reported to dedicated funds and last year's used; volunteers valued in 86/87.
BALANCES = {
    "7561": D(-20000), "7541": D(-5000), "755": D(-3000), "74": D(-50000), "7894": D(-1000),
    "641": D(45000), "645": D(15000), "6894": D(2000),
    "864": D(4000), "875": D(-4000),
}  # fmt: skip


def test_sig_and_caf_of_an_association():
    sig = compute_sig(BALANCES, association=True)
    # Σ7 − Σ6 without 86/87: 79 000 − 62 000.
    assert sig.net_result_direct == sig.balances["resultat_net"] == D(17000)
    assert sig.balances["ebe"] == D(50000 - 60000)
    assert sig.balances["rex"] == sig.balances["rcai"] == D(17000)  # 755 is an operating resource here
    assert sig.items["contributions_financieres"] == D(3000)
    # CAF: RN + reports to dedicated funds − their uses, by both methods.
    assert sig.caf_from_ebe == sig.caf_from_net_result == D(18000)
    assert contributions_in_kind(BALANCES) == (D(4000), D(4000))


def test_a_company_reads_755_as_a_share_of_a_joint_operation():
    sig = compute_sig(BALANCES)
    assert sig.items["quote_part_benefice"] == D(3000) and sig.balances["rex"] == D(14000)
    assert sig.balances["rcai"] == D(17000) and sig.caf_from_ebe == sig.caf_from_net_result


def test_dedicated_funds_are_stable_resources():
    balances = {"102": D(-30000), "1941": D(-8000), "512": D(38000)}
    sheet = bs.functional_balance_sheet(balances)
    assert sheet.masses[bs.DEDICATED_FUNDS] == D(8000) and sheet.masses[bs.EQUITY] == D(30000)
    assert sheet.ressources_stables == D(38000) and sheet.tn == sheet.frng_minus_bfr == D(38000)
