from __future__ import annotations

from decimal import Decimal

from django import forms

from pilote.core.forms import DATE_WIDGET, VersionedForm
from pilote.core.listing import WordsField
from pilote.core.pickers import SearchSelect, datalist_attrs
from pilote.ledger import pickers
from pilote.ledger.models import Account, AuxiliaryAccount, BankRule, EntryStatus, FiscalYear, Journal, JournalKind
from pilote.ledger.queries import WORDS_HINT, WORDS_LABEL
from pilote.ledger.services import LineInput
from pilote.lib.fields import FrenchDecimalFormField, IdentifierFormField

AMOUNT = {"max_digits": 15, "decimal_places": 2, "min_value": Decimal("0"), "required": False, "min_places": 2}


class EntryForm(forms.Form):
    journal = forms.ModelChoiceField(label="Journal", queryset=Journal.objects.filter(is_active=True), empty_label=None)
    date = forms.DateField(label="Date", widget=DATE_WIDGET)
    label = forms.CharField(label="Libellé", max_length=200)
    piece_ref = forms.CharField(label="N° de pièce", max_length=40, required=False)
    piece_date = forms.DateField(label="Date de la pièce", required=False, widget=DATE_WIDGET)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class LineForm(forms.Form):
    account = forms.CharField(
        label="Compte",
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={**datalist_attrs("comptes", "accounts"), "inputmode": "numeric", "class": "account"}
        ),
    )
    auxiliary = forms.CharField(
        label="Auxiliaire",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs=datalist_attrs("auxiliaires", "auxiliaries")),
    )
    label = forms.CharField(label="Libellé", max_length=200, required=False)
    debit = FrenchDecimalFormField(
        label="Débit", **AMOUNT, widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "amount debit"})
    )
    credit = FrenchDecimalFormField(
        label="Crédit", **AMOUNT, widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "amount credit"})
    )

    def clean(self):
        data = super().clean()
        code = (data.get("account") or "").strip()
        if not code:
            if data.get("debit") or data.get("credit"):
                raise forms.ValidationError("Indiquez le compte de cette ligne.")
            return data
        data["account_obj"] = Account.objects.filter(code=code).first()
        if data["account_obj"] is None:
            self.add_error("account", f"Compte {code} inconnu du plan comptable.")
        aux = (data.get("auxiliary") or "").strip()
        data["auxiliary_obj"] = AuxiliaryAccount.objects.filter(code=aux).first() if aux else None
        if aux and data["auxiliary_obj"] is None:
            self.add_error("auxiliary", f"Compte auxiliaire {aux} inconnu.")
        return data

    def to_input(self) -> LineInput | None:
        data = self.cleaned_data
        if not data.get("account_obj"):
            return None
        return LineInput(
            account=data["account_obj"],
            auxiliary=data.get("auxiliary_obj"),
            label=data.get("label", ""),
            debit=data.get("debit") or Decimal("0"),
            credit=data.get("credit") or Decimal("0"),
        )


LineFormSet = forms.formset_factory(LineForm, extra=0, min_num=2, max_num=500, validate_max=True)


class EntryFilterForm(forms.Form):
    exercice = forms.ModelChoiceField(
        label="Exercice", queryset=FiscalYear.objects.all(), required=False, empty_label="Tous les exercices"
    )
    journal = forms.ModelChoiceField(
        label="Journal", queryset=Journal.objects.all(), required=False, empty_label="Tous les journaux"
    )
    etat = forms.ChoiceField(label="État", required=False, choices=[("", "Tous"), *EntryStatus.choices])
    compte = forms.RegexField(
        label="Compte",
        regex=r"^\d{1,20}$",
        required=False,
        error_messages={"invalid": "Compte : des chiffres (ex. 411 ou 6061)."},
    )
    q = WordsField(label=WORDS_LABEL, hint=WORDS_HINT, search=False, max_length=None)
    piece = forms.CharField(label="N° de pièce exact", max_length=40, required=False)
    montant = FrenchDecimalFormField(label="Montant d'une ligne", **AMOUNT)
    du = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    au = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)


class TrialBalanceForm(forms.Form):
    exercice = forms.ModelChoiceField(
        label="Exercice", queryset=FiscalYear.objects.all(), required=False, empty_label=None
    )
    type = forms.ChoiceField(
        label="Balance",
        required=False,
        choices=[("generale", "Générale"), ("auxiliaire", "Auxiliaire (clients et fournisseurs)")],
    )
    compte = forms.RegexField(label="Comptes commençant par", regex=r"^\d{0,20}$", required=False)
    au = forms.DateField(label="Jusqu'à la fin du mois du", required=False, widget=DATE_WIDGET)


class FiscalYearForm(forms.Form):
    start_date = forms.DateField(label="Début", widget=DATE_WIDGET)
    end_date = forms.DateField(label="Fin", widget=DATE_WIDGET)


class AccountForm(forms.Form):
    code = forms.CharField(label="Numéro", max_length=20)
    label = forms.CharField(label="Intitulé", max_length=200)


class LockForm(forms.Form):
    locked_until = forms.DateField(label="Verrouiller jusqu'au", widget=DATE_WIDGET)


class JournalForm(forms.Form):
    code = forms.CharField(label="Code", max_length=8)
    label = forms.CharField(label="Intitulé", max_length=100)
    kind = forms.ChoiceField(label="Type", choices=JournalKind.choices)
    account = forms.CharField(
        label="Compte de trésorerie", max_length=20, required=False, help_text="Banque ou caisse : 512…, 53…"
    )


class AuxiliaryForm(forms.Form):
    contact = forms.ModelChoiceField(label="Contact", queryset=None, widget=SearchSelect("tiers"))
    control = forms.ChoiceField(label="Compte", choices=[("411", "Client (411)"), ("401", "Fournisseur (401)")])

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = pickers.THIRD_PARTIES.queryset()


class BankAccountForm(forms.Form):
    """A new bank account (the bank list page's and the API's)."""

    name = forms.CharField(label="Nom", max_length=100)
    iban = IdentifierFormField(kind="iban", label="IBAN")
    bic = IdentifierFormField(kind="bic", label="BIC", required=False, help_text="Vide : celui de la banque de l'IBAN.")
    account_code = forms.CharField(label="Compte comptable", initial="512", max_length=20)
    journal_code = forms.CharField(
        label="Code journal", required=False, max_length=8, help_text="Vide : un journal BQn est créé."
    )


class BankAccountChangeForm(forms.Form):
    """A bank account changed (its page's and the API's): its journal and 51x account stay."""

    name = forms.CharField(label="Nom", max_length=100)
    iban = IdentifierFormField(kind="iban", label="IBAN", help_text="Modifiable tant qu'aucun relevé n'est importé.")
    bic = IdentifierFormField(kind="bic", label="BIC", required=False, help_text="Vide : celui de la banque de l'IBAN.")
    is_active = forms.BooleanField(
        label="Actif", required=False, help_text="Inactif : il n'est plus proposé aux paiements et aux prélèvements."
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class BankRuleForm(VersionedForm):
    """A matching rule as its fields are typed (the rules page's and the API's; the bank line page makes one while
    booking)."""

    class Meta:
        model = BankRule
        fields = ["bank_account", "label_contains", "account", "auxiliary", "entry_label"]
        widgets = {"account": SearchSelect("comptes"), "auxiliary": SearchSelect("auxiliaires")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank_account"].empty_label = "Tous les comptes bancaires"
