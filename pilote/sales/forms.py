"""Forms of the sales documents: the header forms and the line editor shared by quotes, orders and
invoice drafts (a formset whose rows become services.LineSpec)."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from pilote.catalog.forms import offer_vat_choices
from pilote.catalog.models import EXEMPTION_MENTIONS, Product, Unit, VatRate, vat_of_product
from pilote.core.pickers import SearchSelect
from pilote.core.vat_policy import VatPolicy, current_policy
from pilote.lib.fields import FrenchDecimalFormField, money_formfield
from pilote.sales.models import PaymentMethod, PaymentTerm
from pilote.sales.services import LineSpec

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LineForm(forms.Form):
    product = forms.ModelChoiceField(
        label="Article",
        queryset=Product.objects.filter(is_active=True),
        required=False,
        widget=SearchSelect("articles"),
    )
    description = forms.CharField(label="Désignation", max_length=500)
    quantity = FrenchDecimalFormField(label="Quantité", max_digits=12, decimal_places=3)
    unit = forms.ChoiceField(label="Unité", choices=Unit.choices, initial=Unit.PIECE)
    unit_price = FrenchDecimalFormField(label="PU HT", max_digits=14, decimal_places=4, min_places=2, min_value=0)
    discount_percent = FrenchDecimalFormField(
        label="Remise %", max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )
    vat_rate = forms.ChoiceField(label="TVA", choices=VatRate.choices, initial=VatRate.NORMAL)
    exemption_mention = forms.ChoiceField(label="Mention d'exonération", choices=EXEMPTION_MENTIONS, required=False)
    kind = forms.ChoiceField(
        label="Nature", choices=[("goods", "Livraison de bien"), ("service", "Prestation de services")], initial="goods"
    )
    source_pk = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, vat_policy: VatPolicy | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        offer_vat_choices(self, vat_policy or current_policy())
        for name, field in self.fields.items():  # the column header is not a <label>: name each input
            if name not in ("source_pk", "DELETE"):
                field.widget.attrs.setdefault("aria-label", field.label)

    def clean(self):
        data = super().clean()
        if data.get("vat_rate") == VatRate.EXEMPT and not data.get("exemption_mention"):
            self.add_error("exemption_mention", "Une ligne exonérée doit porter sa mention légale d'exonération.")
        return data

    def spec(self) -> LineSpec:
        data = self.cleaned_data
        product = data.get("product")
        extra = {"source_pk": data["source_pk"]} if data.get("source_pk") else {}
        return LineSpec(
            description=data["description"],
            quantity=data["quantity"],
            unit_price=data["unit_price"],
            vat_rate=data["vat_rate"],
            unit=data["unit"],
            discount_percent=data.get("discount_percent") or Decimal(0),
            product=product,
            reference=product.reference if product else "",
            kind=data["kind"],
            exemption_mention=data.get("exemption_mention") or "",
            account=product.revenue_account if product else "",
            extra=extra,
        )


class BaseLineFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]:
            raise forms.ValidationError("Ajoutez au moins une ligne.")

    def specs(self) -> list[LineSpec]:
        return [f.spec() for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=0, can_delete=True, min_num=0)


def line_formset(data=None, lines=None, prefix="lignes", vat_policy: VatPolicy | None = None) -> BaseLineFormSet:
    """The editor, empty (one blank row), or filled from existing document lines. `vat_policy` replaces the
    structure's regime (purchases: the supplier charges its own VAT whatever ours)."""
    initial = None
    if lines is not None:
        initial = [
            {
                "product": line.product_id,
                "description": line.description,
                "quantity": line.quantity,
                "unit": line.unit,
                "unit_price": line.unit_price,
                "discount_percent": line.discount_percent,
                "vat_rate": line.vat_rate,
                "exemption_mention": line.exemption_mention,
                "kind": line.kind,
                "source_pk": line.pk,
            }
            for line in lines
        ]
    form_kwargs = {"vat_policy": vat_policy or current_policy()}  # read once for every row
    formset = LineFormSet(data, initial=initial, prefix=prefix, form_kwargs=form_kwargs)
    if data is None and not initial:
        formset = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=1, can_delete=True)(
            prefix=prefix, form_kwargs=form_kwargs
        )
    return formset


