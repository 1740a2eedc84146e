from __future__ import annotations

from django.db import transaction

from pilote.catalog.models import Product
from pilote.core import audit
from pilote.core.exceptions import check_version


@transaction.atomic
def create_product(*, actor, **fields) -> Product:
    product = Product(**fields)
    product.full_clean()
    product.save()
    audit.record(actor, "catalog.product.created", product, after=audit.snapshot(product))
    return product


@transaction.atomic
def update_product(*, actor, product: Product, expected_version: int | None = None, **changes) -> Product:
    current = Product.objects.select_for_update().get(pk=product.pk)
    check_version(current.version, expected_version, "Cet article")
    before = audit.snapshot(current)
    for field, value in changes.items():
        setattr(current, field, value)
    current.full_clean()
    current.version += 1
    current.save()
    audit.record(actor, "catalog.product.updated", current, before=before, after=audit.snapshot(current))
    return current
