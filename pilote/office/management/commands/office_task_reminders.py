"""E-mail the owners of open tasks due within two days or late (once a day per task): run daily by cron until
the platform has its task runner."""

from django.core.management.base import BaseCommand

from pilote.lib.french import plural
from pilote.office.services.tasks import send_reminders


class Command(BaseCommand):
    help = "Envoie les rappels des tâches à échéance proche ou en retard."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="", help="Adresse du site, pour les liens des e-mails.")

    def handle(self, *args, base_url: str = "", **options):
        sent = send_reminders(base_url=base_url.rstrip("/"))
        self.stdout.write(f"{plural(sent, 'rappel envoyé', 'rappels envoyés')}.")
