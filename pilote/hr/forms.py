from __future__ import annotations

from django import forms

from pilote.core.forms import DATE_WIDGET, ModelMultipleChoiceField, VersionedForm
from pilote.core.listing import WordsField
from pilote.core.models import User
from pilote.core.uploads import LimitedFileField
from pilote.hr.contracts import CDD_REASONS
from pilote.hr.expenses import CATEGORY_CHOICES, VEHICLE_CHOICES
from pilote.hr.gpec import LEVELS
from pilote.hr.models import (
    PAYROLL_TYPED_FIELDS,
    REQUESTABLE_KINDS,
    AbsenceKind,
    AbsenceStatus,
    ContractType,
    CseCategory,
    CseList,
    Employee,
    ExpenseStatus,
    InterviewKind,
    PayrollVariable,
    Skill,
)
from pilote.hr.models_training import TrainingFunding, TrainingKind, TrainingStatus
from pilote.lib.fields import FrenchDecimalFormField

EMPLOYEE_FIELDS = [
    "last_name", "birth_name", "first_names", "sex", "birth_date", "birth_place", "nationality", "nir",
    "address", "postal_code", "city", "email", "phone", "emergency_contact", "emergency_phone", "iban", "bic",
    "job", "qualification", "cse_category", "establishment", "manager", "user",
    "contract_type", "part_time", "weekly_hours", "entry_date", "hiring_authorisation_date",
    "needs_work_permit", "work_permit_type", "work_permit_number", "work_permit_expires",
    "temp_agency", "tutor", "internship_place",
]  # fmt: skip


class EmployeeForm(VersionedForm):
    # The printed form (« 2 95 10 99 126 111 93 ») is accepted: no maxlength cuts it; stored compact.
    nir = forms.CharField(label="N° de sécurité sociale", max_length=40, required=False)
    reason = forms.CharField(
        label="Motif de la rectification",
        max_length=250,
        required=False,
        help_text="Obligatoire quand le changement touche une mention du registre du personnel (nom, emploi, "
        "qualification, contrat…) : une nouvelle ligne datée est inscrite, l'ancienne reste.",
    )

    class Meta:
        model = Employee
        fields = EMPLOYEE_FIELDS
        widgets = {
            name: DATE_WIDGET
            for name in ("birth_date", "entry_date", "hiring_authorisation_date", "work_permit_expires")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        managers = Employee.objects.filter(exit_date__isnull=True)
        if self.instance.pk:
            managers = managers.exclude(pk=self.instance.pk) | Employee.objects.filter(pk=self.instance.manager_id)
        else:
            del self.fields["reason"]
        self.fields["manager"].queryset = managers.order_by("last_name", "first_names")
        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("last_name", "first_name")
        self.fields["user"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["user"].help_text = "Le compte avec lequel ce salarié consulte son dossier et ses congés."

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in EMPLOYEE_FIELDS}


class ExitForm(forms.Form):
    exit_date = forms.DateField(label="Date de sortie", widget=DATE_WIDGET)
    exit_reason = forms.CharField(label="Motif de sortie", max_length=120)


class EmployeeFilterForm(forms.Form):
    q = WordsField(label="Recherche")
    statut = forms.ChoiceField(
        label="Présence",
        required=False,
        choices=[("presents", "Présents"), ("a_venir", "À venir"), ("sortis", "Sortis"), ("tous", "Tous")],
    )
    contrat = forms.ChoiceField(label="Contrat", required=False, choices=[("", "Tous"), *ContractType.choices])
    categorie = forms.ChoiceField(label="Catégorie", required=False, choices=[("", "Toutes"), *CseCategory.choices])


class RegisterFilterForm(forms.Form):
    section = forms.ChoiceField(
        label="Partie",
        required=False,
        choices=[("personnel", "Salariés"), ("stagiaires", "Stagiaires")],
    )


class LeaveRequestForm(forms.Form):
    kind = forms.ChoiceField(label="Nature", choices=[(k.value, k.label) for k in REQUESTABLE_KINDS])
    start = forms.DateField(label="Du", widget=DATE_WIDGET)
    end = forms.DateField(label="Au (inclus)", widget=DATE_WIDGET)
    comment = forms.CharField(label="Commentaire", max_length=250, required=False)


class AbsenceForm(forms.Form):
    employee = forms.ModelChoiceField(label="Salarié", queryset=Employee.objects.none())
    kind = forms.ChoiceField(label="Nature", choices=AbsenceKind.choices)
    start = forms.DateField(label="Du", widget=DATE_WIDGET)
    end = forms.DateField(label="Au (inclus)", widget=DATE_WIDGET)
    certificate = forms.BooleanField(label="Justificatif reçu (arrêt de travail, acte…)", required=False)
    comment = forms.CharField(label="Commentaire", max_length=250, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = Employee.objects.order_by("last_name", "first_names")


class LeaveInformationForm(forms.Form):
    given_on = forms.DateField(label="Information remise le", widget=DATE_WIDGET)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Décision", choices=[("accepter", "Accepter"), ("refuser", "Refuser")])
    note = forms.CharField(label="Motif (obligatoire pour un refus)", max_length=250, required=False)


class AbsenceFilterForm(forms.Form):
    salarie = forms.ModelChoiceField(label="Salarié", queryset=Employee.objects.none(), required=False)
    nature = forms.ChoiceField(label="Nature", required=False, choices=[("", "Toutes"), *AbsenceKind.choices])
    statut = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *AbsenceStatus.choices])
    du = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    au = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salarie"].queryset = Employee.objects.order_by("last_name", "first_names")


