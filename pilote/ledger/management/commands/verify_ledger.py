from django.core.management.base import BaseCommand, CommandError

from pilote.ledger.verify import verify_all


class Command(BaseCommand):
    help = "Vérifie les invariants de la comptabilité (chaînage, équilibre, numérotation, soldes)."

    def handle(self, *args, **options):
        failures = 0
        for check, problems in verify_all().items():
            if problems:
                failures += len(problems)
                self.stdout.write(self.style.ERROR(f"✗ {check} : {len(problems)} anomalie(s)"))
                for problem in problems:
                    self.stdout.write(f"  - {problem}")
            else:
                self.stdout.write(self.style.SUCCESS(f"✓ {check}"))
        if failures:
            raise CommandError(f"{failures} anomalie(s) trouvée(s).")
