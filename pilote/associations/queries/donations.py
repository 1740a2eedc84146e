"""Reads on donations and tax receipts: filtered lists, sort keys, export columns, yearly totals — a fixed
number of queries per page."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from pilote.associations.models import Donation, ReceiptStatus, TaxReceipt
from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.lib.money import ZERO

DONATION_SORTS = {
    "date": ["date"],
    "donateur": [french("donor__name"), french("donor__first_name")],
    "montant": ["amount"],
    "nature": ["kind"],
}
DONATION_DEFAULT_SORT = "-date"


def filter_donations(data: dict):
    donations = Donation.objects.all()
    if text := (data.get("q") or "").strip():
        donations = donations.filter(
            Q(donor__name__icontains=text) | Q(donor__first_name__icontains=text) | Q(description__icontains=text)
        )
    if year := data.get("annee"):
        donations = donations.filter(date__year=year)
    if kind := data.get("nature"):
        donations = donations.filter(kind=kind)
    receipt = data.get("recu") or ""
    if receipt == "sans":
        donations = donations.filter(receipt__isnull=True)
    elif receipt == "avec":
        donations = donations.filter(receipt__isnull=False)
    return donations


def with_list_relations(donations):
    return donations.select_related("donor", "receipt", "entry")


DONATION_COLUMNS = [
    Column("Date", lambda d: d.date),
    Column("Donateur", lambda d: d.donor.display_name),
    Column("Nature", lambda d: d.get_kind_display()),
    Column("Mode", lambda d: d.get_method_display() if d.method else ""),
    Column("Description", lambda d: d.description),
    Column("Montant", lambda d: d.amount),
    Column("Reçu fiscal", lambda d: d.receipt.reference if d.receipt_id else ""),
    Column("Écriture", lambda d: d.entry.number if d.entry_id else ""),
]

RECEIPT_SORTS = {
    "numero": ["number"],
    "donateur": [french("donor_name")],
    "montant": ["total"],
    "date": ["issued_on", "number"],
}
RECEIPT_DEFAULT_SORT = "-numero"


def filter_receipts(data: dict):
    receipts = TaxReceipt.objects.all()
    if text := (data.get("q") or "").strip():
        receipts = receipts.filter(donor_name__icontains=text)
    if year := data.get("annee"):
        receipts = receipts.filter(year=year)
    if status := data.get("etat"):
        receipts = receipts.filter(status=status)
    return receipts


RECEIPT_COLUMNS = [
    Column("Numéro", lambda r: r.reference),
    Column("Donateur", lambda r: r.donor_name),
    Column("Type", lambda r: r.get_donor_kind_display()),
    Column("Année des dons", lambda r: r.year),
    Column("Montant", lambda r: r.total),
    Column("Taux", lambda r: r.rate),
    Column("Émis le", lambda r: r.issued_on),
    Column("État", lambda r: r.get_status_display()),
    Column("Motif d'annulation", lambda r: r.cancel_reason),
]


def yearly_totals():
    """For the declaration of receipts (CGI art. 222 bis): per year of issue, the number and total of the
    receipts in force, and how many were cancelled — one grouped query."""
    rows = (
        TaxReceipt.objects.values("issued_on__year")
        .annotate(
            count=Count("id", filter=Q(status=ReceiptStatus.ISSUED)),
            total=Sum("total", filter=Q(status=ReceiptStatus.ISSUED)),
            cancelled=Count("id", filter=Q(status=ReceiptStatus.CANCELLED)),
        )
        .order_by("-issued_on__year")
    )
    return [{**r, "year": r["issued_on__year"], "total": r["total"] or ZERO} for r in rows]


def pending_by_donor(year: int):
    """Donors with gifts of `year` still without a receipt: number and amount, for the yearly batch."""
    return list(
        Donation.objects.filter(date__year=year, receipt__isnull=True)
        .values("donor_id", "donor__name", "donor__first_name", "donor__kind")
        .annotate(count=Count("id"), total=Sum("amount"))
        .order_by(french("donor__name"), "donor_id")
    )


def years():
    found = {d.year for d in Donation.objects.dates("date", "year")}
    return sorted(found, reverse=True)
