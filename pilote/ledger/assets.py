"""Fixed assets: register, depreciation schedule, yearly depreciation entries, disposal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum

from pilote.core import audit
from pilote.core.collation import french
from pilote.core.exceptions import DomainError
from pilote.ledger import depreciation, services
from pilote.ledger.models import (
    Account,
    DepreciationMethod,
    DepreciationPosting,
    FiscalYear,
    FixedAsset,
    Journal,
    JournalKind,
)
from pilote.lib.money import ZERO, round_eur

L = services.LineInput


def _account(code: str) -> Account:
    account = Account.objects.filter(code=code).first()
    if account is None:
        raise DomainError(f"Le compte {code} manque au plan comptable.")
    return account


ASSET_SORTS = {
    "numero": ["reference"],
    "designation": [french("label")],
    "compte": ["account__code", "reference"],
    "service": ["in_service_date", "reference"],
    "valeur": ["cost", "reference"],
    "sortie": ["disposal_date", "reference"],
}


def filter_assets(query: str = "", state: str = ""):
    """The register as its page lists it: words of the label or inventory number, the start of the account; in
    service (`en-service`) or gone (`sorties`)."""
    items = FixedAsset.objects.select_related("account")
    if query:
        items = items.filter(
            Q(label__icontains=query) | Q(reference__icontains=query) | Q(account__code__startswith=query)
        )
    if state == "en-service":
        items = items.filter(disposal_date__isnull=True)
    elif state == "sorties":
        items = items.filter(disposal_date__isnull=False)
    return items


def asset_account(code: str) -> Account:
    """The account typed on the register's form (its code), or the form's French refusal."""
    account = Account.objects.filter(code=(code or "").strip()).first()
    if account is None:
        raise DomainError("Compte inconnu du plan comptable.")
    return account


def _depreciation_account(*, actor, asset_account: Account) -> Account:
    """28 + the asset account without its class digit (2183 → 28183), created under its parent if needed."""
    code = "28" + asset_account.code[1:]
    existing = Account.objects.filter(code=code).first()
    if existing:
        return existing
    return services.create_account(actor=actor, code=code, label=f"Amortissements — {asset_account.label}"[:200])


def _check_asset(*, reference, account, acquisition_date, in_service_date, cost, method, years, pk=None) -> None:
    """The register's rules for an asset's terms, registered or changed."""
    if not account.code.startswith(("20", "21", "22", "23", "25", "26", "27")):
        raise DomainError("Une immobilisation se porte sur un compte de classe 2 (20 à 27).")
    if cost is None or cost <= 0:
        raise DomainError("La valeur d'origine doit être positive.")
    if in_service_date is not None and in_service_date < acquisition_date:
        raise DomainError("La mise en service ne peut pas précéder l'acquisition.")
    if method == DepreciationMethod.DECLINING and years < 3:
        raise DomainError("Le dégressif n'est ouvert qu'aux biens d'une durée d'au moins 3 ans.")
    if FixedAsset.objects.filter(reference=reference).exclude(pk=pk).exists():
        raise DomainError(f"Le n° d'inventaire {reference} existe déjà.")


# What an asset's depreciation and entries are computed from: fixed once a depreciation is posted or the asset
# has left the register (its label and supplier may still be corrected).
BOOKED_TERMS = ("reference", "account", "acquisition_date", "in_service_date", "cost", "method", "years")


@transaction.atomic
def update_asset(*, actor, asset: FixedAsset, **changes) -> FixedAsset:
    """An asset's card corrected: its label and supplier at any time; its terms (BOOKED_TERMS) while no
    depreciation is posted for it and it has not left the register — the register's own checks."""
    asset = FixedAsset.objects.select_for_update().get(pk=asset.pk)
    changed = {name: value for name, value in changes.items() if getattr(asset, name) != value}
    if "in_service_date" in changed and changed["in_service_date"] is None:
        changed["in_service_date"] = changes.get("acquisition_date", asset.acquisition_date)
    if set(changed) & set(BOOKED_TERMS) and (asset.is_disposed or asset.postings.exists()):
        raise DomainError(
            "Des dotations sont passées ou l'immobilisation est sortie du registre : seules la désignation et "
            "le fournisseur se corrigent encore."
        )
    terms = {name: changed.get(name, getattr(asset, name)) for name in BOOKED_TERMS}
    _check_asset(**terms, pk=asset.pk)
    before = audit.snapshot(asset)
    for name, value in changed.items():
        setattr(asset, name, round_eur(value) if name == "cost" else value)
    if ("account" in changed and asset.method != DepreciationMethod.NONE) or "method" in changed:
        depreciable = asset.method != DepreciationMethod.NONE
        asset.depreciation_account = (
            _depreciation_account(actor=actor, asset_account=asset.account) if depreciable else None
        )
        asset.expense_account = _account("6811") if depreciable else None
    asset.save()
    audit.record(actor, "ledger.asset.changed", asset, before=before, after=audit.snapshot(asset))
    return asset


