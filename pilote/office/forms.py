from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from pilote.core.forms import DATE_WIDGET, ModelMultipleChoiceField, VersionedForm
from pilote.core.listing import WordsField
from pilote.core.pickers import SearchSelect
from pilote.core.uploads import LimitedFileField
from pilote.lib.fields import FrenchDecimalFormField, money_formfield
from pilote.office import recurrence
from pilote.office.models import MeetingStatus, Resource, ResourceKind, Task

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


class ResourceForm(VersionedForm):
    class Meta:
        model = Resource
        fields = ["name", "kind", "capacity", "location", "registration", "opens_at", "closes_at", "max_hours",
                  "rules", "description", "is_active"]  # fmt: skip
        widgets = {
            "opens_at": TIME_WIDGET,
            "closes_at": TIME_WIDGET,
            "rules": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"registration": "Véhicules seulement.", "opens_at": "Laissez vide : réservable à toute heure."}


class SlotForm(forms.Form):
    """A day and two times, as a phone types them; `starts_at`/`ends_at` in the cleaned data."""

    day = forms.DateField(label="Date", widget=DATE_WIDGET)
    start = forms.TimeField(label="De", widget=TIME_WIDGET)
    end = forms.TimeField(label="À", widget=TIME_WIDGET)

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("start") and data.get("end"):
            data["starts_at"] = aware(data["day"], data["start"])
            data["ends_at"] = aware(data["day"], data["end"])
            if data["ends_at"] <= data["starts_at"]:
                raise forms.ValidationError("L'heure de fin suit l'heure de début.")
        return data


class BookingForm(SlotForm):
    resource = forms.ModelChoiceField(label="Ressource", queryset=Resource.objects.filter(is_active=True))
    title = forms.CharField(label="Objet", max_length=200)
    attendees = forms.IntegerField(label="Nombre de personnes", min_value=1, max_value=999, initial=1)
    notes = forms.CharField(
        label="Remarques", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    field_order = ["resource", "title", "day", "start", "end", "attendees", "notes"]


class ShortenForm(SlotForm):
    """The part of a booking one keeps (start later, end earlier)."""


class WaitingFilterForm(forms.Form):
    etat = forms.ChoiceField(label="État", required=False, choices=[("", "En cours"), ("toutes", "Toutes")])
    ressource = forms.ModelChoiceField(label="Ressource", required=False, queryset=Resource.objects.all(),
                                       empty_label="Toutes")  # fmt: skip
    toutes = forms.BooleanField(label="Toutes les personnes", required=False)


class BookingFilterForm(forms.Form):
    q = WordsField(
        label="Recherche", required=False, max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Objet, ressource"}),
    )  # fmt: skip
    type = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous"), *ResourceKind.choices])
    ressource = forms.ModelChoiceField(label="Ressource", required=False, queryset=Resource.objects.all(),
                                       empty_label="Toutes")  # fmt: skip
    du = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    au = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)
    etat = forms.ChoiceField(label="État", required=False,
                             choices=[("", "Confirmées"), ("annulees", "Annulées"), ("toutes", "Toutes")])  # fmt: skip
    miennes = forms.BooleanField(label="Mes réservations", required=False)


class ResourceFilterForm(forms.Form):
    q = WordsField(
        label="Recherche", required=False, max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Nom, emplacement"}),
    )  # fmt: skip
    type = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous"), *ResourceKind.choices])


class TripForm(forms.Form):
    resource = forms.ModelChoiceField(label="Véhicule", queryset=Resource.objects.filter(kind=ResourceKind.VEHICLE))
    day = forms.DateField(label="Date", widget=DATE_WIDGET)
    km_start = forms.IntegerField(label="Kilométrage au départ", min_value=0, max_value=9_999_999)
    km_end = forms.IntegerField(label="Kilométrage au retour", min_value=0, max_value=9_999_999)
    fuel_litres = FrenchDecimalFormField(
        label="Carburant (litres)", required=False, max_digits=6, decimal_places=2, min_value=0
    )
    fuel_cost = money_formfield(label="Coût du carburant (€)", required=False, min_value=0, max_digits=10)
    purpose = forms.CharField(label="Motif", required=False, max_length=200)


