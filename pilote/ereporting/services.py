"""E-reporting of the structure: its periods, the files of a period, and marking a period as transmitted.

A period is built from the operations every time it is shown, until it is transmitted; from then on its
files are the stored ones (models.Transmission), byte for byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.ereporting import cadence as cadences
from pilote.ereporting import datasets, flux10
from pilote.ereporting.connectors import current_connector
from pilote.ereporting.models import Transmission
from pilote.ledger.models import VatReturn
from pilote.lib.dates import local_today
from pilote.sales.models import Invoice, InvoiceStatus, Payment


def cadence_of(structure) -> cadences.Cadence | None:
    """The structure's cadence: from its VAT regime, quarterly when its last CA3 covered a quarter."""
    last = VatReturn.objects.order_by("-period_start").only("period_start", "period_end").first()
    quarterly = last is not None and (last.period_end - last.period_start).days > 62
    return cadences.cadence_for(structure.vat_regime, quarterly_returns=quarterly)


def first_operation_day() -> dt.date | None:
    invoice = Invoice.objects.filter(status=InvoiceStatus.ISSUED).aggregate(first=Min("date"))["first"]
    payment = Payment.objects.aggregate(first=Min("date"))["first"]
    days = [day for day in (invoice, payment) if day]
    return min(days) if days else None


@dataclass
class PeriodRow:
    period: cadences.Period
    transmission: Transmission | None
    today: dt.date

    @property
    def in_progress(self) -> bool:
        return self.period.end >= self.today


def period_rows(structure) -> list[PeriodRow]:
    """Every period from the first operation to today, the most recent first, with its transmission."""
    cadence = cadence_of(structure)
    today = local_today()
    transmitted = {(t.flow, t.period_start): t for t in Transmission.objects.all()}
    first = first_operation_day() or today
    periods = cadences.periods_between(cadence, first, today) if cadence else []
    known = {(p.flow, p.start) for p in periods}
    # A period transmitted under another cadence (the regime changed) stays listed as it was transmitted.
    periods += [
        cadences.Period(t.flow, t.period_start, t.period_end) for key, t in transmitted.items() if key not in known
    ]
    periods.sort(key=lambda p: (p.start, p.flow == cadences.TRANSACTIONS), reverse=True)
    return [PeriodRow(p, transmitted.get((p.flow, p.start)), today) for p in periods]


def resolve_period(structure, flow: str, start: str) -> cadences.Period:
    """The period of `flow` starting on `start` (ISO date) under the structure's cadence, or as transmitted;
    DomainError (French) for anything else."""
    if flow not in cadences.FLOWS:
        raise DomainError("Données d'e-reporting inconnues.")
    try:
        day = dt.date.fromisoformat(start)
    except ValueError:
        raise DomainError("Date de période invalide.") from None
    stored = Transmission.objects.filter(flow=flow, period_start=day).first()
    if stored is not None:
        return cadences.Period(flow, stored.period_start, stored.period_end)
    cadence = cadence_of(structure)
    if cadence is None:
        raise DomainError("Votre structure n'est pas assujettie à la TVA : elle n'a pas d'e-reporting à transmettre.")
    period = cadences.period_containing(flow, cadence.step(flow), day)
    if period.start != day:
        raise DomainError(f"Aucune période d'e-reporting ne commence le {day:%d/%m/%Y}.")
    return period


@dataclass(frozen=True)
class Files:
    name: str
    xml: bytes
    csv: bytes
    transmission: Transmission | None


def files(structure, period: cadences.Period) -> Files:
    """The files of `period`: as stored when transmitted, else built now from the operations."""
    stored = Transmission.objects.filter(flow=period.flow, period_start=period.start).first()
    if stored is not None:
        return Files(stored.file_name, bytes(stored.xml), bytes(stored.csv), stored)
    data = datasets.build(period)
    sender = current_connector().sender(structure)
    xml = flux10.write_xml(data, structure=structure, sender=sender, issued_at=timezone.localtime())
    return Files(flux10.file_name(structure.siren, data), xml, flux10.write_csv(data), None)


@transaction.atomic
def mark_transmitted(*, actor, structure, period: cadences.Period) -> Transmission:
    """Build the period's files once more, hand them to the connector and keep them as transmitted."""
    if period.end >= local_today():
        raise DomainError(f"La période se termine le {period.end:%d/%m/%Y} : elle se transmet une fois terminée.")
    if Transmission.objects.select_for_update().filter(flow=period.flow, period_start=period.start).exists():
        raise DomainError("Cette période a déjà été transmise.")
    data = datasets.build(period)
    if not data.agrees:
        raise DomainError(
            "Les totaux de la période ne concordent pas avec les ventes : rien n'est transmis. "
            "Vérifiez les contrôles affichés."
        )
    connector = current_connector()
    xml = flux10.write_xml(
        data, structure=structure, sender=connector.sender(structure), issued_at=timezone.localtime()
    )
    csv = flux10.write_csv(data)
    name = flux10.file_name(structure.siren, data)
    transmission = Transmission.objects.create(
        flow=period.flow,
        period_start=period.start,
        period_end=period.end,
        connector=connector.code,
        file_name=name,
        xml=xml,
        csv=csv,
        sha256=hashlib.sha256(xml).hexdigest(),
        transmitted_by=actor,
        transmitted_by_name=actor.get_full_name() or actor.get_username(),
    )
    receipt = connector.transmit(file_name=name, xml=xml, csv=csv)  # last: a refusal rolls everything back
    transmission.receipt = receipt.reference[:300]
    transmission.save(update_fields=["receipt"])
    after = audit.snapshot(transmission)
    after.pop("xml", None)
    after.pop("csv", None)
    audit.record(actor, "ereporting.transmission.recorded", transmission, after=after)
    return transmission
