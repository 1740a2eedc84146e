"""Business writes of the ledger: drafts, posting, reversal, fiscal years, journals, the chart.

Posting is the one place where an entry becomes part of the books: balance checked to the cent, next
gapless number taken under lock, validation date stamped, hash chained, aggregates updated — all in
one transaction, or nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.ledger import analytics, chain, open_items
from pilote.ledger.exceptions import PostingError
from pilote.ledger.models import (
    Account,
    AuxiliaryAccount,
    ChainHead,
    Entry,
    EntryLine,
    EntryStatus,
    FiscalYear,
    Journal,
    JournalKind,
    JournalSequence,
)
from pilote.ledger.models_analytic import AnalyticLine
from pilote.lib.formats import format_eur
from pilote.lib.money import ZERO, round_eur, to_cents


@dataclass
class LineInput:
    account: Account
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    label: str = ""
    auxiliary: AuxiliaryAccount | None = None
    due_date: dt.date | None = None
    vat_rate: Decimal | None = None
    vat_base: Decimal | None = None
    reference: str = ""
    # Analytic distribution (classes 6 and 7): (section, weight) pairs, split in proportion per axis
    # (`analytics`); axes left out take the account's defaults at posting.
    analytic: list | None = None


def fiscal_year_for(day: dt.date) -> FiscalYear:
    year = FiscalYear.objects.filter(start_date__lte=day, end_date__gte=day).first()
    if year is None:
        raise DomainError(f"Aucun exercice ne couvre le {day:%d/%m/%Y} : créez l'exercice d'abord.")
    return year


def _check_line(line: LineInput, number: int) -> list[str]:
    problems = []
    debit, credit = round_eur(line.debit or 0), round_eur(line.credit or 0)
    if debit != (line.debit or 0) or credit != (line.credit or 0):
        problems.append(f"Ligne {number} : les montants s'arrêtent au centime.")
    if debit < 0 or credit < 0:
        problems.append(f"Ligne {number} : un montant ne peut pas être négatif (utilisez l'autre colonne).")
    if debit and credit:
        problems.append(f"Ligne {number} : une ligne est au débit ou au crédit, pas les deux.")
    if line.auxiliary is not None and line.auxiliary.control_account_id != line.account.pk:
        problems.append(
            f"Ligne {number} : le compte auxiliaire {line.auxiliary.code} dépend du compte "
            f"{line.auxiliary.control_account.code}, pas de {line.account.code}."
        )
    if line.analytic:
        if not analytics.is_analytic(line.account.code):
            problems.append(f"Ligne {number} : seules les charges (6) et les produits (7) se ventilent en analytique.")
        problems += analytics.check_shares(line.analytic, number)
    return problems


def _write_lines(entry: Entry, lines: list[LineInput]) -> None:
    problems = [p for i, line in enumerate(lines, start=1) for p in _check_line(line, i)]
    if problems:
        raise DomainError(" ".join(problems))
    EntryLine.objects.bulk_create(
        EntryLine(
            entry=entry,
            fiscal_year_id=entry.fiscal_year_id,
            date=entry.date,
            position=i,
            account=line.account,
            auxiliary=line.auxiliary,
            label=line.label[:200],
            debit=round_eur(line.debit or 0),
            credit=round_eur(line.credit or 0),
            due_date=line.due_date,
            vat_rate=line.vat_rate,
            vat_base=line.vat_base,
            reference=line.reference[:40],
        )
        for i, line in enumerate(lines, start=1)
        if (line.debit or 0) or (line.credit or 0)
    )
    analytics.write_draft_shares(entry, lines)


@transaction.atomic
def create_entry(
    *,
    actor,
    journal: Journal,
    date: dt.date,
    label: str,
    lines: list[LineInput],
    piece_ref: str = "",
    piece_date: dt.date | None = None,
    post: bool = False,
) -> Entry:
    """A draft entry (unbalanced allowed); with post=True it is posted in the same transaction."""
    year = fiscal_year_for(date)
    entry = Entry.objects.create(
        journal=journal,
        fiscal_year=year,
        date=date,
        label=label.strip()[:200],
        piece_ref=piece_ref[:40],
        piece_date=piece_date,
        created_by=actor,
    )
    _write_lines(entry, lines)
    audit.record(actor, "ledger.entry.drafted", entry)
    if post:
        return post_entry(actor=actor, entry=entry)
    return entry


@transaction.atomic
def update_draft(
    *, actor, entry: Entry, lines: list[LineInput], expected_version: int | None = None, **fields
) -> Entry:
    current = Entry.objects.select_for_update().get(pk=entry.pk)
    if current.is_posted:
        raise DomainError("Cette écriture est validée : elle ne se modifie plus, elle se contre-passe.")
    check_version(current.version, expected_version, "Cette écriture")
    for name, value in fields.items():
        setattr(current, name, value)
    if "date" in fields:
        current.fiscal_year = fiscal_year_for(current.date)
    current.version += 1
    current.save()
    current.lines.all().delete()
    _write_lines(current, lines)
    audit.record(actor, "ledger.entry.draft_updated", current)
    return current


@transaction.atomic
def delete_draft(*, actor, entry: Entry) -> None:
    current = Entry.objects.select_for_update().get(pk=entry.pk)
    if current.is_posted:
        raise DomainError("Une écriture validée ne se supprime pas : contre-passez-la.")
    audit.record(actor, "ledger.entry.draft_deleted", current, before={"label": current.label})
    current.delete()


def _posting_problems(entry: Entry, lines: list[EntryLine]) -> list[str]:
    year = entry.fiscal_year
    problems = []
    if not year.is_open:
        problems.append(f"{year} est clôturé.")
    if not year.contains(entry.date):
        problems.append(f"La date {entry.date:%d/%m/%Y} est hors de {year}.")
    if year.locked_until and entry.date <= year.locked_until:
        problems.append(f"La période est verrouillée jusqu'au {year.locked_until:%d/%m/%Y}.")
    if not entry.journal.is_active:
        problems.append(f"Le journal {entry.journal.code} est désactivé.")
    if len(lines) < 2:
        problems.append("Une écriture compte au moins deux lignes.")
    debit = sum((line.debit for line in lines), ZERO)
    credit = sum((line.credit for line in lines), ZERO)
    if debit != credit:
        problems.append(
            f"L'écriture n'est pas équilibrée : débit {format_eur(debit)}, "
            f"crédit {format_eur(credit)} (écart {format_eur(debit - credit)})."
        )
    elif debit == 0:
        problems.append("L'écriture est à zéro.")
    for line in lines:
        if not line.account.is_active:
            problems.append(f"Le compte {line.account.code} est désactivé.")
        if len(line.account.code) < 3:
            problems.append(
                f"Le compte {line.account.code} est un titre de rubrique : imputez un compte d'au moins 3 chiffres."
            )
        if line.account.requires_auxiliary and line.auxiliary_id is None:
            problems.append(f"Le compte {line.account.code} demande un compte auxiliaire (client ou fournisseur).")
    return problems


@transaction.atomic
def post_entry(*, actor, entry: Entry) -> Entry:
    # Lock order: chain head first (one writer posts at a time), then the entry, then its sequence.
    head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
    current = Entry.objects.select_for_update().select_related("journal", "fiscal_year").get(pk=entry.pk)
    if current.is_posted:
        raise PostingError("Cette écriture est déjà validée.")
    lines = list(current.lines.select_related("account", "auxiliary__control_account"))
    problems = _posting_problems(current, lines)
    if problems:
        raise PostingError(" ".join(problems))
    sequence, _ = JournalSequence.objects.select_for_update().get_or_create(
        journal=current.journal, fiscal_year=current.fiscal_year
    )
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    current.lines.update(is_posted=True)  # still a draft here, so the triggers allow it
    current.number = sequence.last_number
    current.posted_at = timezone.now()
    current.status = EntryStatus.POSTED
    current.chain_index = head.last_index + 1
    current.previous_hash = head.last_hash
    current.hash = chain.entry_hash(head.last_hash, current, lines)
    current.total_debit = sum((line.debit for line in lines), ZERO)
    current.save()
    head.last_index, head.last_hash = current.chain_index, current.hash
    head.save()
    _add_to_balances(current, lines)
    analytics.on_posted(current, lines)
    audit.record(actor, "ledger.entry.posted", current, after={"number": current.number, "hash": current.hash})
    return current


BalanceKey = tuple[int, int, int, dt.date, bool]  # fiscal year, account, auxiliary (0 = none), month, opening


def collect_balance_deltas(entry: Entry, lines, totals: dict[BalanceKey, list[Decimal]]) -> None:
    """Add a posted entry's lines to `totals` (account level, plus auxiliary level where there is one)."""
    month = entry.date.replace(day=1)
    opening = entry.journal.kind == JournalKind.OPENING
    for line in lines:
        keys = [(entry.fiscal_year_id, line.account_id, 0, month, opening)]
        if line.auxiliary_id:
            keys.append((entry.fiscal_year_id, line.account_id, line.auxiliary_id, month, opening))
        for key in keys:
            bucket = totals.setdefault(key, [ZERO, ZERO, 0])
            bucket[0] += line.debit
            bucket[1] += line.credit
            bucket[2] += 1


