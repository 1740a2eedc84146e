"""Suggested purchase orders made real: one draft purchase order per supplier, through the purchases services (the
buyer then checks, submits and sends it as any other order)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.operations.queries.reorder import suggestions
from pilote.purchases import orders
from pilote.sales.services import LineSpec


@transaction.atomic
def create_purchase_orders(*, actor, item_ids: list[int], date: dt.date) -> list:
    """Draft purchase orders of the suggestions of `item_ids`, grouped by supplier. Refused with nothing written
    when an article has no supplier or is no longer under its reorder point."""
    if not item_ids:
        raise DomainError("Cochez au moins un article à commander.")
    chosen = suggestions(item_ids)
    found = {s.item.pk for s in chosen}
    problems = []
    if set(item_ids) - found:
        problems.append("Un article coché n'est plus sous son point de commande (ou est déjà commandé) : "
                        "rechargez la page.")  # fmt: skip
    problems += [
        f"« {s.item.product.name} » n'a pas de fournisseur : choisissez son fournisseur habituel sur sa fiche de stock."
        for s in chosen
        if s.supplier is None
    ]
    if problems:
        raise DomainError(" ".join(problems))
    by_supplier: dict[int, list] = {}
    for suggestion in chosen:
        by_supplier.setdefault(suggestion.supplier.pk, []).append(suggestion)
    created = []
    for group in by_supplier.values():
        lines = [
            LineSpec.from_product(
                s.item.product,
                s.quantity,
                unit_price=s.unit_price,
                account=s.account,
                vat_rate=s.item.product.vat_rate,
                exemption_mention=s.item.product.exemption_mention,
            )
            for s in group
        ]
        order = orders.create_order(
            actor=actor, supplier=group[0].supplier, date=date, lines=lines,
            notes="Réapprovisionnement : articles sous leur point de commande.",
        )  # fmt: skip
        created.append(order)
    audit.record(actor, "operations.reorder.ordered", None,
                 after={"commandes": [o.number for o in created], "articles": len(chosen)})  # fmt: skip
    return created
