"""Employees and the registre unique du personnel (Code du travail L1221-13, D1221-23).

`Employee` is the current file of a person (editable, versioned). `RegisterEntry` is the register itself:
lines only ever added — one when the person is hired, one for each correction of a legal mention (dated,
with its reason), one at departure. No line is updated or deleted: the service never does it and database
triggers (hr/triggers.py) refuse it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from pilote.lib.fields import FrenchDecimalField


class Sex(models.TextChoices):
    FEMALE = "F", "Femme"
    MALE = "M", "Homme"


class CseCategory(models.TextChoices):
    """The categories that make up the CSE electoral colleges (L2314-11)."""

    WORKER = "ouvrier_employe", "Ouvrier / employé"
    SUPERVISOR = "technicien_am", "Technicien / agent de maîtrise"
    EXECUTIVE = "cadre", "Cadre / ingénieur"


class ContractType(models.TextChoices):
    CDI = "cdi", "CDI"
    CDD = "cdd", "CDD"
    APPRENTICESHIP = "apprentissage", "Contrat d'apprentissage"
    PROFESSIONALISATION = "professionnalisation", "Contrat de professionnalisation"
    TEMPORARY = "interim", "Salarié temporaire (intérim)"
    INTERNSHIP = "stage", "Stagiaire (convention de stage)"


# Trainees are not employees: the register keeps them in their own section (D1221-23-1).
TRAINEE_TYPES = (ContractType.INTERNSHIP,)


class Employee(models.Model):
    """A person who works or worked for the structure. Personal data (social security number, birth date,
    address, emergency contact, work permit) is read only by rh and direction, and by the person."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="compte Pilote",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
    )
    register_number = models.PositiveIntegerField("n° d'ordre au registre", unique=True, editable=False)
    last_name = models.CharField("nom", max_length=100)
    birth_name = models.CharField("nom de naissance", max_length=100, blank=True)
    first_names = models.CharField("prénoms", max_length=150)
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("date de naissance")
    birth_place = models.CharField("lieu de naissance", max_length=100, blank=True)
    nationality = models.CharField("nationalité", max_length=60, default="Française")
    nir = models.CharField("n° de sécurité sociale", max_length=15, blank=True)
    address = models.CharField("adresse", max_length=200, blank=True)
    postal_code = models.CharField("code postal", max_length=10, blank=True)
    city = models.CharField("ville", max_length=100, blank=True)
    email = models.EmailField("e-mail personnel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    emergency_contact = models.CharField("personne à prévenir", max_length=150, blank=True)
    emergency_phone = models.CharField("téléphone de la personne à prévenir", max_length=30, blank=True)
    job = models.CharField("emploi", max_length=120)
    qualification = models.CharField("qualification", max_length=120, blank=True)
    cse_category = models.CharField(
        "catégorie (collèges CSE)", max_length=20, choices=CseCategory.choices, default=CseCategory.WORKER
    )
    establishment = models.CharField("établissement", max_length=120, default="Siège")
    manager = models.ForeignKey(
        "self", verbose_name="responsable", on_delete=models.SET_NULL, null=True, blank=True, related_name="team"
    )
    contract_type = models.CharField("contrat", max_length=25, choices=ContractType.choices, default=ContractType.CDI)
    part_time = models.BooleanField("temps partiel", default=False)
    weekly_hours = FrenchDecimalField("heures par semaine", max_digits=4, decimal_places=2, default=35)
    entry_date = models.DateField("date d'entrée")
    exit_date = models.DateField("date de sortie", null=True, blank=True)
    exit_reason = models.CharField("motif de sortie", max_length=120, blank=True)
    hiring_authorisation_date = models.DateField("date d'autorisation d'embauche", null=True, blank=True)
    needs_work_permit = models.BooleanField(
        "soumis à autorisation de travail",
        default=False,
        help_text="Ressortissant d'un pays hors Union européenne, Espace économique européen et Suisse.",
    )
    work_permit_type = models.CharField("titre de travail (type)", max_length=120, blank=True)
    work_permit_number = models.CharField("titre de travail (n°)", max_length=40, blank=True)
    work_permit_expires = models.DateField("titre de travail valable jusqu'au", null=True, blank=True)
    temp_agency = models.CharField("entreprise de travail temporaire (nom et adresse)", max_length=250, blank=True)
    tutor = models.CharField("tuteur (stagiaire)", max_length=150, blank=True)
    internship_place = models.CharField("lieu du stage", max_length=150, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "salarié"
        verbose_name_plural = "salariés"
        ordering = ["last_name", "first_names", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True) | Q(exit_date__gte=F("entry_date")),
                name="hr_employee_exit_after_entry",
                violation_error_message="La date de sortie ne peut pas précéder la date d'entrée.",
            ),
            models.UniqueConstraint(
                fields=["nir"],
                condition=~Q(nir=""),
                name="hr_employee_nir_unique",
                violation_error_message="Un autre salarié porte déjà ce numéro de sécurité sociale.",
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__gt=0) & Q(weekly_hours__lte=48),
                name="hr_employee_weekly_hours_range",
                violation_error_message="La durée hebdomadaire doit être comprise entre 0 et 48 heures.",
            ),
        ]
        indexes = [models.Index(fields=["entry_date", "register_number"], name="hr_employee_hiring_idx")]

    def __str__(self) -> str:
        return self.full_name

    def clean_fields(self, exclude=None) -> None:
        from pilote.lib.identifiers import compact

        self.nir = compact(self.nir)  # « 2 95 10 99 126 111 93 » as printed on the card, stored compact
        super().clean_fields(exclude)

    def clean(self) -> None:
        from pilote.hr.rules import check_employee

        check_employee(self)

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_name}".strip()

    @property
    def is_trainee(self) -> bool:
        return self.contract_type in TRAINEE_TYPES

    def is_present(self, day) -> bool:
        return self.entry_date <= day and (self.exit_date is None or self.exit_date >= day)


