from django.apps import AppConfig


class EreportingConfig(AppConfig):
    name = "pilote.ereporting"
    label = "ereporting"
    verbose_name = "E-reporting"

    def ready(self) -> None:
        from pilote.core.registry import MenuItem, register_menu

        register_menu("Comptabilité", 30, MenuItem("E-reporting", "ereporting:list", "ereporting.view"))
