"""Writes of the finance app: the variable share of an expense account (break-even)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from pilote.core import audit, jobs
from pilote.core.exceptions import DomainError
from pilote.finance.breakeven import default_share
from pilote.finance.budgets import round_quantity
from pilote.finance.models import CostBehaviour
from pilote.ledger.models import Account
from pilote.lib.formats import format_eur
from pilote.lib.money import round_eur


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
def create_budget(*, actor, fiscal_year, name: str, percent: Decimal | None = None, source=None, section=None):
    """A new budget: empty, from the year before's actuals ± `percent`, or a revision copying `source` (and its
    centre). With `section`, a centre's budget: the year before's actuals are the section's (analytic)."""
    from pilote.finance import budgets
    from pilote.finance.models import Budget, BudgetKind
    from pilote.finance.queries import actuals_by_group, budget_months, budget_sales
    from pilote.ledger.models import FiscalYear

    name = (name or "").strip()
    if not name:
        raise DomainError("Donnez un nom au budget.")
    if Budget.objects.filter(fiscal_year=fiscal_year, name=name).exists():
        raise DomainError("Un budget de ce nom existe déjà pour cet exercice.")
    amounts: dict[str, list[Decimal]] = {}
    sales: dict[int, tuple[list[Decimal], list[Decimal]]] = {}
    if source is not None:
        fiscal_year, section = source.fiscal_year, source.section
        amounts = budget_months(source)
        sales = {row.article_id: (row.quantities, row.amounts) for row in budget_sales(source)}
    elif percent is not None:
        if not Decimal(-100) <= percent <= Decimal(1000):
            raise DomainError("Le pourcentage d'évolution doit être compris entre −100 % et 1 000 %.")
        previous = FiscalYear.objects.filter(end_date__lt=fiscal_year.start_date).order_by("-start_date").first()
        if previous is None:
            raise DomainError("Il n'y a pas d'exercice précédent dont reprendre les montants.")
        amounts = budgets.from_actuals(actuals_by_group(previous, section=section), percent)
        if section is None:
            sales = _sales_from_actuals(previous, percent)
    kind = BudgetKind.REVISED if source is not None else BudgetKind.INITIAL
    budget = Budget.objects.create(fiscal_year=fiscal_year, name=name, kind=kind, source=source, section=section,
                                   created_by=actor)  # fmt: skip
    count = _write_lines(budget, amounts)
    articles = _write_sales(budget, sales)
    after = {"nom": name, "lignes": count} | ({"centre": section.code} if section else {})
    after |= {"articles": articles} if articles else {}
    audit.record(actor, "finance.budget.created", budget, after=after)
    return budget


def create_budget_from_form(*, actor, data: dict):
    """A budget from the creation form's cleaned data: last year's actual figures ± a percentage (`methode`
    « reel »), or empty to be typed (« vide »)."""
    percent = (data.get("pourcentage") or Decimal(0)) if data["methode"] == "reel" else None
    return create_budget(actor=actor, fiscal_year=data["exercice"], name=data["nom"], percent=percent,
                         section=data.get("centre"))  # fmt: skip


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


# --- Sales per article (price, mix and volume against the budget) ----------------------------------------------


def article_model():
    """The catalogue's article model, reached through the budget line's foreign key (finance imports no catalog)."""
    from pilote.finance.models import BudgetSalesLine

    return BudgetSalesLine._meta.get_field("article").related_model


def _sales_from_actuals(year, percent: Decimal) -> dict[int, tuple[list[Decimal], list[Decimal]]]:
    """Last year's quantities and net amounts per article and month × (1 + percent %): the same prices, volumes
    moved by the percentage (quantities to the thousandth, amounts to the cent)."""
    from pilote.finance.queries import sales_by_month

    factor = 1 + Decimal(percent) / 100
    found = sales_by_month(year)
    ids = dict(article_model().objects.filter(reference__in=list(found)).values_list("reference", "pk"))
    sales = {}
    for reference, (_label, quantities, amounts) in found.items():
        if reference not in ids:
            continue
        pairs = [(round_quantity(q * factor), round_eur(a * factor)) for q, a in zip(quantities, amounts, strict=True)]
        pairs = [(q, a) if q > 0 and a >= 0 else (Decimal(0), Decimal(0)) for q, a in pairs]  # credit notes' months
        if any(q for q, _ in pairs):
            sales[ids[reference]] = ([q for q, _ in pairs], [a for _, a in pairs])
    return sales


