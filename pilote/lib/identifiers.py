"""Validation and normalisation of French and European identifiers, with French error messages.

Each `clean_*` function takes user input and returns the compact canonical form, or raises
django.core.exceptions.ValidationError with a message a user can act on. Input is first put through
`compact`, so every way a number is printed or pasted (« 445 123 789 », « 445.123.789 », « FR76-3000-… »,
non-breaking spaces from a PDF) is accepted wherever an identifier is typed or imported.
"""

from __future__ import annotations

import re

import stdnum
from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret

NAF_RE = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$")
SEPARATORS = re.compile(r"[\s.\-_/]+")  # \s covers the non-breaking spaces (U+00A0, U+202F) of printed forms


def compact(value: str | None) -> str:
    """The identifier without the separators people type or copy (spaces, dots, dashes), upper case."""
    return SEPARATORS.sub("", value or "").upper()


def _explain(exc: Exception, what: str, digits: int | None = None) -> str:
    if isinstance(exc, stdnum_errors.InvalidLength):
        return f"Le {what} doit comporter {digits} chiffres." if digits else f"Longueur de {what} invalide."
    if isinstance(exc, stdnum_errors.InvalidFormat):
        return f"Le {what} ne doit contenir que des chiffres." if digits else f"Format de {what} invalide."
    if isinstance(exc, stdnum_errors.InvalidChecksum):
        return f"Ce {what} n'existe pas : sa clé de contrôle est fausse (vérifiez la saisie)."
    return f"{what.capitalize()} invalide."


def clean_siren(value: str) -> str:
    try:
        return fr_siren.validate(compact(value))
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(_explain(exc, "SIREN", 9), code="invalid_siren") from exc


def clean_siret(value: str, siren: str | None = None) -> str:
    try:
        number = fr_siret.validate(compact(value))
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(_explain(exc, "SIRET", 14), code="invalid_siret") from exc
    if siren and number[:9] != compact(siren):
        raise ValidationError(
            "Le SIRET doit commencer par les 9 chiffres du SIREN (%(siren)s).",
            code="siret_siren_mismatch",
            params={"siren": format_siren(compact(siren))},
        )
    return number


def vat_from_siren(siren: str) -> str:
    """Intra-EU VAT number of a French company: FR + 2-digit key + SIREN (stdnum omits the FR)."""
    return "FR" + fr_siren.to_tva(compact(siren))


def clean_vat(value: str, siren: str | None = None) -> str:
    try:
        number = eu_vat.validate(compact(value))
    except stdnum_errors.InvalidComponent as exc:
        raise ValidationError(
            "Le numéro de TVA doit commencer par le code pays (FR, DE, BE…).", code="invalid_vat"
        ) from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(
            "Numéro de TVA intracommunautaire invalide (vérifiez le code pays, la clé et le numéro).",
            code="invalid_vat",
        ) from exc
    if siren and number.startswith("FR") and number[4:] != compact(siren):
        raise ValidationError(
            "Le numéro de TVA ne correspond pas au SIREN (attendu : %(expected)s).",
            code="vat_siren_mismatch",
            params={"expected": vat_from_siren(siren)},
        )
    return number


# --- Tax identifiers of customers and suppliers, in and outside the EU ----------------------------------
# An EU business is identified by its intra-EU VAT number (VIES format, checked by stdnum.eu.vat). A business
# established outside the EU has none: it is invoiced under its own country's tax or registration number
# (Swiss UID/VAT « CHE-107.787.577 TVA », US EIN, UK VAT, Norwegian MVA…), checked with python-stdnum's
# module for that country when the library has one, and accepted as typed otherwise (issue 9, point 1).

# stdnum names Greece « gr » (VAT prefix EL) and Northern Ireland « xi » (a VAT prefix, not a member state).
EU_COUNTRIES = frozenset(code.upper() for code in eu_vat.MEMBER_STATES if code != "xi")
EU_VAT_PREFIXES = (frozenset(code.upper() for code in eu_vat.MEMBER_STATES) - {"GR"}) | {"EL"}


