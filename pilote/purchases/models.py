"""Purchases: orders and their receipts; supplier invoices received (typed, or as Factur-X / CII / UBL e-invoices),
matched with their order, approved, posted.

A received e-invoice keeps its original file unchanged, with its SHA-256, as the legal original (since the
e-invoicing reform the PDF image alone is no longer the invoice: FRENCH-RULES §12). Amounts that SQL sums
are integer cents behind MoneyField.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from pilote.catalog.models import Unit, VatRate
from pilote.core.roles import Role
from pilote.lib.fields import FrenchDecimalField
from pilote.lib.formats import format_eur, format_percent, format_quantity
from pilote.lib.money import ZERO, MoneyField
from pilote.sales.models import Line, line_constraints
from pilote.sales.terms import latest_legal_due_date


class SupplierInvoiceKind(models.TextChoices):
    INVOICE = "invoice", "Facture"
    CREDIT_NOTE = "credit_note", "Avoir"


class SupplierInvoiceSource(models.TextChoices):
    TYPED = "typed", "Saisie"
    FACTURX = "factur-x", "Factur-X"
    CII = "cii", "CII"
    UBL = "ubl", "UBL 2.1"


class SupplierInvoiceStatus(models.TextChoices):
    RECEIVED = "received", "Reçue"
    APPROVED = "approved", "Bon à payer"
    DISPUTED = "disputed", "En litige"
    REFUSED = "refused", "Refusée"
    PAID = "paid", "Payée"


# The French e-invoicing lifecycle statuses (Dossier de spécifications externes FE v3.1, AIFE, and AFNOR
# XP Z12-012): the buyer's side. 204 « Prise en charge », 205 « Approuvée », 207 « En litige », 210 « Refusée »
# (mandatory, sent to the PPF), 211 « Paiement transmis ». A platform connector sends them from here.
LIFECYCLE_CODES = {
    SupplierInvoiceStatus.RECEIVED: ("204", "Prise en charge"),
    SupplierInvoiceStatus.APPROVED: ("205", "Approuvée"),
    SupplierInvoiceStatus.DISPUTED: ("207", "En litige"),
    SupplierInvoiceStatus.REFUSED: ("210", "Refusée"),
    SupplierInvoiceStatus.PAID: ("211", "Paiement transmis"),
}


class SupplierInvoice(models.Model):
    supplier = models.ForeignKey(
        "contacts.Contact", verbose_name="fournisseur", on_delete=models.PROTECT, related_name="supplier_invoices"
    )
    kind = models.CharField(
        "type", max_length=12, choices=SupplierInvoiceKind.choices, default=SupplierInvoiceKind.INVOICE
    )
    number = models.CharField("n° de facture du fournisseur", max_length=100)
    date = models.DateField("date de la facture")
    due_date = models.DateField("échéance", null=True, blank=True)
    # The latest due date C. com. L441-10 allows (60 days from the invoice date, or 45 days end of month),
    # kept from the invoice date by save() so the list filters invoices whose terms go beyond it in SQL.
    legal_due_limit = models.DateField("échéance légale au plus tard", null=True, blank=True, editable=False)
    currency = models.CharField("devise", max_length=3, default="EUR")
    source = models.CharField(
        "origine", max_length=10, choices=SupplierInvoiceSource.choices, default=SupplierInvoiceSource.TYPED
    )
    profile = models.CharField("profil", max_length=20, blank=True)
    status = models.CharField(
        "statut", max_length=10, choices=SupplierInvoiceStatus.choices, default=SupplierInvoiceStatus.RECEIVED
    )
    total_net = MoneyField("total HT", default=ZERO)
    total_vat = MoneyField("total TVA", default=ZERO)
    total_gross = MoneyField("total TTC", default=ZERO)
    prepaid = MoneyField("déjà payé", default=ZERO)
    payable = MoneyField("net à payer", default=ZERO)
    order_reference = models.CharField("référence de commande", max_length=100, blank=True)
    buyer_reference = models.CharField("référence acheteur", max_length=100, blank=True)
    payment_terms = models.TextField("conditions de paiement", blank=True)
    supplier_iban = models.CharField("IBAN du fournisseur sur la facture", max_length=34, blank=True)
    seller_snapshot = models.JSONField("fournisseur tel qu'écrit sur la facture", default=dict, blank=True)
    notes = models.TextField("notes de la facture", blank=True)
    entry = models.ForeignKey(
        "ledger.Entry", verbose_name="écriture", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="décision par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField("décision le", null=True, blank=True)
    refusal_reason = models.CharField("motif du refus ou du litige", max_length=300, blank=True)
    order = models.ForeignKey(
        "PurchaseOrder",
        verbose_name="commande fournisseur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    # The three-way match's differences accepted by direction, with the reason (cleared when the links change).
    match_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="écarts acceptés par", on_delete=models.PROTECT, null=True,
        related_name="+",
    )  # fmt: skip
    match_accepted_at = models.DateTimeField("écarts acceptés le", null=True, blank=True)
    match_accepted_reason = models.CharField("motif de l'acceptation des écarts", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField("reçue le", auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "facture fournisseur"
        verbose_name_plural = "factures fournisseurs"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "number"],
                name="purchases_invoice_unique_number",
                violation_error_message="Ce fournisseur a déjà une facture enregistrée sous ce numéro.",
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(due_date__gte=models.F("date")),
                name="purchases_invoice_due_after_date",
                violation_error_message="L'échéance ne peut pas précéder la date de la facture.",
            ),
            models.CheckConstraint(
                condition=Q(currency="EUR"),
                name="purchases_invoice_in_euros",
                violation_error_message="Pilote ne comptabilise que des factures en euros.",
            ),
        ]
        indexes = [models.Index(fields=["status", "-date"], name="purchases_invoice_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} de {self.supplier.display_name}"

    def save(self, *args, **kwargs):
        self.legal_due_limit = latest_legal_due_date(self.date) if self.date else None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "date" in update_fields:
            kwargs["update_fields"] = {*update_fields, "legal_due_limit"}
        super().save(*args, **kwargs)

    @property
    def beyond_legal_terms(self) -> bool:
        """Terms longer than L441-10 allows: the due date is after both 60 days and 45 days end of month."""
        return bool(self.due_date and self.legal_due_limit and self.due_date > self.legal_due_limit)

    @property
    def is_credit_note(self) -> bool:
        return self.kind == SupplierInvoiceKind.CREDIT_NOTE

    @property
    def lifecycle(self) -> tuple[str, str]:
        return LIFECYCLE_CODES[SupplierInvoiceStatus(self.status)]

    @property
    def is_decided(self) -> bool:
        return self.status != SupplierInvoiceStatus.RECEIVED

    @property
    def profile_label(self) -> str:
        from pilote.purchases.einvoice_reader import PROFILE_LABELS

        return PROFILE_LABELS.get(self.profile, self.profile.upper())


class SupplierInvoiceLine(models.Model):
    """A line as the supplier wrote it (BG-25), or a document-level allowance/charge (BG-20/BG-21) turned into a
    line so the lines always add up to the total excl. VAT; `account` is the expense account it is posted to."""

    invoice = models.ForeignKey(SupplierInvoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=1)
    description = models.CharField("désignation", max_length=500)
    quantity = FrenchDecimalField("quantité", max_digits=14, decimal_places=4, default=Decimal("1"))
    unit_code = models.CharField("unité", max_length=10, blank=True)
    unit_price = FrenchDecimalField("prix unitaire HT", max_digits=16, decimal_places=6, default=Decimal("0"))
    net_amount = MoneyField("montant HT", default=ZERO)
    vat_category = models.CharField("catégorie de TVA", max_length=3, default="S")
    vat_rate = FrenchDecimalField("taux de TVA", max_digits=5, decimal_places=2, default=Decimal("20"))
    seller_item_id = models.CharField("référence fournisseur", max_length=100, blank=True)
    account = models.CharField("compte de charge", max_length=20, blank=True)
    is_fixed_asset = models.BooleanField("immobilisation", default=False)
    order_line = models.ForeignKey(
        "PurchaseOrderLine",
        verbose_name="ligne de commande",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice_lines",
    )
    fixed_asset = models.OneToOneField(
        "ledger.FixedAsset", verbose_name="immobilisation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="invoice_line",
    )  # fmt: skip

    class Meta:
        verbose_name = "ligne de facture fournisseur"
        verbose_name_plural = "lignes de factures fournisseurs"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description


class SupplierInvoiceVat(models.Model):
    """The VAT breakdown as the invoice states it (BG-23): what the supplier charged, hence what is deductible."""

    invoice = models.ForeignKey(SupplierInvoice, on_delete=models.CASCADE, related_name="vat_groups")
    category = models.CharField("catégorie", max_length=3)
    rate = FrenchDecimalField("taux", max_digits=5, decimal_places=2)
    base = MoneyField("base HT")
    amount = MoneyField("TVA")
    exemption_reason = models.CharField("motif d'exonération", max_length=300, blank=True)

    class Meta:
        verbose_name = "TVA de facture fournisseur"
        verbose_name_plural = "TVA des factures fournisseurs"
        ordering = ["-rate", "category"]

    def __str__(self) -> str:
        return f"TVA {self.category} {self.rate} % sur {format_eur(self.base)}"


class SupplierInvoiceOriginal(models.Model):
    """The received file itself, byte for byte, with its SHA-256: the legal original of an e-invoice."""

    invoice = models.OneToOneField(SupplierInvoice, on_delete=models.PROTECT, related_name="original")
    filename = models.CharField("nom du fichier", max_length=255)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()
    size = models.PositiveIntegerField("taille")
    sha256 = models.CharField("empreinte SHA-256", max_length=64, unique=True)
    received_at = models.DateTimeField("reçu le", auto_now_add=True)

    class Meta:
        verbose_name = "original de facture reçue"
        verbose_name_plural = "originaux de factures reçues"

    def __str__(self) -> str:
        return f"Original {self.filename}"


class PaymentRunStatus(models.TextChoices):
    DRAFT = "draft", "En préparation"
    APPROVED = "approved", "Approuvé"
    EXECUTED = "executed", "Exécuté"
    CANCELLED = "cancelled", "Annulé"


class PaymentRun(models.Model):
    """A batch of supplier payments by SEPA credit transfer from one bank account, on one execution date."""

    bank_account = models.ForeignKey(
        "ledger.BankAccount", verbose_name="compte débité", on_delete=models.PROTECT, related_name="+"
    )
    execution_date = models.DateField("date d'exécution demandée")
    status = models.CharField("statut", max_length=10, choices=PaymentRunStatus.choices, default=PaymentRunStatus.DRAFT)
    message_id = models.CharField("identifiant du message (MsgId)", max_length=35, unique=True)
    total = MoneyField("montant total", default=ZERO)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField("préparé le", auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="approuvé par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    approved_at = models.DateTimeField("approuvé le", null=True, blank=True)
    entry = models.ForeignKey(
        "ledger.Entry", verbose_name="écriture", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "lot de virements fournisseurs"
        verbose_name_plural = "lots de virements fournisseurs"
        ordering = ["-execution_date", "-id"]

    def __str__(self) -> str:
        return f"Lot de virements {self.message_id}"


class PaymentRunItem(models.Model):
    """One supplier invoice paid by the run: one credit transfer whose remittance information names it. The invoice
    is a Pilote supplier invoice, or an old one taken over into the ledger (`payables.taken_over`): its open line
    on the supplier's 401."""

    run = models.ForeignKey(PaymentRun, on_delete=models.CASCADE, related_name="items")
    invoice = models.ForeignKey(
        SupplierInvoice,
        verbose_name="facture",
        on_delete=models.PROTECT,
        related_name="payment_items",
        null=True,
        blank=True,
    )
    entry_line = models.ForeignKey(
        "ledger.EntryLine",
        verbose_name="facture reprise (ligne du compte fournisseur)",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    amount = MoneyField("montant")
    iban = models.CharField("IBAN du fournisseur", max_length=34)
    bic = models.CharField("BIC", max_length=11, blank=True)
    end_to_end_id = models.CharField("référence de bout en bout", max_length=35)

    class Meta:
        verbose_name = "virement du lot"
        verbose_name_plural = "virements du lot"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="purchases_runitem_positive",
                violation_error_message="Le montant d'un virement doit être positif.",
            ),
            models.CheckConstraint(
                condition=Q(invoice__isnull=True, entry_line__isnull=False)
                | Q(invoice__isnull=False, entry_line__isnull=True),
                name="purchases_runitem_one_source",
                violation_error_message="Un virement paie une facture de Pilote ou une facture reprise, pas les deux.",
            ),
        ]

    def __str__(self) -> str:
        return f"Virement {self.end_to_end_id}"

    @property
    def supplier(self):
        return self.invoice.supplier if self.invoice_id else self.entry_line.auxiliary.contact

    @property
    def number(self) -> str:
        return self.invoice.number if self.invoice_id else self.entry_line.reference


