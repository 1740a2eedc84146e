"""Risks and quality: the structure's settings, the risk register (risks and their treatment actions)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from pilote.lib.money import MoneyField
from pilote.quality import scoring


class QualitySettings(models.Model):
    """One row (id 1): the risk rating scale chosen for the structure and its headcount (the DUERP's
    yearly update is due from 11 employees, FRENCH-RULES §7)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    risk_scale = models.PositiveSmallIntegerField(
        "échelle de cotation", choices=[(4, "1 à 4"), (5, "1 à 5")], default=4
    )
    headcount = models.PositiveIntegerField(
        "effectif",
        default=0,
        help_text="Effectif moyen (salariés) : la mise à jour annuelle du DUERP est due à partir de 11.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "paramètres qualité"
        verbose_name_plural = "paramètres qualité"
        constraints = [
            models.CheckConstraint(
                condition=Q(id=1), name="quality_qualitysettings_single_row",
                violation_error_message="Les paramètres qualité sont uniques.",
            ),
            models.CheckConstraint(
                condition=Q(risk_scale__in=scoring.SCALES), name="quality_qualitysettings_scale_valid",
                violation_error_message="L'échelle de cotation va de 1 à 4 ou de 1 à 5.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return "Paramètres qualité"


class RiskCategory(models.TextChoices):
    STRATEGIC = "strategic", "Stratégique"
    FINANCIAL = "financial", "Financier"
    LEGAL = "legal", "Juridique et réglementaire"
    OPERATIONAL = "operational", "Opérationnel"
    IT = "it", "Informatique et données"
    REPUTATION = "reputation", "Image et réputation"


class RiskStatus(models.TextChoices):
    ACTIVE = "active", "Suivi"
    CLOSED = "closed", "Clos"


class Risk(models.Model):
    """A risk of the register: rated before (inherent) and after (residual) its controls and treatment."""

    title = models.CharField("intitulé", max_length=200)
    category = models.CharField("nature", max_length=15, choices=RiskCategory.choices)
    cause = models.TextField("causes")
    consequence = models.TextField("conséquences")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="pilote du risque", on_delete=models.PROTECT, related_name="+"
    )
    likelihood = models.PositiveSmallIntegerField("probabilité (brute)")
    impact = models.PositiveSmallIntegerField("impact (brut)")
    inherent_score = models.PositiveSmallIntegerField("criticité brute", editable=False)
    controls = models.TextField("mesures de maîtrise existantes", blank=True)
    residual_likelihood = models.PositiveSmallIntegerField("probabilité (résiduelle)")
    residual_impact = models.PositiveSmallIntegerField("impact (résiduel)")
    residual_score = models.PositiveSmallIntegerField("criticité résiduelle", editable=False)
    review_on = models.DateField("prochaine revue le")
    reviewed_on = models.DateField("dernière revue le", null=True, blank=True)
    status = models.CharField("statut", max_length=10, choices=RiskStatus.choices, default=RiskStatus.ACTIVE)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "risque"
        verbose_name_plural = "risques"
        ordering = ["-residual_score", "-inherent_score", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5,
                            residual_likelihood__gte=1, residual_likelihood__lte=5,
                            residual_impact__gte=1, residual_impact__lte=5),
                name="quality_risk_ratings_in_scale",
                violation_error_message="Probabilité et impact se cotent de 1 à 5 au plus.",
            ),
            models.CheckConstraint(
                condition=Q(inherent_score=F("likelihood") * F("impact"))
                & Q(residual_score=F("residual_likelihood") * F("residual_impact")),
                name="quality_risk_scores_are_products",
                violation_error_message="La criticité est le produit de la probabilité par l'impact.",
            ),
            models.CheckConstraint(
                condition=Q(residual_score__lte=F("inherent_score")),
                name="quality_risk_residual_not_above_inherent",
                violation_error_message="La criticité résiduelle ne peut pas dépasser la criticité brute.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in RiskStatus]), name="quality_risk_status_valid",
                violation_error_message="Ce statut de risque n'existe pas.",
            ),
            models.CheckConstraint(
                condition=Q(category__in=[c.value for c in RiskCategory]), name="quality_risk_category_valid",
                violation_error_message="Cette nature de risque n'existe pas.",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["status", "review_on"], name="quality_risk_review_idx"),
            models.Index(fields=["-residual_score", "-inherent_score"], name="quality_risk_criticality_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def reference(self) -> str:
        return f"R-{self.pk:03d}" if self.pk else "R-(nouveau)"

    def compute_scores(self) -> None:
        self.inherent_score = (self.likelihood or 0) * (self.impact or 0)
        self.residual_score = (self.residual_likelihood or 0) * (self.residual_impact or 0)

    def clean(self) -> None:
        self.compute_scores()  # derived from the ratings before the constraints are checked

    def review_overdue(self, today) -> bool:
        return self.status == RiskStatus.ACTIVE and self.review_on < today


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "À faire"
    IN_PROGRESS = "in_progress", "En cours"
    DONE = "done", "Faite"
    CANCELLED = "cancelled", "Abandonnée"


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class TrackedAction(models.Model):
    """What every action of the app has (risk treatment, prevention, CAPA): a title, who, by when, where it stands,
    and the day it was done — a done action always has that day (named constraint)."""

    title = models.CharField("action", max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="responsable", on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField("échéance")
    status = models.CharField("état", max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    done_on = models.DateField("réalisée le", null=True, blank=True)
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)

    class Meta:
        abstract = True
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False), name="%(app_label)s_%(class)s_done_has_date",
                violation_error_message="Une action faite porte sa date de réalisation.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ActionStatus]), name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="Cet état d'action n'existe pas.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    def overdue(self, today) -> bool:
        return self.is_open and self.due_on < today


class RiskAction(TrackedAction):
    """A treatment action of a risk (reduce, transfer, avoid): who, by when, where it stands."""

    risk = models.ForeignKey(Risk, verbose_name="risque", on_delete=models.PROTECT, related_name="actions")

    class Meta(TrackedAction.Meta):
        verbose_name = "action de traitement"
        verbose_name_plural = "actions de traitement"
        indexes = [models.Index(fields=["status", "due_on"], name="quality_riskaction_due_idx")]


# --- DUERP (document unique d'évaluation des risques professionnels, Code du travail R4121-1 and following) ----


class WorkUnit(models.Model):
    """A work unit: a place or an activity whose workers share the same exposures."""

    name = models.CharField("unité de travail", max_length=150)
    description = models.TextField("lieu ou activité", blank=True)
    exposed = models.PositiveIntegerField("personnes exposées", default=0)
    is_active = models.BooleanField("en activité", default=True)
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "unité de travail"
        verbose_name_plural = "unités de travail"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class HazardFamily(models.TextChoices):
    FALL_HEIGHT = "fall_height", "Chutes de hauteur"
    FALL_LEVEL = "fall_level", "Chutes de plain-pied"
    MANUAL_HANDLING = "manual_handling", "Manutention manuelle et postures"
    MECHANICAL = "mechanical", "Machines et outils"
    CHEMICAL = "chemical", "Agents chimiques"
    BIOLOGICAL = "biological", "Agents biologiques"
    NOISE = "noise", "Bruit"
    VIBRATION = "vibration", "Vibrations"
    ELECTRICAL = "electrical", "Risque électrique"
    FIRE = "fire", "Incendie et explosion"
    THERMAL = "thermal", "Ambiances thermiques"
    LIGHTING = "lighting", "Éclairage"
    SCREENS = "screens", "Travail sur écran"
    ROAD = "road", "Risque routier"
    PSYCHOSOCIAL = "psychosocial", "Risques psychosociaux"
    LONE_WORK = "lone_work", "Travail isolé"
    OTHER = "other", "Autre"


# Frequency (exposure) and severity are rated 1–4; the priority follows their product (INRS ED 840 practice):
# 9 and more → priority 1 (act first), 4 to 8 → priority 2, up to 3 → priority 3.
FREQUENCY_LABELS = (
    "Rare (annuelle)",
    "Occasionnelle (mensuelle)",
    "Fréquente (hebdomadaire)",
    "Permanente (quotidienne)",
)
SEVERITY_LABELS = ("Faible (sans arrêt)", "Moyenne (avec arrêt)", "Grave (séquelles)", "Très grave (mortelle)")


def hazard_priority(frequency: int, severity: int) -> int:
    score = frequency * severity
    return 1 if score >= 9 else 2 if score >= 4 else 3


class Hazard(models.Model):
    """A hazard of a work unit, from the family list, with its assessment and existing prevention."""

    unit = models.ForeignKey(
        WorkUnit, verbose_name="unité de travail", on_delete=models.PROTECT, related_name="hazards"
    )
    family = models.CharField("famille de risque", max_length=20, choices=HazardFamily.choices)
    description = models.TextField("situation dangereuse")
    frequency = models.PositiveSmallIntegerField("fréquence d'exposition")
    severity = models.PositiveSmallIntegerField("gravité")
    priority = models.PositiveSmallIntegerField("priorité", editable=False)
    prevention = models.TextField("prévention existante", blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "risque professionnel"
        verbose_name_plural = "risques professionnels"
        ordering = ["priority", "family", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency__gte=1, frequency__lte=4, severity__gte=1, severity__lte=4),
                name="quality_hazard_ratings_in_scale",
                violation_error_message="Fréquence et gravité se cotent de 1 à 4.",
            ),
            models.CheckConstraint(
                condition=Q(priority__in=(1, 2, 3)), name="quality_hazard_priority_valid",
                violation_error_message="La priorité va de 1 à 3.",
            ),
            models.CheckConstraint(
                condition=Q(family__in=[f.value for f in HazardFamily]), name="quality_hazard_family_valid",
                violation_error_message="Cette famille de risque n'existe pas.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.get_family_display()} — {self.unit}"

    def clean(self) -> None:
        if self.frequency and self.severity:
            self.priority = hazard_priority(self.frequency, self.severity)


class PreventionAction(TrackedAction):
    """A prevention action of the action plan (PAPRIPACT from 50 employees): who, when, cost, status."""

    hazard = models.ForeignKey(Hazard, verbose_name="risque", on_delete=models.PROTECT, related_name="actions")
    title = models.CharField("action de prévention", max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="qui", on_delete=models.PROTECT, related_name="+")
    cost = MoneyField("coût estimé", default=0)

    class Meta(TrackedAction.Meta):
        verbose_name = "action de prévention"
        verbose_name_plural = "actions de prévention"
        constraints = [
            *TrackedAction.Meta.constraints,
            models.CheckConstraint(
                condition=Q(cost__gte=0), name="quality_preventionaction_cost_positive",
                violation_error_message="Le coût d'une action ne peut pas être négatif.",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["status", "due_on"], name="quality_prevention_due_idx")]


class DuerpVersion(models.Model):
    """A published version of the DUERP: the whole document frozen at validation (its content as JSON, who
    validated it and when), never changed nor deleted afterwards — the service has no verb for it and database
    triggers refuse UPDATE, DELETE and TRUNCATE (triggers.py). Each version is kept at least 40 years from its
    making (Code du travail L4121-3-1 V and R4121-4, since 31 March 2022)."""

    number = models.PositiveIntegerField("version", unique=True)
    published_on = models.DateField("validée le")
    published_at = models.DateTimeField("enregistrée le", default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="validée par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    published_by_name = models.CharField("validée par (nom)", max_length=200)
    headcount = models.PositiveIntegerField("effectif")
    note = models.TextField("motif de la mise à jour", blank=True)
    content = models.JSONField("contenu")
    changes = models.JSONField("changements depuis la version précédente", default=list)
    digest = models.CharField("empreinte SHA-256", max_length=64)

    class Meta:
        verbose_name = "version du DUERP"
        verbose_name_plural = "versions du DUERP"
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"DUERP version {self.number} du {self.published_on:%d/%m/%Y}"

    @property
    def keep_until(self):
        """The end of the 40-year retention (R4121-4): the version stays after it too; nothing deletes it."""
        from pilote.lib.dates import add_months

        return add_months(self.published_on, 12 * 40)


# --- Non-conformities and corrective / preventive actions (CAPA) -------------------------------------------


class NcOrigin(models.TextChoices):
    COMPLAINT = "complaint", "Réclamation client"
    SUPPLIER = "supplier", "Réception fournisseur"
    AUDIT = "audit", "Audit"
    INTERNAL = "internal", "Constat interne"
    ADVERSE_EVENT = "adverse_event", "Événement indésirable"


class NcSeverity(models.TextChoices):
    MINOR = "minor", "Mineure"
    MAJOR = "major", "Majeure"
    CRITICAL = "critical", "Critique"


class NcStatus(models.TextChoices):
    """The PDCA loop: plan (analyse the cause, plan the actions), do (actions), check (effectiveness), act
    (closed: the fix is standard practice)."""

    OPEN = "open", "Analyse (Plan)"
    ACTING = "acting", "Actions en cours (Do)"
    CHECKING = "checking", "Vérification de l'efficacité (Check)"
    CLOSED = "closed", "Close (Act)"


class Ishikawa(models.TextChoices):
    METHOD = "method", "Méthodes"
    MATERIAL = "material", "Matières"
    MACHINE = "machine", "Machines"
    MANPOWER = "manpower", "Main-d'œuvre"
    ENVIRONMENT = "environment", "Milieu"
    MEASUREMENT = "measurement", "Mesure"


class NonConformity(models.Model):
    """A non-conformity: what went wrong, its immediate fix, its root cause (5 whys, Ishikawa category), the
    corrective and preventive actions, and the effectiveness check that closes it."""

    title = models.CharField("intitulé", max_length=200)
    origin = models.CharField("origine", max_length=15, choices=NcOrigin.choices)
    complaint = models.ForeignKey(
        "complaints.Complaint", verbose_name="réclamation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    audit_item = models.ForeignKey(
        "quality.AuditItem", verbose_name="constat d'audit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="nonconformities",
    )  # fmt: skip
    detected_on = models.DateField("constatée le")
    description = models.TextField("description")
    severity = models.CharField("gravité", max_length=10, choices=NcSeverity.choices, default=NcSeverity.MINOR)
    immediate_action = models.TextField("action immédiate (curative)", blank=True)
    whys = models.JSONField("5 pourquoi", default=list, blank=True)
    ishikawa = models.CharField("catégorie de cause (5M)", max_length=15, choices=Ishikawa.choices, blank=True)
    root_cause = models.TextField("cause racine", blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="pilote", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("étape", max_length=10, choices=NcStatus.choices, default=NcStatus.OPEN)
    effectiveness = models.TextField("vérification de l'efficacité", blank=True)
    checked_on = models.DateField("vérifiée le", null=True, blank=True)
    closed_on = models.DateField("close le", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "non-conformité"
        verbose_name_plural = "non-conformités"
        ordering = ["-detected_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(origin="complaint") | Q(complaint__isnull=False),
                name="quality_nonconformity_complaint_linked",
                violation_error_message="Une non-conformité issue d'une réclamation est reliée à cette réclamation.",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_on__isnull=False) & ~Q(effectiveness="")),
                name="quality_nonconformity_closed_checked",
                violation_error_message="Une non-conformité close porte la vérification de son efficacité et sa date.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in NcStatus]), name="quality_nonconformity_status_valid",
                violation_error_message="Cette étape n'existe pas.",
            ),
            models.CheckConstraint(
                condition=Q(origin__in=[o.value for o in NcOrigin]), name="quality_nonconformity_origin_valid",
                violation_error_message="Cette origine n'existe pas.",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["status", "-detected_on"], name="quality_nc_status_idx"),
            models.Index(fields=["complaint"], name="quality_nc_complaint_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    STEPS = NcStatus.choices  # the PDCA steps, in order, for the page's step bar

    @property
    def reference(self) -> str:
        return f"NC-{self.pk:04d}" if self.pk else "NC-(nouvelle)"


class CapaKind(models.TextChoices):
    CORRECTIVE = "corrective", "Corrective"
    PREVENTIVE = "preventive", "Préventive"


class CapaAction(TrackedAction):
    """A corrective (removes the cause of this non-conformity) or preventive (stops a like one elsewhere) action."""

    nonconformity = models.ForeignKey(
        NonConformity, verbose_name="non-conformité", on_delete=models.PROTECT, related_name="actions"
    )
    kind = models.CharField("type", max_length=12, choices=CapaKind.choices, default=CapaKind.CORRECTIVE)

    class Meta(TrackedAction.Meta):
        verbose_name = "action corrective ou préventive"
        verbose_name_plural = "actions correctives et préventives"
        indexes = [models.Index(fields=["status", "due_on"], name="quality_capa_due_idx")]


# --- Procedures and instructions (documented, versioned, read and acknowledged) ------------------------------


class ProcedureKind(models.TextChoices):
    PROCEDURE = "procedure", "Procédure"
    INSTRUCTION = "instruction", "Instruction de travail"
    FORM = "form", "Mode opératoire"


class Procedure(models.Model):
    """A documented procedure or work instruction: who approves its versions (a named role), who must read them
    (roles, or chosen people), and its versions, one in force at a time."""

    code = models.CharField("code", max_length=20, unique=True)
    title = models.CharField("intitulé", max_length=200)
    kind = models.CharField("type", max_length=12, choices=ProcedureKind.choices, default=ProcedureKind.PROCEDURE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="rédacteur", on_delete=models.PROTECT, related_name="+"
    )
    approver_role = models.CharField("approuvée par (rôle)", max_length=20)
    reader_roles = models.JSONField("rôles qui doivent la lire", default=list, blank=True)
    readers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="personnes qui doivent la lire", blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "procédure"
        verbose_name_plural = "procédures"
        ordering = ["code", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in ProcedureKind]), name="quality_procedure_kind_valid",
                violation_error_message="Ce type de document n'existe pas.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class ProcedureStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    APPROVED = "approved", "Approuvée"
    IN_FORCE = "in_force", "En vigueur"
    SUPERSEDED = "superseded", "Remplacée"


class ProcedureVersion(models.Model):
    """A version of a procedure: written as a draft, approved by the procedure's approving role, then in force —
    from then on frozen (its text, its approval, its date; only its passing to « remplacée » when the next one
    comes into force): the service has no verb for it and database triggers refuse it (triggers.py)."""

    procedure = models.ForeignKey(
        Procedure, verbose_name="procédure", on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField("version")
    body = models.TextField("contenu")
    change_note = models.CharField("objet de la révision", max_length=300, blank=True)
    status = models.CharField("statut", max_length=12, choices=ProcedureStatus.choices, default=ProcedureStatus.DRAFT)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="approuvée par", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    approved_by_name = models.CharField("approuvée par (nom et rôle)", max_length=200, blank=True)
    approved_on = models.DateField("approuvée le", null=True, blank=True)
    in_force_on = models.DateField("en vigueur le", null=True, blank=True)
    superseded_on = models.DateField("remplacée le", null=True, blank=True)
    digest = models.CharField("empreinte SHA-256", max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "version de procédure"
        verbose_name_plural = "versions de procédure"
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="quality_procedureversion_number_unique",
                violation_error_message="Ce numéro de version existe déjà pour cette procédure.",
            ),
            models.UniqueConstraint(
                fields=["procedure"], condition=Q(status="in_force"), name="quality_procedureversion_one_in_force",
                violation_error_message="Une seule version d'une procédure est en vigueur à la fois.",
            ),
            models.UniqueConstraint(
                fields=["procedure"], condition=Q(status__in=["draft", "approved"]),
                name="quality_procedureversion_one_pending",
                violation_error_message="Une procédure n'a qu'une version en préparation à la fois.",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (~Q(approved_by_name="") & Q(approved_on__isnull=False)),
                name="quality_procedureversion_approved_named",
                violation_error_message="Une version approuvée porte le nom de qui l'a approuvée et la date.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["in_force", "superseded"]) | Q(in_force_on__isnull=False),
                name="quality_procedureversion_in_force_dated",
                violation_error_message="Une version en vigueur porte sa date d'entrée en vigueur.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ProcedureStatus]),
                name="quality_procedureversion_status_valid",
                violation_error_message="Ce statut de version n'existe pas.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.procedure.code} version {self.number}"


class ProcedureLog(models.Model):
    """The approval log of a procedure: each step of each version, who took it and when."""

    version = models.ForeignKey(ProcedureVersion, verbose_name="version", on_delete=models.PROTECT, related_name="log")
    step = models.CharField("étape", max_length=200)
    actor_name = models.CharField("par", max_length=200)
    comment = models.TextField("commentaire", blank=True)
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "étape d'approbation"
        verbose_name_plural = "journal d'approbation"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.step} — {self.actor_name}"


class ProcedureAcknowledgement(models.Model):
    """A read receipt: this person read and understood this version in force."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name="version", on_delete=models.PROTECT, related_name="acknowledgements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="lue par", on_delete=models.PROTECT,
                             related_name="+")  # fmt: skip
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "accusé de lecture"
        verbose_name_plural = "accusés de lecture"
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "user"], name="quality_procedureack_once",
                violation_error_message="Cette personne a déjà attesté avoir lu cette version.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.version} lue par {self.user}"


# --- Audits ------------------------------------------------------------------------------------------------


class AuditKind(models.TextChoices):
    INTERNAL = "internal", "Audit interne"
    SUPPLIER = "supplier", "Audit fournisseur"
    EXTERNAL = "external", "Audit externe ou évaluation"


class AuditStatus(models.TextChoices):
    PLANNED = "planned", "Planifié"
    IN_PROGRESS = "in_progress", "En cours"
    DONE = "done", "Réalisé"
    CANCELLED = "cancelled", "Annulé"


class Audit(models.Model):
    """An audit of the programme: planned in a year, run against its checklist, its findings recorded, closed
    with its conclusion; its report is a PDF."""

    title = models.CharField("intitulé", max_length=200)
    kind = models.CharField("type", max_length=10, choices=AuditKind.choices, default=AuditKind.INTERNAL)
    scope = models.TextField("périmètre et référentiel")
    planned_on = models.DateField("prévu le")
    performed_on = models.DateField("réalisé le", null=True, blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auditeur responsable", on_delete=models.PROTECT, related_name="+"
    )
    auditees = models.CharField("audités", max_length=300, blank=True)
    status = models.CharField("statut", max_length=12, choices=AuditStatus.choices, default=AuditStatus.PLANNED)
    conclusion = models.TextField("conclusion", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "audit"
        verbose_name_plural = "audits"
        ordering = ["-planned_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in AuditStatus]), name="quality_audit_status_valid",
                violation_error_message="Ce statut d'audit n'existe pas.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in AuditKind]), name="quality_audit_kind_valid",
                violation_error_message="Ce type d'audit n'existe pas.",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | (Q(performed_on__isnull=False) & ~Q(conclusion="")),
                name="quality_audit_done_concluded",
                violation_error_message="Un audit réalisé porte sa date et sa conclusion.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def reference(self) -> str:
        return f"AUD-{self.pk:03d}" if self.pk else "AUD-(nouveau)"


class FindingResult(models.TextChoices):
    CONFORM = "conform", "Conforme"
    OBSERVATION = "observation", "Observation"
    MINOR = "minor", "Non-conformité mineure"
    MAJOR = "major", "Non-conformité majeure"


NC_FINDINGS = (FindingResult.MINOR, FindingResult.MAJOR)


class AuditItem(models.Model):
    """A question of an audit's checklist with the evidence expected, and, once audited, its finding."""

    audit = models.ForeignKey(Audit, verbose_name="audit", on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField("ordre", default=0)
    question = models.CharField("question", max_length=500)
    expected_evidence = models.CharField("preuve attendue", max_length=500, blank=True)
    result = models.CharField("constat", max_length=12, choices=FindingResult.choices, blank=True)
    comment = models.TextField("preuves vues et commentaire", blank=True)

    class Meta:
        verbose_name = "question d'audit"
        verbose_name_plural = "questions d'audit"
        ordering = ["audit", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result="") | Q(result__in=[r.value for r in FindingResult]),
                name="quality_audititem_result_valid", violation_error_message="Ce constat n'existe pas.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.question


# --- Satisfaction surveys ------------------------------------------------------------------------------------


class SurveyAudience(models.TextChoices):
    CUSTOMERS = "customers", "Clients"
    USERS = "users", "Usagers et personnes accompagnées"
    STAFF = "staff", "Salariés"


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "En préparation"
    OPEN = "open", "Ouverte"
    CLOSED = "closed", "Close"


class Survey(models.Model):
    """A satisfaction questionnaire: built while in preparation, then open to answers through one tokened link
    per respondent (no account needed), then closed."""

    title = models.CharField("intitulé", max_length=200)
    intro = models.TextField("texte d'accueil", blank=True)
    audience = models.CharField("public", max_length=10, choices=SurveyAudience.choices,
                                default=SurveyAudience.CUSTOMERS)  # fmt: skip
    status = models.CharField("statut", max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    opened_on = models.DateField("ouverte le", null=True, blank=True)
    closed_on = models.DateField("close le", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "enquête de satisfaction"
        verbose_name_plural = "enquêtes de satisfaction"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in SurveyStatus]), name="quality_survey_status_valid",
                violation_error_message="Ce statut d'enquête n'existe pas.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SCALE5 = "scale5", "Échelle de 1 à 5"
    SCALE10 = "scale10", "Échelle de 1 à 10"
    SINGLE = "single", "Choix unique"
    MULTIPLE = "multiple", "Choix multiples"
    TEXT = "text", "Texte libre"
    NPS = "nps", "Recommandation (NPS, 0 à 10)"


SCALES = {QuestionKind.SCALE5: (1, 5), QuestionKind.SCALE10: (1, 10), QuestionKind.NPS: (0, 10)}


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, verbose_name="enquête", on_delete=models.PROTECT, related_name="questions")
    position = models.PositiveSmallIntegerField("ordre", default=0)
    text = models.CharField("question", max_length=300)
    kind = models.CharField("type", max_length=10, choices=QuestionKind.choices)
    choices = models.JSONField("choix proposés", default=list, blank=True)
    required = models.BooleanField("réponse obligatoire", default=True)

    class Meta:
        verbose_name = "question d'enquête"
        verbose_name_plural = "questions d'enquête"
        ordering = ["survey", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in QuestionKind]), name="quality_surveyquestion_kind_valid",
                violation_error_message="Ce type de question n'existe pas.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.text


class SurveyInvitation(models.Model):
    """One respondent's link: only the SHA-256 of its token is kept (the link is sent once); one answer per
    link (answered_at, and the response's unique invitation)."""

    survey = models.ForeignKey(Survey, verbose_name="enquête", on_delete=models.PROTECT, related_name="invitations")
    contact = models.ForeignKey(
        "contacts.Contact", verbose_name="contact", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    label = models.CharField("destinataire", max_length=200)
    email = models.EmailField("e-mail", blank=True)
    token_digest = models.CharField("empreinte du jeton", max_length=64, unique=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    answered_at = models.DateTimeField("répondu le", null=True, blank=True)
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "invitation à une enquête"
        verbose_name_plural = "invitations aux enquêtes"
        ordering = ["survey", "id"]

    def __str__(self) -> str:
        return f"{self.survey} — {self.label}"


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, verbose_name="enquête", on_delete=models.PROTECT, related_name="responses")
    invitation = models.OneToOneField(
        SurveyInvitation, verbose_name="invitation", on_delete=models.PROTECT, related_name="response"
    )
    submitted_at = models.DateTimeField("reçue le", default=timezone.now)

    class Meta:
        verbose_name = "réponse à une enquête"
        verbose_name_plural = "réponses aux enquêtes"
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"Réponse du {timezone.localtime(self.submitted_at):%d/%m/%Y}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, verbose_name="réponse", on_delete=models.PROTECT,
                                 related_name="answers")  # fmt: skip
    question = models.ForeignKey(SurveyQuestion, verbose_name="question", on_delete=models.PROTECT,
                                 related_name="answers")  # fmt: skip
    number = models.SmallIntegerField("note", null=True, blank=True)
    selected = models.JSONField("choix", default=list, blank=True)
    text = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "réponse à une question"
        verbose_name_plural = "réponses aux questions"
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="quality_surveyanswer_once",
                violation_error_message="Une seule réponse par question.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.question} : {self.number if self.number is not None else self.text or ', '.join(self.selected)}"


# --- Adverse events (social and medico-social establishments, CASF L331-8-1) ---------------------------------


class EventKind(models.TextChoices):
    FALL = "fall", "Chute"
    MEDICATION = "medication", "Erreur ou incident médicamenteux"
    DISAPPEARANCE = "disappearance", "Fugue ou disparition"
    VIOLENCE = "violence", "Violence, maltraitance"
    AGGRESSION = "aggression", "Agression entre personnes accompagnées"
    CARE = "care", "Défaut de prise en charge ou d'accompagnement"
    PROPERTY = "property", "Atteinte aux biens, vol"
    SAFETY = "safety", "Incendie, sécurité des locaux"
    OTHER = "other", "Autre"


class EventAuthority(models.TextChoices):
    ARS = "ars", "Agence régionale de santé (ARS)"
    DEPARTMENT = "department", "Conseil départemental"
    BOTH = "both", "ARS et conseil départemental"


class EventStatus(models.TextChoices):
    DECLARED = "declared", "Déclaré"
    ANALYSED = "analysed", "Analysé"
    CLOSED = "closed", "Clos"


class AdverseEvent(models.Model):
    """An adverse event concerning the people supported: the facts (who, where, when — initials, no health data
    beyond what the facts need), the immediate measures, whether it is serious (EIG) and must be reported to the
    authority (CASF L331-8-1, « sans délai »), when it was, the analysis and the non-conformity it opened."""

    occurred_on = models.DateField("survenu le")
    place = models.CharField("lieu", max_length=200)
    kind = models.CharField("nature", max_length=15, choices=EventKind.choices)
    facts = models.TextField("faits")
    people_supported = models.CharField(
        "personnes accompagnées concernées", max_length=300, blank=True,
        help_text="Initiales ou numéro de dossier ; aucune donnée de santé au-delà du nécessaire.",
    )  # fmt: skip
    people_involved = models.CharField("autres personnes impliquées", max_length=300, blank=True)
    immediate_measures = models.TextField("mesures immédiates")
    serious = models.BooleanField("événement indésirable grave (EIG)", default=False)
    must_report = models.BooleanField("à signaler à l'autorité", default=False)
    authority = models.CharField("autorité", max_length=12, choices=EventAuthority.choices, blank=True)
    reported_on = models.DateField("signalé le", null=True, blank=True)
    analysis = models.TextField("analyse des causes", blank=True)
    status = models.CharField("statut", max_length=10, choices=EventStatus.choices, default=EventStatus.DECLARED)
    nonconformity = models.OneToOneField(
        NonConformity, verbose_name="non-conformité", on_delete=models.PROTECT, null=True, blank=True,
        related_name="adverse_event",
    )  # fmt: skip
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="déclaré par", on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    declared_at = models.DateTimeField("déclaré le", default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "événement indésirable"
        verbose_name_plural = "événements indésirables"
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_on__isnull=True) | (Q(must_report=True) & ~Q(authority="")),
                name="quality_adverseevent_report_consistent",
                violation_error_message="Un signalement porte son autorité et concerne un événement à signaler.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in EventKind]), name="quality_adverseevent_kind_valid",
                violation_error_message="Cette nature d'événement n'existe pas.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in EventStatus]), name="quality_adverseevent_status_valid",
                violation_error_message="Ce statut d'événement n'existe pas.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.reference} — {self.get_kind_display()}"

    @property
    def reference(self) -> str:
        return f"EI-{self.pk:04d}" if self.pk else "EI-(nouveau)"

    @property
    def report_pending(self) -> bool:
        return self.must_report and self.reported_on is None


# --- Monitoring (veille): RSS/Atom sources and their items ---------------------------------------------------


class WatchCategory(models.TextChoices):
    LEGAL = "legal", "Juridique et réglementaire"
    SECTOR = "sector", "Secteur et marché"
    COMPETITORS = "competitors", "Concurrents"
    TENDERS = "tenders", "Appels d'offres"


class WatchSource(models.Model):
    """An RSS or Atom feed watched: fetched daily in the background (never during a page), its items kept when
    they match its keywords; a broken, huge or slow feed is reported here and skipped."""

    name = models.CharField("nom", max_length=150)
    url = models.CharField("adresse du flux", max_length=500)
    category = models.CharField("thème", max_length=12, choices=WatchCategory.choices, default=WatchCategory.LEGAL)
    keywords = models.CharField("mots-clés", max_length=500, blank=True,
                                help_text="Séparés par des virgules ; vide : tous les articles.")  # fmt: skip
    is_active = models.BooleanField("relevé chaque jour", default=True)
    last_fetched_at = models.DateTimeField("dernier relevé", null=True, blank=True)
    last_error = models.CharField("dernière erreur", max_length=500, blank=True)
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "source de veille"
        verbose_name_plural = "sources de veille"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]


class WatchStatus(models.TextChoices):
    TO_READ = "to_read", "À lire"
    RELEVANT = "relevant", "Pertinent"
    NOT_RELEVANT = "not_relevant", "Non pertinent"
    ARCHIVED = "archived", "Archivé"


class WatchItem(models.Model):
    source = models.ForeignKey(WatchSource, verbose_name="source", on_delete=models.PROTECT, related_name="items")
    guid = models.CharField("identifiant", max_length=500)
    title = models.CharField("titre", max_length=500)
    link = models.URLField("lien", max_length=1000, blank=True)
    summary = models.TextField("résumé", blank=True)
    published_at = models.DateTimeField("publié le", null=True, blank=True)
    fetched_at = models.DateTimeField("relevé le", default=timezone.now)
    matched = models.JSONField("mots-clés trouvés", default=list, blank=True)
    status = models.CharField("tri", max_length=12, choices=WatchStatus.choices, default=WatchStatus.TO_READ)
    note = models.TextField("annotation", blank=True)
    shared_roles = models.JSONField("partagé avec", default=list, blank=True)
    risk = models.ForeignKey(Risk, verbose_name="risque", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")  # fmt: skip
    nonconformity = models.ForeignKey(NonConformity, verbose_name="non-conformité", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+")  # fmt: skip

    class Meta:
        verbose_name = "article de veille"
        verbose_name_plural = "articles de veille"
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "guid"], name="quality_watchitem_once",
                violation_error_message="Cet article a déjà été relevé.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in WatchStatus]), name="quality_watchitem_status_valid",
                violation_error_message="Ce tri n'existe pas.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title
