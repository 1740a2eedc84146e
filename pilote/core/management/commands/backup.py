from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilote.core import backup
from pilote.lib.formats import format_number


class Command(BaseCommand):
    help = (
        "Sauvegarde toute l'instance dans une archive .tar.gz (données, copie native de la base, fichiers privés "
        "et médias, manifeste avec les empreintes SHA-256)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="Chemin de l'archive (par défaut : dossier des sauvegardes).")
        parser.add_argument(
            "--keep", type=int, default=0, help="Ne garder que les N sauvegardes les plus récentes du dossier."
        )

    def handle(self, *args, **options):
        try:
            result = backup.create_backup(options["output"], progress=self.stdout.write)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde écrite : {result.path} ({format_number(result.size / 1_000_000, 1)} Mo, "
                f"{result.tables} tables, {format_number(result.rows, 0)} lignes, {result.files} fichiers)."
            )
        )
        if options["keep"]:
            for removed in backup.prune_backups(options["keep"]):
                self.stdout.write(f"Ancienne sauvegarde supprimée : {removed.name}")
