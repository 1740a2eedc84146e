from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from pilote.core import services
from pilote.core.exceptions import DomainError
from pilote.core.models import StructureType
from pilote.lib.dates import fiscal_year_containing, parse_month_day


class Command(BaseCommand):
    help = "Crée la structure sans passer par l'assistant web (hébergeurs, scripts)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Raison sociale")
        parser.add_argument("--siren", required=True, help="SIREN (9 chiffres)")
        parser.add_argument("--type", required=True, choices=StructureType.values)
        parser.add_argument("--fiscal-year-start", default="01-01", help="Début d'exercice MM-JJ (défaut 01-01)")

    def handle(self, *args, **options):
        try:
            month, day = parse_month_day(options["fiscal_year_start"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        start, end = fiscal_year_containing(timezone.localdate(), month, day)
        try:
            with transaction.atomic():
                structure = services.create_structure(
                    actor=None,
                    type=options["type"],
                    legal_name=options["name"],
                    siren=options["siren"],
                    fiscal_year_start=start,
                    fiscal_year_end=end,
                )
                services.initialise_structure(actor=None, structure=structure)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Structure « {structure.legal_name} » créée (SIREN {structure.siren}, TVA {structure.vat_number}, "
                f"exercice du {start:%d/%m/%Y} au {end:%d/%m/%Y})."
            )
        )
