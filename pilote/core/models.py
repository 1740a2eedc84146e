from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pilote.core.roles import Role
from pilote.lib.fields import (
    BicField,
    FrenchDecimalField,
    IbanField,
    SirenField,
    SiretField,
    VatNumberField,
    WebsiteField,
)


class PiloteUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.DIRECTION)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. What they may see and do follows from their role (core.permissions)."""

    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.SALARIE)
    job_title = models.CharField("fonction", max_length=120, blank=True)

    objects = PiloteUserManager()

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=Role.values),
                name="core_user_role_valid",
                violation_error_message="Ce rôle n'existe pas.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def can(self, perm: str) -> bool:
        from pilote.core.permissions import user_can

        return user_can(self, perm)


class StructureType(models.TextChoices):
    COMPANY = "company", "Entreprise"
    ASSOCIATION = "association", "Association ou coopérative"
    SOCIAL = "social", "Établissement social ou médico-social"


class LegalForm(models.TextChoices):
    EI = "EI", "Entreprise individuelle (EI)"
    EURL = "EURL", "EURL"
    SARL = "SARL", "SARL"
    SAS = "SAS", "SAS"
    SASU = "SASU", "SASU"
    SA = "SA", "SA"
    SNC = "SNC", "SNC"
    SCOP = "SCOP", "SCOP"
    SCIC = "SCIC", "SCIC"
    ASSOCIATION = "ASSO", "Association loi 1901"
    FOUNDATION = "FOND", "Fondation"
    MUTUAL = "MUT", "Mutuelle"
    PUBLIC = "EPA", "Établissement public"
    OTHER = "AUTRE", "Autre"


class VatRegime(models.TextChoices):
    """Whether and when the structure charges VAT; core.vat_policy says what each one offers."""

    DEBITS = "debits", "Assujettie : TVA sur les débits"
    RECEIPTS = "encaissements", "Assujettie : TVA sur les encaissements"
    FRANCHISE = "franchise", "Franchise en base de TVA (art. 293 B du CGI)"
    NOT_LIABLE = "non_assujettie", "Non assujettie à la TVA (association à activité non lucrative)"


class Structure(models.Model):
    """The organisation this installation manages: one row, id 1."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    type = models.CharField("type de structure", max_length=20, choices=StructureType.choices)
    legal_name = models.CharField("raison sociale", max_length=200)
    trade_name = models.CharField("nom commercial", max_length=200, blank=True)
    legal_form = models.CharField("forme juridique", max_length=10, choices=LegalForm.choices, blank=True)
    siren = SirenField("SIREN")
    siret = SiretField("SIRET du siège", blank=True)
    vat_number = VatNumberField("n° de TVA intracommunautaire", blank=True)
    rcs_city = models.CharField("ville du RCS", max_length=100, blank=True)
    rna_number = models.CharField("n° RNA", max_length=10, blank=True)
    finess = models.CharField("n° FINESS", max_length=9, blank=True)
    share_capital = FrenchDecimalField(
        "capital social (€)", max_digits=15, decimal_places=2, min_places=2, null=True, blank=True
    )
    naf_code = models.CharField("code NAF/APE", max_length=6, blank=True)
    address_line1 = models.CharField("adresse", max_length=200, blank=True)
    address_line2 = models.CharField("complément d'adresse", max_length=200, blank=True)
    postal_code = models.CharField("code postal", max_length=10, blank=True)
    city = models.CharField("ville", max_length=100, blank=True)
    country = models.CharField("pays", max_length=2, default="FR")
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    website = WebsiteField("site web", blank=True)
    iban = IbanField("IBAN", blank=True)
    bic = BicField("BIC", blank=True)
    fiscal_year_start = models.DateField("début du premier exercice")
    fiscal_year_end = models.DateField("fin du premier exercice")
    vat_regime = models.CharField("régime de TVA", max_length=20, choices=VatRegime.choices, default=VatRegime.DEBITS)
    logo = models.ImageField("logo", upload_to="structure/", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking of edits
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        constraints = [
            models.CheckConstraint(
                condition=Q(id=1),
                name="core_structure_singleton",
                violation_error_message="Pilote gère une seule structure : elle existe déjà.",
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year_end__gt=models.F("fiscal_year_start")),
                name="core_structure_fiscal_year_order",
                violation_error_message="La fin de l'exercice doit suivre son début.",
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name

    def clean(self) -> None:
        """Normalise identifiers and check the rules that span fields; errors are keyed by field."""
        from pilote.core.structure_rules import clean_structure

        clean_structure(self)

    @property
    def display_name(self) -> str:
        return self.trade_name or self.legal_name

    @property
    def is_association(self) -> bool:
        return self.type == StructureType.ASSOCIATION

    @property
    def address_lines(self) -> list[str]:
        return [
            line for line in (self.address_line1, self.address_line2, f"{self.postal_code} {self.city}".strip()) if line
        ]


class AuditEvent(models.Model):
    """One business write: who, when, what, before and after. Written by services, never edited."""

    at = models.DateTimeField("date", default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, verbose_name="auteur", null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField("auteur", max_length=150, blank=True)
    action = models.CharField("action", max_length=80, db_index=True)
    object_type = models.CharField("type d'objet", max_length=80, blank=True)
    object_id = models.CharField("identifiant", max_length=64, blank=True)
    object_repr = models.CharField("objet", max_length=200, blank=True)
    before = models.JSONField("avant", null=True, blank=True)
    after = models.JSONField("après", null=True, blank=True)

    class Meta:
        verbose_name = "événement d'audit"
        verbose_name_plural = "événements d'audit"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.action_label} le {timezone.localtime(self.at):%d/%m/%Y à %H:%M} par {self.actor_label}"

    @property
    def changes(self) -> list[tuple[str, str, str]]:
        """The changed fields with their French names and values as users read them."""
        from pilote.core.audit import describe_changes

        return describe_changes(self)

    @property
    def action_label(self) -> str:
        from pilote.core.audit_labels import action_label

        return action_label(self.action)

    @property
    def actor_name(self) -> str:
        """The author as people know them: full name when the user still exists, else the stored login."""
        if self.actor_id and self.actor:
            return self.actor.get_full_name() or self.actor.username
        return self.actor_label

    @property
    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class ApiToken(models.Model):
    """A personal API token: it acts with its user's role. Only a SHA-256 hash of the key is stored."""

    user = models.ForeignKey(User, verbose_name="utilisateur", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("nom", max_length=100)
    prefix = models.CharField("début de la clé", max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    # Marked at most once an hour (core.tokens.user_for_key), shown by day: no write per request.
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    expires_at = models.DateTimeField("expire le")
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class ScheduledRun(models.Model):
    """One run of a periodic schedule (core.schedule) for one due time: unique, so that however many
    schedulers run, each due time starts one job."""

    name = models.CharField("traitement planifié", max_length=60)
    due_at = models.DateTimeField("prévu le")
    job = models.ForeignKey("Job", verbose_name="traitement", null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField("lancé le", default=timezone.now)

    class Meta:
        verbose_name = "exécution planifiée"
        verbose_name_plural = "exécutions planifiées"
        constraints = [
            models.UniqueConstraint(
                fields=["name", "due_at"],
                name="core_scheduledrun_once_per_due_time",
                violation_error_message="Ce traitement planifié a déjà été lancé pour cette échéance.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {timezone.localtime(self.due_at):%d/%m/%Y %H:%M}"


class RateLimitHit(models.Model):
    """One counted request of a throttled action (core.throttle): the scope (« password_reset.email ») and a
    SHA-256 of what is counted (an address, an IP), never the value itself. Rows older than the window are
    deleted as new ones arrive."""

    scope = models.CharField("action", max_length=50)
    key = models.CharField("clé", max_length=64)
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "demande comptée"
        verbose_name_plural = "demandes comptées"
        indexes = [models.Index(fields=["scope", "key", "at"], name="core_ratelimit_scope_key_at")]

    def __str__(self) -> str:
        return f"{self.scope} {self.at:%d/%m/%Y %H:%M}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "en attente"
    RUNNING = "running", "en cours"
    DONE = "done", "terminé"
    FAILED = "failed", "échoué"


class Job(models.Model):
    """A long piece of work started from a page (a FEC import…) and run in the background (core.jobs):
    the page polls its progress and shows its result. `kind` names the work (« ledger.fec_import »),
    `step` where it is for works of several steps, `payload` what the work needs and what it found."""

    kind = models.CharField("nature", max_length=50)
    step = models.CharField("étape", max_length=30, blank=True)
    status = models.CharField("état", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    created_by = models.ForeignKey(User, verbose_name="lancé par", null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    done = models.PositiveIntegerField("fait", default=0)
    total = models.PositiveIntegerField("à faire", default=0)
    message = models.TextField("résultat", blank=True)
    payload = models.JSONField("données", default=dict, blank=True)

    class Meta:
        verbose_name = "traitement"
        verbose_name_plural = "traitements"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "-created_at"], name="core_job_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values),
                name="core_job_status_valid",
                violation_error_message="Cet état de tâche de fond n'existe pas.",
            ),
        ]

    def __str__(self) -> str:
        return f"Traitement n° {self.pk} ({self.get_status_display()})"
