from __future__ import annotations

from decimal import Decimal

from django import forms

from pilote.core.forms import DATE_WIDGET, VersionedForm
from pilote.core.listing import WordsField
from pilote.lib.fields import FrenchDecimalFormField
from pilote.receivables import templating
from pilote.receivables.models import DunningLevel, VatRegime

PLACEHOLDER_HELP = "Champs possibles : " + ", ".join(
    "{" + name + "} (" + label + ")" for name, label in templating.PLACEHOLDERS.items()
)


class LevelForm(VersionedForm):
    class Meta:
        model = DunningLevel
        fields = [
            "rank",
            "title",
            "days_after_due",
            "channel",
            "include_penalties",
            "is_active",
            "email_subject",
            "email_body",
            "letter_body",
        ]
        widgets = {"email_body": forms.Textarea(attrs={"rows": 8}), "letter_body": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "days_after_due": "Le niveau est dû ce nombre de jours après l'échéance de la facture.",
            "letter_body": PLACEHOLDER_HELP,
            "email_body": PLACEHOLDER_HELP,
        }

    def clean(self):
        data = super().clean()
        for name, label in (("email_subject", "Objet"), ("email_body", "E-mail"), ("letter_body", "Courrier")):
            for problem in templating.check_template(data.get(name) or "", label):
                self.add_error(name, problem)
        return data


class CreditLimitForm(forms.Form):
    amount = FrenchDecimalFormField(
        label="Encours autorisé TTC (€)",
        required=False,
        min_places=2,
        min_value=0,
        max_digits=15,
        decimal_places=2,
        help_text="Laissez vide pour ne pas suivre d'encours autorisé pour ce client.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class HoldForm(forms.Form):
    reason = forms.CharField(label="Motif de l'exclusion", max_length=200)


class AgedFilterForm(forms.Form):
    q = WordsField(label="Client")
    late_only = forms.BooleanField(label="Échu seulement", required=False)


class HistoryFilterForm(forms.Form):
    q = WordsField(label="Client ou facture")
    rank = forms.TypedChoiceField(
        label="Niveau",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Tous"), (1, "1"), (2, "2"), (3, "3")],
    )
    to_print = forms.BooleanField(label="Courriers à poster", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rank"].choices = [("", "Tous"), *((lv.rank, str(lv)) for lv in DunningLevel.objects.all())]


class StatementForm(forms.Form):
    start = forms.DateField(label="Du", widget=DATE_WIDGET)
    end = forms.DateField(label="Au", widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("La date de fin précède la date de début.")
        return data


class ClassifyForm(forms.Form):
    day = forms.DateField(label="Classée douteuse le", widget=DATE_WIDGET)
    reason = forms.CharField(label="Motif (redressement judiciaire, litige…)", max_length=150, required=False)


class ClassifyTakenOverForm(ClassifyForm):
    """An old invoice of the previous tool classed doubtful: what the old tool knew of its VAT, which no VAT line of
    Pilote holds (bad_debts.classify_taken_over)."""

    RATES = [("20.00", "20 %"), ("10.00", "10 %"), ("5.50", "5,5 %"), ("2.10", "2,1 %"), ("0.00", "0 % (sans TVA)")]

    net = FrenchDecimalFormField(label="Montant HT de la facture (€)", min_value=0, max_digits=15, decimal_places=2)
    vat_rate = forms.TypedChoiceField(label="Taux de TVA", choices=RATES, coerce=Decimal, initial="20.00")
    vat_amount = FrenchDecimalFormField(
        label="TVA de la facture (€)", min_value=0, max_digits=15, decimal_places=2, required=False,
        help_text="Vide : montant HT × taux ; saisissez-la si l'ancien outil l'a arrondie autrement.",
    )  # fmt: skip
    vat_regime = forms.ChoiceField(label="Régime de TVA", choices=[("", "—"), *VatRegime.choices], required=False)

    def vat(self):
        from pilote.receivables.bad_debts import OldInvoiceVat

        data = self.cleaned_data
        return OldInvoiceVat(net=data["net"], rate=data["vat_rate"], vat=data["vat_amount"],
                             regime=data["vat_regime"])  # fmt: skip


class ProvisionForm(forms.Form):
    day = forms.DateField(label="Date", widget=DATE_WIDGET)
    rate = FrenchDecimalFormField(label="Taux de dépréciation (%)", min_value=0, max_value=100, max_digits=5,
                                  decimal_places=2)  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class WriteOffForm(forms.Form):
    day = forms.DateField(label="Passée en perte le", widget=DATE_WIDGET)
    proof = forms.CharField(
        label="Preuve de l'irrécouvrabilité", max_length=200,
        help_text="Jugement de liquidation judiciaire du …, clôture pour insuffisance d'actif, débiteur disparu…",
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RecoveryForm(forms.Form):
    day = forms.DateField(label="Encaissé le", widget=DATE_WIDGET)
    amount = FrenchDecimalFormField(label="Montant (€)", min_value=0, max_digits=15, decimal_places=2, min_places=2)
    bank_account = forms.ModelChoiceField(label="Compte bancaire", queryset=None, empty_label=None)

    def __init__(self, *args, **kwargs):
        from pilote.ledger.models_bank import BankAccount

        super().__init__(*args, **kwargs)
        self.fields["bank_account"].queryset = BankAccount.objects.select_related("account").order_by("pk")
