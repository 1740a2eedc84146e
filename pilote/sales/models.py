"""Sales documents: quotes → orders → deliveries → invoices (deposit, final, credit notes) → payments.

Amounts that SQL sums (totals, paid amounts) are integer cents behind MoneyField. An issued invoice is
frozen: its lines, totals, number and the customer data copied onto it cannot change (service rules and
database triggers, see triggers.py); corrections are credit notes pointing at it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from pilote.catalog.models import EXEMPTION_MENTIONS, ProductKind, Unit, VatRate
from pilote.lib.fields import FrenchDecimalField
from pilote.lib.formats import format_eur, format_quantity
from pilote.lib.french import agree
from pilote.lib.money import ZERO, MoneyField


class Series(models.TextChoices):
    QUOTE = "D", "Devis"
    ORDER = "CC", "Commande client"
    DELIVERY = "BL", "Bon de livraison"
    INVOICE = "F", "Facture"
    CREDIT_NOTE = "AV", "Avoir"


class NumberSequence(models.Model):
    """Last number used per series and calendar year; taken under a row lock so numbers never repeat
    and, for invoices (taken in the issuing transaction), never skip (CGI ann. II art. 242 nonies A)."""

    series = models.CharField(max_length=4, choices=Series.choices)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "numérotation"
        verbose_name_plural = "numérotations"
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year"],
                name="sales_sequence_unique",
                violation_error_message="La numérotation de cette série existe déjà pour cette année : réessayez.",
            )
        ]

    def __str__(self) -> str:
        return f"Série {self.get_series_display()} {self.year} : dernier numéro {self.last_number}"


class PaymentTerm(models.TextChoices):
    """Agreed payment terms; C. com. L441-10 caps them at 60 days net or 45 days end of month."""

    ON_RECEIPT = "reception", "À réception"
    DAYS_30 = "30", "30 jours"
    DAYS_45_EOM = "45fdm", "45 jours fin de mois"
    DAYS_60 = "60", "60 jours"


class Document(models.Model):
    """What quotes, orders and invoices share: the customer, the date, the computed totals."""

    customer = models.ForeignKey("contacts.Contact", verbose_name="client", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("date")
    notes = models.TextField("conditions particulières", blank=True)
    total_net = MoneyField("total HT", default=ZERO)
    total_vat = MoneyField("total TVA", default=ZERO)
    total_gross = MoneyField("total TTC", default=ZERO)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class Line(models.Model):
    """A priced line: net = round(quantity × unit price × (1 − discount)), to the cent (EN 16931 BT-131)."""

    position = models.PositiveIntegerField(default=1)
    product = models.ForeignKey(
        "catalog.Product", verbose_name="article", on_delete=models.PROTECT, null=True, blank=True
    )
    reference = models.CharField("référence", max_length=40, blank=True)
    description = models.CharField("désignation", max_length=500)
    kind = models.CharField("nature", max_length=10, choices=ProductKind.choices, default=ProductKind.GOODS)
    quantity = FrenchDecimalField("quantité", max_digits=12, decimal_places=3, default=Decimal("1"))
    unit = models.CharField("unité", max_length=10, choices=Unit.choices, default=Unit.PIECE)
    unit_price = FrenchDecimalField("prix unitaire HT", max_digits=14, decimal_places=4, min_places=2)
    discount_percent = FrenchDecimalField("remise %", max_digits=5, decimal_places=2, default=Decimal("0"))
    vat_rate = models.CharField("TVA", max_length=5, choices=VatRate.choices, default=VatRate.NORMAL)
    exemption_mention = models.CharField(
        "mention d'exonération", max_length=120, blank=True, choices=EXEMPTION_MENTIONS
    )
    account = models.CharField("compte de vente", max_length=20, blank=True)
    net_amount = MoneyField("montant HT", default=ZERO)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.description} × {format_quantity(self.quantity)}"

    @property
    def rate(self) -> Decimal:
        return Decimal(self.vat_rate)


def line_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(
            condition=Q(unit_price__gte=0),
            name=f"{prefix}_price_positive",
            violation_error_message="Le prix unitaire ne peut pas être négatif.",
        ),
        models.CheckConstraint(
            condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=100),
            name=f"{prefix}_discount_range",
            violation_error_message="La remise est un pourcentage entre 0 et 100.",
        ),
        models.CheckConstraint(
            condition=~Q(vat_rate="0.00") | ~Q(exemption_mention=""),
            name=f"{prefix}_exempt_has_mention",
            violation_error_message="Une ligne exonérée de TVA doit porter sa mention légale d'exonération.",
        ),
    ]


# --- Quotes -------------------------------------------------------------------------------------


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SENT = "sent", "Envoyé"
    ACCEPTED = "accepted", "Accepté"
    REFUSED = "refused", "Refusé"
    EXPIRED = "expired", "Expiré"
    CANCELLED = "cancelled", "Annulé"


class Quote(Document):
    number = models.CharField("numéro", max_length=20, unique=True)
    valid_until = models.DateField("valable jusqu'au")
    status = models.CharField("statut", max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT)
    opportunity = models.ForeignKey(
        "pipeline.Opportunity",
        verbose_name="opportunité",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotes",
    )
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    decided_on = models.DateField("décision le", null=True, blank=True)
    acceptance_note = models.CharField("accord (signataire, référence)", max_length=200, blank=True)
    refusal_reason = models.CharField("motif du refus", max_length=200, blank=True)

    class Meta:
        verbose_name = "devis"
        verbose_name_plural = "devis"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("date")),
                name="sales_quote_valid_after_date",
                violation_error_message="La date de validité ne peut pas précéder la date du devis.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-date"], name="sales_quote_status_idx"),
            # The list's default order, newest first (50 000 quotes sorted at every page: 250 ms under load).
            models.Index(fields=["-date", "-id"], name="sales_quote_date_idx"),
        ]

    def __str__(self) -> str:
        return f"Devis {self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == QuoteStatus.DRAFT


class QuoteLine(Line):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")

    class Meta(Line.Meta):
        verbose_name = "ligne de devis"
        verbose_name_plural = "lignes de devis"
        constraints = line_constraints("sales_quoteline")


# --- Orders and deliveries ----------------------------------------------------------------------


class OrderStatus(models.TextChoices):
    OPEN = "open", "En cours"
    PARTIAL = "partial", "Livrée en partie"
    DELIVERED = "delivered", "Livrée"
    INVOICED = "invoiced", "Facturée"
    CANCELLED = "cancelled", "Annulée"


class Order(Document):
    number = models.CharField("numéro", max_length=20, unique=True)
    quote = models.ForeignKey(Quote, verbose_name="devis", on_delete=models.PROTECT, null=True, blank=True)
    customer_reference = models.CharField("n° de bon de commande du client", max_length=60, blank=True)
    status = models.CharField("statut", max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    delivery_address = models.ForeignKey(
        "contacts.Address", verbose_name="adresse de livraison", on_delete=models.SET_NULL, null=True, blank=True
    )
    expected_delivery = models.DateField("livraison prévue", null=True, blank=True)
    payment_term = models.CharField(
        "conditions de paiement", max_length=10, choices=PaymentTerm.choices, default=PaymentTerm.DAYS_30
    )

    class Meta:
        verbose_name = "commande client"
        verbose_name_plural = "commandes clients"
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["status", "-date"], name="sales_order_status_idx"),
            # The list's default order, newest first (50 000 orders sorted at every page: 250 ms under load).
            models.Index(fields=["-date", "-id"], name="sales_order_date_idx"),
        ]

    def __str__(self) -> str:
        return f"Commande {self.number}"


class OrderLine(Line):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    delivered_quantity = FrenchDecimalField("quantité livrée", max_digits=12, decimal_places=3, default=Decimal("0"))
    invoiced_quantity = FrenchDecimalField("quantité facturée", max_digits=12, decimal_places=3, default=Decimal("0"))

    class Meta(Line.Meta):
        verbose_name = "ligne de commande"
        verbose_name_plural = "lignes de commande"
        constraints = [
            *line_constraints("sales_orderline"),
            models.CheckConstraint(
                condition=Q(delivered_quantity__gte=0),
                name="sales_orderline_delivered_positive",
                violation_error_message="La quantité livrée ne peut pas être négative.",
            ),
            models.CheckConstraint(
                condition=Q(delivered_quantity__lte=models.F("quantity")),
                name="sales_orderline_not_overdelivered",
                violation_error_message="La quantité livrée ne peut pas dépasser la quantité commandée.",
            ),
            models.CheckConstraint(
                condition=Q(invoiced_quantity__lte=models.F("quantity")),
                name="sales_orderline_not_overinvoiced",
                violation_error_message="La quantité facturée ne peut pas dépasser la quantité commandée.",
            ),
        ]

    @property
    def to_deliver(self) -> Decimal:
        return self.quantity - self.delivered_quantity


class Delivery(models.Model):
    number = models.CharField("numéro", max_length=20, unique=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="deliveries")
    date = models.DateField("date de livraison")
    notes = models.TextField("observations", blank=True)
    invoice = models.ForeignKey(
        "sales.Invoice", on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "livraison"
        verbose_name_plural = "livraisons"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Livraison {self.number}"


class DeliveryLine(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="delivery_lines")
    quantity = FrenchDecimalField("quantité livrée", max_digits=12, decimal_places=3)
    lots = models.TextField("lots ou numéros de série", blank=True)  # chosen on the form; the stock reads them

    class Meta:
        verbose_name = "ligne de livraison"
        verbose_name_plural = "lignes de livraison"
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="sales_deliveryline_positive",
                violation_error_message="La quantité livrée doit être positive.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_line.description} × {format_quantity(self.quantity)}"


# --- Invoices -----------------------------------------------------------------------------------


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", "Facture"
    DEPOSIT = "deposit", "Facture d'acompte"
    CREDIT_NOTE = "credit_note", "Avoir"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    ISSUED = "issued", "Émise"


class OperationNature(models.TextChoices):
    """Nature of the operation, a mention required by décret 2022-1299."""

    GOODS = "goods", "Livraison de biens"
    SERVICES = "services", "Prestation de services"
    MIXED = "mixed", "Livraison de biens et prestation de services"


# An invoice (or deposit) with something left to pay: issued, not a credit note, payments and credit notes short
# of its total. The database keeps it as a stored generated column (`Invoice.is_open`, recomputed by the database
# at every change of these columns) so that reads of open invoices filter on one indexed boolean whose share the
# planner knows from its statistics: with the comparison itself, PostgreSQL guessed a third of the invoices open and
# scanned all of them (100 000 invoices, 7 000 open: 150 ms per read, several reads per home page).
OPEN_CONDITION = (
    Q(status=InvoiceStatus.ISSUED)
    & ~Q(kind=InvoiceKind.CREDIT_NOTE)
    & Q(total_gross__gt=F("amount_paid") + F("credited_amount"))
)
OPEN_INVOICE = Q(is_open=True)


class Invoice(Document):
    kind = models.CharField("type", max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    status = models.CharField("statut", max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    number = models.CharField("numéro", max_length=20, null=True, blank=True, unique=True)
    order = models.ForeignKey(
        Order, verbose_name="commande", on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    credited_invoice = models.ForeignKey(
        "self",
        verbose_name="facture corrigée",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
    )
    customer_reference = models.CharField("n° de bon de commande du client", max_length=60, blank=True)
    delivery_date = models.DateField("date de livraison ou d'exécution", null=True, blank=True)
    payment_term = models.CharField(
        "conditions de paiement", max_length=10, choices=PaymentTerm.choices, default=PaymentTerm.DAYS_30
    )
    due_date = models.DateField("échéance", null=True, blank=True)
    delivery_address = models.ForeignKey(
        "contacts.Address", verbose_name="adresse de livraison", on_delete=models.SET_NULL, null=True, blank=True
    )
    # Frozen at issue (data copied so later edits of the contact or the structure do not change it).
    issued_at = models.DateTimeField("émise le", null=True, blank=True)
    customer_snapshot = models.JSONField("client à l'émission", null=True, blank=True)
    seller_snapshot = models.JSONField("émetteur à l'émission", null=True, blank=True)
    operation_nature = models.CharField(
        "nature de l'opération", max_length=10, choices=OperationNature.choices, blank=True
    )
    vat_on_debits = models.BooleanField("option pour la TVA sur les débits", default=False)
    vat_on_receipts = models.BooleanField("TVA sur les encaissements (prestations)", default=False)
    penalty_rate = FrenchDecimalField("taux des pénalités de retard (%)", max_digits=5, decimal_places=2, null=True)
    entry = models.OneToOneField(
        "ledger.Entry", verbose_name="écriture", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount_paid = MoneyField("montant réglé", default=ZERO)
    credited_amount = MoneyField("montant des avoirs", default=ZERO)
    paid_on = models.DateField("soldée le", null=True, blank=True)
    is_open = models.GeneratedField(
        expression=OPEN_CONDITION, output_field=models.BooleanField(), db_persist=True, verbose_name="reste à régler"
    )
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)

    class Meta:
        verbose_name = "facture"
        verbose_name_plural = "factures"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(number__isnull=False) & Q(issued_at__isnull=False)),
                name="sales_invoice_issued_has_number",
                violation_error_message="Une facture émise porte son numéro et sa date d'émission.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="credit_note") | Q(credited_invoice__isnull=False),
                name="sales_invoice_credit_note_has_origin",
                violation_error_message="Un avoir indique la facture qu'il corrige.",
            ),
            models.CheckConstraint(
                condition=Q(amount_paid__gte=0),
                name="sales_invoice_paid_positive",
                violation_error_message="Le montant réglé ne peut pas être négatif.",
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(due_date__gte=models.F("date")),
                name="sales_invoice_due_after",
                violation_error_message="L'échéance ne peut pas précéder la date de la facture.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-date"], name="sales_invoice_status_idx"),
            # A customer's invoices; with the date and the amounts, a customer statement's opening balance and
            # totals are summed from the index alone on PostgreSQL (5,656 invoices of the biggest: 100 → few ms).
            models.Index(
                fields=["customer", "status", "date"],
                include=["kind", "total_gross"],
                name="sales_invoice_customer_idx",
            ),
            models.Index(fields=["due_date"], name="sales_invoice_due_idx"),
            # The list's default order (newest first) on any filter the status index does not serve: 100,000
            # invoices were sorted at every page (119 ms on PostgreSQL, 5 ms with it).
            models.Index(fields=["-date", "-id"], name="sales_invoice_date_idx"),
            # The invoices issued over a stretch of days, counted (the dashboard's complaints per 100 invoices): an
            # index-only scan instead of reading a third of 100,000 invoices (112 ms → 3 ms on PostgreSQL). The
            # condition's columns lead, although constant here: SQLite (no statistics) otherwise preferred the status
            # index, whose (status, date) looked narrower, and read each invoice's row for its kind (~50 ms).
            models.Index(
                fields=["status", "kind", "date"],
                condition=Q(status="issued", kind="invoice"),
                name="sales_invoice_issued_day_idx",
            ),
            # Open invoices only (OPEN_INVOICE): dunning, aged receivables, payments, the home page's to-do. What
            # they sum is included, so the aged receivables read this index alone on PostgreSQL (no heap fetch):
            # 7,011 open invoices of the 1M data, grouped by customer in 34 ms instead of 75.
            models.Index(
                fields=["due_date"],
                condition=Q(is_open=True),
                include=["id", "customer", "total_gross", "amount_paid", "credited_amount"],
                name="sales_invoice_open_due_idx",
            ),
            models.Index(
                fields=["customer", "due_date"], condition=Q(is_open=True), name="sales_invoice_open_cust_idx"
            ),
            # The invoices list's totals (queries.invoices.list_totals) summed from this index alone on PostgreSQL
            # (an index-only scan), not from the 158 MB table with its frozen snapshots: 190 → 55 ms at 100,000.
            models.Index(
                fields=["status"],
                include=["kind", "total_net", "total_gross", "amount_paid", "credited_amount"],
                name="sales_invoice_totals_idx",
            ),
        ]

    def __str__(self) -> str:
        label = self.get_kind_display()
        return f"{label} {self.number}" if self.number else f"{label} (brouillon n° {self.pk})"

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE

    def agreed(self, word: str) -> str:
        """`word` agreed with the document: « facture … émise » but « avoir … émis »."""
        return agree(word, feminine=not self.is_credit_note)

    @property
    def locked_message(self) -> str:
        """Why an issued document cannot be edited, agreed with it (« l'avoir … est émis : il … »)."""
        if self.is_credit_note:
            return f"{self} est émis : il ne se modifie plus."
        return f"{self} est émise : elle ne se modifie plus (établissez un avoir)."

    @property
    def status_label(self) -> str:
        return self.agreed("émis").capitalize() if self.status == InvoiceStatus.ISSUED else self.get_status_display()

    @property
    def balance_due(self) -> Decimal:
        """What the customer still owes on this invoice (credit notes and payments deducted)."""
        if self.is_credit_note or self.is_draft:
            return ZERO
        return self.total_gross - self.amount_paid - self.credited_amount


class InvoiceLine(Line):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    deposit_invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deducted_by",
        verbose_name="acompte déduit",
    )

    class Meta(Line.Meta):
        verbose_name = "ligne de facture"
        verbose_name_plural = "lignes de facture"
        constraints = line_constraints("sales_invoiceline")


