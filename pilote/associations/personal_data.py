"""A donor's gifts and tax receipts, a member's membership and dues (core.personal_data). The association keeps
the copies of its tax receipts, documents the tax administration may check, six years (LPF art. L102 B), so a
donor with a receipt issued in that time cannot be anonymised yet; a current member neither."""

from __future__ import annotations

import datetime as dt

from pilote.associations.models import Donation, Due, Member, TaxReceipt
from pilote.core.personal_data import PersonalDataSource, Section
from pilote.lib.formats import format_date

RECEIPTS_KEPT_YEARS = 6


def collect(contact) -> list[Section]:
    gifts = [
        {"Date": d.date, "Nature": d.get_kind_display(), "Mode": d.get_method_display(), "Montant": d.amount,
         "Description": d.description, "Reçu n°": d.receipt.number if d.receipt_id else ""}
        for d in Donation.objects.filter(donor=contact).select_related("receipt").order_by("date", "pk")
    ]  # fmt: skip
    receipts = [
        {"Numéro": r.number, "Année": r.year, "Émis le": r.issued_on, "Montant": r.total,
         "Nom imprimé": r.donor_name, "Adresse imprimée": r.donor_address, "État": r.get_status_display()}
        for r in TaxReceipt.objects.filter(donor=contact).order_by("number")
    ]  # fmt: skip
    member = Member.objects.filter(contact=contact).select_related("membership_type").first()
    membership = []
    dues = []
    if member is not None:
        membership = [{"N° d'adhérent": member.number, "Type": str(member.membership_type),
                       "Adhésion le": member.joined_on, "Sortie le": member.left_on or ""}]  # fmt: skip
        dues = [
            {"Année": due.year, "Montant": due.amount, "État": due.get_status_display(), "Payée le": due.paid_on or ""}
            for due in Due.objects.filter(member=member).order_by("year")
        ]
    return [
        Section("Dons", gifts),
        Section("Reçus fiscaux", receipts),
        Section("Adhésion", membership),
        Section("Cotisations", dues),
    ]


def retention(contact, today: dt.date) -> list[str]:
    reasons = []
    last = TaxReceipt.objects.filter(donor=contact).order_by("-issued_on").values_list("issued_on", flat=True).first()
    if last is not None:
        until = dt.date(last.year + RECEIPTS_KEPT_YEARS, 12, 31)
        if today <= until:
            reasons.append(
                f"des reçus fiscaux émis sont à conserver jusqu'au {format_date(until)} (6 ans, article L102 B du "
                "livre des procédures fiscales)"
            )
    if Member.objects.filter(contact=contact, left_on__isnull=True).exists():
        reasons.append("la personne est adhérente : enregistrez d'abord sa sortie")
    return reasons


SOURCE = PersonalDataSource(key="associations.donors_members", subject_kind="contact", collect=collect,
                            retention=retention)  # fmt: skip
