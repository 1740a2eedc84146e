"""Supplier evaluation writes: a manual rating (0 to 5) recorded with its date, author and comment, audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.purchases.models import SupplierRating


@transaction.atomic
def rate_supplier(*, actor, supplier, score: int, rated_on: dt.date, comment: str = "") -> SupplierRating:
    if score is None or not 0 <= int(score) <= 5:
        raise DomainError("Une note va de 0 à 5.")
    if not supplier.is_supplier:
        raise DomainError(f"{supplier.display_name} n'est pas un fournisseur.")
    rating = SupplierRating.objects.create(
        supplier=supplier, score=int(score), rated_on=rated_on, comment=(comment or "").strip()[:300], rated_by=actor
    )
    audit.record(actor, "purchases.supplier.rated", rating, after=audit.snapshot(rating))
    return rating
