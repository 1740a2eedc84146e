from __future__ import annotations

from django import forms

from pilote.core.forms import DATE_WIDGET, ModelMultipleChoiceField, VersionedForm
from pilote.core.listing import WordsField
from pilote.lib.fields import money_formfield
from pilote.quality import scoring
from pilote.quality.models import (
    FREQUENCY_LABELS,
    SEVERITY_LABELS,
    ActionStatus,
    Audit,
    AuditKind,
    AuditStatus,
    CapaKind,
    FindingResult,
    Hazard,
    Ishikawa,
    NcOrigin,
    NcSeverity,
    NcStatus,
    ProcedureKind,
    QualitySettings,
    QuestionKind,
    Risk,
    RiskCategory,
    RiskStatus,
    SurveyAudience,
    SurveyStatus,
    WorkUnit,
)
from pilote.quality.services.risks import risk_owners

RATINGS = ("likelihood", "impact", "residual_likelihood", "residual_impact")


def _person(user) -> str:
    return user.get_full_name() or user.username


class SettingsForm(VersionedForm):
    class Meta:
        model = QualitySettings
        fields = ["risk_scale", "headcount"]


def _rating_choices(field: str, scale: int) -> list[tuple[int, str]]:
    labels = scoring.IMPACT_LABELS[scale] if "impact" in field else scoring.LIKELIHOOD_LABELS[scale]
    return [(n, f"{n} — {labels[n - 1]}") for n in range(1, scale + 1)]


