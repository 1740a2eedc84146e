"""Reads on volunteering and contributions in kind: the hours list (filters, sorts, export columns), the volunteers
with their hours of the year, the postings, and the annual accounts' annex figures (hours and value by activity,
contributions in kind by nature, the 86/87 balances of the books) — grouped queries, a fixed number per page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from pilote.associations import rules
from pilote.associations.models import InKindContribution, InKindKind, Volunteer, VolunteerHours
from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.ledger.models import EntryLine
from pilote.lib.money import ZERO

HOURS_SORTS = {
    "date": ["date", "id"],
    "benevole": [french("volunteer__contact__name"), french("volunteer__contact__first_name")],
    "activite": [french("activity__name")],
    "duree": ["minutes"],
    "valeur": ["value"],
}
HOURS_DEFAULT_SORT = "-date"


def filter_hours(data: dict):
    hours = VolunteerHours.objects.all()
    if text := (data.get("q") or "").strip():
        hours = hours.filter(
            Q(volunteer__contact__name__icontains=text) | Q(volunteer__contact__first_name__icontains=text)
            | Q(note__icontains=text)
        )  # fmt: skip
    if activity := data.get("activite"):
        hours = hours.filter(activity=activity)
    if year := data.get("annee"):
        hours = hours.filter(date__year=year)
    if month := data.get("mois"):
        hours = hours.filter(date__month=month)
    posted = data.get("comptabilise") or ""
    if posted == "oui":
        hours = hours.filter(posting__isnull=False)
    elif posted == "non":
        hours = hours.filter(posting__isnull=True)
    return hours


IN_KIND_SORTS = {"date": ["date", "id"], "nature": ["kind", "date"], "montant": ["amount"]}
IN_KIND_DEFAULT_SORT = "-date"


def filter_in_kind(data: dict):
    """The contributions in kind of the list's filters: a word of the description, the year."""
    rows = InKindContribution.objects.select_related("contributor", "entry")
    if text := (data.get("q") or "").strip():
        rows = rows.filter(description__icontains=text)
    if year := data.get("annee"):
        rows = rows.filter(date__year=year)
    return rows


def with_list_relations(hours):
    return hours.select_related("volunteer__contact", "activity", "posting__entry")


HOURS_COLUMNS = [
    Column("Date", lambda h: h.date),
    Column("Bénévole", lambda h: h.volunteer.contact.display_name),
    Column("Activité", lambda h: h.activity.name),
    Column("Heures", lambda h: h.hours),
    Column("Taux horaire", lambda h: h.rate),
    Column("Valorisation", lambda h: h.value),
    Column("Note", lambda h: h.note),
    Column("Écriture", lambda h: h.posting.entry.number if h.posting_id else ""),
]


VOLUNTEER_SORTS = {
    "nom": lambda v: (v.contact.name.lower(), v.contact.first_name.lower()),
    "heures": lambda v: v.year_minutes or 0,
    "depuis": lambda v: v.since,
}
VOLUNTEER_DEFAULT_SORT = "nom"


def filter_volunteers(data: dict, year: int) -> list:
    """The volunteers list of the page and the API: each with `year`'s hours (`year_hours`; `year_value`, None
    without hours), searched by name (`q`) and sorted by `tri` (VOLUNTEER_SORTS)."""
    from pilote.core.listing import sort_rows

    volunteers = volunteers_with_hours(year)
    if text := (data.get("q") or "").strip():
        volunteers = volunteers.filter(Q(contact__name__icontains=text) | Q(contact__first_name__icontains=text))
    rows = sort_rows(list(volunteers), data.get("tri") or "", VOLUNTEER_SORTS, VOLUNTEER_DEFAULT_SORT)
    for row in rows:
        row.year_hours = rules.hours_of(row.year_minutes or 0)
    return rows


def volunteers_with_hours(year: int):
    """Every volunteer with the year's hours (in minutes) and value, one query."""
    in_year = Q(hours__date__year=year)
    return (
        Volunteer.objects.select_related("contact")
        .annotate(year_minutes=Sum("hours__minutes", filter=in_year), year_value=Sum("hours__value", filter=in_year))
        .order_by(french("contact__name"), french("contact__first_name"))
    )


