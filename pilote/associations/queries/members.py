"""Reads on members and dues: the lists, the members' register as of a date, the general assembly's list and
quorum, the to-do items — a fixed number of queries whatever the number of members."""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import Exists, OuterRef, Q

from pilote.associations.models import Due, DueStatus, Member
from pilote.core.collation import french
from pilote.core.listing import Column

MEMBER_SORTS = {
    "numero": ["number"],
    "nom": [french("contact__name"), french("contact__first_name")],
    "adhesion": ["joined_on", "number"],
    "type": [french("membership_type__name")],
}
MEMBER_DEFAULT_SORT = "nom"


def present_on(day: dt.date):
    """Members who had joined on `day` and not yet left."""
    return Member.objects.filter(joined_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gt=day))


def with_dues_paid(members, year: int):
    paid = Due.objects.filter(member=OuterRef("pk"), year=year, status=DueStatus.PAID)
    return members.annotate(up_to_date=Exists(paid))


def filter_members(data: dict, today: dt.date):
    members = Member.objects.all()
    if text := (data.get("q") or "").strip():
        members = members.filter(
            Q(contact__name__icontains=text) | Q(contact__first_name__icontains=text) | Q(contact__city__icontains=text)
        )
    if kind := data.get("type"):
        members = members.filter(membership_type=kind)
    status = data.get("statut") or "presents"
    if status != "tous":
        members = present_on(today) & members if status != "sortis" else members.filter(left_on__lte=today)
    members = with_dues_paid(members, today.year)
    dues = data.get("cotisation") or ""
    if dues == "a_jour":
        members = members.filter(up_to_date=True)
    elif dues == "en_retard":
        members = members.filter(up_to_date=False)
    return members


def with_list_relations(members):
    return members.select_related("contact", "membership_type")


MEMBER_COLUMNS = [
    Column("N°", lambda m: m.number),
    Column("Nom", lambda m: m.contact.list_name),
    Column("Type d'adhésion", lambda m: m.membership_type.name),
    Column("Adhésion", lambda m: m.joined_on),
    Column("Sortie", lambda m: m.left_on),
    Column("Cotisation de l'année", lambda m: "à jour" if getattr(m, "up_to_date", False) else "non payée"),
    Column("E-mail", lambda m: m.contact.email),
    Column("Ville", lambda m: m.contact.city),
]


def register(day: dt.date):
    """The members' register as of `day`: present members in number order, with the year's dues."""
    return with_list_relations(with_dues_paid(present_on(day), day.year)).order_by("number")


def assembly(day: dt.date, quorum_percent: int) -> dict:
    """For a general assembly on `day`: the members up to date with the year's dues (who vote), how many of them
    make the quorum, and the present members who are not up to date."""
    members = with_list_relations(with_dues_paid(present_on(day), day.year))
    voters = list(members.filter(up_to_date=True).order_by(french("contact__name"), french("contact__first_name")))
    behind = members.filter(up_to_date=False).count()
    return {
        "voters": voters,
        "behind": behind,
        "quorum": math.ceil(len(voters) * quorum_percent / 100) if voters else 0,
        "quorum_percent": quorum_percent,
    }


DUE_SORTS = {
    "adherent": [french("member__contact__name"), french("member__contact__first_name")],
    "appel": ["called_on"],
    "montant": ["amount"],
    "paiement": ["paid_on"],
}
DUE_DEFAULT_SORT = "adherent"


def filter_dues(data: dict):
    dues = Due.objects.all()
    if year := data.get("annee"):
        dues = dues.filter(year=year)
    if status := data.get("etat"):
        dues = dues.filter(status=status)
    if text := (data.get("q") or "").strip():
        dues = dues.filter(Q(member__contact__name__icontains=text) | Q(member__contact__first_name__icontains=text))
    return dues


def due_relations(dues):
    return dues.select_related("member__contact", "membership_type")


DUE_COLUMNS = [
    Column("Année", lambda d: d.year),
    Column("N° d'adhérent", lambda d: d.member.number),
    Column("Adhérent", lambda d: d.member.contact.list_name),
    Column("Type", lambda d: d.membership_type.name),
    Column("Montant", lambda d: d.amount),
    Column("Appelée le", lambda d: d.called_on),
    Column("État", lambda d: d.get_status_display()),
    Column("Payée le", lambda d: d.paid_on),
    Column("Mode", lambda d: d.get_method_display() if d.method else ""),
]
