"""Receivables: dunning levels and letters, invoices held out of dunning, customer credit limits.

A dunning letter is a frozen record of what was claimed: each invoice's amount due, its penalty
interest (with the per-half-year detail) and the recovery indemnity, as computed on the letter's date,
plus the PDF sent when one was produced. Amounts SQL sums are integer cents (MoneyField).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from pilote.lib.fields import BicField, FrenchDecimalField, IbanField
from pilote.lib.formats import format_eur
from pilote.lib.french import de
from pilote.lib.money import ZERO, MoneyField


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail (PDF joint)"
    LETTER = "letter", "Courrier à imprimer"


class DunningLevel(models.Model):
    """One step of the dunning ladder (Relance amiable, Seconde relance, Mise en demeure…).

    The texts are templates with placeholders between braces ({client}, {total_du}…), replaced by
    `templating.render` — plain substitution of known names, never code (see templating.py).
    """

    rank = models.PositiveSmallIntegerField("niveau")
    title = models.CharField("intitulé", max_length=80)
    days_after_due = models.PositiveIntegerField("jours après l'échéance")
    channel = models.CharField("envoi", max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    include_penalties = models.BooleanField("réclamer les pénalités et l'indemnité de 40 €", default=False)
    email_subject = models.CharField("objet de l'e-mail", max_length=200)
    email_body = models.TextField("texte de l'e-mail")
    letter_body = models.TextField("texte du courrier")
    is_active = models.BooleanField("actif", default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "niveau de relance"
        verbose_name_plural = "niveaux de relance"
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["rank"],
                name="receivables_dunninglevel_rank_unique",
                violation_error_message="Un niveau de relance porte déjà ce rang.",
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1),
                name="receivables_dunninglevel_rank_positive",
                violation_error_message="Le rang d'un niveau de relance est au moins 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.title}"


class DunningLetter(models.Model):
    customer = models.ForeignKey(
        "contacts.Contact", verbose_name="client", on_delete=models.PROTECT, related_name="dunning_letters"
    )
    level = models.ForeignKey(DunningLevel, verbose_name="niveau", on_delete=models.PROTECT, related_name="letters")
    rank = models.PositiveSmallIntegerField("niveau")  # copied: levels can be renamed or re-ranked later
    title = models.CharField("intitulé", max_length=80)
    date = models.DateField("date")
    channel = models.CharField("envoi", max_length=10, choices=Channel.choices)
    email_to = models.EmailField("envoyé à", blank=True)
    subject = models.CharField("objet", max_length=200)
    body = models.TextField("texte")
    claims_penalties = models.BooleanField("pénalités réclamées", default=False)
    total_due = MoneyField("reste dû", default=ZERO)
    total_penalties = MoneyField("pénalités", default=ZERO)
    total_indemnities = MoneyField("indemnités forfaitaires", default=ZERO)
    total = MoneyField("total réclamé", default=ZERO)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    pdf = models.BinaryField("courrier PDF", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lettre de relance"
        verbose_name_plural = "lettres de relance"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["customer", "-date"], name="receivables_letter_cust_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_due__gt=0),
                name="receivables_dunningletter_due_positive",
                violation_error_message="Une lettre de relance porte sur un montant dû positif.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} du {self.date:%d/%m/%Y}"

    @property
    def total_charges(self):
        """Penalties plus fixed indemnities, as Decimal (templates never add money: `add` drops the cents)."""
        return self.total_penalties + self.total_indemnities


class DunningLetterLine(models.Model):
    letter = models.ForeignKey(DunningLetter, on_delete=models.CASCADE, related_name="lines")
    # A Pilote invoice, or an old invoice taken over into the ledger (`ledger_items.py`): its open line on 411.
    invoice = models.ForeignKey(
        "sales.Invoice", on_delete=models.PROTECT, related_name="dunning_lines", null=True, blank=True
    )
    entry_line = models.ForeignKey(
        "ledger.EntryLine",
        verbose_name="facture reprise (ligne du compte client)",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    rank = models.PositiveSmallIntegerField("niveau atteint")  # 0: listed, no level reached by this letter
    invoice_number = models.CharField("facture", max_length=40)
    invoice_date = models.DateField("date de la facture", null=True, blank=True)  # unknown for some taken over
    due_date = models.DateField("échéance")
    total_gross = MoneyField("montant TTC")
    amount_due = MoneyField("reste dû")
    days_late = models.PositiveIntegerField("jours de retard")
    penalty = MoneyField("pénalités", default=ZERO)
    indemnity = MoneyField("indemnité forfaitaire", default=ZERO)
    penalty_detail = models.JSONField("détail des pénalités", default=list)

    class Meta:
        verbose_name = "ligne de lettre de relance"
        verbose_name_plural = "lignes de lettre de relance"
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["invoice", "rank"], name="receivables_line_invoice_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_due__gt=0),
                name="receivables_line_due_positive",
                violation_error_message="Chaque facture relancée a un montant dû positif.",
            ),
            models.CheckConstraint(
                condition=Q(invoice__isnull=True, entry_line__isnull=False)
                | Q(invoice__isnull=False, entry_line__isnull=True),
                name="receivables_line_one_source",
                violation_error_message="Une ligne de relance porte sur une facture de Pilote ou sur une facture "
                "reprise, pas les deux.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_number} : {format_eur(self.amount_due)} dus, {self.days_late} jours de retard"


class DunningHold(models.Model):
    """An invoice kept out of dunning (dispute, agreed payment plan…) until the hold is lifted: a Pilote invoice, or
    an old invoice taken over into the ledger (`ledger_items.py`), held by its open line on 411 and found by customer
    and invoice number (`ledger_items.holds_of`), so the hold stays when the closing carries the line forward."""

    invoice = models.OneToOneField(
        "sales.Invoice", on_delete=models.CASCADE, related_name="dunning_hold", null=True, blank=True
    )
    entry_line = models.OneToOneField(
        "ledger.EntryLine",
        verbose_name="facture reprise (ligne du compte client)",
        on_delete=models.PROTECT,
        related_name="dunning_hold",
        null=True,
        blank=True,
    )
    reason = models.CharField("motif", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "facture exclue des relances"
        verbose_name_plural = "factures exclues des relances"
        constraints = [
            models.CheckConstraint(
                condition=Q(invoice__isnull=False, entry_line__isnull=True)
                | Q(invoice__isnull=True, entry_line__isnull=False),
                name="receivables_hold_one_document",
                violation_error_message="Une exclusion porte sur une facture de Pilote ou sur une facture reprise.",
            )
        ]

    def __str__(self) -> str:
        return f"Exclusion des relances : {self.reason}"


class CreditLimit(models.Model):
    """The customer's authorised outstanding (encours autorisé): a warning, never a block."""

    customer = models.OneToOneField(
        "contacts.Contact", verbose_name="client", on_delete=models.CASCADE, related_name="credit_limit"
    )
    amount = MoneyField("encours autorisé")
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "encours autorisé"
        verbose_name_plural = "encours autorisés"
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="receivables_creditlimit_positive",
                violation_error_message="Le plafond d'encours ne peut pas être négatif.",
            )
        ]

    def __str__(self) -> str:
        return f"Encours autorisé {de(str(self.customer))}"


