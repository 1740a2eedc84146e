from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pilote.core import throttle
from pilote.core.access import public, require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.quality.forms import SurveyFilterForm, SurveyForm, SurveyInviteForm, SurveyQuestionForm, answer_form
from pilote.quality.models import Survey, SurveyStatus
from pilote.quality.queries import surveys as queries
from pilote.quality.services import surveys as services

# The public page: each address may open or post at most this many times an hour (a respondent needs two).
PUBLIC_LIMIT = throttle.Limit("survey.answer.ip", count=60, window=timedelta(hours=1))


def _message(exc) -> str:
    return getattr(exc, "message", None) or " ".join(exc.messages)


def _filtered(request):
    form = SurveyFilterForm(request.GET or None)
    data = filter_data(form)
    items = sort_queryset(queries.filter_surveys(data), request.GET.get("tri", ""), queries.SORTS, queries.DEFAULT_SORT)
    return form, items


@require_perm("quality.surveys.view")
def survey_list(request):
    form, items = _filtered(request)
    page = paginate(request, queries.with_list_relations(items))
    return render(request, "quality/survey_list.html", {"form": form, "page": page})


@require_perm("quality.surveys.view")
def survey_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, items = _filtered(request)
    return export_response(queries.export_rows(items), queries.EXPORT_COLUMNS, "enquetes", fmt,
                           title="Enquêtes de satisfaction")  # fmt: skip


@require_perm("quality.surveys.edit")
def survey_create(request):
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.create_survey(actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, "L'enquête est créée : ajoutez ses questions.")
            return redirect("quality:survey-detail", pk=survey.pk)
    return render(request, "quality/survey_form.html", {"form": form})


def _get(pk: int) -> Survey:
    try:
        return Survey.objects.get(pk=pk)
    except Survey.DoesNotExist as exc:
        raise Http404 from exc


def _detail(request, survey, status=200, question_form=None, error=""):
    context = {
        "survey": survey, "questions": survey.questions.order_by("position", "pk"),
        "question_form": question_form or SurveyQuestionForm(), "links": queries.invitations_summary(survey),
        "responses": survey.responses.count(), "error": error,
    }  # fmt: skip
    return render(request, "quality/survey_detail.html", context, status=status)


@require_perm("quality.surveys.view")
def survey_detail(request, pk: int):
    return _detail(request, _get(pk))


@require_POST
@require_perm("quality.surveys.edit")
def question_add(request, pk: int):
    survey = _get(pk)
    form = SurveyQuestionForm(request.POST)
    if form.is_valid():
        try:
            services.add_question(actor=request.user, survey=survey, **form.service_fields())
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, "La question est ajoutée.")
            return redirect("quality:survey-detail", pk=pk)
    return _detail(request, survey, status=400, question_form=form)


@require_POST
@require_perm("quality.surveys.edit")
def survey_step(request, pk: int):
    survey = _get(pk)
    step = {"ouvrir": services.open_survey, "clore": services.close_survey}.get(request.POST.get("etape"))
    if step is None:
        messages.error(request, "Étape inconnue : rien n'a été modifié.")
        return redirect("quality:survey-detail", pk=pk)
    try:
        step(actor=request.user, survey=survey)
    except (DomainError, ValidationError) as exc:
        return _detail(request, survey, status=409, error=_message(exc))
    messages.success(
        request, "L'enquête est ouverte." if survey.status == SurveyStatus.DRAFT else "L'enquête est close."
    )
    return redirect("quality:survey-detail", pk=pk)


@require_perm("quality.surveys.edit")
def survey_invite(request, pk: int):
    """Send links to chosen contacts by e-mail and make links to hand over; the new links are shown once."""
    survey = _get(pk)
    form = SurveyInviteForm(request.POST or None)
    links = []
    if request.method == "POST" and form.is_valid():
        try:
            links = services.invite(actor=request.user, survey=survey, contacts=form.contacts(),
                                    links=form.cleaned_data.get("links") or 0, message=form.cleaned_data["message"],
                                    base_url=request.build_absolute_uri("/"))  # fmt: skip
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            sent = sum(1 for link in links if link.invitation.sent_at)
            messages.success(
                request, f"{sent} invitation(s) envoyée(s) par e-mail, {len(links) - sent} lien(s) à remettre."
            )
            form = SurveyInviteForm()
    return render(request, "quality/survey_invite.html", {"survey": survey, "form": form, "links": links})


@require_perm("quality.surveys.view")
def survey_results(request, pk: int):
    survey = _get(pk)
    return render(request, "quality/survey_results.html", {"survey": survey, **queries.results(survey)})


@require_perm("quality.surveys.view")
def responses_export(request, pk: int, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    survey = _get(pk)
    return export_response(queries.response_rows(survey), queries.response_columns(survey), f"reponses-enquete-{pk}",
                           fmt, title=f"Réponses — {survey.title}")  # fmt: skip


@public
def survey_answer(request, token: str):
    """The respondent's page: no account, the token is the key; one answer per link; a forged or used link and
    too many tries are refused in French. The form carries Django's CSRF token like every other."""
    if not throttle.allow(PUBLIC_LIMIT, throttle.client_ip(request)):
        return _refused(request, "Trop de tentatives depuis votre connexion : réessayez dans une heure.", 429)
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return _refused(request, "Ce lien d'enquête n'est pas valide. Vérifiez qu'il est complet dans votre e-mail.",
                        404)  # fmt: skip
    survey = invitation.survey
    if invitation.answered_at is not None:
        return _refused(request, "Vous avez déjà répondu à cette enquête avec ce lien : merci !", 410)
    if survey.status != SurveyStatus.OPEN:
        return _refused(request, "Cette enquête est close : elle ne reçoit plus de réponses. Merci de votre intérêt.",
                        410)  # fmt: skip
    questions = list(survey.questions.order_by("position", "pk"))
    form = answer_form(questions)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {q.pk: form.cleaned_data.get(f"q{q.pk}") for q in questions}
        try:
            services.submit(invitation=invitation, values=values)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            return render(request, "quality/survey_public_done.html", {"survey": survey})
    return render(request, "quality/survey_public.html", {"survey": survey, "form": form},
                  status=400 if form.errors else 200)  # fmt: skip


def _refused(request, text: str, status: int):
    return render(request, "quality/survey_public_done.html", {"refused": text}, status=status)
