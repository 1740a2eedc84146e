from django.core.management.base import BaseCommand, CommandError

from pilote.core import demo
from pilote.core.registry import demo_types


class Command(BaseCommand):
    help = "Charge la structure de démonstration (refuse si une structure existe déjà, sauf --if-empty)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Ne rien faire si une structure existe déjà.")
        parser.add_argument(
            "--type", default="company", choices=demo_types(),
            help="company (Lumen Bureautique, par défaut) ou association (Théâtre des Pentes).",
        )  # fmt: skip

    def handle(self, *args, **options):
        if demo.is_loaded():
            if options["if_empty"]:
                self.stdout.write("Une structure existe déjà : démo non chargée.")
                return
            raise CommandError("Une structure existe déjà : la démo ne se charge que dans une base vide.")
        self.stdout.write("Chargement de la structure de démonstration…")
        demo.load_demo(stdout=self.stdout, structure_type=options["type"])
        self.stdout.write(
            self.style.SUCCESS(
                "Démo chargée. Identifiants : direction, comptable, commercial, rh, "
                "assistant, salarie, auditeur — mot de passe « demo »."
            )
        )
