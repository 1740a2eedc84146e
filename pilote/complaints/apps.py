from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "pilote.complaints"
    label = "complaints"
    verbose_name = "Réclamations"
