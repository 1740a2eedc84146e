"""Reads of supplier selection files: the filtered list, its sorts and export columns; a file's grid with the
ranking and each candidate's scorecard (bounded: the grid's rows and the scorecard's five reads)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from pilote.core.listing import Column, words_refusal
from pilote.purchases import scorecard, selection
from pilote.purchases.models import SelectionFile, SelectionScore, SelectionStatus

FILE_SORTS = {"numero": ["number"], "date": ["date"], "besoin": ["title"], "statut": ["status"]}

FILE_COLUMNS = [
    Column("Numéro", lambda f: f.number),
    Column("Date", lambda f: f.date),
    Column("Besoin", lambda f: f.title),
    Column("Candidats", lambda f: f.candidate_count),
    Column("Statut", lambda f: f.get_status_display()),
    Column("Fournisseur retenu", lambda f: f.chosen.display_name if f.chosen_id else ""),
    Column("Justification", lambda f: f.justification),
    Column("Demande de prix", lambda f: f.quote_request.number if f.quote_request_id else ""),
]


def read_filters(params) -> dict:
    status = params.get("statut", "")
    return {"q": (params.get("q") or "").strip()[:100], "status": status if status in SelectionStatus.values else ""}


def filter_files(data: dict):
    files = SelectionFile.objects.select_related("chosen", "quote_request").annotate(
        candidate_count=Count("candidates")
    )
    if (q := data.get("q")) and not words_refusal(q):  # shorter words: refused on the page and the API
        files = files.filter(Q(title__icontains=q) | Q(number__icontains=q) | Q(chosen__name__icontains=q))
    if status := data.get("status"):
        files = files.filter(status=status)
    return files


def file_detail(file: SelectionFile, today: dt.date) -> dict:
    candidates = list(file.candidates.select_related("supplier"))
    criteria = list(file.criteria.all())
    scores = {(c, k): v for c, k, v in SelectionScore.objects.filter(candidate__file=file).values_list(
        "candidate_id", "criterion_id", "score")}  # fmt: skip
    ranked = {row.candidate: row for row in selection.rank({c.pk: c.weight for c in criteria}, scores,
                                                           [c.pk for c in candidates])}  # fmt: skip
    facts = scorecard_facts(candidates, today)
    for candidate in candidates:
        candidate.ranked = ranked[candidate.pk]
        candidate.past = scorecard.score(facts.get(candidate.supplier_id, scorecard.Facts()))
        candidate.cells = [(criterion.name, scores.get((candidate.pk, criterion.pk))) for criterion in criteria]
    candidates.sort(key=lambda c: (c.ranked.rank, c.pk))
    return {"candidates": candidates, "criteria": criteria, "scores": scores}


def scorecard_facts(candidates, today: dt.date) -> dict:
    """The candidates' scorecard facts over the last 12 months (point 8), shown beside the grid."""
    from pilote.purchases.queries.scorecard import collect

    return collect(today - dt.timedelta(days=365), today, suppliers=[c.supplier_id for c in candidates])