# --- Purchase orders, approval limits, receipts ---------------------------------------------------------------

ORDER_SERIES = "BC"  # bon de commande, numbered by sales.numbering (one unbroken sequence per year)
RECEIPT_SERIES = "BR"  # bon de réception


class PurchaseOrderStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    TO_APPROVE = "to_approve", "À approuver"
    APPROVED = "approved", "Approuvée"
    SENT = "sent", "Envoyée"
    PARTIAL = "partial", "Reçue en partie"
    RECEIVED = "received", "Reçue"
    CLOSED = "closed", "Soldée"
    CANCELLED = "cancelled", "Annulée"


class PurchaseOrder(models.Model):
    """A purchase order (bon de commande fournisseur): prepared, approved within the approver's limit, sent."""

    number = models.CharField("numéro", max_length=20, unique=True)
    supplier = models.ForeignKey(
        "contacts.Contact", verbose_name="fournisseur", on_delete=models.PROTECT, related_name="purchase_orders"
    )
    date = models.DateField("date de commande")
    expected_delivery = models.DateField("livraison souhaitée le", null=True, blank=True)
    delivery_place = models.CharField(
        "adresse de livraison", max_length=300, blank=True, help_text="Vide : l'adresse de la structure."
    )
    supplier_reference = models.CharField("référence du devis fournisseur", max_length=60, blank=True)
    notes = models.TextField("conditions particulières", blank=True)
    status = models.CharField(
        "statut", max_length=12, choices=PurchaseOrderStatus.choices, default=PurchaseOrderStatus.DRAFT
    )
    total_net = MoneyField("total HT", default=ZERO)
    total_vat = MoneyField("total TVA", default=ZERO)
    total_gross = MoneyField("total TTC", default=ZERO)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="demandeur", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="approuvée par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    approved_at = models.DateTimeField("approuvée le", null=True, blank=True)
    refusal_reason = models.CharField("motif du dernier refus", max_length=300, blank=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    closing_reason = models.CharField("motif de clôture ou d'annulation", max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "commande fournisseur"
        verbose_name_plural = "commandes fournisseurs"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["status", "-date"], name="purchases_order_status_idx")]

    def __str__(self) -> str:
        return f"Commande fournisseur {self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == PurchaseOrderStatus.DRAFT

    @property
    def can_receive(self) -> bool:
        return self.status in RECEIVABLE_STATUSES


