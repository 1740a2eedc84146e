"""CA3 (form 3310-CA3) figures computed from the ledger, and the VAT settlement entry.

Collected VAT is read from accounts 4457x (44571…) — the VAT that is due for the period. Under the
« encaissements » regime, VAT on services is first booked on a waiting account (4458x) and moved to
44571 when the customer pays (CGI 269-2-c), so the same computation serves both regimes; the sales
module does that transfer. Deductible VAT: 44562 (fixed assets, box 19) and 44566 (other goods and
services, box 20); credit brought forward: the debit balance of 44567 before the period (box 22).

Box 21 « Autre TVA à déduire » reads BAD_DEBT_VAT_ACCOUNT: the VAT once collected on a sale whose debt
became definitively irrecoverable, recovered under CGI art. 272-1 (BOI-TVA-DED-40-10-20 § 1) — the receivables
module debits it when it writes a debt off. Line 21 is the 3310-CA3's line for deductions other than lines 19
and 20; its counterpart on the annual CA12, line 25, lists « la taxe afférente à des opérations restées
impayées, annulées ou faisant l'objet de rabais » (Feuillet Hebdo de la Revue Fiduciaire, 01/04/2021), and
Microsoft Dynamics 365's French CA3 maps its « VATDeductionTaxableRegularizations » to line 21 (EDI code 0059).
The text of the CA3 notice (n° 3310-NOT-CA3-SD) for line 21 could not be read here: to be checked against it.
It is a deduction, not a smaller collected VAT of the period: the sale was declared in an earlier return.

Sales that carry no French VAT (exports, intra-EU supplies, exempt sales, services taxed where the customer
is established) leave no trace on a VAT account: their bases are read from the operations themselves,
through the providers registered in `operation_providers` (the sales module registers its issued invoices
and credit notes), and land on the non-taxable lines E1, E2, F2 (mapping and sources: vat_lines.py).

VAT the buyer self-assesses (autoliquidation, FRENCH-RULES §4 and §12) is booked on 4452 « TVA due
intracommunautaire », one sub-account per CA3 line of its base (REVERSE_CHARGE_ACCOUNTS): the purchases module
credits it with the rate and base and debits the same VAT as deductible (44566, or 44562 on fixed assets), so both
sides cancel out. Each such 4452x line counts in the per-rate lines (08, 9B…) and in line 16 like collected VAT,
its base on its own cadre A line instead of A1 — B2 acquisitions intracommunautaires (and its VAT also on line 17
« Dont TVA sur acquisitions intracommunautaires »), A3 services bought from a taxable person established in
another member state (CGI art. 283-2), B4 goods or services bought from a taxable person not established in the
EU (art. 283-1 and 283-2) — and its deduction on line 19 or 20. Source: DGFiP notice n° 3310-NOT-CA3-SD
(n° 50449#23, cadre A « Opérations taxées », lines A3, B2, B4; cadre B lines 16, 17, 19, 20), cross-checked with
the box list of OCA l10n-france (l10n_fr_account_vat_return/data/l10n.fr.account.vat.box.csv: A3
« taxed_op_autoliq_intracom_service », B2 « taxed_op_autoliq_intracom_product », B4
« taxed_op_autoliq_extracom_service », 17 « due_vat_intracom_product »).

The settlement entry of a declared return is left out of every computation (it zeroes the VAT accounts,
it is no operation), and a declared period is shown with the figures stored on its VatReturn at
confirmation, never recomputed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.core.vat_policy import current_policy
from pilote.ledger import hooks, services, vat_lines
from pilote.ledger.models import Account, EntryLine, EntryStatus, Journal, JournalKind, VatReturn
from pilote.lib.dates import add_months, local_today
from pilote.lib.money import ZERO

RATE_BOXES = {Decimal("20.00"): "08", Decimal("10.00"): "9B", Decimal("5.50"): "09", Decimal("2.10"): "T6"}
# 4452 sub-accounts of the VAT self-assessed by the buyer → the cadre A line of its base; plain 4452 (the PCG's
# « TVA due intracommunautaire », what a hand-made entry uses) reads as B2.
REVERSE_CHARGE_ACCOUNTS = {
    "44521": ("B2", "TVA due sur acquisitions intracommunautaires"),
    "44522": ("A3", "TVA due sur services acquis dans l'UE (art. 283-2 du CGI)"),
    "44523": ("B4", "TVA due sur achats à un assujetti établi hors UE (art. 283-1 du CGI)"),
}
REVERSE_CHARGE_LINES = {
    "A3": "Achats de prestations de services réalisés auprès d'un assujetti non établi en France (art. 283-2 du CGI)",
    "B2": "Acquisitions intracommunautaires",
    "B4": "Achats de biens ou de prestations de services réalisés auprès d'un assujetti non établi en France "
    "(art. 283-1 du CGI)",
}


def reverse_charge_line(code: str) -> str:
    """The cadre A line of the base whose self-assessed VAT is booked on this 4452 account."""
    return next((line for prefix, (line, _) in REVERSE_CHARGE_ACCOUNTS.items() if code.startswith(prefix)), "B2")


BOX_LABELS = {
    "A1": "Ventes, prestations de services",
    **REVERSE_CHARGE_LINES,
    **vat_lines.OPERATION_LINES,
    "08": "Taux normal 20 %",
    "9B": "Taux réduit 10 %",
    "09": "Taux réduit 5,5 %",
    "T6": "Taux particulier 2,1 %",
    "16": "Total de la TVA brute due",
    "17": "Dont TVA sur acquisitions intracommunautaires",
    "19": "TVA déductible sur immobilisations",
    "20": "TVA déductible sur autres biens et services",
    "21": "Autre TVA à déduire",
    "22": "Report du crédit apparaissant ligne 27 de la précédente déclaration",
    "23": "Total TVA déductible",
    "25": "Crédit de TVA (ligne 23 − ligne 16)",
    "28": "TVA nette due (ligne 16 − ligne 23)",
    "32": "Total à payer",
}
RATE_PARTS = {"base": "base HT", "taxe": "taxe due"}
# A sub-account of 4458 « Taxes sur le chiffre d'affaires à régulariser ou en attente » (free in the PCG):
# the VAT of irrecoverable debts to deduct on line 21, debited at the write-off, settled by the return.
BAD_DEBT_VAT_ACCOUNT = ("44585", "TVA à régulariser sur créances irrécouvrables (art. 272 CGI)")
DEDUCTIBLE_BOXES = (
    ("19", "44562", "TVA sur immobilisations"),
    ("20", "44566", "TVA déductible"),
    ("21", BAD_DEBT_VAT_ACCOUNT[0], "TVA sur créances irrécouvrables"),
)


def box_label(key: str) -> str:
    """The French label of a stored box key: « 08 base » → « Taux normal 20 % : base HT »."""
    box, _, part = key.partition(" ")
    label = BOX_LABELS.get(box, "")
    return f"{label} : {RATE_PARTS[part]}" if part in RATE_PARTS and label else label


# Callables (start, end) -> iterable of (EN 16931 VAT category, net base excl. VAT) for the operations
# dated in the period (credit notes negative), registered by business apps in ledger.hooks from AppConfig.ready().
operation_providers = hooks.operation_providers


@dataclass
class Ca3:
    start: dt.date
    end: dt.date
    bases: dict[str, Decimal] = field(default_factory=dict)  # box → taxable base
    taxes: dict[str, Decimal] = field(default_factory=dict)  # box → VAT
    unclassified: Decimal = ZERO  # collected VAT booked without a rate: shown, counted in 16
    collected_by_account: dict[str, Decimal] = field(default_factory=dict)
    deductible: dict[str, Decimal] = field(default_factory=dict)  # "19" / "20" / "21"
    credit_brought_forward: Decimal = ZERO
    operations: dict[str, Decimal] = field(default_factory=dict)  # non-taxable line (E1, E2, F2) → base
    reverse_charge: dict[str, Decimal] = field(default_factory=dict)  # A3 / B2 / B4 → base self-assessed
    intra_eu_vat: Decimal = ZERO  # line 17: the VAT self-assessed on intra-EU acquisitions (B2)

    @property
    def box16(self) -> Decimal:
        return sum(self.taxes.values(), ZERO) + self.unclassified

    @property
    def box23(self) -> Decimal:
        return sum(self.deductible.values(), ZERO) + self.credit_brought_forward

    @property
    def net_due(self) -> Decimal:
        return max(self.box16 - self.box23, ZERO)

    @property
    def credit(self) -> Decimal:
        return max(self.box23 - self.box16, ZERO)

    def boxes(self) -> dict[str, str]:
        taxed_sales = sum(self.bases.values(), ZERO) - sum(self.reverse_charge.values(), ZERO)
        values = {"A1": taxed_sales}
        values |= {line: self.reverse_charge[line] for line in REVERSE_CHARGE_LINES if line in self.reverse_charge}
        values |= self.operations
        for box in RATE_BOXES.values():
            if box in self.bases or box in self.taxes:
                values[f"{box} base"] = self.bases.get(box, ZERO)
                values[f"{box} taxe"] = self.taxes.get(box, ZERO)
        values |= {
            "16": self.box16,
            **({"17": self.intra_eu_vat} if "B2" in self.reverse_charge else {}),
            "19": self.deductible.get("19", ZERO),
            "20": self.deductible.get("20", ZERO),
            **({"21": self.deductible["21"]} if "21" in self.deductible else {}),
            "22": self.credit_brought_forward,
            "23": self.box23,
            "25": self.credit,
            "28": self.net_due,
            "32": self.net_due,
        }
        return {key: str(value) for key, value in values.items()}


def _posted(start: dt.date, end: dt.date):
    """The period's posted lines, à-nouveaux left out: they carry balances over, they are no operation of
    the period (a taken-over FEC's opening VAT is not January's VAT)."""
    lines = EntryLine.objects.filter(entry__status=EntryStatus.POSTED, date__gte=start, date__lte=end)
    # A return's own settlement entry debits the collected VAT without a rate: counted, it would zero
    # line 16 next to per-rate lines still showing the VAT.
    return lines.exclude(entry__journal__kind=JournalKind.OPENING).exclude(entry__vatreturn__isnull=False)


# --- Sequence of returns ---------------------------------------------------------------------------


def books_start() -> dt.date | None:
    """The first day of the books (start of the first fiscal year): where the first VAT period starts."""
    from pilote.ledger.models import FiscalYear

    return FiscalYear.objects.order_by("start_date").values_list("start_date", flat=True).first()


def next_period_start() -> dt.date | None:
    """The first day not covered by a declared return, counted from the start of the books."""
    cursor = books_start()
    if cursor is None:
        return None
    for period_start, period_end in VatReturn.objects.order_by("period_start").values_list(
        "period_start", "period_end"
    ):
        if period_start > cursor:
            break  # a gap (returns recorded before this rule): the first undeclared day is the cursor
        cursor = max(cursor, period_end + dt.timedelta(days=1))
    return cursor


def _months_spanned(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _period_end(start: dt.date, quarterly: bool) -> dt.date:
    """The end of the month (or of the calendar quarter) that contains `start`."""
    months = (3 - start.month % 3) % 3 + 1 if quarterly else 1
    return add_months(start.replace(day=1), months) - dt.timedelta(days=1)


def next_period() -> tuple[dt.date, dt.date] | None:
    """The period to declare next: from the first undeclared day to the end of its month, or of its quarter
    when the last return was quarterly."""
    start = next_period_start()
    if start is None:
        return None
    last = VatReturn.objects.order_by("-period_start").first()
    quarterly = last is not None and _months_spanned(last.period_start, last.period_end) == 3
    return start, _period_end(start, quarterly)


def default_period() -> tuple[dt.date, dt.date]:
    """The period the VAT page and the API propose: the next one to declare (returns follow each other), else
    the previous calendar month."""
    following = next_period()
    if following:
        return following
    first_this_month = local_today().replace(day=1)
    return add_months(first_this_month, -1), first_this_month - dt.timedelta(days=1)


def period_figures(start: dt.date, end: dt.date) -> tuple[VatReturn | None, Ca3 | None]:
    """What the VAT page shows for a period: its declared return, as stored at confirmation (never a
    recomputation), else the figures computed now (DomainError when they cannot be yet: an earlier period to
    declare first, no books)."""
    declared = declared_return(start, end)
    if declared is not None:
        return declared, None
    return None, compute_ca3(start, end)


def box_rows(boxes: dict) -> list[tuple[str, str, str]]:
    """A return's boxes as the page lists them: (box, French label, amount)."""
    return [(key, box_label(key), value) for key, value in boxes.items()]


