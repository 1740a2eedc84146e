"""The office's contact pickers (core.pickers, search as you type): the contacts one can write to, for the consents
of the mailings; the active contacts, for the stakeholder map. Behind the office's own permission."""

from __future__ import annotations

from pilote.contacts.models import Contact
from pilote.contacts.pickers import contact_picker

REACHABLE = contact_picker("contacts-joignables", "office.meetings.edit",
                           lambda: Contact.objects.filter(is_active=True).exclude(email=""))  # fmt: skip
STAKEHOLDERS = contact_picker("parties-prenantes", "office.meetings.edit",
                              lambda: Contact.objects.filter(is_active=True))  # fmt: skip
