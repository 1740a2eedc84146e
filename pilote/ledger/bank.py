"""Bank: statement import (CAMT.053, OFX, CSV with a remembered mapping), reconciliation suggestions,
entries created from statement lines (by hand or by reusable rules), and the reconciliation report."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.ledger import bank_statements, hooks, lettering, services
from pilote.ledger.models import (
    Account,
    AuxiliaryAccount,
    BankAccount,
    BankRule,
    EntryLine,
    EntryStatus,
    FiscalYear,
    Journal,
    JournalKind,
    StatementImport,
    StatementLine,
)
from pilote.lib import identifiers, textfiles
from pilote.lib.formats import format_eur
from pilote.lib.money import ZERO

SUGGESTION_DAYS = 20
BATCH = 2000  # statement lines written per INSERT


# Callables (actor=, statement_line=, settle_line=) -> bank EntryLine | None, registered by business apps
# in ledger.hooks from their AppConfig.ready(): the first that recognises the settled line books the payment itself.
settlement_handlers = hooks.settlement_handlers


def days_apart(days: int) -> str:
    """« même date », « 1 jour d'écart », « 3 jours d'écart »: a reason shown beside a suggested match."""
    if days == 0:
        return "même date"
    return f"{days} jour{'s' if days > 1 else ''} d'écart"


@transaction.atomic
def create_bank_account(
    *, actor, name: str, iban: str, account_code: str = "512", journal_code: str = "", bic: str = ""
) -> BankAccount:
    iban = identifiers.clean_iban(iban)
    bic = identifiers.clean_bic(bic) if bic else identifiers.bic_from_iban(iban)
    if BankAccount.objects.filter(iban=iban).exists():
        raise DomainError("Ce compte bancaire existe déjà.")
    account = Account.objects.filter(code=account_code).first()
    if account is None or not account_code.startswith("51"):
        raise DomainError("Le compte comptable d'une banque est un compte 51x existant (ex. 512 ou 5121).")
    code = journal_code or f"BQ{BankAccount.objects.count() + 1}"
    journal = Journal.objects.filter(code=code).first()
    if journal is None:
        journal = Journal.objects.create(
            code=code, label=f"Banque {name}"[:100], kind=JournalKind.BANK, account=account
        )
    elif journal.kind != JournalKind.BANK or BankAccount.objects.filter(journal=journal).exists():
        raise DomainError(f"Le journal {code} n'est pas un journal de banque libre.")
    bank = BankAccount.objects.create(name=name, iban=iban, bic=bic, journal=journal, account=account)
    audit.record(actor, "ledger.bank_account.created", bank, after=audit.snapshot(bank))
    return bank


@transaction.atomic
def update_bank_account(
    *,
    actor,
    bank_account: BankAccount,
    name: str,
    iban: str,
    bic: str = "",
    is_active: bool = True,
    expected_version: int | None = None,
) -> BankAccount:
    """A bank account's name, IBAN, BIC and state changed (its journal and 51x account stay: the books are kept
    on them). The IBAN changes only while no statement was imported on the account — a statement names its
    account's IBAN —; an inactive account is no longer offered to payments, collections and reimbursements."""
    bank_account = BankAccount.objects.select_for_update().get(pk=bank_account.pk)
    check_version(bank_account.version, expected_version, "Ce compte bancaire")
    name = name.strip()
    if not name:
        raise DomainError("Donnez un nom au compte bancaire.")
    iban = identifiers.clean_iban(iban)
    bic = identifiers.clean_bic(bic) if bic else identifiers.bic_from_iban(iban)
    if iban != bank_account.iban:
        if bank_account.imports.exists() or bank_account.statement_lines.exists():
            raise DomainError(
                "Des relevés ont été importés sur ce compte : son IBAN ne peut plus changer. "
                "Pour une nouvelle domiciliation, créez un autre compte bancaire et désactivez celui-ci."
            )
        if BankAccount.objects.filter(iban=iban).exclude(pk=bank_account.pk).exists():
            raise DomainError("Un autre compte bancaire a déjà cet IBAN.")
    before = audit.snapshot(bank_account)
    bank_account.name, bank_account.iban, bank_account.bic = name[:100], iban, bic
    bank_account.is_active = is_active
    bank_account.version += 1
    bank_account.save(update_fields=["name", "iban", "bic", "is_active", "version"])
    audit.record(actor, "ledger.bank_account.changed", bank_account, before=before,
                 after=audit.snapshot(bank_account))  # fmt: skip
    return bank_account


