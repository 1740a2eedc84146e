"""The list of deliveries (bons de livraison): filtered, sorted, paginated, exported."""

from __future__ import annotations

from django import forms
from django.db.models import Count, Q
from django.shortcuts import render

from pilote.core.access import require_perm
from pilote.core.collation import french
from pilote.core.listing import EXPORT_FORMATS, Column, export_response, paginate, sort_queryset
from pilote.sales.forms import DATE
from pilote.sales.models import Delivery

SORTS = {
    "numero": ["number"],
    "date": ["date"],
    "client": [french("order__customer__name")],
    "commande": ["order__number"],
}
COLUMNS = [
    Column("Numéro", lambda d: d.number),
    Column("Date", lambda d: d.date),
    Column("Commande", lambda d: d.order.number),
    Column("Client", lambda d: d.order.customer.display_name),
    Column("Lignes livrées", lambda d: d.line_count),
    Column("Facture", lambda d: d.invoice.number if d.invoice_id and d.invoice.number else ""),
]


class DeliveryFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    start = forms.DateField(label="Du", required=False, widget=DATE)
    end = forms.DateField(label="Au", required=False, widget=DATE)
    invoiced = forms.ChoiceField(
        label="Facturation", required=False, choices=[("", "Toutes"), ("non", "À facturer"), ("oui", "Facturées")]
    )


def filter_deliveries(data: dict):
    deliveries = Delivery.objects.select_related("order", "order__customer", "invoice").annotate(
        line_count=Count("lines")
    )
    if q := data.get("q"):
        deliveries = deliveries.filter(
            Q(number__icontains=q) | Q(order__number__icontains=q) | Q(order__customer__name__icontains=q)
        )
    if start := data.get("start"):
        deliveries = deliveries.filter(date__gte=start)
    if end := data.get("end"):
        deliveries = deliveries.filter(date__lte=end)
    if data.get("invoiced") == "non":
        deliveries = deliveries.filter(Q(invoice__isnull=True) | Q(invoice__status="draft"))
    elif data.get("invoiced") == "oui":
        deliveries = deliveries.filter(invoice__status="issued")
    return deliveries


@require_perm("sales.view")
def delivery_list(request):
    form = DeliveryFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    deliveries = sort_queryset(filter_deliveries(data), request.GET.get("tri", ""), SORTS, "-date")
    if request.GET.get("export") in EXPORT_FORMATS:
        return export_response(deliveries, COLUMNS, "livraisons", request.GET["export"], title="Livraisons")
    return render(request, "sales/delivery_list.html", {"form": form, "page": paginate(request, deliveries)})
