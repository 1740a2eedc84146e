"""The contact pickers (core.pickers): every active contact; other apps narrow the rows (customers…)."""

from __future__ import annotations

from pilote.contacts.models import Contact
from pilote.core.collation import french
from pilote.core.pickers import Picker

SEARCH = ("name", "first_name", "city", "email")
PREFIX = ("siren", "postal_code")


def order() -> tuple:
    return (french("name"), french("first_name"))


def detail(contact: Contact) -> str:
    """What tells two « Dupont » apart: city, SIREN, roles."""
    parts = [f"{contact.postal_code} {contact.city}".strip()]
    if contact.siren:
        parts.append(f"SIREN {contact.siren[:3]} {contact.siren[3:6]} {contact.siren[6:]}")
    parts.append(", ".join(contact.role_labels))
    return " · ".join(part for part in parts if part)


def contact_picker(kind: str, perm: str, queryset) -> Picker:
    return Picker(
        kind=kind,
        perm=perm,
        queryset=queryset,
        search=SEARCH,
        prefix=PREFIX,
        order=order,
        label=lambda contact: contact.display_name,
        detail=detail,
        placeholder="Nom, ville, SIREN…",
    )


CONTACTS = contact_picker("contacts", "contacts.view", lambda: Contact.objects.filter(is_active=True))
