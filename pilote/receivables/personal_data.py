"""A customer's SEPA direct debit mandates (core.personal_data): the account debited is personal data. A mandate is
kept while active and 14 months after its last collection (the debtor may contest an unauthorised debit for 13
months, EPC SDD Core rulebook); the account numbers are then blanked on anonymisation."""

from __future__ import annotations

import datetime as dt

from pilote.core.personal_data import PersonalDataSource, Section
from pilote.lib.dates import add_months
from pilote.lib.formats import format_date
from pilote.receivables.models import CollectionItem, CollectionStatus, Mandate, MandateStatus

KEPT_MONTHS = 14


def collect(contact) -> list[Section]:
    rows = [
        {"RUM": m.reference, "Signé le": m.signed_on, "IBAN": m.iban, "BIC": m.bic, "Statut": m.get_status_display(),
         "Premier prélèvement": m.first_collected_on}
        for m in Mandate.objects.filter(customer=contact).order_by("signed_on", "pk")
    ]  # fmt: skip
    return [Section("Mandats de prélèvement SEPA", rows)]


def retention(contact, today: dt.date) -> list[str]:
    reasons = []
    if Mandate.objects.filter(customer=contact, status=MandateStatus.ACTIVE).exists():
        reasons.append("un mandat de prélèvement SEPA est actif")
    last = (
        CollectionItem.objects.filter(mandate__customer=contact, run__status=CollectionStatus.EXECUTED)
        .order_by("-run__collection_date")
        .values_list("run__collection_date", flat=True)
        .first()
    )
    if last is not None and today <= add_months(last, KEPT_MONTHS):
        reasons.append(
            f"les mandats de prélèvement sont à conserver jusqu'au {format_date(add_months(last, KEPT_MONTHS))} "
            "(14 mois après le dernier prélèvement, règles SEPA)"
        )
    return reasons


def anonymise(contact, actor) -> None:
    Mandate.objects.filter(customer=contact).update(iban="", bic="")


SOURCE = PersonalDataSource(
    key="receivables.mandates", subject_kind="contact", collect=collect, retention=retention, anonymise=anonymise
)