@transaction.atomic
def register_asset(
    *,
    actor,
    label: str,
    reference: str,
    account: Account,
    acquisition_date: dt.date,
    in_service_date: dt.date | None = None,
    cost: Decimal,
    method: str = DepreciationMethod.LINEAR,
    years: int = 5,
    residual_value: Decimal = ZERO,
    supplier: str = "",
) -> FixedAsset:
    _check_asset(reference=reference, account=account, acquisition_date=acquisition_date,
                 in_service_date=in_service_date, cost=cost, method=method, years=years)  # fmt: skip
    depreciable = method != DepreciationMethod.NONE
    asset = FixedAsset.objects.create(
        label=label,
        reference=reference,
        account=account,
        acquisition_date=acquisition_date,
        in_service_date=in_service_date or acquisition_date,
        cost=round_eur(cost),
        residual_value=round_eur(residual_value),
        method=method,
        years=years,
        supplier=supplier,
        created_by=actor,
        depreciation_account=_depreciation_account(actor=actor, asset_account=account) if depreciable else None,
        expense_account=_account("6811") if depreciable else None,
    )
    audit.record(actor, "ledger.asset.registered", asset, after=audit.snapshot(asset))
    return asset


def first_period_end(day: dt.date) -> dt.date:
    year = FiscalYear.objects.filter(start_date__lte=day, end_date__gte=day).first()
    return year.end_date if year else dt.date(day.year, 12, 31)


def asset_schedule(asset: FixedAsset) -> list[depreciation.Annuity]:
    if asset.method == DepreciationMethod.NONE:
        return []
    return depreciation.schedule(
        base=asset.cost - asset.residual_value,
        method=asset.method,
        years=asset.years,
        in_service=asset.in_service_date,
        first_period_end=first_period_end(asset.in_service_date),
    )


def _annuity_for(asset: FixedAsset, year: FiscalYear) -> Decimal:
    return sum((a.amount for a in asset_schedule(asset) if year.start_date <= a.period_end <= year.end_date), ZERO)


def _misc_journal() -> Journal:
    journal = Journal.objects.filter(kind=JournalKind.MISC, is_active=True).order_by("code").first()
    if journal is None:
        raise DomainError("Aucun journal d'opérations diverses actif.")
    return journal


def depreciation_due(year: FiscalYear) -> list[tuple[FixedAsset, Decimal]]:
    """The year's annuities not posted yet, per asset: what post_depreciation would book (and what the
    year-end closing checks). Assets already done for this year, disposed before it or not depreciable
    are left out."""
    done = set(DepreciationPosting.objects.filter(fiscal_year=year).values_list("asset_id", flat=True))
    assets = (
        FixedAsset.objects.exclude(method=DepreciationMethod.NONE)
        .exclude(pk__in=done)
        .exclude(disposal_date__lte=year.end_date)
        .select_related("depreciation_account", "expense_account")
    )
    amounts = [(asset, _annuity_for(asset, year)) for asset in assets]
    return [(asset, amount) for asset, amount in amounts if amount > 0]


