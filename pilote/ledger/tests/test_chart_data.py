"""The reference charts (PCG 2025, association accounts, legacy mapping): pure data checks, no database."""

from importlib import resources

import pytest

from pilote.ledger import chart_data
from pilote.ledger.chart_data import ChartAccount, account_class, legacy_mapping, load_chart, parent_code

KINDS = ["company", "association"]


def _raw_lines(filename):
    return resources.files("pilote.ledger").joinpath("data", filename).read_text(encoding="utf-8").splitlines()


def _labels(kind):
    return {account.code: account.label for account in load_chart(kind)}


@pytest.mark.parametrize(
    ("filename", "header"),
    [
        ("pcg_2025.csv", "code;label"),
        ("pcg_association.csv", "code;label"),
        ("pcg_legacy_mapping.csv", "old_code;new_code;note"),
    ],
)
def test_data_files_have_their_header_and_are_sorted_by_code(filename, header):
    lines = _raw_lines(filename)
    assert lines[0] == header
    codes = [line.split(";", 1)[0] for line in lines[1:]]
    assert codes == sorted(codes)
    assert all(line and not line.startswith("#") for line in lines)


@pytest.mark.parametrize("kind", KINDS)
def test_codes_are_digits_two_to_eight_long_unique_and_in_classes_1_to_8(kind):
    codes = [account.code for account in load_chart(kind)]
    assert codes, "empty chart"
    assert all(code.isascii() and code.isdigit() and 2 <= len(code) <= 8 for code in codes)
    assert len(codes) == len(set(codes))
    assert {account_class(code) for code in codes} == set(range(1, 9))
    assert codes == sorted(codes)


@pytest.mark.parametrize("kind", KINDS)
def test_every_account_of_three_digits_or_more_has_a_parent_in_the_chart(kind):
    codes = {account.code for account in load_chart(kind)}
    orphans = sorted(code for code in codes if len(code) >= 3 and parent_code(code, codes) is None)
    assert orphans == []


@pytest.mark.parametrize("kind", KINDS)
def test_labels_are_clean_french_text(kind):
    for account in load_chart(kind):
        assert account.label, account.code
        assert account.label == account.label.strip(), account.code
        assert "’" not in account.label and "–" not in account.label, account.code
        assert len(account.label) <= 200, account.code


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("101", "Capital"),
        ("120", "Résultat de l'exercice - bénéfice"),
        ("129", "Résultat de l'exercice - perte"),
        ("401", "Fournisseurs"),
        ("411", "Clients"),
        ("445", "État - Taxes sur le chiffre d'affaires"),
        ("4456", "Taxes sur le chiffre d'affaires déductibles"),
        ("44566", "TVA sur autres biens et services"),
        ("4457", "Taxes sur le chiffre d'affaires collectées"),
        ("44571", "TVA collectée"),
        ("512", "Banques"),
        ("530", "Caisse"),
        ("607", "Achats de marchandises"),
        ("649", "Remboursements de charges de personnel"),
        ("657", "Valeurs comptables des immobilisations incorporelles et corporelles cédées"),
        ("6671", "Valeurs comptables des immobilisations financières cédées"),
        ("681", "Dotations aux amortissements, aux dépréciations et aux provisions"
                " (à inscrire dans les charges d'exploitation)"),
        ("706", "Prestations de services"),
        ("707", "Ventes de marchandises"),
        ("708", "Produits des activités annexes"),
        ("747", "Quote-part des subventions d'investissement virée au résultat de l'exercice"),
        ("757", "Produits des cessions d'immobilisations incorporelles et corporelles"),
        ("7587", "Indemnités d'assurance"),
        ("7671", "Produits des cessions d'immobilisations financières"),
    ],
)  # fmt: skip
def test_key_accounts_of_the_2025_chart(code, label):
    assert _labels("company")[code] == label


@pytest.mark.parametrize("code", ["79", "791", "796", "797", "671", "675", "771", "775", "777", "6714", "7715"])
def test_accounts_removed_in_2025_are_absent(code):
    assert code not in _labels("company")
    assert code not in _labels("association")