@transaction.atomic
def save_csv_mapping(*, actor, bank_account: BankAccount, mapping: bank_statements.CsvMapping) -> None:
    """Remember (or change) the column layout of this bank's CSV exports; StatementError if inconsistent."""
    bank_statements.check_mapping(mapping)
    before = bank_account.csv_mapping
    bank_account.csv_mapping = asdict(mapping)
    bank_account.save(update_fields=["csv_mapping"])
    audit.record(
        actor, "ledger.bank_account.csv_mapping_saved", bank_account, before=before, after=bank_account.csv_mapping
    )


@transaction.atomic
def forget_csv_mapping(*, actor, bank_account: BankAccount) -> None:
    """Forget the saved column layout: the next CSV file asks for its columns again."""
    before = bank_account.csv_mapping
    if before is None:
        raise DomainError("Aucune disposition de colonnes n'est enregistrée pour ce compte.")
    bank_account.csv_mapping = None
    bank_account.save(update_fields=["csv_mapping"])
    audit.record(actor, "ledger.bank_account.csv_mapping_deleted", bank_account, before=before)


def _fingerprint(line: bank_statements.StatementLine, occurrence: int) -> str:
    text = "|".join([line.booking_date.isoformat(), str(line.amount), line.reference, line.label, str(occurrence)])
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class ImportSummary:
    imported: int
    skipped: int
    statement: StatementImport | None
    notes: tuple[str, ...] = ()  # what the reading left out or read apart (a card section…), in French


@transaction.atomic
def import_statement(
    *,
    actor,
    bank_account: BankAccount,
    data,
    filename: str,
    csv_mapping: bank_statements.CsvMapping | None = None,
) -> ImportSummary:
    """Parse and store a statement file (bytes or a binary file, a CSV read as a stream); lines already
    imported (overlapping statements) are skipped. Any problem in the file raises StatementError (French,
    line-numbered) and nothing is written."""
    data = textfiles.binary_stream(data)
    digest = hashlib.sha256()
    for chunk in textfiles.chunks(data):
        digest.update(chunk)
    file_hash = digest.hexdigest()
    if StatementImport.objects.filter(bank_account=bank_account, file_hash=file_hash).exists():
        raise DomainError("Ce fichier a déjà été importé pour ce compte.")
    fmt = bank_statements.detect_format(textfiles.head(data, 8192), filename)
    if fmt == "csv" and csv_mapping is None and bank_account.csv_mapping:
        csv_mapping = bank_statements.CsvMapping(**bank_account.csv_mapping)
    statements = bank_statements.parse_any(data, filename, csv_mapping)
    for statement in statements:
        if statement.account_iban and statement.account_iban != bank_account.iban:
            raise DomainError(f"Ce relevé est celui du compte {statement.account_iban}, pas de {bank_account.iban}.")
    if fmt == "csv" and csv_mapping is not None and bank_account.csv_mapping != asdict(csv_mapping):
        save_csv_mapping(actor=actor, bank_account=bank_account, mapping=csv_mapping)
    lines = (line for statement in statements for line in statement.lines)
    record = StatementImport.objects.create(
        bank_account=bank_account,
        filename=filename[:200],
        file_format=fmt,
        file_hash=file_hash,
        start_date=min((s.start_date for s in statements if s.start_date), default=None),
        end_date=max((s.end_date for s in statements if s.end_date), default=None),
        opening_balance=statements[0].opening_balance if statements else None,
        closing_balance=statements[-1].closing_balance if statements else None,
        imported_by=actor,
    )
    seen: dict[tuple, int] = {}
    existing = set(StatementLine.objects.filter(bank_account=bank_account).values_list("fingerprint", flat=True))
    rows, skipped, imported = [], 0, 0
    for line in lines:
        key = (line.booking_date, line.amount, line.reference, line.label)
        seen[key] = seen.get(key, 0) + 1
        fingerprint = _fingerprint(line, seen[key])
        if fingerprint in existing:
            skipped += 1
            continue
        if len(rows) == BATCH:
            StatementLine.objects.bulk_create(rows)
            imported += len(rows)
            rows = []
        rows.append(
            StatementLine(
                bank_account=bank_account,
                statement=record,
                booking_date=line.booking_date,
                value_date=line.value_date,
                amount=line.amount,
                label=line.label[:300],
                reference=line.reference[:100],
                counterparty=line.counterparty[:200],
                counterparty_iban=line.counterparty_iban[:34],
                fingerprint=fingerprint,
            )
        )
    StatementLine.objects.bulk_create(rows)
    imported += len(rows)
    record.line_count, record.skipped_count = imported, skipped
    record.save(update_fields=["line_count", "skipped_count"])
    audit.record(actor, "ledger.statement.imported", record, after={"lines": imported, "skipped": skipped})
    notes = tuple(note for statement in statements for note in statement.notes)
    return ImportSummary(imported, skipped, record, notes)


