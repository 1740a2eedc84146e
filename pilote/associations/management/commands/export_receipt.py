"""Write the PDF of an issued tax receipt: `export_receipt --latest --output recu.pdf`, or
`export_receipt 42 --output recu-42.pdf` for receipt number 42 (a cancelled one prints as such)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilote.associations import documents
from pilote.associations.models import TaxReceipt


class Command(BaseCommand):
    help = "Exporte le PDF d'un reçu fiscal émis."

    def add_arguments(self, parser):
        parser.add_argument("number", nargs="?", type=int, help="numéro du reçu, ex. 42")
        parser.add_argument("--latest", action="store_true", help="le dernier reçu émis")
        parser.add_argument("--output", required=True, help="chemin du fichier PDF à écrire")

    def handle(self, *args, number=None, latest=False, output=None, **options):
        if latest == (number is not None):
            raise CommandError("Donnez un numéro de reçu, ou --latest (l'un ou l'autre).")
        receipts = TaxReceipt.objects.order_by("-number")
        receipt = receipts.first() if latest else receipts.filter(number=number).first()
        if receipt is None:
            raise CommandError("Aucun reçu fiscal émis." if latest else f"Aucun reçu fiscal n° {number}.")
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"Le dossier {path.parent} n'existe pas.")
        pdf = documents.receipt_pdf(receipt)
        path.write_bytes(pdf)
        self.stdout.write(f"{receipt} → {path} ({len(pdf)} octets)")