class DoubtfulStatus(models.TextChoices):
    DOUBTFUL = "doubtful", "Douteuse"
    WRITTEN_OFF = "written_off", "Passée en perte"


class VatRegime(models.TextChoices):
    """When the VAT of an old invoice (taken over from the previous tool) fell due: it decides what becomes of it
    when the debt is lost (bad_debts.py)."""

    DEBITS = "debits", "TVA sur les débits (déclarée à la facturation)"
    RECEIPTS = "receipts", "TVA sur les encaissements (en attente au 44588)"


class DoubtfulDebt(models.Model):
    """An invoice whose payment is doubtful: moved from 411 to 416, written down (491), then written off (654)
    or recovered. The amounts are those of the open share when it was classed (bad_debts.py).

    A Pilote invoice (`invoice`), or an old invoice of the previous tool taken over into the ledger
    (`ledger_items.py`): then `entry_line` is its open line on 411 when it was classed, `reference` its number, and
    what the old tool knew of its VAT — typed by the user, as no VAT line of Pilote stands for it — is kept in
    `invoice_net`, `invoice_vat` (the sums of its `vat_lines`, one per VAT rate), `vat_rate` (the rate when only one)
    and `vat_regime`."""

    invoice = models.OneToOneField(
        "sales.Invoice", verbose_name="facture", on_delete=models.PROTECT, related_name="doubtful_debt", null=True,
        blank=True,
    )  # fmt: skip
    entry_line = models.OneToOneField(
        "ledger.EntryLine",
        verbose_name="facture reprise (ligne du compte client)",
        on_delete=models.PROTECT,
        related_name="doubtful_debt",
        null=True,
        blank=True,
    )
    reference = models.CharField("n° de la facture reprise", max_length=40, blank=True)
    invoice_net = MoneyField("montant HT de la facture reprise", null=True, blank=True)
    invoice_vat = MoneyField("TVA de la facture reprise", null=True, blank=True)
    vat_rate = FrenchDecimalField("taux de TVA (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    vat_regime = models.CharField("régime de TVA", max_length=10, choices=VatRegime.choices, blank=True)
    customer = models.ForeignKey(
        "contacts.Contact", verbose_name="client", on_delete=models.PROTECT, related_name="doubtful_debts"
    )
    status = models.CharField("état", max_length=12, choices=DoubtfulStatus.choices, default=DoubtfulStatus.DOUBTFUL)
    classified_on = models.DateField("classée douteuse le")
    amount_gross = MoneyField("créance TTC transférée au 416")
    amount_net = MoneyField("créance hors taxes (base de la dépréciation)")
    amount_vat = MoneyField("TVA sur la part impayée")
    provision_rate = FrenchDecimalField("taux de dépréciation (%)", max_digits=5, decimal_places=2, default=ZERO)
    provision = MoneyField("dépréciation constituée", default=ZERO)
    written_off_on = models.DateField("passée en perte le", null=True, blank=True)
    loss_proof = models.CharField("justificatif de l'irrécouvrabilité", max_length=200, blank=True)
    recovered = MoneyField("encaissé depuis le classement", default=ZERO)
    write_off_entry = models.ForeignKey(
        "ledger.Entry",
        verbose_name="écriture de passage en perte",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        verbose_name = "créance douteuse"
        verbose_name_plural = "créances douteuses"
        ordering = ["classified_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_gross__gt=0) & Q(amount_net__gte=0) & Q(amount_vat__gte=0),
                name="receivables_doubtfuldebt_amounts",
                violation_error_message="Une créance douteuse porte sur un montant positif.",
            ),
            models.CheckConstraint(
                condition=Q(provision__gte=0) & Q(provision__lte=models.F("amount_net")),
                name="receivables_doubtfuldebt_provision_range",
                violation_error_message="La dépréciation ne peut dépasser la créance hors taxes.",
            ),
            models.CheckConstraint(
                condition=Q(invoice__isnull=False, entry_line__isnull=True, reference="")
                | Q(invoice__isnull=True, entry_line__isnull=False, invoice_net__isnull=False) & ~Q(reference=""),
                name="receivables_doubtfuldebt_one_document",
                violation_error_message="Une créance douteuse porte sur une facture de Pilote ou sur une facture "
                "reprise.",
            ),
            models.UniqueConstraint(
                fields=["customer", "reference"],
                condition=~Q(reference=""),
                name="receivables_doubtfuldebt_old_invoice_once",
                violation_error_message="Cette facture reprise est déjà classée douteuse.",
            ),
        ]

    def __str__(self) -> str:
        return f"Créance douteuse {self.number}"

    @property
    def number(self) -> str:
        """The invoice's number: Pilote's, or the old tool's."""
        return self.reference or self.invoice.number

    @property
    def taken_over(self) -> bool:
        return self.invoice_id is None

    @property
    def is_written_off(self) -> bool:
        return self.status == DoubtfulStatus.WRITTEN_OFF


class OldInvoiceVatLine(models.Model):
    """One VAT rate of an old invoice classed doubtful, as the user typed it from the previous tool (bad_debts.py):
    its amount excluding VAT and its VAT at that rate. An invoice mixing rates (20 % and 5,5 %…) has one per rate; the
    debt's `invoice_net` and `invoice_vat` are their sums."""

    debt = models.ForeignKey(DoubtfulDebt, verbose_name="créance", on_delete=models.CASCADE, related_name="vat_lines")
    position = models.PositiveSmallIntegerField("rang", default=1)
    rate = FrenchDecimalField("taux de TVA (%)", max_digits=5, decimal_places=2)
    net = MoneyField("montant HT")
    vat = MoneyField("TVA")

    class Meta:
        verbose_name = "taux de TVA d'une facture reprise"
        verbose_name_plural = "taux de TVA des factures reprises"
        ordering = ["debt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["debt", "rate"],
                name="receivables_oldinvoicevatline_rate_once",
                violation_error_message="Un taux de TVA ne figure qu'une fois par facture reprise.",
            ),
            models.CheckConstraint(
                condition=Q(net__gt=0) & Q(vat__gte=0),
                name="receivables_oldinvoicevatline_amounts",
                violation_error_message="Le montant HT d'un taux est positif, sa TVA positive ou nulle.",
            ),
        ]

    def __str__(self) -> str:
        return f"{format_eur(self.net)} HT à {self.rate} % : TVA {format_eur(self.vat)}"