# --- Suggestions and reconciliation -----------------------------------------------------------------


@dataclass
class Suggestion:
    kind: str  # "book" (an existing bank line in the books) or "open_item" (an unpaid invoice)
    line: EntryLine
    score: int
    reasons: list[str]


def significant_words(text: str) -> set[str]:
    """Lower-cased words of more than 3 letters or digits: what a bank label and a name may share."""
    return {w for w in "".join(c.lower() if c.isalnum() else " " for c in text).split() if len(w) > 3}


def suggestions(statement_line: StatementLine, limit: int = 5) -> list[Suggestion]:
    """Candidates ranked by amount, date, reference and counterparty."""
    amount = statement_line.amount
    window = (
        statement_line.booking_date - dt.timedelta(days=SUGGESTION_DAYS),
        statement_line.booking_date + dt.timedelta(days=SUGGESTION_DAYS),
    )
    side = {"debit": amount} if amount > 0 else {"credit": -amount}
    book = EntryLine.objects.filter(
        account=statement_line.bank_account.account,
        entry__status=EntryStatus.POSTED,
        statement_line__isnull=True,
        date__range=window,
        **side,
    ).select_related("entry")
    open_side = {"debit": amount} if amount > 0 else {"credit": -amount}
    third_party = (
        EntryLine.objects.filter(
            Q(account__code__startswith="411") | Q(account__code__startswith="401"),
            entry__status=EntryStatus.POSTED,
            match__isnull=True,
            fiscal_year__status="open",
            **open_side,
        )
        .exclude(entry__journal__kind=JournalKind.BANK)
        .select_related("entry", "auxiliary")[:50]
    )
    words = significant_words(f"{statement_line.label} {statement_line.reference} {statement_line.counterparty}")
    found = []
    for kind, candidates in (("book", book), ("open_item", third_party)):
        for line in candidates:
            score, reasons = 50, ["même montant"]
            days = abs((line.date - statement_line.booking_date).days)
            if kind == "book":
                score += max(0, 20 - days)
                reasons.append(days_apart(days))
            ref = line.entry.piece_ref.lower()
            if ref and (ref in statement_line.label.lower() or ref in statement_line.reference.lower()):
                score += 30
                reasons.append(f"référence {line.entry.piece_ref}")
            name = line.auxiliary.label if line.auxiliary_id else line.entry.label
            if words & significant_words(name):
                score += 15
                reasons.append(f"tiers {name}")
            found.append(Suggestion(kind, line, score, reasons))
    return sorted(found, key=lambda s: -s.score)[:limit]


