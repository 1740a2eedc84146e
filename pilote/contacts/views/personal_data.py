"""GDPR for a contact (direction): the export of everything Pilote holds about them, and their anonymisation
once no law requires keeping it. The rules are in core.personal_data and the sources each app registers."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from pilote.contacts.models import Contact
from pilote.core import personal_data
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.lib.dates import local_today

CONFIRMATION = "ANONYMISER"


@require_GET
@require_perm("core.personal_data")
def export(request, pk: int):
    contact = get_object_or_404(Contact, pk=pk)
    archive = personal_data.export_archive(
        actor=request.user, subject_kind="contact", subject=contact, label=contact.display_name
    )
    response = HttpResponse(archive, content_type="application/zip")
    name = slugify(contact.display_name) or f"contact-{contact.pk}"
    response["Content-Disposition"] = f'attachment; filename="donnees-personnelles-{name}.zip"'
    return response


@require_POST
@require_perm("core.personal_data")
def anonymise(request, pk: int):
    contact = get_object_or_404(Contact, pk=pk)
    if request.POST.get("confirmation", "").strip().upper() != CONFIRMATION:
        messages.error(request, f"Tapez {CONFIRMATION} pour confirmer l'anonymisation : elle est définitive.")
        return redirect("contacts:detail", pk=pk)
    try:
        personal_data.anonymise(actor=request.user, subject_kind="contact", subject=contact, today=local_today())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "Le contact est anonymisé : sa fiche, ses adresses, interlocuteurs et échanges, et le journal d'audit.",
        )
    return redirect("contacts:detail", pk=pk)