class DoubtfulEventKind(models.TextChoices):
    CLASSIFIED = "classified", "Classée douteuse"
    PROVISIONED = "provisioned", "Dépréciation"
    WRITTEN_OFF = "written_off", "Passée en perte"
    RECOVERED = "recovered", "Encaissement"


class DoubtfulDebtEvent(models.Model):
    """One step of a doubtful debt, shown on the customer's account as its timeline."""

    debt = models.ForeignKey(DoubtfulDebt, verbose_name="créance", on_delete=models.CASCADE, related_name="events")
    date = models.DateField("date")
    kind = models.CharField("étape", max_length=12, choices=DoubtfulEventKind.choices)
    label = models.CharField("libellé", max_length=200)
    amount = MoneyField("montant", default=ZERO)
    entries = models.ManyToManyField("ledger.Entry", verbose_name="écritures", related_name="+", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "étape de créance douteuse"
        verbose_name_plural = "étapes de créances douteuses"
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.label} le {self.date:%d/%m/%Y}"


# --- SEPA direct debit (SDD Core): mandates and collection runs ---------------------------------------------------


class DirectDebitSettings(models.Model):
    """The structure's SEPA creditor identifier (ICS, « identifiant créancier SEPA », given by its bank): one row."""

    creditor_id = models.CharField("identifiant créancier SEPA (ICS)", max_length=35, blank=True)

    class Meta:
        verbose_name = "réglage des prélèvements"
        verbose_name_plural = "réglages des prélèvements"
        constraints = [
            models.CheckConstraint(
                condition=Q(id=1),
                name="receivables_ddsettings_single",
                violation_error_message="Les réglages des prélèvements n'ont qu'une ligne.",
            )
        ]

    def __str__(self) -> str:
        return f"Prélèvements SEPA : ICS {self.creditor_id}" if self.creditor_id else "Prélèvements SEPA : ICS à saisir"


