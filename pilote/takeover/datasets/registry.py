"""The datasets the assistant offers, in the order a take-over goes: who and what first, then the books."""

from __future__ import annotations

from django.http import Http404

_datasets: dict = {}


def register(dataset) -> None:
    _datasets[dataset.key] = dataset


def all_datasets() -> list:
    return list(_datasets.values())


def get(key: str):
    try:
        return _datasets[key]
    except KeyError:
        raise Http404("Jeu de données inconnu.") from None