class RiskForm(VersionedForm):
    class Meta:
        model = Risk
        fields = ["title", "category", "owner", "cause", "consequence", "likelihood", "impact", "controls",
                  "residual_likelihood", "residual_impact", "review_on"]  # fmt: skip
        widgets = {
            "cause": forms.Textarea(attrs={"rows": 3}),
            "consequence": forms.Textarea(attrs={"rows": 3}),
            "controls": forms.Textarea(attrs={"rows": 3}),
            "review_on": DATE_WIDGET,
        }
        help_texts = {
            "residual_likelihood": "Après les mesures existantes et les actions de traitement.",
            "controls": "Procédures, contrôles, assurances déjà en place.",
        }

    def __init__(self, *args, scale: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = risk_owners()
        self.fields["owner"].label_from_instance = _person
        for name in RATINGS:
            field = self.fields[name]
            self.fields[name] = forms.TypedChoiceField(
                label=field.label, choices=_rating_choices(name, scale), coerce=int, help_text=field.help_text
            )

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


LEVEL_CHOICES = [("", "Tous"), *((name, scoring.LEVEL_LABELS[name]) for name in scoring.LEVELS)]
STATUS_CHOICES = [("actifs", "Suivis"), ("tous", "Tous"), (RiskStatus.CLOSED.value, "Clos")]


class RiskFilterForm(forms.Form):
    q = WordsField(
        label="Recherche",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "Intitulé, cause, R-…", "type": "search"}),
    )
    nature = forms.ChoiceField(label="Nature", required=False, choices=[("", "Toutes"), *RiskCategory.choices])
    niveau = forms.ChoiceField(label="Criticité résiduelle", required=False, choices=LEVEL_CHOICES)
    pilote = forms.ModelChoiceField(label="Pilote", required=False, queryset=None, empty_label="Tous")
    statut = forms.ChoiceField(label="Statut", required=False, choices=STATUS_CHOICES)
    revue_en_retard = forms.BooleanField(label="Revue en retard", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pilote"].queryset = risk_owners()
        self.fields["pilote"].label_from_instance = _person


class ReviewForm(forms.Form):
    next_review_on = forms.DateField(label="Prochaine revue le", widget=DATE_WIDGET)


class RiskStatusForm(forms.Form):
    status = forms.ChoiceField(label="Statut", choices=RiskStatus.choices)


class ActionForm(forms.Form):
    title = forms.CharField(label="Action", max_length=200)
    owner = forms.ModelChoiceField(label="Responsable", queryset=None)
    due_on = forms.DateField(label="Échéance", widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = risk_owners()
        self.fields["owner"].label_from_instance = _person


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label="État", choices=ActionStatus.choices)
    done_on = forms.DateField(label="Réalisée le", widget=DATE_WIDGET, required=False)


# --- DUERP ------------------------------------------------------------------------------------------------
class WorkUnitForm(forms.ModelForm):
    class Meta:
        model = WorkUnit
        fields = ["name", "description", "exposed", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class HazardForm(forms.ModelForm):
    class Meta:
        model = Hazard
        fields = ["family", "description", "frequency", "severity", "prevention"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "prevention": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, labels in (("frequency", FREQUENCY_LABELS), ("severity", SEVERITY_LABELS)):
            self.fields[name] = forms.TypedChoiceField(
                label=self.fields[name].label, coerce=int,
                choices=[(n, f"{n} — {label}") for n, label in enumerate(labels, start=1)],
            )  # fmt: skip


def active_users():
    from pilote.core.collation import french
    from pilote.core.models import User

    return User.objects.filter(is_active=True).order_by(french("last_name"), french("first_name"))


class PreventionActionForm(forms.Form):
    title = forms.CharField(label="Action de prévention", max_length=200)
    owner = forms.ModelChoiceField(label="Qui", queryset=None)
    due_on = forms.DateField(label="Échéance", widget=DATE_WIDGET)
    cost = money_formfield(label="Coût estimé (€)", required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = active_users()
        self.fields["owner"].label_from_instance = _person


PLAN_STATUS_CHOICES = [("", "Toutes"), ("ouvertes", "Non terminées"), ("en_retard", "En retard"),
                       *ActionStatus.choices]  # fmt: skip


class ActionPlanFilterForm(forms.Form):
    q = WordsField(
        label="Recherche",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Action, situation…"}),
    )
    unite = forms.ModelChoiceField(label="Unité de travail", required=False, queryset=None, empty_label="Toutes")
    priorite = forms.TypedChoiceField(label="Priorité", required=False, coerce=int, empty_value=None,
                                      choices=[("", "Toutes"), (1, "1"), (2, "2"), (3, "3")])  # fmt: skip
    etat = forms.ChoiceField(label="État", required=False, choices=PLAN_STATUS_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unite"].queryset = WorkUnit.objects.order_by("name", "pk")


class PublishForm(forms.Form):
    note = forms.CharField(
        label="Motif de la mise à jour", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Mise à jour annuelle, accident du travail, nouvel équipement, réorganisation…",
    )  # fmt: skip
    confirm = forms.BooleanField(
        label="Je valide le document unique tel qu'il figure ci-dessus ; la version sera figée et conservée 40 ans.",
    )


# --- Non-conformities ---------------------------------------------------------------------------------------
class NonConformityForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=200)
    origin = forms.ChoiceField(label="Origine", choices=[c for c in NcOrigin.choices if c[0] != NcOrigin.COMPLAINT])
    detected_on = forms.DateField(label="Constatée le", widget=DATE_WIDGET)
    severity = forms.ChoiceField(label="Gravité", choices=NcSeverity.choices)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    immediate_action = forms.CharField(
        label="Action immédiate (curative)", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False
    )
    owner = forms.ModelChoiceField(label="Pilote", queryset=None)

    def __init__(self, *args, complaint=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = active_users()
        self.fields["owner"].label_from_instance = _person
        if complaint is not None:  # opened from a complaint: its origin and date are the complaint's
            del self.fields["origin"], self.fields["detected_on"], self.fields["severity"]
            self.fields["title"].initial = complaint.subject
            self.fields["description"].initial = complaint.description or complaint.subject


class AnalysisForm(forms.Form):
    immediate_action = forms.CharField(
        label="Action immédiate (curative)", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False
    )
    why1 = forms.CharField(label="Pourquoi ? (1)", max_length=500, required=False)
    why2 = forms.CharField(label="Pourquoi ? (2)", max_length=500, required=False)
    why3 = forms.CharField(label="Pourquoi ? (3)", max_length=500, required=False)
    why4 = forms.CharField(label="Pourquoi ? (4)", max_length=500, required=False)
    why5 = forms.CharField(label="Pourquoi ? (5)", max_length=500, required=False)
    ishikawa = forms.ChoiceField(
        label="Catégorie de cause (5M)", choices=[("", "—"), *Ishikawa.choices], required=False
    )
    root_cause = forms.CharField(label="Cause racine", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def for_nc(cls, nc):
        whys = {f"why{n}": text for n, text in enumerate(nc.whys or [], start=1)}
        initial = {"immediate_action": nc.immediate_action, "ishikawa": nc.ishikawa, "root_cause": nc.root_cause,
                   "version": nc.version, **whys}  # fmt: skip
        return cls(initial=initial)

    def whys(self) -> list[str]:
        return [self.cleaned_data.get(f"why{n}") or "" for n in range(1, 6)]


class CapaForm(forms.Form):
    kind = forms.ChoiceField(label="Type", choices=CapaKind.choices)
    title = forms.CharField(label="Action", max_length=200)
    owner = forms.ModelChoiceField(label="Responsable", queryset=None)
    due_on = forms.DateField(label="Échéance", widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = active_users()
        self.fields["owner"].label_from_instance = _person


class EffectivenessForm(forms.Form):
    effective = forms.TypedChoiceField(
        label="Les actions sont-elles efficaces ?", coerce=lambda v: v == "oui",
        choices=[("oui", "Oui : clore la non-conformité"), ("non", "Non : reprendre les actions")],
    )  # fmt: skip
    comment = forms.CharField(label="Vérification faite", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


NC_STATUS_FILTERS = [("", "Toutes"), ("ouvertes", "Non closes"), *NcStatus.choices]


class NcFilterForm(forms.Form):
    q = WordsField(
        label="Recherche",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Intitulé, cause, NC-…"}),
    )
    etape = forms.ChoiceField(label="Étape", required=False, choices=NC_STATUS_FILTERS)
    origine = forms.ChoiceField(label="Origine", required=False, choices=[("", "Toutes"), *NcOrigin.choices])
    gravite = forms.ChoiceField(label="Gravité", required=False, choices=[("", "Toutes"), *NcSeverity.choices])


# --- Procedures ---------------------------------------------------------------------------------------------
def _role_choices(roles):
    from pilote.core.roles import Role

    return [(r.value, Role(r).label) for r in roles]


class ProcedureForm(forms.Form):
    code = forms.CharField(label="Code", max_length=20, help_text="Par exemple PR-ACC-01.")
    title = forms.CharField(label="Intitulé", max_length=200)
    kind = forms.ChoiceField(label="Type", choices=ProcedureKind.choices)
    owner = forms.ModelChoiceField(label="Rédacteur", queryset=None)
    approver_role = forms.ChoiceField(label="Approuvée par (rôle)", choices=())
    reader_roles = forms.MultipleChoiceField(
        label="Rôles qui doivent la lire", choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    readers = ModelMultipleChoiceField(
        label="Autres personnes qui doivent la lire", queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    body = forms.CharField(label="Contenu (version 1)", widget=forms.Textarea(attrs={"rows": 12}), max_length=50_000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, procedure=None, **kwargs):
        from pilote.quality.services.procedures import APPROVER_ROLES, READER_ROLES

        if procedure is not None:
            kwargs.setdefault("initial", {
                "title": procedure.title, "kind": procedure.kind, "owner": procedure.owner,
                "approver_role": procedure.approver_role, "reader_roles": procedure.reader_roles,
                "readers": list(procedure.readers.all()), "version": procedure.version,
            })  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = active_users()
        self.fields["owner"].label_from_instance = _person
        self.fields["readers"].queryset = active_users()
        self.fields["readers"].label_from_instance = _person
        self.fields["approver_role"].choices = _role_choices(APPROVER_ROLES)
        self.fields["reader_roles"].choices = _role_choices(READER_ROLES)
        if procedure is not None:  # the code stays; the text changes through a new version
            del self.fields["code"], self.fields["body"]


class DraftForm(forms.Form):
    change_note = forms.CharField(label="Objet de la révision", max_length=300)
    body = forms.CharField(label="Contenu", widget=forms.Textarea(attrs={"rows": 14}), max_length=50_000)


class ApproveForm(forms.Form):
    comment = forms.CharField(label="Commentaire d'approbation", max_length=2000, required=False)


class InForceForm(forms.Form):
    in_force_on = forms.DateField(label="En vigueur le", widget=DATE_WIDGET)


PROCEDURE_STATES = [("", "Toutes"), ("en_vigueur", "En vigueur"), ("en_preparation", "Version en préparation"),
                    ("a_lire", "À lire par moi")]  # fmt: skip


class ProcedureFilterForm(forms.Form):
    q = WordsField(
        label="Recherche", required=False, max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Code, intitulé…"}),
    )  # fmt: skip
    type = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous"), *ProcedureKind.choices])
    etat = forms.ChoiceField(label="État", required=False, choices=PROCEDURE_STATES)


# --- Audits -------------------------------------------------------------------------------------------------
class AuditForm(VersionedForm):
    class Meta:
        model = Audit
        fields = ["title", "kind", "scope", "planned_on", "lead", "auditees"]
        widgets = {"scope": forms.Textarea(attrs={"rows": 2}), "planned_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = active_users()
        self.fields["lead"].label_from_instance = _person

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class AuditQuestionForm(forms.Form):
    question = forms.CharField(label="Question", max_length=500)
    expected_evidence = forms.CharField(label="Preuve attendue", max_length=500, required=False)


class FindingForm(forms.Form):
    result = forms.ChoiceField(label="Constat", choices=FindingResult.choices)
    comment = forms.CharField(label="Preuves vues et commentaire", max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class AuditCloseForm(forms.Form):
    conclusion = forms.CharField(
        label="Conclusion de l'audit", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AuditFilterForm(forms.Form):
    q = WordsField(
        label="Recherche", required=False, max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Intitulé, périmètre…"}),
    )  # fmt: skip
    annee = forms.TypedChoiceField(label="Année", required=False, coerce=int, empty_value=None, choices=())
    statut = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *AuditStatus.choices])
    type = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous"), *AuditKind.choices])

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [("", "Toutes"), *((y, str(y)) for y in years)]


# --- Surveys ------------------------------------------------------------------------------------------------
class SurveyForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=200)
    audience = forms.ChoiceField(label="Public", choices=SurveyAudience.choices)
    intro = forms.CharField(label="Texte d'accueil", max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class SurveyQuestionForm(forms.Form):
    text = forms.CharField(label="Question", max_length=300)
    kind = forms.ChoiceField(label="Type", choices=QuestionKind.choices)
    choices = forms.CharField(label="Choix proposés (un par ligne)", required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    required = forms.BooleanField(label="Réponse obligatoire", required=False, initial=True)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["choices"] = data["choices"].splitlines()
        return data


class SurveyInviteForm(forms.Form):
    tag = forms.ModelChoiceField(label="Contacts de l'étiquette", queryset=None, required=False, empty_label="—")
    contact = forms.ModelChoiceField(label="Et ce contact", queryset=None, required=False)
    links = forms.IntegerField(label="Liens à remettre vous-même", min_value=0, max_value=500, required=False,
                               help_text="Des liens anonymes, affichés une seule fois, à copier.")  # fmt: skip
    message = forms.CharField(label="Message d'accompagnement", max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args, **kwargs):
        from pilote.contacts.models import Contact, Tag
        from pilote.core.pickers import SearchSelect

        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = Tag.objects.order_by("name")
        self.fields["contact"].queryset = Contact.objects.filter(is_active=True)
        self.fields["contact"].widget = SearchSelect("contacts")
        self.fields["contact"].label_from_instance = lambda c: c.display_name

    def contacts(self) -> list:
        return invited_contacts(self.cleaned_data)


def invited_contacts(data: dict) -> list:
    """The contacts an invitation form chose (the page's and the API's): the tag's active contacts, then the one."""
    chosen = list(data["tag"].contacts.filter(is_active=True).order_by("name", "pk")) if data.get("tag") else []
    if data.get("contact"):
        chosen.append(data["contact"])
    return chosen


class SurveyFilterForm(forms.Form):
    q = WordsField(label="Recherche", required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Intitulé…"}))  # fmt: skip
    statut = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *SurveyStatus.choices])
    public = forms.ChoiceField(label="Public", required=False, choices=[("", "Tous"), *SurveyAudience.choices])


def answer_form(questions):
    """The public form of a survey: one field per question, radio buttons for the scales (large on a phone)."""
    from pilote.quality.models import SCALES

    fields = {}
    for q in questions:
        name = f"q{q.pk}"
        if q.kind in SCALES:
            low, high = SCALES[q.kind]
            fields[name] = forms.ChoiceField(label=q.text, required=q.required, widget=forms.RadioSelect(
                attrs={"class": "scale"}), choices=[(str(n), str(n)) for n in range(low, high + 1)])  # fmt: skip
        elif q.kind == QuestionKind.SINGLE:
            fields[name] = forms.ChoiceField(label=q.text, required=q.required, widget=forms.RadioSelect,
                                             choices=[(c, c) for c in q.choices])  # fmt: skip
        elif q.kind == QuestionKind.MULTIPLE:
            fields[name] = forms.MultipleChoiceField(label=q.text, required=q.required,
                                                     widget=forms.CheckboxSelectMultiple,
                                                     choices=[(c, c) for c in q.choices])  # fmt: skip
        else:
            fields[name] = forms.CharField(label=q.text, required=q.required, max_length=5000,
                                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
        if q.kind == QuestionKind.NPS:
            fields[name].help_text = "0 : pas du tout probable — 10 : tout à fait probable"
    return type("SurveyAnswerForm", (forms.Form,), fields)


# --- Adverse events -----------------------------------------------------------------------------------------
class AdverseEventForm(forms.ModelForm):
    class Meta:
        from pilote.quality.models import AdverseEvent

        model = AdverseEvent
        fields = ["occurred_on", "place", "kind", "facts", "people_supported", "people_involved",
                  "immediate_measures", "serious", "must_report"]  # fmt: skip
        widgets = {
            "occurred_on": DATE_WIDGET,
            "facts": forms.Textarea(attrs={"rows": 4}),
            "immediate_measures": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "serious": "Dysfonctionnement grave ou événement menaçant la santé, la sécurité ou le bien-être des "
            "personnes accompagnées : toujours signalé à l'autorité (art. L331-8-1 du CASF).",
        }


class EventReportForm(forms.Form):
    from pilote.quality.models import EventAuthority

    authority = forms.ChoiceField(label="Autorité", choices=EventAuthority.choices)
    reported_on = forms.DateField(label="Signalé le", widget=DATE_WIDGET)


class EventAnalysisForm(forms.Form):
    analysis = forms.CharField(label="Analyse des causes", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EventFilterForm(forms.Form):
    from pilote.quality.models import EventKind, EventStatus

    q = WordsField(label="Recherche", required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Faits, lieu…"}))  # fmt: skip
    annee = forms.IntegerField(label="Année", required=False, min_value=2000, max_value=2100)
    nature = forms.ChoiceField(label="Nature", required=False, choices=[("", "Toutes"), *EventKind.choices])
    grave = forms.ChoiceField(label="Gravité", required=False,
                              choices=[("", "Tous"), ("oui", "EIG"), ("non", "Non graves")])  # fmt: skip
    statut = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *EventStatus.choices])
    a_signaler = forms.BooleanField(label="Signalement en attente", required=False)


# --- Monitoring (veille) ------------------------------------------------------------------------------------
class WatchSourceForm(forms.Form):
    from pilote.quality.models import WatchCategory

    name = forms.CharField(label="Nom", max_length=150)
    url = forms.CharField(label="Adresse du flux RSS ou Atom", max_length=500,
                          widget=forms.TextInput(attrs={"placeholder": "https://…"}))  # fmt: skip
    category = forms.ChoiceField(label="Thème", choices=WatchCategory.choices)
    keywords = forms.CharField(label="Mots-clés", max_length=500, required=False,
                               help_text="Séparés par des virgules ; vide : tous les articles.")  # fmt: skip


class WatchTriageForm(forms.Form):
    from pilote.quality.models import WatchStatus

    status = forms.ChoiceField(label="Tri", choices=WatchStatus.choices)
    note = forms.CharField(label="Annotation", max_length=5000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    shared_roles = forms.MultipleChoiceField(label="Partager avec", required=False, choices=(),
                                             widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args, **kwargs):
        from pilote.quality.services.watch import SHARE_ROLES

        super().__init__(*args, **kwargs)
        self.fields["shared_roles"].choices = _role_choices(SHARE_ROLES)


class WatchFilterForm(forms.Form):
    from pilote.quality.models import WatchStatus

    q = WordsField(
        label="Recherche", required=False, max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Titre, résumé, note…"}),
    )  # fmt: skip
    etat = forms.ChoiceField(
        label="Tri", required=False, choices=[("", "Tous"), ("actifs", "À lire et pertinents"), *WatchStatus.choices]
    )
    source = forms.ModelChoiceField(label="Source", required=False, queryset=None, empty_label="Toutes")

    def __init__(self, *args, **kwargs):
        from pilote.quality.models import WatchSource

        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = WatchSource.objects.order_by("name", "pk")
