from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Channel(models.TextChoices):
    PHONE = "phone", "Téléphone"
    EMAIL = "email", "E-mail"
    LETTER = "letter", "Courrier"
    VISIT = "visit", "Visite"
    WEB_FORM = "web", "Formulaire web"


class Category(models.TextChoices):
    QUALITY = "quality", "Qualité produit"
    LATE_DELIVERY = "late_delivery", "Retard de livraison"
    BILLING = "billing", "Erreur de facturation"
    SERVICE = "service", "Service / comportement"
    DAMAGED = "damaged", "Produit endommagé"
    OTHER = "other", "Autre"


class Severity(models.TextChoices):
    MINOR = "minor", "Mineure"
    MAJOR = "major", "Majeure"
    CRITICAL = "critical", "Critique"


class Expectation(models.TextChoices):
    REFUND = "refund", "Remboursement"
    REPLACEMENT = "replacement", "Remplacement"
    GOODWILL = "goodwill", "Geste commercial"
    EXPLANATION = "explanation", "Explication"
    OTHER = "other", "Autre"


class Status(models.TextChoices):
    NEW = "new", "Nouvelle"
    IN_PROGRESS = "in_progress", "En cours"
    ANSWERED = "answered", "Répondue"
    CLOSED = "closed", "Close"
    REOPENED = "reopened", "Réouverte"


class Resolution(models.TextChoices):
    CORRECTIVE = "corrective", "Fondée — action corrective"
    GOODWILL = "goodwill", "Fondée — geste commercial"
    UNFOUNDED = "unfounded", "Non fondée"
    DROPPED = "dropped", "Sans suite"


class AnswerMedium(models.TextChoices):
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Téléphone"
    LETTER = "letter", "Courrier"
    MEETING = "meeting", "Rendez-vous"


# Statuses still waiting for someone to act; `closed` is the only final one (it can be reopened).
OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.ANSWERED, Status.REOPENED)


class Complaint(models.Model):
    """A customer complaint (réclamation), from receipt to closure; its history is in `entries`."""

    customer = models.ForeignKey(
        "contacts.Contact", verbose_name="client", on_delete=models.PROTECT, related_name="complaints"
    )
    received_on = models.DateField("reçue le")
    channel = models.CharField("canal", max_length=10, choices=Channel.choices, default=Channel.PHONE)
    category = models.CharField("catégorie", max_length=15, choices=Category.choices)
    severity = models.CharField("gravité", max_length=10, choices=Severity.choices, default=Severity.MINOR)
    subject = models.CharField("objet", max_length=200)
    description = models.TextField("description", blank=True)
    expectation = models.CharField(
        "attente du client", max_length=15, choices=Expectation.choices, default=Expectation.EXPLANATION
    )
    order = models.ForeignKey(
        "sales.Order", verbose_name="commande", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invoice = models.ForeignKey(
        "sales.Invoice", verbose_name="facture", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="responsable",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answer_due = models.DateField("réponse attendue avant le")
    status = models.CharField("statut", max_length=12, choices=Status.choices, default=Status.NEW)
    first_answer_on = models.DateField("première réponse le", null=True, blank=True)
    closed_on = models.DateField("close le", null=True, blank=True)
    resolution = models.CharField("résolution", max_length=12, choices=Resolution.choices, blank=True)
    root_cause = models.TextField("cause racine", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking of edits
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "réclamation"
        verbose_name_plural = "réclamations"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answer_due__gte=F("received_on")),
                name="complaints_complaint_due_after_received",
                violation_error_message="L'échéance de réponse ne peut pas précéder la date de réception.",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (~Q(resolution="") & Q(closed_on__isnull=False)),
                name="complaints_complaint_closed_has_resolution",
                violation_error_message="Une réclamation close a une résolution et une date de clôture.",
            ),
            models.CheckConstraint(
                condition=Q(first_answer_on__isnull=True) | Q(first_answer_on__gte=F("received_on")),
                name="complaints_complaint_answer_after_received",
                violation_error_message="La première réponse ne peut pas précéder la réception.",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("received_on")),
                name="complaints_complaint_closed_after_received",
                violation_error_message="La clôture ne peut pas précéder la réception.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]),
                name="complaints_complaint_status_valid",
                violation_error_message="Ce statut de réclamation n'existe pas.",
            ),
        ]
        indexes = [
            models.Index(fields=["-received_on", "-id"], name="complaints_received_idx"),
            models.Index(fields=["status", "answer_due"], name="complaints_status_due_idx"),
            models.Index(fields=["assignee", "status"], name="complaints_assignee_idx"),
            models.Index(fields=["customer", "-received_on"], name="complaints_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.subject}"

    @property
    def reference(self) -> str:
        return f"REC-{self.pk:05d}" if self.pk else "REC-(nouvelle)"

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def awaits_answer(self) -> bool:
        return self.first_answer_on is None and not self.is_closed

    def is_overdue(self, today) -> bool:
        """No first answer yet and the deadline is passed."""
        return self.awaits_answer and self.answer_due < today

    @property
    def answered_in_time(self) -> bool | None:
        if self.first_answer_on is None:
            return None
        return self.first_answer_on <= self.answer_due

    def clean(self) -> None:
        from pilote.complaints.rules import clean_complaint

        clean_complaint(self)


class EntryKind(models.TextChoices):
    NOTE = "note", "Note interne"
    ANSWER = "answer", "Réponse au client"
    EVENT = "event", "Suivi"  # assignment, closure, reopening: written by the services


class ComplaintEntry(models.Model):
    """One line of a complaint's timeline."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField("type", max_length=10, choices=EntryKind.choices, default=EntryKind.NOTE)
    at = models.DateTimeField("date", default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.PROTECT, null=True, related_name="+"
    )
    text = models.TextField("texte")
    medium = models.CharField("moyen", max_length=10, choices=AnswerMedium.choices, blank=True)
    interaction = models.ForeignKey(
        "contacts.Interaction",
        verbose_name="échange du contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "suivi de réclamation"
        verbose_name_plural = "suivis de réclamation"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["complaint", "at"], name="complaints_entry_when_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="answer") | ~Q(medium=""),
                name="complaints_entry_answer_has_medium",
                violation_error_message="Une réponse au client indique son moyen (e-mail, courrier, téléphone…).",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.text[:60]}"
