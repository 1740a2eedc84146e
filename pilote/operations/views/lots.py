"""Lots and serial numbers: the list and a lot's traceability page."""

from __future__ import annotations

from django import forms
from django.shortcuts import get_object_or_404, render

from pilote.core.access import require_perm
from pilote.core.listing import EXPORT_FORMATS, WordsField, export_response, filter_data, paginate, sort_queryset
from pilote.operations.models import Lot, StockItem, Tracking
from pilote.operations.queries import lots as queries


class LotFilterForm(forms.Form):
    q = WordsField(label="Recherche")
    article = forms.ModelChoiceField(label="Article", required=False, queryset=StockItem.objects.none())
    in_stock = forms.BooleanField(label="En stock seulement", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = (
            StockItem.objects.exclude(tracking=Tracking.NONE).select_related("product").order_by("product__reference")
        )


@require_perm("operations.view")
def lot_list(request):
    form = LotFilterForm(request.GET or None)
    data = filter_data(form)
    lots = sort_queryset(queries.filter_lots(data), request.GET.get("tri", ""), queries.SORTS, "article")
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        return export_response(lots.iterator(chunk_size=500), queries.COLUMNS, "lots", export,
                               title="Lots et numéros de série")  # fmt: skip
    return render(request, "operations/lot_list.html", {"form": form, "page": paginate(request, lots)})


@require_perm("operations.view")
def lot_detail(request, pk: int):
    lot = get_object_or_404(Lot.objects.select_related("item__product"), pk=pk)
    return render(request, "operations/lot_detail.html", {"lot": lot, **queries.traceability(lot)})
