"""Catalogue over the API: integrators price quotes and sync shops from it; sales staff keep it from their tools
through the same services as the catalogue's pages (`catalog.services`)."""

from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import ObjectId, Page, Paging, Words, fetch, guarded, page_of
from pilote.catalog import queries, services
from pilote.catalog.models import Product, ProductKind, Unit, VatRate
from pilote.core.listing import sort_queryset

router = Router(tags=["Catalogue"])


class ProductOut(Schema):
    id: int
    reference: str
    name: str
    description: str
    kind: str
    unit: str
    unit_price: Decimal
    vat_rate: Decimal
    exemption_mention: str
    sales_account: str
    purchase_price: Decimal | None
    is_active: bool
    version: int

    @staticmethod
    def resolve_sales_account(obj: Product) -> str:
        return obj.revenue_account


class ProductPatch(Schema):
    reference: str | None = None
    name: str | None = None
    description: str | None = None
    kind: ProductKind | None = None
    unit: Unit | None = None
    unit_price: Decimal | None = Field(None, max_digits=14, decimal_places=4)
    vat_rate: VatRate | None = None
    exemption_mention: str | None = None
    sales_account: str | None = Field(None, description="Vide : 707 pour un bien, 706 pour une prestation.")
    purchase_price: Decimal | None = Field(None, max_digits=14, decimal_places=4)
    is_active: bool | None = None


class ProductIn(ProductPatch):
    reference: str
    name: str
    unit_price: Decimal = Field(..., max_digits=14, decimal_places=4)


class ProductUpdate(ProductPatch):
    version: int | None = Field(None, description="Version lue ; si l'article a changé depuis, réponse 409.")


class ProductFilters(Paging):
    q: Words = Field("", description="dans la désignation ou la référence")
    kind: Literal["", "goods", "service"] = ""
    tva: Literal["", "20.00", "10.00", "5.50", "2.10", "0.00"] = ""
    etat: Literal["actifs", "inactifs", "tous"] = "actifs"
    tri: str = Field("reference", description="reference, nom, prix ; préfixe - pour l'ordre décroissant")


@guarded(router, "GET", "/articles", "catalog.view", response=Page[ProductOut])
def list_products(request, filters: Query[ProductFilters]):
    data = filters.dict()
    return page_of(sort_queryset(queries.filter_products(data), data["tri"], queries.SORTS, "reference"), data)


@guarded(router, "GET", "/articles/{product_id}", "catalog.view", response=ProductOut)
def get_product(request, product_id: ObjectId):
    return fetch(Product, product_id)


def _fields(payload: Schema) -> dict:
    fields = payload.dict(exclude_unset=True)
    if fields.get("vat_rate") is not None:
        fields["vat_rate"] = VatRate(fields["vat_rate"]).value
    return {name: ("" if value is None and name in TEXTS else value) for name, value in fields.items()}


TEXTS = {"description", "exemption_mention", "sales_account"}


@guarded(router, "POST", "/articles", "catalog.edit", response={201: ProductOut})
def create_product(request, payload: ProductIn):
    product = services.create_product(actor=request.auth, **_fields(payload))
    return Status(201, fetch(Product, product.pk))  # as stored (4 decimals)


@guarded(router, "PATCH", "/articles/{product_id}", "catalog.edit", response=ProductOut)
def update_product(request, product_id: ObjectId, payload: ProductUpdate):
    fields = _fields(payload)
    expected = fields.pop("version", None)
    product = fetch(Product, product_id)
    services.update_product(actor=request.auth, product=product, expected_version=expected, **fields)
    return fetch(Product, product_id)
