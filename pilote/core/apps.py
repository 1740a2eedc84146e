from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pilote.core"
    label = "core"
    verbose_name = "Socle"
