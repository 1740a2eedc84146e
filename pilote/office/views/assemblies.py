"""General assemblies' pages: the list, a new assembly, an assembly (its roll with presence and proxies, the
quorum, the resolutions and their votes, the minutes), the convocation and the minutes' PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.core.params import to_int
from pilote.core.pdf import pdf_file_response
from pilote.core.registry import member_sources
from pilote.office import documents
from pilote.office.forms import (
    AssemblyFilterForm,
    AssemblyForm,
    AssemblyMemberForm,
    AssemblyMinutesForm,
    ResolutionForm,
    VoteForm,
    aware,
)
from pilote.office.models import Assembly, AssemblyMember, Resolution
from pilote.office.models_assemblies import Presence
from pilote.office.queries import assemblies as queries
from pilote.office.services import assemblies as services
from pilote.office.views.bookings import message_of


def _assemblies(request):
    form = AssemblyFilterForm(request.GET or None)
    data = filter_data(form)
    return form, sort_queryset(queries.filter_assemblies(data), request.GET.get("tri", ""), queries.SORTS,
                               queries.DEFAULT_SORT)  # fmt: skip


@require_perm("office.meetings.view")
def assembly_list(request):
    form, assemblies = _assemblies(request)
    return render(request, "office/assembly_list.html", {"form": form, "page": paginate(request, assemblies)})


@require_perm("office.meetings.view")
def assembly_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, assemblies = _assemblies(request)
    return export_response(assemblies, queries.EXPORT_COLUMNS, "assemblees", fmt, title="Assemblées")


@require_perm("office.meetings.edit")
def assembly_create(request):
    sources = [(s.key, s.label) for s in member_sources()]
    form = AssemblyForm(request.POST or None, sources=sources)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        starts_at = aware(data.pop("day"), data.pop("start"))
        try:
            assembly = services.create_assembly(actor=request.user, starts_at=starts_at, **data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, f"Assemblée créée avec {assembly.members.count()} membre(s) convoqué(s).")
            return redirect("office:assembly-detail", pk=assembly.pk)
    return render(request, "office/assembly_form.html", {"form": form})


@require_perm("office.meetings.view")
def assembly_detail(request, pk: int):
    assembly = get_object_or_404(Assembly, pk=pk)
    members = list(assembly.members.select_related("proxy_holder"))
    held = {}
    for member in members:
        if member.proxy_holder_id:
            held.setdefault(member.proxy_holder_id, []).append(member.name)
    for member in members:
        member.held = held.get(member.pk, [])
    context = {
        "assembly": assembly, "members": members, "quorum": services.quorum(assembly),
        "present": [m for m in members if m.presence == Presence.PRESENT],
        "presences": Presence.choices, "resolutions": list(assembly.resolutions.all()),
        "member_form": AssemblyMemberForm(), "resolution_form": ResolutionForm(), "vote_form": VoteForm(),
        "minutes_form": AssemblyMinutesForm(initial={"chair": assembly.chair, "secretary": assembly.secretary,
                                                     "notes": assembly.notes}),
        "editable": request.user.can("office.meetings.edit"),
    }  # fmt: skip
    return render(request, "office/assembly_detail.html", context)


def _act(request, pk, act, done):
    try:
        act()
    except (DomainError, ValidationError) as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, done)
    return redirect("office:assembly-detail", pk=pk)


def _submit(request, assembly_pk: int, form_class, service, done: str, **target):
    """The one way the assembly page's forms are handled: the posted form checked (its errors as one French
    message), the service called with the actor, `target` (the assembly, the resolution…) and the form's data,
    the outcome as a message, back to the assembly."""

    def act():
        form = form_class(request.POST)
        if not form.is_valid():
            raise DomainError(" ".join(e for errors in form.errors.values() for e in errors))
        service(actor=request.user, **target, **form.cleaned_data)

    return _act(request, assembly_pk, act, done)


@require_POST
@require_perm("office.meetings.edit")
def assembly_member_add(request, pk: int):
    assembly = get_object_or_404(Assembly, pk=pk)
    return _submit(request, pk, AssemblyMemberForm, services.add_member, "Membre ajouté.", assembly=assembly)


@require_POST
@require_perm("office.meetings.edit")
def assembly_presence(request, pk: int):
    member = get_object_or_404(AssemblyMember, pk=pk)
    holder_pk = to_int(request.POST.get("pouvoir"))
    holder = AssemblyMember.objects.filter(pk=holder_pk, assembly=member.assembly_id).first() if holder_pk else None
    presence = request.POST.get("presence", "")
    return _act(request, member.assembly_id,
                lambda: services.set_presence(actor=request.user, member=member, presence=presence,
                                              proxy_holder=holder),
                f"Présence de {member.name} enregistrée.")  # fmt: skip


@require_POST
@require_perm("office.meetings.edit")
def assembly_resolution_add(request, pk: int):
    assembly = get_object_or_404(Assembly, pk=pk)
    return _submit(request, pk, ResolutionForm, services.add_resolution, "Résolution ajoutée.", assembly=assembly)


@require_POST
@require_perm("office.meetings.edit")
def resolution_vote(request, pk: int):
    resolution = get_object_or_404(Resolution, pk=pk)
    return _submit(request, resolution.assembly_id, VoteForm, services.record_vote,
                   f"Vote de la résolution {resolution.number} enregistré.", resolution=resolution)  # fmt: skip


@require_POST
@require_perm("office.meetings.edit")
def assembly_minutes(request, pk: int):
    assembly = get_object_or_404(Assembly, pk=pk)
    return _submit(request, pk, AssemblyMinutesForm, services.record_minutes, "Procès-verbal enregistré.",
                   assembly=assembly)  # fmt: skip


@require_POST
@require_perm("office.meetings.edit")
def assembly_convene(request, pk: int):
    assembly = get_object_or_404(Assembly, pk=pk)

    def send():
        count = services.convene(actor=request.user, assembly=assembly)
        messages.info(request, f"{count} convocation(s) envoyée(s).")

    return _act(request, pk, send, "Convocation envoyée.")


@require_perm("office.meetings.view")
def assembly_pdf(request, pk: int):
    assembly = get_object_or_404(Assembly, pk=pk)
    return pdf_file_response(documents.assembly_minutes_pdf(assembly, request), documents.assembly_filename(assembly))