def periods_to_declare(until: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The periods still to declare, from the next one to the last that starts by `until`, at the cadence of the
    last return (monthly, or quarterly when it covered a quarter): the agenda shows their due dates."""
    period = next_period()
    if period is None:
        return []
    last = VatReturn.objects.order_by("-period_start").first()
    quarterly = last is not None and _months_spanned(last.period_start, last.period_end) == 3
    periods = []
    while period[0] <= until and len(periods) < 120:
        periods.append(period)
        following = period[1] + dt.timedelta(days=1)
        period = (following, _period_end(following, quarterly))
    return periods


def ensure_next_period(start: dt.date, end: dt.date) -> None:
    """Refuse (DomainError, French) a period that is not the next one to declare: an earlier period of the
    regime is undeclared, the period overlaps a declared return, or it is not a month or a quarter."""
    if end < start:
        raise DomainError("La fin de période doit suivre son début.")
    first = books_start()
    if first is None:
        raise DomainError("Aucun exercice comptable : ouvrez d'abord un exercice.")
    if start < first:
        raise DomainError(f"La comptabilité commence le {first:%d/%m/%Y} : aucune période de TVA avant cette date.")
    if VatReturn.objects.filter(period_start__lte=end, period_end__gte=start).exists():
        raise DomainError("Une déclaration couvre déjà tout ou partie de cette période.")
    months = _months_spanned(start, end)
    month_end = add_months(end.replace(day=1), 1) - dt.timedelta(days=1)
    whole = end == month_end and (start == first or start.day == 1)
    if not whole or not (months == 1 or (months <= 3 and end.month % 3 == 0)):
        raise DomainError(
            "Une déclaration CA3 couvre un mois civil (régime mensuel) ou un trimestre civil (régime trimestriel),"
            " du premier au dernier jour."
        )
    expected = next_period_start()
    if expected is not None and start > expected:
        gap_end = min(_period_end(expected, months == 3), start - dt.timedelta(days=1))
        raise DomainError(
            f"Les déclarations de TVA se suivent : déclarez d'abord la période du {expected:%d/%m/%Y} au "
            f"{gap_end:%d/%m/%Y} (le crédit reporté en ligne 22 dépend de la déclaration précédente)."
        )


def compute_ca3(start: dt.date, end: dt.date, *, check_sequence: bool = True) -> Ca3:
    """The CA3 figures of a period. Refused while an earlier period is undeclared (`check_sequence`), since
    box 22 depends on the previous return; figures of a declared period or of any span for analysis may be
    read with check_sequence=False."""
    if end < start:
        raise DomainError("La fin de période doit suivre son début.")
    if check_sequence:
        ensure_next_period(start, end)
    result = Ca3(start, end)
    collected = (
        _posted(start, end)
        .filter(Q(account__code__startswith="4457") | Q(account__code__startswith="4452"))
        .values("account__code", "vat_rate")
        .annotate(d=Sum("debit"), c=Sum("credit"), base=Sum("vat_base"))
    )
    for row in collected:
        tax = row["c"] - row["d"]
        if row["account__code"].startswith("4452"):  # self-assessed: its base on its own cadre A line
            line = reverse_charge_line(row["account__code"])
            result.reverse_charge[line] = result.reverse_charge.get(line, ZERO) + (row["base"] or ZERO)
            if line == "B2":
                result.intra_eu_vat += tax
        result.collected_by_account[row["account__code"]] = (
            result.collected_by_account.get(row["account__code"], ZERO) + tax
        )
        box = RATE_BOXES.get(row["vat_rate"]) if row["vat_rate"] is not None else None
        if box is None:
            result.unclassified += tax
            continue
        result.taxes[box] = result.taxes.get(box, ZERO) + tax
        result.bases[box] = result.bases.get(box, ZERO) + (row["base"] or ZERO)
    for box, prefix, _label in DEDUCTIBLE_BOXES:
        totals = _posted(start, end).filter(account__code__startswith=prefix).aggregate(d=Sum("debit"), c=Sum("credit"))
        amount = (totals["d"] or ZERO) - (totals["c"] or ZERO)
        if amount or box != "21":  # line 21 only when a debt was written off in the period
            result.deductible[box] = amount
    carried = EntryLine.objects.filter(
        entry__status=EntryStatus.POSTED, account__code__startswith="44567", date__lt=start
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    result.credit_brought_forward = max((carried["d"] or ZERO) - (carried["c"] or ZERO), ZERO)
    result.operations = vat_lines.operation_lines(
        pair for provider in operation_providers for pair in provider(start, end)
    )
    return result


def declared_return(start: dt.date, end: dt.date) -> VatReturn | None:
    """The return declared for exactly this period, if any: its stored figures are the declared ones."""
    return VatReturn.objects.filter(period_start=start, period_end=end).select_related("entry").first()


@transaction.atomic
def confirm_ca3(*, actor, start: dt.date, end: dt.date) -> VatReturn:
    """Record the return and post the settlement entry (OD, dated the period's last day): collected VAT
    debited, deductible VAT and the carried credit credited, the balance to 44551 (due) or 44567 (credit).

    Refused unless the period is the next one to declare (`ensure_next_period`). A period without any VAT
    is recorded as a « néant » return, without a settlement entry (`entry` is None)."""
    from pilote.ledger.models import FiscalYear

    if not (policy := current_policy()).declares_vat:
        raise DomainError(policy.reason)

    # One declaration at a time: the sequence read by ensure_next_period must not move under us.
    list(FiscalYear.objects.select_for_update().order_by("start_date")[:1])
    figures = compute_ca3(start, end)
    accounts = {a.code: a for a in Account.objects.filter(code__in=["44551", "44562", "44566", "44567"])}
    missing = {"44551", "44562", "44566", "44567"} - set(accounts)
    if missing:
        raise DomainError(f"Comptes manquants au plan comptable : {', '.join(sorted(missing))}.")
    L = services.LineInput
    lines = [
        L(Account.objects.get(code=code), debit=tax, label="TVA collectée")
        for code, tax in sorted(figures.collected_by_account.items())
        if tax > 0
    ]
    lines += [
        L(Account.objects.get(code=code), credit=-tax, label="TVA collectée (régularisation)")
        for code, tax in sorted(figures.collected_by_account.items())
        if tax < 0
    ]
    for box, code, label in DEDUCTIBLE_BOXES:
        amount = figures.deductible.get(box, ZERO)
        if amount:
            target = accounts.get(code) or Account.objects.get(code=code)  # 44585 exists once a debt is written off
            lines.append(L(target, credit=amount, label=label) if amount > 0 else L(target, debit=-amount, label=label))
    if figures.credit_brought_forward:
        lines.append(L(accounts["44567"], credit=figures.credit_brought_forward, label="Crédit de TVA reporté"))
    if figures.net_due:
        lines.append(L(accounts["44551"], credit=figures.net_due, label="TVA à décaisser"))
    if figures.credit:
        lines.append(L(accounts["44567"], debit=figures.credit, label="Crédit de TVA à reporter"))
    if not any(line.debit or line.credit for line in lines):
        return _record(actor, figures, entry=None)  # « néant »: declared, nothing to settle
    journal = Journal.objects.filter(kind=JournalKind.MISC, is_active=True).order_by("code").first()
    if journal is None:
        raise DomainError("Aucun journal d'opérations diverses actif.")
    entry = services.create_entry(
        actor=actor,
        journal=journal,
        date=end,
        label=f"Liquidation TVA {start:%d/%m/%Y} – {end:%d/%m/%Y}",
        piece_ref=f"CA3-{end:%Y%m}",
        lines=lines,
        post=True,
    )
    return _record(actor, figures, entry=entry)


def _record(actor, figures: Ca3, entry) -> VatReturn:
    vat_return = VatReturn.objects.create(
        period_start=figures.start, period_end=figures.end, boxes=figures.boxes(), entry=entry, confirmed_by=actor
    )
    audit.record(actor, "ledger.vat_return.confirmed", vat_return, after=vat_return.boxes)
    return vat_return
