"""Analytic distribution of income and expense lines (classes 6 and 7) over the sections of each axis.

A line is distributed on an axis by shares — (section, weight): percentages typed by a user (they must add up
to 100 %), or the net amounts of a document's articles. Its amount is split in proportion to the cent
(`lib.money.split_amount`), so a line's parts on one axis always add up to the line. Where a line says
nothing for an axis, the defaults of its account apply at posting (`AnalyticDefault`); a document posting
lines of several articles passes `product_shares(...)` so its articles' defaults apply.

Every posting path moves the monthly aggregates (`AnalyticBalance`) in its transaction: `services.post_entry`
through `on_posted`, `batch.post_many` through `after_batch`. A posted line may be distributed (again) later
— management accounting, outside the sealed chain — through `distribute` or `apply_defaults`, which move the
aggregates too; `recompute_balances` rebuilds them from the analytic lines (`verify_ledger` compares)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.ledger import hooks
from pilote.ledger.models import Account, EntryLine
from pilote.ledger.models_analytic import (
    AnalyticAxis,
    AnalyticBalance,
    AnalyticDefault,
    AnalyticLine,
    AnalyticSection,
)
from pilote.lib.formats import format_percent
from pilote.lib.money import CENT, ZERO, from_cents, split_amount, to_cents

HUNDRED = Decimal(100)
ANALYTIC_CLASSES = ("6", "7")

Share = tuple[AnalyticSection, Decimal]


def is_analytic(account_code: str) -> bool:
    return account_code.startswith(ANALYTIC_CLASSES)


# --- Pure parts ------------------------------------------------------------------------------------


def percent_problems(shares: list[tuple[object, Decimal]], what: str) -> list[str]:
    """Typed percentages: each above 0 and at most 100, two decimals, adding up to 100 %."""
    problems = []
    for _section, percent in shares:
        if percent <= 0 or percent > HUNDRED:
            problems.append(f"{what} : chaque part est comprise entre 0 et 100 %.")
            break
        if Decimal(percent) != Decimal(percent).quantize(CENT):
            problems.append(f"{what} : une part s'arrête au centième de pourcent.")
            break
    total = sum((p for _s, p in shares), ZERO)
    if shares and total != HUNDRED:
        problems.append(f"{what} : les parts font {format_percent(total)} au lieu de 100 %.")
    return problems


def split_by_shares(amount_cents: int, weights: list[Decimal]) -> list[tuple[int, Decimal]]:
    """(cents, percent) per weight: the amount split in proportion, to the cent, the parts adding up."""
    total = sum(weights, ZERO)
    parts = split_amount(from_cents(amount_cents), weights)
    return [
        (to_cents(part), (w * HUNDRED / total).quantize(Decimal("0.0001")))
        for part, w in zip(parts, weights, strict=True)
    ]


def _by_axis(shares: Iterable[Share]) -> dict[int, list[Share]]:
    grouped: dict[int, list[Share]] = defaultdict(list)
    for section, weight in shares:
        grouped[section.axis_id].append((section, weight))
    return grouped


def check_shares(shares: list[Share], number: int) -> list[str]:
    """A line's explicit distribution: active sections, positive weights, one section once."""
    problems = []
    seen = set()
    for section, weight in shares:
        if not section.is_active:
            problems.append(f"Ligne {number} : la section analytique {section.code} est désactivée.")
        if weight is None or weight <= 0:
            problems.append(f"Ligne {number} : une part de ventilation analytique doit être positive.")
        if section.pk in seen:
            problems.append(f"Ligne {number} : la section analytique {section.code} est donnée deux fois.")
        seen.add(section.pk)
    return problems


# --- Writing analytic lines and moving the aggregates ---------------------------------------------


def _analytic_rows(line_id: int, debit: int, credit: int, shares: list[Share]) -> list[AnalyticLine]:
    rows = []
    for _axis, axis_shares in _by_axis(shares).items():
        weights = [w for _s, w in axis_shares]
        amount = debit or credit
        for (section, _w), (cents, percent) in zip(axis_shares, split_by_shares(amount, weights), strict=True):
            rows.append(
                AnalyticLine(
                    line_id=line_id,
                    axis_id=section.axis_id,
                    section=section,
                    percent=percent,
                    debit=from_cents(cents) if debit else ZERO,
                    credit=from_cents(cents) if credit else ZERO,
                )
            )
    return rows


