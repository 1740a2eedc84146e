"""Writes of the finance app: the variable share of an expense account (break-even)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.finance.breakeven import default_share
from pilote.finance.models import CostBehaviour
from pilote.ledger.models import Account
from pilote.lib.formats import format_eur


@transaction.atomic
def set_cost_behaviour(*, actor, account: Account, variable_share: Decimal) -> CostBehaviour | None:
    """Store the account's variable share (0–100 %); the default share removes the row."""
    if not account.code.startswith("6"):
        raise DomainError(f"Le compte {account.code} n'est pas un compte de charges (classe 6).")
    if not Decimal(0) <= variable_share <= Decimal(100):
        raise DomainError("La part variable d'une charge est comprise entre 0 et 100 %.")
    current = CostBehaviour.objects.select_for_update().filter(account=account).first()
    before = current.variable_share if current else default_share(account.code)
    if variable_share == default_share(account.code):
        if current:
            current.delete()
        current = None
    elif current:
        current.variable_share = variable_share
        current.save(update_fields=["variable_share"])
    else:
        current = CostBehaviour.objects.create(account=account, variable_share=variable_share)
    audit.record(
        actor,
        "finance.cost_behaviour.set",
        account,
        before={"part_variable": str(before)},
        after={"part_variable": str(variable_share)},
    )
    return current


# --- Budgets ----------------------------------------------------------------------------------------------


def _check_groups(groups) -> None:
    from pilote.finance import budgets

    wrong = [g for g in groups if not budgets.valid_group(g)]
    if wrong:
        raise DomainError(f"Groupe de comptes invalide : {', '.join(wrong[:5])} (2 à 8 chiffres, classe 6 ou 7).")
    pairs = budgets.overlapping(list(groups))
    if pairs:
        a, b = pairs[0]
        raise DomainError(f"Les groupes {a} et {b} se recouvrent : le compte {b} serait compté deux fois.")


def _write_lines(budget, amounts: dict[str, list[Decimal]]) -> int:
    from pilote.finance.models import BudgetLine
    from pilote.finance.queries import year_months

    months = year_months(budget.fiscal_year)
    lines = [
        BudgetLine(budget=budget, group=group, month=month, amount=amount)
        for group, values in sorted(amounts.items())
        for month, amount in zip(months, values, strict=False)
        if amount
    ]
    BudgetLine.objects.bulk_create(lines, batch_size=500)
    return len(lines)


@transaction.atomic
def create_budget(*, actor, fiscal_year, name: str, percent: Decimal | None = None, source=None):
    """A new budget: empty, from the year before's actuals ± `percent`, or a revision copying `source`."""
    from pilote.finance import budgets
    from pilote.finance.models import Budget, BudgetKind
    from pilote.finance.queries import actuals_by_group, budget_months
    from pilote.ledger.models import FiscalYear

    name = (name or "").strip()
    if not name:
        raise DomainError("Donnez un nom au budget.")
    if Budget.objects.filter(fiscal_year=fiscal_year, name=name).exists():
        raise DomainError("Un budget de ce nom existe déjà pour cet exercice.")
    amounts: dict[str, list[Decimal]] = {}
    if source is not None:
        fiscal_year = source.fiscal_year
        amounts = budget_months(source)
    elif percent is not None:
        if not Decimal(-100) <= percent <= Decimal(1000):
            raise DomainError("Le pourcentage d'évolution doit être compris entre −100 % et 1 000 %.")
        previous = FiscalYear.objects.filter(end_date__lt=fiscal_year.start_date).order_by("-start_date").first()
        if previous is None:
            raise DomainError("Il n'y a pas d'exercice précédent dont reprendre les montants.")
        amounts = budgets.from_actuals(actuals_by_group(previous), percent)
    kind = BudgetKind.REVISED if source is not None else BudgetKind.INITIAL
    budget = Budget.objects.create(fiscal_year=fiscal_year, name=name, kind=kind, source=source, created_by=actor)
    count = _write_lines(budget, amounts)
    audit.record(actor, "finance.budget.created", budget, after={"nom": name, "lignes": count})
    return budget