RECEIVABLE_STATUSES = frozenset({PurchaseOrderStatus.APPROVED, PurchaseOrderStatus.SENT, PurchaseOrderStatus.PARTIAL})


class PurchaseOrderLine(Line):
    """An ordered line (the sales line: article or free text, quantity, unit price, discount, VAT); `account` is
    the expense or asset account proposed to the invoice. Received and refused quantities follow the receipts."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    account = models.CharField("compte de charge", max_length=20, blank=True)
    received_quantity = FrenchDecimalField("quantité reçue", max_digits=12, decimal_places=3, default=Decimal("0"))
    refused_quantity = FrenchDecimalField("quantité refusée", max_digits=12, decimal_places=3, default=Decimal("0"))

    class Meta(Line.Meta):
        verbose_name = "ligne de commande fournisseur"
        verbose_name_plural = "lignes de commandes fournisseurs"
        constraints = [
            *line_constraints("purchases_orderline"),
            models.CheckConstraint(
                condition=Q(received_quantity__gte=0) & Q(refused_quantity__gte=0),
                name="purchases_orderline_received_positive",
                violation_error_message="Les quantités reçues et refusées ne peuvent pas être négatives.",
            ),
        ]

    @property
    def to_receive(self) -> Decimal:
        return max(self.quantity - self.received_quantity, ZERO)


class ApprovalLimit(models.Model):
    """Up to which amount excl. VAT a role approves a purchase order by itself; direction has no limit. Above its
    limit, the requester's order waits for someone whose limit covers it."""

    role = models.CharField("rôle", max_length=20, choices=Role.choices, unique=True)
    max_amount = MoneyField("montant HT maximal")

    class Meta:
        verbose_name = "seuil d'approbation des commandes"
        verbose_name_plural = "seuils d'approbation des commandes"
        ordering = ["role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_amount__gte=0),
                name="purchases_limit_positive",
                violation_error_message="Le seuil d'approbation ne peut pas être négatif.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} : jusqu'à {format_eur(self.max_amount)} HT"


class MatchTolerance(models.Model):
    """The tolerances of the three-way match (one row, id 1): a price or quantity beyond them blocks the
    « bon à payer » until direction accepts the difference."""

    price_percent = FrenchDecimalField("écart de prix toléré (%)", max_digits=5, decimal_places=2, default=Decimal("1"))
    quantity_percent = FrenchDecimalField(
        "écart de quantité toléré (%)", max_digits=5, decimal_places=2, default=Decimal("0")
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "tolérance du rapprochement"
        verbose_name_plural = "tolérances du rapprochement"
        constraints = [
            models.CheckConstraint(
                condition=Q(price_percent__gte=0) & Q(quantity_percent__gte=0),
                name="purchases_tolerance_positive",
                violation_error_message="Une tolérance ne peut pas être négative.",
            )
        ]

    def __str__(self) -> str:
        price, quantity = format_percent(self.price_percent), format_percent(self.quantity_percent)
        return f"Tolérances : prix {price}, quantités {quantity}"


class ReceiptQuality(models.TextChoices):
    CONFORM = "conform", "Conforme"
    DAMAGED = "damaged", "Endommagé"
    WRONG = "wrong", "Article erroné"
    MISSING = "missing", "Manquant"


class Receipt(models.Model):
    """A receipt (réception) of an order's lines, full or partial, against the supplier's delivery note."""

    number = models.CharField("numéro", max_length=20, unique=True)
    order = models.ForeignKey(PurchaseOrder, verbose_name="commande", on_delete=models.PROTECT, related_name="receipts")
    date = models.DateField("date de réception")
    delivery_note = models.CharField("n° du bon de livraison du fournisseur", max_length=60, blank=True)
    notes = models.TextField("observations", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="reçue par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "réception"
        verbose_name_plural = "réceptions"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Réception {self.number}"


class ReceiptLine(models.Model):
    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, related_name="receipt_lines")
    quantity = FrenchDecimalField("quantité acceptée", max_digits=12, decimal_places=3, default=Decimal("0"))
    refused_quantity = FrenchDecimalField("quantité refusée", max_digits=12, decimal_places=3, default=Decimal("0"))
    quality = models.CharField("état", max_length=10, choices=ReceiptQuality.choices, default=ReceiptQuality.CONFORM)
    reason = models.CharField("motif du refus", max_length=300, blank=True)
    lots = models.TextField("lots ou numéros de série", blank=True)  # typed on the form; the stock reads them

    class Meta:
        verbose_name = "ligne de réception"
        verbose_name_plural = "lignes de réception"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0) & Q(refused_quantity__gte=0),
                name="purchases_receiptline_positive",
                violation_error_message="Les quantités reçues et refusées ne peuvent pas être négatives.",
            ),
            models.CheckConstraint(
                condition=Q(refused_quantity=0) | ~Q(reason=""),
                name="purchases_receiptline_refusal_reason",
                violation_error_message="Une quantité refusée demande son motif.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_line.description} × {format_quantity(self.quantity)}"


# --- Requests for quotes -------------------------------------------------------------------------------------

RFQ_SERIES = "DP"  # demande de prix


class QuoteRequestStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SENT = "sent", "Envoyée"
    ORDERED = "ordered", "Commandée"
    CANCELLED = "cancelled", "Abandonnée"


class QuoteRequest(models.Model):
    """A request for quotes (demande de prix) sent to several suppliers; their answers are compared side by side
    and the chosen one becomes a purchase order."""

    number = models.CharField("numéro", max_length=20, unique=True)
    title = models.CharField("objet", max_length=200)
    date = models.DateField("date")
    reply_by = models.DateField("réponse attendue le", null=True, blank=True)
    status = models.CharField(
        "statut", max_length=10, choices=QuoteRequestStatus.choices, default=QuoteRequestStatus.DRAFT
    )
    notes = models.TextField("précisions pour les fournisseurs", blank=True)
    chosen = models.ForeignKey(
        "QuoteAnswer", verbose_name="réponse retenue", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    choice_reason = models.CharField("motif du choix", max_length=300, blank=True)
    order = models.ForeignKey(
        PurchaseOrder, verbose_name="commande", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="demandeur", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "demande de prix"
        verbose_name_plural = "demandes de prix"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Demande de prix {self.number}"


class QuoteRequestLine(models.Model):
    request = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=1)
    product = models.ForeignKey(
        "catalog.Product", verbose_name="article", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField("désignation", max_length=500)
    quantity = FrenchDecimalField("quantité", max_digits=12, decimal_places=3, default=Decimal("1"))
    unit = models.CharField("unité", max_length=10, choices=Unit.choices, default=Unit.PIECE)

    class Meta:
        verbose_name = "ligne de demande de prix"
        verbose_name_plural = "lignes de demandes de prix"
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="purchases_rfqline_quantity_positive",
                violation_error_message="La quantité demandée doit être positive.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.description} × {format_quantity(self.quantity)}"


class QuoteAnswer(models.Model):
    """One supplier consulted by the request, and its answer once typed (prices per line, delay, conditions)."""

    request = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="answers")
    supplier = models.ForeignKey(
        "contacts.Contact", verbose_name="fournisseur", on_delete=models.PROTECT, related_name="quote_answers"
    )
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    answered_on = models.DateField("réponse reçue le", null=True, blank=True)
    delay_days = models.PositiveIntegerField("délai de livraison (jours)", null=True, blank=True)
    conditions = models.CharField("conditions (paiement, port, validité)", max_length=300, blank=True)
    reference = models.CharField("référence du devis fournisseur", max_length=60, blank=True)
    total_net = MoneyField("total HT proposé", default=ZERO)

    class Meta:
        verbose_name = "réponse à une demande de prix"
        verbose_name_plural = "réponses aux demandes de prix"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "supplier"],
                name="purchases_answer_one_per_supplier",
                violation_error_message="Ce fournisseur est déjà consulté pour cette demande de prix.",
            )
        ]

    def __str__(self) -> str:
        return f"Réponse de {self.supplier.display_name}"


