"""Grants (subventions): the file, its award (441 → 74x), instalments received (bank → 441), report deadlines,
the action's budget by nature, and an earmarked grant's unused part at a year end carried to dedicated funds
(6894 → 194) and used back (194 → 7894) — all posted through the ledger's services, tagged with the grant's code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from pilote.associations.models import (
    DedicatedFundMove,
    Grant,
    GrantBudgetLine,
    GrantDeadline,
    GrantInstalment,
    GrantStatus,
)
from pilote.associations.queries import grants as queries
from pilote.associations.services import books, budget
from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.ledger import analytics
from pilote.ledger.models_analytic import AnalyticAxis
from pilote.lib.money import ZERO, round_eur

RECEIVABLE = "441"
INCOME = "741"
TO_FUNDS = "6894"
FUNDS = "194"
FROM_FUNDS = "7894"


@transaction.atomic
def create_grant(*, actor, funder, code: str, title: str, amount_requested: Decimal, period_start: dt.date,
                 period_end: dt.date, earmarked: bool = True, conditions: str = "") -> Grant:  # fmt: skip
    code = code.strip().upper()
    if not code or len(code) > 20:
        raise DomainError("Donnez à la subvention un code court (20 caractères au plus), ex. VILLE-2026.")
    if Grant.objects.filter(code=code).exists():
        raise DomainError(f"Le code {code} est déjà celui d'une autre subvention.")
    if period_end < period_start:
        raise DomainError("La fin de l'action suit son début.")
    if not funder.is_funder:
        funder.is_funder = True
        funder.save(update_fields=["is_funder", "updated_at"])
    grant = Grant.objects.create(
        code=code, funder=funder, title=title.strip()[:200], amount_requested=round_eur(amount_requested),
        period_start=period_start, period_end=period_end, earmarked=earmarked, conditions=conditions.strip(),
    )  # fmt: skip
    analytics.create_section(actor=actor, axis=grants_axis(actor), code=code, label=grant.title or code)
    audit.record(actor, "associations.grant.created", grant, after=audit.snapshot(grant))
    return grant


def grants_axis(actor) -> AnalyticAxis:
    """The analytic axis whose sections are the grants' actions (opened on first use)."""
    axis = AnalyticAxis.objects.filter(code=queries.GRANTS_AXIS).first()
    return axis or analytics.create_axis(actor=actor, code=queries.GRANTS_AXIS, label="Subventions (actions financées)")


def shares(grant: Grant) -> list | None:
    """The analytic distribution that puts a line wholly on the grant's action."""
    section = queries.section_of(grant)
    return [(section, Decimal(100))] if section is not None else None


def _locked(grant: Grant) -> Grant:
    return Grant.objects.select_for_update().select_related("funder").get(pk=grant.pk)


@transaction.atomic
def award_grant(*, actor, grant: Grant, amount: Decimal, granted_on: dt.date) -> Grant:
    """The funder's decision: the granted amount is income (74x) and a receivable on the funder (441)."""
    current = _locked(grant)
    amount = round_eur(amount)
    if current.status != GrantStatus.REQUESTED:
        raise DomainError(f"La subvention {current.code} est déjà {current.get_status_display().lower()}.")
    if amount <= 0:
        raise DomainError("Le montant accordé doit être positif.")
    label = f"Subvention {current.code} {current.funder.display_name}"[:200]
    entry = books.post(
        actor=actor, journal=books.misc_journal(), date=granted_on, label=label, piece_ref=current.code,
        lines=[
            books.Line(books.account(RECEIVABLE), debit=amount, label=label, reference=current.code),
            books.Line(books.account(INCOME), credit=amount, label=label, reference=current.code,
                       analytic=shares(current)),
        ],
    )  # fmt: skip
    current.status, current.amount_granted, current.granted_on, current.award_entry = (
        GrantStatus.GRANTED, amount, granted_on, entry)  # fmt: skip
    current.save(update_fields=["status", "amount_granted", "granted_on", "award_entry"])
    audit.record(actor, "associations.grant.awarded", current, after={"amount": str(amount)})
    return current


@transaction.atomic
def refuse_grant(*, actor, grant: Grant) -> Grant:
    current = _locked(grant)
    if current.status != GrantStatus.REQUESTED:
        raise DomainError(f"La subvention {current.code} n'est plus en attente de décision.")
    current.status = GrantStatus.REFUSED
    current.save(update_fields=["status"])
    audit.record(actor, "associations.grant.refused", current)
    return current


