"""Quality fixtures: a helper creating a risk through the service with sensible defaults."""

import datetime as dt

import pytest

from pilote.quality.services import risks as services

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def make_risk(personas):
    def make(title="Panne du serveur", **extra):
        fields = {
            "title": title, "category": "it", "owner": personas["direction"], "cause": "Disque unique",
            "consequence": "Arrêt de l'activité", "likelihood": 3, "impact": 3, "controls": "Sauvegarde",
            "residual_likelihood": 2, "residual_impact": 2, "review_on": TODAY + dt.timedelta(days=30),
        }  # fmt: skip
        fields.update(extra)
        return services.create_risk(actor=personas["direction"], **fields)

    return make