def apply_balance_deltas(totals: dict[BalanceKey, list]) -> None:
    """Add the deltas to the stored aggregates in one statement (upsert, SQLite ≥ 3.24 and PostgreSQL);
    the caller holds the chain lock, so one writer at a time."""
    if not totals:
        return
    sql = (
        "INSERT INTO ledger_accountbalance "
        "(fiscal_year_id, account_id, aux_key, month, is_opening, debit, credit, line_count) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (fiscal_year_id, account_id, aux_key, month, is_opening) DO UPDATE SET "
        "debit = ledger_accountbalance.debit + excluded.debit, "
        "credit = ledger_accountbalance.credit + excluded.credit, "
        "line_count = ledger_accountbalance.line_count + excluded.line_count"
    )
    ops = connection.ops
    rows = [
        (
            year_id,
            account_id,
            aux,
            ops.adapt_datefield_value(month),
            opening,
            to_cents(debit),
            to_cents(credit),
            count,
        )
        for (year_id, account_id, aux, month, opening), (debit, credit, count) in totals.items()
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _add_to_balances(entry: Entry, lines: list[EntryLine]) -> None:
    totals: dict[BalanceKey, list[Decimal]] = {}
    collect_balance_deltas(entry, lines, totals)
    apply_balance_deltas(totals)
    items: dict[open_items.Key, list[int]] = {}
    for line in lines:
        if open_items.is_open_item_account(line.account.code):
            key = open_items.key(entry.fiscal_year_id, line.account_id, line.auxiliary_id, entry.date, line.due_date)
            open_items.add(items, key, to_cents(line.debit), to_cents(line.credit))
    open_items.apply(items)


@transaction.atomic
def reverse_entry(*, actor, entry: Entry, date: dt.date | None = None, label: str = "") -> Entry:
    """Contre-passation: a new posted entry with debit and credit swapped, linked to the original."""
    original = Entry.objects.select_related("journal").get(pk=entry.pk)
    shares: dict[int, list] = {}
    for part in AnalyticLine.objects.filter(line__entry=original).select_related("section"):
        shares.setdefault(part.line_id, []).append((part.section, part.percent))
    if not original.is_posted:
        raise DomainError("Seule une écriture validée se contre-passe ; un brouillard se modifie ou se supprime.")
    if Entry.objects.filter(reversal_of=original).exists():
        raise DomainError("Cette écriture a déjà été contre-passée.")
    lines = [
        LineInput(
            account=line.account,
            auxiliary=line.auxiliary,
            label=line.label,
            debit=line.credit,
            credit=line.debit,
            due_date=line.due_date,
            vat_rate=line.vat_rate,
            vat_base=-line.vat_base if line.vat_base is not None else None,
            reference=line.reference,
            analytic=shares.get(line.pk),
        )
        for line in original.lines.select_related("account", "auxiliary")
    ]
    reversal = create_entry(
        actor=actor,
        journal=original.journal,
        date=date or original.date,
        label=label or f"Contre-passation de {original.journal.code} n° {original.number}",
        lines=lines,
        piece_ref=original.piece_ref,
    )
    Entry.objects.filter(pk=reversal.pk).update(reversal_of=original)
    reversal.reversal_of = original
    return post_entry(actor=actor, entry=reversal)


# --- Set-up: fiscal years, journals, chart ---------------------------------------------------------


@transaction.atomic
def open_fiscal_year(*, actor, start_date: dt.date, end_date: dt.date) -> FiscalYear:
    from pilote.core.structure_rules import check_fiscal_year

    check_fiscal_year(start_date, end_date)
    overlapping = FiscalYear.objects.filter(start_date__lte=end_date, end_date__gte=start_date)
    if overlapping.exists():
        raise DomainError(f"Cet exercice chevauche {overlapping.first()}.")
    previous = FiscalYear.objects.filter(end_date__lt=start_date).order_by("-end_date").first()
    if previous and previous.end_date + dt.timedelta(days=1) != start_date:
        raise DomainError(
            f"L'exercice doit commencer le {previous.end_date + dt.timedelta(days=1):%d/%m/%Y}, "
            "au lendemain du précédent."
        )
    year = FiscalYear.objects.create(start_date=start_date, end_date=end_date)
    audit.record(actor, "ledger.fiscal_year.opened", year, after=audit.snapshot(year))
    return year


DEFAULT_JOURNALS = [
    ("VT", "Ventes", JournalKind.SALES),
    ("AC", "Achats", JournalKind.PURCHASES),
    ("BQ", "Banque", JournalKind.BANK),
    ("OD", "Opérations diverses", JournalKind.MISC),
    ("AN", "À-nouveaux", JournalKind.OPENING),
]


@transaction.atomic
def install_chart(*, actor, kind: str) -> int:
    """Load the PCG (and, for associations, the ANC 2018-06 accounts); existing codes are kept."""
    from pilote.ledger.chart_data import load_chart

    existing = set(Account.objects.values_list("code", flat=True))
    new = [Account(code=a.code, label=a.label) for a in load_chart(kind) if a.code not in existing]
    Account.objects.bulk_create(new)
    if Account.objects.filter(code="512").exists() or new:
        bank = Account.objects.filter(code="512").first()
        for code, label, journal_kind in DEFAULT_JOURNALS:
            Journal.objects.get_or_create(
                code=code,
                defaults={
                    "label": label,
                    "kind": journal_kind,
                    "account": bank if journal_kind == JournalKind.BANK else None,
                },
            )
    audit.record(actor, "ledger.chart.installed", None, after={"kind": kind, "accounts": len(new)})
    return len(new)


@transaction.atomic
def create_account(*, actor, code: str, label: str) -> Account:
    code = code.strip()
    if not code.isdigit() or not 3 <= len(code) <= 20 or code[0] not in "12345678":
        raise DomainError(
            "Un numéro de compte est fait de chiffres, commence par la classe (1 à 8) et a 3 à 20 chiffres."
        )
    if Account.objects.filter(code=code).exists():
        raise DomainError(f"Le compte {code} existe déjà.")
    parent = next(
        (code[:n] for n in range(len(code) - 1, 1, -1) if Account.objects.filter(code=code[:n]).exists()), None
    )
    if parent is None:
        raise DomainError(f"Le compte {code} doit se rattacher à un compte existant du plan (ex. {code[:3]}).")
    account = Account.objects.create(code=code, label=label.strip())
    audit.record(actor, "ledger.account.created", account, after=audit.snapshot(account))
    return account


@transaction.atomic
def auxiliary_for_contact(*, actor, contact, control_code: str) -> AuxiliaryAccount:
    """The contact's customer (411), doubtful customer (416) or supplier (401) sub-ledger account, created on
    first use. Codes: C (411), D (416, the same third party's doubtful receivables), F (401) + the contact id."""
    control = Account.objects.get(code=control_code)
    existing = AuxiliaryAccount.objects.filter(contact=contact, control_account=control).first()
    if existing:
        return existing
    prefix = "C" if control_code.startswith("411") else "D" if control_code.startswith("416") else "F"
    code, attempt = f"{prefix}{contact.pk:06d}", 1
    while True:
        while AuxiliaryAccount.objects.filter(code=code).exists():  # e.g. taken over from another software's FEC
            attempt += 1
            code = f"{prefix}{contact.pk:06d}-{attempt}"
        try:
            with transaction.atomic():  # a savepoint: two first invoices of a customer issued at once both get here
                aux = AuxiliaryAccount.objects.create(
                    code=code, label=contact.display_name[:200], control_account=control, contact=contact
                )
        except IntegrityError:
            if existing := AuxiliaryAccount.objects.filter(contact=contact, control_account=control).first():
                return existing  # created by the concurrent transaction, now committed
            continue  # the code was taken by another third party meanwhile: the next one
        audit.record(actor, "ledger.auxiliary.created", aux, after=audit.snapshot(aux))
        return aux


@transaction.atomic
def lock_period(*, actor, year: FiscalYear, until: dt.date) -> FiscalYear:
    """Lock the fiscal year's entries up to `until` (included); a lock only moves forward."""
    current = FiscalYear.objects.select_for_update().get(pk=year.pk)
    if not current.contains(until):
        raise DomainError(f"La date de verrouillage doit être dans {current}.")
    if current.locked_until and until < current.locked_until:
        raise DomainError(
            f"La période est déjà verrouillée jusqu'au {current.locked_until:%d/%m/%Y} ; "
            "un verrouillage ne se lève pas."
        )
    drafts = Entry.objects.filter(fiscal_year=current, status=EntryStatus.DRAFT, date__lte=until).count()
    if drafts:
        raise DomainError(f"{drafts} brouillard(s) daté(s) de la période : validez-les ou supprimez-les d'abord.")
    before = {"locked_until": str(current.locked_until or "")}
    current.locked_until = until
    current.save(update_fields=["locked_until"])
    audit.record(actor, "ledger.period.locked", current, before=before, after={"locked_until": until.isoformat()})
    return current


def chart_kind(structure) -> str:
    """Associations get the ANC 2018-06 accounts on top of the PCG, social establishments those and the
    tarification accounts (73x); companies the PCG alone."""
    kind = getattr(structure, "type", "")
    return kind if kind in ("association", "social") else "company"


MAIN_BANK_ACCOUNT_NAME = "Compte principal"


def initialise_books(*, structure, actor) -> None:
    """First set-up of a new structure's books: the chart for its type, its first fiscal year and, when
    an IBAN was given, its bank account (512, journal BQ) ready for statements and payments."""
    install_chart(actor=actor, kind=chart_kind(structure))
    if not FiscalYear.objects.exists():
        open_fiscal_year(actor=actor, start_date=structure.fiscal_year_start, end_date=structure.fiscal_year_end)
    open_structure_bank_account(structure=structure, actor=actor)


def open_structure_bank_account(*, structure, actor) -> None:
    """The structure's IBAN (typed in the wizard or the settings) becomes a bank account on 512, with
    journal BQ while it is free, ready for statements and payments. Nothing when the IBAN already has
    its account or the chart has no 512 yet."""
    from pilote.ledger import bank
    from pilote.ledger.models_bank import BankAccount

    if not structure.iban or BankAccount.objects.filter(iban=structure.iban).exists():
        return
    if not Account.objects.filter(code="512").exists():
        return
    journal_free = (
        Journal.objects.filter(code="BQ", kind=JournalKind.BANK).exists()
        and not BankAccount.objects.filter(journal__code="BQ").exists()
    )
    bank.create_bank_account(
        actor=actor,
        name=MAIN_BANK_ACCOUNT_NAME if not BankAccount.objects.exists() else f"Compte {structure.iban[-4:]}",
        iban=structure.iban,
        bic=structure.bic,
        account_code="512",
        journal_code="BQ" if journal_free else "",
    )


def follow_structure_update(*, structure, before, actor) -> None:
    """Registered with core.registry.register_structure_update: a new IBAN in the settings opens its account."""
    if structure.iban and structure.iban != (before or {}).get("iban"):
        open_structure_bank_account(structure=structure, actor=actor)


@transaction.atomic
def create_journal(*, actor, code: str, label: str, kind: str, account: Account | None = None) -> Journal:
    code = code.strip().upper()
    if not code or len(code) > 8 or not code.isalnum():
        raise DomainError("Le code d'un journal a 1 à 8 lettres ou chiffres (ex. VT2, CAISSE).")
    if Journal.objects.filter(code=code).exists():
        raise DomainError(f"Le journal {code} existe déjà.")
    if kind in (JournalKind.BANK, JournalKind.CASH) and (account is None or not account.code.startswith(("51", "53"))):
        raise DomainError("Un journal de banque ou de caisse a son compte de trésorerie (51x ou 53x).")
    journal = Journal.objects.create(code=code, label=label.strip()[:100], kind=kind, account=account)
    audit.record(actor, "ledger.journal.created", journal, after=audit.snapshot(journal))
    return journal