def write_draft_shares(entry, inputs) -> None:
    """A draft's explicit distributions (`LineInput.analytic`), kept until posting."""
    by_position = {i: line.analytic for i, line in enumerate(inputs, start=1) if getattr(line, "analytic", None)}
    if not by_position:
        return
    rows = []
    for line_id, position, debit, credit in entry.lines.values_list("id", "position", "debit", "credit"):
        if position in by_position:
            rows += _analytic_rows(line_id, to_cents(debit), to_cents(credit), by_position[position])
    AnalyticLine.objects.bulk_create(rows)


def _defaults_by_account(account_ids) -> dict[int, list[Share]]:
    shares: dict[int, list[Share]] = defaultdict(list)
    query = AnalyticDefault.objects.filter(account_id__in=account_ids, section__is_active=True)
    for default in query.select_related("section"):
        shares[default.account_id].append((default.section, default.percent))
    return shares


BalanceKey = tuple[int, int, int, dt.date]  # fiscal year, account, section, month


def _add(totals: dict, key: BalanceKey, debit: int, credit: int, sign: int = 1) -> None:
    bucket = totals.setdefault(key, [0, 0])
    bucket[0] += sign * debit
    bucket[1] += sign * credit


def apply_deltas(totals: dict[BalanceKey, list[int]]) -> None:
    """Add the deltas (cents) to `AnalyticBalance` in one upsert per row."""
    rows = [
        (year_id, account_id, section_id, connection.ops.adapt_datefield_value(month), debit, credit)
        for (year_id, account_id, section_id, month), (debit, credit) in totals.items()
        if debit or credit
    ]
    if not rows:
        return
    sql = (
        "INSERT INTO ledger_analyticbalance (fiscal_year_id, account_id, section_id, month, debit, credit) "
        "VALUES (%s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (fiscal_year_id, account_id, section_id, month) DO UPDATE SET "
        "debit = ledger_analyticbalance.debit + excluded.debit, "
        "credit = ledger_analyticbalance.credit + excluded.credit"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _distribute_defaults(lines: list[tuple], explicit_axes: dict[int, set[int]]) -> list[AnalyticLine]:
    """Default analytic lines for (id, account_id, code, debit, credit, year_id, month) rows on the axes
    they are not yet distributed on."""
    defaults = _defaults_by_account({row[1] for row in lines if is_analytic(row[2])})
    rows: list[AnalyticLine] = []
    for line_id, account_id, code, debit, credit, _year, _month in lines:
        if not is_analytic(code) or account_id not in defaults:
            continue
        done = explicit_axes.get(line_id, set())
        shares = [(s, p) for s, p in defaults[account_id] if s.axis_id not in done]
        if shares:
            rows += _analytic_rows(line_id, debit, credit, shares)
    return rows


def on_posted(entry, lines: list[EntryLine]) -> None:
    """At posting: the accounts' defaults on the axes a line says nothing about, then the aggregates."""
    analytic = [line for line in lines if is_analytic(line.account.code)]
    if not analytic:
        return
    month = entry.date.replace(day=1)
    existing = list(AnalyticLine.objects.filter(line__entry=entry))
    explicit_axes: dict[int, set[int]] = defaultdict(set)
    for row in existing:
        explicit_axes[row.line_id].add(row.axis_id)
    rows = _distribute_defaults(
        [
            (line.pk, line.account_id, line.account.code, to_cents(line.debit), to_cents(line.credit), 0, month)
            for line in analytic
        ],
        explicit_axes,
    )
    AnalyticLine.objects.bulk_create(rows)
    account_of = {line.pk: line.account_id for line in lines}
    totals: dict[BalanceKey, list[int]] = {}
    for row in existing + rows:
        key = (entry.fiscal_year_id, account_of[row.line_id], row.section_id, month)
        _add(totals, key, to_cents(row.debit), to_cents(row.credit))
    apply_deltas(totals)


def after_batch(first_index: int, last_index: int, explicit: dict[tuple[int, int], list[Share]]) -> None:
    """After `batch.post_many` wrote entries first_index…last_index: explicit shares keyed by (chain index,
    position), then the accounts' defaults, then the aggregates. Two queries when nothing is analytic."""
    default_accounts = set(AnalyticDefault.objects.filter(account__isnull=False).values_list("account_id", flat=True))
    if not default_accounts and not explicit:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.id, l.account_id, a.code, l.debit, l.credit, l.fiscal_year_id, l.date, e.chain_index, "
            "l.position FROM ledger_entryline l JOIN ledger_entry e ON e.id = l.entry_id "
            "JOIN ledger_account a ON a.id = l.account_id "
            "WHERE e.chain_index BETWEEN %s AND %s AND (a.code LIKE '6%%' OR a.code LIKE '7%%')",
            [first_index, last_index],
        )
        found = cursor.fetchall()
    rows: list[AnalyticLine] = []
    explicit_axes: dict[int, set[int]] = defaultdict(set)
    plain = []
    info = {}
    for line_id, account_id, code, debit, credit, year_id, day, chain_index, position in found:
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        info[line_id] = (year_id, account_id, day.replace(day=1))
        shares = explicit.get((chain_index, position))
        if shares:
            made = _analytic_rows(line_id, debit, credit, shares)
            rows += made
            explicit_axes[line_id] = {r.axis_id for r in made}
        if account_id in default_accounts or shares:
            plain.append((line_id, account_id, code, debit, credit, year_id, day))
    more = _distribute_defaults(plain, explicit_axes)
    rows += more
    AnalyticLine.objects.bulk_create(rows, batch_size=1000)
    totals: dict[BalanceKey, list[int]] = {}
    for row in rows:
        year_id, account_id, month = info[row.line_id]
        _add(totals, (year_id, account_id, row.section_id, month), to_cents(row.debit), to_cents(row.credit))
    apply_deltas(totals)