def _check_sales(budget, quantities: list[Decimal], amounts: list[Decimal], label: str) -> None:
    from pilote.finance.queries import year_months

    if budget.section_id:
        raise DomainError(
            "Les ventes par article se budgètent dans le budget de la structure, pas dans celui d'un centre."
        )
    months = year_months(budget.fiscal_year)
    for month, quantity, amount in zip(months, quantities, amounts, strict=False):
        if quantity < 0 or amount < 0:
            raise DomainError(f"{label} : une quantité ou un montant budgété ne peut pas être négatif ({month:%m/%Y}).")
        if amount and not quantity:
            raise DomainError(f"{label} : indiquez la quantité vendue en {month:%m/%Y} avec son montant.")


def _write_sales(budget, sales: dict[int, tuple[list[Decimal], list[Decimal]]]) -> int:
    """Store each article's monthly quantities and amounts (months at zero are not stored); the articles written."""
    from pilote.finance.models import BudgetSalesLine
    from pilote.finance.queries import year_months

    months = year_months(budget.fiscal_year)
    lines = [
        BudgetSalesLine(budget=budget, article_id=article, month=month, quantity=quantity, amount=amount)
        for article, (quantities, amounts) in sorted(sales.items())
        for month, quantity, amount in zip(months, quantities, amounts, strict=False)
        if quantity or amount
    ]
    BudgetSalesLine.objects.bulk_create(lines, batch_size=500)
    return len({line.article_id for line in lines})


def _change_sales(budget, article, quantities: list[Decimal], amounts: list[Decimal]) -> None:
    """One article's months written in place: a month kept keeps its row (its id), a month at zero goes."""
    from pilote.finance.models import BudgetSalesLine
    from pilote.finance.queries import year_months

    rows = {row.month: row for row in BudgetSalesLine.objects.filter(budget=budget, article=article)}
    months = zip(year_months(budget.fiscal_year), quantities, amounts, strict=False)
    wanted = {month: (quantity, amount) for month, quantity, amount in months if quantity or amount}
    BudgetSalesLine.objects.filter(pk__in=[row.pk for month, row in rows.items() if month not in wanted]).delete()
    for month, (quantity, amount) in wanted.items():
        row = rows.get(month)
        if row is None:
            BudgetSalesLine.objects.create(budget=budget, article=article, month=month, quantity=quantity,
                                           amount=amount)  # fmt: skip
        elif (row.quantity, row.amount) != (quantity, amount):
            row.quantity, row.amount = quantity, amount
            row.save(update_fields=["quantity", "amount"])


@transaction.atomic
def set_budget_sales(*, actor, budget, article, quantities: list[Decimal], amounts: list[Decimal]) -> None:
    """Replace one article's monthly quantities and net amounts in the budget (all zero removes the article)."""
    from pilote.finance.models import BudgetSalesLine

    label = f"Article {article.reference}"
    _check_sales(budget, quantities, amounts, label)
    previous = list(BudgetSalesLine.objects.filter(budget=budget, article=article).values_list("quantity", "amount"))
    _change_sales(budget, article, quantities, amounts)
    before = ({"article": article.reference, "quantité": str(sum((q for q, _ in previous), Decimal(0))),
               "montant": format_eur(sum((a for _, a in previous), Decimal(0)))} if previous else None)  # fmt: skip
    after = {"article": article.reference, "quantité": str(sum(quantities, Decimal(0))),
             "montant": format_eur(sum(amounts, Decimal(0)))}  # fmt: skip
    audit.record(actor, "finance.budget.sales_set", budget, before=before, after=after)


