"""Contact persons and delivery addresses: small forms hanging off a contact."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.contacts import services
from pilote.contacts.forms import AddressForm, PersonForm
from pilote.contacts.models import Address, Contact, ContactPerson
from pilote.lib.french import agree

KINDS = {
    "person": (ContactPerson, PersonForm, services.save_person, services.delete_person, "person", "l'interlocuteur"),
    "address": (Address, AddressForm, services.save_address, services.delete_address, "address", "l'adresse"),
}
FEMININE = {"address"}  # « l'adresse a été enregistrée », « l'interlocuteur a été enregistré »


def _edit(request, kind: str, contact: Contact, instance=None):
    model, form_class, save, _, arg, label = KINDS[kind]
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            save(actor=request.user, contact=contact, **{arg: instance}, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{label.capitalize()} a été {agree('enregistré', feminine=kind in FEMININE)}.")
            return redirect("contacts:detail", pk=contact.pk)
    return render(
        request,
        "contacts/sub_form.html",
        {"form": form, "contact": contact, "title": f"{'Modifier' if instance else 'Ajouter'} {label}"},
    )


def sub_create(request, pk: int, kind: str):
    return _edit(request, kind, get_object_or_404(Contact, pk=pk))


def sub_edit(request, pk: int, kind: str):
    instance = get_object_or_404(KINDS[kind][0], pk=pk)
    return _edit(request, kind, instance.contact, instance)


@require_POST
def sub_delete(request, pk: int, kind: str):
    model, _, _, delete, arg, label = KINDS[kind]
    instance = get_object_or_404(model, pk=pk)
    delete(actor=request.user, **{arg: instance})
    messages.success(request, f"{label.capitalize()} a été {agree('supprimé', feminine=kind in FEMININE)}.")
    return redirect("contacts:detail", pk=instance.contact_id)
