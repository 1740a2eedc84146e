"""Catalogue over the API (read): integrators price quotes and sync shops from it."""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from pilote.api.base import ObjectId, guarded
from pilote.catalog.models import Product

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
    is_active: bool

    @staticmethod
    def resolve_sales_account(obj: Product) -> str:
        return obj.revenue_account


@guarded(router, "GET", "/articles", "catalog.view", response=list[ProductOut])
def list_products(request, actifs: bool = True):
    products = Product.objects.order_by("reference")
    return list(products.filter(is_active=True) if actifs else products)


@guarded(router, "GET", "/articles/{product_id}", "catalog.view", response=ProductOut)
def get_product(request, product_id: ObjectId):
    return get_object_or_404(Product, pk=product_id)
