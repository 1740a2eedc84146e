"""The supplier picker (core.pickers): active contacts marked as suppliers."""

from __future__ import annotations

from pilote.contacts.models import Contact
from pilote.contacts.pickers import contact_picker


def suppliers():
    return Contact.objects.filter(is_active=True, is_supplier=True)


SUPPLIERS = contact_picker("fournisseurs", "purchases.view", suppliers)
