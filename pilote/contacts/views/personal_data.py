"""GDPR for a contact (direction): the export of everything Pilote holds about them, and their anonymisation
once no law requires keeping it. The rules, and these two page actions, are in core.personal_data with the sources
each app registers."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_POST

from pilote.contacts import personal_data as contact_data
from pilote.contacts.models import Contact
from pilote.core import personal_data
from pilote.core.access import require_perm


@require_GET
@require_perm("core.personal_data")
def export(request, pk: int):
    contact = get_object_or_404(Contact, pk=pk)
    return personal_data.archive_response(
        request, subject_kind="contact", subject=contact, label=contact.display_name, fallback=f"contact-{pk}"
    )


@require_POST
@require_perm("core.personal_data")
def anonymise(request, pk: int):
    contact = get_object_or_404(Contact, pk=pk)
    personal_data.anonymise_from_request(
        request, subject_kind="contact", subject=contact,
        done=contact_data.ANONYMISED_MESSAGE,
    )  # fmt: skip
    return redirect("contacts:detail", pk=pk)