@transaction.atomic
def reconcile(*, actor, statement_line: StatementLine, entry_line: EntryLine) -> None:
    current = StatementLine.objects.select_for_update().get(pk=statement_line.pk)
    if current.entry_line_id:
        raise DomainError("Cette ligne de relevé est déjà rapprochée.")
    if entry_line.account_id != current.bank_account.account_id or entry_line.entry.status != EntryStatus.POSTED:
        raise DomainError("Seule une ligne validée du compte de banque se rapproche d'une ligne de relevé.")
    if entry_line.debit - entry_line.credit != current.amount:
        raise DomainError(
            f"Montants différents : relevé {format_eur(current.amount)}, "
            f"écriture {format_eur(entry_line.debit - entry_line.credit)}."
        )
    if StatementLine.objects.filter(entry_line=entry_line).exists():
        raise DomainError("Cette ligne d'écriture est déjà rapprochée d'une autre ligne de relevé.")
    current.entry_line, current.reconciled_at = entry_line, timezone.now()
    current.save(update_fields=["entry_line", "reconciled_at"])
    audit.record(actor, "ledger.bank.reconciled", current, after={"entry_line": entry_line.pk})


def confirm_match(*, actor, statement_line: StatementLine, entry_line: EntryLine, open_item: bool = False) -> None:
    """A suggestion confirmed: the statement line reconciled with a bank line already in the books, or — `open_item`,
    an unpaid invoice's line — the payment booked against it (lettered) and reconciled. The page's and the API's way."""
    if open_item:
        book_statement_line(actor=actor, statement_line=statement_line, account=entry_line.account, settle=entry_line)
    else:
        reconcile(actor=actor, statement_line=statement_line, entry_line=entry_line)


@transaction.atomic
def unreconcile(*, actor, statement_line: StatementLine) -> None:
    current = StatementLine.objects.select_for_update().get(pk=statement_line.pk)
    before = {"entry_line": current.entry_line_id}
    current.entry_line, current.reconciled_at = None, None
    current.save(update_fields=["entry_line", "reconciled_at"])
    audit.record(actor, "ledger.bank.unreconciled", current, before=before)


@transaction.atomic
def book_statement_line(
    *,
    actor,
    statement_line: StatementLine,
    account: Account,
    auxiliary: AuxiliaryAccount | None = None,
    label: str = "",
    settle: EntryLine | None = None,
) -> EntryLine:
    """Create and post the missing entry for a statement line (bank journal: 512 against `account`),
    reconcile it, and letter it with the invoice line `settle` when given (a customer or supplier payment)."""
    if statement_line.entry_line_id:
        raise DomainError("Cette ligne de relevé est déjà rapprochée.")
    if settle is not None:  # a business app (e.g. sales) may own the settled document: it books the payment
        for handler in settlement_handlers:
            booked = handler(actor=actor, statement_line=statement_line, settle_line=settle)
            if booked is not None:
                return booked
    bank = statement_line.bank_account
    amount = statement_line.amount
    if settle is not None:
        account, auxiliary = settle.account, settle.auxiliary
    L = services.LineInput
    text = (label or statement_line.label)[:200]
    lines = [
        L(bank.account, debit=amount if amount > 0 else ZERO, credit=-amount if amount < 0 else ZERO, label=text),
        L(
            account,
            auxiliary=auxiliary,
            debit=-amount if amount < 0 else ZERO,
            credit=amount if amount > 0 else ZERO,
            label=text,
        ),
    ]
    ref = settle.entry.piece_ref if settle is not None else statement_line.reference[:40]
    entry = services.create_entry(
        actor=actor,
        journal=bank.journal,
        date=statement_line.booking_date,
        label=text,
        piece_ref=ref,
        piece_date=statement_line.booking_date,
        lines=lines,
        post=True,
    )
    bank_line = entry.lines.get(account=bank.account)
    reconcile(actor=actor, statement_line=statement_line, entry_line=bank_line)
    if settle is not None:
        counterpart = entry.lines.exclude(pk=bank_line.pk).get()
        lettering.letter_lines(actor=actor, lines=[settle, counterpart])
    return bank_line


