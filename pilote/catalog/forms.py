from django import forms

from pilote.catalog.models import EXEMPTION_MENTIONS, Product, ProductKind, VatRate
from pilote.core.forms import VersionedForm
from pilote.core.listing import WordsField
from pilote.core.vat_policy import NO_VAT_MENTIONS, VatPolicy, current_policy

NO_VAT_LABEL = "Pas de TVA"


def offer_vat_choices(form, policy: VatPolicy) -> None:
    """What a form's `vat_rate` / `exemption_mention` fields offer under the structure's VAT regime.

    Without VAT (franchise en base, non assujettie) the only choice is « Pas de TVA » with the regime's
    legal mention, preselected: 20 % is never proposed. With VAT, the rates and the exemptions of a
    liable structure, without the mentions that belong to the regimes without VAT."""
    rate, mention = form.fields["vat_rate"], form.fields["exemption_mention"]
    if policy.charges_vat:
        mention.choices = [choice for choice in EXEMPTION_MENTIONS if choice[0] not in NO_VAT_MENTIONS]
        return
    rate.choices = [(VatRate.EXEMPT.value, NO_VAT_LABEL)]
    mention.choices = [(policy.mention, policy.mention)]
    form.initial["vat_rate"], form.initial["exemption_mention"] = VatRate.EXEMPT.value, policy.mention


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

    def __init__(self, *args, vat_policy: VatPolicy | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        offer_vat_choices(self, vat_policy or current_policy())


class ProductFilterForm(forms.Form):
    q = WordsField(label="Recherche")
    kind = forms.ChoiceField(label="Nature", required=False, choices=[("", "Toutes"), *ProductKind.choices])
    tva = forms.ChoiceField(label="TVA", required=False, choices=[("", "Tous les taux"), *VatRate.choices])
    etat = forms.ChoiceField(
        label="État", required=False, choices=[("actifs", "Actifs"), ("inactifs", "Inactifs"), ("tous", "Tous")]
    )
