from django.core.management.base import BaseCommand, CommandError

from pilote.ledger import chain
from pilote.ledger.verify import verify_all


class Command(BaseCommand):
    help = "Vérifie les invariants de la comptabilité (chaînage, équilibre, numérotation, soldes)."
    # The system checks would load every URL module (the API, the PDF pages…): memory and time for nothing here
    # (`manage.py check` runs them; so do migrate and runserver).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--head",
            help=(
                "Tête de chaîne relevée hors de la base (« INDICE:EMPREINTE », rapport de clôture, manifeste "
                "d'export FEC ou de sauvegarde) : la chaîne doit toujours la contenir."
            ),
        )

    def handle(self, *args, **options):
        recorded = None
        if options.get("head"):
            try:
                recorded = chain.parse_head(options["head"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        failures = 0
        for check, problems in verify_all(recorded=recorded).items():
            if problems:
                failures += len(problems)
                self.stdout.write(self.style.ERROR(f"✗ {check} : {len(problems)} anomalie(s)"))
                for problem in problems:
                    self.stdout.write(f"  - {problem}")
            else:
                self.stdout.write(self.style.SUCCESS(f"✓ {check}"))
        head = chain.current_head()
        self.stdout.write(f"Tête de chaîne : {head} ({head.count} écriture(s) validée(s)).")
        if failures:
            raise CommandError(f"{failures} anomalie(s) trouvée(s).")
