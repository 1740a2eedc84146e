"""Sales pipeline (opportunities and their stage history) and tenders (appels d'offres)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from pilote.contacts.models import Contact
from pilote.lib.money import MoneyField, round_eur
from pilote.pipeline.stages import CLOSED_STAGES, Stage
from pilote.pipeline.storage import private_storage, tender_upload_to


class Source(models.TextChoices):
    INBOUND = "entrant", "Demande entrante"
    WEBSITE = "site", "Site web"
    REFERRAL = "recommandation", "Recommandation"
    FAIR = "salon", "Salon, événement"
    OUTBOUND = "prospection", "Prospection"
    TENDER = "appel_offres", "Appel d'offres"
    EXISTING = "client", "Client existant"
    OTHER = "autre", "Autre"


class LostReason(models.TextChoices):
    PRICE = "prix", "Prix"
    COMPETITOR = "concurrent", "Concurrent retenu"
    TIMING = "delai", "Délai"
    NO_BUDGET = "budget", "Pas de budget"
    NO_FOLLOW_UP = "sans_suite", "Sans suite"
    OTHER = "autre", "Autre"


class Opportunity(models.Model):
    """A deal the structure hopes to sign with a contact, moving through the stages of the pipeline."""

    contact = models.ForeignKey(Contact, verbose_name="contact", on_delete=models.PROTECT, related_name="opportunities")
    title = models.CharField("intitulé", max_length=200)
    stage = models.CharField("étape", max_length=20, choices=Stage.choices, default=Stage.NEW)
    amount = MoneyField("montant HT estimé", default=0, validators=[MinValueValidator(0)])
    expected_close_date = models.DateField("date de signature prévue", null=True, blank=True)
    probability = models.PositiveSmallIntegerField(
        "probabilité (%)", default=10, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    weighted_amount = MoneyField("montant pondéré", default=0, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="responsable", on_delete=models.PROTECT, related_name="opportunities"
    )
    next_action = models.CharField("prochaine action", max_length=200, blank=True)
    next_action_date = models.DateField("date de la prochaine action", null=True, blank=True)
    source = models.CharField("origine", max_length=20, choices=Source.choices, blank=True)
    lost_reason = models.CharField("raison de la perte", max_length=20, choices=LostReason.choices, blank=True)
    lost_details = models.TextField("précisions sur la perte", blank=True)
    closed_on = models.DateField("date de gain ou de perte", null=True, blank=True)
    notes = models.TextField("notes", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "opportunité"
        verbose_name_plural = "opportunités"
        indexes = [
            models.Index(fields=["stage", "expected_close_date"], name="pipeline_opp_stage_idx"),
            models.Index(fields=["owner", "next_action_date"], name="pipeline_opp_action_idx"),
            models.Index(fields=["closed_on"], name="pipeline_opp_closed_idx"),
            models.Index(Lower("title"), "id", name="pipeline_opp_title_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=0, probability__lte=100),
                name="pipeline_opportunity_probability_range",
                violation_error_message="La probabilité est comprise entre 0 et 100 %%.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="pipeline_opportunity_amount_positive",
                violation_error_message="Le montant ne peut pas être négatif.",
            ),
            models.CheckConstraint(
                condition=Q(weighted_amount__gte=0) & Q(weighted_amount__lte=F("amount")),
                name="pipeline_opportunity_weighted_range",
                violation_error_message="Le montant pondéré est compris entre 0 et le montant estimé.",
            ),
            models.CheckConstraint(
                condition=~Q(stage=Stage.LOST) | ~Q(lost_reason=""),
                name="pipeline_opportunity_lost_has_reason",
                violation_error_message="Indiquez la raison de la perte.",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=CLOSED_STAGES, closed_on__isnull=False)
                | (~Q(stage__in=CLOSED_STAGES) & Q(closed_on__isnull=True)),
                name="pipeline_opportunity_closed_date",
                violation_error_message="Une opportunité gagnée ou perdue porte sa date de clôture, et elle seule.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.contact}"

    def save(self, *args, **kwargs):
        # Stored (not computed in SQL) so weighted totals are exact sums of what each card shows.
        self.weighted_amount = self.compute_weighted_amount()
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.stage not in CLOSED_STAGES

    def clean(self) -> None:
        # Recomputed before the constraints are validated (full_clean), so a changed amount, probability
        # or stage is checked against the weighted amount it implies, not the one stored before the change.
        self.weighted_amount = self.compute_weighted_amount()

    def compute_weighted_amount(self) -> Decimal:
        return round_eur(Decimal(self.amount or 0) * Decimal(self.probability or 0) / 100)


class StageChange(models.Model):
    """One move of an opportunity between stages (creation included), kept as typed rows.

    The audit log records the same events as JSON snapshots for the auditor; these rows give the
    opportunity page its history in one indexed query and keep stage statistics possible in SQL.
    """

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField("de", max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField("vers", max_length=20, choices=Stage.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", null=True, blank=True, on_delete=models.PROTECT
    )
    changed_at = models.DateTimeField("le", default=timezone.now)
    note = models.CharField("précision", max_length=300, blank=True)

    class Meta:
        verbose_name = "changement d'étape"
        verbose_name_plural = "changements d'étape"
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["opportunity", "-changed_at"], name="pipeline_stagechange_opp_idx")]

    def __str__(self) -> str:
        start = self.get_from_stage_display() or "création"
        return f"{start} → {self.get_to_stage_display()}"


class Procedure(models.TextChoices):
    MAPA = "mapa", "MAPA (procédure adaptée)"
    OPEN = "ao_ouvert", "Appel d'offres ouvert"
    RESTRICTED = "ao_restreint", "Appel d'offres restreint"
    FRAMEWORK = "accord_cadre", "Accord-cadre"
    PRIVATE = "prive", "Consultation privée"


class TenderStatus(models.TextChoices):
    WATCH = "veille", "En veille"
    PREPARING = "preparation", "En préparation"
    SUBMITTED = "deposee", "Déposée"
    WON = "gagnee", "Gagnée"
    LOST = "perdue", "Perdue"
    ABANDONED = "abandonnee", "Abandonnée"
    NO_AWARD = "sans_suite", "Sans suite"


OPEN_TENDER_STATUSES = (TenderStatus.WATCH, TenderStatus.PREPARING)
CLOSED_TENDER_STATUSES = (TenderStatus.WON, TenderStatus.LOST, TenderStatus.ABANDONED, TenderStatus.NO_AWARD)


class Decision(models.TextChoices):
    PENDING = "a_decider", "À décider"
    GO = "go", "Go"
    NO_GO = "no_go", "No-go"


class Tender(models.Model):
    """A call for tenders the structure watches, answers or declines (dossier d'appel d'offres)."""

    buyer = models.ForeignKey(Contact, verbose_name="acheteur", on_delete=models.PROTECT, related_name="tenders")
    title = models.CharField("objet du marché", max_length=250)
    reference = models.CharField("référence de l'acheteur", max_length=100, blank=True)
    procedure = models.CharField("procédure", max_length=20, choices=Procedure.choices, default=Procedure.MAPA)
    published_on = models.DateField("date de publication", null=True, blank=True)
    questions_deadline = models.DateTimeField("date limite des questions", null=True, blank=True)
    submission_deadline = models.DateTimeField("date limite de remise des offres", null=True, blank=True)
    estimated_value = MoneyField("montant estimé HT", null=True, blank=True, validators=[MinValueValidator(0)])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="responsable",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tenders",
    )
    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name="opportunité liée",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tenders",
    )
    status = models.CharField("état", max_length=20, choices=TenderStatus.choices, default=TenderStatus.WATCH)
    decision = models.CharField("décision", max_length=10, choices=Decision.choices, default=Decision.PENDING)
    go_threshold = models.PositiveSmallIntegerField(
        "seuil de go (%)",
        default=60,
        validators=[MaxValueValidator(100)],
        help_text="Score pondéré à partir duquel la grille recommande d'y aller.",
    )
    offer_amount = MoneyField("montant de notre offre HT", null=True, blank=True, validators=[MinValueValidator(0)])
    outcome_reasons = models.TextField("motifs du résultat", blank=True)
    winner_name = models.CharField("attributaire", max_length=200, blank=True)
    winning_price = MoneyField("prix retenu HT", null=True, blank=True, validators=[MinValueValidator(0)])
    notes = models.TextField("notes", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "appel d'offres"
        verbose_name_plural = "appels d'offres"
        indexes = [
            models.Index(fields=["status", "submission_deadline"], name="pipeline_tender_status_idx"),
            models.Index(Lower("title"), "id", name="pipeline_tender_title_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(questions_deadline__isnull=True)
                | Q(submission_deadline__isnull=True)
                | Q(questions_deadline__lte=F("submission_deadline")),
                name="pipeline_tender_deadlines_order",
                violation_error_message="La date limite des questions précède la remise des offres.",
            ),
            models.CheckConstraint(
                condition=Q(go_threshold__gte=0, go_threshold__lte=100),
                name="pipeline_tender_threshold_range",
                violation_error_message="Le seuil de décision est compris entre 0 et 100 %%.",
            ),
            models.CheckConstraint(
                condition=(Q(estimated_value__isnull=True) | Q(estimated_value__gte=0))
                & (Q(offer_amount__isnull=True) | Q(offer_amount__gte=0))
                & (Q(winning_price__isnull=True) | Q(winning_price__gte=0)),
                name="pipeline_tender_amounts_positive",
                violation_error_message="Les montants ne peuvent pas être négatifs.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}" if self.reference else self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TENDER_STATUSES

    def clean(self) -> None:
        from pilote.pipeline.rules import clean_tender

        clean_tender(self)


class TenderCriterion(models.Model):
    """One line of the go/no-go grid: a criterion, its weight and our score from 0 to 5."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="criteria")
    label = models.CharField("critère", max_length=150)
    weight = models.PositiveSmallIntegerField("poids", default=1, validators=[MinValueValidator(1)])
    score = models.PositiveSmallIntegerField("note (0 à 5)", null=True, blank=True, validators=[MaxValueValidator(5)])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "critère de go/no-go"
        verbose_name_plural = "critères de go/no-go"
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="pipeline_criterion_weight_positive",
                violation_error_message="Le poids est au moins 1.",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=5),
                name="pipeline_criterion_score_range",
                violation_error_message="La note va de 0 à 5.",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class TenderTask(models.Model):
    """Something to do to prepare the bid (visit the site, get the Kbis, price the lots…)."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField("tâche", max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="confiée à",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tender_tasks",
    )
    due_date = models.DateField("échéance", null=True, blank=True)
    done = models.BooleanField("faite", default=False)
    done_at = models.DateTimeField("faite le", null=True, blank=True)

    class Meta:
        verbose_name = "tâche de réponse"
        verbose_name_plural = "tâches de réponse"
        ordering = ["done", F("due_date").asc(nulls_last=True), "id"]
        indexes = [models.Index(fields=["assignee", "done", "due_date"], name="pipeline_task_todo_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(done=False, done_at__isnull=True) | Q(done=True, done_at__isnull=False),
                name="pipeline_task_done_at",
                violation_error_message="Une tâche faite porte sa date de réalisation, et elle seule.",
            )
        ]

    def __str__(self) -> str:
        return self.title


class DocumentKind(models.TextChoices):
    DCE = "dce", "DCE (dossier de consultation)"
    ANSWER = "reponse", "Notre réponse"
    OTHER = "autre", "Autre pièce"


class TenderDocument(models.Model):
    """A file of the tender, stored outside the public media folder and served by a checked view."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("nature", max_length=10, choices=DocumentKind.choices, default=DocumentKind.DCE)
    file = models.FileField("fichier", storage=private_storage, upload_to=tender_upload_to, max_length=300)
    original_name = models.CharField("nom du fichier", max_length=200)
    size = models.PositiveBigIntegerField("taille (octets)", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="déposé par", null=True, blank=True, on_delete=models.PROTECT
    )
    uploaded_at = models.DateTimeField("déposé le", default=timezone.now)

    class Meta:
        verbose_name = "pièce d'appel d'offres"
        verbose_name_plural = "pièces d'appel d'offres"
        ordering = ["kind", "original_name", "id"]

    def __str__(self) -> str:
        return self.original_name
