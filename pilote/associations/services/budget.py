"""Budget lines, shared by a grant's budget by nature (`GrantBudgetLine`) and a CPOM's means per year
(`CpomMeans`): one amount per owner and account key, set (created or replaced) or removed, each act audited."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.lib.money import round_eur


def check_accounts(key: str, *, classes: str, lengths: range, message: str) -> str:
    """`key` stripped, refused in French unless it is an account prefix of one of `classes` and of a length in
    `lengths`."""
    key = (key or "").strip()
    if not (key.isdigit() and len(key) in lengths and key[0] in classes):
        raise DomainError(message)
    return key


def set_line(*, actor, model: type[models.Model], owner: dict, key: dict, label: str, amount: Decimal,
             audit_code: str):  # fmt: skip
    """The line of `owner` (e.g. {"grant": g}) and `key` (e.g. {"nature": "62"}) now says `label` and `amount`
    (to the cent; the label defaults to the key)."""
    if Decimal(amount) < 0:
        raise DomainError("Un budget est un montant positif ou nul.")
    default_label = " ".join(str(v) for v in key.values())
    line, _ = model.objects.update_or_create(
        **owner, **key, defaults={"label": (label or "").strip()[:120] or default_label, "amount": round_eur(amount)}
    )
    audit.record(actor, audit_code, line, after=audit.snapshot(line))
    return line


def delete_line(*, actor, line: models.Model, audit_code: str) -> None:
    """Remove a budget line (the caller has checked that nothing depends on it)."""
    before = audit.snapshot(line)
    audit.record(actor, audit_code, line, before=before)
    line.delete()
