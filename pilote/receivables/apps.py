from django.apps import AppConfig


class ReceivablesConfig(AppConfig):
    name = "pilote.receivables"
    label = "receivables"
    verbose_name = "Recouvrement et analyse clients"
