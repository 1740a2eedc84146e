"""The contact's own record, its addresses, interlocutors and exchanges (core.personal_data)."""

from __future__ import annotations

from pilote.contacts.models import Contact
from pilote.core.personal_data import PersonalDataSource, Section

# What the page and the API say once a contact is anonymised.
ANONYMISED_MESSAGE = (
    "Le contact est anonymisé : sa fiche, ses adresses, interlocuteurs et échanges, et le journal d'audit."
)

IDENTITY = {
    "name": "Nom", "first_name": "Prénom", "email": "E-mail", "phone": "Téléphone", "address_line1": "Adresse",
    "address_line2": "Complément", "postal_code": "Code postal", "city": "Ville", "country": "Pays",
    "iban": "IBAN", "bic": "BIC", "website": "Site web", "notes": "Notes",
}  # fmt: skip
PERSONAL_FIELDS = tuple(IDENTITY)


def collect(contact: Contact) -> list[Section]:
    record = {label: getattr(contact, name) for name, label in IDENTITY.items()}
    record |= {"Rôles": ", ".join(contact.role_labels), "Créé le": contact.created_at}
    addresses = [
        {"Libellé": a.label, "Adresse": a.line1, "Complément": a.line2, "Code postal": a.postal_code,
         "Ville": a.city, "Pays": a.country}
        for a in contact.addresses.all()
    ]  # fmt: skip
    persons = [
        {"Civilité": p.civility, "Prénom": p.first_name, "Nom": p.last_name, "Fonction": p.job_title,
         "E-mail": p.email, "Téléphone": p.phone}
        for p in contact.persons.all()
    ]  # fmt: skip
    exchanges = [
        {"Date": i.occurred_at, "Type": i.get_kind_display(), "Objet": i.subject, "Compte rendu": i.body}
        for i in contact.interactions.order_by("occurred_at", "pk")
    ]
    return [
        Section("Fiche contact", [record]),
        Section("Adresses de livraison", addresses),
        Section("Interlocuteurs", persons),
        Section("Historique des échanges", exchanges),
    ]


def anonymise(contact: Contact, actor) -> None:
    for name in PERSONAL_FIELDS:
        setattr(contact, name, "")
    contact.name = f"Personne anonymisée n° {contact.pk}"
    contact.country = "FR"
    contact.is_active = False
    contact.version += 1
    contact.save()
    contact.tags.clear()
    contact.addresses.update(label="Adresse", line1="—", line2="", postal_code="", city="")
    contact.persons.update(first_name="", last_name="Interlocuteur anonymisé", job_title="", email="", phone="")
    contact.interactions.update(subject="Échange anonymisé", body="")


SOURCE = PersonalDataSource(
    key="contacts.contact",
    subject_kind="contact",
    collect=collect,
    anonymise=anonymise,
    audited=lambda contact: [("contacts.contact", str(contact.pk))],
    personal_fields=PERSONAL_FIELDS,
)
