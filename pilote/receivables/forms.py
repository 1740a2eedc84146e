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
    Pilote holds (bad_debts.classify_taken_over) — one row per VAT rate (the first: `net`, `vat_rate`, `vat_amount`;
    the others suffixed _2 … _5), each checked against HT × rate by `bad_debts.check_old_vat_lines`, and one regime."""

    RATES = [("20.00", "20 %"), ("10.00", "10 %"), ("5.50", "5,5 %"), ("2.10", "2,1 %"), ("0.00", "0 %")]
    ROWS = 5  # one per rate Pilote knows (20, 10, 5,5, 2,1 and 0 %)
    SHOWN = 3  # rows shown at first; the others under « Autres taux »
    template_name = "receivables/_classify_old_form.html"

    net = FrenchDecimalFormField(label="HT (€)", min_value=0, max_digits=15, decimal_places=2)
    vat_rate = forms.TypedChoiceField(label="Taux", choices=RATES, coerce=Decimal, initial="20.00")
    vat_amount = FrenchDecimalFormField(label="TVA (€)", min_value=0, max_digits=15, decimal_places=2, required=False)
    vat_regime = forms.ChoiceField(label="Régime de TVA", choices=[("", "—"), *VatRegime.choices], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for row in range(2, self.ROWS + 1):
            self.fields[f"net_{row}"] = FrenchDecimalFormField(
                label="HT (€)", min_value=0, max_digits=15, decimal_places=2, required=False
            )
            self.fields[f"vat_rate_{row}"] = forms.TypedChoiceField(
                label="Taux", choices=[("", "—"), *self.RATES], coerce=Decimal, required=False,
                empty_value=None,
            )  # fmt: skip
            self.fields[f"vat_amount_{row}"] = FrenchDecimalFormField(
                label="TVA (€)", min_value=0, max_digits=15, decimal_places=2, required=False
            )
        self.order_fields(["day", "reason", *self._row_names(), "vat_regime"])

    def _row_names(self) -> list[str]:
        return [f"{name}{suffix}" for suffix in ["", *(f"_{row}" for row in range(2, self.ROWS + 1))]
                for name in ("net", "vat_rate", "vat_amount")]  # fmt: skip

    def head_fields(self):
        return [self["day"], self["reason"]]

    def rate_rows(self):
        """The rows of bound fields (HT, rate, VAT), for the template."""
        names = self._row_names()
        return [[self[name] for name in names[start : start + 3]] for start in range(0, len(names), 3)]

    def typed_lines(self) -> list:
        """The rows filled in, as bad_debts.OldVatLine (a row is filled when its HT, rate or VAT is)."""
        from pilote.receivables.bad_debts import OldVatLine

        data = self.cleaned_data
        lines = [OldVatLine(data.get("net"), data.get("vat_rate"), data.get("vat_amount"))]
        for row in range(2, self.ROWS + 1):
            net, rate, vat = (data.get(f"{name}_{row}") for name in ("net", "vat_rate", "vat_amount"))
            if net is None and rate is None and vat is None:
                continue
            if rate is None:
                raise forms.ValidationError(f"Choisissez le taux de TVA de la ligne {row} (ou videz-la).")
            lines.append(OldVatLine(net, rate, vat))
        return lines

    def clean(self):
        from pilote.core.exceptions import DomainError
        from pilote.receivables.bad_debts import check_old_vat_lines

        data = super().clean()
        if not any(name in self.errors for name in self._row_names()):
            try:  # the rule itself lives in bad_debts: the service checks again
                check_old_vat_lines(self.typed_lines())
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from None
        return data

    def vat(self):
        from pilote.receivables.bad_debts import OldInvoiceVat

        return OldInvoiceVat(lines=self.typed_lines(), regime=self.cleaned_data["vat_regime"])


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
