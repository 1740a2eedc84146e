"""Associations: donations and their tax receipts (reçus fiscaux), members and dues, grants.

Amounts are Decimal euros stored as integer cents (lib.money.MoneyField). Every write goes through
`services/`; issued receipts are frozen by database triggers (triggers.py)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pilote.lib.fields import FrenchDecimalField
from pilote.lib.money import MoneyField


class ReceiptCategory(models.TextChoices):
    """The beneficiary's category, as ticked on the Cerfa 11580 (CGI art. 200 and 238 bis)."""

    GENERAL_INTEREST = "interet_general", "Association ou fondation d'intérêt général"
    PUBLIC_UTILITY = "utilite_publique", "Association ou fondation reconnue d'utilité publique"
    CULTURAL = "culturel", "Organisme d'intérêt général à caractère culturel"
    IN_NEED = "aide_personnes", "Organisme d'aide aux personnes en difficulté (repas, soins, logement)"
    OTHER = "autre", "Autre organisme d'intérêt général"


class AssociationSettings(models.Model):
    """What the tax receipts say of the association (one row, id 1)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    purpose = models.TextField("objet de l'association", blank=True)
    category = models.CharField(
        "catégorie (reçus fiscaux)", max_length=20, choices=ReceiptCategory.choices,
        default=ReceiptCategory.GENERAL_INTEREST,
    )  # fmt: skip
    help_in_need = models.BooleanField(
        "dons ouvrant la réduction de 75 % (aide aux personnes en difficulté)", default=False
    )
    signatory_name = models.CharField("signataire des reçus", max_length=120, blank=True)
    signatory_title = models.CharField("qualité du signataire", max_length=120, blank=True, default="Trésorier")
    quorum_percent = models.PositiveSmallIntegerField(
        "quorum de l'assemblée générale (% des adhérents à jour)", default=25
    )
    volunteer_rate = MoneyField(
        "valorisation d'une heure de bénévolat (€)", default=Decimal("12.02"),
        help_text="Par défaut le SMIC horaire brut 2026 (12,02 €) ; une activité peut avoir son propre taux.",
    )  # fmt: skip
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "paramètres de l'association"
        verbose_name_plural = "paramètres de l'association"
        constraints = [
            models.CheckConstraint(
                condition=Q(id=1),
                name="associations_settings_singleton",
                violation_error_message="Les paramètres de l'association existent déjà.",
            )
        ]

    def __str__(self) -> str:
        return "Paramètres de l'association"


class DonationKind(models.TextChoices):
    MONEY = "numeraire", "Numéraire"
    IN_KIND = "nature", "Don en nature"
    WAIVED_EXPENSES = "abandon_frais", "Abandon de frais de bénévole"


class PaymentMethod(models.TextChoices):
    CASH = "especes", "Espèces"
    CHEQUE = "cheque", "Chèque"
    TRANSFER = "virement", "Virement, prélèvement ou carte"
    NONE = "", "—"


class Donation(models.Model):
    donor = models.ForeignKey(
        "contacts.Contact", verbose_name="donateur", on_delete=models.PROTECT, related_name="donations"
    )
    date = models.DateField("date du don")
    kind = models.CharField("nature", max_length=20, choices=DonationKind.choices, default=DonationKind.MONEY)
    method = models.CharField("mode de versement", max_length=10, choices=PaymentMethod.choices, blank=True)
    amount = MoneyField("montant")
    description = models.CharField("description", max_length=200, blank=True)
    bank_account = models.ForeignKey(
        "ledger.BankAccount", verbose_name="compte bancaire", on_delete=models.PROTECT, null=True, blank=True
    )
    entry = models.ForeignKey(
        "ledger.Entry", verbose_name="écriture", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receipt = models.ForeignKey(
        "associations.TaxReceipt", verbose_name="reçu fiscal", on_delete=models.PROTECT, null=True, blank=True,
        related_name="donations",
    )  # fmt: skip
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False)
    created_at = models.DateTimeField("enregistré le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "don"
        verbose_name_plural = "dons"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["date", "id"], name="assoc_donation_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="associations_donation_positive",
                violation_error_message="Le montant d'un don doit être positif.",
            )
        ]

    def __str__(self) -> str:
        return f"Don de {self.donor} du {self.date:%d/%m/%Y}"


class ReceiptSequence(models.Model):
    """The last receipt number used: one unbroken sequence, taken under a row lock in the issuing transaction."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "numérotation des reçus fiscaux"
        verbose_name_plural = "numérotations des reçus fiscaux"

    def __str__(self) -> str:
        return f"Reçus fiscaux : dernier numéro {self.last_number}"


