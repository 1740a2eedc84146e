"""The general ledger: accounts, auxiliary accounts, journals, fiscal years, entries and their lines.

Invariants, in four layers (DESIGN.md):
1. row rules as named constraints (non-negative amounts, one side per line, unique numbers);
2. balance, numbering and chaining checked at posting, in `services.post_entry`, under lock;
3. posted entries and lines refused UPDATE/DELETE by database triggers (migration 0002), so even raw SQL
   cannot alter them; corrections are reversals;
4. an explicit state machine (EntryStatus) — draft → posted, nothing after.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from pilote.ledger.balance import fiscal_year_name
from pilote.lib.fields import FrenchDecimalField
from pilote.lib.formats import format_eur
from pilote.lib.french import plural
from pilote.lib.money import MoneyField


class Account(models.Model):
    """A general-ledger account of the PCG (or added by the structure)."""

    code = models.CharField("numéro", max_length=20, unique=True)
    label = models.CharField("intitulé", max_length=200)
    is_active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "compte"
        verbose_name_plural = "comptes"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def account_class(self) -> int:
        return int(self.code[0])

    @property
    def requires_auxiliary(self) -> bool:
        """Customer and supplier control accounts are kept per third party (sub-ledger)."""
        return self.code.startswith(("401", "411"))


class AuxiliaryAccount(models.Model):
    """A customer or supplier sub-ledger account, under 411 or 401 (FEC CompAuxNum / CompAuxLib)."""

    code = models.CharField("numéro auxiliaire", max_length=20, unique=True)
    label = models.CharField("intitulé", max_length=200)
    control_account = models.ForeignKey(Account, verbose_name="compte collectif", on_delete=models.PROTECT)
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name="contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="auxiliary_accounts",
    )

    class Meta:
        verbose_name = "compte auxiliaire"
        verbose_name_plural = "comptes auxiliaires"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "control_account"],
                condition=Q(contact__isnull=False),
                name="ledger_auxiliary_one_per_contact",
                violation_error_message="Ce contact a déjà un compte auxiliaire sur ce compte collectif.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class JournalKind(models.TextChoices):
    SALES = "sales", "Ventes"
    PURCHASES = "purchases", "Achats"
    BANK = "bank", "Banque"
    CASH = "cash", "Caisse"
    MISC = "misc", "Opérations diverses"
    OPENING = "opening", "À-nouveaux"
    OTHER = "other", "Autre"


class Journal(models.Model):
    code = models.CharField("code", max_length=8, unique=True)
    label = models.CharField("intitulé", max_length=100)
    kind = models.CharField("type", max_length=12, choices=JournalKind.choices)
    account = models.ForeignKey(
        Account,
        verbose_name="compte de trésorerie",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Pour un journal de banque ou de caisse : son compte 512 ou 53.",
    )
    is_active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "journal"
        verbose_name_plural = "journaux"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class FiscalYearStatus(models.TextChoices):
    OPEN = "open", "Ouvert"
    CLOSED = "closed", "Clôturé"


class FiscalYear(models.Model):
    start_date = models.DateField("début")
    end_date = models.DateField("fin")
    status = models.CharField("état", max_length=10, choices=FiscalYearStatus.choices, default=FiscalYearStatus.OPEN)
    locked_until = models.DateField(
        "période verrouillée jusqu'au",
        null=True,
        blank=True,
        help_text="Aucune écriture ne peut plus être validée à cette date ou avant.",
    )

    class Meta:
        verbose_name = "exercice"
        verbose_name_plural = "exercices"
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")),
                name="ledger_fiscalyear_order",
                violation_error_message="La fin de l'exercice doit suivre son début.",
            ),
            models.UniqueConstraint(
                fields=["start_date"],
                name="ledger_fiscalyear_start_unique",
                violation_error_message="Un exercice commence déjà à cette date.",
            ),
        ]

    def __str__(self) -> str:
        return fiscal_year_name(self.start_date, self.end_date)

    @property
    def is_open(self) -> bool:
        return self.status == FiscalYearStatus.OPEN

    def contains(self, day) -> bool:
        return self.start_date <= day <= self.end_date


class EntryStatus(models.TextChoices):
    DRAFT = "draft", "Brouillard"
    POSTED = "posted", "Validée"


class Entry(models.Model):
    """A journal entry. Drafts may be unbalanced and edited; posting numbers, stamps and freezes it."""

    journal = models.ForeignKey(Journal, verbose_name="journal", on_delete=models.PROTECT, related_name="entries")
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name="exercice", on_delete=models.PROTECT, related_name="entries"
    )
    number = models.PositiveIntegerField("numéro", null=True, blank=True)
    date = models.DateField("date")
    label = models.CharField("libellé", max_length=200)
    piece_ref = models.CharField("pièce", max_length=40, blank=True)
    piece_date = models.DateField("date de la pièce", null=True, blank=True)
    status = models.CharField("état", max_length=10, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    posted_at = models.DateTimeField("validée le", null=True, blank=True)
    # The sum of the debits (the entry's amount in the list), written at posting in the same statement that posts
    # the entry, so the list never sums the lines of an à-nouveaux entry of 300,000 lines; None for a draft.
    # Not sealed (the lines are): `verify_ledger` compares it with the lines.
    total_debit = MoneyField("montant", null=True, blank=True)
    reversal_of = models.OneToOneField(
        "self",
        verbose_name="contre-passation de",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    # Taken over from another software's FEC (fec_import): its EcritureNum and ValidDate, re-exported as
    # they were (Pilote's own `number` stays gapless per journal). Empty for Pilote's own entries.
    source_number = models.CharField("numéro d'origine (FEC repris)", max_length=60, blank=True)
    source_valid_date = models.DateField("validée le (FEC repris)", null=True, blank=True)
    chain_index = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField("empreinte", max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "écriture"
        verbose_name_plural = "écritures"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["journal", "fiscal_year", "number"],
                condition=Q(number__isnull=False),
                name="ledger_entry_number_unique",
                violation_error_message="Ce numéro d'écriture est déjà pris dans ce journal : réessayez.",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(number__isnull=False) & Q(posted_at__isnull=False) & ~Q(hash="")),
                name="ledger_entry_posted_is_numbered",
                violation_error_message="Une écriture validée porte son numéro, sa date de validation et sa signature.",
            ),
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "journal", "number"], name="ledger_entry_fy_journal_idx"),
            models.Index(fields=["fiscal_year", "chain_index"], name="ledger_entry_fy_chain_idx"),
            models.Index(fields=["date"], name="ledger_entry_date_idx"),
            # The entries list pages by keyset on (date, id) within a journal or a fiscal year, or finds a piece.
            models.Index(fields=["journal", "date"], name="ledger_entry_journal_date_idx"),
            models.Index(fields=["fiscal_year", "date"], name="ledger_entry_fy_date_idx"),
            models.Index(fields=["piece_ref"], name="ledger_entry_piece_idx"),
        ]

    def __str__(self) -> str:
        if self.number:
            return f"{self.journal.code} {self.number} — {self.label}"
        return f"Brouillard {self.journal.code} — {self.label}"

    @property
    def is_posted(self) -> bool:
        return self.status == EntryStatus.POSTED

    @property
    def reference(self) -> str:
        """EcritureNum of the FEC: journal code, fiscal year and number."""
        return f"{self.journal.code}{self.fiscal_year.start_date:%Y}-{self.number:06d}" if self.number else ""


class EntryLine(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="lines")
    # Copied from the entry so the general ledger pages through one index (account, year, date).
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("date")
    # Set in the posting transaction (while the entry is still a draft, so the triggers allow it): reports
    # filter posted lines through their own index instead of joining every entry.
    is_posted = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)  # detailed à-nouveaux can carry tens of thousands of items
    account = models.ForeignKey(Account, verbose_name="compte", on_delete=models.PROTECT)
    auxiliary = models.ForeignKey(
        AuxiliaryAccount, verbose_name="compte auxiliaire", null=True, blank=True, on_delete=models.PROTECT
    )
    label = models.CharField("libellé", max_length=200, blank=True)
    # The document this line settles or comes from, when it differs from the entry's (detailed à-nouveaux
    # of customer and supplier accounts keep each open invoice's reference for lettering).
    reference = models.CharField("référence", max_length=40, blank=True)
    debit = MoneyField("débit", default=0)
    credit = MoneyField("crédit", default=0)
    due_date = models.DateField("échéance", null=True, blank=True)
    # In a full matching (lettrage), kept by `lettering.mark_lettered` at every change of lettering: the one column
    # of a posted line the triggers let change (it is not sealed, the matchings are not either); the lettering
    # page reads a third party's open lines through a partial index on it, never the lettered ones.
    is_lettered = models.BooleanField("lettrée", default=False, db_default=False)
    # The matching the line is in (full or partial), copied from it with `is_lettered` by `mark_lettered`: its code
    # (EcritureLet) and the day it was made in Paris (DateLet) — what the FEC writes per line, read with the line:
    # joined per line to its matching, the lettering was most of the export's server time (10M lines, PostgreSQL).
    # Both unsealed like the flag, NULL outside any matching (nullable: added without rewriting the table).
    lettering_code = models.CharField("code de lettrage", max_length=20, null=True, blank=True)
    lettered_on = models.DateField("lettrée le", null=True, blank=True)
    # On VAT lines (445x): the rate and the taxable base, which the CA3 return sums per rate.
    vat_rate = FrenchDecimalField("taux de TVA", max_digits=5, decimal_places=2, null=True, blank=True)
    vat_base = MoneyField("base HT", null=True, blank=True)

    class Meta:
        verbose_name = "ligne d'écriture"
        verbose_name_plural = "lignes d'écriture"
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(debit__gte=0),
                name="ledger_entryline_debit_positive",
                violation_error_message="Un débit ne peut pas être négatif.",
            ),
            models.CheckConstraint(
                condition=Q(credit__gte=0),
                name="ledger_entryline_credit_positive",
                violation_error_message="Un crédit ne peut pas être négatif.",
            ),
            models.CheckConstraint(
                condition=Q(debit=0) | Q(credit=0),
                name="ledger_entryline_one_side",
                violation_error_message="Une ligne d'écriture porte un débit ou un crédit, pas les deux.",
            ),
        ]
        indexes = [
            # Covering for the general ledger: a page's balance brought forward sums the lines between its
            # month's edge and the page from the index alone (up to half a month of a customer account); and for
            # the entries list filtered by account, whose count reads the entries of the account's lines from it.
            models.Index(
                fields=["account", "fiscal_year", "is_posted", "date", "id", "debit", "credit", "entry"],
                name="ledger_line_account_idx",
            ),
            models.Index(
                fields=["auxiliary", "fiscal_year", "is_posted", "date", "id"], name="ledger_line_auxiliary_idx"
            ),
            # An entry's lines in their order (`ordering`), the FEC's read of a span of entries among them: the
            # index gives (entry, position, id) order, so neither needs a sort (it spilled to disk per chunk).
            models.Index(fields=["entry", "position", "id"], name="ledger_line_entry_idx"),
            # A provisional situation at a date inside a month sums that month's lines up to the date, all
            # accounts at once (finance.queries.account_figures): without it the year's lines are all read.
            models.Index(fields=["fiscal_year", "date"], name="ledger_line_year_date_idx"),
            # The entries list's amount filter: a line's amount is debit + credit (one side is zero).
            models.Index(models.F("debit") + models.F("credit"), name="ledger_line_amount_idx"),
            # A third party's open lines (lettering page): only the lines not fully lettered are in it, in (date, id)
            # order across the years, so a page is read in order and the walk stops at its end (`open_lines`).
            models.Index(
                fields=["auxiliary", "account", "date", "id"],
                condition=Q(is_lettered=False, auxiliary__isnull=False),
                name="ledger_line_open_idx",
            ),
            # Its mirror: a third party's lettered lines (lettering page, `?lettrees=1`), newest first in (date, id)
            # order — the page walks it backwards from the newest line and stops at the page's end, whatever the
            # party's history (`lettering.lettered_lines`).
            models.Index(
                fields=["auxiliary", "account", "date", "id"],
                condition=Q(is_lettered=True, auxiliary__isnull=False),
                name="ledger_line_lettered_idx",
            ),
            # The third parties' open documents (`documents_open`: taken-over invoices chased by dunning and the home
            # page's to-do, supplier documents of the payment runs): only the open lines with a reference and a due
            # date, each entry holding every column those reads filter on (`is_lettered` too: SQLite reads a column
            # of the condition from the row otherwise), so a sub-account's overdue documents are found from the index
            # alone — reading the rows of the 43,000 open customer lines of the 1,000,000-line bench ledger took 0.4 s.
            models.Index(
                fields=[
                    "auxiliary",
                    "due_date",
                    "account",
                    "fiscal_year",
                    "is_posted",
                    "debit",
                    "credit",
                    "reference",
                    "is_lettered",
                ],
                condition=Q(is_lettered=False, auxiliary__isnull=False, due_date__isnull=False) & ~Q(reference=""),
                name="ledger_line_open_doc_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account.code} : débit {format_eur(self.debit)}, crédit {format_eur(self.credit)}"


class FrequentWords(models.Model):
    """Words of the entries list (`?q=`) found in more posted entries than the list counts (`keyset.COUNT_LIMIT`): a
    posted entry's label and piece never change and it is never deleted (triggers), so the fact stays true and the
    list says « plus de 10 000 » without reading those entries again (`queries.bounded_entry_count`). Noted by the
    count that found it; rows are few — only words that common."""

    words = models.CharField("mots", max_length=200, unique=True)
    posted = models.PositiveIntegerField("écritures validées trouvées")  # at least: the count stopped at its bound

    class Meta:
        verbose_name = "mots fréquents des écritures"
        verbose_name_plural = "mots fréquents des écritures"

    def __str__(self) -> str:
        return f"« {self.words} » : dans {plural(self.posted, 'écriture validée', 'écritures validées')} au moins"


class JournalSequence(models.Model):
    """The last number used per journal and fiscal year: locked while posting, so numbers never gap."""

    journal = models.ForeignKey(Journal, on_delete=models.PROTECT)
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "numérotation d'un journal"
        verbose_name_plural = "numérotations des journaux"
        constraints = [
            models.UniqueConstraint(
                fields=["journal", "fiscal_year"],
                name="ledger_sequence_unique",
                violation_error_message="La numérotation de ce journal existe déjà pour cet exercice : réessayez.",
            ),
        ]

    def __str__(self) -> str:
        return f"Journal {self.journal.code}, {self.fiscal_year} : dernier numéro {self.last_number}"


class ChainHead(models.Model):
    """The end of the inalterability chain (one row): index and hash of the last posted entry."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_index = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "fin de la chaîne d'inaltérabilité"
        verbose_name_plural = "fins de la chaîne d'inaltérabilité"
        constraints = [
            models.CheckConstraint(
                condition=Q(id=1),
                name="ledger_chainhead_singleton",
                violation_error_message="La chaîne d'inaltérabilité des écritures est unique.",
            )
        ]

    def __str__(self) -> str:
        return f"Chaîne d'inaltérabilité : {plural(self.last_index, 'écriture chaînée', 'écritures chaînées')}"


