"""`manage.py financial_diagnosis --year YYYY [--date YYYY-MM-DD] --format json|table` (issue 11)."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from pilote.core.exceptions import DomainError
from pilote.finance import queries


def figures(diagnosis: queries.Diagnosis) -> dict[str, str]:
    """The SIG, the CAF by both methods and the functional balance sheet as decimal strings."""
    return {key: str(value) for key, value in queries.diagnosis_figures(diagnosis).items()}


class Command(BaseCommand):
    help = "Diagnostic financier (SIG, CAF, bilan fonctionnel) d'un exercice (YYYY = année de clôture)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Année de clôture de l'exercice")
        parser.add_argument("--date", help="Situation à cette date de l'exercice (AAAA-MM-JJ)")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args, **options):
        day = None
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"Date illisible : {options['date']} (attendu AAAA-MM-JJ).") from exc
        try:
            period = queries.diagnosis_period(options["year"], day)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        result = figures(queries.diagnosis(period))
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, indent=2))
            return
        for key, value in result.items():
            self.stdout.write(f"{key:<24} {value:>16}")