def set_budget_sales_from_form(*, actor, budget, data: dict) -> tuple[Decimal, Decimal]:
    """The budget page's form: an article, a quantity and an amount, for one month (`periode` = its index) or
    for the whole year spread in twelve months (`periode` « annee »); the article's other months are kept when
    one month is typed. Returns the article's new yearly quantity and amount."""
    from pilote.finance import budgets
    from pilote.finance.queries import budget_sales, year_months

    article, quantity, amount = data["article"], data["quantite"], data["montant"]
    count = len(year_months(budget.fiscal_year))
    if data["periode"] == "annee":
        if count != budgets.MONTHS:
            raise DomainError("Cet exercice ne compte pas douze mois : saisissez les ventes mois par mois.")
        quantities, amounts = budgets.spread_quantity(quantity), budgets.spread(amount)
    else:
        current = next((row for row in budget_sales(budget) if row.article_id == article.pk), None)
        quantities = list(current.quantities) if current else [Decimal(0)] * count
        amounts = list(current.amounts) if current else [Decimal(0)] * count
        index = int(data["periode"])
        quantities[index], amounts[index] = quantity, amount
    set_budget_sales(actor=actor, budget=budget, article=article, quantities=quantities, amounts=amounts)
    return sum(quantities, Decimal(0)), sum(amounts, Decimal(0))


@transaction.atomic
def replace_budget_sales(*, actor, budget, sales: dict[str, tuple[list[Decimal], list[Decimal]]]) -> int:
    """All the budget's sales per article replaced at once (an XLSX import), keyed by article reference: nothing
    written when an article is unknown or a figure refused."""
    from pilote.finance.models import BudgetSalesLine

    ids = dict(article_model().objects.filter(reference__in=list(sales)).values_list("reference", "pk"))
    unknown = sorted(set(sales) - set(ids))
    if unknown:
        raise DomainError(f"Article inconnu du catalogue : {', '.join(unknown[:5])}.")
    for reference, (quantities, amounts) in sales.items():
        _check_sales(budget, quantities, amounts, f"Article {reference}")
    BudgetSalesLine.objects.filter(budget=budget).delete()
    count = _write_sales(budget, {ids[ref]: values for ref, values in sales.items()})
    audit.record(actor, "finance.budget.sales_imported", budget, after={"articles": count})
    return count


@transaction.atomic
def delete_budget(*, actor, budget) -> None:
    before = {"nom": budget.name, "exercice": str(budget.fiscal_year)}
    audit.record(actor, "finance.budget.deleted", None, before=before)
    budget.delete()


@transaction.atomic
def save_costing_setup(
    *, actor, fiscal_year, centres_axis, products_axis, keys: dict, units: dict, production: dict | None = None
):
    """keys: {aux code: {target code: Decimal}}; units: {main code: (label, number, {product code: used})};
    production: {product code: reference of the article made in-house whose production cost it carries}.
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
    strangers = sorted(set(keys) - {s.code for s in sections if s.kind == "auxiliary"})
    if strangers:
        problems.append(f"{', '.join(strangers)} : pas un centre auxiliaire de l'axe {centres_axis.code}.")
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
    production = {code: ref for code, ref in (production or {}).items() if ref}
    if set(production) - products:
        problems.append(f"Produits inconnus : {', '.join(sorted(set(production) - products))}.")
    twice = sorted({ref for ref in production.values() if list(production.values()).count(ref) > 1})
    if twice:
        problems.append(f"L'article {', '.join(twice)} est rattaché à plusieurs produits : un seul porte son coût.")
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
            "production": production,
        },
    )
    after = {"keys": setup.keys, "units": setup.units, "production": setup.production}
    audit.record(actor, "finance.costing.saved", setup, after=after)
    return setup


def _costing_years(section) -> list[str]:
    """The fiscal years whose full-costing parameters name the section (keys, work units, products made)."""
    from django.db.models import Q

    from pilote.finance.models import CostingSetup

    years = []
    setups = CostingSetup.objects.filter(Q(centres_axis=section.axis_id) | Q(products_axis=section.axis_id))
    for setup in setups.select_related("fiscal_year").order_by("fiscal_year__start_date"):
        named = set(setup.keys) | set(setup.units) | set(setup.production)
        named |= {target for shares in setup.keys.values() for target in shares}
        named |= {product for unit in setup.units.values() for product in unit.get("usage", {})}
        if section.code in named:
            years.append(str(setup.fiscal_year))
    return years


def costing_names_section(section) -> list[str]:
    """ledger.hooks.section_code_users: the full costing's parameters name the section by its code."""
    return ["paramètres des coûts complets"] if _costing_years(section) else []