class EntryKind(models.TextChoices):
    HIRE = "embauche", "Embauche"
    CORRECTION = "rectification", "Rectification"
    TRANSFER = "transfert", "Transfert"
    EXIT = "sortie", "Sortie"


class RegisterEntry(models.Model):
    """One line of the registre unique du personnel: the legal mentions as they stood on `recorded_on`.
    Never updated nor deleted (triggers); a correction is a new line pointing at the line it corrects."""

    employee = models.ForeignKey(Employee, verbose_name="salarié", on_delete=models.PROTECT, related_name="register")
    kind = models.CharField("nature", max_length=15, choices=EntryKind.choices)
    recorded_on = models.DateField("inscrit le")
    recorded_at = models.DateTimeField("horodatage", default=timezone.now)
    author = models.CharField("inscrit par", max_length=150, blank=True)
    corrects = models.ForeignKey(
        "self", verbose_name="rectifie", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField("motif", max_length=250, blank=True)
    trainee = models.BooleanField("section des stagiaires", default=False)
    register_number = models.PositiveIntegerField("n° d'ordre")
    last_name = models.CharField("nom", max_length=100)
    birth_name = models.CharField("nom de naissance", max_length=100, blank=True)
    first_names = models.CharField("prénoms", max_length=150)
    nationality = models.CharField("nationalité", max_length=60)
    birth_date = models.DateField("date de naissance")
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices)
    job = models.CharField("emploi", max_length=120)
    qualification = models.CharField("qualification", max_length=120, blank=True)
    establishment = models.CharField("établissement", max_length=120)
    contract = models.CharField("mentions du contrat", max_length=250)
    entry_date = models.DateField("date d'entrée")
    exit_date = models.DateField("date de sortie", null=True, blank=True)
    hiring_authorisation_date = models.DateField("date d'autorisation d'embauche", null=True, blank=True)
    work_permit = models.CharField("titre de travail (type et n°)", max_length=170, blank=True)
    temp_agency = models.CharField("entreprise de travail temporaire", max_length=250, blank=True)
    tutor = models.CharField("tuteur", max_length=150, blank=True)
    internship_place = models.CharField("lieu du stage", max_length=150, blank=True)

    class Meta:
        verbose_name = "ligne du registre du personnel"
        verbose_name_plural = "lignes du registre du personnel"
        ordering = ["entry_date", "register_number", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True) | Q(exit_date__gte=F("entry_date")),
                name="hr_registerentry_exit_after_entry",
                violation_error_message="La date de sortie ne peut pas précéder la date d'entrée.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="rectification") | ~Q(reason=""),
                name="hr_registerentry_correction_reason",
                violation_error_message="Une rectification du registre indique son motif.",
            ),
        ]
        indexes = [models.Index(fields=["entry_date", "register_number", "id"], name="hr_register_order_idx")]

    def __str__(self) -> str:
        return f"{self.register_number} — {self.first_names} {self.last_name} ({self.get_kind_display().lower()})"


