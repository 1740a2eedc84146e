"""Reorder points → suggested purchase orders: the list, and one click that drafts them through purchases."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, sort_rows
from pilote.core.params import to_int
from pilote.lib.dates import local_today
from pilote.operations.queries import reorder as queries
from pilote.operations.services import reorder as services


@require_perm("operations.view")
def reorder_list(request):
    text = request.GET.get("q", "").strip().lower()
    rows = queries.search(queries.suggestions(), text)
    rows = sort_rows(rows, request.GET.get("tri", ""), queries.SORTS, "reference")
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        return export_response(rows, queries.COLUMNS, "reapprovisionnement", export, title="Réapprovisionnement")
    may_order = request.user.can("operations.edit") and request.user.can("purchases.order")
    return render(request, "operations/reorder.html", {"rows": rows, "q": text, "may_order": may_order})


@require_perm("operations.edit")
@require_POST
def reorder_create(request):
    if not request.user.can("purchases.order"):
        raise PermissionDenied
    ids = [pk for pk in (to_int(v, minimum=1) for v in request.POST.getlist("article")) if pk is not None]
    try:
        created = services.create_purchase_orders(actor=request.user, item_ids=ids, date=local_today())
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("operations:reorder")
    numbers = ", ".join(order.number for order in created)
    messages.success(request, f"Commande(s) fournisseur en brouillon : {numbers}. Vérifiez-les puis soumettez-les.")
    if len(created) == 1:
        return redirect(reverse("purchases:order-detail", args=[created[0].pk]))
    return redirect("operations:reorder")
