"""The pipeline's stages: their order on the kanban and their default probability.

The order of the open stages can be changed per installation with the optional setting
`PILOTE_PIPELINE_STAGE_ORDER` (a list of open stage values, e.g. ["nouvelle", "qualification",
"negociation", "proposition"]); won and lost always come last. Unknown or missing values fall back to
the default order, so a typo never hides a column.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Stage(models.TextChoices):
    NEW = "nouvelle", "Nouvelle"
    QUALIFICATION = "qualification", "Qualification"
    PROPOSAL = "proposition", "Proposition"
    NEGOTIATION = "negociation", "Négociation"
    WON = "gagnee", "Gagnée"
    LOST = "perdue", "Perdue"


CLOSED_STAGES = (Stage.WON, Stage.LOST)
DEFAULT_OPEN_ORDER = (Stage.NEW, Stage.QUALIFICATION, Stage.PROPOSAL, Stage.NEGOTIATION)

# The chance of signing usually attached to each stage (editable on each opportunity).
DEFAULT_PROBABILITY = {
    Stage.NEW: 10,
    Stage.QUALIFICATION: 25,
    Stage.PROPOSAL: 50,
    Stage.NEGOTIATION: 75,
    Stage.WON: 100,
    Stage.LOST: 0,
}


def open_stages() -> list[Stage]:
    configured = getattr(settings, "PILOTE_PIPELINE_STAGE_ORDER", None) or []
    order = [Stage(value) for value in configured if value in DEFAULT_OPEN_ORDER]
    order = list(dict.fromkeys(order))
    return order + [stage for stage in DEFAULT_OPEN_ORDER if stage not in order]


def all_stages() -> list[Stage]:
    return [*open_stages(), *CLOSED_STAGES]


def is_open(stage: str) -> bool:
    return stage not in CLOSED_STAGES


def default_probability(stage: str) -> int:
    return DEFAULT_PROBABILITY[Stage(stage)]


def stage_position(stage: str) -> int:
    return all_stages().index(Stage(stage))