class MandateStatus(models.TextChoices):
    ACTIVE = "active", "Actif"
    REVOKED = "revoked", "Révoqué"


class Mandate(models.Model):
    """A customer's signed SEPA direct debit mandate (SDD Core): its unique reference (RUM), signature date and the
    account debited. Its first collection goes as FRST, the next ones as RCUR."""

    customer = models.ForeignKey(
        "contacts.Contact", verbose_name="client", on_delete=models.PROTECT, related_name="sepa_mandates"
    )
    reference = models.CharField("référence unique du mandat (RUM)", max_length=35, unique=True)
    signed_on = models.DateField("date de signature")
    iban = IbanField("IBAN du débiteur")
    bic = BicField("BIC", blank=True)
    status = models.CharField("statut", max_length=10, choices=MandateStatus.choices, default=MandateStatus.ACTIVE)
    first_collected_on = models.DateField("premier prélèvement", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "mandat de prélèvement SEPA"
        verbose_name_plural = "mandats de prélèvement SEPA"
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"Mandat {self.reference}"

    @property
    def sequence(self) -> str:
        """FRST for the mandate's first collection, RCUR after (EPC SDD Core rulebook)."""
        return "RCUR" if self.first_collected_on else "FRST"


class CollectionStatus(models.TextChoices):
    DRAFT = "draft", "En préparation"
    EXECUTED = "executed", "Encaissé"
    CANCELLED = "cancelled", "Annulé"


class CollectionRun(models.Model):
    """A batch of customer invoices collected by SEPA direct debit on one date into one bank account."""

    bank_account = models.ForeignKey(
        "ledger.BankAccount", verbose_name="compte crédité", on_delete=models.PROTECT, related_name="+"
    )
    collection_date = models.DateField("date d'échéance du prélèvement")
    status = models.CharField("statut", max_length=10, choices=CollectionStatus.choices, default=CollectionStatus.DRAFT)
    message_id = models.CharField("identifiant du message (MsgId)", max_length=35, unique=True)
    creditor_id = models.CharField("ICS", max_length=35)
    total = MoneyField("montant total", default=ZERO)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField("préparé le", auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "lot de prélèvements"
        verbose_name_plural = "lots de prélèvements"
        ordering = ["-collection_date", "-id"]

    def __str__(self) -> str:
        return f"Lot de prélèvements {self.message_id}"


class CollectionItem(models.Model):
    """One customer invoice collected: one direct debit under the customer's mandate, FRST or RCUR."""

    run = models.ForeignKey(CollectionRun, on_delete=models.CASCADE, related_name="items")
    invoice = models.ForeignKey(
        "sales.Invoice", verbose_name="facture", on_delete=models.PROTECT, related_name="collection_items"
    )
    mandate = models.ForeignKey(Mandate, verbose_name="mandat", on_delete=models.PROTECT, related_name="items")
    amount = MoneyField("montant")
    sequence = models.CharField("séquence", max_length=4)
    end_to_end_id = models.CharField("référence de bout en bout", max_length=35)

    class Meta:
        verbose_name = "prélèvement du lot"
        verbose_name_plural = "prélèvements du lot"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="receivables_collectionitem_positive",
                violation_error_message="Le montant d'un prélèvement doit être positif.",
            ),
            models.CheckConstraint(
                condition=Q(sequence__in=["FRST", "RCUR"]),
                name="receivables_collectionitem_sequence",
                violation_error_message="La séquence d'un prélèvement est FRST ou RCUR.",
            ),
        ]

    def __str__(self) -> str:
        return f"Prélèvement {self.end_to_end_id}"
