"""Pipeline test fixtures: tender files go to a temporary private folder, never to var/."""

import pytest


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PILOTE_PRIVATE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.PILOTE_PRIVATE_ROOT


@pytest.fixture
def customer(db):
    from pilote.contacts.models import Contact

    return Contact.objects.create(name="Imprimerie du Rhône", is_customer=True, city="Lyon")


@pytest.fixture
def opportunity(customer, personas):
    from decimal import Decimal

    from pilote.pipeline import services

    return services.create_opportunity(
        actor=personas["commercial"], contact=customer, title="Parc de copieurs", amount=Decimal("12000")
    )


@pytest.fixture
def make_opportunities(customer, personas):
    """make_opportunities(n) bulk-creates n opportunities spread over every stage (no history rows)."""
    import datetime as dt
    from decimal import Decimal

    from pilote.pipeline.models import Opportunity
    from pilote.pipeline.stages import Stage, default_probability

    stages = list(Stage)
    from pilote.lib.dates import local_today

    today = local_today()  # the board shows this year's won and lost: closed today, whatever the year

    def make(count: int, start: int = 0):
        rows = []
        for i in range(start, start + count):
            stage = stages[i % len(stages)]
            opportunity = Opportunity(
                contact=customer,
                title=f"Affaire {i:03d}",
                stage=stage,
                amount=Decimal(1000 + i),
                probability=default_probability(stage),
                owner=personas["commercial"] if i % 2 else personas["direction"],
                expected_close_date=today + dt.timedelta(days=i),
                closed_on=today if stage in (Stage.WON, Stage.LOST) else None,
                lost_reason="prix" if stage == Stage.LOST else "",
            )
            opportunity.weighted_amount = opportunity.compute_weighted_amount()
            rows.append(opportunity)
        return Opportunity.objects.bulk_create(rows)

    return make