class InvoiceFile(models.Model):
    """The Factur-X PDF produced at issue, kept as sent (the legal original), with its digest."""

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="file")
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    # --- Payments -----------------------------------------------------------------------------------

    class Meta:
        verbose_name = "facture archivée (Factur-X)"
        verbose_name_plural = "factures archivées (Factur-X)"

    def __str__(self) -> str:
        return f"Factur-X archivé de {self.invoice}"


class NumberReservation(models.Model):
    """A number taken for a draft being issued (issue 17 point 11): the number is taken and committed in a short
    transaction under the series' lock, the PDF is rendered with no lock held, then the invoice is posted, sealed
    and archived in a second transaction that deletes its reservation. A draft whose issue failed half-way keeps
    its number here, and its next issue takes it: numbers stay unbroken (CGI ann. II art. 242 nonies A) and the
    verification counts a reserved number as held, not as a gap."""

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="number_reservation")
    number = models.CharField("numéro", max_length=20, unique=True)
    date = models.DateField("date de la facture")
    reserved_at = models.DateTimeField("réservé le", auto_now_add=True)

    class Meta:
        verbose_name = "numéro réservé"
        verbose_name_plural = "numéros réservés"

    def __str__(self) -> str:
        return f"{self.number} réservé pour la facture n° {self.invoice_id}"


