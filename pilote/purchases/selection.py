"""Supplier selection files: a need, its candidate suppliers, a multi-criteria grid weighted per file (price,
quality, delay, after-sales, CSR…, scores 0 to 5), the ranking computed, the choice recorded with its
justification, and the request for quotes sent to the candidates.

`rank` is pure: the weighted score of a candidate is Σ(weight × score) / Σ(weights), out of 5 (a criterion not
scored yet counts 0 and marks the candidate incomplete); equal scores share a rank (1, 1, 3). The services write
through one transaction each, audited, refusing in French."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.purchases.models import (
    SELECTION_SERIES,
    QuoteRequest,
    SelectionCandidate,
    SelectionCriterion,
    SelectionFile,
    SelectionScore,
    SelectionStatus,
)
from pilote.sales import numbering

DEFAULT_CRITERIA = [("Prix", 40), ("Qualité", 25), ("Délai", 15), ("Service après-vente", 10), ("RSE", 10)]
MAX_CANDIDATES = 10


@dataclass(frozen=True)
class Ranked:
    candidate: int
    score: Decimal  # weighted, out of 5
    rank: int
    complete: bool  # every criterion scored


def rank(weights: dict[int, int], scores: dict[tuple[int, int], int], candidates: Iterable[int]) -> list[Ranked]:
    """Candidates best first: `weights` {criterion: weight}, `scores` {(candidate, criterion): 0..5}."""
    total = sum(weights.values())
    rows = []
    for candidate in candidates:
        given = [scores.get((candidate, criterion)) for criterion in weights]
        points = sum((Decimal(weight) * (score or 0) for weight, score in zip(weights.values(), given, strict=True)),
                     Decimal(0))  # fmt: skip
        value = (points / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if total else Decimal("0.00")
        rows.append((candidate, value, all(score is not None for score in given)))
    rows.sort(key=lambda row: (-row[1], row[0]))
    ranked, previous, position = [], None, 0
    for index, (candidate, value, complete) in enumerate(rows, start=1):
        if value != previous:
            position, previous = index, value
        ranked.append(Ranked(candidate, value, position, complete))
    return ranked


def _clean_criteria(criteria: list[tuple[str, int]]) -> list[tuple[str, int]]:
    cleaned = [((name or "").strip()[:100], weight) for name, weight in criteria if (name or "").strip()]
    if not cleaned:
        raise DomainError("Indiquez au moins un critère de sélection.")
    if any(weight is None or int(weight) <= 0 for _, weight in cleaned):
        raise DomainError("Chaque critère demande une pondération positive.")
    names = [name.lower() for name, _ in cleaned]
    if len(set(names)) != len(names):
        raise DomainError("Deux critères portent le même nom.")
    return [(name, int(weight)) for name, weight in cleaned]


def _clean_suppliers(suppliers: list) -> list:
    unique = list(dict.fromkeys(s for s in suppliers if s is not None))
    if not 1 <= len(unique) <= MAX_CANDIDATES:
        raise DomainError(f"Retenez de 1 à {MAX_CANDIDATES} fournisseurs candidats.")
    return unique


@transaction.atomic
def create_file(
    *, actor, title: str, date: dt.date, criteria: list[tuple[str, int]], suppliers: list, description: str = ""
) -> SelectionFile:
    title = (title or "").strip()
    if not title:
        raise DomainError("Indiquez le besoin que ce dossier doit couvrir.")
    criteria, suppliers = _clean_criteria(criteria), _clean_suppliers(suppliers)
    file = SelectionFile.objects.create(
        number=numbering.next_number(SELECTION_SERIES, date.year), title=title[:200], description=description,
        date=date, created_by=actor,
    )  # fmt: skip
    SelectionCriterion.objects.bulk_create(
        SelectionCriterion(file=file, position=i, name=name, weight=weight)
        for i, (name, weight) in enumerate(criteria, start=1)
    )
    SelectionCandidate.objects.bulk_create(SelectionCandidate(file=file, supplier=s) for s in suppliers)
    audit.record(actor, "purchases.selection.created", file,
                 after={"besoin": file.title, "critères": len(criteria), "candidats": len(suppliers)})  # fmt: skip
    return file


def _locked(file: SelectionFile, version: int | None) -> SelectionFile:
    current = SelectionFile.objects.select_for_update().get(pk=file.pk)
    check_version(current.version, version, "Le dossier de sélection")
    if current.status != SelectionStatus.OPEN:
        raise DomainError(f"Ce dossier est « {current.get_status_display()} » : il ne se modifie plus.")
    return current


@transaction.atomic
def set_scores(*, actor, file: SelectionFile, scores: dict[tuple[int, int], int | None], version=None) -> SelectionFile:
    """Record the grid: {(candidate id, criterion id): score 0..5 or None to clear}."""
    file = _locked(file, version)
    candidates = set(file.candidates.values_list("pk", flat=True))
    criteria = set(file.criteria.values_list("pk", flat=True))
    for (candidate, criterion), value in scores.items():
        if candidate not in candidates or criterion not in criteria:
            raise DomainError("Une note envoyée ne correspond pas à ce dossier : rechargez la page.")
        if value is not None and not 0 <= int(value) <= 5:
            raise DomainError("Une note va de 0 à 5.")
    SelectionScore.objects.filter(candidate__file=file).delete()
    SelectionScore.objects.bulk_create(
        SelectionScore(candidate_id=candidate, criterion_id=criterion, score=int(value))
        for (candidate, criterion), value in scores.items()
        if value is not None
    )
    file.version += 1
    file.save(update_fields=["version"])
    audit.record(actor, "purchases.selection.updated", file,
                 after={"notes": sum(1 for v in scores.values() if v is not None)})  # fmt: skip
    return file


@transaction.atomic
def add_candidate(*, actor, file: SelectionFile, supplier, version=None) -> SelectionFile:
    file = _locked(file, version)
    if file.candidates.filter(supplier=supplier).exists():
        raise DomainError(f"{supplier.display_name} est déjà candidat.")
    if file.candidates.count() >= MAX_CANDIDATES:
        raise DomainError(f"Un dossier compte au plus {MAX_CANDIDATES} candidats.")
    SelectionCandidate.objects.create(file=file, supplier=supplier)
    file.version += 1
    file.save(update_fields=["version"])
    audit.record(actor, "purchases.selection.updated", file, after={"candidat ajouté": supplier.display_name})
    return file


def ranking(file: SelectionFile) -> list[Ranked]:
    weights = dict(file.criteria.values_list("pk", "weight"))
    scores = {(c, k): v for c, k, v in SelectionScore.objects.filter(candidate__file=file).values_list(
        "candidate_id", "criterion_id", "score")}  # fmt: skip
    return rank(weights, scores, file.candidates.values_list("pk", flat=True))


@transaction.atomic
def decide(*, actor, file: SelectionFile, candidate: SelectionCandidate, justification: str, version=None):
    """Record the supplier chosen with its justification (required, all the more when it is not the first)."""
    file = _locked(file, version)
    if candidate.file_id != file.pk:
        raise DomainError("Ce fournisseur n'est pas candidat dans ce dossier.")
    justification = (justification or "").strip()
    if not justification:
        raise DomainError("Justifiez le choix du fournisseur : il est conservé dans le dossier.")
    file.status, file.chosen = SelectionStatus.DECIDED, candidate.supplier
    file.justification, file.decided_by, file.decided_at = justification, actor, timezone.now()
    file.version += 1
    file.save(update_fields=["status", "chosen", "justification", "decided_by", "decided_at", "version"])
    after = {"fournisseur retenu": candidate.supplier.display_name, "justification": justification}
    audit.record(actor, "purchases.selection.decided", file, after=after)
    return file


@transaction.atomic
def link_request(*, actor, file: SelectionFile, request: QuoteRequest) -> SelectionFile:
    """The request for quotes made for this need (need → RFQ)."""
    file = SelectionFile.objects.select_for_update().get(pk=file.pk)
    file.quote_request = request
    file.version += 1
    file.save(update_fields=["quote_request", "version"])
    audit.record(actor, "purchases.selection.updated", file, after={"demande de prix": request.number})
    return file
