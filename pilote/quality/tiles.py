"""The quality indicators on the dashboards (core.registry.register_kpi, like finance's tiles): the complaints
rate and their answer time, non-conformities open and overdue, the completion of the quality actions, the last
survey's NPS, the DUERP's prevention actions done. Direction sets their thresholds on /tableau-de-bord/seuils/.
Each tile reads in one or two aggregate queries."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, Value
from django.urls import reverse

from pilote.core.registry import KpiProvider, KpiTile, register_kpi
from pilote.lib.formats import format_number
from pilote.quality.models import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    CapaAction,
    NcStatus,
    NonConformity,
    PreventionAction,
    RiskAction,
    SurveyStatus,
)

SECTION = "Qualité"


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _shown(value: Decimal | None, unit: str) -> str:
    return "—" if value is None else f"{format_number(value, 1 if value % 1 else 0)}\u202f{unit}".strip()


def _complaints(ctx):
    from pilote.complaints.queries import Period, indicators

    return ctx.shared(
        "quality.complaints", lambda: indicators(Period.last_months(12, ctx.today), ctx.today, breakdown=False)
    )


def complaints_rate(ctx) -> KpiTile | None:
    """Complaints received over 12 months per 100 invoices issued in the same months."""
    from pilote.sales.models import Invoice, InvoiceKind, InvoiceStatus

    figures = _complaints(ctx)
    invoices = Invoice.objects.filter(kind=InvoiceKind.INVOICE, status=InvoiceStatus.ISSUED,
                                      date__gte=figures.period.start, date__lte=figures.period.end).count()  # fmt: skip
    rate = _percent(figures.received, invoices)
    note = f"{figures.received} réclamation(s) pour {invoices} facture(s) sur 12 mois"
    return KpiTile(rate, _shown(rate, "%"), reverse("complaints:list"), note=note)


def complaints_answer(ctx) -> KpiTile | None:
    figures = _complaints(ctx)
    days = figures.avg_days_to_answer
    rate = figures.answered_in_time_rate
    note = f"répondues dans le délai : {_shown(rate, '%')} ; {figures.overdue} en attente hors délai"
    return KpiTile(days, _shown(days, "j"), reverse("complaints:list"), note=note)


def nc_open(ctx) -> KpiTile | None:
    late = CapaAction.objects.filter(nonconformity=OuterRef("pk"), status__in=OPEN_ACTION_STATUSES,
                                     due_on__lt=ctx.today)  # fmt: skip
    figures = NonConformity.objects.exclude(status=NcStatus.CLOSED).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(Exists(late)))
    )
    note = f"dont {figures['overdue']} avec une action en retard"
    return KpiTile(Decimal(figures["open"]), str(figures["open"]), reverse("quality:nc-list") + "?etape=ouvertes",
                   note=note)  # fmt: skip


def _prevention(ctx) -> dict[str, int]:
    """The DUERP's prevention actions not given up — all of them, and those due by today — in one read shared by
    the two tiles that count them."""

    def read():
        by_today = Q(due_on__lte=ctx.today)
        done, late = Q(status=ActionStatus.DONE), Q(status__in=OPEN_ACTION_STATUSES, due_on__lt=ctx.today)
        return PreventionAction.objects.exclude(status=ActionStatus.CANCELLED).aggregate(
            total=Count("pk"), done=Count("pk", filter=done), late=Count("pk", filter=late),
            due_by_today=Count("pk", filter=by_today), done_by_today=Count("pk", filter=by_today & done),
        )  # fmt: skip

    return ctx.shared("quality.prevention", read)


def actions_done(ctx) -> KpiTile | None:
    """Of the quality actions (CAPA, risk treatment, prevention) due by today and not given up, the share done."""
    prevention = _prevention(ctx)
    done, due, late = prevention["done_by_today"], prevention["due_by_today"], prevention["late"]
    counts = [
        model.objects.filter(due_on__lte=ctx.today).exclude(status=ActionStatus.CANCELLED)
        .annotate(one=Value(1)).values("one").order_by()
        .annotate(due=Count("pk"), done=Count("pk", filter=Q(status=ActionStatus.DONE)),
                  late=Count("pk", filter=Q(status__in=OPEN_ACTION_STATUSES, due_on__lt=ctx.today)))
        .values_list("due", "done", "late")
        for model in (CapaAction, RiskAction)
    ]  # fmt: skip
    for row_due, row_done, row_late in counts[0].union(counts[1], all=True):  # one query for both kinds
        done, due, late = done + row_done, due + row_due, late + row_late
    rate = _percent(done, due)
    note = f"{done} faite(s) sur {due} arrivée(s) à échéance ; {late} en retard"
    return KpiTile(rate, _shown(rate, "%"), reverse("quality:nc-list"), note=note)


def survey_nps(ctx) -> KpiTile | None:
    from pilote.quality import surveys
    from pilote.quality.models import QuestionKind, Survey, SurveyAnswer

    survey = (
        Survey.objects.filter(status__in=[SurveyStatus.OPEN, SurveyStatus.CLOSED], responses__isnull=False)
        .order_by("-opened_on", "-pk")
        .first()
    )
    if survey is None:
        return KpiTile(None, "—", reverse("quality:survey-list"), note="aucune enquête avec des réponses")
    scores = list(
        SurveyAnswer.objects.filter(
            response__survey=survey, question__kind=QuestionKind.NPS, number__isnull=False
        ).values_list("number", flat=True)
    )
    value = surveys.nps(scores)
    shown = "—" if value is None else f"{'+' if value > 0 else ''}{value}"
    return KpiTile(value, shown, reverse("quality:survey-results", args=[survey.pk]),
                   note=f"{survey.title} ({len(scores)} réponse(s))")  # fmt: skip


def duerp_actions(ctx) -> KpiTile | None:
    figures = _prevention(ctx)
    rate = _percent(figures["done"], figures["total"])
    note = f"{figures['done']} sur {figures['total']} ; {figures['late']} en retard"
    return KpiTile(rate, _shown(rate, "%"), reverse("quality:action-plan"), note=note)


def register() -> None:
    for key, label, perm, order, compute, unit, below in (
        ("qualite_taux_reclamations", "Taux de réclamations (pour 100 factures)", "complaints.view", 1,
         complaints_rate, "%", False),
        ("qualite_delai_reponse", "Délai moyen de réponse aux réclamations", "complaints.view", 2,
         complaints_answer, "j", False),
        ("qualite_nc_ouvertes", "Non-conformités ouvertes", "quality.nc.view", 3, nc_open, "", False),
        ("qualite_actions_realisees", "Actions qualité réalisées à échéance", "quality.nc.view", 4, actions_done,
         "%", True),
        ("qualite_nps", "Recommandation clients (NPS)", "quality.surveys.view", 5, survey_nps, "", True),
        ("qualite_actions_duerp", "Actions de prévention du DUERP réalisées", "quality.duerp.edit", 6,
         duerp_actions, "%", True),
    ):  # fmt: skip
        register_kpi(KpiProvider(key, label, perm, 300 + order, compute, section=SECTION, unit=unit,
                                 alert_below=below))  # fmt: skip
