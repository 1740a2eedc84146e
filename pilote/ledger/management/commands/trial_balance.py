from django.core.management.base import BaseCommand, CommandError

from pilote.ledger.balance import write_report
from pilote.ledger.models import FiscalYear
from pilote.ledger.queries import trial_balance


class Command(BaseCommand):
    help = "Balance générale d'un exercice (YYYY = année de clôture), en tableau ou en CSV (;, virgule décimale)."
    # A read of the aggregates: the system checks would load every URL module (the API, the PDF pages…) and
    # cost more than the answer (`manage.py check` runs them; so do migrate and runserver).
    requires_system_checks = []
    # `manage.py trial_balance --year Y [--format F]` is answered by pilote.ledger.direct without django.setup()
    # (ARCHITECTURE.md, « A command line that starts fast »); this command answers every other form (--help,
    # --settings, -v…), a year that does not exist, and call_command. Both print through balance.write_report.

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Année de clôture de l'exercice")
        parser.add_argument("--format", choices=["table", "csv"], default="table")

    def handle(self, *args, **options):
        year = FiscalYear.objects.filter(end_date__year=options["year"]).first()
        if year is None:
            raise CommandError(f"Aucun exercice ne se clôt en {options['year']}.")
        write_report(self.stdout, str(year), trial_balance(year), options["format"])