# --- Settings and later distribution (services) ----------------------------------------------------


@transaction.atomic
def create_axis(*, actor, code: str, label: str, position: int = 0) -> AnalyticAxis:
    code, label = code.strip().upper(), label.strip()
    if not code or len(code) > 12 or not code.replace("-", "").replace("_", "").isalnum():
        raise DomainError("Le code d'un axe a 1 à 12 lettres ou chiffres (ex. ACT, SITE, PROJET).")
    if not label:
        raise DomainError("Donnez un intitulé à l'axe.")
    if AnalyticAxis.objects.filter(code=code).exists():
        raise DomainError(f"L'axe {code} existe déjà.")
    axis = AnalyticAxis.objects.create(code=code, label=label[:100], position=position)
    audit.record(actor, "ledger.analytic.axis_created", axis, after=audit.snapshot(axis))
    return axis


@transaction.atomic
def create_section(*, actor, axis: AnalyticAxis, code: str, label: str, kind: str = "plain") -> AnalyticSection:
    code, label = _section_code(code), label.strip()
    if not label:
        raise DomainError("Donnez un intitulé à la section.")
    if kind not in {"plain", "main", "auxiliary"}:
        raise DomainError("Nature de section inconnue.")
    if AnalyticSection.objects.filter(axis=axis, code=code).exists():
        raise DomainError(f"La section {code} existe déjà sur l'axe {axis.code}.")
    section = AnalyticSection.objects.create(axis=axis, code=code, label=label[:100], kind=kind)
    audit.record(actor, "ledger.analytic.section_created", section, after=audit.snapshot(section))
    return section


def _section_code(code: str) -> str:
    code = code.strip().upper()
    if not code or len(code) > 20 or not code.replace("-", "").replace("_", "").isalnum():
        raise DomainError("Le code d'une section a 1 à 20 lettres ou chiffres (ex. ATELIER, LYON, P2026-01).")
    return code


def section_uses(section: AnalyticSection) -> list[str]:
    """What holds the section or names it by its code (French, plural nouns): its code is then fixed — reports,
    budgets, the full costing's parameters and a grant's action find it by it. The rows that point to it are found
    through its relations; the apps that name it by its code say so through `hooks.section_code_users`."""
    uses = []
    relations = AnalyticSection._meta.get_fields(include_hidden=True)  # with the hidden ones (related_name="+")
    for relation in (field for field in relations if field.auto_created and not field.concrete):
        rows = relation.related_model._default_manager.filter(**{relation.field.name: section})
        if rows.exists():
            uses.append(str(relation.related_model._meta.verbose_name_plural))
    for handler in hooks.section_code_users:
        uses += handler(section)
    return sorted(set(uses))


