"""Rules of a structure's identity, applied by Structure.clean() (forms, services and commands)."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError

from pilote.core.vat_policy import policy_for_regime, regimes_for
from pilote.lib import identifiers
from pilote.lib.dates import add_months

RNA_RE = re.compile(r"^W\d{9}$")
FINESS_RE = re.compile(r"^\d[0-9AB]\d{7}$")


def check_fiscal_year(start: dt.date | None, end: dt.date | None) -> None:
    """A first fiscal year ends after it starts and lasts at most 24 months (usual French practice)."""
    if not start or not end:
        return
    if end <= start:
        raise ValidationError({"fiscal_year_end": "La fin de l'exercice doit être après son début."})
    if end >= add_months(start, 24):
        raise ValidationError({"fiscal_year_end": "Un premier exercice ne peut pas dépasser 24 mois."})


def clean_structure(structure) -> None:
    errors: dict[str, list[str]] = {}

    def attempt(field: str, func, *args):
        value = getattr(structure, field)
        if not value:
            return
        try:
            setattr(structure, field, func(value, *args))
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)

    attempt("siren", identifiers.clean_siren)
    siren_ok = "siren" not in errors and structure.siren
    attempt("siret", identifiers.clean_siret, structure.siren if siren_ok else None)
    attempt("vat_number", identifiers.clean_vat, structure.siren if siren_ok else None)
    if siren_ok and not structure.vat_number and policy_for_regime(structure.vat_regime).charges_vat:
        structure.vat_number = identifiers.vat_from_siren(structure.siren)
    attempt("iban", identifiers.clean_iban)
    attempt("bic", identifiers.clean_bic)
    if structure.iban and not structure.bic and "iban" not in errors:
        structure.bic = identifiers.bic_from_iban(structure.iban)
    attempt("naf_code", identifiers.clean_naf)
    if structure.rna_number:
        structure.rna_number = structure.rna_number.strip().upper()
        if not RNA_RE.match(structure.rna_number):
            errors.setdefault("rna_number", []).append("N° RNA invalide (W suivi de 9 chiffres).")
    if structure.finess:
        structure.finess = structure.finess.strip().upper()
        if not FINESS_RE.match(structure.finess):
            errors.setdefault("finess", []).append("N° FINESS invalide (9 caractères).")
    if structure.vat_regime and structure.vat_regime not in regimes_for(structure.type):
        errors.setdefault("vat_regime", []).append(
            "Une entreprise est assujettie à la TVA : choisissez la TVA sur les débits ou sur les encaissements, "
            "ou la franchise en base."
        )
    if structure.share_capital is not None and structure.share_capital < 0:
        errors.setdefault("share_capital", []).append("Le capital social ne peut pas être négatif.")
    try:
        check_fiscal_year(structure.fiscal_year_start, structure.fiscal_year_end)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