def is_eu(country: str | None) -> bool:
    """True for an EU member state's ISO code (France included)."""
    return (country or "").upper() in EU_COUNTRIES


def _foreign_modules(country: str) -> list:
    """python-stdnum's VAT, then tax-number module of a country (e.g. ch.vat; us.tin for the EIN)."""
    modules = []
    for kind in ("vat", "tin"):
        module = stdnum.get_cc_module(country.lower(), kind)
        if module is not None and module not in modules:
            modules.append(module)
    return modules


def _with_prefix(number: str, country: str) -> str:
    """A foreign VAT number with its ISO country prefix (EN 16931 BR-CO-09): stdnum drops « GB » and « NO »."""
    return number if number.startswith(country) else country + number


def clean_tax_number(value: str, country: str | None = None, siren: str | None = None) -> str:
    """The VAT or tax identifier of a business established in `country` (the contact's country).

    - a number that starts with an EU VAT prefix (FR, DE, EL…), or any number of an EU country's business,
      is an intra-EU VAT number (clean_vat);
    - outside the EU: validated with the stdnum module(s) of the country when there are some (a foreign VAT
      number keeps its ISO prefix), else accepted as typed (compacted);
    - without a country (a form field on its own), a number is checked when its prefix names a country
      stdnum knows (« CHE… », « GB… »); the contact's rules check it again with the contact's country.
    """
    number = compact(value)
    country = (country or "").upper()
    if is_eu(country) and number[:2].isalpha() and number[:2] not in EU_VAT_PREFIXES:
        raise ValidationError(
            "Ce numéro n'est pas un n° de TVA intracommunautaire (il commence par le code d'un pays de l'UE : FR, "
            "DE, BE…) : pour une entreprise établie hors de l'UE, indiquez d'abord son pays.",
            code="invalid_vat",
        )
    if number[:2] in EU_VAT_PREFIXES or is_eu(country):
        return clean_vat(number, siren)
    if not country:
        country = "CH" if number.startswith("CHE") else number[:2] if number[:2].isalpha() else ""
        if not country or not _foreign_modules(country):
            return number
    modules = _foreign_modules(country)
    if not modules:
        return number
    for module in modules:
        try:
            cleaned = module.validate(number)
        except stdnum_errors.ValidationError:
            continue
        return _with_prefix(cleaned, country) if module.__name__.endswith((".vat", ".mva")) else cleaned
    names = {"CH": "n° IDE/TVA suisse (CHE-123.456.789 TVA)", "US": "EIN ou n° fiscal américain (12-3456789)"}
    raise ValidationError(
        "Ce numéro n'est pas valide pour le pays du contact (%(country)s) : %(expected)s ; vérifiez la saisie.",
        code="invalid_tax_number",
        params={"country": country, "expected": names.get(country, "n° de TVA ou n° fiscal du pays")},
    )


def is_vat_identifier(number: str) -> bool:
    """True when `number` (as stored) is a VAT identifier with an ISO country prefix, usable as the buyer's
    VAT identifier (EN 16931 BT-48, BR-CO-09): an EU VAT number, or a foreign VAT number stdnum knows
    (CHE…MWST/TVA/IVA, GB…, NO…MVA). A US EIN or another tax number is a registration identifier (BT-47)."""
    number = compact(number)
    country = "CH" if number.startswith("CHE") else number[:2]
    if country in EU_VAT_PREFIXES:
        return eu_vat.is_valid(number)
    module = stdnum.get_cc_module(country.lower(), "vat") if country.isalpha() else None
    return bool(module and module.is_valid(number))


def format_tax_number(value: str) -> str:
    """The printed form of a tax identifier: « CHE-107.787.577 TVA » for a Swiss one, as stored otherwise."""
    if value and value.startswith("CHE"):
        from stdnum.ch import vat as ch_vat

        if ch_vat.is_valid(value):
            return ch_vat.format(value)
    return value or ""