@transaction.atomic
def update_section(
    *,
    actor,
    section: AnalyticSection,
    code: str,
    label: str,
    kind: str,
    is_active: bool = True,
    expected_version: int | None = None,
) -> AnalyticSection:
    """A section (a centre) renamed, its nature or state changed. Its code changes only while nothing uses it
    (`section_uses`); its nature only while no full-costing parameters name it. An inactive section takes no new
    distribution (its defaults stop applying); what was distributed on it stays."""
    section = AnalyticSection.objects.select_for_update().select_related("axis").get(pk=section.pk)
    check_version(section.version, expected_version, "Cette section analytique")
    code, label = _section_code(code), label.strip()
    if not label:
        raise DomainError("Donnez un intitulé à la section.")
    if kind not in {"plain", "main", "auxiliary"}:
        raise DomainError("Nature de section inconnue.")
    if code != section.code:
        uses = section_uses(section)
        if uses:
            raise DomainError(f"Le code de la section {section.code} ne peut plus changer : elle est utilisée "
                              f"({', '.join(uses)}).")  # fmt: skip
        if AnalyticSection.objects.filter(axis=section.axis, code=code).exists():
            raise DomainError(f"La section {code} existe déjà sur l'axe {section.axis.code}.")
    if kind != section.kind:
        for handler in hooks.section_kind_users:
            handler(section)  # a DomainError when the section's nature is relied upon
    before = audit.snapshot(section)
    section.code, section.label, section.kind, section.is_active = code, label[:100], kind, is_active
    section.version += 1
    section.save(update_fields=["code", "label", "kind", "is_active", "version"])
    audit.record(actor, "ledger.analytic.section_changed", section, before=before, after=audit.snapshot(section))
    return section


@transaction.atomic
def set_defaults(
    *, actor, axis: AnalyticAxis, shares: list[tuple[AnalyticSection, Decimal]], account: Account | None = None,
    product=None,
) -> None:  # fmt: skip
    """Replace an account's (or an article's) default distribution on one axis; no shares removes it."""
    if (account is None) == (product is None):
        raise DomainError("Une ventilation par défaut appartient à un compte ou à un article.")
    owner = f"Compte {account.code}" if account else f"Article {product}"
    if account is not None and not is_analytic(account.code):
        raise DomainError(f"{owner} : seuls les comptes de charges (6) et de produits (7) se ventilent.")
    problems = percent_problems(shares, owner)
    if any(section.axis_id != axis.pk for section, _p in shares):
        problems.append(f"{owner} : toutes les sections doivent être de l'axe {axis.code}.")
    if len({s.pk for s, _p in shares}) != len(shares):
        problems.append(f"{owner} : une section est donnée deux fois.")
    if problems:
        raise DomainError(" ".join(problems))
    owned = AnalyticDefault.objects.filter(section__axis=axis)
    owned = owned.filter(account=account) if account else owned.filter(product=product)
    before = {s.section.code: str(s.percent) for s in owned.select_related("section")}
    owned.delete()
    AnalyticDefault.objects.bulk_create(
        AnalyticDefault(account=account, product=product, section=section, percent=percent)
        for section, percent in shares
    )
    audit.record(
        actor, "ledger.analytic.defaults_set", account or product, before=before,
        after={"axe": axis.code, **{s.code: str(p) for s, p in shares}},
    )  # fmt: skip


def product_shares(parts: Iterable[tuple[int | None, Decimal]]) -> list[Share]:
    """A document line's distribution from its articles: (product id, net amount) pairs; each article's
    defaults weighted by its amount. Articles without defaults on an axis leave that axis to the account."""
    parts = [(pid, abs(amount)) for pid, amount in parts if pid and amount]
    if not parts:
        return []
    defaults: dict[int, list[tuple[AnalyticSection, Decimal]]] = defaultdict(list)
    query = AnalyticDefault.objects.filter(product_id__in={pid for pid, _a in parts}, section__is_active=True)
    for default in query.select_related("section"):
        defaults[default.product_id].append((default.section, default.percent))
    weights: dict[int, Decimal] = defaultdict(Decimal)
    sections: dict[int, AnalyticSection] = {}
    covered: dict[int, Decimal] = defaultdict(Decimal)  # per axis: the amount of articles that say something
    total = sum((a for _p, a in parts), ZERO)
    for pid, amount in parts:
        for axis_id in {s.axis_id for s, _p in defaults.get(pid, [])}:
            covered[axis_id] += amount
        for section, percent in defaults.get(pid, []):
            weights[section.pk] += amount * percent / HUNDRED
            sections[section.pk] = section
    # An axis only some articles speak for is left to the account: a partial distribution would not add up.
    return [(sections[pk], w) for pk, w in weights.items() if covered[sections[pk].axis_id] == total]