class MonthForm(forms.Form):
    mois = forms.DateField(label="Mois", required=False, input_formats=["%Y-%m"],
                           widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))  # fmt: skip


class InterviewForm(forms.Form):
    kind = forms.ChoiceField(label="Nature", choices=InterviewKind.choices)
    held_on = forms.DateField(label="Tenu le", widget=DATE_WIDGET)
    summary = forms.CharField(label="Compte rendu", required=False, max_length=10_000,
                              widget=forms.Textarea(attrs={"rows": 5}))  # fmt: skip
    training_followed = forms.BooleanField(
        label="A suivi au moins une formation non obligatoire depuis le dernier état des lieux", required=False
    )


class CseElectionForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=150)
    informed_on = forms.DateField(label="Information du personnel le", widget=DATE_WIDGET)
    unions_invited_on = forms.DateField(label="Invitation des syndicats le", required=False, widget=DATE_WIDGET)
    first_round_on = forms.DateField(
        label="Premier tour le", widget=DATE_WIDGET, help_text="Au plus tard le 90e jour suivant l'information."
    )
    second_round_on = forms.DateField(label="Second tour le", required=False, widget=DATE_WIDGET,
                                      help_text="Dans les 15 jours suivant le premier.")  # fmt: skip
    seats = forms.IntegerField(label="Sièges de titulaires (si le protocole préélectoral en décide autrement)",
                               required=False, min_value=1, max_value=75)  # fmt: skip
    hours = forms.IntegerField(label="Heures de délégation par mois (idem)", required=False, min_value=0,
                               max_value=200)  # fmt: skip


def _count(text: str) -> bool:
    """A count typed in the lists: ASCII digits only (« ² » is a digit to str.isdigit, not to int), 7 at most."""
    return text.isascii() and text.isdigit() and len(text) <= 7