@transaction.atomic
def book_by_codes(
    *,
    actor,
    statement_line: StatementLine,
    account_code: str,
    auxiliary_code: str = "",
    label: str = "",
    rule_text: str = "",
) -> EntryLine:
    """The statement line page's « Comptabiliser » (and the API's): the counterpart account and the auxiliary
    account named by their codes (an unknown one refused in French), the entry posted and reconciled
    (`book_statement_line`), and — `rule_text` given — a rule for the next times, all or nothing."""
    account = Account.objects.filter(code=(account_code or "").strip()).first()
    if account is None:
        raise DomainError(f"Compte {account_code} inconnu du plan comptable.")
    auxiliary = None
    if (auxiliary_code or "").strip():
        auxiliary = AuxiliaryAccount.objects.filter(code=auxiliary_code.strip()).first()
        if auxiliary is None:
            raise DomainError(f"Compte auxiliaire {auxiliary_code} inconnu.")
    booked = book_statement_line(
        actor=actor, statement_line=statement_line, account=account, auxiliary=auxiliary, label=label
    )
    if (rule_text or "").strip():
        create_rule(actor=actor, bank_account=statement_line.bank_account, label_contains=rule_text, account=account,
                    auxiliary=auxiliary, entry_label=label)  # fmt: skip
    return booked


def matching_rule(statement_line: StatementLine) -> BankRule | None:
    label = f"{statement_line.label} {statement_line.counterparty}".lower()
    rules = BankRule.objects.filter(Q(bank_account=statement_line.bank_account) | Q(bank_account__isnull=True))
    return next(
        (rule for rule in rules.select_related("account", "auxiliary") if rule.label_contains.lower() in label), None
    )


@transaction.atomic
def apply_rules(*, actor, bank_account: BankAccount, lines=None) -> int:
    """Book, by the matching rules, the unreconciled statement lines of `bank_account` — only those of
    `lines` when given (the lines a filtered page shows: a bulk action acts on what its page shows)."""
    scope = StatementLine.objects.filter(bank_account=bank_account, entry_line__isnull=True)
    if lines is not None:
        scope = scope.filter(pk__in=[line.pk for line in lines] if isinstance(lines, list) else lines.values("pk"))
    done = 0
    for statement_line in scope.order_by("booking_date", "id"):
        rule = matching_rule(statement_line)
        if rule:
            book_statement_line(
                actor=actor,
                statement_line=statement_line,
                account=rule.account,
                auxiliary=rule.auxiliary,
                label=rule.entry_label,
            )
            done += 1
    return done


# --- Report -------------------------------------------------------------------------------------


@dataclass
class Pair:
    """A statement line and an unreconciled book line of the bank account that are the same movement:
    same amount, dates within SUGGESTION_DAYS; the reference, when both sides share it, settles ties."""

    statement_line: StatementLine
    line: EntryLine
    score: int
    reasons: list[str]

    @property
    def key(self) -> str:
        return f"{self.statement_line.pk}-{self.line.pk}"


def _reference_shared(statement_line: StatementLine, line: EntryLine) -> str:
    ref = (line.reference or line.entry.piece_ref).strip()
    if not ref:
        return ""
    text = f"{statement_line.label} {statement_line.reference}".lower()
    return ref if ref.lower() in text else ""


