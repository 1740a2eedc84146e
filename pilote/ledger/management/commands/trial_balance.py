import csv

from django.core.management.base import BaseCommand, CommandError

from pilote.core.listing import csv_text
from pilote.ledger.models import FiscalYear
from pilote.ledger.queries import TRIAL_BALANCE_COLUMNS, trial_balance, trial_balance_totals


class Command(BaseCommand):
    help = "Balance générale d'un exercice (YYYY = année de clôture), en tableau ou en CSV (;, virgule décimale)."
    # A read of the aggregates: the system checks would load every URL module (the API, the PDF pages…) and
    # cost more than the answer (`manage.py check` runs them; so do migrate and runserver).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Année de clôture de l'exercice")
        parser.add_argument("--format", choices=["table", "csv"], default="table")

    def handle(self, *args, **options):
        year = FiscalYear.objects.filter(end_date__year=options["year"]).first()
        if year is None:
            raise CommandError(f"Aucun exercice ne se clôt en {options['year']}.")
        rows = trial_balance(year)
        if options["format"] == "csv":
            writer = csv.writer(self.stdout, delimiter=";", lineterminator="\n")
            writer.writerow([column.label for column in TRIAL_BALANCE_COLUMNS])
            for row in rows:  # the same cells as the page's CSV export: typed, text made inert
                writer.writerow([csv_text(column.value(row)) for column in TRIAL_BALANCE_COLUMNS])
            return
        self.stdout.write(f"Balance générale — {year}")
        for row in rows:
            self.stdout.write(f"{row.code:<10} {row.label[:40]:<40} {row.closing_debit:>15} {row.closing_credit:>15}")
        totals = trial_balance_totals(rows)
        self.stdout.write(f"{'Totaux':<51} {totals['closing_debit']:>15} {totals['closing_credit']:>15}")
