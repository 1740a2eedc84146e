"""Year-end carry forward (à-nouveaux): balance-sheet balances of one fiscal year opened in the next.

Classes 1 to 5 are carried forward account by account (customer and supplier accounts by auxiliary
account); the year's result (Σ class 7 − Σ class 6) is carried to 120 (profit) or 129 (loss) — PCG art.
941-12 / 941-12x. Income and expense accounts (6, 7) start the new year at zero.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.ledger import aging, chain, heads
from pilote.ledger.models import Account, AccountBalance, AuxiliaryAccount, FiscalYear
from pilote.ledger.services import LineInput
from pilote.lib.dates import add_months, local_today
from pilote.lib.formats import format_eur
from pilote.lib.money import ZERO

DOUBTFUL_ACCOUNT = "416"  # PCG: clients douteux ou litigieux, kept per third party like 411


# Associations (ANC 2018-06): 86x « emplois » and 87x « contributions volontaires en nature » are the year's flows,
# equal by construction and reported below the result; like classes 6 and 7 they start each year at zero.
IN_KIND_FLOWS = ("86", "87")


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
        if account.code.startswith(IN_KIND_FLOWS):
            continue  # the year's contributions in kind, shown below its result: not carried, as 6 and 7
        if account.requires_auxiliary or account.code.startswith(DOUBTFUL_ACCOUNT):
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
    """Detailed à-nouveaux of customer and supplier accounts (doubtful customers, 416, included): every item
    not fully lettered at closing, with its date-independent data (label, reference, due date), so lettering
    goes on next year (a doubtful debt written off next year is lettered with its carried 416 line)."""
    from django.db.models import Exists, OuterRef

    from pilote.ledger.models import EntryLine, EntryStatus, MatchedLine

    fully = MatchedLine.objects.filter(line=OuterRef("pk"), matching__is_partial=False)
    items = (
        EntryLine.objects.filter(fiscal_year=year, entry__status=EntryStatus.POSTED)
        .filter(_starts_with_any("account__code", ("401", "411", DOUBTFUL_ACCOUNT)))
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

BLOCKING, WARNING, OK = "blocking", "warning", "ok"
OLD_ITEM_MONTHS = 6  # an open customer/supplier item older than this at year end deserves a look
SUSPENSE_PREFIXES = ("471", "472", "473", "474", "475")  # PCG: comptes d'attente, to be cleared at closing


@dataclass
class ClosingCheck:
    """One pre-check of the year-end closing: what is checked, its outcome, and the page that fixes it."""

    label: str
    status: str  # OK, WARNING (closing allowed, said first) or BLOCKING (closing refused)
    detail: str = ""
    url: str = ""
    link_text: str = ""

    @property
    def is_blocking(self) -> bool:
        return self.status == BLOCKING


def _check(label: str, problem: str, severity: str, url: str = "", link_text: str = "") -> ClosingCheck:
    if not problem:
        return ClosingCheck(label, OK)
    return ClosingCheck(label, severity, problem, url, link_text)


def closing_checks(year: FiscalYear, today: dt.date | None = None) -> list[ClosingCheck]:
    """Every pre-check of the closing of `year`, each with its status and a link to the page that fixes
    it. The closing is refused while one is BLOCKING; WARNINGs are shown and accepted by the confirmation."""
    from pilote.ledger.models import Entry, EntryStatus

    today = today or local_today()
    checks = []
    day_after = year.end_date + dt.timedelta(days=1)
    checks.append(
        _check(
            "Exercice terminé",
            ""
            if today > year.end_date
            else f"{year} se termine le {year.end_date:%d/%m/%Y} : il ne peut être clôturé qu'à partir du "
            f"{day_after:%d/%m/%Y}.",
            BLOCKING,
        )
    )
    checks.append(_check("Exercice ouvert", "" if year.is_open else f"{year} est déjà clôturé.", BLOCKING))
    earlier = FiscalYear.objects.filter(end_date__lt=year.start_date, status="open").order_by("start_date").first()
    checks.append(
        _check(
            "Exercices précédents clôturés",
            f"Clôturez d'abord {earlier}." if earlier else "",
            BLOCKING,
            reverse("ledger:closing", args=[earlier.pk]) if earlier else "",
            f"Clôture de {earlier}",
        )
    )
    following = FiscalYear.objects.filter(start_date=day_after).first()
    reopened = (
        following
        and Entry.objects.filter(fiscal_year=following, journal__kind="opening", status=EntryStatus.POSTED).exists()
    )
    checks.append(
        _check(
            "À-nouveaux de l'exercice suivant",
            f"{following} a déjà des à-nouveaux validés : la clôture les générerait une seconde fois."
            if reopened
            else "",
            BLOCKING,
        )
    )
    drafts = Entry.objects.filter(fiscal_year=year, status=EntryStatus.DRAFT).count()
    checks.append(
        _check(
            "Aucune écriture en brouillard",
            f"{drafts} écriture(s) en brouillard : validez-les ou supprimez-les." if drafts else "",
            BLOCKING,
            reverse("ledger:entry-list") + f"?exercice={year.pk}&etat=draft",
            "Voir les brouillards",
        )
    )
    checks.append(_depreciation_check(year))
    checks.append(_vat_check(year))
    checks.extend(_bank_checks(year))
    checks.append(_suspense_check(year))
    checks.append(_old_items_check(year))
    from pilote.ledger.verify import verify_all

    integrity = [p for found in verify_all().values() for p in found]
    checks.append(
        _check(
            "Intégrité des écritures (chaînage, équilibre, numérotation, soldes)",
            " ".join(integrity[:5]),
            BLOCKING,
            reverse("ledger:verify"),
            "Vérification",
        )
    )
    return checks


def _depreciation_check(year: FiscalYear) -> ClosingCheck:
    # Blocking: depreciation is compulsory even in a loss year (C. com. L123-20, al. 2); once the
    # year is closed its annuity could no longer be booked in it.
    from pilote.ledger.assets import depreciation_due

    due = depreciation_due(year)
    total = sum((amount for _, amount in due), ZERO)
    return _check(
        "Dotations aux amortissements de l'exercice",
        f"{len(due)} immobilisation(s) sans dotation sur l'exercice ({format_eur(total)}) : passez les dotations."
        if due
        else "",
        BLOCKING,
        reverse("ledger:asset-list"),
        "Immobilisations et dotations",
    )


def _vat_check(year: FiscalYear) -> ClosingCheck:
    # Blocking: every CA3 of the year carries its settlement entry (4457x / 4456x → 44551 or 44567) into
    # the year; an undeclared period leaves VAT accounts wrong in the balance sheet being closed.
    from pilote.core.vat_policy import current_policy
    from pilote.ledger import vat

    following = vat.next_period_start() if current_policy().declares_vat else None  # none under franchise
    problem = ""
    if following is not None and following <= year.end_date:
        problem = (
            f"Déclarations de TVA : la période commençant le {following:%d/%m/%Y} n'est pas déclarée ; "
            f"déclarez chaque période jusqu'au {year.end_date:%d/%m/%Y}."
        )
    return _check(
        "Déclarations de TVA de l'exercice", problem, BLOCKING, reverse("ledger:vat-return"), "Déclaration de TVA"
    )


def _bank_checks(year: FiscalYear) -> list[ClosingCheck]:
    """The bank reconciliation at the year end, per bank account.

    Decided as a French accountant would:
    - a movement on the bank statement up to the year end that the books lack (bank charges, a direct
      debit, a transfer received) is BLOCKING: it is an income or a charge of the year (the principle of
      independent fiscal years) and could no longer be booked in it once closed;
    - book entries not yet seen by the bank (cheques issued not cashed, transfers in transit) are only a
      WARNING: they are the normal reconciling items of the year-end état de rapprochement;
    - statements not imported up to the year end, or a gap the état de rapprochement does not explain, are
      a WARNING: the December statement often arrives in January, and the books stay right; the accountant
      is told that the 512 balance is not yet justified by the bank."""
    from pilote.ledger import bank
    from pilote.ledger.models import BankAccount, StatementImport

    checks = []
    for account in BankAccount.objects.select_related("account"):
        report = bank.reconciliation_report(account, year.end_date)
        url = reverse("ledger:bank-report", args=[account.pk]) + f"?au={year.end_date:%Y-%m-%d}"
        label = f"Rapprochement bancaire au {year.end_date:%d/%m/%Y} — {account.name}"
        unbooked = report.bank_only
        if unbooked:
            checks.append(
                ClosingCheck(
                    label,
                    BLOCKING,
                    f"{len(unbooked)} mouvement(s) du relevé ({format_eur(report.bank_only_total)}) ne sont pas "
                    "comptabilisés : ce sont des produits ou des charges de l'exercice.",
                    url,
                    "État de rapprochement",
                )
            )
            continue
        last = (
            StatementImport.objects.filter(bank_account=account, end_date__isnull=False)
            .order_by("-end_date")
            .values_list("end_date", flat=True)
            .first()
        )
        warnings = []
        if last is None or last < year.end_date:
            shown = f"jusqu'au {last:%d/%m/%Y}" if last else "aucun"
            warnings.append(f"relevés importés : {shown} ; importez le relevé couvrant le {year.end_date:%d/%m/%Y}")
        if report.pairs:
            warnings.append(
                f"{len(report.pairs)} mouvement(s) présent(s) au relevé et en comptabilité restent à rapprocher"
            )
        if report.book_only:
            warnings.append(
                f"{len(report.book_only)} écriture(s) pas encore passée(s) en banque "
                f"({format_eur(report.book_only_total)}), à justifier sur l'état de rapprochement"
            )
        if report.difference:
            warnings.append(f"écart non expliqué de {format_eur(report.difference)}")
        problem = (" ; ".join(warnings) + ".").capitalize() if warnings else ""
        checks.append(_check(label, problem, WARNING, url, "État de rapprochement"))
    return checks


def _suspense_check(year: FiscalYear) -> ClosingCheck:
    # Warning: a suspense account (471–475) should be cleared before the accounts are drawn up, but a
    # residual balance does not make the books wrong; the accountant decides.
    from pilote.ledger.models import EntryLine, EntryStatus

    rows = (
        EntryLine.objects.filter(fiscal_year=year, entry__status=EntryStatus.POSTED)
        .filter(_starts_with_any("account__code", SUSPENSE_PREFIXES))
        .values("account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by("account__code")
    )
    unbalanced = [(row["account__code"], row["d"] - row["c"]) for row in rows if row["d"] != row["c"]]
    problem = " ".join(f"Le compte d'attente {code} n'est pas soldé ({format_eur(net)})." for code, net in unbalanced)
    url = reverse("ledger:general-ledger") + (f"?exercice={year.pk}&compte={unbalanced[0][0]}" if unbalanced else "")
    return _check("Comptes d'attente soldés", problem, WARNING, url, "Grand livre")


def _old_items_check(year: FiscalYear) -> ClosingCheck:
    # Warning: customer or supplier items still open long after their date are lettering left to do or a
    # doubtful debt to provide for (account 491); the closing carries them forward item by item anyway.
    from django.db.models import Exists, OuterRef

    from pilote.ledger.models import EntryLine, EntryStatus, MatchedLine

    cutoff = add_months(year.end_date + dt.timedelta(days=1), -OLD_ITEM_MONTHS)
    fully = MatchedLine.objects.filter(line=OuterRef("pk"), matching__is_partial=False)
    counts = dict(
        EntryLine.objects.filter(fiscal_year=year, entry__status=EntryStatus.POSTED, date__lt=cutoff)
        .filter(_starts_with_any("account__code", ("411", "401")))
        .exclude(Exists(fully))
        .values_list("account__code")
        .annotate(n=Count("id"))
        .values_list("account__code", "n")
    )
    parts = [f"{n} ligne(s) du {code}" for code, n in sorted(counts.items())]
    problem = (
        f"{' et '.join(parts)} non lettrée(s) datant d'avant le {cutoff:%d/%m/%Y} : lettrez-les ou "
        "provisionnez les créances douteuses."
        if parts
        else ""
    )
    prefix = "411" if any(code.startswith("411") for code in counts) or not counts else "401"
    url = reverse("ledger:aged-balance") + f"?type={prefix}&au={year.end_date:%Y-%m-%d}"
    return _check("Comptes clients et fournisseurs lettrés", problem, WARNING, url, "Balance âgée")


def _starts_with_any(field: str, prefixes) -> Q:
    condition = Q()
    for prefix in prefixes:
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition


def closing_problems(year: FiscalYear, today: dt.date | None = None) -> list[str]:
    """The blocking pre-checks as French sentences (empty: the year may be closed)."""
    return [check.detail for check in closing_checks(year, today) if check.is_blocking]


@transaction.atomic
def close_fiscal_year(*, actor, year: FiscalYear, today: dt.date | None = None):
    """Close `year` — refused before its end date (local business date) and while a blocking pre-check
    fails (`closing_checks`) —, then the à-nouveaux entry of the next fiscal year (opened if needed)
    carrying classes 1–5 and determining the result on 120/129, then the year is locked for good.

    Income and expense accounts stay on the closed year (the SIG and the income statement read them);
    the result is determined in the next year's opening entry."""
    from pilote.ledger import services
    from pilote.ledger.models import FiscalYearStatus, Journal, JournalKind

    year = FiscalYear.objects.select_for_update().get(pk=year.pk)
    problems = closing_problems(year, today)
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
    aging.rebuild()  # the kept aged balances read the open years only: the closed year's items leave them
    head = chain.current_head()  # à-nouveaux included: the closing report prints it, kept outside the database
    audit.record(
        actor, "ledger.fiscal_year.closed", year,
        after={"opening_entry": entry.pk if entry else None, "chain_head": str(head)},
    )  # fmt: skip
    transaction.on_commit(lambda: heads.record(heads.CLOSING, str(year), head))
    return entry