class QuoteAnswerLine(models.Model):
    answer = models.ForeignKey(QuoteAnswer, on_delete=models.CASCADE, related_name="lines")
    request_line = models.ForeignKey(QuoteRequestLine, on_delete=models.CASCADE, related_name="prices")
    unit_price = FrenchDecimalField("prix unitaire HT", max_digits=14, decimal_places=4, min_places=2)
    vat_rate = models.CharField("TVA", max_length=5, choices=VatRate.choices, default=VatRate.NORMAL)
    net_amount = MoneyField("montant HT", default=ZERO)

    class Meta:
        verbose_name = "prix proposé"
        verbose_name_plural = "prix proposés"
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "request_line"],
                name="purchases_answerline_unique",
                violation_error_message="Cette ligne a déjà son prix dans la réponse.",
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0),
                name="purchases_answerline_price_positive",
                violation_error_message="Le prix unitaire ne peut pas être négatif.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_line.description} : {format_eur(self.unit_price)}"


# --- Supplier evaluation -------------------------------------------------------------------------------------


class SupplierRating(models.Model):
    """A periodic manual rating of a supplier (0 to 5) by someone who works with it, beside the facts the
    scorecard computes (scorecard.py)."""

    supplier = models.ForeignKey(
        "contacts.Contact", verbose_name="fournisseur", on_delete=models.PROTECT, related_name="supplier_ratings"
    )
    rated_on = models.DateField("date de l'évaluation")
    score = models.PositiveSmallIntegerField("note (0 à 5)")
    comment = models.CharField("commentaire", max_length=300, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="évalué par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "évaluation d'un fournisseur"
        verbose_name_plural = "évaluations des fournisseurs"
        ordering = ["-rated_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__lte=5),
                name="purchases_rating_0_to_5",
                violation_error_message="Une note va de 0 à 5.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier.display_name} : {self.score}/5 le {self.rated_on:%d/%m/%Y}"


# --- Supplier selection files --------------------------------------------------------------------------------

SELECTION_SERIES = "DS"  # dossier de sélection


class SelectionStatus(models.TextChoices):
    OPEN = "open", "En cours"
    DECIDED = "decided", "Fournisseur retenu"
    CANCELLED = "cancelled", "Abandonné"


class SelectionFile(models.Model):
    """A supplier selection file for a need: candidate suppliers scored 0–5 on criteria weighted per file; the
    ranking is computed (selection.rank), the choice recorded with its justification."""

    number = models.CharField("numéro", max_length=20, unique=True)
    title = models.CharField("besoin", max_length=200)
    description = models.TextField("description du besoin", blank=True)
    date = models.DateField("date")
    status = models.CharField("statut", max_length=10, choices=SelectionStatus.choices, default=SelectionStatus.OPEN)
    chosen = models.ForeignKey(
        "contacts.Contact", verbose_name="fournisseur retenu", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    justification = models.TextField("justification du choix", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="choix par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField("choix le", null=True, blank=True)
    quote_request = models.ForeignKey(
        QuoteRequest, verbose_name="demande de prix", on_delete=models.PROTECT, null=True, blank=True,
        related_name="selection_files",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créé par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "dossier de sélection fournisseur"
        verbose_name_plural = "dossiers de sélection fournisseurs"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Dossier de sélection {self.number}"


class SelectionCriterion(models.Model):
    file = models.ForeignKey(SelectionFile, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveIntegerField(default=1)
    name = models.CharField("critère", max_length=100)
    weight = models.PositiveIntegerField("pondération")

    class Meta:
        verbose_name = "critère de sélection"
        verbose_name_plural = "critères de sélection"
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="purchases_criterion_weight_positive",
                violation_error_message="La pondération d'un critère doit être positive.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight})"


class SelectionCandidate(models.Model):
    file = models.ForeignKey(SelectionFile, on_delete=models.CASCADE, related_name="candidates")
    supplier = models.ForeignKey(
        "contacts.Contact", verbose_name="fournisseur", on_delete=models.PROTECT, related_name="selection_candidacies"
    )

    class Meta:
        verbose_name = "fournisseur candidat"
        verbose_name_plural = "fournisseurs candidats"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["file", "supplier"],
                name="purchases_candidate_unique",
                violation_error_message="Ce fournisseur est déjà candidat dans ce dossier.",
            )
        ]

    def __str__(self) -> str:
        return self.supplier.display_name


class SelectionScore(models.Model):
    candidate = models.ForeignKey(SelectionCandidate, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(SelectionCriterion, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField("note (0 à 5)")

    class Meta:
        verbose_name = "note d'un candidat"
        verbose_name_plural = "notes des candidats"
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "criterion"],
                name="purchases_selection_score_unique",
                violation_error_message="Ce candidat a déjà une note pour ce critère.",
            ),
            models.CheckConstraint(
                condition=Q(score__lte=5),
                name="purchases_selection_score_0_to_5",
                violation_error_message="Une note va de 0 à 5.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} : {self.criterion.name} {self.score}/5"
