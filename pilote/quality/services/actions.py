"""The one way an action of the app (risk treatment, prevention, CAPA — models.TrackedAction) changes state: a
known status, a done action dated (today by default, never in the future), audited. Callers lock the row and
check who may move it."""

from __future__ import annotations

import datetime as dt

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.lib.dates import local_today
from pilote.quality.models import ActionStatus, TrackedAction


def _json(values: dict) -> dict:
    return {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in values.items()}


def move_action(*, actor, action: TrackedAction, status: str, done_on: dt.date | None, code: str) -> TrackedAction:
    if status not in ActionStatus.values:
        raise DomainError("Cet état d'action n'existe pas.")
    today = local_today()
    done_on = (done_on or today) if status == ActionStatus.DONE else None
    if done_on and done_on > today:
        raise DomainError("Une action ne peut pas être faite à une date future.")
    before = _json({"status": action.status, "done_on": action.done_on})
    action.status, action.done_on = status, done_on
    action.full_clean()
    action.save()
    audit.record(actor, code, action, before=before, after=_json({"status": status, "done_on": done_on}))
    return action
