"""`cse_seats --headcount N`: the CSE's seats and monthly delegation hours for a headcount (R2314-1), as JSON
`{"seats": …, "hours": …}` — the same function the election pages use (`hr.cse.delegation`)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from pilote.hr import cse


class Command(BaseCommand):
    help = "Sièges et heures de délégation du CSE pour un effectif (article R2314-1), en JSON."

    def add_arguments(self, parser):
        parser.add_argument("--headcount", required=True, help="effectif, ex. 18 ou 24,5")

    def handle(self, *args, headcount, **options):
        try:
            value = Decimal(str(headcount).replace(",", "."))
        except InvalidOperation as exc:
            raise CommandError(f"Effectif illisible : « {headcount} ».") from exc
        if not value.is_finite() or value < 0:
            raise CommandError("L'effectif est un nombre positif.")
        self.stdout.write(json.dumps(cse.delegation(value).as_dict()))
