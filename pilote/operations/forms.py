from decimal import Decimal

from django import forms

from pilote.catalog.models import Product
from pilote.core.forms import DATE_WIDGET, VersionedForm
from pilote.lib.fields import FrenchDecimalFormField
from pilote.operations.models import Location, MoveKind, StockCategory, StockItem


def _quantity(label: str, **kwargs) -> FrenchDecimalFormField:
    return FrenchDecimalFormField(label=label, max_digits=12, decimal_places=3, min_value=Decimal("0.001"), **kwargs)


def _locations():
    return Location.objects.filter(is_active=True).order_by("code")


class ItemFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    category = forms.ChoiceField(label="Nature", required=False, choices=[("", "Toutes"), *StockCategory.choices])
    location = forms.ModelChoiceField(label="Emplacement", required=False, queryset=Location.objects.none(),
                                      empty_label="Tous")  # fmt: skip
    alert = forms.BooleanField(label="Sous le point de commande", required=False)
    date = forms.DateField(label="Valeur au", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations()


class MoveFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(label="Nature", required=False, choices=[("", "Toutes"), *MoveKind.choices])
    start = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    end = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["code", "name", "address"]


class ItemForm(VersionedForm):
    class Meta:
        model = StockItem
        fields = ["product", "category", "default_location", "reorder_point", "reorder_quantity", "allow_negative"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["product"]
        else:
            self.fields["product"].queryset = Product.objects.filter(
                kind="goods", is_active=True, stock_item__isnull=True
            ).order_by("reference")
        self.fields["default_location"].queryset = _locations()

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "product")}


MANUAL_KINDS = [
    ("receipt", "Entrée (achat, retour)"),
    ("issue", "Sortie diverse (consommation, casse, don)"),
    ("adjustment_in", "Régularisation en plus"),
    ("adjustment_out", "Régularisation en moins"),
    ("transfer", "Transfert vers un autre emplacement"),
]


class MoveForm(forms.Form):
    kind = forms.ChoiceField(label="Mouvement", choices=MANUAL_KINDS)
    date = forms.DateField(label="Date", widget=DATE_WIDGET)
    quantity = _quantity("Quantité")
    location = forms.ModelChoiceField(label="Emplacement", queryset=Location.objects.none())
    target = forms.ModelChoiceField(label="Vers (transfert)", queryset=Location.objects.none(), required=False)
    unit_cost = FrenchDecimalFormField(label="Coût unitaire HT (entrée)", max_digits=14, decimal_places=4,
                                       min_places=2, min_value=Decimal("0"), required=False)  # fmt: skip
    reference = forms.CharField(label="Pièce", max_length=60, required=False)
    note = forms.CharField(label="Motif", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations()
        self.fields["target"].queryset = _locations()

    def clean(self):
        data = super().clean()
        if data.get("kind") == "receipt" and data.get("unit_cost") is None:
            self.add_error("unit_cost", "Une entrée demande son coût unitaire.")
        if data.get("kind") == "transfer" and not data.get("target"):
            self.add_error("target", "Choisissez l'emplacement d'arrivée.")
        return data


class CountOpenForm(forms.Form):
    location = forms.ModelChoiceField(label="Emplacement", queryset=Location.objects.none())
    date = forms.DateField(label="Date de l'inventaire", widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations()


class YearForm(forms.Form):
    year = forms.ModelChoiceField(label="Exercice", queryset=None, empty_label=None)

    def __init__(self, *args, **kwargs):
        from pilote.ledger.models import FiscalYear

        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = FiscalYear.objects.order_by("-start_date")
