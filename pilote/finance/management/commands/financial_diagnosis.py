"""`manage.py financial_diagnosis --year YYYY [--date YYYY-MM-DD] --format json|table` (issue 11)."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from pilote.finance import queries
from pilote.ledger.models import FiscalYear

SHEET_KEYS = ("ressources_stables", "emplois_stables", "frng", "bfre", "bfrhe", "tn")


def figures(diagnosis: queries.Diagnosis) -> dict[str, str]:
    """The SIG, the CAF by both methods and the functional balance sheet as decimal strings."""
    sig, sheet = diagnosis.sig, diagnosis.sheet
    result = {key: str(value) for key, value in sig.balances.items()}
    result["caf_from_ebe"] = str(sig.caf_from_ebe)
    result["caf_from_net_result"] = str(sig.caf_from_net_result)
    result |= {key: str(getattr(sheet, key)) for key in SHEET_KEYS}
    return result


class Command(BaseCommand):
    help = "Diagnostic financier (SIG, CAF, bilan fonctionnel) d'un exercice (YYYY = année de clôture)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Année de clôture de l'exercice")
        parser.add_argument("--date", help="Situation à cette date de l'exercice (AAAA-MM-JJ)")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args, **options):
        year = FiscalYear.objects.filter(end_date__year=options["year"]).first()
        if year is None:
            raise CommandError(f"Aucun exercice ne se clôt en {options['year']}.")
        day = year.end_date
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"Date illisible : {options['date']} (attendu AAAA-MM-JJ).") from exc
            if not year.contains(day):
                raise CommandError(f"Le {day:%d/%m/%Y} n'appartient pas à l'{str(year).lower()}.")
        result = figures(queries.diagnosis(queries.Period(year, day)))
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, indent=2))
            return
        for key, value in result.items():
            self.stdout.write(f"{key:<24} {value:>16}")