def test_association_chart_adds_the_anc_2018_06_accounts_and_keeps_the_standard_ones():
    labels = _labels("association")
    company = _labels("company")
    for code in [
        "102", "103", "1051", "1052", "19", "194", "195", "196", "689", "6894", "789", "7894",
        "754", "7541", "75412", "7542", "7543", "756", "7561", "7562", "86", "864", "87", "870", "875", "4681",
    ]:  # fmt: skip
        assert code in labels, code
    for code in ["401", "411", "44571", "512", "530", "607", "706", "747", "757"]:
        assert labels[code] == company[code]
    assert set(company) <= set(labels)


def test_association_labels_replace_the_pcg_ones():
    labels = _labels("association")
    assert labels["102"] == "Fonds propres sans droit de reprise"
    assert labels["756"] == "Cotisations"
    assert labels["7541"] == "Dons manuels"
    assert labels["194"] == "Fonds dédiés sur subventions d'exploitation"
    assert _labels("company")["102"] == "Fonds fiduciaires"


def test_social_establishments_use_the_association_chart_and_the_tarification_accounts():
    social, association = _labels("social"), _labels("association")
    assert set(association) < set(social)
    assert social["864"] == "Personnel bénévole" and social["194"] == association["194"]
    assert social["7311"].startswith("Produits à la charge de l'assurance maladie") and "7311" not in association
    # Class 73 funder first, as the 2013 recast of the M22 (and the private ESSMS' chart) set it.
    assert [social[code].split(" – ")[0] for code in ("731", "732", "733", "734")] == [
        "Produits à la charge de l'assurance maladie", "Produits à la charge de l'État",
        "Produits à la charge du département", "Produits à la charge des usagers",
    ]  # fmt: skip
    assert social["735"].startswith("Produits des EHPAD") and social["7331"].endswith("personnes âgées")


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown chart kind"):
        load_chart("cooperative")


def test_load_chart_returns_a_fresh_list_of_frozen_accounts():
    chart = load_chart("company")
    chart.clear()
    assert load_chart("company")
    account = load_chart("company")[0]
    assert isinstance(account, ChartAccount)
    with pytest.raises(AttributeError):
        account.label = "x"  # type: ignore[misc]


def test_legacy_mapping_sends_removed_accounts_to_their_2025_successors():
    mapping = legacy_mapping()
    assert mapping["775"] == "757"
    assert mapping["675"] == "657"
    assert mapping["777"] == "747"
    assert mapping["7756"] == "7671"
    assert mapping["6756"] == "6671"
    assert mapping["791"] in {"649", "708", "7587"}
    company = _labels("company")
    assert not set(mapping) & set(company), "a legacy code still exists in the 2025 chart"
    assert set(mapping.values()) <= set(company), "a legacy target is not in the 2025 chart"


def test_legacy_mapping_notes_are_filled():
    for line in _raw_lines("pcg_legacy_mapping.csv")[1:]:
        old, new, note = line.split(";")
        assert note.strip(), old


def test_account_class():
    assert account_class("44566") == 4
    assert account_class("101") == 1
    assert account_class("89") == 8
    for bad in ["", "4a", "4 01", "٤٠١"]:
        with pytest.raises(ValueError):
            account_class(bad)


def test_parent_code_is_the_longest_proper_prefix_known():
    codes = {account.code for account in load_chart("company")}
    assert parent_code("44566", codes) == "4456"
    assert parent_code("4456", codes) == "445"
    assert parent_code("445", codes) == "44"
    assert parent_code("44", codes) is None
    assert parent_code("4011", codes) == "401"
    assert parent_code("4011999", codes) == "4011"  # an entity's own sub-account
    assert parent_code("401", ["4", "40", "401"]) == "40"  # never the code itself
    assert parent_code("9999", codes) is None


def test_module_does_not_import_django():
    assert "django" not in chart_data.__dict__
    source = resources.files("pilote.ledger").joinpath("chart_data.py").read_text(encoding="utf-8")
    assert "import django" not in source and "from django" not in source
