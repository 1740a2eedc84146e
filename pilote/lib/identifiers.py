"""Validation and normalisation of French and European identifiers, with French error messages.

Each `clean_*` function takes user input and returns the compact canonical form, or raises
django.core.exceptions.ValidationError with a message a user can act on. Input is first put through
`compact`, so every way a number is printed or pasted (« 445 123 789 », « 445.123.789 », « FR76-3000-… »,
non-breaking spaces from a PDF) is accepted wherever an identifier is typed or imported.
"""

from __future__ import annotations

import re

import schwifty
from django.core.exceptions import ValidationError
from schwifty.exceptions import SchwiftyException
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


def clean_iban(value: str) -> str:
    try:
        return schwifty.IBAN(compact(value)).compact
    except SchwiftyException as exc:
        raise ValidationError(
            "IBAN invalide : vérifiez le code pays, la clé et la longueur du numéro.", code="invalid_iban"
        ) from exc


def clean_bic(value: str) -> str:
    try:
        return str(schwifty.BIC(compact(value)))
    except SchwiftyException as exc:
        raise ValidationError("BIC invalide (8 ou 11 caractères, ex. BNPAFRPPXXX).", code="invalid_bic") from exc


def bic_from_iban(iban: str) -> str:
    """The BIC of the IBAN's bank, from schwifty's registry, or '' when unknown."""
    bic = schwifty.IBAN(iban).bic
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
    return schwifty.IBAN(value).formatted if value else ""


def format_vat(value: str) -> str:
    return value or ""


# kind → (cleaner of one value, printed form); the shared form and model fields of lib.fields use them.
CLEANERS = {"siren": clean_siren, "siret": clean_siret, "vat": clean_vat, "iban": clean_iban, "bic": clean_bic}
FORMATTERS = {"siren": format_siren, "siret": format_siret, "vat": format_vat, "iban": format_iban, "bic": str}


def display(kind: str, value: str) -> str:
    """The printed form of a valid identifier (« 445 123 789 »), or the value as typed when it is not valid."""
    try:
        return FORMATTERS[kind](CLEANERS[kind](value)) if value else ""
    except ValidationError:
        return value
