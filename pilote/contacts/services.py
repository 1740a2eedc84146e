"""Business writes on contacts. Each runs in a transaction and leaves an audit event."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from pilote.contacts.models import Address, Contact, ContactPerson, Interaction, Tag
from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.core.permissions import MATRIX


def parse_tags(text: str) -> list[str]:
    seen: dict[str, str] = {}
    for raw in (text or "").replace(";", ",").split(","):
        name = " ".join(raw.split())[:50]
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return list(seen.values())


def _set_tags(contact: Contact, names: list[str]) -> None:
    tags = []
    for name in names:
        tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
        tags.append(tag)
    contact.tags.set(tags)


def _snapshot(contact: Contact) -> dict:
    data = audit.snapshot(contact)
    data["tags"] = sorted(t.name for t in contact.tags.all()) if contact.pk else []
    return data


@transaction.atomic
def create_contact(*, actor, tags: list[str] | None = None, **fields) -> Contact:
    contact = Contact(**fields)
    contact.full_clean()
    contact.save()
    _set_tags(contact, tags or [])
    audit.record(actor, "contacts.contact.created", contact, after=_snapshot(contact))
    return contact


@transaction.atomic
def update_contact(
    *, actor, contact: Contact, tags: list[str] | None = None, expected_version: int | None = None, **changes
) -> Contact:
    current = Contact.objects.select_for_update().get(pk=contact.pk)
    check_version(current.version, expected_version, "Ce contact")
    before = _snapshot(current)
    for field, value in changes.items():
        setattr(current, field, value)
    current.full_clean()
    current.version += 1
    current.save()
    if tags is not None:
        _set_tags(current, tags)
    audit.record(actor, "contacts.contact.updated", current, before=before, after=_snapshot(current))
    return current


@transaction.atomic
def mark_customer(*, actor, contact: Contact, reason: str = "") -> bool:
    """The contact's first order or invoice makes it a customer (and no longer a prospect). Only the role
    flags change (an older record the contact rules now refuse is not re-validated); True if it changed."""
    changed = Contact.objects.filter(pk=contact.pk).exclude(is_customer=True, is_prospect=False)
    if not changed.update(is_customer=True, is_prospect=False):
        return False
    before = {"is_customer": contact.is_customer, "is_prospect": contact.is_prospect}
    contact.is_customer, contact.is_prospect = True, False
    audit.record(
        actor, "contacts.contact.became_customer", contact, before=before,
        after={"is_customer": True, "is_prospect": False, "raison": reason},
    )  # fmt: skip
    return True


@transaction.atomic
def set_contact_active(*, actor, contact: Contact, active: bool) -> Contact:
    before = {"is_active": contact.is_active}
    Contact.objects.filter(pk=contact.pk).update(is_active=active)
    contact.is_active = active
    action = "contacts.contact.reactivated" if active else "contacts.contact.archived"
    audit.record(actor, action, contact, before=before, after={"is_active": active})
    return contact


@transaction.atomic
def save_person(*, actor, contact: Contact, person: ContactPerson | None = None, **fields) -> ContactPerson:
    before = audit.snapshot(person) if person and person.pk else None
    person = person or ContactPerson(contact=contact)
    for field, value in fields.items():
        setattr(person, field, value)
    person.contact = contact
    person.full_clean()
    if person.is_primary:
        contact.persons.exclude(pk=person.pk).update(is_primary=False)
    person.save()
    audit.record(
        actor,
        "contacts.person.updated" if before else "contacts.person.created",
        person,
        before=before,
        after=audit.snapshot(person),
    )
    return person


@transaction.atomic
def delete_person(*, actor, person: ContactPerson) -> None:
    audit.record(actor, "contacts.person.deleted", person, before=audit.snapshot(person))
    person.delete()


@transaction.atomic
def save_address(*, actor, contact: Contact, address: Address | None = None, **fields) -> Address:
    before = audit.snapshot(address) if address and address.pk else None
    address = address or Address(contact=contact)
    for field, value in fields.items():
        setattr(address, field, value)
    address.contact = contact
    if address.is_default_delivery:
        contact.addresses.exclude(pk=address.pk).update(is_default_delivery=False)
    address.full_clean()
    address.save()
    audit.record(
        actor,
        "contacts.address.updated" if before else "contacts.address.created",
        address,
        before=before,
        after=audit.snapshot(address),
    )
    return address


@transaction.atomic
def delete_address(*, actor, address: Address) -> None:
    audit.record(actor, "contacts.address.deleted", address, before=audit.snapshot(address))
    address.delete()


@transaction.atomic
def log_interaction(*, actor, contact: Contact, source_perm: str = "", **fields) -> Interaction:
    """Add an exchange to the contact's history. Another domain logging what happened to one of its
    records passes `source_perm`, the permission that reads that record: only those roles will see it."""
    if source_perm and source_perm not in MATRIX:
        raise KeyError(f"Unknown permission {source_perm!r}")
    person = fields.get("person")
    if person is not None and person.contact_id != contact.pk:
        raise DomainError("Cet interlocuteur n'appartient pas à ce contact.")
    interaction = Interaction(contact=contact, author=actor, source_perm=source_perm, **fields)
    interaction.full_clean()
    interaction.save()
    audit.record(actor, "contacts.interaction.logged", interaction, after=audit.snapshot(interaction))
    return interaction


@transaction.atomic
def delete_interaction(*, actor, interaction: Interaction) -> None:
    if interaction.author_id != actor.pk and not actor.can("core.users.manage"):
        raise DomainError("Seul l'auteur d'un échange (ou la direction) peut le supprimer.")
    audit.record(actor, "contacts.interaction.deleted", interaction, before=audit.snapshot(interaction))
    interaction.delete()


@transaction.atomic
def import_contacts(*, actor, rows: list[dict]) -> list[Contact]:
    """Create every row or nothing: the rows were validated by the import preview; any error here
    (e.g. a duplicate created meanwhile) rolls the whole import back."""
    created = []
    for number, row in enumerate(rows, start=1):
        data = dict(row)
        tags = data.pop("tags", [])
        try:
            created.append(create_contact(actor=actor, tags=tags, **data))
        except ValidationError as exc:
            raise DomainError(f"Ligne {number} : {' '.join(exc.messages)} Aucun contact n'a été importé.") from exc
    audit.record(actor, "contacts.import.done", None, after={"count": len(created)})
    return created
