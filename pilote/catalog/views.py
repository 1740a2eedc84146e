from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from pilote.catalog import queries, services
from pilote.catalog.forms import ProductFilterForm, ProductForm
from pilote.catalog.models import Product
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, Column, export_response, filter_data, paginate, sort_queryset

COLUMNS = [
    Column("Référence", lambda p: p.reference),
    Column("Désignation", lambda p: p.name),
    Column("Nature", lambda p: p.get_kind_display()),
    Column("Unité", lambda p: p.get_unit_display()),
    Column("Prix unitaire HT", lambda p: p.unit_price),
    Column("TVA", lambda p: p.get_vat_rate_display()),
    Column("Mention", lambda p: p.exemption_mention),
    Column("Compte de vente", lambda p: p.revenue_account),
    Column("Actif", lambda p: p.is_active),
]


@require_perm("catalog.view")
def product_list(request):
    form = ProductFilterForm(request.GET or None)
    data = filter_data(form)
    products = queries.filter_products(data)
    products = sort_queryset(products, request.GET.get("tri", ""), queries.SORTS, "reference")
    if request.GET.get("export") in EXPORT_FORMATS:
        return export_response(products, COLUMNS, "catalogue", request.GET["export"], title="Catalogue")
    return render(request, "catalog/list.html", {"form": form, "page": paginate(request, products)})


def _save(request, product=None):
    form = ProductForm(request.POST or None, instance=Product.objects.get(pk=product.pk) if product else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version", None)
        try:
            if product is None:
                product = services.create_product(actor=request.user, **data)
            else:
                product = services.update_product(
                    actor=request.user, product=product, expected_version=expected, **data
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Article {product} enregistré.")
            return redirect("catalog:list")
    return render(request, "catalog/form.html", {"form": form, "product": product})


@require_perm("catalog.edit")
def product_create(request):
    return _save(request)


@require_perm("catalog.edit")
def product_edit(request, pk: int):
    return _save(request, get_object_or_404(Product, pk=pk))