@transaction.atomic
def add_instalment(*, actor, grant: Grant, label: str, expected_on: dt.date, amount: Decimal) -> GrantInstalment:
    current = _locked(grant)
    amount = round_eur(amount)
    if amount <= 0:
        raise DomainError("Le montant d'un versement doit être positif.")
    planned = sum((i.amount for i in current.instalments.all()), ZERO)
    ceiling = current.amount_granted if current.amount_granted is not None else current.amount_requested
    if planned + amount > ceiling:
        raise DomainError(f"Les versements prévus dépasseraient le montant de la subvention ({ceiling} €).")
    instalment = GrantInstalment.objects.create(grant=current, label=label.strip()[:100] or "Versement",
                                                expected_on=expected_on, amount=amount)  # fmt: skip
    audit.record(actor, "associations.instalment.planned", instalment, after=audit.snapshot(instalment))
    return instalment


@transaction.atomic
def receive_instalment(*, actor, instalment: GrantInstalment, received_on: dt.date, bank_account) -> GrantInstalment:
    current = GrantInstalment.objects.select_for_update().select_related("grant__funder").get(pk=instalment.pk)
    grant = current.grant
    if grant.status != GrantStatus.GRANTED:
        raise DomainError("Un versement ne s'encaisse qu'une fois la subvention accordée.")
    if current.received_on is not None:
        raise DomainError(f"Le versement « {current.label} » est déjà encaissé.")
    if bank_account is None:
        raise DomainError("Choisissez le compte bancaire qui reçoit le versement.")
    label = f"Versement subvention {grant.code} {grant.funder.display_name}"[:200]
    entry = books.post(
        actor=actor, journal=bank_account.journal, date=received_on, label=label, piece_ref=grant.code,
        lines=[
            books.Line(bank_account.account, debit=current.amount, label=label),
            books.Line(books.account(RECEIVABLE), credit=current.amount, label=label, reference=grant.code),
        ],
    )  # fmt: skip
    current.received_on, current.entry = received_on, entry
    current.save(update_fields=["received_on", "entry"])
    audit.record(actor, "associations.instalment.received", current, after={"received_on": received_on.isoformat()})
    return current


@transaction.atomic
def add_deadline(*, actor, grant: Grant, label: str, due_on: dt.date) -> GrantDeadline:
    if not label.strip():
        raise DomainError("Décrivez l'échéance (compte rendu financier, rapport d'activité…).")
    deadline = GrantDeadline.objects.create(grant=grant, label=label.strip()[:200], due_on=due_on)
    audit.record(actor, "associations.deadline.added", deadline, after=audit.snapshot(deadline))
    return deadline


@transaction.atomic
def complete_deadline(*, actor, deadline: GrantDeadline, done_on: dt.date) -> GrantDeadline:
    current = GrantDeadline.objects.select_for_update().get(pk=deadline.pk)
    if current.done_on is not None:
        raise DomainError("Cette échéance est déjà tenue.")
    current.done_on = done_on
    current.save(update_fields=["done_on"])
    audit.record(actor, "associations.deadline.done", current)
    return current


@transaction.atomic
def set_budget_line(*, actor, grant: Grant, nature: str, label: str, amount: Decimal) -> GrantBudgetLine:
    nature = budget.check_accounts(nature, classes="678", lengths=range(2, 3),
                                   message="La nature est un compte de charges ou de produits à deux chiffres : "
                                           "60, 64, 74, 86…")  # fmt: skip
    return budget.set_line(actor=actor, model=GrantBudgetLine, owner={"grant": grant}, key={"nature": nature},
                           label=label, amount=amount, audit_code="associations.budget.set")  # fmt: skip


@transaction.atomic
def delete_budget_line(*, actor, line: GrantBudgetLine) -> None:
    """A nature leaves the action's budget (its actual, if any, still shows in the report, without a budget)."""
    budget.delete_line(actor=actor, line=line, audit_code="associations.budget.deleted")


@transaction.atomic
def update_report(*, actor, grant: Grant, **texts) -> Grant:
    current = _locked(grant)
    for name in ("report_summary", "report_variances", "report_beneficiaries"):
        if name in texts:
            setattr(current, name, (texts[name] or "").strip())
    current.save(update_fields=["report_summary", "report_variances", "report_beneficiaries"])
    audit.record(actor, "associations.grant.report_updated", current)
    return current


@transaction.atomic
def carry_unused(*, actor, grant: Grant, year_end: dt.date) -> DedicatedFundMove:
    """At a year end, the earmarked grant's part not yet used by the action's charges goes to dedicated funds."""
    current = _locked(grant)
    if not current.earmarked or current.status != GrantStatus.GRANTED:
        raise DomainError("Seule une subvention affectée et accordée se reporte en fonds dédiés.")
    if current.fund_moves.filter(kind=DedicatedFundMove.Kind.CARRIED, date=year_end).exists():
        raise DomainError(f"La part non utilisée de {current.code} est déjà reportée au {year_end:%d/%m/%Y}.")
    used = queries.charges_through(current, year_end)
    unused = current.amount_granted - used - queries.fund_balance(current)
    if unused <= 0:
        raise DomainError(f"La subvention {current.code} est entièrement utilisée : rien à reporter.")
    return _move(actor, current, DedicatedFundMove.Kind.CARRIED, year_end, unused)


