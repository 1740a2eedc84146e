"""Reads of the catalogue: the filtered list the page, its export and the API share."""

from __future__ import annotations

from django.db.models import Q

from pilote.catalog.models import Product
from pilote.core.collation import french

SORTS = {"reference": ["reference"], "nom": [french("name")], "prix": ["unit_price"]}


def filter_products(data: dict):
    """Products matching `q` (name or reference), `kind`, `tva` (rate) and `etat` (actifs, inactifs, tous)."""
    products = Product.objects.all()
    if data.get("q"):
        products = products.filter(Q(name__icontains=data["q"]) | Q(reference__icontains=data["q"]))
    if data.get("kind"):
        products = products.filter(kind=data["kind"])
    if data.get("tva"):
        products = products.filter(vat_rate=data["tva"])
    state = data.get("etat") or "actifs"
    if state != "tous":
        products = products.filter(is_active=state == "actifs")
    return products
