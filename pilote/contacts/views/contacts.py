from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.contacts import queries, services
from pilote.contacts.forms import ContactFilterForm, ContactForm, InteractionForm
from pilote.contacts.models import Contact, Interaction
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.core.registry import contact_panels_for


def _filtered(request):
    form = ContactFilterForm(request.GET or None)
    data = filter_data(form)
    contacts = sort_queryset(queries.filter_contacts(data), request.GET.get("tri", ""), queries.SORTS, "nom")
    return form, contacts


@require_perm("contacts.view")
def contact_list(request):
    form, contacts = _filtered(request)
    page = paginate(request, queries.with_list_relations(contacts))
    template = "contacts/_list_results.html" if request.headers.get("HX-Request") == "true" else "contacts/list.html"
    return render(request, template, {"form": form, "page": page})


@require_perm("contacts.export")
def contact_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, contacts = _filtered(request)
    return export_response(queries.export_rows(contacts), queries.EXPORT_COLUMNS, "contacts", fmt)


def _save_contact(request, form, contact=None):
    data = dict(form.cleaned_data)
    tags = services.parse_tags(data.pop("tags_text", ""))
    expected = data.pop("version", None)
    try:
        if contact is None:
            return services.create_contact(actor=request.user, tags=tags, **data)
        return services.update_contact(
            actor=request.user, contact=contact, tags=tags, expected_version=expected, **data
        )
    except ValidationError as exc:
        form.add_error(None, exc)
    except DomainError as exc:
        form.add_error(None, exc.message)
    return None


@require_perm("contacts.edit")
def contact_create(request):
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = _save_contact(request, form)
        if contact:
            messages.success(request, f"Le contact « {contact} » a été créé.")
            return redirect("contacts:detail", pk=contact.pk)
    return render(request, "contacts/form.html", {"form": form})


@require_perm("contacts.edit")
def contact_edit(request, pk: int):
    contact = get_object_or_404(Contact, pk=pk)
    form = ContactForm(request.POST or None, instance=Contact.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid() and _save_contact(request, form, contact):
        messages.success(request, "Le contact a été enregistré.")
        return redirect("contacts:detail", pk=pk)
    return render(request, "contacts/form.html", {"form": form, "contact": contact})


@require_perm("contacts.view")
def contact_detail(request, pk: int):
    try:
        contact = queries.contact_detail(pk)
    except Contact.DoesNotExist:
        return render(request, "errors/404.html", status=404)
    context = {
        "contact": contact,
        "interactions": queries.recent_interactions(contact, request.user),
        "interaction_form": InteractionForm(contact=contact),
        "panels": contact_panels_for(request, contact),  # sections other domains add (sales, pipeline…)
    }
    return render(request, "contacts/detail.html", context)


@require_POST
@require_perm("contacts.edit")
def contact_archive(request, pk: int):
    contact = get_object_or_404(Contact, pk=pk)
    active = not contact.is_active
    services.set_contact_active(actor=request.user, contact=contact, active=active)
    messages.success(request, "Le contact a été réactivé." if active else "Le contact a été archivé.")
    return redirect("contacts:detail", pk=pk)


@require_perm("contacts.log_interaction")
def interaction_create(request, pk: int):
    contact = get_object_or_404(Contact, pk=pk)
    form = InteractionForm(request.POST or None, contact=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_interaction(actor=request.user, contact=contact, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, getattr(exc, "message", exc))
        else:
            if request.headers.get("HX-Request") != "true":
                messages.success(request, "L'échange a été ajouté à l'historique.")
                return redirect("contacts:detail", pk=pk)
            form = InteractionForm(contact=contact)
    context = {
        "contact": contact,
        "interaction_form": form,
        "interactions": queries.recent_interactions(contact, request.user),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "contacts/_interactions.html", context)
    return render(request, "contacts/interaction_form.html", context)


@require_POST
@require_perm("contacts.log_interaction")
def interaction_delete(request, pk: int):
    interaction = get_object_or_404(Interaction, pk=pk)
    try:
        services.delete_interaction(actor=request.user, interaction=interaction)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "L'échange a été supprimé.")
    return redirect("contacts:detail", pk=interaction.contact_id)
