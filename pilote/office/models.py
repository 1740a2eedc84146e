"""The office (issue 15): resources and their bookings, calendars and events, meetings with their minutes,
and the tasks that follow them up.

A booking never overlaps another confirmed booking of the same resource: the service refuses it first (with an
alternative), and under it the database does too — an exclusion constraint over tstzrange on PostgreSQL
(migration 0002), a trigger on SQLite (`triggers.py`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from pilote.lib.fields import FrenchDecimalField
from pilote.lib.money import MoneyField

USER = settings.AUTH_USER_MODEL


class ResourceKind(models.TextChoices):
    ROOM = "room", "Salle"
    VEHICLE = "vehicle", "Véhicule"
    EQUIPMENT = "equipment", "Matériel"


class Resource(models.Model):
    """A room, a vehicle or a piece of equipment people book; its rules (capacity, opening hours, longest
    booking) are checked by `services.bookings.book_resource`."""

    name = models.CharField("nom", max_length=120, unique=True)
    kind = models.CharField("type", max_length=12, choices=ResourceKind.choices, default=ResourceKind.ROOM)
    capacity = models.PositiveSmallIntegerField(
        "capacité", default=1, help_text="Places assises d'une salle ou d'un véhicule ; 1 pour du matériel."
    )
    location = models.CharField("emplacement", max_length=200, blank=True)
    registration = models.CharField("immatriculation", max_length=20, blank=True)
    description = models.TextField("description", blank=True)
    rules = models.TextField("règles d'utilisation", blank=True)
    opens_at = models.TimeField("disponible de", null=True, blank=True)
    closes_at = models.TimeField("disponible jusqu'à", null=True, blank=True)
    max_hours = models.PositiveSmallIntegerField(
        "durée maximale (heures)", null=True, blank=True, help_text="Laissez vide pour ne pas limiter la durée."
    )
    is_active = models.BooleanField("réservable", default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "ressource"
        verbose_name_plural = "ressources"
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="office_resource_capacity_positive",
                violation_error_message="La capacité d'une ressource est d'au moins 1.",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(closes_at__isnull=True) | Q(opens_at__lt=F("closes_at")),
                name="office_resource_hours_ordered",
                violation_error_message="L'heure d'ouverture précède l'heure de fermeture.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmée"
    CANCELLED = "cancelled", "Annulée"


class Booking(models.Model):
    resource = models.ForeignKey(Resource, verbose_name="ressource", on_delete=models.PROTECT, related_name="bookings")
    title = models.CharField("objet", max_length=200)
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    attendees = models.PositiveSmallIntegerField("nombre de personnes", default=1)
    booked_by = models.ForeignKey(USER, verbose_name="réservée par", on_delete=models.PROTECT, related_name="+")
    notes = models.TextField("remarques", blank=True)
    status = models.CharField("état", max_length=12, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED)
    event = models.ForeignKey(
        "Event", verbose_name="événement", null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "réservation"
        verbose_name_plural = "réservations"
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["resource", "starts_at"], name="office_booking_resource_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="office_booking_ends_after_start",
                violation_error_message="Une réservation finit après son début.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in BookingStatus]), name="office_booking_status_valid",
                violation_error_message="Cet état de réservation n'existe pas.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        return f"{self.resource} — {start:%d/%m/%Y %H:%M} — {self.title}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == BookingStatus.CANCELLED


class WaitingStatus(models.TextChoices):
    WAITING = "waiting", "En attente"
    OFFERED = "offered", "Créneau proposé"
    CONFIRMED = "confirmed", "Réservé"
    EXPIRED = "expired", "Proposition expirée"
    WITHDRAWN = "withdrawn", "Retirée"


class WaitingRequest(models.Model):
    """A place on a resource's waiting list for a slot that was taken: when a booking over it is cancelled or
    shortened and the slot is free, the first person waiting gets it offered (to-do item and e-mail) and holds it
    until `offer_expires_at`; confirming books it (`services/waiting.py`)."""

    resource = models.ForeignKey(Resource, verbose_name="ressource", on_delete=models.PROTECT, related_name="waiting")
    title = models.CharField("objet", max_length=200)
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    attendees = models.PositiveSmallIntegerField("nombre de personnes", default=1)
    requested_by = models.ForeignKey(USER, verbose_name="demandée par", on_delete=models.PROTECT, related_name="+")
    notes = models.TextField("remarques", blank=True)
    status = models.CharField("état", max_length=10, choices=WaitingStatus.choices, default=WaitingStatus.WAITING)
    created_at = models.DateTimeField("inscrite le", default=timezone.now)
    offered_at = models.DateTimeField("proposée le", null=True, blank=True)
    offer_expires_at = models.DateTimeField("à confirmer avant le", null=True, blank=True)
    booking = models.ForeignKey(Booking, verbose_name="réservation", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")  # fmt: skip

    class Meta:
        verbose_name = "inscription en liste d'attente"
        verbose_name_plural = "liste d'attente"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["resource", "status", "starts_at"], name="office_waiting_resource_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="office_waiting_ends_after_start",
                violation_error_message="Le créneau demandé finit après son début.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in WaitingStatus]), name="office_waiting_status_valid",
                violation_error_message="Cet état de liste d'attente n'existe pas.",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False), name="office_waiting_offer_ends",
                violation_error_message="Un créneau proposé a une date limite de confirmation.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        return f"{self.resource} — {start:%d/%m/%Y %H:%M} — {self.title} (liste d'attente)"


class VehicleLog(models.Model):
    """A trip of a vehicle (optional): the kilometres read before and after, the fuel put in."""

    resource = models.ForeignKey(Resource, verbose_name="véhicule", on_delete=models.PROTECT, related_name="trips")
    booking = models.ForeignKey(
        Booking, verbose_name="réservation", null=True, blank=True, on_delete=models.SET_NULL, related_name="trips"
    )
    day = models.DateField("date")
    driver = models.ForeignKey(USER, verbose_name="conducteur", on_delete=models.PROTECT, related_name="+")
    km_start = models.PositiveIntegerField("kilométrage au départ")
    km_end = models.PositiveIntegerField("kilométrage au retour")
    fuel_litres = FrenchDecimalField("carburant (litres)", max_digits=6, decimal_places=2, default=0)
    fuel_cost = MoneyField("coût du carburant", default=0)
    purpose = models.CharField("motif", max_length=200, blank=True)

    class Meta:
        verbose_name = "trajet"
        verbose_name_plural = "carnet de bord"
        ordering = ["-day", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(km_end__gte=F("km_start")), name="office_vehiclelog_km_ordered",
                violation_error_message="Le kilométrage au retour est au moins celui du départ.",
            ),
            models.CheckConstraint(
                condition=Q(fuel_litres__gte=0) & Q(fuel_cost__gte=0), name="office_vehiclelog_fuel_positive",
                violation_error_message="Le carburant et son coût ne sont pas négatifs.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.resource} — {self.day:%d/%m/%Y}"

    @property
    def distance(self) -> int:
        return self.km_end - self.km_start


class CalendarKind(models.TextChoices):
    PERSONAL = "personal", "Personnel"
    TEAM = "team", "Partagé (équipe)"
    ROOM = "room", "Salle ou ressource"


class Calendar(models.Model):
    """A personal calendar (its owner writes in it), a team's shared one (its members write), or a resource's
    (its bookings are shown in it). `feed_digest` is the SHA-256 of the private token of its iCalendar feed."""

    name = models.CharField("nom", max_length=120)
    kind = models.CharField("type", max_length=12, choices=CalendarKind.choices, default=CalendarKind.PERSONAL)
    owner = models.ForeignKey(
        USER, verbose_name="propriétaire", null=True, blank=True, on_delete=models.CASCADE, related_name="calendars"
    )
    resource = models.OneToOneField(
        Resource, verbose_name="ressource", null=True, blank=True, on_delete=models.CASCADE, related_name="calendar"
    )
    members = models.ManyToManyField(USER, verbose_name="membres", blank=True, related_name="team_calendars")
    feed_digest = models.CharField("empreinte du lien d'abonnement", max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "agenda"
        verbose_name_plural = "agendas"
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="personal") | Q(owner__isnull=False), name="office_calendar_personal_has_owner",
                violation_error_message="Un agenda personnel a un propriétaire.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="room") | Q(resource__isnull=False), name="office_calendar_room_has_resource",
                violation_error_message="L'agenda d'une salle est rattaché à cette ressource.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """An event of a calendar; `rrule` is its RFC 5545 recurrence rule (FREQ=WEEKLY;BYDAY=MO…), expanded when
    read (`recurrence.py`); `uid` and `sequence` identify it in iCalendar files."""

    calendar = models.ForeignKey(Calendar, verbose_name="agenda", on_delete=models.CASCADE, related_name="events")
    title = models.CharField("titre", max_length=200)
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    all_day = models.BooleanField("toute la journée", default=False)
    place = models.CharField("lieu", max_length=200, blank=True)
    description = models.TextField("description", blank=True)
    rrule = models.CharField("récurrence (RRULE)", max_length=300, blank=True)
    reminder_minutes = models.PositiveIntegerField("rappel (minutes avant)", null=True, blank=True)
    organiser = models.ForeignKey(
        USER, verbose_name="organisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uid = models.CharField("identifiant iCalendar", max_length=255, unique=True)
    sequence = models.PositiveIntegerField("révision", default=0)
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "événement"
        verbose_name_plural = "événements"
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["calendar", "starts_at"], name="office_event_calendar_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="office_event_ends_after_start",
                violation_error_message="Un événement ne finit pas avant son début.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title


class AttendeeResponse(models.TextChoices):
    NEEDS_ACTION = "needs_action", "Sans réponse"
    ACCEPTED = "accepted", "Accepté"
    TENTATIVE = "tentative", "Peut-être"
    DECLINED = "declined", "Refusé"


class Attendee(models.Model):
    event = models.ForeignKey(Event, verbose_name="événement", on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        USER, verbose_name="utilisateur", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField("nom", max_length=200, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    response = models.CharField(
        "réponse", max_length=14, choices=AttendeeResponse.choices, default=AttendeeResponse.NEEDS_ACTION
    )
    invited_at = models.DateTimeField("invitation envoyée le", null=True, blank=True)

    class Meta:
        verbose_name = "participant"
        verbose_name_plural = "participants"
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""), name="office_attendee_user_or_email",
                violation_error_message="Un participant est un utilisateur ou une adresse électronique.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name or self.email


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    HELD = "held", "Tenue"
    SENT = "sent", "Compte rendu diffusé"


class Meeting(models.Model):
    """A meeting: its agenda (items), attendees and apologies, then its minutes (notes per item, decisions,
    action items that are tasks). A recurring meeting's next one (`previous`) carries the unfinished actions."""

    title = models.CharField("intitulé", max_length=200)
    series = models.CharField(
        "série", max_length=120, blank=True, help_text="Réunions régulières : réunion d'équipe, conseil, CSE…"
    )
    previous = models.OneToOneField(
        "self", verbose_name="réunion précédente", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="following",
    )  # fmt: skip
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    place = models.CharField("lieu", max_length=200, blank=True)
    room = models.ForeignKey(
        Resource, verbose_name="salle", null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    event = models.OneToOneField(
        Event, verbose_name="événement", null=True, blank=True, on_delete=models.SET_NULL, related_name="meeting"
    )
    organiser = models.ForeignKey(USER, verbose_name="organisateur", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("état", max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    summary = models.TextField("compte rendu (synthèse)", blank=True)
    minutes_sent_at = models.DateTimeField("compte rendu envoyé le", null=True, blank=True)
    documents = models.ManyToManyField("office.Document", verbose_name="documents joints", blank=True,
                                       related_name="meetings")  # fmt: skip
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "réunion"
        verbose_name_plural = "réunions"
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="office_meeting_ends_after_start",
                violation_error_message="Une réunion finit après son début.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.title} du {timezone.localtime(self.starts_at):%d/%m/%Y}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name="réunion", on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField("ordre", default=1)
    title = models.CharField("point", max_length=200)
    presenter = models.ForeignKey(
        USER, verbose_name="présenté par", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    minutes = models.PositiveSmallIntegerField("durée (minutes)", default=15)
    notes = models.TextField("notes du compte rendu", blank=True)
    carried = models.BooleanField("reporté de la réunion précédente", default=False)

    class Meta:
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "points de l'ordre du jour"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Presence(models.TextChoices):
    INVITED = "invited", "Invité(e)"
    PRESENT = "present", "Présent(e)"
    APOLOGIES = "apologies", "Excusé(e)"
    ABSENT = "absent", "Absent(e)"


class MeetingAttendee(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name="réunion", on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        USER, verbose_name="utilisateur", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField("nom", max_length=200)
    email = models.EmailField("adresse électronique", blank=True)
    presence = models.CharField("présence", max_length=12, choices=Presence.choices, default=Presence.INVITED)

    class Meta:
        verbose_name = "participant à la réunion"
        verbose_name_plural = "participants à la réunion"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], name="office_meetingattendee_once",
                violation_error_message="Cette personne est déjà invitée à la réunion.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name="réunion", on_delete=models.CASCADE, related_name="decisions")
    item = models.ForeignKey(
        AgendaItem, verbose_name="point", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    text = models.TextField("décision")
    created_at = models.DateTimeField("prise le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "décision"
        verbose_name_plural = "décisions"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:80]


class TaskStatus(models.TextChoices):
    OPEN = "open", "À faire"
    DONE = "done", "Faite"


class Task(models.Model):
    """A task to follow up: typed, or an action item of a meeting's minutes. Ranked by importance × urgency
    (the Eisenhower matrix); its owner sees it in the to-do list; reminders go out before the due date and
    when late (`manage.py office_task_reminders`)."""

    title = models.CharField("tâche", max_length=200)
    description = models.TextField("description", blank=True)
    owner = models.ForeignKey(USER, verbose_name="responsable", on_delete=models.PROTECT, related_name="office_tasks")
    created_by = models.ForeignKey(USER, verbose_name="créée par", on_delete=models.PROTECT, related_name="+")
    delegated_by = models.ForeignKey(
        USER, verbose_name="déléguée par", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField("échéance", null=True, blank=True)
    important = models.BooleanField("importante", default=False)
    urgent = models.BooleanField("urgente", default=False)
    status = models.CharField("état", max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    done_on = models.DateField("faite le", null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting, verbose_name="réunion", null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    reminded_on = models.DateField("dernier rappel le", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "tâche"
        verbose_name_plural = "tâches"
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "status", "due_on"], name="office_task_owner_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False), name="office_task_done_has_date",
                violation_error_message="Une tâche faite porte sa date de réalisation.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in TaskStatus]), name="office_task_status_valid",
                violation_error_message="Cet état de tâche n'existe pas.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN

    @property
    def quadrant(self) -> str:
        """Eisenhower: do (important and urgent), plan (important), delegate (urgent), drop (neither)."""
        if self.important:
            return "do" if self.urgent else "plan"
        return "delegate" if self.urgent else "drop"


class TaskComment(models.Model):
    task = models.ForeignKey(Task, verbose_name="tâche", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(USER, verbose_name="auteur", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("commentaire")
    created_at = models.DateTimeField("écrit le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "commentaire de tâche"
        verbose_name_plural = "commentaires de tâches"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]


from pilote.office.models_assemblies import (  # noqa: E402, F401 — general assemblies, in their own module
    Assembly,
    AssemblyKind,
    AssemblyMember,
    AssemblyStatus,
    Resolution,
)
from pilote.office.models_communication import (  # noqa: E402, F401 — communication plan and mailings
    CommAction,
    Consent,
    Mailing,
    MailingRecipient,
    MailTemplate,
    Stakeholder,
    Suppression,
)
from pilote.office.models_documents import (  # noqa: E402, F401 — the document store, in its own module
    Confidentiality,
    Document,
    DocumentVersion,
    Folder,
    Tag,
)
from pilote.office.models_territory import (  # noqa: E402, F401 — the territorial needs study
    FindingPriority,
    IndicatorValue,
    NeedsStudy,
    StudyArea,
    StudyFinding,
    StudyIndicator,
    StudySource,
    StudyStatus,
)