@transaction.atomic
def set_budget_group(*, actor, budget, group: str, months: list[Decimal]) -> None:
    """Replace one group's monthly amounts (all zero removes the group)."""
    from pilote.finance.models import BudgetLine

    group = (group or "").strip()
    others = [g for g in budget.lines.exclude(group=group).values_list("group", flat=True).distinct()]
    _check_groups([*others, group])
    previous = list(budget.lines.filter(group=group).values_list("amount", flat=True))
    before = {"total": format_eur(sum(previous, Decimal(0)))} if previous else {}
    BudgetLine.objects.filter(budget=budget, group=group).delete()
    _write_lines(budget, {group: months})
    audit.record(actor, "finance.budget.line_set", budget, before={"groupe": group, **before} if before else None,
                 after={"groupe": group, "total": format_eur(sum(months, Decimal(0)))})  # fmt: skip


@transaction.atomic
def replace_budget_lines(*, actor, budget, amounts: dict[str, list[Decimal]]) -> int:
    """All the budget's lines replaced at once (an XLSX import): nothing written if a group is refused."""
    from pilote.finance.models import BudgetLine

    _check_groups(list(amounts))
    BudgetLine.objects.filter(budget=budget).delete()
    count = _write_lines(budget, amounts)
    audit.record(actor, "finance.budget.imported", budget, after={"groupes": len(amounts), "lignes": count})
    return count


@transaction.atomic
def delete_budget(*, actor, budget) -> None:
    before = {"nom": budget.name, "exercice": str(budget.fiscal_year)}
    audit.record(actor, "finance.budget.deleted", None, before=before)
    budget.delete()


@transaction.atomic
def save_costing_setup(*, actor, fiscal_year, centres_axis, products_axis, keys: dict, units: dict):
    """keys: {aux code: {target code: Decimal}}; units: {main code: (label, number, {product code: used})}.
    Checked whole (French messages), then stored; nothing written when a part is wrong."""
    from pilote.finance import costing
    from pilote.finance.models import CostingSetup

    problems = []
    if centres_axis.pk == products_axis.pk:
        problems.append("Les centres et les produits sont sur deux axes différents.")
    sections = list(centres_axis.sections.filter(is_active=True).exclude(kind="plain"))
    if not any(s.kind == "main" for s in sections):
        problems.append(f"L'axe {centres_axis.code} n'a aucun centre principal.")
    centres = [costing.Centre(s.code, s.label, s.kind == "auxiliary", Decimal(0)) for s in sections]
    problems += costing.key_problems(centres, keys)
    products = set(products_axis.sections.values_list("code", flat=True))
    mains = {s.code for s in sections if s.kind == "main"}
    for code, (_label, number, usage) in units.items():
        if code not in mains:
            problems.append(f"{code} n'est pas un centre principal de l'axe {centres_axis.code}.")
        if number < 0 or any(q < 0 for q in usage.values()):
            problems.append(f"Centre {code} : un nombre d'unités d'œuvre ne peut pas être négatif.")
        if set(usage) - products:
            problems.append(f"Centre {code} : produits inconnus {', '.join(sorted(set(usage) - products))}.")
        if number and sum(usage.values(), Decimal(0)) > number:
            problems.append(f"Centre {code} : les produits utilisent plus d'unités que le centre n'en compte.")
    if problems:
        raise DomainError(" ".join(problems))
    setup, _ = CostingSetup.objects.update_or_create(
        fiscal_year=fiscal_year,
        defaults={
            "centres_axis": centres_axis,
            "products_axis": products_axis,
            "keys": {aux: {t: str(p) for t, p in shares.items() if p} for aux, shares in keys.items()},
            "units": {
                code: {"label": label[:60], "number": str(number), "usage": {p: str(q) for p, q in usage.items() if q}}
                for code, (label, number, usage) in units.items()
            },
        },
    )
    audit.record(actor, "finance.costing.saved", setup, after={"keys": setup.keys, "units": setup.units})
    return setup