class DonorKind(models.TextChoices):
    INDIVIDUAL = "particulier", "Particulier (Cerfa 11580)"
    COMPANY = "entreprise", "Entreprise (Cerfa 16216)"


class ReceiptStatus(models.TextChoices):
    ISSUED = "issued", "Émis"
    CANCELLED = "cancelled", "Annulé"


class TaxReceipt(models.Model):
    """A tax receipt as issued: everything it says is copied at issue and frozen (triggers.py); a correction
    cancels it (status, date, reason) and issues another that names it."""

    number = models.PositiveIntegerField("numéro", unique=True)
    donor = models.ForeignKey(
        "contacts.Contact", verbose_name="donateur", on_delete=models.PROTECT, related_name="tax_receipts"
    )
    donor_kind = models.CharField("type de donateur", max_length=12, choices=DonorKind.choices)
    donor_name = models.CharField("nom du donateur", max_length=250)
    donor_address = models.TextField("adresse du donateur", blank=True)
    donor_siren = models.CharField("SIREN du donateur", max_length=9, blank=True)
    issuer = models.JSONField("bénéficiaire", default=dict)  # name, address, purpose, category… as printed
    year = models.PositiveIntegerField("année des dons")
    first_gift_on = models.DateField("premier don")
    last_gift_on = models.DateField("dernier don")
    total = MoneyField("montant total")
    lines = models.JSONField("dons", default=list)  # [{date, kind, method, amount, description}]
    rate = models.PositiveSmallIntegerField("taux de réduction (%)")
    issued_on = models.DateField("émis le")
    issued_at = models.DateTimeField("émis à", default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="émis par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    replaces = models.OneToOneField(
        "self", verbose_name="remplace le reçu", on_delete=models.PROTECT, null=True, blank=True,
        related_name="replaced_by",
    )  # fmt: skip
    status = models.CharField("état", max_length=10, choices=ReceiptStatus.choices, default=ReceiptStatus.ISSUED)
    cancelled_on = models.DateField("annulé le", null=True, blank=True)
    cancel_reason = models.CharField("motif d'annulation", max_length=200, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "reçu fiscal"
        verbose_name_plural = "reçus fiscaux"
        ordering = ["-number"]
        indexes = [models.Index(fields=["year", "status"], name="assoc_receipt_year_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gt=0),
                name="associations_receipt_positive",
                violation_error_message="Un reçu fiscal porte un montant positif.",
            )
        ]

    def __str__(self) -> str:
        return f"Reçu fiscal n° {self.reference}"

    @property
    def reference(self) -> str:
        return f"{self.number:06d}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == ReceiptStatus.CANCELLED

    @property
    def filename(self) -> str:
        return f"recu-fiscal-{self.reference}.pdf"


# --- Members and dues ---------------------------------------------------------------------------------------------
class MembershipType(models.Model):
    """A kind of membership and its yearly fee (« Adhérent », « Famille », « Bienfaiteur »…)."""

    name = models.CharField("nom", max_length=100, unique=True)
    fee = MoneyField("cotisation annuelle")
    with_return = models.BooleanField(
        "cotisation avec contrepartie (7562)", default=False,
        help_text="Cochez si la cotisation donne droit à des prestations (compte 7562, sinon 7561).",
    )  # fmt: skip
    is_active = models.BooleanField("proposée", default=True)

    class Meta:
        verbose_name = "type d'adhésion"
        verbose_name_plural = "types d'adhésion"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fee__gte=0),
                name="associations_membershiptype_fee",
                violation_error_message="Une cotisation ne peut pas être négative.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def account_code(self) -> str:
        return "7562" if self.with_return else "7561"