@transaction.atomic
def use_funds(*, actor, grant: Grant, on: dt.date, amount: Decimal | None = None) -> DedicatedFundMove:
    """Dedicated funds come back as income (7894) as the action spends them (by default, up to its charges
    since the last carry)."""
    current = _locked(grant)
    balance = queries.fund_balance(current)
    if balance <= 0:
        raise DomainError(f"La subvention {current.code} n'a pas de fonds dédiés à utiliser.")
    if amount is None:
        last = current.fund_moves.filter(kind=DedicatedFundMove.Kind.CARRIED).order_by("-date").first()
        spent = queries.charges_through(current, on) - queries.charges_through(current, last.date)
        amount = min(balance, spent)
    amount = round_eur(amount)
    if amount <= 0 or amount > balance:
        raise DomainError(f"Montant à utiliser entre 0 et {balance} € de fonds dédiés.")
    return _move(actor, current, DedicatedFundMove.Kind.USED, on, amount)


def _move(actor, grant: Grant, kind: str, date: dt.date, amount: Decimal) -> DedicatedFundMove:
    carried = kind == DedicatedFundMove.Kind.CARRIED
    label = f"{'Report en' if carried else 'Utilisation des'} fonds dédiés {grant.code}"[:200]
    debit, credit = (TO_FUNDS, FUNDS) if carried else (FUNDS, FROM_FUNDS)
    entry = books.post(
        actor=actor, journal=books.misc_journal(), date=date, label=label, piece_ref=grant.code,
        lines=[
            books.Line(books.account(debit), debit=amount, label=label, reference=grant.code),
            books.Line(books.account(credit), credit=amount, label=label, reference=grant.code),
        ],
    )  # fmt: skip
    move = DedicatedFundMove.objects.create(grant=grant, kind=kind, date=date, amount=amount, entry=entry)
    action = "associations.funds.carried" if carried else "associations.funds.used"
    audit.record(actor, action, move, after={"amount": str(amount)})
    return move


AGREEMENT_TYPES = {b"%PDF": "PDF", b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG"}
OFFICE_SUFFIXES = (".docx", ".odt")


def check_agreement(upload) -> str:
    """The signed agreement is a PDF, a scan (PNG, JPEG) or a word-processor file (.docx, .odt), read from its
    first bytes; returns its type."""
    head = upload.read(8)
    upload.seek(0)
    for magic, kind in AGREEMENT_TYPES.items():
        if head.startswith(magic):
            return kind
    if head.startswith(b"PK\x03\x04") and upload.name.lower().endswith(OFFICE_SUFFIXES):
        return "bureautique"
    raise DomainError("La convention doit être un PDF, une image (PNG, JPEG) ou un document .docx / .odt.")


@transaction.atomic
def attach_agreement(*, actor, grant: Grant, upload) -> Grant:
    """The grant's signed agreement kept with its file (a new one replaces the former, which the audit names)."""
    check_agreement(upload)
    current = _locked(grant)
    former = current.agreement_name
    if current.agreement:
        current.agreement.delete(save=False)
    current.agreement_name = upload.name[:120]
    current.agreement.save(upload.name, upload, save=False)
    current.save(update_fields=["agreement", "agreement_name"])
    before = {"agreement": former} if former else None
    audit.record(actor, "associations.grant.agreement_attached", current, before=before,
                 after={"agreement": current.agreement_name})  # fmt: skip
    return current


def agreement_file(grant: Grant):
    """The signed agreement's file opened for reading, or None when none is attached (or its file is gone)."""
    if not grant.agreement:
        return None
    try:
        return grant.agreement.open("rb")
    except (FileNotFoundError, ValueError):
        return None


def send_financial_report(*, actor, grant: Grant, structure) -> None:
    """E-mail the financial report (Cerfa 15059) as a PDF to the funder (the sales e-mail helper); the act is
    audited."""
    from pilote.core.pdf import render_pdf
    from pilote.sales.mail import send_document

    funder = grant.funder
    if not funder.email:
        raise DomainError(f"{funder.display_name} n'a pas d'adresse e-mail : ajoutez-la sur sa fiche.")
    structure_name = structure.legal_name
    pdf = render_pdf(queries.REPORT_TEMPLATE, queries.report_context(grant, structure))
    send_document(
        to=funder.email,
        subject=f"Compte rendu financier — subvention {grant.code} — {structure_name}",
        body=(
            f"Bonjour,\n\nVeuillez trouver ci-joint le compte rendu financier (Cerfa 15059) de l'action "
            f"« {grant.title} » que vous avez soutenue (subvention {grant.code}).\n\nCordialement,\n{structure_name}"
        ),
        filename=f"compte-rendu-financier-{grant.code}.pdf",
        pdf=pdf,
    )
    audit.record(actor, "associations.grant.report_sent", grant, after={"to": funder.email})
