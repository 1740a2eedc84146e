"""Expense reports (notes de frais, issue 12 point 6): an employee's report and its lines with their receipts,
submitted, approved by their manager or rh, posted by the accountant through the ledger (expense accounts and
deductible VAT against the employee's account under 421), then reimbursed by bank transfer (journal BQ)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pilote.hr.expenses import CATEGORY_CHOICES, VEHICLE_CHOICES
from pilote.lib.fields import FrenchDecimalField
from pilote.lib.money import MoneyField


def receipt_storage():
    """Receipts live under PILOTE_PRIVATE_ROOT/hr/ (never under /media/), read only through the report's view."""
    from django.core.files.storage import FileSystemStorage

    from pilote.core.storage import private_root

    return FileSystemStorage(location=private_root() / "hr")


def receipt_upload_to(instance, filename: str) -> str:
    import uuid
    from pathlib import Path

    from django.utils.text import get_valid_filename

    safe = get_valid_filename(Path(filename).name)[:100] or "justificatif"
    return f"receipts/{instance.report_id}/{uuid.uuid4().hex[:12]}-{safe}"


class ExpenseStatus(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    SUBMITTED = "soumise", "À valider"
    APPROVED = "approuvee", "Approuvée, à comptabiliser"
    REFUSED = "refusee", "Refusée"
    POSTED = "comptabilisee", "Comptabilisée, à rembourser"
    PAID = "remboursee", "Remboursée"


class ExpenseReport(models.Model):
    employee = models.ForeignKey(
        "hr.Employee", verbose_name="salarié", on_delete=models.PROTECT, related_name="expense_reports"
    )
    number = models.CharField("numéro", max_length=20, unique=True)
    title = models.CharField("objet", max_length=150)
    status = models.CharField("état", max_length=15, choices=ExpenseStatus.choices, default=ExpenseStatus.DRAFT)
    total = MoneyField("total TTC", default=0)
    deductible_vat = MoneyField("TVA déductible", default=0)
    submitted_at = models.DateTimeField("soumise le", null=True, blank=True)
    decided_by = models.CharField("décidée par", max_length=150, blank=True)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decision_note = models.CharField("motif", max_length=250, blank=True)
    entry = models.ForeignKey(
        "ledger.Entry", verbose_name="écriture", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment_entry = models.ForeignKey(
        "ledger.Entry", verbose_name="écriture de remboursement", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    paid_on = models.DateField("remboursée le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="saisie par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "note de frais"
        verbose_name_plural = "notes de frais"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(deductible_vat__gte=0),
                name="hr_expensereport_amounts_positive",
                violation_error_message="Les montants d'une note de frais sont positifs.",
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="hr_expense_status_idx")]

    def __str__(self) -> str:
        return f"Note de frais {self.number} de {self.employee}"

    @property
    def is_editable(self) -> bool:
        return self.status in (ExpenseStatus.DRAFT, ExpenseStatus.REFUSED)


class ExpenseLine(models.Model):
    report = models.ForeignKey(ExpenseReport, verbose_name="note de frais", on_delete=models.CASCADE,
                               related_name="lines")  # fmt: skip
    spent_on = models.DateField("date")
    category = models.CharField("catégorie", max_length=15, choices=CATEGORY_CHOICES)
    description = models.CharField("détail", max_length=200)
    amount = MoneyField("montant TTC")
    vat = MoneyField("TVA du justificatif", default=0)
    deductible_vat = MoneyField("TVA déductible", default=0)
    vat_basis = models.CharField("règle de TVA", max_length=160, blank=True)
    receipt = models.FileField("justificatif", storage=receipt_storage, upload_to=receipt_upload_to, blank=True,
                               max_length=250)  # fmt: skip
    receipt_name = models.CharField("nom du justificatif", max_length=120, blank=True)
    vehicle = models.CharField("véhicule", max_length=12, choices=VEHICLE_CHOICES, blank=True)
    horsepower = models.PositiveSmallIntegerField("puissance fiscale (CV)", null=True, blank=True)
    electric = models.BooleanField("véhicule électrique", default=False)
    distance = FrenchDecimalField("distance (km)", max_digits=7, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = "ligne de note de frais"
        verbose_name_plural = "lignes de notes de frais"
        ordering = ["report", "spent_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0, vat__gte=0, deductible_vat__gte=0, deductible_vat__lte=models.F("vat")),
                name="hr_expenseline_amounts",
                violation_error_message="Montant positif, TVA positive et déductible dans la limite de la TVA.",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.get_category_display()} du {self.spent_on:%d/%m/%Y}"