class Member(models.Model):
    """A member (a person or an organisation of the contacts), from joining to leaving."""

    contact = models.OneToOneField(
        "contacts.Contact", verbose_name="contact", on_delete=models.PROTECT, related_name="membership"
    )
    number = models.PositiveIntegerField("n° d'adhérent", unique=True)
    membership_type = models.ForeignKey(MembershipType, verbose_name="type d'adhésion", on_delete=models.PROTECT)
    joined_on = models.DateField("adhésion le")
    left_on = models.DateField("sortie le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "adhérent"
        verbose_name_plural = "adhérents"
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="associations_member_dates",
                violation_error_message="La sortie d'un adhérent suit son adhésion.",
            )
        ]

    def __str__(self) -> str:
        return f"Adhérent n° {self.number} — {self.contact}"


class DueStatus(models.TextChoices):
    CALLED = "called", "Appelée"
    PAID = "paid", "Payée"


class Due(models.Model):
    """A member's dues for a calendar year: called (411 of the member → 756x), then received (bank or cash → 411)."""

    member = models.ForeignKey(Member, verbose_name="adhérent", on_delete=models.PROTECT, related_name="dues")
    year = models.PositiveIntegerField("année")
    membership_type = models.ForeignKey(MembershipType, verbose_name="type d'adhésion", on_delete=models.PROTECT)
    amount = MoneyField("montant")
    called_on = models.DateField("appelée le")
    status = models.CharField("état", max_length=10, choices=DueStatus.choices, default=DueStatus.CALLED)
    paid_on = models.DateField("payée le", null=True, blank=True)
    method = models.CharField("mode de paiement", max_length=10, choices=PaymentMethod.choices, blank=True)
    call_entry = models.ForeignKey(
        "ledger.Entry", verbose_name="écriture d'appel", on_delete=models.PROTECT, null=True, related_name="+"
    )
    payment_entry = models.ForeignKey(
        "ledger.Entry", verbose_name="écriture d'encaissement", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "cotisation"
        verbose_name_plural = "cotisations"
        ordering = ["-year", "member__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                name="associations_due_once_a_year",
                violation_error_message="La cotisation de cet adhérent est déjà appelée pour cette année.",
            )
        ]

    def __str__(self) -> str:
        return f"Cotisation {self.year} de {self.member.contact}"


# --- Grants (subventions) -----------------------------------------------------------------------------------------
class GrantStatus(models.TextChoices):
    REQUESTED = "requested", "Demandée"
    GRANTED = "granted", "Accordée"
    REFUSED = "refused", "Refusée"


def agreement_storage():
    """Grant agreements live under PILOTE_PRIVATE_ROOT/associations/ (never under /media/), read through the grant's
    page only."""
    from django.core.files.storage import FileSystemStorage

    from pilote.core.storage import private_root

    return FileSystemStorage(location=private_root() / "associations")


def agreement_upload_to(instance, filename: str) -> str:
    import uuid
    from pathlib import Path

    from django.utils.text import get_valid_filename

    safe = get_valid_filename(Path(filename).name)[:100] or "convention"
    return f"agreements/{instance.pk}/{uuid.uuid4().hex[:12]}-{safe}"


