"""Write an issued invoice's Factur-X PDF to a file: `export_invoice F-2026-00001 --output f.pdf`, or
`export_invoice --latest --output f.pdf` for the most recently issued one."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilote.sales import documents
from pilote.sales.models import Invoice, InvoiceStatus


class Command(BaseCommand):
    help = "Exporte le PDF Factur-X (PDF/A-3, XML EN 16931 intégré) d'une facture ou d'un avoir émis."

    def add_arguments(self, parser):
        parser.add_argument("number", nargs="?", help="numéro de la facture, ex. F-2026-00001")
        parser.add_argument("--latest", action="store_true", help="la dernière facture émise")
        parser.add_argument("--output", required=True, help="chemin du fichier PDF à écrire")

    def handle(self, *args, number=None, latest=False, output=None, **options):
        issued = Invoice.objects.filter(status=InvoiceStatus.ISSUED)
        if latest == bool(number):
            raise CommandError("Donnez un numéro de facture, ou --latest (l'un ou l'autre).")
        if latest:
            invoice = issued.order_by("-issued_at", "-pk").first()
            if invoice is None:
                raise CommandError("Aucune facture émise.")
        else:
            invoice = issued.filter(number=number.strip()).first()
            if invoice is None:
                raise CommandError(f"Aucune facture émise ne porte le numéro {number}.")
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"Le dossier {path.parent} n'existe pas.")
        pdf = documents.archived_pdf(invoice)
        path.write_bytes(pdf)
        self.stdout.write(f"{invoice} → {path} ({len(pdf)} octets)")
