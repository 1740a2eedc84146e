from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilote.complaints import hooks, queries, services
from pilote.complaints.forms import AssignForm, CloseForm, ComplaintFilterForm, ComplaintForm, EntryForm, ReopenForm
from pilote.complaints.models import Complaint, EntryKind
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.core.params import to_int


def _filtered(request):
    form = ComplaintFilterForm(request.GET or None)
    data = filter_data(form)
    complaints = queries.filter_complaints(data)
    complaints = sort_queryset(complaints, request.GET.get("tri", ""), queries.SORTS, queries.DEFAULT_SORT)
    return form, data, complaints


def _period(data: dict) -> queries.Period:
    """The indicators' period: the filtered one, else the last 12 months."""
    default = queries.Period.last_months(12, data.get("au") or timezone.localdate())
    return queries.Period(data.get("du") or default.start, default.end)


@require_perm("complaints.view")
def complaint_list(request):
    form, data, complaints = _filtered(request)
    page = paginate(request, queries.with_list_relations(complaints))
    context = {"form": form, "page": page, "today": timezone.localdate()}
    if request.headers.get("HX-Request") == "true":
        return render(request, "complaints/_list_results.html", context)
    context["figures"] = queries.indicators(_period(data))
    return render(request, "complaints/list.html", context)


@require_perm("complaints.view")
def complaint_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, _, complaints = _filtered(request)
    return export_response(
        queries.export_rows(complaints), queries.EXPORT_COLUMNS, "reclamations", fmt, title="Réclamations"
    )


def _save(request, form, complaint=None):
    data = form.service_fields()
    try:
        if complaint is None:
            return services.record_complaint(actor=request.user, **data)
        return services.update_complaint(
            actor=request.user, complaint=complaint, expected_version=form.cleaned_data.get("version"), **data
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
    except DomainError as exc:
        form.add_error(None, exc.message)
    return None


def _initial(params) -> dict:
    """Pre-filled from a contact's page (?client=pk) or a sales document (?facture=… / ?commande=… numbers)."""
    from pilote.sales.models import Invoice, Order

    initial = {}
    if customer := to_int(params.get("client"), minimum=1):
        initial["customer"] = customer
    for key, model, field in (("commande", Order, "order_number"), ("facture", Invoice, "invoice_number")):
        document = model.objects.filter(number=params.get(key, "")[:20]).first() if params.get(key) else None
        if document is not None:
            initial.update({field: document.number, "customer": document.customer_id})
    return initial


@require_perm("complaints.edit")
def complaint_create(request):
    form = ComplaintForm(request.POST or None, initial=_initial(request.GET))
    if request.method == "POST" and form.is_valid():
        complaint = _save(request, form)
        if complaint:
            messages.success(request, f"La réclamation {complaint.reference} a été enregistrée.")
            return redirect("complaints:detail", pk=complaint.pk)
    return render(request, "complaints/form.html", {"form": form})


@require_perm("complaints.edit")
def complaint_edit(request, pk: int):
    complaint = get_object_or_404(Complaint, pk=pk)
    form = ComplaintForm(request.POST or None, instance=Complaint.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid() and _save(request, form, complaint):
        messages.success(request, "La réclamation a été enregistrée.")
        return redirect("complaints:detail", pk=pk)
    return render(request, "complaints/form.html", {"form": form, "complaint": complaint})


def _link(name: str, pk: int | None) -> str:
    """The sales page of a linked document, when that page exists."""
    if pk is None:
        return ""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _detail(request, complaint: Complaint, status: int = 200, **forms):
    context = {
        "complaint": complaint,
        "entries": queries.timeline(complaint),
        "overdue": complaint.is_overdue(timezone.localdate()),
        "order_url": _link("sales:order-detail", complaint.order_id),
        "invoice_url": _link("sales:invoice-detail", complaint.invoice_id),
        "entry_form": forms.get("entry_form") or EntryForm(),
        "assign_form": forms.get("assign_form") or AssignForm(initial={"assignee": complaint.assignee_id}),
        "close_form": forms.get("close_form") or CloseForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "panels": hooks.panels_for(request, complaint),
    }
    return render(request, "complaints/detail.html", context, status=status)


def _get(pk: int) -> Complaint:
    try:
        return queries.complaint_detail(pk)
    except Complaint.DoesNotExist as exc:
        raise Http404 from exc


@require_perm("complaints.view")
def complaint_detail(request, pk: int):
    return _detail(request, _get(pk))


def _action(request, pk: int, form_class, form_key: str, act, done: str):
    """Run a detail-page action: on success back to the page with a message, else the page with the errors."""
    complaint = _get(pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(complaint, form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, getattr(exc, "message", None) or " ".join(exc.messages))
        else:
            messages.success(request, done)
            return redirect("complaints:detail", pk=pk)
    return _detail(request, complaint, status=400, **{form_key: form})


@require_POST
@require_perm("complaints.edit")
def entry_create(request, pk: int):
    def act(complaint, data):
        if data["kind"] == EntryKind.NOTE:
            services.add_note(actor=request.user, complaint=complaint, text=data["text"], at=data.get("at"))
        else:
            services.answer_complaint(
                actor=request.user,
                complaint=complaint,
                text=data["text"],
                medium=data.get("medium") or "email",
                at=data.get("at"),
            )

    return _action(request, pk, EntryForm, "entry_form", act, "Le suivi a été ajouté.")


@require_POST
@require_perm("complaints.edit")
def complaint_assign(request, pk: int):
    def act(complaint, data):
        services.assign_complaint(actor=request.user, complaint=complaint, assignee=data["assignee"])

    return _action(request, pk, AssignForm, "assign_form", act, "La réclamation a été attribuée.")


@require_POST
@require_perm("complaints.edit")
def complaint_close(request, pk: int):
    def act(complaint, data):
        services.close_complaint(
            actor=request.user,
            complaint=complaint,
            resolution=data["resolution"],
            root_cause=data["root_cause"],
            closed_on=data.get("closed_on"),
        )

    return _action(request, pk, CloseForm, "close_form", act, "La réclamation est close.")


@require_POST
@require_perm("complaints.edit")
def complaint_reopen(request, pk: int):
    def act(complaint, data):
        services.reopen_complaint(actor=request.user, complaint=complaint, reason=data["reason"])

    return _action(request, pk, ReopenForm, "reopen_form", act, "La réclamation est rouverte.")