class SealKind(models.TextChoices):
    DOCUMENT = "document", "Émission"
    FILE = "file", "Archivage du PDF"


class InvoiceSeal(models.Model):
    """A link of the inalterability chain of issued invoices and credit notes (sealing.py): the keyed seal of
    the document's canonical text — every frozen field, its lines, the digest of its archived PDF — chained to
    the previous link. An invoice issued without its PDF (bulk loads) gets a second link when the PDF is
    archived. Never changed nor deleted (triggers)."""

    chain_index = models.PositiveBigIntegerField("rang dans la chaîne", unique=True)
    invoice = models.ForeignKey(Invoice, verbose_name="facture", on_delete=models.PROTECT, related_name="seals")
    kind = models.CharField("nature", max_length=10, choices=SealKind.choices, default=SealKind.DOCUMENT)
    pdf_sha256 = models.CharField("empreinte SHA-256 du PDF archivé", max_length=64, blank=True)
    sealed_at = models.DateTimeField("scellée le")
    previous_seal = models.CharField("sceau précédent", max_length=64)
    seal = models.CharField("sceau", max_length=64)

    class Meta:
        verbose_name = "sceau de facture émise"
        verbose_name_plural = "sceaux des factures émises"
        ordering = ["chain_index"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "kind"],
                name="sales_invoiceseal_once",
                violation_error_message="Cette facture est déjà scellée.",
            )
        ]

    def __str__(self) -> str:
        return f"Sceau n° {self.chain_index} ({self.get_kind_display().lower()}) de {self.invoice}"