@transaction.atomic
def distribute(*, actor, line: EntryLine, axis: AnalyticAxis, shares: list[Share]) -> None:
    """Set a line's distribution on one axis (typed percentages adding up to 100 %, or none to remove it);
    a posted line's aggregates move with it."""
    current = EntryLine.objects.select_related("account", "entry").get(pk=line.pk)
    if not is_analytic(current.account.code):
        raise DomainError("Seules les lignes de charges (6) et de produits (7) se ventilent.")
    problems = percent_problems(shares, f"Ligne du compte {current.account.code}")
    problems += check_shares(shares, current.position)
    if any(section.axis_id != axis.pk for section, _p in shares):
        problems.append(f"Toutes les sections doivent être de l'axe {axis.code}.")
    if problems:
        raise DomainError(" ".join(problems))
    old = list(AnalyticLine.objects.filter(line=current, axis=axis))
    new = _analytic_rows(current.pk, to_cents(current.debit), to_cents(current.credit), shares)
    AnalyticLine.objects.filter(line=current, axis=axis).delete()
    AnalyticLine.objects.bulk_create(new)
    if current.is_posted:
        month = current.date.replace(day=1)
        totals: dict[BalanceKey, list[int]] = {}
        for row, sign in [(r, -1) for r in old] + [(r, 1) for r in new]:
            key = (current.fiscal_year_id, current.account_id, row.section_id, month)
            _add(totals, key, to_cents(row.debit), to_cents(row.credit), sign)
        apply_deltas(totals)
    audit.record(
        actor, "ledger.analytic.line_distributed", current.entry,
        before={r.section.code: str(r.percent) for r in old}, after={s.code: str(p) for s, p in shares},
    )  # fmt: skip


@transaction.atomic
def apply_defaults(*, actor, fiscal_year) -> int:
    """The current defaults applied to the year's posted lines not distributed yet on their axes (set-up after
    the fact). Returns the number of analytic lines written."""
    default_accounts = set(AnalyticDefault.objects.filter(account__isnull=False).values_list("account_id", flat=True))
    if not default_accounts:
        return 0
    lines = list(
        EntryLine.objects.filter(fiscal_year=fiscal_year, is_posted=True, account_id__in=default_accounts).values_list(
            "id", "account_id", "account__code", "debit", "credit", "date"
        )
    )
    explicit_axes: dict[int, set[int]] = defaultdict(set)
    for line_id, axis_id in AnalyticLine.objects.filter(
        line__fiscal_year=fiscal_year, line__account_id__in=default_accounts
    ).values_list("line_id", "axis_id"):
        explicit_axes[line_id].add(axis_id)
    info = {lid: (acc, day.replace(day=1)) for lid, acc, _c, _d, _cr, day in lines}
    rows = _distribute_defaults(
        [(lid, acc, code, to_cents(d), to_cents(c), fiscal_year.pk, day) for lid, acc, code, d, c, day in lines],
        explicit_axes,
    )
    AnalyticLine.objects.bulk_create(rows, batch_size=1000)
    totals: dict[BalanceKey, list[int]] = {}
    for row in rows:
        account_id, month = info[row.line_id]
        _add(totals, (fiscal_year.pk, account_id, row.section_id, month), to_cents(row.debit), to_cents(row.credit))
    apply_deltas(totals)
    audit.record(actor, "ledger.analytic.defaults_applied", fiscal_year, after={"lignes": len(rows)})
    return len(rows)


def recompute_balances() -> dict[tuple, tuple[int, int]]:
    """The aggregates recomputed from the posted analytic lines: {(year, account, section, month): (d, c)}."""
    totals: dict[tuple, list[int]] = {}
    rows = AnalyticLine.objects.filter(line__is_posted=True).values_list(
        "line__fiscal_year_id", "line__account_id", "section_id", "line__date", "debit", "credit"
    )
    for year_id, account_id, section_id, day, debit, credit in rows.iterator():
        _add(totals, (year_id, account_id, section_id, day.replace(day=1)), to_cents(debit), to_cents(credit))
    return {k: (d, c) for k, (d, c) in totals.items() if d or c}


def stored_balances() -> dict[tuple, tuple[int, int]]:
    rows = AnalyticBalance.objects.values_list("fiscal_year_id", "account_id", "section_id", "month", "debit", "credit")
    return {(y, a, s, m): (to_cents(d), to_cents(c)) for y, a, s, m, d, c in rows if d or c}