class AccountBalance(models.Model):
    """Posted movements per fiscal year, month, account and auxiliary account, kept up to date in the
    posting transaction so reports never rescan lines. `aux_key` is the auxiliary id, or 0."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT)
    month = models.DateField()
    is_opening = models.BooleanField(default=False)  # à-nouveaux, shown as the opening balance
    account = models.ForeignKey(Account, on_delete=models.PROTECT)
    aux_key = models.PositiveBigIntegerField(default=0)
    debit = MoneyField(default=0)
    credit = MoneyField(default=0)
    line_count = models.PositiveIntegerField(default=0)  # pages the general ledger without counting lines

    class Meta:
        verbose_name = "cumul mensuel d'un compte"
        verbose_name_plural = "cumuls mensuels des comptes"
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "account", "aux_key", "month", "is_opening"],
                name="ledger_balance_unique",
                violation_error_message="Les totaux de ce compte viennent de changer : réessayez.",
            ),
        ]
        # The accounts' totals (aux_key 0) apart from the auxiliary accounts' rows, which are most of the table: the
        # diagnosis, the budgets and the dashboard read a year's totals without going through its third parties.
        indexes = [
            models.Index(fields=["fiscal_year", "month"], condition=Q(aux_key=0), name="ledger_balance_total_idx")
        ]

    def __str__(self) -> str:
        debit, credit = format_eur(self.debit), format_eur(self.credit)
        return f"Compte {self.account.code}, {self.month:%m/%Y} : débit {debit}, crédit {credit}"


class Matching(models.Model):
    """Lettrage: posted lines of one account (and auxiliary account) that settle each other.

    Lines stay immutable: the link lives in MatchedLine. A full matching has Σdebit = Σcredit and an
    upper-case code (A, B, … AA); a partial one (acompte, règlement partiel) has a lower-case code.
    """

    code = models.CharField("code de lettrage", max_length=20)  # a taken-over FEC's EcritureLet as it was
    account = models.ForeignKey(Account, on_delete=models.PROTECT)
    aux_key = models.PositiveBigIntegerField(default=0)
    is_partial = models.BooleanField("partiel", default=False)
    created_at = models.DateTimeField("lettré le", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The date of its earliest line, and how long after it the lettering was made: `span_class` is the bit length
    # of that number of days (0 the same day, 1 the next, 2 two or three days, 3 four to seven …). Set by
    # `lettering.date_matchings` wherever a matching is made or its `created_at` changes; an aged balance at a
    # past date finds the matchings that straddle it (earliest line by then, lettered after) in one short range
    # of `opened_on` per class (`queries.aged_parties`), not among every matching made since.
    opened_on = models.DateField("première pièce le", null=True, blank=True)
    span_class = models.PositiveSmallIntegerField("délai de lettrage (classe)", default=0)

    class Meta:
        verbose_name = "lettrage"
        verbose_name_plural = "lettrages"
        indexes = [
            models.Index(
                fields=["account", "span_class", "opened_on", "is_partial", "created_at"],
                name="ledger_matching_span_idx",
            ),
            # A third party's latest letterings (the lettering page's list) read from the index's end: sorted
            # over every matching the party ever had, 2,553 for the biggest customer at 1M lines, 10 ms.
            models.Index(fields=["account", "aux_key", "created_at", "id"], name="ledger_matching_party_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "aux_key", "code"],
                name="ledger_matching_code_unique",
                violation_error_message="Ce code de lettrage est déjà utilisé sur ce compte : réessayez.",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class MatchedLine(models.Model):
    line = models.OneToOneField(EntryLine, on_delete=models.PROTECT, related_name="match")
    matching = models.ForeignKey(Matching, on_delete=models.CASCADE, related_name="items")

    class Meta:
        verbose_name = "ligne lettrée"
        verbose_name_plural = "lignes lettrées"

    def __str__(self) -> str:
        return f"{self.line} lettrée {self.matching.code}"


class VatReturn(models.Model):
    """A confirmed CA3 return: its boxes as computed, and the VAT settlement entry it generated."""

    period_start = models.DateField("début de période")
    period_end = models.DateField("fin de période")
    boxes = models.JSONField("cases")
    # None for a « néant » return (no VAT in the period): declared, nothing to settle.
    entry = models.OneToOneField(
        Entry, verbose_name="écriture de liquidation", on_delete=models.PROTECT, null=True, blank=True
    )
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "déclaration de TVA"
        verbose_name_plural = "déclarations de TVA"
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="ledger_vatreturn_order",
                violation_error_message="La fin de la période de TVA doit suivre son début.",
            ),
            models.UniqueConstraint(
                fields=["period_start"],
                name="ledger_vatreturn_start_unique",
                violation_error_message="Une déclaration de TVA existe déjà pour cette période.",
            ),
        ]

    def __str__(self) -> str:
        return f"CA3 du {self.period_start:%d/%m/%Y} au {self.period_end:%d/%m/%Y}"


from pilote.ledger.models_analytic import (  # noqa: E402,F401
    AnalyticAxis,
    AnalyticBalance,
    AnalyticDefault,
    AnalyticLine,
    AnalyticSection,
)
from pilote.ledger.models_assets import DepreciationMethod, DepreciationPosting, FixedAsset  # noqa: E402,F401
from pilote.ledger.models_bank import BankAccount, BankRule, StatementImport, StatementLine  # noqa: E402,F401


class OpenItemSums(models.Model):
    """What both open-items aggregates sum: per fiscal year, account, posting date and expected date."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    expected = models.DateField()
    debit = MoneyField(default=0)
    credit = MoneyField(default=0)
    line_count = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"Compte {self.account_id} : pièces du {self.date:%d/%m/%Y} attendues le {self.expected:%d/%m/%Y}"