class AbsenceKind(models.TextChoices):
    PAID_LEAVE = "conges_payes", "Congés payés"
    RTT = "rtt", "RTT"
    FAMILY_EVENT = "evenement_familial", "Congé pour événement familial"
    UNPAID = "sans_solde", "Congé sans solde"
    SICKNESS = "maladie", "Arrêt maladie"
    WORK_ACCIDENT = "accident_travail", "Accident du travail ou maladie professionnelle"
    MATERNITY = "maternite", "Congé de maternité"
    PATERNITY = "paternite", "Congé de paternité et d'accueil de l'enfant"


# Health-related: the kind is shown only to rh, direction and the person; others see « Absence ».
HEALTH_KINDS = (AbsenceKind.SICKNESS, AbsenceKind.WORK_ACCIDENT, AbsenceKind.MATERNITY)
# What an employee asks for through self-service; the others are recorded by rh with their certificate.
REQUESTABLE_KINDS = (AbsenceKind.PAID_LEAVE, AbsenceKind.RTT, AbsenceKind.FAMILY_EVENT, AbsenceKind.UNPAID)


class AbsenceStatus(models.TextChoices):
    REQUESTED = "demandee", "Demandée"
    APPROVED = "acceptee", "Acceptée"
    REFUSED = "refusee", "Refusée"
    CANCELLED = "annulee", "Annulée"


class Absence(models.Model):
    """A leave or an absence of an employee, from a request (self-service) or recorded by rh."""

    employee = models.ForeignKey(Employee, verbose_name="salarié", on_delete=models.PROTECT, related_name="absences")
    kind = models.CharField("nature", max_length=20, choices=AbsenceKind.choices)
    start = models.DateField("du")
    end = models.DateField("au (inclus)")
    days = FrenchDecimalField("jours", max_digits=5, decimal_places=1, default=0)
    status = models.CharField("statut", max_length=10, choices=AbsenceStatus.choices, default=AbsenceStatus.REQUESTED)
    comment = models.CharField("commentaire", max_length=250, blank=True)
    certificate = models.BooleanField("justificatif reçu", default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="demandée par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField("demandée le", default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="décidée par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decision_note = models.CharField("motif de la décision", max_length=250, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "absence"
        verbose_name_plural = "absences"
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="hr_absence_end_after_start",
                violation_error_message="La fin de l'absence ne peut pas précéder son début.",
            ),
            models.CheckConstraint(
                condition=Q(days__gte=0),
                name="hr_absence_days_positive",
                violation_error_message="Le nombre de jours ne peut pas être négatif.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in AbsenceStatus]),
                name="hr_absence_status_valid",
                violation_error_message="Ce statut d'absence n'existe pas.",
            ),
        ]
        indexes = [
            models.Index(fields=["employee", "status", "start"], name="hr_absence_employee_idx"),
            models.Index(fields=["status", "start", "end"], name="hr_absence_calendar_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} de {self.employee} du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"

    @property
    def is_health_related(self) -> bool:
        return self.kind in HEALTH_KINDS


class InterviewKind(models.TextChoices):
    PROFESSIONAL = "professionnel", "Entretien professionnel"
    REVIEW = "etat_des_lieux", "État des lieux récapitulatif"


class CareerInterview(models.Model):
    """A professional interview held (L6315-1; loi 2025-989). Its content is for rh, direction and the person."""

    employee = models.ForeignKey(Employee, verbose_name="salarié", on_delete=models.PROTECT, related_name="interviews")
    kind = models.CharField("nature", max_length=15, choices=InterviewKind.choices, default=InterviewKind.PROFESSIONAL)
    held_on = models.DateField("tenu le")
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="conduit par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    summary = models.TextField("compte rendu", blank=True)
    training_followed = models.BooleanField(
        "a suivi au moins une formation non obligatoire depuis le dernier état des lieux", default=False
    )
    created_at = models.DateTimeField("enregistré le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "entretien professionnel"
        verbose_name_plural = "entretiens professionnels"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["employee", "held_on"], name="hr_interview_employee_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} de {self.employee} du {self.held_on:%d/%m/%Y}"
