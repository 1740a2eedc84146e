from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from pilote.core import backup
from pilote.lib.formats import format_number


class Command(BaseCommand):
    help = (
        "Restaure une archive de `backup` dans une instance neuve (base migrée sans données), sur SQLite ou "
        "PostgreSQL quelle que soit la base d'origine ; refuse une archive endommagée."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--no-verify", action="store_true", help="Ne pas lancer verify_ledger ensuite.")

    def handle(self, *args, **options):
        call_command("migrate", verbosity=0, interactive=False)
        try:
            result = backup.restore_backup(options["archive"], progress=self.stdout.write)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Instance restaurée : {result.tables} tables, {format_number(result.rows, 0)} lignes, "
                f"{result.files} fichiers — empreintes identiques à la sauvegarde."
            )
        )
        if not options["no_verify"]:
            head = result.facts.get("ledger.chain")  # the chain must still contain the head the backup wrote down
            call_command("verify_ledger", stdout=self.stdout, **({"head": head} if head else {}))
