from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from pilote.lib.fields import FrenchDecimalField
from pilote.lib.money import MoneyField
from pilote.projects.budget import NATURE_CHOICES

MAX_DURATION = 1000  # working days, about four years: a longer task is a project of its own
MAX_LAG = 250  # working days, about a year


class ProjectKind(models.TextChoices):
    CUSTOMER = "customer", "Projet client"
    INTERNAL = "internal", "Projet interne"
    ESTABLISHMENT = "establishment", "Projet d'établissement ou de service"


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", "En préparation"
    ACTIVE = "active", "En cours"
    DONE = "done", "Terminé"
    CANCELLED = "cancelled", "Abandonné"


class Project(models.Model):
    """A project: its tasks and their dependencies give its critical path and its end date (services.recompute)."""

    name = models.CharField("intitulé", max_length=200)
    kind = models.CharField("nature", max_length=20, choices=ProjectKind.choices, default=ProjectKind.CUSTOMER)
    status = models.CharField("état", max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    customer = models.ForeignKey(
        "contacts.Contact", verbose_name="client", null=True, blank=True, on_delete=models.PROTECT
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="chef de projet", null=True, blank=True, on_delete=models.SET_NULL
    )
    start_date = models.DateField("début")
    description = models.TextField("objectif", blank=True)
    end_date = models.DateField("fin prévue", null=True, blank=True)  # computed: the critical path's end
    # Time spent on a customer project is invoiced through sales as this service article, at its price or at the
    # project's own hourly rate (services.invoice_time).
    billing_product = models.ForeignKey(
        "catalog.Product", verbose_name="article facturé (temps passé)", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": "service", "is_active": True},
    )  # fmt: skip
    hourly_rate = MoneyField("taux horaire HT (sinon le prix de l'article)", null=True, blank=True)
    # Its income and expenses in the books: the lines distributed to this analytic section (budget vs actual).
    analytic_section = models.ForeignKey(
        "ledger.AnalyticSection", verbose_name="section analytique", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    duration_days = models.PositiveIntegerField("durée (jours ouvrés)", default=0)  # computed
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "projet"
        verbose_name_plural = "projets"
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    project = models.ForeignKey(Project, verbose_name="projet", related_name="tasks", on_delete=models.CASCADE)
    name = models.CharField("tâche", max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="responsable", null=True, blank=True, on_delete=models.SET_NULL
    )
    duration_days = models.PositiveSmallIntegerField(
        "durée (jours ouvrés)", help_text="0 pour un jalon.", validators=[MaxValueValidator(MAX_DURATION)]
    )
    not_before = models.DateField("pas avant le", null=True, blank=True)
    done_percent = models.PositiveSmallIntegerField("avancement (%)", default=0, validators=[MaxValueValidator(100)])
    position = models.PositiveIntegerField("ordre", default=0)
    # Computed by services.recompute from the whole network (cpm.py), never typed:
    early_start = models.DateField("début au plus tôt", null=True, blank=True)
    early_finish = models.DateField("fin au plus tôt", null=True, blank=True)
    late_start = models.DateField("début au plus tard", null=True, blank=True)
    late_finish = models.DateField("fin au plus tard", null=True, blank=True)
    total_float = models.IntegerField("marge totale (jours)", default=0)
    free_float = models.IntegerField("marge libre (jours)", default=0)
    is_critical = models.BooleanField("critique", default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "tâche de projet"
        verbose_name_plural = "tâches de projet"
        ordering = ["project", "early_start", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_percent__lte=100),
                name="projects_task_done_percent_max_100",
                violation_error_message="L'avancement d'une tâche va de 0 à 100 %%.",
            ),
            models.CheckConstraint(
                condition=Q(duration_days__lte=MAX_DURATION),
                name="projects_task_duration_bounded",
                violation_error_message="Une tâche dure au plus 1 000 jours ouvrés : découpez-la.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_milestone(self) -> bool:
        return self.duration_days == 0


class DependencyKind(models.TextChoices):
    FS = "FS", "Fin → début"
    SS = "SS", "Début → début"


class Dependency(models.Model):
    predecessor = models.ForeignKey(
        Task, verbose_name="tâche précédente", related_name="successor_links", on_delete=models.CASCADE
    )
    successor = models.ForeignKey(
        Task, verbose_name="tâche suivante", related_name="predecessor_links", on_delete=models.CASCADE
    )
    kind = models.CharField("type", max_length=2, choices=DependencyKind.choices, default=DependencyKind.FS)
    lag_days = models.SmallIntegerField(
        "décalage (jours ouvrés)",
        default=0,
        help_text="Négatif : avance.",
        validators=[MinValueValidator(-MAX_LAG), MaxValueValidator(MAX_LAG)],
    )

    class Meta:
        verbose_name = "dépendance"
        verbose_name_plural = "dépendances"
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="projects_dependency_once",
                violation_error_message="Ces deux tâches sont déjà liées.",
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")),
                name="projects_dependency_not_itself",
                violation_error_message="Une tâche ne peut pas dépendre d'elle-même.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class TimeEntry(models.Model):
    """Time spent by a person on a task, in hours (a working day counts 7 h against the task's estimate)."""

    task = models.ForeignKey(Task, verbose_name="tâche", related_name="time_entries", on_delete=models.CASCADE)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="personne", on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    date = models.DateField("date")
    hours = FrenchDecimalField("heures", max_digits=5, decimal_places=2)
    note = models.CharField("commentaire", max_length=200, blank=True)
    created_at = models.DateTimeField("saisi le", default=timezone.now)
    # The draft (then issued) invoice that bills it; a deleted draft gives the time back to invoice.
    invoice = models.ForeignKey("sales.Invoice", verbose_name="facture", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")  # fmt: skip

    class Meta:
        verbose_name = "temps passé"
        verbose_name_plural = "temps passés"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24), name="projects_timeentry_hours_range",
                                   violation_error_message="Une saisie va de 0,25 à 24 heures."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.task} : {self.hours} h le {self.date:%d/%m/%Y}"


class BudgetLine(models.Model):
    """A project's budget for one nature of income or expense (budget.NATURES)."""

    project = models.ForeignKey(Project, verbose_name="projet", related_name="budget_lines", on_delete=models.CASCADE)
    nature = models.CharField("nature", max_length=12, choices=NATURE_CHOICES)
    amount = MoneyField("budget HT")

    class Meta:
        verbose_name = "ligne de budget de projet"
        verbose_name_plural = "lignes de budget de projet"
        ordering = ["project", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "nature"], name="projects_budgetline_once",
                                    violation_error_message="Cette nature a déjà son budget dans ce projet."),
            models.CheckConstraint(condition=Q(amount__gte=0), name="projects_budgetline_amount_positive",
                                   violation_error_message="Un budget est positif ou nul."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.project} — {self.get_nature_display()}"
