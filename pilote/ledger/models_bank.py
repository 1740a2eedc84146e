"""Bank accounts, imported statements and their reconciliation with the books."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from pilote.lib.fields import BicField, IbanField
from pilote.lib.formats import format_eur
from pilote.lib.money import MoneyField


class BankAccount(models.Model):
    name = models.CharField("nom", max_length=100)
    iban = IbanField("IBAN", unique=True)
    bic = BicField("BIC", blank=True)
    journal = models.OneToOneField("ledger.Journal", verbose_name="journal de banque", on_delete=models.PROTECT)
    account = models.ForeignKey("ledger.Account", verbose_name="compte 512", on_delete=models.PROTECT)
    csv_mapping = models.JSONField("correspondance des colonnes CSV", null=True, blank=True)
    is_active = models.BooleanField("actif", default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "compte bancaire"
        verbose_name_plural = "comptes bancaires"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.iban[-4:]})"


class StatementImport(models.Model):
    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="imports")
    filename = models.CharField("fichier", max_length=200)
    file_format = models.CharField("format", max_length=10)
    file_hash = models.CharField(max_length=64)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    opening_balance = MoneyField(null=True, blank=True)
    closing_balance = MoneyField(null=True, blank=True)
    line_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "relevé importé"
        verbose_name_plural = "relevés importés"
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank_account", "file_hash"],
                name="ledger_statementimport_once",
                violation_error_message="Ce relevé a déjà été importé sur ce compte bancaire.",
            ),
        ]

    def __str__(self) -> str:
        return f"Relevé « {self.filename} » importé le {timezone.localtime(self.imported_at):%d/%m/%Y}"


class StatementLine(models.Model):
    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="statement_lines")
    statement = models.ForeignKey(StatementImport, on_delete=models.PROTECT, related_name="lines")
    booking_date = models.DateField("date")
    value_date = models.DateField("date de valeur", null=True, blank=True)
    amount = MoneyField("montant")
    label = models.CharField("libellé", max_length=300)
    reference = models.CharField("référence", max_length=100, blank=True)
    counterparty = models.CharField("contrepartie", max_length=200, blank=True)
    counterparty_iban = models.CharField("IBAN de la contrepartie", max_length=34, blank=True)
    fingerprint = models.CharField(max_length=64)
    entry_line = models.OneToOneField(
        "ledger.EntryLine",
        verbose_name="ligne comptable",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statement_line",
    )
    reconciled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "ligne de relevé"
        verbose_name_plural = "lignes de relevé"
        ordering = ["booking_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank_account", "fingerprint"],
                name="ledger_statementline_once",
                violation_error_message="Ce mouvement bancaire a déjà été importé sur ce compte.",
            ),
        ]
        indexes = [models.Index(fields=["bank_account", "entry_line", "booking_date"], name="ledger_stmt_open_idx")]

    def __str__(self) -> str:
        return f"{self.booking_date:%d/%m/%Y} {self.label} {format_eur(self.amount)}"

    @property
    def is_reconciled(self) -> bool:
        return self.entry_line_id is not None


class BankRule(models.Model):
    """« When a bank line's label contains … book it on … »: reusable for recurring movements."""

    bank_account = models.ForeignKey(
        BankAccount,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name="compte bancaire",
        help_text="Vide : tous les comptes.",
    )
    label_contains = models.CharField("le libellé contient", max_length=100)
    account = models.ForeignKey("ledger.Account", verbose_name="compte de contrepartie", on_delete=models.PROTECT)
    auxiliary = models.ForeignKey(
        "ledger.AuxiliaryAccount", verbose_name="compte auxiliaire", null=True, blank=True, on_delete=models.PROTECT
    )
    entry_label = models.CharField("libellé de l'écriture", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "règle de rapprochement"
        verbose_name_plural = "règles de rapprochement"
        ordering = ["label_contains"]

    def __str__(self) -> str:
        return f"« {self.label_contains} » → {self.account.code}"
