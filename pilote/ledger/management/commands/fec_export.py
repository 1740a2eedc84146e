"""`manage.py fec_export --year 2026 --output /chemin/` — the FEC of the fiscal year closing in 2026."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilote.core.models import Structure
from pilote.ledger.fec import fec_filename, write_fec
from pilote.ledger.models import Entry, EntryStatus, FiscalYear


class Command(BaseCommand):
    help = "Exporte le Fichier des Écritures Comptables (FEC) d'un exercice (écritures validées seulement)."
    # A read of the books: the system checks would load every URL module (the API, the PDF pages…) and cost a
    # third of a second before the first line (`manage.py check` runs them; so do migrate and runserver).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Année de clôture de l'exercice (AAAA).")
        parser.add_argument(
            "--output",
            required=True,
            help="Fichier à écrire, ou dossier (le nom légal SIRENFECAAAAMMJJ.txt y est alors utilisé).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=min(os.cpu_count() or 1, 4),
            help="Processus écrivant le fichier en parallèle sur un gros exercice (défaut : un par cœur, 4 au plus).",
        )

    def handle(self, *args, year, output, workers, **options):
        if workers < 1:
            raise CommandError("--workers : au moins 1.")
        years = list(FiscalYear.objects.filter(end_date__year=year))
        if not years:
            raise CommandError(f"Aucun exercice ne se clôt en {year}.")
        if len(years) > 1:
            raise CommandError(f"Plusieurs exercices se clôturent en {year} : {', '.join(map(str, years))}.")
        fiscal_year = years[0]
        structure = Structure.objects.filter(pk=1).first()
        if structure is None or not structure.siren:
            raise CommandError("Le SIREN de la structure n'est pas renseigné : il entre dans le nom légal du FEC.")
        try:
            name = fec_filename(structure.siren, fiscal_year.end_date)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        path = Path(output)
        if path.is_dir():
            path = path / name
        try:
            count = write_fec(fiscal_year, path, workers=workers)
        except OSError as exc:
            raise CommandError(f"Écriture impossible de {path} : {exc.strerror}.") from exc
        drafts = Entry.objects.filter(fiscal_year=fiscal_year, status=EntryStatus.DRAFT).count()
        if drafts:
            self.stderr.write(f"Attention : {drafts} brouillard(s) non validé(s) ne figurent pas dans le FEC.")
        self.stdout.write(self.style.SUCCESS(f"FEC de {fiscal_year} écrit dans {path} : {count} ligne(s)."))
