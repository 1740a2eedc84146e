"""Alerts on the thresholds direction sets: the first time an indicator passes its threshold, an open `KpiAlert`
and one e-mail to direction; when it comes back, the alert closes — the next crossing mails again. Checked by
the nightly schedule and when direction changes a threshold; never on a page load (the to-do list and the red
tile read the figures themselves)."""

from __future__ import annotations

import datetime as dt

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction

from pilote.core import jobs
from pilote.core.roles import Role
from pilote.dashboards.models import KpiAlert
from pilote.lib.dates import local_today


def _direction():
    from pilote.core.models import User

    return User.objects.filter(is_active=True, role=Role.DIRECTION).order_by("id")


def _mail(tile, today: dt.date) -> int:
    recipients = list(_direction().exclude(email="").values_list("email", flat=True))
    if not recipients:
        return 0
    body = (
        f"Bonjour,\n\nLe {today:%d/%m/%Y}, l'indicateur « {tile.label} » est à {tile.tile.display}"
        f"{' (' + tile.tile.note + ')' if tile.tile.note else ''}, au-delà du seuil fixé par la direction "
        f"({tile.threshold_text}).\n\nLe détail : {tile.tile.url}\n\n"
        "Vous ne recevrez pas d'autre message tant que l'indicateur n'est pas revenu du bon côté du seuil.\n"
    )
    EmailMessage(f"Alerte Pilote : {tile.label}", body, to=recipients).send()
    return len(recipients)


def check(today: dt.date | None = None) -> dict[str, int]:
    """Open the alerts of the indicators past their threshold (mailing direction once), close the others."""
    from pilote.dashboards import queries
    from pilote.dashboards.services import thresholds

    today = today or local_today()
    limits = thresholds()
    opened = closed = 0
    KpiAlert.objects.filter(ended_on__isnull=True).exclude(key__in=list(limits)).update(ended_on=today)
    reader = _direction().first()
    if reader is None or not limits:
        return {"ouvertes": 0, "closes": 0}
    current = {a.key: a for a in KpiAlert.objects.filter(ended_on__isnull=True)}
    for tile in queries.board(reader, today, keys=set(limits)):
        alert = current.get(tile.key)
        if tile.alert and alert is None:
            try:
                with transaction.atomic():
                    alert = KpiAlert.objects.create(key=tile.key, started_on=today, value=tile.tile.value,
                                                    threshold=tile.threshold)  # fmt: skip
            except IntegrityError:  # another process opened it meanwhile: it mails, not this one
                continue
            alert.mailed_to = _mail(tile, today)
            alert.save(update_fields=["mailed_to"])
            opened += 1
        elif not tile.alert and alert is not None:
            alert.ended_on = today
            alert.save(update_fields=["ended_on"])
            closed += 1
    return {"ouvertes": opened, "closes": closed}


@jobs.work
def nightly_check(job, progress) -> str:
    found = check()
    return (
        f"Alertes des indicateurs : {found['ouvertes']} ouverte(s) (e-mail à la direction), {found['closes']} close(s)."
    )


def open_alerts() -> dict[str, KpiAlert]:
    return {a.key: a for a in KpiAlert.objects.filter(ended_on__isnull=True)}