def pair_lines(statement_lines, book_lines) -> list[Pair]:
    """One-to-one pairs between unreconciled statement lines and book lines of the same bank account: each
    line is used at most once, the best candidates first (reference shared, then closest date)."""
    by_amount: dict[Decimal, list[EntryLine]] = {}
    for line in book_lines:
        by_amount.setdefault(line.debit - line.credit, []).append(line)
    candidates = []
    for statement_line in statement_lines:
        for line in by_amount.get(statement_line.amount, ()):
            days = abs((line.date - statement_line.booking_date).days)
            if days > SUGGESTION_DAYS:
                continue
            reasons = ["même montant", days_apart(days)]
            score = 50 + (SUGGESTION_DAYS - days)
            ref = _reference_shared(statement_line, line)
            if ref:
                score += 30
                reasons.append(f"référence {ref}")
            candidates.append(Pair(statement_line, line, score, reasons))
    candidates.sort(key=lambda p: (-p.score, p.statement_line.booking_date, p.statement_line.pk, p.line.pk))
    pairs, used_statement, used_book = [], set(), set()
    for pair in candidates:
        if pair.statement_line.pk in used_statement or pair.line.pk in used_book:
            continue
        used_statement.add(pair.statement_line.pk)
        used_book.add(pair.line.pk)
        pairs.append(pair)
    return sorted(pairs, key=lambda p: (p.statement_line.booking_date, p.statement_line.pk))


@dataclass
class ReconciliationReport:
    date: dt.date
    book_balance: Decimal
    bank_only: list[StatementLine]  # on the statement, not in the books
    book_only: list[EntryLine]  # in the books, not yet on a statement
    bank_balance: Decimal | None  # closing balance of the last statement up to the date, if known
    pairs: list[Pair] = field(default_factory=list)  # in both, not yet reconciled: shown once, to confirm

    @property
    def bank_only_total(self) -> Decimal:
        return sum((s.amount for s in self.bank_only), ZERO)

    @property
    def book_only_total(self) -> Decimal:
        return sum((line.debit - line.credit for line in self.book_only), ZERO)

    @property
    def pairs_total(self) -> Decimal:
        return sum((pair.statement_line.amount for pair in self.pairs), ZERO)

    @property
    def expected_bank_balance(self) -> Decimal:
        """Book balance + movements the bank saw that the books lack − book movements the bank has not seen
        (a pair is in both: it changes neither side)."""
        return self.book_balance + self.bank_only_total - self.book_only_total

    @property
    def difference(self) -> Decimal | None:
        return None if self.bank_balance is None else self.bank_balance - self.expected_bank_balance