def check_section_kind(section) -> None:
    """ledger.hooks.section_kind_users: a centre the full costing's parameters name keeps its nature."""
    years = _costing_years(section)
    if years:
        raise DomainError(f"Les paramètres des coûts complets ({', '.join(years)}) nomment la section "
                          f"{section.code} : changez-les avant sa nature.")  # fmt: skip


# --- Treasury ---------------------------------------------------------------------------------------------


@transaction.atomic
def refresh_payment_behaviour(today=None) -> int:
    """Recompute every customer's average payment delay over its invoices settled in the last twelve months
    (`forecast.average_delay`); the rows of customers without a settled invoice go. Returns the customers kept."""
    from pilote.finance import forecast, queries
    from pilote.finance.models import PaymentBehaviour
    from pilote.lib.dates import local_today

    today = today or local_today()
    rows = []
    for aux, settled in queries.customer_settlements(today).items():
        delay = forecast.average_delay(settled)
        if delay is not None:
            rows.append(PaymentBehaviour(auxiliary_id=aux, delay_days=delay, invoices=len(settled), computed_on=today))
    PaymentBehaviour.objects.all().delete()
    PaymentBehaviour.objects.bulk_create(rows)
    return len(rows)


def take_snapshot(today=None):
    """Keep this week's 13-week plan (once a week: the first call of the week writes it) for « prévu / réalisé »."""
    from django.db import IntegrityError

    from pilote.finance import queries
    from pilote.finance.models import ForecastSnapshot
    from pilote.lib.dates import local_today

    today = today or local_today()
    monday = today - dt.timedelta(days=today.weekday())
    existing = ForecastSnapshot.objects.filter(week_start=monday).first()
    if existing:
        return existing
    plan = queries.treasury_plan(today)
    if plan is None:
        return None
    try:
        with transaction.atomic():
            return ForecastSnapshot.objects.create(
                week_start=monday, taken_on=today, opening=plan.opening, closings=[str(w.closing) for w in plan.weeks]
            )
    except IntegrityError:  # another process took it meanwhile
        return ForecastSnapshot.objects.get(week_start=monday)


@jobs.work
def treasury_night(job, progress) -> str:
    """The nightly treasury work: customers' payment habits, then this week's plan kept."""
    customers = refresh_payment_behaviour()
    snapshot = take_snapshot()
    kept = f" Plan de la semaine du {snapshot.week_start:%d/%m/%Y} archivé." if snapshot else ""
    return f"Habitudes de paiement recalculées pour {customers} client(s).{kept}"


@transaction.atomic
def create_loan(*, actor, label: str, lender: str, principal: Decimal, annual_rate: Decimal, months: int,
                first_due: dt.date, constant_capital: bool = False):  # fmt: skip
    from pilote.finance.forecast import loan_problems
    from pilote.finance.models import Loan
    from pilote.lib.dates import local_today

    if principal is None or annual_rate is None or months is None or first_due is None:
        raise DomainError("Le capital, le taux, la durée et la première échéance d'un emprunt sont obligatoires.")
    problems = loan_problems(principal, annual_rate, months, first_due, local_today())
    if problems:
        raise DomainError(" ".join(problems.values()))
    loan = Loan.objects.create(label=label.strip(), lender=lender.strip(), principal=principal,
                               annual_rate=annual_rate, months=months, first_due=first_due,
                               constant_capital=constant_capital)  # fmt: skip
    audit.record(actor, "finance.loan.created", loan,
                 after={"libellé": loan.label, "capital": format_eur(principal), "taux": str(annual_rate),
                        "mois": months, "première échéance": f"{first_due:%d/%m/%Y}"})  # fmt: skip
    return loan


@transaction.atomic
def delete_loan(*, actor, loan) -> None:
    audit.record(
        actor, "finance.loan.deleted", None, before={"libellé": loan.label, "capital": format_eur(loan.principal)}
    )
    loan.delete()
