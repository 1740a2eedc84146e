import pytest
from django.core.exceptions import ValidationError

from pilote.lib import identifiers


def test_valid_siren_is_compacted():
    assert identifiers.clean_siren("912 345 675") == "912345675"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("912345676", "clé de contrôle est fausse"),
        ("91234567", "9 chiffres"),
        ("91234567A", "que des chiffres"),
    ],
)
def test_invalid_siren_gets_a_french_reason(value, message):
    with pytest.raises(ValidationError) as info:
        identifiers.clean_siren(value)
    assert message in info.value.messages[0]


def test_siret_must_belong_to_the_siren():
    assert identifiers.clean_siret("912 345 675 00017", "912345675") == "91234567500017"
    with pytest.raises(ValidationError, match="9 chiffres du SIREN"):
        identifiers.clean_siret("73282932000074", "912345675")


def test_siret_with_wrong_key_is_refused():
    with pytest.raises(ValidationError, match="clé de contrôle"):
        identifiers.clean_siret("91234567500018")


def test_vat_number_is_derived_from_siren_with_country_code():
    assert identifiers.vat_from_siren("912345675") == "FR65912345675"


def test_vat_number_must_match_siren():
    assert identifiers.clean_vat("fr 65 912345675", "912345675") == "FR65912345675"
    with pytest.raises(ValidationError, match="ne correspond pas au SIREN"):
        identifiers.clean_vat("FR44732829320", "912345675")
    with pytest.raises(ValidationError, match="TVA intracommunautaire invalide"):
        identifiers.clean_vat("FR00912345675")


def test_iban_and_bic():
    assert identifiers.clean_iban("FR76 3000 4000 0100 0123 4567 830") == "FR7630004000010001234567830"
    assert identifiers.bic_from_iban("FR7630004000010001234567830").startswith("BNPAFRPP")
    with pytest.raises(ValidationError, match="IBAN invalide"):
        identifiers.clean_iban("FR7630004000010001234567831")
    with pytest.raises(ValidationError, match="BIC invalide"):
        identifiers.clean_bic("BNPA")


def test_naf_code_is_normalised():
    assert identifiers.clean_naf("4666z") == "46.66Z"
    with pytest.raises(ValidationError, match="NAF"):
        identifiers.clean_naf("466")