class InvoiceChainHead(models.Model):
    """The end of the chain of issued invoices (one row), taken under a row lock to add a link."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_index = models.PositiveBigIntegerField(default=0)
    last_seal = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "fin de la chaîne des factures émises"
        verbose_name_plural = "fins de la chaîne des factures émises"
        constraints = [
            models.CheckConstraint(
                condition=Q(id=1),
                name="sales_invoicechainhead_singleton",
                violation_error_message="La chaîne des factures émises est unique.",
            )
        ]

    def __str__(self) -> str:
        return f"Chaîne des factures émises : {self.last_index} maillon(s)"


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", "Virement"
    CHEQUE = "cheque", "Chèque"
    CARD = "card", "Carte bancaire"
    CASH = "cash", "Espèces"
    DIRECT_DEBIT = "direct_debit", "Prélèvement"


class Payment(models.Model):
    customer = models.ForeignKey("contacts.Contact", verbose_name="client", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("date")
    amount = MoneyField("montant")
    method = models.CharField("mode", max_length=15, choices=PaymentMethod.choices, default=PaymentMethod.TRANSFER)
    reference = models.CharField("référence", max_length=60, blank=True)
    bank_account = models.ForeignKey("ledger.BankAccount", verbose_name="compte bancaire", on_delete=models.PROTECT)
    entry = models.OneToOneField("ledger.Entry", on_delete=models.PROTECT, null=True, related_name="+")
    statement_line = models.OneToOneField(
        "ledger.StatementLine", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "règlement"
        verbose_name_plural = "règlements"
        ordering = ["-date", "-id"]
        # The payments list (where recording a payment lands) pages newest first: read from the index, not sorted.
        indexes = [
            models.Index(fields=["-date", "-id"], name="sales_payment_date_idx"),
            # A customer's payments by date, the amount included: the statement's sums from the index alone.
            models.Index(fields=["customer", "date"], include=["amount"], name="sales_payment_customer_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="sales_payment_positive",
                violation_error_message="Le montant d'un règlement doit être positif.",
            )
        ]

    def __str__(self) -> str:
        return f"Règlement du {self.date:%d/%m/%Y}"


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = MoneyField("montant affecté")

    class Meta:
        verbose_name = "affectation de règlement"
        verbose_name_plural = "affectations de règlement"
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="sales_allocation_positive",
                violation_error_message="Le montant affecté à une facture doit être positif.",
            )
        ]

    def __str__(self) -> str:
        return f"{format_eur(self.amount)} affectés à {self.invoice}"
