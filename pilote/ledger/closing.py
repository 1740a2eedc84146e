"""Year-end carry forward (à-nouveaux): balance-sheet balances of one fiscal year opened in the next.

Classes 1 to 5 are carried forward account by account (customer and supplier accounts by auxiliary
account); the year's result (Σ class 7 − Σ class 6) is carried to 120 (profit) or 129 (loss) — PCG art.
941-12 / 941-12x. Income and expense accounts (6, 7) start the new year at zero.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.ledger.models import Account, AccountBalance, AuxiliaryAccount, FiscalYear
from pilote.ledger.services import LineInput
from pilote.lib.dates import add_months
from pilote.lib.formats import format_eur
from pilote.lib.money import ZERO


def carry_forward_lines(year: FiscalYear) -> list[LineInput]:
    balances = (
        AccountBalance.objects.filter(fiscal_year=year)
        .values("account_id", "aux_key")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    accounts = {a.pk: a for a in Account.objects.filter(pk__in={b["account_id"] for b in balances})}
    auxiliaries = AuxiliaryAccount.objects.in_bulk({b["aux_key"] for b in balances if b["aux_key"]})
    net_by_key: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    result = ZERO
    for row in balances:
        account = accounts[row["account_id"]]
        net = row["d"] - row["c"]
        if account.account_class in (6, 7):
            if row["aux_key"] == 0:
                result -= net  # income is credit (negative net): result = Σ7 − Σ6
            continue
        if account.requires_auxiliary:
            continue  # carried item by item below (detailed à-nouveaux)
        net_by_key[(row["account_id"], row["aux_key"])] += net
    lines = []

    def order(item):
        (account_id, aux_key), _ = item
        return accounts[account_id].code, auxiliaries[aux_key].code if aux_key else ""

    for (account_id, aux_key), net in sorted(net_by_key.items(), key=order):
        if net == 0:
            continue
        lines.append(
            LineInput(
                account=accounts[account_id],
                auxiliary=auxiliaries.get(aux_key) if aux_key else None,
                debit=net if net > 0 else ZERO,
                credit=-net if net < 0 else ZERO,
                label="Report à nouveau",
            )
        )
    lines.extend(_open_items_carried(year))
    if result:
        code = "120" if result > 0 else "129"
        lines.append(
            LineInput(
                account=Account.objects.get(code=code),
                label="Résultat de l'exercice précédent",
                credit=result if result > 0 else ZERO,
                debit=-result if result < 0 else ZERO,
            )
        )
    return lines


def _open_items_carried(year: FiscalYear) -> list[LineInput]:
    """Detailed à-nouveaux of customer and supplier accounts: every item not fully lettered at closing,
    with its date-independent data (label, reference, due date), so lettering goes on next year."""
    from django.db.models import Exists, OuterRef

    from pilote.ledger.models import EntryLine, EntryStatus, MatchedLine

    fully = MatchedLine.objects.filter(line=OuterRef("pk"), matching__is_partial=False)
    items = (
        EntryLine.objects.filter(fiscal_year=year, entry__status=EntryStatus.POSTED)
        .filter(Q(account__code__startswith="401") | Q(account__code__startswith="411"))
        .exclude(Exists(fully))
        .select_related("account", "auxiliary", "entry")
        .order_by("account__code", "auxiliary__code", "date", "id")
    )
    return [
        LineInput(
            account=line.account,
            auxiliary=line.auxiliary,
            debit=line.debit,
            credit=line.credit,
            label=(line.label or line.entry.label)[:200],
            due_date=line.due_date,
            reference=line.reference or line.entry.piece_ref,
        )
        for line in items
    ]


# --- Year-end closing ------------------------------------------------------------------------------


def closing_problems(year: FiscalYear) -> list[str]:
    """Pre-checks before a fiscal year may be closed; each problem is a French sentence."""
    from pilote.ledger.models import Entry, EntryLine, EntryStatus

    problems = []
    if not year.is_open:
        problems.append(f"{year} est déjà clôturé.")
    earlier = FiscalYear.objects.filter(end_date__lt=year.start_date, status="open").order_by("start_date").first()
    if earlier:
        problems.append(f"Clôturez d'abord {earlier}.")
    following = FiscalYear.objects.filter(start_date=year.end_date + dt.timedelta(days=1)).first()
    if (
        following
        and Entry.objects.filter(fiscal_year=following, journal__kind="opening", status=EntryStatus.POSTED).exists()
    ):
        problems.append(f"{following} a déjà des à-nouveaux validés : la clôture les générerait une seconde fois.")
    drafts = Entry.objects.filter(fiscal_year=year, status=EntryStatus.DRAFT).count()
    if drafts:
        problems.append(f"{drafts} écriture(s) en brouillard : validez-les ou supprimez-les.")
    suspense = (
        EntryLine.objects.filter(fiscal_year=year, entry__status=EntryStatus.POSTED, account__code__startswith="47")
        .values("account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    for row in suspense:
        if row["d"] != row["c"]:
            problems.append(
                f"Le compte d'attente {row['account__code']} n'est pas soldé ({format_eur(row['d'] - row['c'])})."
            )
    from pilote.ledger.verify import verify_all

    problems.extend(p for found in verify_all().values() for p in found)
    return problems


@transaction.atomic
def close_fiscal_year(*, actor, year: FiscalYear):
    """Close `year`: pre-checks, then the à-nouveaux entry of the next fiscal year (opened if needed)
    carrying classes 1–5 and determining the result on 120/129, then the year is locked for good.

    Income and expense accounts stay on the closed year (the SIG and the income statement read them);
    the result is determined in the next year's opening entry."""
    from pilote.ledger import services
    from pilote.ledger.models import FiscalYearStatus, Journal, JournalKind

    year = FiscalYear.objects.select_for_update().get(pk=year.pk)
    problems = closing_problems(year)
    if problems:
        raise DomainError("Clôture impossible : " + " ".join(problems[:10]))
    following = FiscalYear.objects.filter(start_date=year.end_date + dt.timedelta(days=1)).first()
    if following is None:
        start = year.end_date + dt.timedelta(days=1)
        following = services.open_fiscal_year(
            actor=actor, start_date=start, end_date=add_months(start, 12) - dt.timedelta(days=1)
        )
    opening_journal = Journal.objects.filter(kind=JournalKind.OPENING).order_by("code").first()
    if opening_journal is None:
        raise DomainError("Aucun journal d'à-nouveaux (type « À-nouveaux ») : créez-le avant la clôture.")
    lines = carry_forward_lines(year)
    entry = None
    if lines:
        entry = services.create_entry(
            actor=actor,
            journal=opening_journal,
            date=following.start_date,
            label=f"À-nouveaux — {year}",
            piece_ref=f"AN{following.start_date:%Y}",
            lines=lines,
            post=True,
        )
    year.status = FiscalYearStatus.CLOSED
    year.locked_until = year.end_date
    year.save(update_fields=["status", "locked_until"])
    audit.record(actor, "ledger.fiscal_year.closed", year, after={"opening_entry": entry.pk if entry else None})
    return entry
