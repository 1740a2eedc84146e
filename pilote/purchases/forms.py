"""Forms of the purchases pages."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from pilote.catalog.models import Product, Unit, VatRate
from pilote.core.listing import WordsField
from pilote.core.models import VatRegime
from pilote.core.pickers import SearchSelect
from pilote.core.registry import lot_tracking
from pilote.core.roles import Role
from pilote.core.uploads import LimitedFileField
from pilote.core.vat_policy import POLICIES
from pilote.lib.fields import FrenchDecimalFormField, money_formfield
from pilote.purchases.matching import order_of
from pilote.purchases.models import PurchaseOrderStatus, ReceiptQuality, SupplierInvoiceKind, SupplierInvoiceStatus
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
    q = WordsField(label="Recherche")
    status = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *SupplierInvoiceStatus.choices])
    supplier = forms.ModelChoiceField(
        label="Fournisseur", queryset=suppliers(), required=False, widget=SearchSelect("fournisseurs")
    )
    start = forms.DateField(label="Du", required=False, widget=DATE)
    end = forms.DateField(label="Au", required=False, widget=DATE)


class DueFilterForm(forms.Form):
    """The payables list: a due-date period, a supplier, a status, an amount range, the terms beyond the law."""

    period = forms.ChoiceField(label="Échéances", required=False, initial="mois")
    supplier = forms.ModelChoiceField(
        label="Fournisseur", queryset=suppliers(), required=False, widget=SearchSelect("fournisseurs")
    )
    status = forms.ChoiceField(label="Statut", required=False)
    minimum = money_formfield(label="Montant à partir de", required=False, min_value=0)
    maximum = money_formfield(label="Montant jusqu'à", required=False, min_value=0)
    beyond_terms = forms.BooleanField(label="Délai au-delà de la limite légale", required=False)

    def __init__(self, *args, **kwargs):
        from pilote.purchases.queries.payables import OPEN_STATUSES, PERIODS

        super().__init__(*args, **kwargs)
        self.fields["period"].choices = list(PERIODS.items())
        self.fields["status"].choices = [("", "Tous"), *((s.value, s.label) for s in OPEN_STATUSES)]


class StatementForm(forms.Form):
    start = forms.DateField(label="Du", widget=DATE)
    end = forms.DateField(label="Au", widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("La fin de la période doit suivre son début.")
        return data


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(label="Note", choices=[(n, f"{n} / 5") for n in range(6)], coerce=int, initial=3)
    rated_on = forms.DateField(label="Date", widget=DATE)
    comment = forms.CharField(label="Commentaire", max_length=300, required=False)


class RankingForm(forms.Form):
    q = WordsField(label="Fournisseur")
    start = forms.DateField(label="Du", required=False, widget=DATE)
    end = forms.DateField(label="Au", required=False, widget=DATE)


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label="Motif (transmis au fournisseur)", max_length=300, required=False, widget=forms.TextInput()
    )


# --- purchase orders ----------------------------------------------------------------------------------------

# The supplier charges its VAT whatever the structure's own regime: the order's line editor offers every rate.
SUPPLIER_VAT = POLICIES[VatRegime.DEBITS]


class SupplierChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Fournisseur")
        super().__init__(queryset=suppliers(), widget=SearchSelect("fournisseurs"), **kwargs)

    def label_from_instance(self, obj):
        return obj.display_name


class OrderFilterForm(forms.Form):
    q = WordsField(label="Recherche")
    status = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *PurchaseOrderStatus.choices])
    supplier = SupplierChoiceField(required=False)
    start = forms.DateField(label="Du", required=False, widget=DATE)
    end = forms.DateField(label="Au", required=False, widget=DATE)
    to_receive = forms.BooleanField(label="À recevoir", required=False)


class OrderForm(forms.Form):
    supplier = SupplierChoiceField()
    date = forms.DateField(label="Date de commande", widget=DATE)
    expected_delivery = forms.DateField(label="Livraison souhaitée le", widget=DATE, required=False)
    delivery_place = forms.CharField(
        label="Adresse de livraison", max_length=300, required=False, help_text="Vide : l'adresse de la structure."
    )
    supplier_reference = forms.CharField(label="Référence du devis fournisseur", max_length=60, required=False)
    notes = forms.CharField(label="Conditions particulières", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("expected_delivery") and data["expected_delivery"] < data["date"]:
            self.add_error("expected_delivery", "La livraison souhaitée ne peut pas précéder la date de commande.")
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Motif", max_length=300, required=False)


class ApprovalLimitsForm(forms.Form):
    """One amount per role that prepares orders; direction approves any amount."""

    ROLES = (Role.COMMERCIAL, Role.ASSISTANT, Role.COMPTABLE)

    def __init__(self, *args, limits: dict[str, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        for role in self.ROLES:
            self.fields[role] = money_formfield(
                label=f"{role.label} : jusqu'à (€ HT)", max_digits=14, min_value=Decimal("0"),
                initial=limits.get(role, Decimal("0")),
            )  # fmt: skip


class ToleranceForm(forms.Form):
    price_percent = FrenchDecimalFormField(
        label="Écart de prix toléré (%)", max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    quantity_percent = FrenchDecimalFormField(
        label="Écart de quantité toléré (%)", max_digits=5, decimal_places=2, min_value=0, max_value=100
    )


class ReceiptForm(forms.Form):
    """One row per line still to receive: accepted, refused, state and reason; then the date and the note."""

    date = forms.DateField(label="Date de réception", widget=DATE)
    delivery_note = forms.CharField(label="N° du bon de livraison du fournisseur", max_length=60, required=False)
    notes = forms.CharField(label="Observations", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    allow_over = forms.BooleanField(label="Accepter une quantité supérieure à la commande", required=False)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"recu-{line.pk}"] = FrenchDecimalFormField(
                label=f"Reçu : {line.description}", max_digits=12, decimal_places=3, min_value=0, required=False
            )
            self.fields[f"refuse-{line.pk}"] = FrenchDecimalFormField(
                label=f"Refusé : {line.description}", max_digits=12, decimal_places=3, min_value=0, required=False
            )
            self.fields[f"etat-{line.pk}"] = forms.ChoiceField(
                label=f"État : {line.description}", choices=ReceiptQuality.choices, initial=ReceiptQuality.CONFORM
            )
            self.fields[f"motif-{line.pk}"] = forms.CharField(
                label=f"Motif du refus : {line.description}", max_length=300, required=False
            )
        # The articles the stock follows by lot or serial number (core.registry: purchases never imports operations)
        self.tracked = lot_tracking([line.product_id for line in lines])
        for line in lines:
            if line.product_id in self.tracked:
                serial = self.tracked[line.product_id] == "serial"
                self.fields[f"lots-{line.pk}"] = forms.CharField(
                    label=f"{'Numéros de série' if serial else 'Lots'} : {line.description}", max_length=2000,
                    required=False, widget=forms.TextInput(attrs={
                        "placeholder": "SN-001, SN-002" if serial else "L2401 : 5 ; L2402 : 3", "autocomplete": "off",
                    }),
                )  # fmt: skip

    @property
    def rows(self):
        return [
            (
                line,
                self[f"recu-{line.pk}"],
                self[f"refuse-{line.pk}"],
                self[f"etat-{line.pk}"],
                self[f"motif-{line.pk}"],
                self[f"lots-{line.pk}"] if f"lots-{line.pk}" in self.fields else None,
            )
            for line in self.lines
        ]

    def clean(self):
        data = super().clean()
        for line in self.lines:
            if line.product_id in self.tracked and data.get(f"recu-{line.pk}") and not data.get(f"lots-{line.pk}"):
                what = (
                    "numéro de série : indiquez un numéro par unité reçue"
                    if self.tracked[line.product_id] == "serial"
                    else "lot : indiquez le ou les lots reçus et leurs quantités"
                )
                self.add_error(f"lots-{line.pk}", f"« {line.description} » est suivi par {what}.")
        return data

    def lots(self) -> dict[int, str]:
        return {line.pk: self.cleaned_data.get(f"lots-{line.pk}") or "" for line in self.lines}

    def quantities(self) -> dict:
        data = self.cleaned_data
        return {
            line.pk: (data.get(f"recu-{line.pk}"), data.get(f"refuse-{line.pk}"), data.get(f"etat-{line.pk}"),
                      data.get(f"motif-{line.pk}") or "")
            for line in self.lines
        }  # fmt: skip


class TypedInvoiceForm(forms.Form):
    """A supplier invoice typed from the paper or the PDF; its order (by number) for the three-way match."""

    supplier = SupplierChoiceField()
    kind = forms.ChoiceField(label="Type", choices=SupplierInvoiceKind.choices, initial=SupplierInvoiceKind.INVOICE)
    number = forms.CharField(label="N° de facture du fournisseur", max_length=100)
    date = forms.DateField(label="Date de la facture", widget=DATE)
    due_date = forms.DateField(label="Échéance", widget=DATE, required=False)
    order = forms.CharField(label="N° de notre commande", max_length=20, required=False)
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("due_date") and data["due_date"] < data["date"]:
            self.add_error("due_date", "L'échéance ne peut pas précéder la date de la facture.")
        number = (data.get("order") or "").strip()
        data["order"] = None
        if number and data.get("supplier"):
            data["order"] = order_of(data["supplier"].pk, number)
            if data["order"] is None:
                self.add_error("order", f"Aucune commande {number} pour ce fournisseur.")
        return data


class LinkOrderForm(forms.Form):
    order = forms.CharField(label="N° de notre commande", max_length=20, required=False,
                            help_text="Vide : détacher la facture de sa commande.")  # fmt: skip


# --- requests for quotes ------------------------------------------------------------------------------------


class RequestForm(forms.Form):
    title = forms.CharField(label="Objet", max_length=200)
    date = forms.DateField(label="Date", widget=DATE)
    reply_by = forms.DateField(label="Réponse attendue le", widget=DATE, required=False)
    notes = forms.CharField(label="Précisions pour les fournisseurs", widget=forms.Textarea(attrs={"rows": 2}),
                            required=False)  # fmt: skip

    dossier = forms.IntegerField(widget=forms.HiddenInput, required=False)  # the selection file asking

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, 6):
            self.fields[f"supplier_{i}"] = SupplierChoiceField(label=f"Fournisseur {i}", required=i == 1)

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("reply_by") and data["reply_by"] < data["date"]:
            self.add_error("reply_by", "La date de réponse attendue ne peut pas précéder la demande.")
        return data

    def suppliers(self) -> list:
        return [self.cleaned_data[f"supplier_{i}"] for i in range(1, 6) if self.cleaned_data.get(f"supplier_{i}")]


class RequestLineForm(forms.Form):
    product = forms.ModelChoiceField(label="Article", queryset=Product.objects.filter(is_active=True), required=False,
                                     widget=SearchSelect("articles"))  # fmt: skip
    description = forms.CharField(label="Désignation", max_length=500, required=False)
    quantity = FrenchDecimalFormField(label="Quantité", max_digits=12, decimal_places=3, min_value=0, required=False)
    unit = forms.ChoiceField(label="Unité", choices=Unit.choices, initial=Unit.PIECE)

    def clean(self):
        data = super().clean()
        if data.get("product") and not data.get("description"):
            data["description"] = data["product"].name
        if data.get("description") and not data.get("quantity"):
            self.add_error("quantity", "Indiquez la quantité demandée.")
        return data


RequestLineFormSet = forms.formset_factory(RequestLineForm, extra=5, max_num=50, validate_max=True)


class AnswerForm(forms.Form):
    answered_on = forms.DateField(label="Réponse reçue le", widget=DATE)
    reference = forms.CharField(label="Référence du devis fournisseur", max_length=60, required=False)
    delay_days = forms.IntegerField(label="Délai de livraison (jours)", min_value=0, max_value=3650, required=False)
    conditions = forms.CharField(label="Conditions (paiement, port, validité)", max_length=300, required=False)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"prix-{line.pk}"] = FrenchDecimalFormField(
                label=f"Prix unitaire HT : {line.description}", max_digits=14, decimal_places=4, min_places=2,
                min_value=0, required=False,
            )  # fmt: skip
            self.fields[f"tva-{line.pk}"] = forms.ChoiceField(
                label=f"TVA : {line.description}", choices=[c for c in VatRate.choices if c[0] != VatRate.EXEMPT],
                initial=VatRate.NORMAL,
            )  # fmt: skip

    @property
    def rows(self):
        return [(line, self[f"prix-{line.pk}"], self[f"tva-{line.pk}"]) for line in self.lines]

    def prices(self) -> dict:
        data = self.cleaned_data
        return {line.pk: (data.get(f"prix-{line.pk}"), data.get(f"tva-{line.pk}")) for line in self.lines}


# --- supplier selection files -----------------------------------------------------------------------------------

CRITERIA_ROWS = 6


class SelectionForm(forms.Form):
    title = forms.CharField(label="Besoin", max_length=200)
    date = forms.DateField(label="Date", widget=DATE)
    description = forms.CharField(label="Description du besoin", widget=forms.Textarea(attrs={"rows": 2}),
                                  required=False)  # fmt: skip

    def __init__(self, *args, **kwargs):
        from pilote.purchases.selection import DEFAULT_CRITERIA

        super().__init__(*args, **kwargs)
        for i in range(1, 6):
            self.fields[f"supplier_{i}"] = SupplierChoiceField(label=f"Candidat {i}", required=i == 1)
        for i in range(1, CRITERIA_ROWS + 1):
            name, weight = DEFAULT_CRITERIA[i - 1] if i <= len(DEFAULT_CRITERIA) else ("", None)
            self.fields[f"criterion_{i}"] = forms.CharField(label=f"Critère {i}", max_length=100, required=False,
                                                            initial=name)  # fmt: skip
            self.fields[f"weight_{i}"] = forms.IntegerField(label=f"Pondération {i}", min_value=1, max_value=1000,
                                                            required=False, initial=weight)  # fmt: skip

    def suppliers(self) -> list:
        return [self.cleaned_data[f"supplier_{i}"] for i in range(1, 6) if self.cleaned_data.get(f"supplier_{i}")]

    def criteria(self) -> list[tuple[str, int]]:
        rows = [(self.cleaned_data.get(f"criterion_{i}"), self.cleaned_data.get(f"weight_{i}"))
                for i in range(1, CRITERIA_ROWS + 1)]  # fmt: skip
        return [(name, weight) for name, weight in rows if name]


SCORE_CHOICES = [("", "—"), *((str(n), str(n)) for n in range(6))]


class GridForm(forms.Form):
    """One 0–5 choice per candidate and criterion, named note-<candidate>-<criterion>."""

    def __init__(self, *args, candidates, criteria, scores: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = []
        for candidate in candidates:
            for criterion in criteria:
                name = f"note-{candidate.pk}-{criterion.pk}"
                value = scores.get((candidate.pk, criterion.pk))
                self.fields[name] = forms.ChoiceField(
                    label=f"{candidate.supplier.display_name} — {criterion.name}", choices=SCORE_CHOICES,
                    required=False, initial="" if value is None else str(value),
                )  # fmt: skip
                self.keys.append((name, candidate.pk, criterion.pk))

    def scores(self) -> dict:
        return {(c, k): (int(self.cleaned_data[n]) if self.cleaned_data.get(n) not in (None, "") else None)
                for n, c, k in self.keys}  # fmt: skip


class DecideForm(forms.Form):
    candidate = forms.TypedChoiceField(label="Fournisseur retenu", coerce=int)
    justification = forms.CharField(label="Justification du choix", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].choices = [(c.pk, c.supplier.display_name) for c in candidates]


class CandidateForm(forms.Form):
    supplier = SupplierChoiceField(label="Ajouter un candidat")
