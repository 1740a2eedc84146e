"""Row rules shared by forms and services (French refusals)."""

from __future__ import annotations

from pilote.core.exceptions import DomainError


def clean_resource_hours(opens_at, closes_at) -> None:
    if (opens_at is None) != (closes_at is None):
        raise DomainError("Indiquez les deux heures de disponibilité, ou aucune.")
    if opens_at is not None and opens_at >= closes_at:
        raise DomainError("L'heure d'ouverture précède l'heure de fermeture.")