class TripFilterForm(forms.Form):
    vehicule = forms.ModelChoiceField(label="Véhicule", required=False,
                                      queryset=Resource.objects.filter(kind=ResourceKind.VEHICLE),
                                      empty_label="Tous")  # fmt: skip
    du = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    au = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)


REMINDERS = [("", "Aucun"), ("10", "10 minutes avant"), ("30", "30 minutes avant"), ("60", "1 heure avant"),
             ("1440", "La veille")]  # fmt: skip


def _people():
    from pilote.core.models import User

    return User.objects.filter(is_active=True).order_by("last_name", "first_name")


class EventForm(forms.Form):
    calendar = forms.ModelChoiceField(label="Agenda", queryset=None, empty_label=None)
    title = forms.CharField(label="Titre", max_length=200)
    day = forms.DateField(label="Le", widget=DATE_WIDGET)
    start = forms.TimeField(label="De", widget=TIME_WIDGET, required=False)
    end_day = forms.DateField(label="Jusqu'au", widget=DATE_WIDGET, required=False,
                              help_text="Laissez vide : le même jour.")  # fmt: skip
    end = forms.TimeField(label="À", widget=TIME_WIDGET, required=False)
    all_day = forms.BooleanField(label="Toute la journée", required=False)
    place = forms.CharField(label="Lieu", max_length=200, required=False)
    room = forms.ModelChoiceField(label="Réserver la salle", required=False, empty_label="Aucune",
                                  queryset=Resource.objects.filter(is_active=True, kind=ResourceKind.ROOM))  # fmt: skip
    description = forms.CharField(label="Description", required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    repeat = forms.ChoiceField(label="Se répète", required=False, choices=list(recurrence.FREQUENCIES.items()))
    repeat_until = forms.DateField(label="Jusqu'au (répétition)", required=False, widget=DATE_WIDGET)
    rrule = forms.CharField(label="Règle RFC 5545 (avancé)", required=False, max_length=300,
                            help_text="Par exemple FREQ=MONTHLY;BYDAY=1MO ; remplace le choix ci-dessus.")  # fmt: skip
    reminder_minutes = forms.TypedChoiceField(label="Rappel", required=False, choices=REMINDERS, coerce=int,
                                              empty_value=None)  # fmt: skip
    attendees = ModelMultipleChoiceField(label="Participants", required=False, queryset=None,
                                         widget=forms.CheckboxSelectMultiple)  # fmt: skip
    guests = forms.CharField(label="Invités extérieurs", required=False, max_length=2000,
                             help_text="Adresses électroniques séparées par des virgules.")  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, calendars, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["calendar"].queryset = calendars
        self.fields["attendees"].queryset = _people()

    def clean_guests(self):
        emails = [part.strip() for part in self.cleaned_data.get("guests", "").replace(";", ",").split(",")]
        field = forms.EmailField()
        return [field.clean(email) for email in emails if email]

    def clean(self):
        data = super().clean()
        day = data.get("day")
        if not day:
            return data
        end_day = data.get("end_day") or day
        if data.get("all_day"):
            data["starts_at"] = aware(day, dt.time.min)
            data["ends_at"] = aware(end_day, dt.time(23, 59))
        else:
            if not data.get("start") or not data.get("end"):
                raise forms.ValidationError("Indiquez l'heure de début et de fin, ou « Toute la journée ».")
            data["starts_at"], data["ends_at"] = aware(day, data["start"]), aware(end_day, data["end"])
        if data["ends_at"] < data["starts_at"]:
            raise forms.ValidationError("La fin de l'événement suit son début.")
        if not data.get("rrule"):
            data["rrule"] = recurrence.build_rule(data.get("repeat") or "", data.get("repeat_until"))
        return data


class TeamCalendarForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=120)
    members = ModelMultipleChoiceField(label="Membres", required=False, queryset=None,
                                       widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = _people()


class TeamCalendarChangeForm(TeamCalendarForm):
    """A shared calendar changed: the version read travels with the form (a concurrent change is refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class IcsImportForm(forms.Form):
    file = LimitedFileField(label="Fichier .ics", kind="calendar")


class MeetingForm(SlotForm):
    title = forms.CharField(label="Intitulé", max_length=200)
    series = forms.CharField(label="Série", max_length=120, required=False,
                             help_text="Réunions régulières : réunion d'équipe, conseil, CSE…")  # fmt: skip
    place = forms.CharField(label="Lieu", max_length=200, required=False)
    room = forms.ModelChoiceField(label="Réserver la salle", required=False, empty_label="Aucune",
                                  queryset=Resource.objects.filter(is_active=True, kind=ResourceKind.ROOM))  # fmt: skip
    attendees = ModelMultipleChoiceField(label="Participants", required=False, queryset=None,
                                         widget=forms.CheckboxSelectMultiple)  # fmt: skip
    guests = forms.CharField(label="Invités extérieurs", required=False, max_length=2000,
                             help_text="Adresses électroniques séparées par des virgules.")  # fmt: skip
    items = forms.CharField(label="Ordre du jour", required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text="Un point par ligne ; sa durée en minutes après un point-virgule : "
                                      "« Budget ; 20 ».")  # fmt: skip

    field_order = ["title", "series", "day", "start", "end", "place", "room", "attendees", "guests", "items"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = _people()

    clean_guests = EventForm.clean_guests

    def clean_items(self):
        items = []
        for line in self.cleaned_data.get("items", "").splitlines():
            title, _, minutes = line.partition(";")
            if title.strip():
                digits = minutes.strip()
                length = int(digits) if digits.isdigit() and 0 < int(digits) < 1000 else 15
                items.append((title.strip()[:200], None, length))
        return items


class ItemForm(forms.Form):
    title = forms.CharField(label="Point", max_length=200)
    presenter = forms.ModelChoiceField(label="Présenté par", required=False, queryset=None, empty_label="—")
    minutes = forms.IntegerField(label="Durée (minutes)", min_value=1, max_value=999, initial=15)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = _people()


class DecisionForm(forms.Form):
    text = forms.CharField(label="Décision", max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    item = forms.ModelChoiceField(label="Point", required=False, queryset=None, empty_label="—")

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = meeting.items.all()


class ActionForm(forms.Form):
    title = forms.CharField(label="Action (quoi)", max_length=200)
    owner = forms.ModelChoiceField(label="Qui", queryset=None)
    due_on = forms.DateField(label="Pour le", required=False, widget=DATE_WIDGET)
    important = forms.BooleanField(label="Importante", required=False, initial=True)
    urgent = forms.BooleanField(label="Urgente", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()


class NextMeetingForm(forms.Form):
    day = forms.DateField(label="Date de la réunion suivante", widget=DATE_WIDGET)
    start = forms.TimeField(label="À", widget=TIME_WIDGET)


class MeetingFilterForm(forms.Form):
    q = WordsField(label="Recherche", required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Intitulé, série"}))  # fmt: skip
    etat = forms.ChoiceField(label="État", required=False, choices=[("", "Tous"), *MeetingStatus.choices])
    du = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    au = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)


class DecisionFilterForm(forms.Form):
    q = WordsField(label="Recherche", required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Mot clé"}))  # fmt: skip
    du = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    au = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)


QUADRANTS = [("", "Tous"), ("do", "Important et urgent"), ("plan", "Important, pas urgent"),
             ("delegate", "Urgent, pas important"), ("drop", "Ni l'un ni l'autre")]  # fmt: skip


class TaskForm(VersionedForm):
    class Meta:
        model = Task
        fields = ["title", "owner", "due_on", "important", "urgent", "description"]
        widgets = {"due_on": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()
        if self.instance.pk:
            del self.fields["owner"]  # changed by delegating


class DelegateForm(forms.Form):
    owner = forms.ModelChoiceField(label="Déléguer à", queryset=None)
    note = forms.CharField(label="Message", required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()


class CommentForm(forms.Form):
    text = forms.CharField(label="Commentaire", max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class TaskFilterForm(forms.Form):
    q = WordsField(label="Recherche", required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Tâche"}))  # fmt: skip
    etat = forms.ChoiceField(label="État", required=False,
                             choices=[("", "À faire"), ("faites", "Faites"), ("toutes", "Toutes")])  # fmt: skip
    quadrant = forms.ChoiceField(label="Priorité", required=False, choices=QUADRANTS)
    personne = forms.ModelChoiceField(label="Responsable", required=False, queryset=None, empty_label="Tout le monde")

    def __init__(self, *args, everyone: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if everyone:
            self.fields["personne"].queryset = _people()
        else:
            del self.fields["personne"]


# Documents

from pilote.core.roles import Role  # noqa: E402
from pilote.office.models import Confidentiality, Folder, Tag  # noqa: E402
from pilote.office.retention import TYPE_CHOICES  # noqa: E402


class DocumentMetaForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=200)
    folder = forms.ModelChoiceField(label="Dossier", queryset=Folder.objects.select_related("parent"))
    doc_type = forms.ChoiceField(label="Type de document", choices=TYPE_CHOICES, initial="other",
                                 help_text="Il fixe la durée de conservation légale.")  # fmt: skip
    document_date = forms.DateField(label="Date du document", widget=DATE_WIDGET)
    end_on = forms.DateField(label="Fin ou départ", required=False, widget=DATE_WIDGET,
                             help_text="Contrats, registre du personnel : la conservation en part.")  # fmt: skip
    author = forms.CharField(label="Auteur", max_length=200, required=False)
    description = forms.CharField(label="Description", max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    confidentiality = forms.ChoiceField(label="Confidentialité", choices=Confidentiality.choices,
                                        initial=Confidentiality.PUBLIC)  # fmt: skip
    roles = forms.MultipleChoiceField(label="Rôles autorisés (document réservé)", required=False,
                                      choices=Role.choices, widget=forms.CheckboxSelectMultiple)  # fmt: skip
    tags = forms.CharField(label="Étiquettes", max_length=500, required=False,
                           help_text="Séparées par des virgules.")  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("confidentiality") == Confidentiality.RESTRICTED and not data.get("roles"):
            self.add_error("roles", "Choisissez au moins un rôle qui lira ce document réservé.")
        return data


class DocumentForm(DocumentMetaForm):
    file = LimitedFileField(label="Fichier", kind="document",
                            help_text="PDF, traitement de texte, tableur, image… 20 Mo au plus.")  # fmt: skip
    field_order = ["file", "title", "folder", "doc_type", "document_date"]


class VersionForm(forms.Form):
    file = LimitedFileField(label="Nouvelle version", kind="document")
    note = forms.CharField(label="Ce qui change", max_length=200, required=False)


class HoldForm(forms.Form):
    reason = forms.CharField(label="Motif du gel", max_length=200, required=False)


class FolderForm(forms.Form):
    code = forms.CharField(label="Cote", max_length=20, required=False)
    name = forms.CharField(label="Nom", max_length=120)
    parent = forms.ModelChoiceField(label="Dans le dossier", required=False, queryset=Folder.objects.all(),
                                    empty_label="(premier niveau : un domaine)")  # fmt: skip
    description = forms.CharField(label="Description", max_length=300, required=False)


class DocumentFilterForm(forms.Form):
    q = WordsField(label="Recherche", required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Titre ou texte"}))  # fmt: skip
    dossier = forms.ModelChoiceField(label="Dossier", required=False, queryset=Folder.objects.all(),
                                     empty_label="Tous les dossiers")  # fmt: skip
    type = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous les types"), *TYPE_CHOICES])
    confidentialite = forms.ChoiceField(label="Confidentialité", required=False,
                                        choices=[("", "Toutes"), *Confidentiality.choices])  # fmt: skip
    etiquette = forms.ModelChoiceField(label="Étiquette", required=False, queryset=Tag.objects.all(),
                                       empty_label="Toutes")  # fmt: skip
    conservation = forms.ChoiceField(
        label="Conservation", required=False, choices=[("", "Tous"), ("echue", "Échue"), ("gel", "Sous gel juridique")]
    )


# General assemblies

from pilote.office.assemblies import MAJORITY_CHOICES  # noqa: E402
from pilote.office.models import AssemblyKind  # noqa: E402


class AssemblyForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=200)
    kind = forms.ChoiceField(label="Instance", choices=AssemblyKind.choices)
    day = forms.DateField(label="Date", widget=DATE_WIDGET)
    start = forms.TimeField(label="Heure", widget=TIME_WIDGET)
    place = forms.CharField(label="Lieu", max_length=200, required=False)
    source = forms.ChoiceField(label="Membres convoqués", required=False)
    quorum_percent = FrenchDecimalFormField(label="Quorum (% des voix)", max_digits=5, decimal_places=2,
                                            min_value=0, max_value=100, initial=25,
                                            help_text="Fixé par les statuts ; 0 : sans quorum.")  # fmt: skip
    max_proxies = forms.IntegerField(label="Pouvoirs par membre présent", min_value=0, max_value=50, initial=2)
    agenda = forms.CharField(label="Ordre du jour", max_length=5000, required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip

    def __init__(self, *args, sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "Saisis un par un (associés, administrateurs)"), *sources]


class AssemblyMemberForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=200)
    email = forms.EmailField(label="Courriel", required=False)
    votes = forms.IntegerField(label="Voix", min_value=1, max_value=1_000_000, initial=1)


class ResolutionForm(forms.Form):
    title = forms.CharField(label="Résolution", max_length=300)
    majority = forms.ChoiceField(label="Majorité", choices=MAJORITY_CHOICES)
    text = forms.CharField(label="Texte", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VoteForm(forms.Form):
    votes_for = forms.IntegerField(label="Pour", min_value=0, max_value=1_000_000)
    votes_against = forms.IntegerField(label="Contre", min_value=0, max_value=1_000_000)
    abstentions = forms.IntegerField(label="Abstentions", min_value=0, max_value=1_000_000, initial=0)


class AssemblyMinutesForm(forms.Form):
    chair = forms.CharField(label="Président de séance", max_length=200, required=False)
    secretary = forms.CharField(label="Secrétaire de séance", max_length=200, required=False)
    notes = forms.CharField(label="Déroulement et débats", max_length=20000, required=False,
                            widget=forms.Textarea(attrs={"rows": 5}))  # fmt: skip


class AssemblyFilterForm(forms.Form):
    q = WordsField(label="Recherche", required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Intitulé"}))  # fmt: skip
    instance = forms.ChoiceField(label="Instance", required=False, choices=[("", "Toutes"), *AssemblyKind.choices])


# Communication plan and mailings

from pilote.contacts.models import Contact  # noqa: E402
from pilote.contacts.models import Tag as ContactTag  # noqa: E402
from pilote.office.models import CommAction, MailTemplate  # noqa: E402
from pilote.office.models_communication import Channel  # noqa: E402


class CommActionForm(forms.Form):
    title = forms.CharField(label="Action", max_length=200)
    target = forms.CharField(label="Cible", max_length=200)
    channel = forms.ChoiceField(label="Canal", choices=Channel.choices)
    starts_on = forms.DateField(label="Début", widget=DATE_WIDGET)
    ends_on = forms.DateField(label="Fin", required=False, widget=DATE_WIDGET)
    budget = money_formfield(label="Budget (€)", min_value=0, max_value=10**9)
    actual_cost = money_formfield(label="Coût réel (€)", required=False, min_value=0, max_value=10**9)
    owner = forms.ModelChoiceField(label="Responsable", queryset=None)
    results = forms.CharField(label="Résultats", max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()


class MailingForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=200)
    template = forms.ModelChoiceField(label="Modèle", required=False, queryset=MailTemplate.objects.all(),
                                      empty_label="(texte libre ci-dessous)")  # fmt: skip
    subject = forms.CharField(label="Objet", max_length=200, required=False)
    body = forms.CharField(label="Texte", max_length=50000, required=False, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text="{nom} est remplacé par le nom du destinataire.")  # fmt: skip
    action = forms.ModelChoiceField(label="Action du plan", required=False, queryset=CommAction.objects.all())
    role = forms.ChoiceField(label="Rôle", required=False)
    tag = forms.ModelChoiceField(label="Étiquette", required=False, queryset=ContactTag.objects.all())
    city = forms.CharField(label="Ville", max_length=100, required=False)
    activity = forms.CharField(label="Activité (début du code NAF)", max_length=6, required=False)

    def __init__(self, *args, **kwargs):
        from pilote.office.services.communication import ROLE_CHOICES

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = ROLE_CHOICES

    def clean(self):
        data = super().clean()
        template = data.get("template")
        if template is not None:
            data["subject"] = data.get("subject") or template.subject
            data["body"] = data.get("body") or template.body
        if not data.get("subject") or not data.get("body"):
            raise forms.ValidationError("Choisissez un modèle ou écrivez l'objet et le texte.")
        return data


class ConsentForm(forms.Form):
    contact = forms.ModelChoiceField(label="Contact", queryset=Contact.objects.filter(is_active=True).exclude(email=""),
                                     widget=SearchSelect("contacts-joignables"))  # fmt: skip
    given = forms.TypedChoiceField(label="Consentement", choices=[("1", "Donné"), ("0", "Retiré")],
                                   coerce=lambda v: v == "1")  # fmt: skip
    source = forms.CharField(label="Recueilli par", max_length=200, help_text="Formulaire, salon, contrat…")


class StakeholderForm(forms.Form):
    contact = forms.ModelChoiceField(label="Contact", queryset=Contact.objects.filter(is_active=True),
                                     widget=SearchSelect("parties-prenantes"))  # fmt: skip
    kind = forms.ChoiceField(label="Catégorie", choices=[])
    power = forms.IntegerField(label="Pouvoir (1 à 5)", min_value=1, max_value=5)
    interest = forms.IntegerField(label="Intérêt (1 à 5)", min_value=1, max_value=5)
    owner = forms.ModelChoiceField(label="Responsable de la relation", required=False, queryset=None)
    notes = forms.CharField(label="Enjeux", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        from pilote.office.models_communication import StakeholderKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = StakeholderKind.choices
        self.fields["owner"].queryset = _people()


# Territorial needs study

from pilote.office.models import FindingPriority, NeedsStudy, StudyStatus  # noqa: E402


class StudyFilterForm(forms.Form):
    q = WordsField(label="Recherche", required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Territoire"}))  # fmt: skip
    etat = forms.ChoiceField(label="État", required=False, choices=[("", "Tous"), *StudyStatus.choices])


class StudyForm(forms.ModelForm):
    class Meta:
        model = NeedsStudy
        fields = ["title", "territory", "population", "carried_out_on", "threshold", "purpose", "method",
                  "conclusion"]  # fmt: skip
        widgets = {
            "carried_out_on": DATE_WIDGET,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "method": forms.Textarea(attrs={"rows": 3}),
            "conclusion": forms.Textarea(attrs={"rows": 4}),
        }


class StudyPartForm(forms.Form):
    """A form adding a part of a study: `service_data()` is what the service takes besides the actor and study."""

    def __init__(self, *args, study=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.study = study

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class StudyAreaForm(StudyPartForm):
    name = forms.CharField(label="Zone", max_length=120, help_text="Quartier, commune, canton…")
    is_reference = forms.BooleanField(label="Zone de référence (département, région, France)", required=False)


class StudySourceForm(StudyPartForm):
    name = forms.CharField(label="Source", max_length=200, help_text="INSEE, recensement de la population…")
    producer = forms.CharField(label="Producteur", max_length=120, required=False)
    year = forms.IntegerField(label="Millésime", min_value=1900, max_value=2100, required=False)
    url = forms.URLField(label="Adresse", required=False, assume_scheme="https")


class StudyIndicatorForm(StudyPartForm):
    """An indicator with one value box per area of the study (fields « zone_<id> »)."""

    theme = forms.CharField(label="Thème", max_length=80, help_text="Démographie, emploi, santé, logement…")
    label = forms.CharField(label="Indicateur", max_length=200)
    unit = forms.CharField(label="Unité", max_length=20, required=False)
    higher_means_need = forms.TypedChoiceField(
        label="Sens", coerce=lambda v: v == "1", initial="1",
        choices=[("1", "Plus la valeur est haute, plus le besoin est fort"),
                 ("0", "Plus la valeur est basse, plus le besoin est fort")],
    )  # fmt: skip
    source = forms.ModelChoiceField(label="Source", queryset=None, required=False)

    def __init__(self, *args, study, **kwargs):
        super().__init__(*args, study=study, **kwargs)
        self.areas = list(study.areas.all())
        self.fields["source"].queryset = study.sources.all()
        for area in self.areas:
            suffix = " (référence)" if area.is_reference else ""
            self.fields[f"zone_{area.pk}"] = FrenchDecimalFormField(
                label=f"Valeur — {area.name}{suffix}", max_digits=14, decimal_places=2, required=False
            )

    def area_values(self) -> dict:
        return {area: self.cleaned_data.get(f"zone_{area.pk}") for area in self.areas}

    def service_data(self) -> dict:
        data = {key: self.cleaned_data[key] for key in ("theme", "label", "unit", "higher_means_need", "source")}
        return {**data, "values": self.area_values()}


class StudyValuesForm(forms.Form):
    """The values of one indicator, one box per area."""

    def __init__(self, *args, indicator, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = list(areas)
        known = {v.area_id: v.value for v in indicator.values.all()}
        for area in self.areas:
            self.fields[f"zone_{area.pk}"] = FrenchDecimalFormField(
                label=area.name, max_digits=14, decimal_places=2, required=False, initial=known.get(area.pk)
            )

    def area_values(self) -> dict:
        return {area: self.cleaned_data.get(f"zone_{area.pk}") for area in self.areas}


class StudyFindingForm(StudyPartForm):
    theme = forms.CharField(label="Thème", max_length=80)
    need = forms.CharField(label="Besoin constaté", max_length=300)
    priority = forms.TypedChoiceField(label="Priorité", choices=FindingPriority.choices, coerce=int,
                                      initial=FindingPriority.MEDIUM)  # fmt: skip
    evidence = forms.CharField(label="Éléments qui le montrent", required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    response = forms.CharField(label="Réponse proposée", required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class MeetingDocumentForm(forms.Form):
    """A document of the store the user may see, or a file to file in the store and attach."""

    document = forms.ModelChoiceField(label="Document du classement", required=False, queryset=None,
                                      empty_label="— choisir —")  # fmt: skip
    uploaded = LimitedFileField(label="Ou un fichier", required=False, kind="document")
    title = forms.CharField(label="Titre du fichier", max_length=200, required=False)
    folder = forms.ModelChoiceField(label="Rangé dans", required=False, queryset=None, empty_label="— dossier —")

    def __init__(self, *args, user, **kwargs):
        from pilote.office.models import Folder
        from pilote.office.queries.documents import visible_documents

        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = visible_documents(user).order_by("-document_date", "-pk")
        self.fields["folder"].queryset = Folder.objects.order_by("code", "name")
