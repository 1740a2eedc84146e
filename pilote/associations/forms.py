"""Forms of the associations pages: thin, they parse input; services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from pilote.associations.models import (
    AssociationSettings,
    CpomDeadline,
    DonationKind,
    DueStatus,
    GrantStatus,
    IndicatorSource,
    InKindKind,
    MembershipType,
    PaymentMethod,
    ReceiptStatus,
    Volunteer,
    VolunteerActivity,
)
from pilote.contacts.models import Contact
from pilote.core.forms import DATE_WIDGET, ModelMultipleChoiceField
from pilote.core.listing import WordsField
from pilote.core.pickers import SearchSelect
from pilote.core.uploads import LimitedFileField
from pilote.ledger.models import FiscalYear
from pilote.ledger.models_bank import BankAccount
from pilote.lib.fields import FrenchDecimalFormField, money_formfield


def _year_choices(empty: str = "Toutes"):
    this = timezone.localdate().year
    return [("", empty), *[(str(y), str(y)) for y in range(this, this - 6, -1)]]


class DonationForm(forms.Form):
    donor = forms.ModelChoiceField(
        label="Donateur", queryset=Contact.objects.filter(is_active=True), widget=SearchSelect("contacts")
    )
    date = forms.DateField(label="Date du don", widget=DATE_WIDGET)
    kind = forms.ChoiceField(label="Nature", choices=DonationKind.choices)
    method = forms.ChoiceField(
        label="Mode de versement", required=False,
        choices=[("", "— (don en nature ou frais abandonnés)"), *[c for c in PaymentMethod.choices if c[0]]],
    )  # fmt: skip
    bank_account = forms.ModelChoiceField(
        label="Compte bancaire (chèque, virement)", queryset=BankAccount.objects.filter(is_active=True),
        required=False,
    )  # fmt: skip
    amount = money_formfield(label="Montant (€)")
    description = forms.CharField(label="Description (biens donnés, frais abandonnés)", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        accounts = list(self.fields["bank_account"].queryset[:2])
        if len(accounts) == 1:
            self.fields["bank_account"].initial = accounts[0].pk


class DonationFilterForm(forms.Form):
    q = WordsField(label="Recherche")
    annee = forms.ChoiceField(label="Année", required=False, choices=_year_choices)
    nature = forms.ChoiceField(label="Nature", required=False, choices=[("", "Toutes"), *DonationKind.choices])
    recu = forms.ChoiceField(
        label="Reçu fiscal", required=False,
        choices=[("", "Tous"), ("sans", "Sans reçu"), ("avec", "Avec reçu")],
    )  # fmt: skip


class ReceiptFilterForm(forms.Form):
    q = WordsField(label="Donateur")
    annee = forms.ChoiceField(label="Année des dons", required=False, choices=_year_choices)
    etat = forms.ChoiceField(label="État", required=False, choices=[("", "Tous"), *ReceiptStatus.choices])


class IssueReceiptForm(forms.Form):
    donor = forms.ModelChoiceField(label="Donateur", queryset=Contact.objects.all(), widget=forms.HiddenInput)
    year = forms.IntegerField(label="Année", min_value=1900, max_value=2999, widget=forms.HiddenInput)


class BatchForm(forms.Form):
    year = forms.IntegerField(label="Année des dons", min_value=1900, max_value=2999)
    issued_on = forms.DateField(label="Date d'émission", widget=DATE_WIDGET)


class CancelReceiptForm(forms.Form):
    reason = forms.CharField(label="Motif de l'annulation", max_length=200)
    replace = forms.BooleanField(label="Émettre le reçu rectificatif", required=False, initial=True)


class EstimateForm(forms.Form):
    taxable_income = money_formfield(label="Revenu imposable du foyer (€)", required=False, min_value=0,
                                     max_value=10**12)  # fmt: skip
    revenue = money_formfield(label="Chiffre d'affaires HT de l'entreprise (€)", required=False, min_value=0,
                              max_value=10**13)  # fmt: skip


class SettingsForm(forms.ModelForm):
    class Meta:
        model = AssociationSettings
        fields = [
            "purpose",
            "category",
            "help_in_need",
            "signatory_name",
            "signatory_title",
            "quorum_percent",
            "volunteer_rate",
        ]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}


class MembershipTypeForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=100)
    fee = money_formfield(label="Cotisation annuelle (€)", min_value=0)
    with_return = forms.BooleanField(label="Avec contrepartie (compte 7562)", required=False)


class MemberForm(forms.Form):
    contact = forms.ModelChoiceField(
        label="Contact", queryset=Contact.objects.filter(is_active=True), widget=SearchSelect("contacts")
    )
    membership_type = forms.ModelChoiceField(label="Type d'adhésion", queryset=MembershipType.objects.none())
    joined_on = forms.DateField(label="Adhésion le", widget=DATE_WIDGET)
    method = forms.ChoiceField(
        label="Cotisation payée à l'adhésion", required=False,
        choices=[("", "Non, elle sera appelée"), *[c for c in PaymentMethod.choices if c[0]]],
    )  # fmt: skip
    bank_account = forms.ModelChoiceField(
        label="Compte bancaire (chèque, virement)", queryset=BankAccount.objects.filter(is_active=True),
        required=False,
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership_type"].queryset = MembershipType.objects.filter(is_active=True)


class MemberFilterForm(forms.Form):
    q = WordsField(label="Recherche")
    type = forms.ModelChoiceField(label="Type", required=False, queryset=MembershipType.objects.all(),
                                  empty_label="Tous")  # fmt: skip
    statut = forms.ChoiceField(label="Présence", required=False,
                               choices=[("presents", "Présents"), ("sortis", "Sortis"), ("tous", "Tous")])  # fmt: skip
    cotisation = forms.ChoiceField(
        label="Cotisation de l'année", required=False,
        choices=[("", "Toutes"), ("a_jour", "À jour"), ("en_retard", "Non payée")],
    )  # fmt: skip


class DueFilterForm(forms.Form):
    q = WordsField(label="Adhérent")
    annee = forms.ChoiceField(label="Année", required=False, choices=_year_choices)
    etat = forms.ChoiceField(label="État", required=False, choices=[("", "Tous"), *DueStatus.choices])


class CallDuesForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=1900, max_value=2999)
    called_on = forms.DateField(label="Date de l'appel", widget=DATE_WIDGET)


class ReceiveDueForm(forms.Form):
    paid_on = forms.DateField(label="Payée le", widget=DATE_WIDGET)
    method = forms.ChoiceField(label="Mode", choices=[c for c in PaymentMethod.choices if c[0]])
    bank_account = forms.ModelChoiceField(label="Compte bancaire", queryset=BankAccount.objects.filter(is_active=True),
                                          required=False)  # fmt: skip


class DateForm(forms.Form):
    date = forms.DateField(label="À la date du", widget=DATE_WIDGET, required=False)


class LeaveForm(forms.Form):
    left_on = forms.DateField(label="Sortie le", widget=DATE_WIDGET)


class GrantForm(forms.Form):
    funder = forms.ModelChoiceField(
        label="Financeur", queryset=Contact.objects.filter(is_active=True), widget=SearchSelect("contacts")
    )
    code = forms.CharField(label="Code (repris dans les écritures de l'action)", max_length=20)
    title = forms.CharField(label="Objet", max_length=200)
    amount_requested = money_formfield(label="Montant demandé (€)", min_value=0)
    period_start = forms.DateField(label="Début de l'action", widget=DATE_WIDGET)
    period_end = forms.DateField(label="Fin de l'action", widget=DATE_WIDGET)
    earmarked = forms.BooleanField(label="Subvention affectée (fonds dédiés)", required=False, initial=True)
    conditions = forms.CharField(label="Conditions", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class GrantFilterForm(forms.Form):
    q = WordsField(label="Recherche")
    etat = forms.ChoiceField(label="État", required=False, choices=[("", "Tous"), *GrantStatus.choices])
    annee = forms.ChoiceField(label="Année", required=False, choices=_year_choices)


class AwardForm(forms.Form):
    amount = money_formfield(label="Montant accordé (€)", min_value=0)
    granted_on = forms.DateField(label="Accordée le", widget=DATE_WIDGET)


class InstalmentForm(forms.Form):
    label = forms.CharField(label="Versement", max_length=100)
    expected_on = forms.DateField(label="Attendu le", widget=DATE_WIDGET)
    amount = money_formfield(label="Montant (€)", min_value=0)


class ReceiveInstalmentForm(forms.Form):
    received_on = forms.DateField(label="Reçu le", widget=DATE_WIDGET)
    bank_account = forms.ModelChoiceField(label="Compte bancaire", queryset=BankAccount.objects.filter(is_active=True))


class DeadlineForm(forms.Form):
    label = forms.CharField(label="Échéance", max_length=200)
    due_on = forms.DateField(label="À rendre le", widget=DATE_WIDGET)


class BudgetLineForm(forms.Form):
    nature = forms.CharField(label="Nature (compte à deux chiffres)", max_length=2)
    label = forms.CharField(label="Libellé", max_length=120, required=False)
    amount = money_formfield(label="Budget (€)", min_value=0)


class AgreementForm(forms.Form):
    file = LimitedFileField(label="Convention signée (PDF, image, .docx, .odt)", kind="agreement")


class FundsForm(forms.Form):
    date = forms.DateField(label="Date", widget=DATE_WIDGET)


class ReportForm(forms.Form):
    report_summary = forms.CharField(label="Actions réalisées", required=False,
                                     widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip
    report_variances = forms.CharField(label="Écarts entre le budget et le réalisé", required=False,
                                       widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    report_beneficiaries = forms.CharField(label="Bénéficiaires et évaluation", required=False,
                                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


# --- Volunteering and contributions in kind -----------------------------------------------------------------------
MONTHS = [("", "Tous"), *[(str(n), name) for n, name in enumerate(
    ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
     "décembre"), start=1)]]  # fmt: skip


class VolunteerForm(forms.Form):
    contact = forms.ModelChoiceField(
        label="Contact", queryset=Contact.objects.filter(is_active=True), widget=SearchSelect("contacts")
    )
    since = forms.DateField(label="Bénévole depuis le", widget=DATE_WIDGET)


class VolunteerFilterForm(forms.Form):
    q = WordsField(label="Recherche")
    annee = forms.ChoiceField(label="Heures de l'année", required=False, choices=lambda: _year_choices("Cette année"))


class ActivityForm(forms.Form):
    name = forms.CharField(label="Activité", max_length=100)
    hourly_rate = money_formfield(label="Valorisation horaire (€, vide : taux de l'association)", required=False,
                                  min_value=0, max_value=10**6)  # fmt: skip


class HoursForm(forms.Form):
    volunteer = forms.ModelChoiceField(label="Bénévole", queryset=Volunteer.objects.none())
    activity = forms.ModelChoiceField(label="Activité", queryset=VolunteerActivity.objects.none())
    date = forms.DateField(label="Date", widget=DATE_WIDGET)
    hours = FrenchDecimalFormField(label="Heures (ex. 2,5)", max_digits=5, decimal_places=2, min_value=0,
                                   max_value=24)  # fmt: skip
    note = forms.CharField(label="Note", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = Volunteer.objects.filter(until__isnull=True).select_related("contact")
        self.fields["activity"].queryset = VolunteerActivity.objects.filter(is_active=True)


class HoursFilterForm(forms.Form):
    q = WordsField(label="Bénévole")
    activite = forms.ModelChoiceField(label="Activité", required=False, queryset=VolunteerActivity.objects.all(),
                                      empty_label="Toutes")  # fmt: skip
    annee = forms.ChoiceField(label="Année", required=False, choices=_year_choices)
    mois = forms.ChoiceField(label="Mois", required=False, choices=MONTHS)
    comptabilise = forms.ChoiceField(label="Comptabilisées", required=False,
                                     choices=[("", "Toutes"), ("oui", "Oui"), ("non", "Non")])  # fmt: skip


class PeriodForm(forms.Form):
    period_start = forms.DateField(label="Du", widget=DATE_WIDGET)
    period_end = forms.DateField(label="Au", widget=DATE_WIDGET)


class InKindForm(forms.Form):
    date = forms.DateField(label="Date", widget=DATE_WIDGET)
    kind = forms.ChoiceField(label="Nature", choices=InKindKind.choices)
    contributor = forms.ModelChoiceField(label="Apporté par (facultatif)", required=False,
                                         queryset=Contact.objects.filter(is_active=True),
                                         widget=SearchSelect("contacts"))  # fmt: skip
    description = forms.CharField(label="Description", max_length=200)
    amount = money_formfield(label="Valorisation (€)", min_value=0, max_value=10**9)


class AnnexForm(forms.Form):
    exercice = forms.ModelChoiceField(label="Exercice", queryset=FiscalYear.objects.order_by("-start_date"),
                                      empty_label=None)  # fmt: skip


# --- CPOM and activity ----------------------------------------------------------------------------------------------
class CpomForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=200)
    funders = ModelMultipleChoiceField(
        label="Financeurs (ARS, département…)", queryset=Contact.objects.filter(is_active=True, kind="organisation")
    )
    start_year = forms.IntegerField(label="Première année", min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label="Dernière année", min_value=2000, max_value=2100)
    signed_on = forms.DateField(label="Signé le", widget=DATE_WIDGET, required=False)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CpomFilterForm(forms.Form):
    q = WordsField(label="Recherche")
    annee = forms.ChoiceField(label="En cours en", required=False, choices=_year_choices)


class ObjectiveForm(forms.Form):
    title = forms.CharField(label="Objectif", max_length=200)
    indicator = forms.CharField(label="Indicateur", max_length=200)
    unit = forms.CharField(label="Unité (%, h, personnes…)", max_length=20, required=False)
    higher_is_better = forms.BooleanField(label="Plus haut est mieux", required=False, initial=True)
    source = forms.ChoiceField(label="Réalisé", choices=IndicatorSource.choices)
    service = forms.CharField(label="Service (si calculé)", max_length=40, required=False)


class TargetForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    target = FrenchDecimalFormField(label="Cible", max_digits=14, decimal_places=2, min_value=-10**11,
                                    max_value=10**11)  # fmt: skip
    actual = FrenchDecimalFormField(label="Réalisé (indicateur saisi)", max_digits=14, decimal_places=2,
                                    required=False, min_value=-10**11, max_value=10**11)  # fmt: skip
    clear_actual = forms.BooleanField(label="Effacer le réalisé saisi", required=False)


class MeansForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    accounts = forms.CharField(label="Comptes (préfixe : 7311, 64, 6…)", max_length=8)
    label = forms.CharField(label="Libellé", max_length=120, required=False)
    amount = money_formfield(label="Budget (€)", min_value=0, max_value=10**11)


class CpomDeadlineForm(forms.Form):
    kind = forms.ChoiceField(label="Nature", choices=[c for c in CpomDeadline.Kind.choices
                                                      if c[0] != CpomDeadline.Kind.REPORT])  # fmt: skip
    label = forms.CharField(label="Libellé", max_length=200, required=False)
    due_on = forms.DateField(label="À tenir le", widget=DATE_WIDGET)
    year = forms.IntegerField(label="Année du CPOM (facultatif)", min_value=2000, max_value=2100, required=False)


class ActivityFilterForm(forms.Form):
    service = forms.CharField(label="Service", required=False, max_length=40)
    annee = forms.ChoiceField(label="Année", required=False, choices=_year_choices)


class ActivityMonthForm(forms.Form):
    service = forms.CharField(label="Service (SSIAD, SAAD…)", max_length=40)
    month = forms.DateField(label="Mois (un jour du mois)", widget=DATE_WIDGET)
    places = forms.IntegerField(label="Places autorisées", min_value=0, max_value=100000, required=False)
    days_open = forms.IntegerField(label="Jours d'ouverture", min_value=0, max_value=31, required=False)
    days_delivered = forms.IntegerField(label="Journées réalisées", min_value=0, max_value=10**7, required=False)
    hours_delivered = FrenchDecimalFormField(label="Heures réalisées", max_digits=10, decimal_places=2, min_value=0,
                                             max_value=10**7, required=False)  # fmt: skip
    persons = forms.IntegerField(label="Personnes accompagnées", min_value=0, max_value=10**6, required=False)
    waiting_list = forms.IntegerField(label="Liste d'attente", min_value=0, max_value=10**6, required=False)
