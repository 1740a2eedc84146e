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

from pilote.lib.fields import BicField, FrenchDecimalField, IbanField
from pilote.lib.money import MoneyField


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
    iban = IbanField("IBAN (remboursement des frais)", blank=True)
    bic = BicField("BIC", blank=True)
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
    # L3141-19-3 (loi 2024-364): after a sickness or work accident, the paid-leave information given on return.
    leave_information_on = models.DateField("information sur les congés payés remise le", null=True, blank=True)
    leave_information_by = models.CharField("information remise par", max_length=150, blank=True)
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


# --- CSE elections (L2311-2, L2314-1 to L2314-33, R2314-1 to R2314-26; FRENCH-RULES §8) ------------------------


class CseElectionStatus(models.TextChoices):
    PREPARATION = "preparation", "En préparation"
    PROCLAIMED = "proclamee", "Résultats proclamés"


class CseElection(models.Model):
    """An election of the CSE's staff delegation: the headcount and delegation it was prepared on, the dates of
    its process, its colleges. Results are proclaimed once; the minutes (PV) are printed from them."""

    title = models.CharField("intitulé", max_length=150)
    informed_on = models.DateField("information du personnel le")
    unions_invited_on = models.DateField("invitation des syndicats le", null=True, blank=True)
    first_round_on = models.DateField("premier tour le")
    second_round_on = models.DateField("second tour le", null=True, blank=True)
    headcount = FrenchDecimalField("effectif retenu", max_digits=8, decimal_places=2)
    seats = models.PositiveSmallIntegerField("sièges de titulaires")
    hours = models.PositiveSmallIntegerField("heures de délégation par titulaire et par mois")
    status = models.CharField(
        "état", max_length=12, choices=CseElectionStatus.choices, default=CseElectionStatus.PREPARATION
    )
    proclaimed_on = models.DateField("résultats proclamés le", null=True, blank=True)
    created_by = models.CharField("préparée par", max_length=150, blank=True)
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "élection du CSE"
        verbose_name_plural = "élections du CSE"
        ordering = ["-first_round_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_round_on__gte=F("informed_on")),
                name="hr_cseelection_round_after_information",
                violation_error_message="Le premier tour ne peut pas précéder l'information du personnel.",
            ),
            models.CheckConstraint(
                condition=Q(second_round_on__isnull=True) | Q(second_round_on__gt=F("first_round_on")),
                name="hr_cseelection_second_after_first",
                violation_error_message="Le second tour suit le premier.",
            ),
            models.CheckConstraint(
                condition=Q(seats__gte=1),
                name="hr_cseelection_seats_positive",
                violation_error_message="Une élection pourvoit au moins un siège.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CseBody(models.TextChoices):
    FULL = "titulaires", "Titulaires"
    SUBSTITUTE = "suppleants", "Suppléants"


class CseCollege(models.Model):
    """An electoral college of an election (L2314-11) with its seats, the categories it gathers."""

    election = models.ForeignKey(
        CseElection, verbose_name="élection", on_delete=models.CASCADE, related_name="colleges"
    )
    number = models.PositiveSmallIntegerField("numéro")  # 0: the single college
    name = models.CharField("collège", max_length=120)
    categories = models.CharField("catégories", max_length=80)
    seats = models.PositiveSmallIntegerField("sièges de titulaires")

    class Meta:
        verbose_name = "collège électoral"
        verbose_name_plural = "collèges électoraux"
        ordering = ["election", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "number"],
                name="hr_csecollege_unique_number",
                violation_error_message="Ce collège existe déjà pour cette élection.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.election})"


class CseVoter(models.Model):
    """A line of the electoral list, frozen when the election is prepared: voter, and eligible or not
    (L2314-18: 16 years old, 3 months in the structure; L2314-19: 18 years old, one year)."""

    college = models.ForeignKey(CseCollege, verbose_name="collège", on_delete=models.CASCADE, related_name="voters")
    employee = models.ForeignKey(Employee, verbose_name="salarié", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("nom et prénoms", max_length=260)
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices)
    eligible = models.BooleanField("éligible", default=False)

    class Meta:
        verbose_name = "électeur"
        verbose_name_plural = "électeurs"
        ordering = ["college", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["college", "employee"],
                name="hr_csevoter_once_per_college",
                violation_error_message="Ce salarié est déjà inscrit sur la liste électorale de ce collège.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CseTally(models.Model):
    """The count of one college, one round, one body (full members or substitutes)."""

    college = models.ForeignKey(CseCollege, verbose_name="collège", on_delete=models.CASCADE, related_name="tallies")
    round = models.PositiveSmallIntegerField("tour", choices=[(1, "Premier tour"), (2, "Second tour")])
    body = models.CharField("scrutin", max_length=12, choices=CseBody.choices, default=CseBody.FULL)
    registered = models.PositiveIntegerField("électeurs inscrits")
    votes_cast = models.PositiveIntegerField("votants")
    blank_void = models.PositiveIntegerField("bulletins blancs et nuls", default=0)

    class Meta:
        verbose_name = "dépouillement"
        verbose_name_plural = "dépouillements"
        ordering = ["college", "round", "body"]
        constraints = [
            models.UniqueConstraint(
                fields=["college", "round", "body"],
                name="hr_csetally_unique",
                violation_error_message="Ce dépouillement est déjà saisi.",
            ),
            models.CheckConstraint(
                condition=Q(votes_cast__lte=F("registered")) & Q(blank_void__lte=F("votes_cast")),
                name="hr_csetally_counts_consistent",
                violation_error_message="Les votants ne dépassent pas les inscrits, ni les blancs et nuls les votants.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.college.name} — {self.get_round_display().lower()} ({self.get_body_display().lower()})"

    @property
    def valid_votes(self) -> int:
        return self.votes_cast - self.blank_void


class CseList(models.Model):
    """A list of candidates in a count, with the ballots cast for it."""

    tally = models.ForeignKey(CseTally, verbose_name="dépouillement", on_delete=models.CASCADE, related_name="lists")
    position = models.PositiveSmallIntegerField("ordre")
    name = models.CharField("liste", max_length=120)
    union = models.BooleanField("liste syndicale", default=True)
    ballots = models.PositiveIntegerField("bulletins")

    class Meta:
        verbose_name = "liste de candidats"
        verbose_name_plural = "listes de candidats"
        ordering = ["tally", "position"]

    def __str__(self) -> str:
        return self.name


class CseCandidate(models.Model):
    candidate_list = models.ForeignKey(
        CseList, verbose_name="liste", on_delete=models.CASCADE, related_name="candidates"
    )
    position = models.PositiveSmallIntegerField("rang")
    employee = models.ForeignKey(Employee, verbose_name="salarié", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("candidat", max_length=260)
    crossed_out = models.PositiveIntegerField("ratures", default=0)

    class Meta:
        verbose_name = "candidat"
        verbose_name_plural = "candidats"
        ordering = ["candidate_list", "position"]

    def __str__(self) -> str:
        return self.name


# --- Contracts (issue 12, point 2) ------------------------------------------------------------------------------


class Contract(models.Model):
    """A version of an employee's contract: version 1 is the contract signed, each amendment (avenant) a new
    version from its date. Versions are only added (services); the salary is confidential: rh, direction and the
    employee, each reading written in the audit log."""

    employee = models.ForeignKey(Employee, verbose_name="salarié", on_delete=models.PROTECT, related_name="contracts")
    version = models.PositiveSmallIntegerField("version")
    kind = models.CharField("nature", max_length=25, choices=ContractType.choices)
    effective_from = models.DateField("à compter du")
    signed_on = models.DateField("signé le", null=True, blank=True)
    end_date = models.DateField("fin du contrat", null=True, blank=True)
    cdd_reason = models.CharField("motif du CDD", max_length=30, blank=True)
    renewals = models.PositiveSmallIntegerField("renouvellements", default=0)
    job = models.CharField("emploi", max_length=120)
    part_time = models.BooleanField("temps partiel", default=False)
    weekly_hours = FrenchDecimalField("heures par semaine", max_digits=4, decimal_places=2, default=35)
    trial_end = models.DateField("fin de la période d'essai", null=True, blank=True)
    monthly_gross = MoneyField("salaire brut mensuel")
    school = models.CharField("école ou organisme de formation", max_length=150, blank=True)
    reason = models.CharField("objet de l'avenant", max_length=250, blank=True)
    author = models.CharField("saisi par", max_length=150, blank=True)
    created_at = models.DateTimeField("saisi le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "contrat de travail"
        verbose_name_plural = "contrats de travail"
        ordering = ["employee", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "version"],
                name="hr_contract_unique_version",
                violation_error_message="Cette version du contrat existe déjà.",
            ),
            models.CheckConstraint(
                condition=Q(monthly_gross__gte=0),
                name="hr_contract_salary_positive",
                violation_error_message="Le salaire ne peut pas être négatif.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("effective_from")),
                name="hr_contract_end_after_start",
                violation_error_message="La fin du contrat ne peut pas précéder son début.",
            ),
        ]

    def __str__(self) -> str:
        what = "Contrat" if self.version == 1 else f"Avenant n° {self.version - 1}"
        return f"{what} de {self.employee} ({self.get_kind_display()}) du {self.effective_from:%d/%m/%Y}"

    @property
    def label(self) -> str:
        return "Contrat initial" if self.version == 1 else f"Avenant n° {self.version - 1}"

    @property
    def cdd_reason_label(self) -> str:
        from pilote.hr.contracts import CDD_REASONS

        return dict(CDD_REASONS).get(self.cdd_reason, self.cdd_reason)


# --- Payroll variables and the payroll entry (issue 12, point 5; FRENCH-RULES §9) --------------------------------


class PayrollStatus(models.TextChoices):
    DRAFT = "brouillon", "En préparation"
    VALIDATED = "validee", "Validée par les ressources humaines"


class PayrollMonth(models.Model):
    """A month's payroll inputs: prepared from the files, contracts and absences, completed and validated by rh,
    exported for the payroll provider; the provider's journal is then posted as the payroll entry."""

    month = models.DateField("mois", unique=True)  # the first day
    status = models.CharField("état", max_length=10, choices=PayrollStatus.choices, default=PayrollStatus.DRAFT)
    validated_by = models.CharField("validée par", max_length=150, blank=True)
    validated_at = models.DateTimeField("validée le", null=True, blank=True)
    entry = models.ForeignKey(
        "ledger.Entry", verbose_name="écriture de paie", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "paie du mois"
        verbose_name_plural = "paies des mois"
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="hr_payrollmonth_first_day",
                violation_error_message="Un mois de paie commence le premier du mois.",
            )
        ]

    def __str__(self) -> str:
        return f"Paie de {self.month:%m/%Y}"


# What rh types in a month's variables (the rest comes from the files, absences and schedules).
PAYROLL_TYPED_FIELDS = ("hours_worked", "overtime_25", "overtime_50", "complementary_10", "complementary_25", "bonus",
                        "benefits_in_kind", "expenses", "comment")  # fmt: skip


class PayrollVariable(models.Model):
    """One employee's variables for a month (éléments variables de paie)."""

    payroll = models.ForeignKey(PayrollMonth, verbose_name="mois", on_delete=models.CASCADE, related_name="variables")
    employee = models.ForeignKey(Employee, verbose_name="salarié", on_delete=models.PROTECT, related_name="+")
    base_gross = MoneyField("salaire de base", default=0)
    contract_hours = FrenchDecimalField("heures contractuelles", max_digits=6, decimal_places=2, default=0)
    hours_worked = FrenchDecimalField("heures travaillées", max_digits=6, decimal_places=2, default=0)
    overtime_25 = FrenchDecimalField("heures supplémentaires à 25 %", max_digits=6, decimal_places=2, default=0)
    overtime_50 = FrenchDecimalField("heures supplémentaires à 50 %", max_digits=6, decimal_places=2, default=0)
    # Part time: heures complémentaires (L3123-8, L3123-21), apart from overtime.
    complementary_10 = FrenchDecimalField("heures complémentaires à 10 %", max_digits=6, decimal_places=2, default=0)
    complementary_25 = FrenchDecimalField("heures complémentaires à 25 %", max_digits=6, decimal_places=2, default=0)
    paid_leave_days = FrenchDecimalField("congés payés (jours)", max_digits=5, decimal_places=1, default=0)
    sickness_days = FrenchDecimalField("maladie (jours)", max_digits=5, decimal_places=1, default=0)
    work_accident_days = FrenchDecimalField("accident du travail (jours)", max_digits=5, decimal_places=1, default=0)
    unpaid_days = FrenchDecimalField("sans solde (jours)", max_digits=5, decimal_places=1, default=0)
    other_absence_days = FrenchDecimalField("autres absences (jours)", max_digits=5, decimal_places=1, default=0)
    bonus = MoneyField("primes", default=0)
    benefits_in_kind = MoneyField("avantages en nature", default=0)
    expenses = MoneyField("frais à rembourser", default=0)
    entry_date = models.DateField("entrée dans le mois", null=True, blank=True)
    exit_date = models.DateField("sortie dans le mois", null=True, blank=True)
    comment = models.CharField("commentaire", max_length=250, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "variables de paie"
        verbose_name_plural = "variables de paie"
        ordering = ["payroll", "employee__last_name", "employee__first_names", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["payroll", "employee"],
                name="hr_payrollvariable_once",
                violation_error_message="Ce salarié a déjà ses variables pour ce mois.",
            ),
            models.CheckConstraint(
                condition=Q(overtime_25__gte=0)
                & Q(overtime_50__gte=0)
                & Q(complementary_10__gte=0)
                & Q(complementary_25__gte=0)
                & Q(bonus__gte=0)
                & Q(benefits_in_kind__gte=0)
                & Q(expenses__gte=0),
                name="hr_payrollvariable_positive",
                violation_error_message="Heures et montants ne peuvent pas être négatifs.",
            ),
        ]

    def __str__(self) -> str:
        return f"Variables de paie de {self.employee} ({self.payroll.month:%m/%Y})"


# --- Expense reports (issue 12, point 6) -------------------------------------------------------------------------


class EmployeeAnalytic(models.Model):
    """Where an employee's pay goes in the analytic accounts: a section of an axis and its share (the shares of an
    axis make 100 %). The month's payroll entry spreads its staff costs over the sections, each employee weighing
    by their gross pay of the month (`payroll.payroll_shares`)."""

    employee = models.ForeignKey(Employee, verbose_name="salarié", on_delete=models.CASCADE, related_name="analytic")
    section = models.ForeignKey(
        "ledger.AnalyticSection", verbose_name="section", on_delete=models.PROTECT, related_name="+"
    )
    percent = FrenchDecimalField("part (%)", max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = "ventilation analytique d'un salarié"
        verbose_name_plural = "ventilations analytiques des salariés"
        constraints = [
            models.UniqueConstraint(fields=["employee", "section"], name="hr_employeeanalytic_unique",
                                    violation_error_message="Cette section est déjà dans la ventilation du salarié."),
            models.CheckConstraint(condition=Q(percent__gt=0) & Q(percent__lte=100), name="hr_employeeanalytic_percent",
                                   violation_error_message="Une part de ventilation est comprise entre 0 et 100 %%."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"Salarié {self.employee_id} : section {self.section_id} à {self.percent} %"


from pilote.hr.models_checklists import ChecklistItem  # noqa: E402,F401
from pilote.hr.models_expenses import ExpenseLine, ExpenseReport, ExpenseStatus  # noqa: E402,F401
from pilote.hr.models_skills import EmployeeSkill, JobSkill, Skill  # noqa: E402,F401
from pilote.hr.models_training import (  # noqa: E402,F401
    AnnualReview,
    TrainingAction,
    TrainingAttendance,
    TrainingFunding,
    TrainingKind,
    TrainingStatus,
)
from pilote.hr.models_worktime import WorkShift  # noqa: E402,F401

# --- Internal announcements (issue 12, point 10) ---------------------------------------------------------------


class Announcement(models.Model):
    """An internal announcement to all staff (issue 12 point 10), shown on everyone's home page until its end."""

    title = models.CharField("titre", max_length=150)
    body = models.TextField("message", max_length=5000)
    published_on = models.DateField("publiée le")
    until = models.DateField("affichée jusqu'au", null=True, blank=True)
    author = models.CharField("publiée par", max_length=150)

    class Meta:
        verbose_name = "annonce interne"
        verbose_name_plural = "annonces internes"
        ordering = ["-published_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(until__isnull=True) | Q(until__gte=F("published_on")),
                                   name="hr_announcement_until_after_publication",
                                   violation_error_message="La fin d'affichage suit la publication."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title
