"""Volunteering and contributions in kind (ANC 2018-06, FRENCH-RULES §10): volunteers (from the contacts), their
hours by activity and day valued at the activity's rate or the association's (gross hourly SMIC by default), posted
once per period below the result (864 Personnel bénévole / 875 Bénévolat); contributions in kind posted when
recorded (860/870 goods, 861/871 free use of premises or equipment, 862/871 services). Every posting goes
through the ledger's services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from pilote.associations import rules
from pilote.associations.models import (
    InKindContribution,
    InKindKind,
    Volunteer,
    VolunteerActivity,
    VolunteerHours,
    VolunteerPosting,
)
from pilote.associations.services import books
from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.lib.money import round_eur

VOLUNTEER_STAFF = "864"  # Personnel bénévole (use)
VOLUNTEERING = "875"  # Bénévolat (resource)
IN_KIND_ACCOUNTS = {
    InKindKind.GOODS: ("860", "870"),
    InKindKind.PREMISES: ("861", "871"),
    InKindKind.SERVICES: ("862", "871"),
}


def default_rate() -> Decimal:
    from pilote.associations.models import AssociationSettings

    row = AssociationSettings.objects.filter(pk=1).first()
    return row.volunteer_rate if row is not None else rules.DEFAULT_VOLUNTEER_RATE


def rate_of(activity: VolunteerActivity) -> Decimal:
    return activity.hourly_rate if activity.hourly_rate is not None else default_rate()


@transaction.atomic
def create_activity(*, actor, name: str, hourly_rate: Decimal | None = None) -> VolunteerActivity:
    name = name.strip()
    if not name:
        raise DomainError("Nommez l'activité bénévole (accueil, ateliers, transport…).")
    if VolunteerActivity.objects.filter(name__iexact=name).exists():
        raise DomainError(f"L'activité « {name} » existe déjà.")
    if hourly_rate is not None and hourly_rate <= 0:
        raise DomainError("Le taux horaire d'une activité est positif (ou vide pour le taux de l'association).")
    activity = VolunteerActivity.objects.create(
        name=name[:100], hourly_rate=round_eur(hourly_rate) if hourly_rate is not None else None
    )
    audit.record(actor, "associations.activity.created", activity, after=audit.snapshot(activity))
    return activity


@transaction.atomic
def enrol_volunteer(*, actor, contact, since: dt.date) -> Volunteer:
    if Volunteer.objects.filter(contact=contact).exists():
        raise DomainError(f"{contact.display_name} est déjà bénévole.")
    volunteer = Volunteer.objects.create(contact=contact, since=since)
    audit.record(actor, "associations.volunteer.enrolled", volunteer, after=audit.snapshot(volunteer))
    return volunteer


@transaction.atomic
def record_hours(*, actor, volunteer: Volunteer, activity: VolunteerActivity, date: dt.date, hours: Decimal,
                 note: str = "") -> VolunteerHours:  # fmt: skip
    minutes = rules.minutes_of(hours)
    if minutes <= 0 or minutes > rules.MAX_MINUTES_A_DAY:
        raise DomainError("Saisissez une durée entre 0,01 et 24 heures.")
    if date < volunteer.since or (volunteer.until is not None and date > volunteer.until):
        raise DomainError(f"{volunteer.contact.display_name} n'est pas bénévole le {date:%d/%m/%Y}.")
    same_day = volunteer.hours.filter(date=date).aggregate(m=Sum("minutes"))["m"] or 0
    if same_day + minutes > rules.MAX_MINUTES_A_DAY:
        raise DomainError(f"Plus de 24 heures de bénévolat le {date:%d/%m/%Y} pour {volunteer.contact.display_name}.")
    rate = rate_of(activity)
    row = VolunteerHours.objects.create(
        volunteer=volunteer, activity=activity, date=date, minutes=minutes, rate=rate,
        value=rules.volunteer_value(minutes, rate), note=note.strip()[:200],
    )  # fmt: skip
    audit.record(actor, "associations.hours.recorded", row, after=audit.snapshot(row))
    return row


@transaction.atomic
def delete_hours(*, actor, hours: VolunteerHours) -> None:
    current = VolunteerHours.objects.select_for_update().get(pk=hours.pk)
    if current.posting_id is not None:
        raise DomainError("Ces heures sont déjà comptabilisées : elles ne se suppriment plus.")
    audit.record(actor, "associations.hours.deleted", current, before=audit.snapshot(current))
    current.delete()


@transaction.atomic
def post_volunteering(*, actor, period_start: dt.date, period_end: dt.date) -> VolunteerPosting:
    """Post the period's hours not yet posted, once: one entry 864 / 875 dated the period's last day. Hours typed
    later for the same period go into a further posting; no hour is ever posted twice."""
    if period_end < period_start:
        raise DomainError("La fin de la période suit son début.")
    pending = VolunteerHours.objects.select_for_update().filter(
        date__gte=period_start, date__lte=period_end, posting__isnull=True
    )
    rows = list(pending.values_list("pk", "minutes", "value"))
    if not rows:
        raise DomainError(
            f"Aucune heure de bénévolat à comptabiliser du {period_start:%d/%m/%Y} au {period_end:%d/%m/%Y} "
            "(déjà comptabilisées ou non saisies)."
        )
    minutes = sum(m for _, m, _ in rows)
    value = sum((v for _, _, v in rows), Decimal("0"))
    label = f"Bénévolat du {period_start:%d/%m/%Y} au {period_end:%d/%m/%Y} ({rules.hours_of(minutes)} h)"
    label = label.replace(".", ",")[:200]
    entry = books.post(
        actor=actor, journal=books.misc_journal(), date=period_end, label=label,
        lines=[
            books.Line(books.account(VOLUNTEER_STAFF), debit=value, label=label),
            books.Line(books.account(VOLUNTEERING), credit=value, label=label),
        ],
    )  # fmt: skip
    posting = VolunteerPosting.objects.create(
        period_start=period_start, period_end=period_end, minutes=minutes, value=value, entry=entry
    )
    VolunteerHours.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(posting=posting)
    audit.record(actor, "associations.volunteering.posted", posting,
                 after={"minutes": minutes, "value": str(value)})  # fmt: skip
    return posting


def post_month(*, actor, year: int, month: int) -> VolunteerPosting:
    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return post_volunteering(actor=actor, period_start=start, period_end=end)


@transaction.atomic
def record_in_kind(*, actor, date: dt.date, kind: str, description: str, amount: Decimal,
                   contributor=None) -> InKindContribution:  # fmt: skip
    if kind not in IN_KIND_ACCOUNTS:
        raise DomainError("Choisissez la nature de la contribution (biens, mise à disposition, prestation).")
    amount = round_eur(amount)
    if amount <= 0:
        raise DomainError("Valorisez la contribution en nature à un montant positif.")
    if not description.strip():
        raise DomainError("Décrivez la contribution (biens donnés, locaux prêtés, prestation).")
    use, resource = IN_KIND_ACCOUNTS[InKindKind(kind)]
    label = f"{InKindKind(kind).label} : {description.strip()}"[:200]
    entry = books.post(
        actor=actor, journal=books.misc_journal(), date=date, label=label,
        lines=[
            books.Line(books.account(use), debit=amount, label=label),
            books.Line(books.account(resource), credit=amount, label=label),
        ],
    )  # fmt: skip
    contribution = InKindContribution.objects.create(
        date=date, kind=kind, contributor=contributor, description=description.strip()[:200], amount=amount,
        entry=entry,
    )  # fmt: skip
    audit.record(actor, "associations.in_kind.recorded", contribution, after=audit.snapshot(contribution))
    return contribution