def _unreconciled(bank_account: BankAccount, on: dt.date):
    """(statement lines, book lines, first statement day) of the account up to `on`, not reconciled yet.

    Book lines start SUGGESTION_DAYS before the first imported statement: a payment booked the day before
    the bank shows it still pairs with its statement line."""
    lines = EntryLine.objects.filter(account=bank_account.account, entry__status=EntryStatus.POSTED, date__lte=on)
    statement_lines = list(
        StatementLine.objects.filter(bank_account=bank_account, entry_line__isnull=True, booking_date__lte=on)
    )
    first = (
        StatementImport.objects.filter(bank_account=bank_account, start_date__isnull=False)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    waiting = lines.filter(statement_line__isnull=True).exclude(entry__journal__kind=JournalKind.OPENING)
    if first:
        waiting = waiting.filter(date__gte=first - dt.timedelta(days=SUGGESTION_DAYS))
    return statement_lines, list(waiting.select_related("entry")), first


def reconciliation_report(bank_account: BankAccount, on: dt.date) -> ReconciliationReport:
    """The état de rapprochement at `on`. A movement both on a statement and in the books but not yet
    reconciled is listed once, among the pairs to confirm, never as « not booked » and « not in the bank »
    at the same time."""
    lines = EntryLine.objects.filter(account=bank_account.account, entry__status=EntryStatus.POSTED, date__lte=on)
    # The balance is read in the fiscal year holding the date: its à-nouveaux already carry the earlier
    # years, whose lines summed again would count them twice.
    year = FiscalYear.objects.filter(start_date__lte=on, end_date__gte=on).first()
    totals = (lines.filter(fiscal_year=year) if year else lines).aggregate(d=Sum("debit"), c=Sum("credit"))
    book_balance = (totals["d"] or ZERO) - (totals["c"] or ZERO)
    statement_lines, book_lines, first = _unreconciled(bank_account, on)
    pairs = pair_lines(statement_lines, book_lines)
    paired_statement = {pair.statement_line.pk for pair in pairs}
    paired_book = {pair.line.pk for pair in pairs}
    last = (
        StatementImport.objects.filter(bank_account=bank_account, end_date__lte=on, closing_balance__isnull=False)
        .order_by("-end_date")
        .first()
    )
    return ReconciliationReport(
        on,
        book_balance,
        [s for s in statement_lines if s.pk not in paired_statement],
        # Opening entries and movements older than the first imported statement stand for the balance the
        # bank already showed: they are not « waiting for the bank ».
        [line for line in book_lines if line.pk not in paired_book and (first is None or line.date >= first)],
        last.closing_balance if last else None,
        pairs,
    )


@transaction.atomic
def reconcile_pairs(*, actor, bank_account: BankAccount, keys: list[str], on: dt.date) -> int:
    """Reconcile the pairs the report showed and the user confirmed (keys « statement line id-book line
    id »). Only pairs that the report of this bank account at `on` still proposes are reconciled: a key
    from another account, or a pair no longer valid, is ignored. Returns the number reconciled."""
    wanted = set(keys)
    statement_lines, book_lines, _ = _unreconciled(bank_account, on)
    done = 0
    for pair in pair_lines(statement_lines, book_lines):
        if pair.key in wanted:
            reconcile(actor=actor, statement_line=pair.statement_line, entry_line=pair.line)
            done += 1
    return done


@transaction.atomic
def create_rule(
    *,
    actor,
    bank_account: BankAccount | None,
    label_contains: str,
    account: Account,
    auxiliary: AuxiliaryAccount | None = None,
    entry_label: str = "",
) -> BankRule:
    _check_rule(label_contains)
    rule = BankRule.objects.create(
        bank_account=bank_account,
        label_contains=label_contains.strip(),
        account=account,
        auxiliary=auxiliary,
        entry_label=entry_label,
    )
    audit.record(actor, "ledger.bank_rule.created", rule, after=audit.snapshot(rule))
    return rule


def _check_rule(label_contains: str) -> None:
    if not label_contains.strip():
        raise DomainError("Indiquez le texte que le libellé doit contenir.")


@transaction.atomic
def update_rule(
    *,
    actor,
    rule: BankRule,
    bank_account: BankAccount | None,
    label_contains: str,
    account: Account,
    auxiliary: AuxiliaryAccount | None = None,
    entry_label: str = "",
    expected_version: int | None = None,
) -> BankRule:
    """A rule changed: the same checks as at its creation; lines already booked by it stay as they are."""
    _check_rule(label_contains)
    rule = BankRule.objects.select_for_update().get(pk=rule.pk)
    check_version(rule.version, expected_version, "Cette règle de rapprochement")
    before = audit.snapshot(rule)
    rule.bank_account, rule.label_contains, rule.account = bank_account, label_contains.strip(), account
    rule.auxiliary, rule.entry_label = auxiliary, entry_label
    rule.version += 1
    rule.save()
    audit.record(actor, "ledger.bank_rule.changed", rule, before=before, after=audit.snapshot(rule))
    return rule


@transaction.atomic
def delete_rule(*, actor, rule: BankRule) -> None:
    audit.record(actor, "ledger.bank_rule.deleted", rule, before=audit.snapshot(rule))
    rule.delete()
