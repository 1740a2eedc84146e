"""The article picker (core.pickers): active articles by name in French order, found by name or reference."""

from __future__ import annotations

from decimal import Decimal

from pilote.catalog.models import Product
from pilote.core.collation import french
from pilote.core.pickers import Picker
from pilote.lib.formats import format_eur, format_percent


def _detail(product: Product) -> str:
    vat = format_percent(Decimal(product.vat_rate))
    return f"{format_eur(product.unit_price)} HT / {product.get_unit_display()} · TVA {vat}"


ARTICLES = Picker(
    kind="articles",
    perm="catalog.view",
    queryset=lambda: Product.objects.filter(is_active=True),
    search=("name", "reference"),
    order=lambda: (french("name"), "reference"),
    label=lambda product: f"{product.reference} — {product.name}",
    detail=_detail,
    placeholder="Désignation ou référence…",
)
