from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.forms import DATE_WIDGET
from pilote.core.listing import EXPORT_FORMATS, Column, export_response, paginate, sort_queryset
from pilote.core.params import to_int
from pilote.ledger import assets
from pilote.ledger.models import Account, DepreciationMethod, FiscalYear, FixedAsset
from pilote.lib.fields import FrenchDecimalFormField


class AssetForm(forms.Form):
    reference = forms.CharField(label="N° d'inventaire", max_length=40)
    label = forms.CharField(label="Désignation", max_length=200)
    account = forms.CharField(
        label="Compte (classe 2)", max_length=20, widget=forms.TextInput(attrs={"list": "assets"})
    )
    acquisition_date = forms.DateField(label="Acquisition", widget=DATE_WIDGET)
    in_service_date = forms.DateField(label="Mise en service", widget=DATE_WIDGET, required=False)
    cost = FrenchDecimalFormField(
        label="Valeur d'origine HT", min_places=2, max_digits=15, decimal_places=2, min_value=Decimal("0.01")
    )
    method = forms.ChoiceField(label="Mode", choices=DepreciationMethod.choices)
    years = forms.IntegerField(label="Durée (années)", min_value=1, max_value=50, initial=5)
    supplier = forms.CharField(label="Fournisseur", max_length=200, required=False)


class AssetChangeForm(AssetForm):
    """The registration form on an asset's card: its terms (`assets.BOOKED_TERMS`) shown read-only once a
    depreciation is posted or the asset has left the register, as `assets.update_asset` would refuse them. Terms
    still posted (a form opened before the depreciation was posted) go to the service, which refuses them in French
    rather than dropping them silently."""

    def __init__(self, data=None, *args, locked: bool = False, **kwargs):
        super().__init__(data, *args, **kwargs)
        if locked:
            for name in assets.BOOKED_TERMS:
                self.fields[name].disabled = data is None or name not in data


class DisposalForm(forms.Form):
    date = forms.DateField(label="Date de sortie", widget=DATE_WIDGET)
    price = FrenchDecimalFormField(
        label="Prix de cession HT (0 si mise au rebut)",
        min_places=2,
        max_digits=15,
        decimal_places=2,
        min_value=Decimal("0"),
        initial=0,
    )


ASSET_COLUMNS = [
    Column("N° d'inventaire", lambda a: a.reference),
    Column("Désignation", lambda a: a.label),
    Column("Compte", lambda a: a.account.code),
    Column("Acquisition", lambda a: a.acquisition_date),
    Column("Valeur d'origine", lambda a: a.cost),
    Column("Mode", lambda a: a.get_method_display()),
    Column("Durée", lambda a: a.years),
    Column("Sortie", lambda a: a.disposal_date),
]


@require_perm("ledger.view")
def asset_list(request):
    query, state = request.GET.get("q", "").strip(), request.GET.get("etat", "")
    items = sort_queryset(assets.filter_assets(query, state), request.GET.get("tri", ""), assets.ASSET_SORTS, "numero")
    if request.GET.get("export") in EXPORT_FORMATS:
        return export_response(items, ASSET_COLUMNS, "immobilisations", request.GET["export"])
    page = paginate(request, items)
    context = {
        "assets": page,
        "page": page,
        "query": query,
        "state": state,
        "form": AssetForm(),
        "years": FiscalYear.objects.filter(status="open"),
        "asset_accounts": Account.objects.filter(code__regex=r"^2[0-7]").only("code", "label"),
    }
    return render(request, "ledger/asset_list.html", context)


@require_POST
@require_perm("ledger.edit")
def asset_create(request):
    form = AssetForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            account = assets.asset_account(data.pop("account"))
            asset = assets.register_asset(actor=request.user, account=account, **data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Immobilisation {asset} enregistrée.")
            return redirect("ledger:asset-detail", pk=asset.pk)
    else:
        messages.error(
            request, "Formulaire incomplet : " + "; ".join(f"{k} : {' '.join(v)}" for k, v in form.errors.items())
        )
    return redirect("ledger:asset-list")


@require_perm("ledger.view")
def asset_detail(request, pk: int):
    asset = get_object_or_404(FixedAsset.objects.select_related("account", "depreciation_account"), pk=pk)
    context = {
        "asset": asset,
        "schedule": assets.asset_schedule(asset),
        "disposal": DisposalForm(),
        "postings": asset.postings.select_related("fiscal_year", "entry"),
    }
    return render(request, "ledger/asset_detail.html", context)


@require_perm("ledger.edit")
def asset_edit(request, pk: int):
    """An asset's card corrected through `assets.update_asset`: label and supplier at any time, its terms while no
    depreciation is posted and it is in the register (the service's French refusal otherwise, nothing written)."""
    asset = get_object_or_404(FixedAsset.objects.select_related("account"), pk=pk)
    locked = asset.is_disposed or asset.postings.exists()
    fields = ("reference", "label", "acquisition_date", "in_service_date", "cost", "method", "years", "supplier")
    initial = {name: getattr(asset, name) for name in fields} | {"account": asset.account.code}
    form = AssetChangeForm(request.POST or None, initial=initial, locked=locked)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            data["account"] = assets.asset_account(data["account"])
            assets.update_asset(actor=request.user, asset=asset, **data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Immobilisation {data['reference']} enregistrée.")
            return redirect("ledger:asset-detail", pk=pk)
    context = {
        "asset": asset,
        "form": form,
        "locked": locked,
        "asset_accounts": Account.objects.filter(code__regex=r"^2[0-7]").only("code", "label"),
    }
    return render(request, "ledger/asset_edit.html", context)


@require_POST
@require_perm("ledger.edit")
def asset_dispose(request, pk: int):
    asset = get_object_or_404(FixedAsset, pk=pk)
    form = DisposalForm(request.POST)
    if form.is_valid():
        try:
            entry = assets.dispose_asset(
                actor=request.user, asset=asset, date=form.cleaned_data["date"], price=form.cleaned_data["price"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Sortie enregistrée : écriture {entry.journal.code} n° {entry.number}.")
    else:
        messages.error(request, "Date ou prix de cession invalide.")
    return redirect("ledger:asset-detail", pk=pk)


@require_POST
@require_perm("ledger.edit")
def depreciation_post(request):
    chosen = to_int(request.POST.get("exercice"), minimum=1)
    if chosen is None:  # a tampered or empty form: a message, never a traceback
        messages.error(request, "Choisissez l'exercice dont passer les dotations.")
        return redirect("ledger:asset-list")
    year = get_object_or_404(FiscalYear, pk=chosen)
    try:
        entry = assets.post_depreciation(actor=request.user, year=year)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Dotations de {year} passées : écriture {entry.journal.code} n° {entry.number}.")
    return redirect("ledger:asset-list")
