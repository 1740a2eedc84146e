"""The territorial needs study: its header, the areas compared (one reference at most), the data sources, the
indicators with their value per area, the findings; a validated study is read-only (change it back to « En cours »
first). Each change in the audit trail; every refusal a French DomainError that writes nothing."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.office.models import (
    FindingPriority,
    IndicatorValue,
    NeedsStudy,
    StudyArea,
    StudyFinding,
    StudyIndicator,
    StudySource,
    StudyStatus,
)

STUDY_FIELDS = ("title", "territory", "population", "purpose", "method", "conclusion", "carried_out_on", "threshold")


def _editable(study: NeedsStudy) -> NeedsStudy:
    study = NeedsStudy.objects.select_for_update().get(pk=study.pk)
    if study.status == StudyStatus.FINAL:
        raise DomainError("L'étude est validée : repassez-la « En cours » pour la modifier.")
    return study


def _text(value, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(f"Indiquez {what}.")
    return value


def _check_threshold(threshold) -> Decimal:
    threshold = Decimal(threshold if threshold is not None else 10)
    if not Decimal(0) <= threshold <= Decimal(1000):
        raise DomainError("Le seuil d'écart va de 0 à 1 000 %.")
    return threshold


@transaction.atomic
def create_study(*, actor, **fields) -> NeedsStudy:
    values = {key: fields[key] for key in STUDY_FIELDS if key in fields}
    values["title"] = _text(values.get("title"), "l'intitulé de l'étude")
    values["territory"] = _text(values.get("territory"), "le territoire étudié")
    if not values.get("carried_out_on"):
        raise DomainError("Indiquez la date de l'étude.")
    values["threshold"] = _check_threshold(values.get("threshold"))
    study = NeedsStudy.objects.create(author=actor, **values)
    audit.record(actor, "office.study.created", study, after=audit.snapshot(study))
    return study


@transaction.atomic
def update_study(*, actor, study: NeedsStudy, **fields) -> NeedsStudy:
    study = _editable(study)
    before = audit.snapshot(study)
    for key in STUDY_FIELDS:
        if key in fields:
            setattr(study, key, fields[key])
    study.title = _text(study.title, "l'intitulé de l'étude")
    study.territory = _text(study.territory, "le territoire étudié")
    study.threshold = _check_threshold(study.threshold)
    study.save()
    audit.record(actor, "office.study.updated", study, before=before, after=audit.snapshot(study))
    return study


@transaction.atomic
def set_status(*, actor, study: NeedsStudy, status: str) -> NeedsStudy:
    study = NeedsStudy.objects.select_for_update().get(pk=study.pk)
    if status not in StudyStatus.values:
        raise DomainError("Cet état d'étude n'existe pas.")
    if status == StudyStatus.FINAL:
        if not study.findings.exists():
            raise DomainError("Une étude se valide avec au moins un constat.")
        if not study.areas.filter(is_reference=False).exists() or not study.indicators.exists():
            raise DomainError("Une étude se valide avec au moins une zone étudiée et un indicateur.")
    study.status = status
    study.save(update_fields=["status"])
    audit.record(actor, "office.study.status", study, after={"status": status})
    return study


@transaction.atomic
def add_area(*, actor, study: NeedsStudy, name: str, is_reference: bool = False) -> StudyArea:
    study = _editable(study)
    name = _text(name, "le nom de la zone")
    if study.areas.filter(name__iexact=name).exists():
        raise DomainError(f"La zone « {name} » figure déjà dans l'étude.")
    if is_reference and study.areas.filter(is_reference=True).exists():
        raise DomainError("L'étude a déjà une zone de référence : retirez-la d'abord.")
    position = study.areas.count()
    try:
        with transaction.atomic():
            area = StudyArea.objects.create(study=study, name=name, is_reference=is_reference, position=position)
    except IntegrityError as exc:  # two people adding the reference at once
        raise DomainError("L'étude a déjà une zone de référence.") from exc
    audit.record(actor, "office.study.changed", study, after={"zone": name, "reference": is_reference})
    return area


@transaction.atomic
def add_source(*, actor, study: NeedsStudy, name: str, producer: str = "", year: int | None = None,
               url: str = "") -> StudySource:  # fmt: skip
    study = _editable(study)
    source = StudySource.objects.create(study=study, name=_text(name, "la source"), producer=(producer or "").strip(),
                                        year=year, url=url or "")  # fmt: skip
    audit.record(actor, "office.study.changed", study, after={"source": str(source)})
    return source


@transaction.atomic
def add_indicator(*, actor, study: NeedsStudy, theme: str, label: str, unit: str = "", higher_means_need: bool = True,
                  source: StudySource | None = None, values: dict | None = None) -> StudyIndicator:  # fmt: skip
    """An indicator and, if given, its value per area ({area: Decimal or None})."""
    study = _editable(study)
    if source is not None and source.study_id != study.pk:
        raise DomainError("Cette source appartient à une autre étude.")
    indicator = StudyIndicator.objects.create(
        study=study, theme=_text(theme, "le thème"), label=_text(label, "l'indicateur"), unit=(unit or "").strip(),
        higher_means_need=higher_means_need, source=source,
    )  # fmt: skip
    if values:
        _write_values(study, indicator, values)
    audit.record(actor, "office.study.changed", study, after={"indicateur": indicator.label})
    return indicator


def _write_values(study: NeedsStudy, indicator: StudyIndicator, values: dict) -> None:
    areas = {area.pk: area for area in study.areas.all()}
    for area, value in values.items():
        if area.pk not in areas:
            raise DomainError("Cette zone appartient à une autre étude.")
        if value is None:
            IndicatorValue.objects.filter(indicator=indicator, area=area).delete()
        else:
            IndicatorValue.objects.update_or_create(indicator=indicator, area=area, defaults={"value": value})


@transaction.atomic
def set_values(*, actor, indicator: StudyIndicator, values: dict) -> StudyIndicator:
    """The indicator's value per area ({area: Decimal, or None to clear it})."""
    study = _editable(indicator.study)
    _write_values(study, indicator, values)
    typed = {area.name: str(value) for area, value in values.items()}
    audit.record(actor, "office.study.changed", study, after={"indicateur": indicator.label, "valeurs": typed})
    return indicator


@transaction.atomic
def add_finding(*, actor, study: NeedsStudy, theme: str, need: str, evidence: str = "",
                priority: int = FindingPriority.MEDIUM, response: str = "") -> StudyFinding:  # fmt: skip
    study = _editable(study)
    if int(priority) not in FindingPriority.values:
        raise DomainError("La priorité va de 1 à 3.")
    finding = StudyFinding.objects.create(
        study=study, theme=_text(theme, "le thème"), need=_text(need, "le besoin"), evidence=evidence or "",
        priority=int(priority), response=response or "",
    )  # fmt: skip
    audit.record(actor, "office.study.changed", study, after={"constat": finding.need})
    return finding


PARTS = {"zone": StudyArea, "source": StudySource, "indicateur": StudyIndicator, "constat": StudyFinding}


@transaction.atomic
def remove_part(*, actor, study: NeedsStudy, part: str, pk: int) -> None:
    """Remove an area (its values go with it), a source (its indicators keep their figures, without source), an
    indicator (its values too) or a finding."""
    study = _editable(study)
    model = PARTS.get(part)
    row = model.objects.filter(study=study, pk=pk).first() if model else None
    if row is None:
        raise DomainError("Cet élément n'appartient pas à l'étude.")
    label = str(row)
    row.delete()
    audit.record(actor, "office.study.changed", study, before={part: label})