class OpenItemBalance(OpenItemSums):
    """The open items of customer and supplier accounts (`open_items.PREFIXES`) — posted lines not in a full
    matching — summed per fiscal year, account, posting date and expected date (the line's due date, else its
    date; the lines of a partial matching at the group's date). Kept at posting and at every lettering change
    (`open_items`), so the cash plan reads a few thousand rows instead of every unlettered line."""

    class Meta:
        verbose_name = "cumul des pièces non lettrées"
        verbose_name_plural = "cumuls des pièces non lettrées"
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "account", "date", "expected"],
                name="ledger_openitem_unique",
                violation_error_message="Les pièces non lettrées de ce compte viennent de changer : réessayez.",
            ),
        ]


class OpenItemParty(OpenItemSums):
    """The same open items per third party: summed per fiscal year, account, auxiliary account, posting date,
    expected date and whether that date is a due date (`has_due_date`; else the line's own date). Kept with
    `OpenItemBalance` by the same writes (`open_items.apply`), so the aged balances read the open items of
    each third party instead of every line of the accounts — while the cash plan keeps its few rows per day."""

    aux_key = models.PositiveBigIntegerField(default=0)  # the auxiliary account's id, or 0
    has_due_date = models.BooleanField(default=False)

    class Meta:
        verbose_name = "cumul des pièces non lettrées d'un tiers"
        verbose_name_plural = "cumuls des pièces non lettrées des tiers"
        # The aged balance of an account's third parties from the index alone (PostgreSQL: its amounts included,
        # an index-only scan; the table's rows are rewritten at every lettering and spread over many pages).
        indexes = [
            models.Index(
                fields=["account", "aux_key", "fiscal_year", "date", "expected", "has_due_date"],
                include=["debit", "credit"],
                name="ledger_openparty_aged_idx",
            ),
            # The aged balance reads only the items expected from its oldest bucket's edge on (the older ones are
            # the party's open total less these, `OpenItemPartyTotal`), by expected date, and the few items due
            # before their own date that are dated after a past date asked (`queries.aged_parties`). Every column
            # a key, so both databases read them from the index alone (SQLite has no INCLUDE).
            models.Index(
                fields=["account", "expected", "aux_key", "fiscal_year", "date", "has_due_date", "debit", "credit"],
                name="ledger_openparty_expected_idx",
            ),
            models.Index(
                fields=["account", "date", "expected", "aux_key", "fiscal_year", "debit", "credit"],
                condition=Q(expected__lt=models.F("date")),
                name="ledger_openparty_duefirst_idx",
            ),
            # The items dated in the days a roll-over of the kept aged balances crosses (`aging.bring_to`): a few
            # days of items, whatever their expected date.
            models.Index(
                fields=["account", "date", "expected", "has_due_date", "aux_key", "fiscal_year", "debit", "credit"],
                name="ledger_openparty_date_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "account", "aux_key", "date", "expected", "has_due_date"],
                name="ledger_openitemparty_unique",
                violation_error_message="Les pièces non lettrées de ce tiers viennent de changer : réessayez.",
            ),
        ]

    def __str__(self) -> str:
        return f"Tiers {self.aux_key} : pièces du {self.date:%d/%m/%Y} attendues le {self.expected:%d/%m/%Y}"


