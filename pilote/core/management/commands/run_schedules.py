import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from pilote.core import schedule


class Command(BaseCommand):
    help = (
        "Lance les traitements planifiés arrivés à échéance (sauvegarde de la nuit, vérification du grand livre…) "
        "comme tâches de fond ; avec --loop, regarde toutes les 30 secondes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Tourner sans fin (à lancer à côté du worker).")
        parser.add_argument("--interval", type=float, default=30.0, help="Secondes entre deux passages.")

    def handle(self, *args, **options):
        while True:
            close_old_connections()
            for job in schedule.tick():
                self.stdout.write(f"Lancé : {job.kind} (traitement n° {job.pk})")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
