"""Members and dues: lists (filters, sorting, exports), enrolment, leaving, calling and receiving dues, the
members' register as of a date and the general assembly's list with its quorum."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilote.associations.access import for_associations
from pilote.associations.forms import (
    CallDuesForm,
    DateForm,
    DueFilterForm,
    LeaveForm,
    MemberFilterForm,
    MemberForm,
    MembershipTypeForm,
    ReceiveDueForm,
)
from pilote.associations.models import Due, Member, MembershipType
from pilote.associations.queries import members as queries
from pilote.associations.services import members as services
from pilote.associations.services import receipts as receipt_services
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, Column, export_response, filter_data, paginate, sort_queryset


def _members(request):
    form = MemberFilterForm(request.GET or None)
    data = filter_data(form)
    members = queries.filter_members(data, timezone.localdate())
    return form, sort_queryset(members, request.GET.get("tri", ""), queries.MEMBER_SORTS, queries.MEMBER_DEFAULT_SORT)


@require_perm("associations.view")
@for_associations
def member_list(request):
    form, members = _members(request)
    context = {"form": form, "page": paginate(request, queries.with_list_relations(members)),
               "year": timezone.localdate().year}  # fmt: skip
    if request.headers.get("HX-Request") == "true":
        return render(request, "associations/_member_results.html", context)
    return render(request, "associations/member_list.html", context)


@require_perm("associations.view")
@for_associations
def member_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, members = _members(request)
    rows = queries.with_list_relations(members).iterator(chunk_size=500)
    return export_response(rows, queries.MEMBER_COLUMNS, "adherents", fmt, title="Adhérents")


@require_perm("associations.edit")
@for_associations
def member_create(request):
    form = MemberForm(request.POST or None, initial={"joined_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.admit(actor=request.user, **data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{member.contact.display_name} est adhérent(e) n° {member.number}.")
            return redirect("associations:member-list")
    return render(request, "associations/member_form.html", {"form": form})


@require_perm("associations.edit")
@for_associations
def member_leave(request, pk: int):
    member = get_object_or_404(Member.objects.select_related("contact"), pk=pk)
    form = LeaveForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_leaving(actor=request.user, member=member, left_on=form.cleaned_data["left_on"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"La sortie de {member.contact.display_name} est enregistrée.")
            return redirect("associations:member-list")
    return render(request, "associations/member_leave.html", {"form": form, "member": member})


@require_perm("associations.view")
@for_associations
def membership_types(request):
    kinds = MembershipType.objects.order_by("name")[:200]
    return render(request, "associations/membership_types.html", {"form": MembershipTypeForm(), "kinds": kinds})


@require_perm("associations.edit")
@for_associations
def membership_type_create(request):
    form = MembershipTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_membership_type(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Le type d'adhésion est créé.")
            return redirect("associations:membership-types")
    kinds = MembershipType.objects.order_by("name")[:200]
    return render(request, "associations/membership_types.html", {"form": form, "kinds": kinds})


def _dues(request):
    form = DueFilterForm(request.GET or None)
    data = filter_data(form)
    return form, sort_queryset(queries.filter_dues(data), request.GET.get("tri", ""), queries.DUE_SORTS,
                               queries.DUE_DEFAULT_SORT)  # fmt: skip


@require_perm("associations.view")
@for_associations
def due_list(request):
    form, dues = _dues(request)
    today = timezone.localdate()
    context = {
        "form": form,
        "page": paginate(request, queries.due_relations(dues)),
        "call_form": CallDuesForm(initial={"year": today.year, "called_on": today}),
        "receive_form": ReceiveDueForm(initial={"paid_on": today}),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "associations/_due_results.html", context)
    return render(request, "associations/due_list.html", context)


@require_perm("associations.view")
@for_associations
def due_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, dues = _dues(request)
    rows = queries.due_relations(dues).iterator(chunk_size=500)
    return export_response(rows, queries.DUE_COLUMNS, "cotisations", fmt, title="Cotisations")


@require_POST
@require_perm("associations.edit")
@for_associations
def dues_call(request):
    form = CallDuesForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez l'année et la date de l'appel.")
        return redirect("associations:dues")
    try:
        called = services.call_dues(actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{len(called)} cotisation(s) {form.cleaned_data['year']} appelée(s).")
    return redirect("associations:dues")


@require_POST
@require_perm("associations.edit")
@for_associations
def due_receive(request, pk: int):
    due = get_object_or_404(Due, pk=pk)
    form = ReceiveDueForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez la date et le mode de paiement.")
        return redirect("associations:dues")
    try:
        services.receive_due(actor=request.user, due=due, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "La cotisation est encaissée et comptabilisée.")
    return redirect("associations:dues")


def _day(request):
    form = DateForm(request.GET or None)
    day = form.cleaned_data.get("date") if form.is_valid() else None
    return form, day or timezone.localdate()


REGISTER_COLUMNS = [
    Column("N°", lambda m: m.number),
    Column("Nom", lambda m: m.contact.list_name),
    Column("Adresse", lambda m: ", ".join(m.contact.address_lines)),
    Column("Type d'adhésion", lambda m: m.membership_type.name),
    Column("Adhésion", lambda m: m.joined_on),
    Column("Cotisation de l'année", lambda m: "à jour" if m.up_to_date else "non payée"),
]


@require_perm("associations.view")
@for_associations
def member_register(request):
    form, day = _day(request)
    members = queries.register(day)
    return render(request, "associations/register.html",
                  {"form": form, "day": day, "page": paginate(request, members, per_page=100)})  # fmt: skip


@require_perm("associations.view")
@for_associations
def member_register_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, day = _day(request)
    return export_response(queries.register(day).iterator(chunk_size=500), REGISTER_COLUMNS, "registre-adherents",
                           fmt, title="Registre des adhérents", subtitle=f"au {day:%d/%m/%Y}")  # fmt: skip


@require_perm("associations.view")
@for_associations
def assembly(request):
    form, day = _day(request)
    context = {"form": form, "day": day,
               **queries.assembly(day, receipt_services.settings_row().quorum_percent)}  # fmt: skip
    return render(request, "associations/assembly.html", context)


@require_perm("associations.view")
@for_associations
def assembly_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, day = _day(request)
    voters = queries.assembly(day, receipt_services.settings_row().quorum_percent)["voters"]
    columns = [*REGISTER_COLUMNS[:4], Column("Signature", lambda m: "")]
    return export_response(voters, columns, "assemblee-generale", fmt, title="Feuille de présence",
                           subtitle=f"Adhérents à jour au {day:%d/%m/%Y}")  # fmt: skip
