"""The dunning history shows penalties plus indemnities to the cent (the sum is made in Python)."""

import datetime as dt
from decimal import Decimal as D

from django.urls import reverse

from pilote.receivables.models import DunningLetter, DunningLevel


def test_history_adds_penalties_and_indemnities_to_the_cent(books, client_as):
    level = DunningLevel.objects.get(rank=3)
    DunningLetter.objects.create(
        customer=books["martin"], level=level, rank=3, title="Mise en demeure", date=dt.date(2026, 3, 2),
        channel="letter", subject="Mise en demeure", body="b", claims_penalties=True,
        total_due=D("1200.00"), total_penalties=D("154.99"), total_indemnities=D("80.00"), total=D("1434.99"),
    )  # fmt: skip
    page = client_as("comptable").get(reverse("receivables:history")).content.decode()
    assert "234,99\u202f€" in page
    assert "234,00" not in page
