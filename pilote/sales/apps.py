from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "pilote.sales"
    label = "sales"
    verbose_name = "Ventes"
