"""What the office's mailings hold about a contact (GDPR): its consent, the mailings it received, whether it is
on the suppression list. Registered with core.personal_data (export and anonymisation of a contact)."""

from __future__ import annotations

from pilote.core.personal_data import PersonalDataSource, Section


def collect(contact) -> list[Section]:
    from pilote.office.models import Consent, MailingRecipient, Suppression

    sections = []
    consent = Consent.objects.filter(contact=contact).first()
    if consent:
        sections.append(Section("Consentement aux envois", [{
            "Consentement": "oui" if consent.given else "non", "Recueilli par": consent.source,
            "Enregistré le": consent.recorded_at,
        }]))  # fmt: skip
    received = MailingRecipient.objects.filter(contact=contact).select_related("mailing").order_by("pk")
    rows = [{"Envoi": r.mailing.title, "Adresse": r.email, "État": r.get_status_display(), "Envoyé le": r.sent_at}
            for r in received]  # fmt: skip
    if rows:
        sections.append(Section("Envois groupés reçus", rows))
    if contact.email:
        excluded = Suppression.objects.filter(email__iexact=contact.email).first()
        if excluded:
            sections.append(Section("Exclusion des envois", [{"Adresse": excluded.email,
                                                              "Motif": excluded.get_reason_display(),
                                                              "Le": excluded.created_at}]))  # fmt: skip
    return sections


def anonymise(contact, actor) -> None:
    """The consent goes; the mailings keep their count but lose the address and the name. The suppression list
    keeps the address: honouring the person's objection is why it exists (RGPD art. 21)."""
    from pilote.office.models import Consent, MailingRecipient

    Consent.objects.filter(contact=contact).delete()
    for recipient in MailingRecipient.objects.filter(contact=contact):
        recipient.email, recipient.name, recipient.contact = f"anonyme-{recipient.pk}@anonyme.invalid", "", None
        recipient.save(update_fields=["email", "name", "contact"])


SOURCE = PersonalDataSource(key="office.mailings", subject_kind="contact", collect=collect, anonymise=anonymise)