def _price_text(price: Decimal) -> str:
    """149.9000 → "149.90", 0.0085 → "0.0085": the decimals that matter, never fewer than two."""
    whole, _, decimals = f"{price:.4f}".partition(".")
    return f"{whole}.{decimals.rstrip('0').ljust(2, '0')}"


def catalogue_data(vat_policy: VatPolicy | None = None, *, purchase: bool = False) -> dict[str, dict]:
    """What the line editor's script needs to fill a row when an article is chosen (its VAT as the
    structure's regime allows: no VAT and the regime's mention under franchise or non assujettie); for a
    purchase, the article's purchase price."""
    policy = vat_policy or current_policy()
    data = {}
    for p in Product.objects.filter(is_active=True):
        vat_rate, mention = vat_of_product(p, policy)
        price = p.purchase_price if purchase else p.unit_price
        data[str(p.pk)] = {
            "description": p.name,
            "unit": p.unit,
            "price": _price_text(price) if price is not None else "",
            "vat": vat_rate,
            "mention": mention,
            "kind": p.kind,
        }
    return data


class CustomerChoiceField(forms.ModelChoiceField):
    """The customer of a quote, an order or an invoice: customers and prospects, searched as one types."""

    def __init__(self, **kwargs):
        from pilote.sales.pickers import customers_and_prospects

        super().__init__(
            queryset=customers_and_prospects(), label="Client", widget=SearchSelect("clients-prospects"), **kwargs
        )

    def label_from_instance(self, obj):
        return obj.display_name


class InvoiceHeaderForm(forms.Form):
    customer = CustomerChoiceField()
    date = forms.DateField(label="Date de facture", widget=DATE)
    payment_term = forms.ChoiceField(label="Conditions de paiement", choices=PaymentTerm.choices, initial="30")
    due_date = forms.DateField(
        label="Échéance convenue (sinon selon les conditions)",
        widget=DATE,
        required=False,
        help_text="Au plus 60 jours après la facture, ou 45 jours fin de mois (art. L441-10 du code de commerce).",
    )
    customer_reference = forms.CharField(label="N° de commande du client", max_length=60, required=False)
    delivery_date = forms.DateField(label="Date de livraison / d'exécution", widget=DATE, required=False)
    notes = forms.CharField(label="Mentions particulières", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("due_date"):
            from pilote.core.exceptions import DomainError
            from pilote.sales.terms import check_due_date

            try:
                check_due_date(data["date"], data["due_date"])
            except DomainError as exc:
                self.add_error("due_date", exc.message)
        return data


class IssueForm(forms.Form):
    confirm = forms.BooleanField(
        label="Je confirme l'émission : la facture reçoit son numéro définitif et ne pourra plus être modifiée.",
    )


class CreditNoteForm(forms.Form):
    date = forms.DateField(label="Date de l'avoir", widget=DATE)


class PaymentForm(forms.Form):
    date = forms.DateField(label="Date du règlement", widget=DATE)
    amount = money_formfield(label="Montant", max_digits=14, min_value=Decimal("0.01"))
    method = forms.ChoiceField(label="Mode", choices=PaymentMethod.choices)
    bank_account = forms.ModelChoiceField(label="Compte bancaire", queryset=None, empty_label=None)
    reference = forms.CharField(label="Référence (n° de chèque, libellé du virement)", max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        from pilote.ledger.models_bank import BankAccount

        super().__init__(*args, **kwargs)
        self.fields["bank_account"].queryset = BankAccount.objects.filter(is_active=True)


class EmailForm(forms.Form):
    to = forms.EmailField(label="Destinataire")
    subject = forms.CharField(label="Objet", max_length=200)
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 8}))
