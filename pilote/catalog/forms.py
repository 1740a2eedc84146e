from django import forms

from pilote.catalog.models import Product, ProductKind, VatRate
from pilote.core.forms import VersionedForm


class ProductForm(VersionedForm):
    class Meta:
        model = Product
        fields = [
            "reference",
            "name",
            "description",
            "kind",
            "unit",
            "unit_price",
            "vat_rate",
            "exemption_mention",
            "sales_account",
            "purchase_price",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        localized_fields = ["unit_price", "purchase_price"]


class ProductFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(label="Nature", required=False, choices=[("", "Toutes"), *ProductKind.choices])
    tva = forms.ChoiceField(label="TVA", required=False, choices=[("", "Tous les taux"), *VatRate.choices])
    etat = forms.ChoiceField(
        label="État", required=False, choices=[("actifs", "Actifs"), ("inactifs", "Inactifs"), ("tous", "Tous")]
    )