class OpenItemPartyTotal(models.Model):
    """`OpenItemParty` summed per fiscal year, account and third party: what each third party has open, whatever
    the dates (the lines of a matching that spans a closed year make it differ from `AccountBalance`'s sums). Kept
    by the same writes (`open_items.apply`), checked against the lines by `verify_ledger`
    (`open_items.mismatches`): the aged balance takes its oldest bucket as this total less the newer items, so it
    never reads the open items of the years of history."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    aux_key = models.PositiveBigIntegerField(default=0)  # the auxiliary account's id, or 0
    debit = MoneyField(default=0)
    credit = MoneyField(default=0)
    line_count = models.IntegerField(default=0)

    class Meta:
        verbose_name = "total des pièces non lettrées d'un tiers"
        verbose_name_plural = "totaux des pièces non lettrées des tiers"
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "account", "aux_key"],
                name="ledger_openpartytotal_unique",
                violation_error_message="Les pièces non lettrées de ce tiers viennent de changer : réessayez.",
            ),
        ]

    def __str__(self) -> str:
        return f"Tiers {self.aux_key} : {self.line_count} pièces non lettrées"


class OpenItemAging(models.Model):
    """Each third party's aged balance at the day of `OpenItemAgingDay`, per account: the open items of the open
    fiscal years (`OpenItemParty`, auxiliary accounts only) dated by that day, summed per bucket of
    `queries.AGE_BUCKETS` with 30 days of payment (the page's default; other terms read the open items) — what the
    aged balance's full statement gives per third party at that day, before it leaves out those netting to zero.
    Kept by `open_items.apply` in the transaction of every change of the open items (an item dated after the day
    waits for the roll-over) and brought to a new day by `aging.bring_to`, so the page at today reads one row per
    third party, whatever the activity. Amounts in cents, debit minus credit."""

    # No index of its own: the unique index (account, aux_key) leads with it.
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", db_index=False)
    aux_key = models.PositiveBigIntegerField()  # the auxiliary account's id
    b0 = models.BigIntegerField(default=0)  # not due
    b1 = models.BigIntegerField(default=0)  # 0 to 30 days late
    b2 = models.BigIntegerField(default=0)  # 31 to 60
    b3 = models.BigIntegerField(default=0)  # 61 to 90
    b4 = models.BigIntegerField(default=0)  # more than 90

    class Meta:
        verbose_name = "balance âgée d'un tiers"
        verbose_name_plural = "balances âgées des tiers"
        # The unique index (account, aux_key) is the page's read: an account's rows.
        constraints = [
            models.UniqueConstraint(
                fields=["account", "aux_key"],
                name="ledger_openitemaging_unique",
                violation_error_message="La balance âgée de ce tiers vient de changer : réessayez.",
            ),
        ]

    def __str__(self) -> str:
        return f"Tiers {self.aux_key} : balance âgée"


class OpenItemAgingDay(models.Model):
    """The one row (id 1) telling the day the kept aged balances (`OpenItemAging`) are at; empty (`day` null): not
    kept, rebuilt by the next reader. Terms of payment fixed at 30 days (`aging.PAYMENT_DAYS`). Its lock orders the
    writers: a roll-over takes it for update, every change of the open items for share (PostgreSQL; SQLite has one
    writer at a time)."""

    day = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "jour de la balance âgée"
        verbose_name_plural = "jour de la balance âgée"

    def __str__(self) -> str:
        return f"Balance âgée au {self.day:%d/%m/%Y}" if self.day else "Balance âgée à reconstruire"
