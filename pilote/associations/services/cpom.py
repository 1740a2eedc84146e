"""CPOM (contrat pluriannuel d'objectifs et de moyens) and monthly activity of a social establishment: the contract
with its funders and years, objectives with an indicator and a target per year (actual typed or computed from the
activity), the means (budget) per year and account group, and the months' activity of each service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pilote.associations.models import ActivityMonth, Cpom, CpomMeans, CpomObjective, CpomTarget, IndicatorSource
from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.lib.money import round_eur

MAX_YEARS = 7


@transaction.atomic
def create_cpom(*, actor, title: str, funders, start_year: int, end_year: int, signed_on: dt.date | None = None,
                notes: str = "") -> Cpom:  # fmt: skip
    title = title.strip()
    if not title:
        raise DomainError("Donnez un intitulé au CPOM (établissement ou service, financeurs).")
    if end_year < start_year:
        raise DomainError("La dernière année du CPOM suit la première.")
    if end_year - start_year + 1 > MAX_YEARS:
        raise DomainError(f"Un CPOM couvre au plus {MAX_YEARS} ans (5 ans en général).")
    funders = list(funders)
    if not funders:
        raise DomainError("Choisissez au moins un financeur (ARS, département…).")
    cpom = Cpom.objects.create(title=title[:200], start_year=start_year, end_year=end_year, signed_on=signed_on,
                               notes=notes.strip())  # fmt: skip
    cpom.funders.set(funders)
    for funder in funders:
        if not funder.is_funder:
            funder.is_funder = True
            funder.save(update_fields=["is_funder", "updated_at"])
    audit.record(actor, "associations.cpom.created", cpom, after=audit.snapshot(cpom))
    return cpom


@transaction.atomic
def add_objective(*, actor, cpom: Cpom, title: str, indicator: str, unit: str = "", higher_is_better: bool = True,
                  source: str = IndicatorSource.TYPED, service: str = "",
                  targets: dict[int, Decimal] | None = None) -> CpomObjective:  # fmt: skip
    if not title.strip() or not indicator.strip():
        raise DomainError("Donnez l'objectif et son indicateur.")
    if source not in IndicatorSource.values:
        raise DomainError("Choisissez la source du réalisé (saisi ou calculé depuis l'activité).")
    if source != IndicatorSource.TYPED and not service.strip():
        raise DomainError("Un indicateur calculé depuis l'activité dit de quel service (SSIAD, SAAD…).")
    position = cpom.objectives.count() + 1
    objective = CpomObjective.objects.create(
        cpom=cpom, position=position, title=title.strip()[:200], indicator=indicator.strip()[:200],
        unit=unit.strip()[:20], higher_is_better=higher_is_better, source=source, service=service.strip()[:40],
    )  # fmt: skip
    audit.record(actor, "associations.cpom.objective_added", objective, after=audit.snapshot(objective))
    for year, target in (targets or {}).items():
        set_target(actor=actor, objective=objective, year=year, target=target)
    return objective


@transaction.atomic
def set_target(*, actor, objective: CpomObjective, year: int, target: Decimal,
               actual: Decimal | None = None) -> CpomTarget:  # fmt: skip
    cpom = objective.cpom
    if year not in cpom.years:
        raise DomainError(f"L'année {year} n'est pas dans le CPOM ({cpom.start_year}-{cpom.end_year}).")
    if actual is not None and objective.source != IndicatorSource.TYPED:
        raise DomainError("Le réalisé de cet indicateur est calculé depuis l'activité mensuelle : il ne se saisit pas.")
    defaults = {"target": Decimal(target)}
    if actual is not None:
        defaults["actual"] = Decimal(actual)
    row, _ = CpomTarget.objects.update_or_create(objective=objective, year=year, defaults=defaults)
    audit.record(actor, "associations.cpom.target_set", row, after=audit.snapshot(row))
    return row


@transaction.atomic
def set_means(*, actor, cpom: Cpom, year: int, accounts: str, label: str, amount: Decimal) -> CpomMeans:
    accounts = accounts.strip()
    if not (accounts.isdigit() and 1 <= len(accounts) <= 8 and accounts[0] in "67"):
        raise DomainError("Les moyens portent sur des comptes de charges ou de produits : 64, 7311, 6…")
    if year not in cpom.years:
        raise DomainError(f"L'année {year} n'est pas dans le CPOM ({cpom.start_year}-{cpom.end_year}).")
    row, _ = CpomMeans.objects.update_or_create(
        cpom=cpom, year=year, accounts=accounts,
        defaults={"label": label.strip()[:120] or accounts, "amount": round_eur(amount)},
    )  # fmt: skip
    audit.record(actor, "associations.cpom.means_set", row, after=audit.snapshot(row))
    return row


ACTIVITY_FIELDS = ("places", "days_open", "days_delivered", "hours_delivered", "persons", "waiting_list")


@transaction.atomic
def record_activity(*, actor, service: str, month: dt.date, **figures) -> ActivityMonth:
    """A service's month, typed or corrected (one row per service and month)."""
    service = service.strip()
    if not service:
        raise DomainError("Nommez le service (SSIAD, SAAD, accueil de jour…).")
    month = month.replace(day=1)
    days_in_month = ((month + dt.timedelta(days=32)).replace(day=1) - month).days
    days_open = int(figures.get("days_open") or 0)
    if days_open > days_in_month:
        raise DomainError(f"{month:%m/%Y} compte {days_in_month} jours : pas plus de jours d'ouverture.")
    places = int(figures.get("places") or 0)
    if places and int(figures.get("days_delivered") or 0) > places * days_open:
        raise DomainError("Plus de journées réalisées que de places × jours d'ouverture : vérifiez la saisie.")
    values = {name: figures.get(name) or 0 for name in ACTIVITY_FIELDS}
    values["updated_at"] = timezone.now()
    row, created = ActivityMonth.objects.update_or_create(service=service[:40], month=month, defaults=values)
    audit.record(actor, "associations.activity_month.recorded", row, after=audit.snapshot(row))
    return row
