"""CPOM (contrat pluriannuel d'objectifs et de moyens) and monthly activity of a social establishment: the contract
with its funders and years, objectives with an indicator and a target per year (actual typed or computed from the
activity), the means (budget) per year and account group, and the months' activity of each service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pilote.associations.models import (
    ActivityMonth,
    Cpom,
    CpomDeadline,
    CpomMeans,
    CpomObjective,
    CpomTarget,
    IndicatorSource,
)
from pilote.associations.services import budget
from pilote.core import audit
from pilote.core.exceptions import DomainError

MAX_YEARS = 7
# The yearly report (activity report with the ERRD, the état réalisé des recettes et des dépenses) is handed to the
# funders by 30 April of the next year: the usual date of the ERRD (CASF, R. 314-232 for the ESSMS under a CPOM);
# the contract may set others, typed on the CPOM's page.
REPORT_DUE = (4, 30)


def report_due_on(year: int) -> dt.date:
    return dt.date(year + 1, *REPORT_DUE)


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
    for year in cpom.years:
        CpomDeadline.objects.create(cpom=cpom, kind=CpomDeadline.Kind.REPORT, year=year, due_on=report_due_on(year),
                                    label=f"Rapport annuel {year} et ERRD")  # fmt: skip
    audit.record(actor, "associations.cpom.created", cpom, after=audit.snapshot(cpom))
    return cpom


def reported_years(cpom: Cpom) -> set[int]:
    """The CPOM years whose yearly report was handed in: their objectives and means are what the funders got."""
    return set(cpom.deadlines.filter(kind=CpomDeadline.Kind.REPORT, done_on__isnull=False)
               .values_list("year", flat=True))  # fmt: skip


def _check_open(cpom: Cpom, year: int, what: str) -> None:
    if year in reported_years(cpom):
        raise DomainError(f"Le rapport annuel {year} a été remis aux financeurs : {what} de {year} ne se modifient "
                          "plus.")  # fmt: skip


def _objective_fields(title: str, indicator: str, unit: str, source: str, service: str) -> dict:
    if not title.strip() or not indicator.strip():
        raise DomainError("Donnez l'objectif et son indicateur.")
    if source not in IndicatorSource.values:
        raise DomainError("Choisissez la source du réalisé (saisi ou calculé depuis l'activité).")
    if source != IndicatorSource.TYPED and not service.strip():
        raise DomainError("Un indicateur calculé depuis l'activité dit de quel service (SSIAD, SAAD…).")
    return {"title": title.strip()[:200], "indicator": indicator.strip()[:200], "unit": unit.strip()[:20],
            "source": source, "service": service.strip()[:40] if source != IndicatorSource.TYPED else ""}  # fmt: skip


@transaction.atomic
def add_objective(*, actor, cpom: Cpom, title: str, indicator: str, unit: str = "", higher_is_better: bool = True,
                  source: str = IndicatorSource.TYPED, service: str = "",
                  targets: dict[int, Decimal] | None = None) -> CpomObjective:  # fmt: skip
    fields = _objective_fields(title, indicator, unit, source, service)
    position = cpom.objectives.count() + 1
    objective = CpomObjective.objects.create(cpom=cpom, position=position, higher_is_better=higher_is_better,
                                             **fields)  # fmt: skip
    audit.record(actor, "associations.cpom.objective_added", objective, after=audit.snapshot(objective))
    for year, target in (targets or {}).items():
        set_target(actor=actor, objective=objective, year=year, target=target)
    return objective


def _locked_objective(objective: CpomObjective) -> CpomObjective:
    return CpomObjective.objects.select_for_update().get(pk=objective.pk)


def _typed_actual_years(objective: CpomObjective) -> list[int]:
    return list(objective.targets.filter(actual__isnull=False).order_by("year").values_list("year", flat=True))


@transaction.atomic
def update_objective(*, actor, objective: CpomObjective, title: str, indicator: str, unit: str = "",
                     higher_is_better: bool = True, source: str = IndicatorSource.TYPED,
                     service: str = "") -> CpomObjective:  # fmt: skip
    """The objective's wording, indicator and source corrected. Refused when it would change what a report
    already handed in said, or leave typed actuals orphaned by a computed source."""
    current = _locked_objective(objective)
    fields = _objective_fields(title, indicator, unit, source, service) | {"higher_is_better": higher_is_better}
    changes_meaning = any(getattr(current, name) != value for name, value in fields.items() if name != "title")
    reported = sorted(reported_years(current.cpom) & set(current.targets.values_list("year", flat=True)))
    if changes_meaning and reported:
        raise DomainError(f"Le rapport annuel {reported[0]} a été remis avec cet indicateur : corrigez seulement "
                          "l'intitulé, ou ajoutez un nouvel objectif.")  # fmt: skip
    typed = _typed_actual_years(current)
    if source != IndicatorSource.TYPED and typed:
        raise DomainError(
            f"Cet objectif a un réalisé saisi ({', '.join(map(str, typed))}) : il ne peut pas devenir "
            "calculé depuis l'activité. Effacez d'abord ces réalisés ou ajoutez un nouvel objectif."
        )
    before = audit.snapshot(current)
    for name, value in fields.items():
        setattr(current, name, value)
    current.save(update_fields=list(fields))
    audit.record(actor, "associations.cpom.objective_updated", current, before=before, after=audit.snapshot(current))
    return current


@transaction.atomic
def delete_objective(*, actor, objective: CpomObjective) -> None:
    """An objective withdrawn with its targets; the next ones move up. Refused once a yearly report handed in
    carried it, or while it holds typed actuals (the follow-up would lose them)."""
    current = _locked_objective(objective)
    cpom = current.cpom
    reported = sorted(reported_years(cpom) & set(current.targets.values_list("year", flat=True)))
    if reported:
        raise DomainError(f"Le rapport annuel {reported[0]} a été remis avec cet objectif : il ne peut plus être "
                          "supprimé.")  # fmt: skip
    if typed := _typed_actual_years(current):
        raise DomainError(f"Cet objectif a un réalisé saisi ({', '.join(map(str, typed))}) : effacez d'abord ce "
                          "réalisé si l'objectif doit vraiment disparaître.")  # fmt: skip
    audit.record(actor, "associations.cpom.objective_deleted", current, before=audit.snapshot(current))
    current.delete()
    for position, row in enumerate(cpom.objectives.order_by("position", "id"), start=1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


@transaction.atomic
def set_target(*, actor, objective: CpomObjective, year: int, target: Decimal,
               actual: Decimal | None = None, clear_actual: bool = False) -> CpomTarget:  # fmt: skip
    cpom = objective.cpom
    if year not in cpom.years:
        raise DomainError(f"L'année {year} n'est pas dans le CPOM ({cpom.start_year}-{cpom.end_year}).")
    _check_open(cpom, year, "les cibles et réalisés")
    if actual is not None and objective.source != IndicatorSource.TYPED:
        raise DomainError("Le réalisé de cet indicateur est calculé depuis l'activité mensuelle : il ne se saisit pas.")
    defaults = {"target": Decimal(target)}
    if actual is not None or clear_actual:
        defaults["actual"] = None if actual is None else Decimal(actual)
    row, _ = CpomTarget.objects.update_or_create(objective=objective, year=year, defaults=defaults)
    audit.record(actor, "associations.cpom.target_set", row, after=audit.snapshot(row))
    return row


@transaction.atomic
def set_means(*, actor, cpom: Cpom, year: int, accounts: str, label: str, amount: Decimal) -> CpomMeans:
    accounts = budget.check_accounts(accounts, classes="67", lengths=range(1, 9),
                                     message="Les moyens portent sur des comptes de charges ou de produits : 64, "
                                             "7311, 6…")  # fmt: skip
    if year not in cpom.years:
        raise DomainError(f"L'année {year} n'est pas dans le CPOM ({cpom.start_year}-{cpom.end_year}).")
    _check_open(cpom, year, "les moyens")
    return budget.set_line(actor=actor, model=CpomMeans, owner={"cpom": cpom, "year": year},
                           key={"accounts": accounts}, label=label, amount=amount,
                           audit_code="associations.cpom.means_set")  # fmt: skip


@transaction.atomic
def delete_means(*, actor, means: CpomMeans) -> None:
    """A year's budget line withdrawn; refused once that year's report was handed in."""
    _check_open(means.cpom, means.year, "les moyens")
    budget.delete_line(actor=actor, line=means, audit_code="associations.cpom.means_deleted")


@transaction.atomic
def add_deadline(*, actor, cpom: Cpom, kind: str, label: str, due_on: dt.date, year: int | None = None) -> CpomDeadline:
    if kind not in CpomDeadline.Kind.values:
        raise DomainError("Choisissez la nature de l'échéance.")
    if kind == CpomDeadline.Kind.REPORT:
        raise DomainError("Les rapports annuels sont prévus à la création du CPOM (30 avril de l'année suivante) : "
                          "ajoutez un dialogue de gestion ou une autre échéance.")  # fmt: skip
    label = label.strip() or CpomDeadline.Kind(kind).label
    if year is not None and year not in cpom.years:
        raise DomainError(f"L'année {year} n'est pas dans le CPOM ({cpom.start_year}-{cpom.end_year}).")
    deadline = CpomDeadline.objects.create(cpom=cpom, kind=kind, label=label[:200], due_on=due_on, year=year)
    audit.record(actor, "associations.cpom.deadline_added", deadline, after=audit.snapshot(deadline))
    return deadline


@transaction.atomic
def complete_deadline(*, actor, deadline: CpomDeadline, done_on: dt.date) -> CpomDeadline:
    current = CpomDeadline.objects.select_for_update().get(pk=deadline.pk)
    if current.done_on is not None:
        raise DomainError(f"Cette échéance est déjà tenue (le {current.done_on:%d/%m/%Y}).")
    if current.kind == CpomDeadline.Kind.REPORT and done_on < dt.date(current.year + 1, 1, 1):
        raise DomainError(f"Le rapport annuel {current.year} se remet une fois l'année finie.")
    current.done_on = done_on
    current.save(update_fields=["done_on"])
    audit.record(actor, "associations.cpom.deadline_done", current, after=audit.snapshot(current))
    return current


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
