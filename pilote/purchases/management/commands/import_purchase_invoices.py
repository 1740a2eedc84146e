"""Receive supplier e-invoices from files or folders (a folder fed by the structure's platform).

    python manage.py import_purchase_invoices PATH... [--create-suppliers] [--user NAME]

Each Factur-X PDF, CII or UBL XML is checked and booked as « Reçue », its original kept. A refused file is
reported with its reasons and nothing of it is written; an unknown supplier is skipped unless
--create-suppliers creates it from what the invoice says. The exit status is 1 when a file was refused.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pilote.contacts import services as contact_services
from pilote.core.models import User
from pilote.purchases import services

SUFFIXES = {".pdf", ".xml"}


class Command(BaseCommand):
    help = "Reçoit des factures fournisseurs électroniques (Factur-X, CII, UBL) depuis des fichiers ou dossiers."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="fichiers ou dossiers")
        parser.add_argument("--create-suppliers", action="store_true", help="crée les fournisseurs inconnus")
        parser.add_argument("--user", help="utilisateur au nom duquel les factures sont reçues (défaut : aucun)")

    def handle(self, *paths, **options):
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"Utilisateur inconnu : {options['user']}")
        files = []
        for raw in options["paths"]:
            path = Path(raw)
            if path.is_dir():
                files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"Introuvable : {raw}")
        received = refused = skipped = 0
        for path in files:
            outcome = self._receive(path, actor, options["create_suppliers"])
            received += outcome == "received"
            refused += outcome == "refused"
            skipped += outcome == "skipped"
        self.stdout.write(f"{received} reçue(s), {refused} refusée(s), {skipped} en attente d'un fournisseur.")
        if refused:
            raise SystemExit(1)

    def _receive(self, path: Path, actor, create_suppliers: bool) -> str:
        content = path.read_bytes()
        try:
            try:
                invoice = services.receive_einvoice(actor=actor, content=content, filename=path.name)
            except services.UnknownSupplier as unknown:
                if not create_suppliers:
                    self.stdout.write(f"{path} : {unknown.message} Relancez avec --create-suppliers pour le créer.")
                    return "skipped"
                supplier = contact_services.create_contact(
                    actor=actor, **services.supplier_fields(unknown.invoice.seller)
                )
                invoice = services.receive_einvoice(actor=actor, content=content, filename=path.name, supplier=supplier)
        except services.EinvoiceRefused as refused:
            self.stderr.write(f"{path} : refusée — " + " ".join(refused.problems))
            return "refused"
        except ValidationError as error:
            self.stderr.write(f"{path} : fournisseur non créé — " + " ".join(error.messages))
            return "refused"
        self.stdout.write(f"{path} : {invoice} reçue, {invoice.total_gross} € TTC.")
        return "received"