class CseTallyForm(forms.Form):
    """A college's count: the lists typed as blocks — a header line « # NOM ; bulletins ; syndicale|libre », then
    one line per candidate in list order: « Nom Prénoms ; ratures »."""

    round = forms.TypedChoiceField(label="Tour", coerce=int, choices=[(1, "Premier tour"), (2, "Second tour")])
    body = forms.ChoiceField(label="Scrutin", choices=[("titulaires", "Titulaires"), ("suppleants", "Suppléants")])
    votes_cast = forms.IntegerField(label="Votants", min_value=0, max_value=10**7)
    blank_void = forms.IntegerField(label="Bulletins blancs et nuls", min_value=0, max_value=10**7, initial=0)
    lists = forms.CharField(
        label="Listes et candidats",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Pour chaque liste, une ligne « # Nom de la liste ; bulletins ; syndicale » (ou « libre » au "
        "second tour), puis un candidat par ligne dans l'ordre de la liste : « Nom Prénoms ; ratures ».",
    )

    def __init__(self, *args, voters=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.voters = voters or []  # CseVoter rows of the college

    def clean_lists(self):
        from pilote.hr.services.cse import CandidateInput, ListInput

        by_name = {}
        for voter in self.voters:
            for key in (voter.name, f"{voter.employee.first_names} {voter.employee.last_name}"):
                by_name[" ".join(key.casefold().split())] = voter.employee
        parsed, errors = [], []
        for number, raw in enumerate(self.cleaned_data["lists"].splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            parts = [part.strip() for part in line.lstrip("#").split(";")]
            if line.startswith("#"):
                if len(parts) < 2 or not _count(parts[1]):
                    errors.append(f"Ligne {number} : « # Nom de la liste ; bulletins ; syndicale » attendu.")
                    continue
                kind = parts[2].casefold() if len(parts) > 2 else "syndicale"
                if kind not in ("syndicale", "libre"):
                    errors.append(f"Ligne {number} : une liste est « syndicale » ou « libre ».")
                if len(parts[0]) > CseList._meta.get_field("name").max_length:
                    errors.append(f"Ligne {number} : le nom de la liste dépasse 120 caractères.")
                parsed.append(ListInput(parts[0], int(parts[1]), [], kind != "libre"))
                continue
            if not parsed:
                errors.append(f"Ligne {number} : commencez par l'en-tête de la liste (« # Nom ; bulletins »).")
                continue
            crossed = parts[1] if len(parts) > 1 and parts[1] else "0"
            if not _count(crossed):
                errors.append(f"Ligne {number} : les ratures sont un nombre entier.")
                continue
            employee = by_name.get(" ".join(parts[0].casefold().split()))
            if employee is None:
                errors.append(f"Ligne {number} : « {parts[0][:80]} » n'est pas sur la liste électorale du collège.")
                continue
            parsed[-1].candidates.append(CandidateInput(employee, int(crossed)))
        if errors:
            raise forms.ValidationError(errors)
        return parsed


class CseProclaimForm(forms.Form):
    on = forms.DateField(label="Résultats proclamés le", widget=DATE_WIDGET)


class CseVoterFilterForm(forms.Form):
    college = forms.ChoiceField(label="Collège", required=False, choices=[("", "Tous")])
    eligible = forms.ChoiceField(
        label="Éligibles", required=False, choices=[("", "Tous"), ("oui", "Éligibles"), ("non", "Électeurs seulement")]
    )

    def __init__(self, *args, colleges=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["college"].choices = [("", "Tous"), *((str(c.number), c.name) for c in colleges)]


class ContractForm(forms.Form):
    """The contract (first version) or an amendment: the terms from its date."""

    kind = forms.ChoiceField(label="Nature", choices=ContractType.choices)
    effective_from = forms.DateField(label="À compter du", widget=DATE_WIDGET)
    signed_on = forms.DateField(label="Signé le", required=False, widget=DATE_WIDGET)
    end_date = forms.DateField(label="Fin du contrat (CDD, apprentissage, stage)", required=False, widget=DATE_WIDGET)
    cdd_reason = forms.ChoiceField(label="Motif du CDD", required=False, choices=[("", "—"), *CDD_REASONS])
    job = forms.CharField(label="Emploi", max_length=120)
    part_time = forms.BooleanField(label="Temps partiel", required=False)
    weekly_hours = FrenchDecimalFormField(label="Heures par semaine", max_digits=4, decimal_places=2, min_value=1,
                                          max_value=48, initial=35)  # fmt: skip
    trial_end = forms.DateField(label="Fin de la période d'essai (par défaut : le maximum légal)", required=False,
                                widget=DATE_WIDGET)  # fmt: skip
    monthly_gross = FrenchDecimalFormField(label="Salaire brut mensuel (€)", max_digits=12, decimal_places=2,
                                           min_value=0, min_places=2)  # fmt: skip
    school = forms.CharField(label="École ou organisme de formation (alternance, stage)", max_length=150,
                             required=False)  # fmt: skip
    reason = forms.CharField(label="Objet de l'avenant", max_length=250, required=False)


class PayrollMonthForm(forms.Form):
    month = forms.DateField(label="Mois", input_formats=["%Y-%m", "%Y-%m-%d"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))  # fmt: skip

    def clean_month(self):
        return self.cleaned_data["month"].replace(day=1)


class PayrollVariableForm(VersionedForm):
    class Meta:
        model = PayrollVariable
        fields = list(PAYROLL_TYPED_FIELDS)


class PayrollJournalForm(forms.Form):
    file = LimitedFileField(label="Journal de paie du gestionnaire (CSV : compte, libellé, débit, crédit)",
                            kind="other")  # fmt: skip


# --- Expense reports ------------------------------------------------------------------------------------------


RECEIPT_TYPES = "image/jpeg,image/png,application/pdf"


class ExpenseReportForm(forms.Form):
    title = forms.CharField(label="Objet (mission, mois…)", max_length=150)


class ExpenseLineForm(forms.Form):
    spent_on = forms.DateField(label="Date", widget=DATE_WIDGET)
    category = forms.ChoiceField(label="Catégorie", choices=CATEGORY_CHOICES)
    description = forms.CharField(label="Détail (lieu, client, trajet…)", max_length=200, required=False)
    amount = FrenchDecimalFormField(label="Montant TTC (€)", max_digits=10, decimal_places=2, min_value=0,
                                    min_places=2, required=False)  # fmt: skip
    vat = FrenchDecimalFormField(label="dont TVA (€)", max_digits=10, decimal_places=2, min_value=0, min_places=2,
                                 required=False)  # fmt: skip
    receipt = LimitedFileField(label="Justificatif (photo ou PDF)", kind="receipt", required=False,
                               widget=forms.ClearableFileInput(attrs={"accept": RECEIPT_TYPES}))  # fmt: skip
    vehicle = forms.ChoiceField(label="Véhicule (indemnités kilométriques)", required=False,
                                choices=[("", "—"), *VEHICLE_CHOICES])  # fmt: skip
    horsepower = forms.IntegerField(label="Puissance fiscale (CV)", required=False, min_value=1, max_value=50)
    electric = forms.BooleanField(label="Véhicule électrique (+20 %)", required=False)
    distance = FrenchDecimalFormField(label="Distance (km)", max_digits=7, decimal_places=1, min_value=0,
                                      max_value=5000, required=False)  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("category") == "kilometrique":
            for name in ("vehicle", "horsepower", "distance"):
                if not data.get(name):
                    self.add_error(name, "Obligatoire pour des indemnités kilométriques.")
        elif self.is_bound and not data.get("amount") and "amount" not in self.errors:
            self.add_error("amount", "Indiquez le montant TTC du justificatif.")
        return data


class ExpenseFilterForm(forms.Form):
    q = WordsField(label="Recherche")
    statut = forms.ChoiceField(label="État", required=False, choices=[("", "Tous"), *ExpenseStatus.choices])
    du = forms.DateField(label="Créées du", required=False, widget=DATE_WIDGET)
    au = forms.DateField(label="au", required=False, widget=DATE_WIDGET)


class ExpenseTransferForm(forms.Form):
    reports = forms.MultipleChoiceField(
        label="Notes de frais",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins une note de frais."},
    )
    on = forms.DateField(label="Date d'exécution", widget=DATE_WIDGET)
    bank_account = forms.ModelChoiceField(label="Compte bancaire débité", queryset=None)

    def __init__(self, *args, reports=(), **kwargs):
        from pilote.ledger.models_bank import BankAccount

        super().__init__(*args, **kwargs)
        self.reports = list(reports)
        self.fields["reports"].choices = [(str(r.pk), r.number) for r in self.reports]
        self.fields["bank_account"].queryset = BankAccount.objects.filter(is_active=True).order_by("name")

    def chosen(self) -> list:
        """The reports ticked, from those proposed (the form valid)."""
        return [report for report in self.reports if str(report.pk) in self.cleaned_data["reports"]]


class ExpensePayForm(forms.Form):
    on = forms.DateField(label="Date du virement", widget=DATE_WIDGET)
    bank_account = forms.ModelChoiceField(label="Compte bancaire", queryset=None)

    def __init__(self, *args, **kwargs):
        from pilote.ledger.models_bank import BankAccount

        super().__init__(*args, **kwargs)
        self.fields["bank_account"].queryset = BankAccount.objects.filter(is_active=True).order_by("name")


# --- Working time ---------------------------------------------------------------------------------------------

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class WeekForm(forms.Form):
    semaine = forms.CharField(label="Semaine", required=False, max_length=10,
                              widget=forms.TextInput(attrs={"type": "week"}))  # fmt: skip
    equipe = forms.ModelChoiceField(label="Équipe de", required=False, queryset=Employee.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["equipe"].queryset = Employee.objects.filter(team__isnull=False).distinct().order_by("last_name")

    def clean_semaine(self):
        """« 2026-W45 » (the week input) → that week's Monday."""
        import datetime as dt

        text = self.cleaned_data["semaine"].strip()
        if not text:
            return None
        try:
            return dt.datetime.strptime(f"{text}-1", "%G-W%V-%u").date()
        except ValueError:
            raise forms.ValidationError("Choisissez une semaine (par exemple 2026-W45).") from None


class ShiftForm(forms.Form):
    employee = forms.ModelChoiceField(label="Salarié", queryset=Employee.objects.none())
    day = forms.DateField(label="Jour", widget=DATE_WIDGET)
    start = forms.TimeField(label="Début", widget=TIME_WIDGET)
    end = forms.TimeField(label="Fin", widget=TIME_WIDGET, help_text="Avant le début : fin le lendemain.")
    break_minutes = forms.IntegerField(label="Pause (minutes)", min_value=0, max_value=600, initial=0)
    note = forms.CharField(label="Poste, lieu", max_length=120, required=False)

    def __init__(self, *args, employees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = Employee.objects.filter(pk__in=[e.pk for e in employees]).order_by(
            "last_name", "first_names"
        )


class YearForm(forms.Form):
    annee = forms.IntegerField(label="Année", required=False, min_value=2000, max_value=2099)


# --- Training and annual reviews ------------------------------------------------------------------------------


class TrainingActionForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=150)
    provider = forms.CharField(label="Organisme de formation", max_length=150)
    kind = forms.ChoiceField(label="Nature", choices=TrainingKind.choices, initial=TrainingKind.DEVELOPMENT)
    funding = forms.ChoiceField(label="Financement", choices=TrainingFunding.choices)
    start = forms.DateField(label="Du", widget=DATE_WIDGET)
    end = forms.DateField(label="Au", widget=DATE_WIDGET)
    hours = FrenchDecimalFormField(label="Durée (heures)", max_digits=6, decimal_places=1, min_value=0.5,
                                   max_value=5000)  # fmt: skip
    cost = FrenchDecimalFormField(label="Coût pédagogique (€)", max_digits=10, decimal_places=2, min_value=0,
                                  min_places=2, initial=0)  # fmt: skip
    skill = forms.ModelChoiceField(label="Compétence visée (GPEC)", required=False, queryset=Skill.objects.none())
    employees = ModelMultipleChoiceField(label="Stagiaires", required=False, queryset=Employee.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = Skill.objects.order_by("name")
        self.fields["employees"].queryset = Employee.objects.filter(exit_date__isnull=True).order_by(
            "last_name", "first_names"
        )


class TrainingCompleteForm(forms.Form):
    attended = ModelMultipleChoiceField(label="Ont suivi la formation", required=False,
                                              queryset=Employee.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)  # fmt: skip
    evaluation = forms.CharField(label="Évaluation de l'action", required=False, max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def __init__(self, *args, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        if action is not None:
            self.fields["attended"].queryset = Employee.objects.filter(trainings__action=action).order_by("last_name")


class TrainingEvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(label="Satisfaction", coerce=int, choices=[(i, f"{i} sur 5") for i in range(1, 6)])
    comment = forms.CharField(label="Appréciation", max_length=250, required=False)


class AnnualReviewForm(forms.Form):
    held_on = forms.DateField(label="Tenu le", widget=DATE_WIDGET)
    assessment = forms.CharField(label="Bilan de l'année", required=False, max_length=10_000,
                                 widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip
    objectives = forms.CharField(label="Objectifs de l'année à venir (un par ligne)", required=False,
                                 max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip
    training_wishes = forms.CharField(label="Souhaits de formation", max_length=250, required=False)


class TrainingFilterForm(forms.Form):
    annee = forms.IntegerField(label="Année", required=False, min_value=2000, max_value=2099)
    statut = forms.ChoiceField(label="État", required=False, choices=[("", "Tous"), *TrainingStatus.choices])
    nature = forms.ChoiceField(label="Nature", required=False, choices=[("", "Toutes"), *TrainingKind.choices])


# --- Skills (GPEC) --------------------------------------------------------------------------------------------


class SkillForm(forms.Form):
    name = forms.CharField(label="Compétence", max_length=120)
    family = forms.CharField(label="Famille", max_length=80, required=False)


class JobSkillForm(forms.Form):
    job = forms.ChoiceField(label="Emploi", choices=[])
    skill = forms.ModelChoiceField(label="Compétence", queryset=None)
    level = forms.TypedChoiceField(label="Niveau requis (0 : retirer)", coerce=int, choices=LEVELS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        jobs = Employee.objects.filter(exit_date__isnull=True).order_by("job").values_list("job", flat=True).distinct()
        self.fields["job"].choices = [(job, job) for job in jobs]
        self.fields["skill"].queryset = Skill.objects.order_by("name")


class AnnouncementForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=150)
    body = forms.CharField(label="Message", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    until = forms.DateField(label="Affichée jusqu'au (facultatif)", required=False, widget=DATE_WIDGET)


def analytic_form(axis, data=None):
    """One percentage per active section of `axis` (blank: not in the distribution)."""
    from decimal import Decimal as _D

    from pilote.lib.fields import FrenchDecimalFormField

    fields = {
        f"part_{section.pk}": FrenchDecimalFormField(
            label=f"{section.code} — {section.label} (%)",
            required=False,
            min_value=_D(0),
            max_value=_D(100),
            max_digits=5,
            decimal_places=2,
        )  # fmt: skip
        for section in axis.sections.filter(is_active=True).order_by("code")
    }
    return type("AnalyticForm", (forms.Form,), fields)(data, prefix=f"axe{axis.pk}")