def pending_totals(start: dt.date, end: dt.date) -> tuple[int, Decimal]:
    sums = VolunteerHours.objects.filter(date__gte=start, date__lte=end, posting__isnull=True).aggregate(
        m=Sum("minutes"), v=Sum("value")
    )
    return sums["m"] or 0, sums["v"] or ZERO


@dataclass
class ActivityRow:
    name: str
    volunteers: int
    minutes: int
    value: Decimal

    @property
    def hours(self) -> Decimal:
        return rules.hours_of(self.minutes)


@dataclass
class Annex:
    """The annex's figures on contributions in kind for a stretch of dates (ANC 2018-06, art. 431-5 to 431-7)."""

    start: dt.date
    end: dt.date
    activities: list[ActivityRow] = field(default_factory=list)
    volunteers: int = 0
    in_kind: list[tuple[str, Decimal]] = field(default_factory=list)
    books: dict[str, Decimal] = field(default_factory=dict)  # 86x uses and 87x resources posted
    unposted_value: Decimal = ZERO

    @property
    def minutes(self) -> int:
        return sum(row.minutes for row in self.activities)

    @property
    def hours(self) -> Decimal:
        return rules.hours_of(self.minutes)

    @property
    def value(self) -> Decimal:
        return sum((row.value for row in self.activities), ZERO)

    @property
    def in_kind_total(self) -> Decimal:
        return sum((amount for _, amount in self.in_kind), ZERO)

    @property
    def full_time_equivalent(self) -> Decimal:
        """Volunteer hours as full-time jobs (1 607 hours a year)."""
        return (Decimal(self.minutes) / 60 / 1607).quantize(Decimal("0.01"))

    @property
    def book_rows(self) -> list[tuple[str, str, Decimal]]:
        return [(code, BOOK_LABELS.get(code, ""), amount) for code, amount in sorted(self.books.items())]

    @property
    def uses_total(self) -> Decimal:
        return sum((v for k, v in self.books.items() if k.startswith("86")), ZERO)

    @property
    def resources_total(self) -> Decimal:
        return sum((v for k, v in self.books.items() if k.startswith("87")), ZERO)


BOOK_LABELS = {
    "860": "Secours en nature", "861": "Mises à disposition gratuite de biens", "862": "Prestations",
    "864": "Personnel bénévole", "870": "Dons en nature", "871": "Prestations en nature", "875": "Bénévolat",
}  # fmt: skip


def annex(start: dt.date, end: dt.date) -> Annex:
    hours = VolunteerHours.objects.filter(date__gte=start, date__lte=end)
    result = Annex(start=start, end=end)
    for name, people, minutes, value in (
        hours.values_list("activity__name")
        .annotate(p=Count("volunteer", distinct=True), m=Sum("minutes"), v=Sum("value"))
        .order_by(french("activity__name"))
    ):
        result.activities.append(ActivityRow(name, people, minutes or 0, value or ZERO))
    result.volunteers = hours.values("volunteer").distinct().count()
    result.unposted_value = hours.filter(posting__isnull=True).aggregate(v=Sum("value"))["v"] or ZERO
    labels = dict(InKindKind.choices)
    for kind, amount in (
        InKindContribution.objects.filter(date__gte=start, date__lte=end)
        .values_list("kind")
        .annotate(t=Sum("amount"))
        .order_by("kind")
    ):
        result.in_kind.append((labels.get(kind, kind), amount))
    lines = EntryLine.objects.filter(is_posted=True, date__gte=start, date__lte=end).filter(
        Q(account__code__startswith="86") | Q(account__code__startswith="87")
    )
    for code, debit, credit in lines.values_list("account__code").annotate(d=Sum("debit"), c=Sum("credit")):
        key = code[:3]
        amount = (debit - credit) if code.startswith("86") else (credit - debit)
        result.books[key] = result.books.get(key, ZERO) + amount
    return result
