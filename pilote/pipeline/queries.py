"""Reads of the pipeline: filtered opportunity lists, the kanban with its totals, detail pages, tenders.

Every page runs a fixed number of queries whatever the data size (asserted in the tests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.utils import timezone

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.pipeline.models import Opportunity, StageChange, Tender
from pilote.pipeline.scoring import weighted_score
from pilote.pipeline.stages import CLOSED_STAGES, Stage, all_stages, open_stages

CARDS_PER_COLUMN = 50
CLOSED_CARDS = 20
ZERO = Decimal("0.00")


def stage_order_expression():
    return Case(
        *[When(stage=stage, then=Value(index)) for index, stage in enumerate(all_stages())],
        output_field=IntegerField(),
    )


SORTS = {
    "titre": [french("title")],
    "contact": [french("contact__name")],
    "etape": [stage_order_expression()],
    "montant": ["amount"],
    "pondere": ["weighted_amount"],
    "proba": ["probability"],
    "cloture": ["expected_close_date"],
    "action": ["next_action_date"],
}


def filter_opportunities(data: dict, today: dt.date | None = None):
    """Opportunities matching the list filters (`data` is a cleaned OpportunityFilterForm)."""
    today = today or timezone.localdate()
    opportunities = Opportunity.objects.all()
    query = (data.get("q") or "").strip()
    if query:
        opportunities = opportunities.filter(
            Q(title__icontains=query) | Q(contact__name__icontains=query) | Q(next_action__icontains=query)
        )
    stage = data.get("etape") or ""
    if stage == "ouvertes":
        opportunities = opportunities.exclude(stage__in=CLOSED_STAGES)
    elif stage in Stage.values:
        opportunities = opportunities.filter(stage=stage)
    if data.get("responsable"):
        opportunities = opportunities.filter(owner=data["responsable"])
    period = data.get("periode") or ""
    if period == "retard":
        opportunities = opportunities.exclude(stage__in=CLOSED_STAGES).filter(expected_close_date__lt=today)
    elif period == "mois":
        opportunities = opportunities.filter(
            expected_close_date__year=today.year, expected_close_date__month=today.month
        )
    elif period == "trimestre":
        first_month = 3 * ((today.month - 1) // 3) + 1
        start = dt.date(today.year, first_month, 1)
        end = dt.date(today.year + 1, 1, 1) if first_month == 10 else dt.date(today.year, first_month + 3, 1)
        opportunities = opportunities.filter(expected_close_date__gte=start, expected_close_date__lt=end)
    elif period == "annee":
        opportunities = opportunities.filter(expected_close_date__year=today.year)
    if data.get("du"):
        opportunities = opportunities.filter(expected_close_date__gte=data["du"])
    if data.get("au"):
        opportunities = opportunities.filter(expected_close_date__lte=data["au"])
    return opportunities


def with_list_relations(opportunities):
    return opportunities.select_related("contact", "owner")


EXPORT_COLUMNS = [
    Column("Intitulé", lambda o: o.title),
    Column("Contact", lambda o: o.contact.display_name),
    Column("Étape", lambda o: o.get_stage_display()),
    Column("Montant HT", lambda o: o.amount),
    Column("Probabilité %", lambda o: o.probability),
    Column("Montant pondéré", lambda o: o.weighted_amount),
    Column("Signature prévue", lambda o: o.expected_close_date),
    Column("Responsable", lambda o: o.owner.get_full_name() or o.owner.username),
    Column("Prochaine action", lambda o: o.next_action),
    Column("Date de l'action", lambda o: o.next_action_date),
    Column("Origine", lambda o: o.get_source_display()),
    Column("Raison de la perte", lambda o: o.get_lost_reason_display()),
    Column("Clôturée le", lambda o: o.closed_on),
    Column("Créée le", lambda o: o.created_at),
]


def export_rows(opportunities):
    return with_list_relations(opportunities).iterator(chunk_size=2000)


@dataclass
class KanbanColumn:
    stage: Stage
    cards: list = field(default_factory=list)
    count: int = 0
    total: Decimal = ZERO
    weighted: Decimal = ZERO

    @property
    def label(self) -> str:
        return self.stage.label

    @property
    def hidden(self) -> int:
        return self.count - len(self.cards)

    @property
    def closed(self) -> bool:
        return self.stage in CLOSED_STAGES


@dataclass(frozen=True)
class PipelineSummary:
    open_total: Decimal
    weighted_total: Decimal
    open_count: int
    won_total: Decimal
    won_count: int
    lost_count: int
    year: int

    @property
    def closed_count(self) -> int:
        return self.won_count + self.lost_count

    @property
    def conversion_rate(self) -> Decimal | None:
        """Share of the opportunities closed this year that were won (in count)."""
        closed = self.closed_count
        if not closed:
            return None
        return (Decimal(self.won_count) * 100 / closed).quantize(Decimal("0.1"))


def kanban(opportunities, today: dt.date | None = None) -> tuple[list[KanbanColumn], PipelineSummary]:
    """Columns of open stages (first cards, soonest closing first) and this year's won and lost,
    with their totals, from 2 aggregate queries and one query per column."""
    today = today or timezone.localdate()
    closed_this_year = Q(stage__in=CLOSED_STAGES, closed_on__year=today.year)
    scope = opportunities.filter(~Q(stage__in=CLOSED_STAGES) | closed_this_year)
    totals = {
        row["stage"]: row
        for row in scope.order_by()
        .values("stage")
        .annotate(count=Count("id"), total=Sum("amount"), weighted=Sum("weighted_amount"))
    }
    columns = []
    for stage in all_stages():
        row = totals.get(stage, {})
        column = KanbanColumn(stage, [], row.get("count", 0), row.get("total") or ZERO, row.get("weighted") or ZERO)
        if column.count:
            cards = with_list_relations(scope.filter(stage=stage))
            if column.closed:
                cards = cards.order_by("-closed_on", "-pk")[:CLOSED_CARDS]
            else:
                cards = cards.order_by(F("expected_close_date").asc(nulls_last=True), "pk")[:CARDS_PER_COLUMN]
            column.cards = list(cards)
        columns.append(column)
    open_columns = [c for c in columns if not c.closed]
    won = next(c for c in columns if c.stage == Stage.WON)
    lost = next(c for c in columns if c.stage == Stage.LOST)
    summary = PipelineSummary(
        open_total=sum((c.total for c in open_columns), ZERO),
        weighted_total=sum((c.weighted for c in open_columns), ZERO),
        open_count=sum(c.count for c in open_columns),
        won_total=won.total,
        won_count=won.count,
        lost_count=lost.count,
        year=today.year,
    )
    return columns, summary


def opportunity_detail(pk: int) -> Opportunity:
    return Opportunity.objects.select_related("contact", "owner").get(pk=pk)


def stage_history(opportunity: Opportunity):
    return StageChange.objects.filter(opportunity=opportunity).select_related("changed_by")


def open_stage_choices() -> list[tuple[str, str]]:
    return [(stage.value, stage.label) for stage in open_stages()]


# Tenders

TENDER_SORTS = {
    "objet": [french("title")],
    "acheteur": [french("buyer__name")],
    "remise": ["submission_deadline"],
    "montant": ["estimated_value"],
    "etat": ["status"],
}

TENDER_COLUMNS = [
    Column("Référence", lambda t: t.reference),
    Column("Objet", lambda t: t.title),
    Column("Acheteur", lambda t: t.buyer.display_name),
    Column("Procédure", lambda t: t.get_procedure_display()),
    Column("Publication", lambda t: t.published_on),
    Column("Questions jusqu'au", lambda t: t.questions_deadline),
    Column("Remise des offres", lambda t: t.submission_deadline),
    Column("Montant estimé HT", lambda t: t.estimated_value),
    Column("Décision", lambda t: t.get_decision_display()),
    Column("État", lambda t: t.get_status_display()),
    Column("Notre offre HT", lambda t: t.offer_amount),
    Column("Attributaire", lambda t: t.winner_name),
    Column("Prix retenu HT", lambda t: t.winning_price),
]


def filter_tenders(data: dict):
    tenders = Tender.objects.all()
    query = (data.get("q") or "").strip()
    if query:
        tenders = tenders.filter(
            Q(title__icontains=query) | Q(reference__icontains=query) | Q(buyer__name__icontains=query)
        )
    status = data.get("etat") or ""
    if status == "ouverts":
        tenders = tenders.filter(status__in=["veille", "preparation"])
    elif status:
        tenders = tenders.filter(status=status)
    return tenders


def with_tender_relations(tenders):
    return tenders.select_related("buyer", "owner")


def tender_detail(pk: int) -> Tender:
    return (
        Tender.objects.select_related("buyer", "owner", "opportunity")
        .prefetch_related("criteria", "documents__uploaded_by")
        .get(pk=pk)
    )


def tender_tasks(tender: Tender):
    return tender.tasks.select_related("assignee")


def tender_grid(tender: Tender):
    criteria = list(tender.criteria.all())
    return criteria, weighted_score([(c.weight, c.score) for c in criteria], tender.go_threshold)