def _schwifty():
    """schwifty (IBAN and BIC, with its bank registry) loads at the first IBAN, not at start-up."""
    import schwifty

    return schwifty


def clean_iban(value: str) -> str:
    from schwifty.exceptions import SchwiftyException

    try:
        return _schwifty().IBAN(compact(value)).compact
    except SchwiftyException as exc:
        raise ValidationError(
            "IBAN invalide : vérifiez le code pays, la clé et la longueur du numéro.", code="invalid_iban"
        ) from exc


def clean_bic(value: str) -> str:
    from schwifty.exceptions import SchwiftyException

    try:
        return str(_schwifty().BIC(compact(value)))
    except SchwiftyException as exc:
        raise ValidationError("BIC invalide (8 ou 11 caractères, ex. BNPAFRPPXXX).", code="invalid_bic") from exc


def bic_from_iban(iban: str) -> str:
    """The BIC of the IBAN's bank, from schwifty's registry, or '' when unknown."""
    bic = _schwifty().IBAN(iban).bic
    return str(bic) if bic else ""


def clean_naf(value: str) -> str:
    match = NAF_RE.match(re.sub(r"[\s\-_/]+", "", value or "").upper())
    if not match:
        raise ValidationError("Code NAF/APE invalide (format attendu : 62.01Z).", code="invalid_naf")
    return f"{match[1]}.{match[2]}{match[3]}"


def format_siren(value: str) -> str:
    return fr_siren.format(value) if value else ""


def format_siret(value: str) -> str:
    return fr_siret.format(value) if value else ""


def format_iban(value: str) -> str:
    return _schwifty().IBAN(value).formatted if value else ""


def format_vat(value: str) -> str:
    return value or ""


# kind → (cleaner of one value, printed form); the shared form and model fields of lib.fields use them.
CLEANERS = {
    "siren": clean_siren,
    "siret": clean_siret,
    "vat": clean_vat,
    "tax": clean_tax_number,
    "iban": clean_iban,
    "bic": clean_bic,
}
FORMATTERS = {
    "siren": format_siren,
    "siret": format_siret,
    "vat": format_vat,
    "tax": format_tax_number,
    "iban": format_iban,
    "bic": str,
}


def display(kind: str, value: str) -> str:
    """The printed form of a valid identifier (« 445 123 789 »), or the value as typed when it is not valid."""
    try:
        return FORMATTERS[kind](CLEANERS[kind](value)) if value else ""
    except ValidationError:
        return value


def clean_nir(value: str, *, sex: str = "", birth_date=None) -> str:
    """The social security number (NIR, 13 digits + 2-digit key; Corsica's 2A/2B accepted) checked with
    python-stdnum's fr.nir, then against what the record says: the first digit is the sex (1 man, 2 woman;
    3, 4, 7 and 8 are provisional numbers, not checked), digits 2–5 the year and month of birth when the month
    is a real one (20–42 and 99 mean an unknown month)."""
    from stdnum.fr import nir as fr_nir

    number = compact(value)
    try:
        number = fr_nir.validate(number)
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(_explain(exc, "numéro de sécurité sociale", 15), code="invalid_nir") from exc
    if sex in ("M", "F") and number[0] in "12" and number[0] != {"M": "1", "F": "2"}[sex]:
        raise ValidationError(
            "Le numéro de sécurité sociale ne correspond pas au sexe indiqué (1 : homme, 2 : femme).",
            code="nir_sex_mismatch",
        )
    month = int(number[3:5])
    if (
        birth_date is not None
        and 1 <= month <= 12
        and (int(number[1:3]), month)
        != (
            birth_date.year % 100,
            birth_date.month,
        )
    ):
        raise ValidationError(
            "Le numéro de sécurité sociale ne correspond pas à l'année et au mois de naissance indiqués.",
            code="nir_birth_mismatch",
        )
    return number


def format_nir(number: str) -> str:
    """« 2 95 10 99 126 111 93 », as printed on the carte Vitale."""
    from stdnum.fr import nir as fr_nir

    return fr_nir.format(number) if number else ""
