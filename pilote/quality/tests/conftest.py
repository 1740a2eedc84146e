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


@pytest.fixture
def duerp_doc(personas):
    """Two work units with assessed hazards and prevention actions (the DUERP as it stands)."""
    from decimal import Decimal

    from pilote.lib.dates import local_today
    from pilote.quality.services import duerp

    rh = personas["rh"]
    office = duerp.create_work_unit(actor=rh, name="Bureaux", description="Accueil et administration", exposed=6)
    workshop = duerp.create_work_unit(actor=rh, name="Atelier", description="Maintenance", exposed=4)
    screens = duerp.add_hazard(actor=rh, unit=office, family="screens", description="Écrans mal réglés",
                               frequency=4, severity=2, prevention="Pauses")  # fmt: skip
    lifting = duerp.add_hazard(actor=rh, unit=workshop, family="manual_handling", description="Port de copieurs",
                               frequency=3, severity=3, prevention="Diable")  # fmt: skip
    due = local_today() + dt.timedelta(days=30)
    action = duerp.add_prevention_action(actor=rh, hazard=lifting, title="Diable électrique",
                                         owner=personas["direction"], due_on=due, cost=Decimal("2400.50"))  # fmt: skip
    return {"office": office, "workshop": workshop, "screens": screens, "lifting": lifting, "action": action}
