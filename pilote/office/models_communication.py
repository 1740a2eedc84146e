"""The communication plan and the mailings (issue 15 point 6): actions (target, channel, dates, budget, owner,
actual cost, results), templates, each contact's consent (RGPD), mailings to a segment of the contacts with one
row per recipient — unique per mailing and address, so nobody receives a mailing twice —, and the suppression
list (unsubscribes and bounces) every later mailing skips."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pilote.lib.money import MoneyField

USER = settings.AUTH_USER_MODEL


class Channel(models.TextChoices):
    NEWSLETTER = "newsletter", "Lettre d'information"
    SOCIAL = "social", "Réseau social"
    PRESS = "press", "Presse"
    EVENT = "event", "Événement"
    WEBSITE = "website", "Site internet"
    MAILING = "mailing", "Courriel ciblé"


class CommAction(models.Model):
    title = models.CharField("action", max_length=200)
    target = models.CharField("cible", max_length=200)
    channel = models.CharField("canal", max_length=12, choices=Channel.choices)
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin", null=True, blank=True)
    budget = MoneyField("budget", default=0)
    actual_cost = MoneyField("coût réel", null=True, blank=True)
    owner = models.ForeignKey(USER, verbose_name="responsable", on_delete=models.PROTECT, related_name="+")
    results = models.TextField("résultats", blank=True)

    class Meta:
        verbose_name = "action de communication"
        verbose_name_plural = "actions de communication"
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="office_commaction_dates", violation_error_message="La fin d'une action suit son début.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title


class MailTemplate(models.Model):
    name = models.CharField("nom", max_length=120, unique=True)
    subject = models.CharField("objet", max_length=200)
    body = models.TextField("texte", help_text="{nom} est remplacé par le nom du destinataire.")

    class Meta:
        verbose_name = "modèle de courriel"
        verbose_name_plural = "modèles de courriel"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Consent(models.Model):
    """A contact's consent to receive the structure's mailings (RGPD art. 6-1-a and 7; CPCE L34-5 for e-mail
    prospecting of individuals): given or withdrawn, when, how, recorded by whom."""

    contact = models.OneToOneField("contacts.Contact", verbose_name="contact", on_delete=models.CASCADE,
                                   related_name="mailing_consent")  # fmt: skip
    given = models.BooleanField("consentement donné", default=True)
    source = models.CharField("recueilli par", max_length=200, help_text="Formulaire, salon, contrat, courriel…")
    recorded_at = models.DateTimeField("enregistré le", default=timezone.now)
    recorded_by = models.ForeignKey(USER, verbose_name="enregistré par", null=True, on_delete=models.SET_NULL,
                                    related_name="+")  # fmt: skip

    class Meta:
        verbose_name = "consentement"
        verbose_name_plural = "consentements"

    def __str__(self) -> str:
        return f"{self.contact} : {'oui' if self.given else 'non'}"


class MailingStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SENDING = "sending", "Envoi en cours"
    SENT = "sent", "Envoyé"


class Mailing(models.Model):
    title = models.CharField("intitulé", max_length=200)
    action = models.ForeignKey(CommAction, verbose_name="action du plan", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="mailings")  # fmt: skip
    subject = models.CharField("objet", max_length=200)
    body = models.TextField("texte")
    segment_role = models.CharField("rôle", max_length=12, blank=True)
    segment_tag = models.ForeignKey("contacts.Tag", verbose_name="étiquette", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    segment_city = models.CharField("ville", max_length=100, blank=True)
    segment_activity = models.CharField("activité (code NAF)", max_length=6, blank=True)
    status = models.CharField("état", max_length=10, choices=MailingStatus.choices, default=MailingStatus.DRAFT)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(USER, verbose_name="créé par", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("créé le", default=timezone.now)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "envoi groupé"
        verbose_name_plural = "envois groupés"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class RecipientStatus(models.TextChoices):
    PENDING = "pending", "À envoyer"
    SENT = "sent", "Envoyé"
    BOUNCED = "bounced", "Rejeté (adresse en erreur)"
    FAILED = "failed", "Échec d'envoi"


class MailingRecipient(models.Model):
    mailing = models.ForeignKey(Mailing, verbose_name="envoi", on_delete=models.CASCADE, related_name="recipients")
    contact = models.ForeignKey("contacts.Contact", verbose_name="contact", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    email = models.EmailField("adresse")
    name = models.CharField("nom", max_length=200, blank=True)
    status = models.CharField("état", max_length=10, choices=RecipientStatus.choices, default=RecipientStatus.PENDING)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "destinataire"
        verbose_name_plural = "destinataires"
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "email"], name="office_recipient_once_per_mailing",
                violation_error_message="Cette adresse reçoit déjà cet envoi.",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.email


class Suppression(models.Model):
    """An address no mailing goes to any more: its owner unsubscribed (the link of a mailing, no account
    needed) or it bounced."""

    REASONS = [("unsubscribed", "Désinscription"), ("bounced", "Adresse en erreur")]
    email = models.EmailField("adresse", unique=True)
    reason = models.CharField("motif", max_length=12, choices=REASONS)
    mailing = models.ForeignKey(Mailing, verbose_name="envoi d'origine", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    created_at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "adresse exclue"
        verbose_name_plural = "adresses exclues"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email


class StakeholderKind(models.TextChoices):
    PARTNER = "partner", "Partenaire"
    FUNDER = "funder", "Financeur"
    AUTHORITY = "authority", "Autorité, institution"
    USER = "user", "Usager, client"
    SUPPLIER = "supplier", "Fournisseur"


class Stakeholder(models.Model):
    """A contact placed on the stakeholder map: its power and interest (1 to 5), who keeps the relationship."""

    contact = models.OneToOneField("contacts.Contact", verbose_name="contact", on_delete=models.CASCADE,
                                   related_name="stakeholder")  # fmt: skip
    kind = models.CharField("catégorie", max_length=10, choices=StakeholderKind.choices)
    power = models.PositiveSmallIntegerField("pouvoir (1 à 5)")
    interest = models.PositiveSmallIntegerField("intérêt (1 à 5)")
    owner = models.ForeignKey(USER, verbose_name="responsable de la relation", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    notes = models.TextField("enjeux", blank=True)

    class Meta:
        verbose_name = "partie prenante"
        verbose_name_plural = "parties prenantes"
        constraints = [
            models.CheckConstraint(
                condition=Q(power__gte=1, power__lte=5) & Q(interest__gte=1, interest__lte=5),
                name="office_stakeholder_scale", violation_error_message="Pouvoir et intérêt se notent de 1 à 5.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return str(self.contact)

    @property
    def quadrant(self) -> str:
        if self.power >= 3:
            return "Gérer étroitement" if self.interest >= 3 else "Satisfaire"
        return "Tenir informé" if self.interest >= 3 else "Surveiller"