class Grant(models.Model):
    """A grant file: the funder, what was asked and granted, for what and when, earmarked or not. Expenses and
    income of the funded action are tagged in the books with the grant's code (EntryLine.reference): that is the
    action's actual in the financial report (Cerfa 15059)."""

    code = models.CharField("code", max_length=20, unique=True)
    funder = models.ForeignKey(
        "contacts.Contact", verbose_name="financeur", on_delete=models.PROTECT, related_name="grants"
    )
    title = models.CharField("objet", max_length=200)
    amount_requested = MoneyField("montant demandé")
    amount_granted = MoneyField("montant accordé", null=True, blank=True)
    period_start = models.DateField("début de l'action")
    period_end = models.DateField("fin de l'action")
    earmarked = models.BooleanField("affectée (fonds dédiés en fin d'exercice)", default=True)
    status = models.CharField("état", max_length=10, choices=GrantStatus.choices, default=GrantStatus.REQUESTED)
    granted_on = models.DateField("accordée le", null=True, blank=True)
    award_entry = models.ForeignKey(
        "ledger.Entry", verbose_name="écriture d'attribution", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    conditions = models.TextField("conditions", blank=True)
    # The qualitative part of the financial report (Cerfa 15059), typed.
    report_summary = models.TextField("compte rendu : actions réalisées", blank=True)
    report_variances = models.TextField("compte rendu : écarts entre budget et réalisé", blank=True)
    report_beneficiaries = models.TextField("compte rendu : bénéficiaires et évaluation", blank=True)
    agreement = models.FileField("convention signée", storage=agreement_storage, upload_to=agreement_upload_to,
                                 blank=True, max_length=250)  # fmt: skip
    agreement_name = models.CharField("nom du fichier de la convention", max_length=120, blank=True)
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "subvention"
        verbose_name_plural = "subventions"
        ordering = ["-period_start", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="associations_grant_period",
                violation_error_message="La fin de l'action suit son début.",
            ),
            models.CheckConstraint(
                condition=Q(amount_requested__gte=0),
                name="associations_grant_requested",
                violation_error_message="Le montant demandé ne peut pas être négatif.",
            ),
        ]

    def __str__(self) -> str:
        return f"Subvention {self.code} — {self.title}"


