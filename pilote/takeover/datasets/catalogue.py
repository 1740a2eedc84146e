"""Catalogue: articles (goods and services) created through `catalog.services.create_product`; each row is
checked by `Product.full_clean()` — the catalogue's own rules (an exempt article carries its mention, a sales
account is of class 7) — and the structure's VAT regime (`core.vat_policy`), as the article form does."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from pilote.catalog.models import EXEMPTION_MENTIONS, Product, ProductKind, Unit, VatRate
from pilote.core.registry import lazy_module
from pilote.core.vat_policy import current_policy
from pilote.lib.formats import format_eur
from pilote.takeover.framework import Column, Dataset, Link, row_error

services = lazy_module("pilote.catalog.services")  # read when a file is taken over, not when the app starts

KINDS = {"bien": ProductKind.GOODS, "marchandise": ProductKind.GOODS, "prestation": ProductKind.SERVICE,
         "service": ProductKind.SERVICE, "prestation de services": ProductKind.SERVICE}  # fmt: skip
UNITS = {**{value: value for value in Unit.values}, **{label: value for value, label in Unit.choices},
         "piece": Unit.PIECE, "heures": Unit.HOUR, "jours": Unit.DAY}  # fmt: skip
RATES = {"20": "20.00", "20 %": "20.00", "10": "10.00", "10 %": "10.00", "5,5": "5.50", "5.5": "5.50",
         "5,5 %": "5.50", "2,1": "2.10", "2.1": "2.10", "2,1 %": "2.10", "0": "0.00", "exonere": "0.00",
         "0.2": "20.00", "0.1": "10.00", "0.055": "5.50", "0.021": "2.10"}  # fmt: skip
MENTIONS = {**{value: value for value, _ in EXEMPTION_MENTIONS if value},
            **{label: value for value, label in EXEMPTION_MENTIONS if value}}  # fmt: skip
FIELDS = {"reference": "reference", "name": "name", "kind": "kind", "unit": "unit", "unit_price": "price",
          "vat_rate": "vat", "exemption_mention": "mention", "sales_account": "account",
          "purchase_price": "purchase_price", "description": "description"}  # fmt: skip


class Catalogue(Dataset):
    key = "catalogue"
    title = "Catalogue (articles)"
    summary = "Les biens et prestations que vous vendez, avec leur prix HT, leur TVA et leur compte de vente."
    perm = "catalog.edit"
    columns = [
        Column("reference", "Référence", "Code unique de l'article (40 caractères au plus).", "CONS-J", True,
               ("ref", "code", "code article")),
        Column("name", "Désignation", "Nom de l'article tel qu'il figure sur les factures.", "Journée de conseil",
               True, ("nom", "libelle", "article")),
        Column("kind", "Nature", "« bien » ou « prestation » (vide : bien).", "prestation", False, ("type",)),
        Column("unit", "Unité", "u, h, j, forfait, mois, kg, m, m2 ou lot (vide : u).", "j"),
        Column("price", "Prix unitaire HT", "En euros, virgule décimale, 4 décimales au plus.", "650,00", True,
               ("prix ht", "prix", "prix de vente ht", "pu ht")),
        Column("vat", "Taux de TVA", "20, 10, 5,5, 2,1 ou 0 (exonéré) ; vide : 20 %, ou sans TVA si la structure "
               "n'en facture pas.", "20", False, ("tva", "taux tva")),
        Column("mention", "Mention d'exonération", "Pour un article à 0 % : la mention légale, ex. « Exonération "
               "de TVA, article 261-4-4° du CGI ».", "", False, ("mention",)),
        Column("account", "Compte de vente", "Compte de classe 7 (vide : 707 pour un bien, 706 pour une "
               "prestation).", "706", False, ("compte", "compte de produit")),
        Column("purchase_price", "Prix d'achat HT", "Facultatif, pour la marge.", "", False, ("prix achat",)),
        Column("description", "Description", "Facultative.", "Conseil sur site, frais inclus"),
    ]  # fmt: skip
    preview_headers = ["Référence", "Désignation", "Nature", "Unité", "Prix HT", "TVA", "Compte de vente"]

    def context(self, options):
        return {"references": set(Product.objects.values_list("reference", flat=True)), "policy": current_policy()}

    def parse(self, cells, ctx):
        policy = ctx["policy"]
        rate = cells.choice(
            "vat", RATES, VatRate.NORMAL.value if policy.charges_vat else VatRate.EXEMPT, "20, 10, 5,5, 2,1 ou 0"
        )
        mention = cells.choice("mention", MENTIONS, "", "une mention de la liste du catalogue")
        if not policy.charges_vat:
            if rate not in (None, VatRate.EXEMPT):
                cells.fail("vat", f"la structure ne facture pas de TVA ({policy.mention}) : laissez la colonne vide.")
            rate, mention = VatRate.EXEMPT.value, policy.mention
        fields = {
            "reference": cells.text("reference", max_length=40),
            "name": cells.text("name", max_length=200),
            "kind": cells.choice("kind", KINDS, default=ProductKind.GOODS),
            "unit": cells.choice("unit", UNITS, default=Unit.PIECE),
            "unit_price": cells.decimal("price", places=4),
            "vat_rate": rate,
            "exemption_mention": mention,
            "sales_account": cells.text("account", max_length=20),
            "purchase_price": cells.decimal("purchase_price", places=4),
            "description": cells.values.get("description", "").strip(),
        }
        if cells.errors:
            return None
        try:
            Product(**fields).full_clean(validate_unique=False)
        except ValidationError as exc:
            cells.model_errors(exc, FIELDS)
        if fields["reference"] in ctx["references"]:
            cells.fail("reference", f"l'article « {fields['reference']} » existe déjà dans le catalogue.")
        return fields

    def duplicate_key(self, row):
        return (row["reference"],)

    def duplicate_message(self, row, first_line):
        return f"la référence « {row['reference']} » est déjà celle de la ligne {first_line}."

    def preview(self, row):
        return [row["reference"], row["name"], ProductKind(row["kind"]).label, Unit(row["unit"]).label,
                format_eur(row["unit_price"]), VatRate(row["vat_rate"]).label,
                row["sales_account"] or ("706" if row["kind"] == ProductKind.SERVICE else "707")]  # fmt: skip

    def write(self, rows, *, actor, options, progress):
        for done, row in enumerate(rows, start=1):
            fields = {k: v for k, v in row.items() if k != "_line"}
            try:
                services.create_product(actor=actor, **fields)
            except ValidationError as exc:
                raise row_error(row["_line"], exc) from exc
            if done % 100 == 0:
                progress(done)
        return f"{len(rows)} article(s) ajouté(s) au catalogue.", [Link("Voir le catalogue", reverse("catalog:list"))]


DATASET = Catalogue()
