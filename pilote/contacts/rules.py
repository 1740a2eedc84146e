"""Rules of a contact record, applied by Contact.clean() (forms, services, CSV import)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from pilote.contacts.models import ROLE_FIELDS
from pilote.lib import identifiers, payment_terms


def clean_contact(contact) -> None:
    errors: dict[str, list[str]] = {}

    def attempt(field: str, func, *args):
        value = (getattr(contact, field) or "").strip()
        setattr(contact, field, value)
        if not value:
            return
        try:
            setattr(contact, field, func(value, *args))
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)

    contact.name = (contact.name or "").strip()
    attempt("siren", identifiers.clean_siren)
    siren = contact.siren if "siren" not in errors else None
    attempt("siret", identifiers.clean_siret, siren or None)
    if contact.siret and not contact.siren and "siret" not in errors:
        contact.siren = contact.siret[:9]
    # Checked against the contact's country: an intra-EU VAT number in the EU, the country's own tax or
    # registration number outside it (Swiss CHE-…, US EIN…; issue 9, point 1).
    attempt("vat_number", identifiers.clean_tax_number, contact.country or "FR", contact.siren or None)
    attempt("iban", identifiers.clean_iban)
    attempt("bic", identifiers.clean_bic)
    if contact.iban and not contact.bic and "iban" not in errors:
        contact.bic = identifiers.bic_from_iban(contact.iban)
    attempt("naf_code", identifiers.clean_naf)
    if not any(getattr(contact, field) for field in ROLE_FIELDS):
        errors.setdefault("__all__", []).append(
            "Cochez au moins un rôle (client, prospect, fournisseur, financeur, partenaire)."
        )
    why = payment_terms.problem(contact.payment_days, contact.payment_end_of_month)
    if why:
        errors.setdefault("payment_days", []).append(why[0].upper() + why[1:])
    if contact.kind == "person" and (contact.siren or contact.siret):
        errors.setdefault("siren", []).append("Un particulier n'a ni SIREN ni SIRET : choisissez « Organisation ».")
    if errors:
        raise ValidationError(errors)
