"""The communication plan, the mailings (segment, sending in a background job with its progress, recipients,
bounces), the consents, and the public unsubscribe page (a signed token, no account)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core import jobs
from pilote.core.access import public, require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, Column, export_response, paginate
from pilote.office.forms import CommActionForm, ConsentForm, MailingForm
from pilote.office.models import CommAction, Mailing, MailingRecipient
from pilote.office.queries import communication as queries
from pilote.office.queries.bookings import person
from pilote.office.services import communication as services
from pilote.office.views.bookings import message_of

ACTION_COLUMNS = [
    Column("Action", lambda a: a.title), Column("Cible", lambda a: a.target),
    Column("Canal", lambda a: a.get_channel_display()), Column("Début", lambda a: a.starts_on),
    Column("Fin", lambda a: a.ends_on), Column("Budget", lambda a: a.budget),
    Column("Coût réel", lambda a: a.actual_cost), Column("Responsable", lambda a: person(a.owner)),
    Column("Résultats", lambda a: a.results),
]  # fmt: skip


def _actions(request):
    return queries.actions(channel=request.GET.get("canal") or "", sort=request.GET.get("tri", ""))


@require_perm("office.meetings.view")
def action_list(request):
    from pilote.office.models_communication import Channel

    actions = _actions(request)
    totals = {"budget": sum((a.budget for a in actions), start=0),
              "cost": sum((a.actual_cost or 0 for a in actions), start=0)}  # fmt: skip
    return render(request, "office/comm_action_list.html", {"page": paginate(request, actions), "totals": totals,
                                                            "channels": Channel.choices})  # fmt: skip


@require_perm("office.meetings.view")
def action_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    return export_response(_actions(request), ACTION_COLUMNS, "plan-de-communication", fmt,
                           title="Plan de communication")  # fmt: skip


@require_perm("office.meetings.edit")
def action_edit(request, pk: int | None = None):
    action = get_object_or_404(CommAction, pk=pk) if pk else None
    initial = {"owner": request.user}
    if action:
        initial = queries.action_initial(action)
    form = CommActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_action(actor=request.user, action=action, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, "Action enregistrée.")
            return redirect("office:comm-action-list")
    return render(request, "office/comm_action_form.html", {"form": form, "action": action})


@require_perm("office.meetings.view")
def mailing_list(request):
    mailings = Mailing.objects.select_related("created_by", "action")
    return render(request, "office/mailing_list.html", {"page": paginate(request, mailings)})


@require_perm("office.meetings.edit")
def mailing_create(request):
    form = MailingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("template", None)
        try:
            mailing = services.create_mailing(actor=request.user, **data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, message_of(exc))
        else:
            return redirect("office:mailing-detail", pk=mailing.pk)
    return render(request, "office/mailing_form.html", {"form": form})


@require_perm("office.meetings.view")
def mailing_detail(request, pk: int):
    mailing = get_object_or_404(Mailing.objects.select_related("job", "action", "segment_tag"), pk=pk)
    done, total = jobs.progress_of(mailing.job) if mailing.job else (0, 0)
    context = {
        "mailing": mailing, "done": done, "total": total,
        "audience": services.audience(mailing) if mailing.status == "draft" else None,
        "recipients": paginate(request, mailing.recipients.order_by("email"), per_page=100),
        "editable": request.user.can("office.meetings.edit"),
    }  # fmt: skip
    template = "office/_mailing_progress.html" if request.headers.get("HX-Request") == "true" else None
    return render(request, template or "office/mailing_detail.html", context)


@require_POST
@require_perm("office.meetings.edit")
def mailing_send(request, pk: int):
    mailing = get_object_or_404(Mailing, pk=pk)
    try:
        services.start_sending(actor=request.user, mailing=mailing, base_url=request.build_absolute_uri("/"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Envoi lancé : les courriels partent par lots.")
    return redirect("office:mailing-detail", pk=pk)


@require_POST
@require_perm("office.meetings.edit")
def recipient_bounce(request, pk: int):
    recipient = get_object_or_404(MailingRecipient, pk=pk)
    services.record_bounce(actor=request.user, recipient=recipient)
    messages.success(request, f"{recipient.email} : adresse en erreur, exclue des prochains envois.")
    return redirect("office:mailing-detail", pk=recipient.mailing_id)


@require_perm("office.meetings.view")
def consent_list(request):
    consents = queries.consents()
    form = ConsentForm(request.POST or None) if request.user.can("office.meetings.edit") else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.record_consent(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Consentement enregistré.")
                return redirect("office:consent-list")
    return render(request, "office/consent_list.html", {"page": paginate(request, consents), "form": form})


@public
def unsubscribe(request, token: str):
    """Without an account: the link of a mailing; GET asks, POST unsubscribes (a link checker that opens the
    page unsubscribes nobody)."""
    email = services.email_of_token(token)
    done = False
    if email and request.method == "POST":
        services.unsubscribe(token=token)
        done = True
    return render(request, "office/unsubscribe.html", {"email": email, "done": done})


STAKEHOLDER_COLUMNS = [
    Column("Partie prenante", lambda s: str(s.contact)), Column("Catégorie", lambda s: s.get_kind_display()),
    Column("Pouvoir", lambda s: s.power), Column("Intérêt", lambda s: s.interest),
    Column("Stratégie", lambda s: s.quadrant), Column("Responsable", lambda s: person(s.owner)),
    Column("Dernier échange", lambda s: s.last_exchange.date() if s.last_exchange else None),
    Column("Enjeux", lambda s: s.notes),
]  # fmt: skip


def _stakeholders(request):
    return queries.stakeholders(kind=request.GET.get("categorie") or "", sort=request.GET.get("tri", ""))


@require_perm("office.meetings.view")
def stakeholder_map(request):
    from pilote.office import stakeholder_map as svg
    from pilote.office.forms import StakeholderForm
    from pilote.office.models_communication import StakeholderKind

    form = StakeholderForm(request.POST or None) if request.user.can("office.meetings.edit") else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.place_stakeholder(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Partie prenante placée sur la carte.")
                return redirect("office:stakeholder-map")
    stakeholders = list(_stakeholders(request))
    context = {"stakeholders": stakeholders, "svg": svg.render(stakeholders), "form": form,
               "kinds": StakeholderKind.choices}  # fmt: skip
    return render(request, "office/stakeholder_map.html", context)


@require_perm("office.meetings.view")
def stakeholder_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    return export_response(_stakeholders(request), STAKEHOLDER_COLUMNS, "parties-prenantes", fmt,
                           title="Parties prenantes")  # fmt: skip
