"""Write the PDF of a validated DUERP version: `export_duerp --latest --output duerp.pdf`, or
`export_duerp 3 --output duerp-v3.pdf` for version 3."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilote.quality import documents
from pilote.quality.models import DuerpVersion


class Command(BaseCommand):
    help = "Exporte le PDF d'une version validée du document unique (DUERP)."

    def add_arguments(self, parser):
        parser.add_argument("number", nargs="?", type=int, help="numéro de la version, ex. 2")
        parser.add_argument("--latest", action="store_true", help="la dernière version validée")
        parser.add_argument("--output", required=True, help="chemin du fichier PDF à écrire")

    def handle(self, *args, number=None, latest=False, output=None, **options):
        if latest == (number is not None):
            raise CommandError("Donnez un numéro de version, ou --latest (l'un ou l'autre).")
        versions = DuerpVersion.objects.order_by("-number")
        version = versions.first() if latest else versions.filter(number=number).first()
        if version is None:
            raise CommandError("Aucune version validée du DUERP." if latest else f"Aucune version {number} du DUERP.")
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"Le dossier {path.parent} n'existe pas.")
        pdf = documents.version_pdf(version)
        path.write_bytes(pdf)
        self.stdout.write(f"{version} → {path} ({len(pdf)} octets)")
