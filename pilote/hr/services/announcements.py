"""Internal announcements to all staff: published by rh and direction, withdrawn by them; audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.hr.models import Announcement
from pilote.lib.dates import local_today


@transaction.atomic
def publish(*, actor, title: str, body: str, until: dt.date | None = None) -> Announcement:
    title, body = " ".join(title.split())[:150], body.strip()[:5000]
    if not title or not body:
        raise DomainError("Une annonce a un titre et un message.")
    today = local_today()
    if until is not None and until < today:
        raise DomainError("La fin d'affichage ne peut pas être passée.")
    announcement = Announcement.objects.create(title=title, body=body, published_on=today, until=until,
                                               author=(actor.get_full_name() or actor.username)[:150])  # fmt: skip
    audit.record(actor, "hr.announcement.published", announcement, after={"title": title})
    return announcement


@transaction.atomic
def withdraw(*, actor, announcement: Announcement) -> None:
    audit.record(actor, "hr.announcement.withdrawn", announcement, before={"title": announcement.title})
    announcement.delete()


def current(today: dt.date):
    from django.db.models import Q

    return Announcement.objects.filter(published_on__lte=today).filter(Q(until__isnull=True) | Q(until__gte=today))


def visible(user, today: dt.date):
    """What `user` reads: every announcement for rh and direction (who withdraw them), the ones shown today for
    anyone else."""
    from pilote.core.permissions import role_can

    return Announcement.objects.all() if role_can(user.role, "hr.edit") else current(today)