@transaction.atomic
def post_depreciation(*, actor, year: FiscalYear):
    """The year's depreciation entry (one OD, dated the year's last day): 6811 / 28x per asset."""
    amounts = depreciation_due(year)
    if not amounts:
        raise DomainError(f"Aucune dotation à passer pour {year}.")
    lines = []
    for asset, amount in amounts:
        lines.append(L(asset.expense_account, debit=amount, label=f"Dotation {asset.reference} {asset.label}"[:200]))
        lines.append(L(asset.depreciation_account, credit=amount, label=f"Amortissement {asset.reference}"[:200]))
    entry = services.create_entry(
        actor=actor,
        journal=_misc_journal(),
        date=year.end_date,
        label=f"Dotations aux amortissements — {year}",
        piece_ref=f"AMORT{year.end_date:%Y}",
        lines=lines,
        post=True,
    )
    DepreciationPosting.objects.bulk_create(
        DepreciationPosting(asset=asset, fiscal_year=year, amount=amount, entry=entry) for asset, amount in amounts
    )
    return entry


@transaction.atomic
def dispose_asset(*, actor, asset: FixedAsset, date: dt.date, price: Decimal = ZERO):
    """Sale or scrapping: depreciation of the year up to the disposal date, then the asset leaves the books
    (PCG 2025: net book value to 657, sale price to 757 against 462)."""
    asset = FixedAsset.objects.select_for_update().get(pk=asset.pk)
    if asset.is_disposed:
        raise DomainError("Cette immobilisation est déjà sortie du registre.")
    year = services.fiscal_year_for(date)
    if date < asset.in_service_date:
        raise DomainError("La date de sortie précède la mise en service.")
    lines = []
    if (
        asset.method != DepreciationMethod.NONE
        and not DepreciationPosting.objects.filter(asset=asset, fiscal_year=year).exists()
    ):
        full = _annuity_for(asset, year)
        start = max(year.start_date, asset.in_service_date)
        if asset.method == DepreciationMethod.LINEAR:
            ratio = Decimal(depreciation.days_360(start, date)) / Decimal(depreciation.days_360(start, year.end_date))
        else:
            months_done = (date.year - start.year) * 12 + date.month - start.month + 1
            months_all = (year.end_date.year - start.year) * 12 + year.end_date.month - start.month + 1
            ratio = Decimal(months_done) / Decimal(months_all)
        amount = round_eur(full * min(ratio, Decimal(1)))
        if amount > 0:
            lines += [
                L(asset.expense_account, debit=amount, label=f"Dotation {asset.reference} (sortie)"),
                L(asset.depreciation_account, credit=amount, label=f"Amortissement {asset.reference}"),
            ]
    else:
        amount = ZERO
    accumulated = (DepreciationPosting.objects.filter(asset=asset).aggregate(s=Sum("amount"))["s"] or ZERO) + amount
    net_book_value = asset.cost - accumulated
    if accumulated:
        lines.append(
            L(asset.depreciation_account, debit=accumulated, label=f"Sortie {asset.reference} — amortissements")
        )
    if net_book_value:
        lines.append(
            L(_account("657"), debit=net_book_value, label=f"Sortie {asset.reference} — valeur nette comptable")
        )
    lines.append(L(asset.account, credit=asset.cost, label=f"Sortie {asset.reference} — valeur d'origine"))
    price = round_eur(price or 0)
    if price:
        lines += [
            L(_account("462"), debit=price, label=f"Cession {asset.reference}"),
            L(_account("757"), credit=price, label=f"Cession {asset.reference}"),
        ]
    entry = services.create_entry(
        actor=actor,
        journal=_misc_journal(),
        date=date,
        label=f"Sortie de {asset}"[:200],
        piece_ref=asset.reference,
        lines=lines,
        post=True,
    )
    if amount:
        DepreciationPosting.objects.create(asset=asset, fiscal_year=year, amount=amount, entry=entry)
    asset.disposal_date, asset.disposal_price = date, price
    asset.save(update_fields=["disposal_date", "disposal_price"])
    audit.record(actor, "ledger.asset.disposed", asset, after={"date": date.isoformat(), "price": str(price)})
    return entry
