"""Suppliers: contacts with the supplier role, created through `contacts.services.create_contact`. Each row is
checked by `Contact.full_clean()` — `contacts.rules.clean_contact`: SIREN, SIRET (which must extend the SIREN),
VAT number against the country, IBAN and BIC through python-stdnum and schwifty, as the contact form does."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from pilote.contacts.models import Contact, ContactKind
from pilote.core.registry import lazy_module
from pilote.lib import payment_terms
from pilote.lib.identifiers import format_iban, format_siret
from pilote.takeover.framework import Column, Dataset, Link, row_error
from pilote.takeover.reading import normalise

services = lazy_module("pilote.contacts.services")  # read when a file is taken over, not when the app starts

FIELDS = {"name": "name", "siren": "siren", "siret": "siret", "vat_number": "vat", "iban": "iban", "bic": "bic",
          "payment_days": "terms", "email": "email", "phone": "phone", "address_line1": "address",
          "address_line2": "address2",
          "postal_code": "postal_code", "city": "city", "country": "country", "notes": "notes"}  # fmt: skip


class Suppliers(Dataset):
    key = "fournisseurs"
    title = "Fournisseurs"
    summary = (
        "Vos fournisseurs avec leurs identifiants (SIREN, SIRET, TVA), leurs coordonnées bancaires et leurs "
        "conditions de paiement."
    )
    perm = "contacts.import"
    columns = [
        Column("name", "Raison sociale", "Nom du fournisseur.", "Papeterie du Rhône", True, ("nom", "fournisseur")),
        Column("siren", "SIREN", "9 chiffres, espaces permis.", "732 829 320"),
        Column("siret", "SIRET", "14 chiffres ; doit prolonger le SIREN.", "732 829 320 00074"),
        Column("vat", "N° de TVA", "Numéro de TVA intracommunautaire (FR…), ou le numéro fiscal d'un pays hors UE.",
               "FR44732829320", False, ("tva", "tva intracommunautaire", "numero de tva")),
        Column("iban", "IBAN", "Pour les virements ; vérifié (clé, longueur du pays).",
               "FR76 3000 6000 0112 3456 7890 189"),
        Column("bic", "BIC", "Vide : déduit de l'IBAN quand c'est possible.", "AGRIFRPP"),
        Column("terms", "Conditions de paiement", "« à réception », « N jours » (60 au plus) ou « N jours fin de "
               "mois » (45 au plus ; la fin du mois de la facture plus N jours) : le délai de la fiche du fournisseur, "
               "qui donne son échéance à une facture reçue sans échéance. Vide : inconnu.", "30 jours fin de mois",
               False, ("conditions", "delai de paiement", "conditions de reglement")),
        Column("email", "E-mail", "Adresse de contact.", "compta@papeterie-rhone.fr", False, ("email", "courriel")),
        Column("phone", "Téléphone", "", "04 78 00 00 00", False, ("tel",)),
        Column("address", "Adresse", "", "12 quai Perrache", False, ("adresse ligne 1",)),
        Column("address2", "Complément d'adresse", "", "", False, ("complement",)),
        Column("postal_code", "Code postal", "", "69002", False, ("cp",)),
        Column("city", "Ville", "", "Lyon", False, ("commune",)),
        Column("country", "Pays", "Code ISO à deux lettres (vide : FR).", "FR"),
        Column("notes", "Notes", "Facultatives.", ""),
    ]  # fmt: skip
    preview_headers = ["Raison sociale", "SIRET", "N° de TVA", "IBAN", "BIC", "Conditions", "Ville"]

    def context(self, options):
        existing = Contact.objects.values_list("pk", "name", "siret")
        return {
            "sirets": {siret: pk for pk, _, siret in existing if siret},
            "names": {normalise(name): pk for pk, name, _ in existing},
        }

    def parse(self, cells, ctx):
        days, end_of_month = None, False
        try:
            days, end_of_month = payment_terms.parse(cells.text("terms"))
        except ValueError as exc:
            cells.fail("terms", str(exc))
        terms = payment_terms.label(days, end_of_month)
        fields = {
            "kind": ContactKind.ORGANISATION,
            "is_supplier": True,
            "name": cells.text("name", max_length=200),
            "siren": cells.text("siren"),
            "siret": cells.text("siret"),
            "vat_number": cells.text("vat"),
            "iban": cells.text("iban"),
            "bic": cells.text("bic"),
            "email": cells.text("email"),
            "phone": cells.text("phone", max_length=30),
            "address_line1": cells.text("address", max_length=200),
            "address_line2": cells.text("address2", max_length=200),
            "postal_code": cells.text("postal_code", max_length=10),
            "city": cells.text("city", max_length=100),
            "country": (cells.text("country") or "FR").upper(),
            "payment_days": days,
            "payment_end_of_month": end_of_month,
            "notes": cells.text("notes"),
        }
        contact = Contact(**fields)
        try:
            contact.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            cells.model_errors(exc, FIELDS)
        for name in ("siren", "siret", "vat_number", "iban", "bic", "name"):
            fields[name] = getattr(contact, name)  # as the rules wrote them: compact, BIC from the IBAN
        if fields["siret"] and fields["siret"] in ctx["sirets"]:
            cells.fail(
                "siret", "un contact avec ce SIRET existe déjà : ajoutez-lui le rôle fournisseur depuis sa fiche."
            )
        elif fields["name"] and normalise(fields["name"]) in ctx["names"]:
            cells.fail(
                "name",
                f"un contact « {fields['name']} » existe déjà : ajoutez-lui le rôle fournisseur depuis sa fiche.",
            )
        fields["terms"] = terms
        return fields

    def duplicate_key(self, row):
        return ("siret", row["siret"]) if row["siret"] else ("name", normalise(row["name"]))

    def duplicate_message(self, row, first_line):
        what = f"le SIRET {format_siret(row['siret'])}" if row["siret"] else f"le nom « {row['name']} »"
        return f"{what} est déjà celui de la ligne {first_line}."

    def preview(self, row):
        return [row["name"], format_siret(row["siret"]) if row["siret"] else "", row["vat_number"],
                format_iban(row["iban"]) if row["iban"] else "", row["bic"], row["terms"], row["city"]]  # fmt: skip

    def write(self, rows, *, actor, options, progress):
        for done, row in enumerate(rows, start=1):
            fields = {k: v for k, v in row.items() if k not in ("_line", "terms")}
            try:
                services.create_contact(actor=actor, **fields)
            except ValidationError as exc:
                raise row_error(row["_line"], exc) from exc
            if done % 200 == 0:
                progress(done)
        link = Link("Voir les fournisseurs", reverse("contacts:list") + "?role=is_supplier")
        return f"{len(rows)} fournisseur(s) ajouté(s) aux contacts.", [link]


DATASET = Suppliers()
