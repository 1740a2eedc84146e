"""The list of deliveries (bons de livraison): filtered, sorted, paginated, exported."""

from __future__ import annotations

from django import forms
from django.shortcuts import render

from pilote.core.access import require_perm
from pilote.core.listing import EXPORT_FORMATS, WordsField, export_response, filter_data, paginate, sort_queryset
from pilote.sales.forms import DATE
from pilote.sales.queries import documents as queries


class DeliveryFilterForm(forms.Form):
    q = WordsField(label="Recherche")
    start = forms.DateField(label="Du", required=False, widget=DATE)
    end = forms.DateField(label="Au", required=False, widget=DATE)
    invoiced = forms.ChoiceField(
        label="Facturation", required=False, choices=[("", "Toutes"), ("non", "À facturer"), ("oui", "Facturées")]
    )


@require_perm("sales.view")
def delivery_list(request):
    form = DeliveryFilterForm(request.GET or None)
    data = filter_data(form)
    deliveries = sort_queryset(
        queries.filter_deliveries(data), request.GET.get("tri", ""), queries.DELIVERY_SORTS, "-date"
    )
    if request.GET.get("export") in EXPORT_FORMATS:
        return export_response(
            deliveries, queries.DELIVERY_COLUMNS, "livraisons", request.GET["export"], title="Livraisons"
        )
    return render(request, "sales/delivery_list.html", {"form": form, "page": paginate(request, deliveries)})
