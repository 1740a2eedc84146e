"""Write the SEPA credit transfer file of a payment run.

    python manage.py export_payment_run ID|--latest [--version 09|03] [--grouped] --output PATH

The file (pain.001.001.09 by default, .03 for banks that still ask for it) is checked against the official
ISO 20022 XSD before it is written; an unapproved run is refused. --grouped makes one transfer per supplier
(its remittance information lists the invoice numbers) instead of one per invoice.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilote.core.exceptions import DomainError
from pilote.purchases import payments
from pilote.purchases.models import PaymentRun, PaymentRunStatus


class Command(BaseCommand):
    help = "Écrit le fichier de virements SEPA (pain.001) d'un lot de virements fournisseurs approuvé."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # The interface names the message version --version, which Django's own --version (its release)
        # would shadow: ours wins.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("run_id", nargs="?", type=int, help="numéro du lot")
        parser.add_argument("--latest", action="store_true", help="le dernier lot approuvé ou exécuté")
        parser.add_argument("--version", choices=sorted(payments.VERSIONS), default="09")
        parser.add_argument("--grouped", action="store_true", help="un virement par fournisseur")
        parser.add_argument("--output", required=True, help="fichier à écrire")

    def handle(self, *args, **options):
        if options["latest"]:
            run = (
                PaymentRun.objects.filter(status__in=[PaymentRunStatus.APPROVED, PaymentRunStatus.EXECUTED])
                .order_by("-execution_date", "-id")
                .first()
            )
        elif options["run_id"]:
            run = PaymentRun.objects.filter(pk=options["run_id"]).first()
        else:
            raise CommandError("Indiquez le numéro du lot ou --latest.")
        if run is None:
            raise CommandError("Lot de virements introuvable.")
        try:
            xml = payments.sepa_file(run, options["version"], grouped=options["grouped"])
        except DomainError as error:
            raise CommandError(error.message) from None
        Path(options["output"]).write_bytes(xml)
        self.stdout.write(f"{run} : {run.items.count()} facture(s), {run.total} €, écrit dans {options['output']}.")