class Deadline(models.Model):
    """A date owed to a funder (a grant's report, a CPOM's yearly report or dialogue de gestion), met once done."""

    label = models.CharField("échéance", max_length=200)
    due_on = models.DateField("à rendre le")
    done_on = models.DateField("fait le", null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["due_on", "id"]


class GrantDeadline(Deadline):
    grant = models.ForeignKey(Grant, verbose_name="subvention", on_delete=models.CASCADE, related_name="deadlines")

    class Meta(Deadline.Meta):
        verbose_name = "échéance de subvention"
        verbose_name_plural = "échéances de subvention"

    def __str__(self) -> str:
        return f"{self.label} ({self.grant.code})"


class GrantInstalment(models.Model):
    """A payment the funder makes: expected, then received (bank → 441)."""

    grant = models.ForeignKey(Grant, verbose_name="subvention", on_delete=models.PROTECT, related_name="instalments")
    label = models.CharField("versement", max_length=100)
    expected_on = models.DateField("attendu le")
    amount = MoneyField("montant")
    received_on = models.DateField("reçu le", null=True, blank=True)
    entry = models.ForeignKey(
        "ledger.Entry", verbose_name="écriture d'encaissement", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "versement de subvention"
        verbose_name_plural = "versements de subvention"
        ordering = ["expected_on", "id"]

    def __str__(self) -> str:
        return f"{self.label} — {self.grant.code}"


class GrantBudgetLine(models.Model):
    """The funded action's budget, by nature (an account class prefix: 60, 61, 62, 64, 70, 74…)."""

    grant = models.ForeignKey(Grant, verbose_name="subvention", on_delete=models.CASCADE, related_name="budget")
    nature = models.CharField("nature (compte)", max_length=4)
    label = models.CharField("libellé", max_length=120)
    amount = MoneyField("budget")

    class Meta:
        verbose_name = "ligne de budget de subvention"
        verbose_name_plural = "lignes de budget de subvention"
        ordering = ["nature", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "nature"],
                name="associations_budget_nature_once",
                violation_error_message="Cette nature figure déjà au budget de la subvention.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.nature} {self.label}"


class DedicatedFundMove(models.Model):
    """An earmarked grant's unused part carried to dedicated funds at a year end (6894 → 194), or used back
    (194 → 7894)."""

    class Kind(models.TextChoices):
        CARRIED = "carried", "Report en fonds dédiés"
        USED = "used", "Utilisation des fonds dédiés"

    grant = models.ForeignKey(Grant, verbose_name="subvention", on_delete=models.PROTECT, related_name="fund_moves")
    kind = models.CharField("mouvement", max_length=10, choices=Kind.choices)
    date = models.DateField("date")
    amount = MoneyField("montant")
    entry = models.ForeignKey("ledger.Entry", verbose_name="écriture", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "mouvement de fonds dédiés"
        verbose_name_plural = "mouvements de fonds dédiés"
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.grant.code} du {self.date:%d/%m/%Y}"


# --- Volunteering and contributions in kind (ANC 2018-06: 86x / 87x, below the result) -----------------------------
class VolunteerActivity(models.Model):
    """What volunteers do (« Accueil du public », « Ateliers »…), with its own hourly value or the default one."""

    name = models.CharField("activité", max_length=100, unique=True)
    hourly_rate = MoneyField(
        "valorisation horaire (€)", null=True, blank=True,
        help_text="Laissez vide pour le taux de l'association (SMIC horaire brut par défaut).",
    )  # fmt: skip
    is_active = models.BooleanField("proposée", default=True)

    class Meta:
        verbose_name = "activité bénévole"
        verbose_name_plural = "activités bénévoles"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hourly_rate__isnull=True) | Q(hourly_rate__gt=0),
                name="associations_activity_rate_positive",
                violation_error_message="Le taux horaire d'une activité est positif.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Volunteer(models.Model):
    """A volunteer: a person (or organisation) of the contacts who gives time."""

    contact = models.OneToOneField(
        "contacts.Contact", verbose_name="contact", on_delete=models.PROTECT, related_name="volunteering"
    )
    since = models.DateField("bénévole depuis le")
    until = models.DateField("jusqu'au", null=True, blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "bénévole"
        verbose_name_plural = "bénévoles"
        ordering = ["contact__name", "id"]

    def __str__(self) -> str:
        return f"Bénévole {self.contact}"


class VolunteerPosting(models.Model):
    """The hours of a period posted once (864 Personnel bénévole / 875 Bénévolat)."""

    period_start = models.DateField("du")
    period_end = models.DateField("au")
    minutes = models.PositiveIntegerField("durée (minutes)")
    value = MoneyField("valorisation")
    entry = models.ForeignKey("ledger.Entry", verbose_name="écriture", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("comptabilisé le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "comptabilisation du bénévolat"
        verbose_name_plural = "comptabilisations du bénévolat"
        ordering = ["-period_end", "-id"]

    def __str__(self) -> str:
        return f"Bénévolat du {self.period_start:%d/%m/%Y} au {self.period_end:%d/%m/%Y}"

    @property
    def total_hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))


class VolunteerHours(models.Model):
    """Hours a volunteer gave on a day to an activity, valued at the rate of the day they were recorded."""

    volunteer = models.ForeignKey(Volunteer, verbose_name="bénévole", on_delete=models.PROTECT, related_name="hours")
    activity = models.ForeignKey(VolunteerActivity, verbose_name="activité", on_delete=models.PROTECT,
                                 related_name="hours")  # fmt: skip
    date = models.DateField("date")
    minutes = models.PositiveIntegerField("durée (minutes)")
    rate = MoneyField("taux horaire")
    value = MoneyField("valorisation")
    note = models.CharField("note", max_length=200, blank=True)
    posting = models.ForeignKey(VolunteerPosting, verbose_name="comptabilisation", on_delete=models.PROTECT,
                                null=True, blank=True, related_name="hours")  # fmt: skip
    created_at = models.DateTimeField("saisi le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "heures de bénévolat"
        verbose_name_plural = "heures de bénévolat"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["date", "posting"], name="assoc_vhours_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gt=0) & Q(minutes__lte=24 * 60),
                name="associations_vhours_duration",
                violation_error_message="Une saisie d'heures de bénévolat va d'une minute à 24 heures.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer.contact} — {self.activity} le {self.date:%d/%m/%Y}"

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))


class InKindKind(models.TextChoices):
    """A contribution in kind and its pair of accounts (use 86x / resource 87x)."""

    GOODS = "biens", "Don en nature (biens)"
    PREMISES = "mise_a_disposition", "Mise à disposition gratuite (locaux, matériel)"
    SERVICES = "prestations", "Prestation en nature"


class InKindContribution(models.Model):
    """A contribution in kind valued and posted below the result (860/870, 861/871, 862/871)."""

    date = models.DateField("date")
    kind = models.CharField("nature", max_length=20, choices=InKindKind.choices)
    contributor = models.ForeignKey("contacts.Contact", verbose_name="apporté par", on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")  # fmt: skip
    description = models.CharField("description", max_length=200)
    amount = MoneyField("valorisation")
    entry = models.ForeignKey("ledger.Entry", verbose_name="écriture", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("saisi le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "contribution en nature"
        verbose_name_plural = "contributions en nature"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="associations_inkind_positive",
                violation_error_message="Une contribution en nature est valorisée à un montant positif.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"


# --- Social establishments: CPOM and activity -----------------------------------------------------------------------
class Cpom(models.Model):
    """A contract of objectives and means (contrat pluriannuel d'objectifs et de moyens) with its funders (ARS,
    département…) over whole years."""

    title = models.CharField("intitulé", max_length=200)
    funders = models.ManyToManyField("contacts.Contact", verbose_name="financeurs", related_name="cpoms")
    start_year = models.PositiveSmallIntegerField("première année")
    end_year = models.PositiveSmallIntegerField("dernière année")
    signed_on = models.DateField("signé le", null=True, blank=True)
    notes = models.TextField("notes", blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "CPOM"
        verbose_name_plural = "CPOM"
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="associations_cpom_years",
                violation_error_message="La dernière année du CPOM suit la première.",
            )
        ]

    def __str__(self) -> str:
        return f"CPOM {self.start_year}-{self.end_year} — {self.title}"

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class IndicatorSource(models.TextChoices):
    """Where an objective's yearly actual comes from: typed, or computed from the monthly activity."""

    TYPED = "saisi", "Saisi"
    OCCUPANCY = "occupation", "Taux d'occupation (activité mensuelle)"
    HOURS = "heures", "Heures réalisées (activité mensuelle)"
    DAYS = "journees", "Journées réalisées (activité mensuelle)"
    WAITING = "attente", "Liste d'attente en fin d'année (activité mensuelle)"
    PERSONS = "personnes", "Personnes accompagnées, moyenne mensuelle (activité mensuelle)"


class CpomObjective(models.Model):
    cpom = models.ForeignKey(Cpom, verbose_name="CPOM", on_delete=models.CASCADE, related_name="objectives")
    position = models.PositiveSmallIntegerField("n°", default=1)
    title = models.CharField("objectif", max_length=200)
    indicator = models.CharField("indicateur", max_length=200)
    unit = models.CharField("unité", max_length=20, blank=True)
    higher_is_better = models.BooleanField("plus haut est mieux", default=True)
    source = models.CharField("source du réalisé", max_length=12, choices=IndicatorSource.choices,
                              default=IndicatorSource.TYPED)  # fmt: skip
    service = models.CharField("service (activité)", max_length=40, blank=True)

    class Meta:
        verbose_name = "objectif de CPOM"
        verbose_name_plural = "objectifs de CPOM"
        ordering = ["cpom", "position", "id"]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class CpomTarget(models.Model):
    """An objective's target value for a year, and its actual when typed."""

    objective = models.ForeignKey(CpomObjective, verbose_name="objectif", on_delete=models.CASCADE,
                                  related_name="targets")  # fmt: skip
    year = models.PositiveSmallIntegerField("année")
    target = FrenchDecimalField("cible", max_digits=14, decimal_places=2)
    actual = FrenchDecimalField("réalisé saisi", max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "cible annuelle"
        verbose_name_plural = "cibles annuelles"
        ordering = ["objective", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "year"],
                name="associations_cpomtarget_once",
                violation_error_message="Cet objectif a déjà une cible pour cette année.",
            )
        ]

    def __str__(self) -> str:
        return f"Cible {self.year} — {self.objective}"


class CpomMeans(models.Model):
    """The means of a year (budget) for an account group: income 7x (allocations, tariffs) or charges 6x."""

    cpom = models.ForeignKey(Cpom, verbose_name="CPOM", on_delete=models.CASCADE, related_name="means")
    year = models.PositiveSmallIntegerField("année")
    accounts = models.CharField("comptes (préfixe)", max_length=8)
    label = models.CharField("libellé", max_length=120)
    amount = MoneyField("budget")

    class Meta:
        verbose_name = "moyens de CPOM"
        verbose_name_plural = "moyens de CPOM"
        ordering = ["cpom", "year", "accounts"]
        constraints = [
            models.UniqueConstraint(
                fields=["cpom", "year", "accounts"],
                name="associations_cpommeans_once",
                violation_error_message="Ces comptes ont déjà un budget pour cette année du CPOM.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.accounts} {self.label}"


class CpomDeadline(Deadline):
    """A date owed to the CPOM's funders: the yearly report (with the ERRD) of a year, a dialogue de gestion, or
    any other the contract sets. `year` is the CPOM year a yearly report covers (empty for other dates); once
    the report is handed in (`done_on`), that year's objectives and means are frozen."""

    class Kind(models.TextChoices):
        REPORT = "rapport", "Rapport annuel et ERRD"
        DIALOGUE = "dialogue", "Dialogue de gestion"
        OTHER = "autre", "Autre échéance"

    cpom = models.ForeignKey(Cpom, verbose_name="CPOM", on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField("nature", max_length=10, choices=Kind.choices, default=Kind.OTHER)
    year = models.PositiveSmallIntegerField("année du CPOM", null=True, blank=True)

    class Meta(Deadline.Meta):
        verbose_name = "échéance de CPOM"
        verbose_name_plural = "échéances de CPOM"
        constraints = [
            models.UniqueConstraint(
                fields=["cpom", "year"],
                condition=Q(kind="rapport"),
                name="associations_cpom_report_once",
                violation_error_message="Ce CPOM a déjà une échéance de rapport pour cette année.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.due_on:%d/%m/%Y})"


class ActivityMonth(models.Model):
    """A service's activity for a month (SSIAD, SAAD…): places, days open, days and hours delivered, people."""

    service = models.CharField("service", max_length=40)
    month = models.DateField("mois")  # first day of the month
    places = models.PositiveIntegerField("places autorisées", default=0)
    days_open = models.PositiveSmallIntegerField("jours d'ouverture", default=0)
    days_delivered = models.PositiveIntegerField("journées réalisées", default=0)
    hours_delivered = FrenchDecimalField("heures réalisées", max_digits=10, decimal_places=2, default=0)
    persons = models.PositiveIntegerField("personnes accompagnées", default=0)
    waiting_list = models.PositiveIntegerField("liste d'attente", default=0)
    updated_at = models.DateTimeField("mis à jour le", default=timezone.now)

    class Meta:
        verbose_name = "activité mensuelle"
        verbose_name_plural = "activités mensuelles"
        ordering = ["-month", "service"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "month"],
                name="associations_activity_month_once",
                violation_error_message="L'activité de ce service est déjà saisie pour ce mois.",
            ),
            models.CheckConstraint(
                condition=Q(days_open__lte=31),
                name="associations_activity_days_open",
                violation_error_message="Un mois compte au plus 31 jours d'ouverture.",
            ),
        ]

    def __str__(self) -> str:
        return f"Activité {self.service} {self.month:%m/%Y}"
