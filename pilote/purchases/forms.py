"""Forms of the purchases pages."""

from __future__ import annotations

from django import forms

from pilote.core.pickers import SearchSelect
from pilote.core.uploads import LimitedFileField
from pilote.purchases.models import SupplierInvoiceStatus
from pilote.purchases.pickers import suppliers

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(LimitedFileField):
    """Several files in one input (the Django documentation's recipe), each within the e-invoice size limit:
    cleaned to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, kind="einvoice", **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ReceiveForm(forms.Form):
    files = MultipleFileField(
        label="Factures reçues (Factur-X PDF, XML CII ou UBL)",
        widget=MultipleFileInput(attrs={"multiple": True, "accept": ".pdf,.xml,application/pdf,application/xml"}),
        help_text="Vous pouvez choisir plusieurs fichiers à la fois.",
    )


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    status = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *SupplierInvoiceStatus.choices])
    supplier = forms.ModelChoiceField(
        label="Fournisseur", queryset=suppliers(), required=False, widget=SearchSelect("fournisseurs")
    )
    start = forms.DateField(label="Du", required=False, widget=DATE)
    end = forms.DateField(label="Au", required=False, widget=DATE)


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label="Motif (transmis au fournisseur)", max_length=300, required=False, widget=forms.TextInput()
    )
