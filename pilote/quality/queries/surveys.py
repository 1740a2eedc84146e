"""Reads on surveys: the list (filters, sorts, exports), the results of one survey — per question its
distribution (SVG bars drawn by the template, CSS classes only), its average or NPS, the comments — and the
export of its responses, one row per respondent. Bounded query counts."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Count, Q

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.quality import surveys
from pilote.quality.models import SCALES, QuestionKind, Survey, SurveyAnswer, SurveyResponse

SORTS = {"creee": ["created_at"], "intitule": [french("title")], "statut": ["status"], "public": ["audience"]}
DEFAULT_SORT = "-creee"


def filter_surveys(data: dict):
    items = Survey.objects.all()
    for key, field in (("statut", "status"), ("public", "audience")):
        if data.get(key):
            items = items.filter(**{field: data[key]})
    if q := (data.get("q") or "").strip():
        items = items.filter(title__icontains=q)
    return items


def with_list_relations(items):
    return items.annotate(
        n_questions=Count("questions", distinct=True),
        n_invitations=Count("invitations", distinct=True),
        n_responses=Count("responses", distinct=True),
    )


EXPORT_COLUMNS = [
    Column("Intitulé", lambda s: s.title),
    Column("Public", lambda s: s.get_audience_display()),
    Column("Statut", lambda s: s.get_status_display()),
    Column("Ouverte le", lambda s: s.opened_on),
    Column("Close le", lambda s: s.closed_on),
    Column("Questions", lambda s: s.n_questions),
    Column("Liens", lambda s: s.n_invitations),
    Column("Réponses", lambda s: s.n_responses),
]


def export_rows(items):
    return with_list_relations(items)


def results(survey: Survey) -> dict:
    """Each question's figures, from one read of the answers (three queries whatever the number of answers)."""
    questions = list(survey.questions.order_by("position", "pk"))
    by_question = defaultdict(list)
    for answer in SurveyAnswer.objects.filter(response__survey=survey).order_by("response__submitted_at", "pk"):
        by_question[answer.question_id].append(answer)
    rows = []
    for question in questions:
        answers = by_question.get(question.pk, [])
        row = {"question": question, "count": len(answers)}
        if question.kind in SCALES:
            scores = [a.number for a in answers if a.number is not None]
            low, high = SCALES[question.kind]
            labels = [str(n) for n in range(low, high + 1)]
            row["bars"] = surveys.bars(labels, Counter(str(s) for s in scores), len(scores))
            row["average"] = surveys.average(scores)
            if question.kind == QuestionKind.NPS:
                row["nps"] = surveys.nps(scores)
                row["split"] = surveys.nps_split(scores)
        elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            counts = Counter(choice for a in answers for choice in a.selected)
            row["bars"] = surveys.bars(list(question.choices), counts, len(answers))
        else:
            row["comments"] = [a.text for a in answers if a.text]
        rows.append(row)
    nps_scores = [a.number for q in questions if q.kind == QuestionKind.NPS for a in by_question.get(q.pk, [])]
    return {"rows": rows, "responses": survey.responses.count(), "nps": surveys.nps(nps_scores)}


def invitations_summary(survey: Survey) -> dict:
    return survey.invitations.aggregate(
        total=Count("pk"), sent=Count("pk", filter=Q(sent_at__isnull=False)),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
    )  # fmt: skip


def _value(answer: SurveyAnswer | None):
    if answer is None:
        return ""
    if answer.number is not None:
        return answer.number
    if answer.selected:
        return ", ".join(answer.selected)
    return answer.text


def response_columns(survey: Survey) -> list[Column]:
    columns = [Column("Reçue le", lambda r: r.submitted_at), Column("Destinataire", lambda r: r.invitation.label)]
    for question in survey.questions.order_by("position", "pk"):
        columns.append(Column(question.text, lambda r, pk=question.pk: _value(r.by_question.get(pk))))
    return columns


def response_rows(survey: Survey):
    """The responses with their answers by question, read in chunks (two queries per 500 responses)."""
    responses = SurveyResponse.objects.filter(survey=survey).select_related("invitation").order_by("submitted_at", "pk")
    for response in responses.prefetch_related("answers").iterator(chunk_size=500):
        response.by_question = {a.question_id: a for a in response.answers.all()}
        yield response
