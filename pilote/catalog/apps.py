from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "pilote.catalog"
    label = "catalog"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        from pilote.catalog import pickers
        from pilote.core.pickers import register_picker
        from pilote.core.registry import MenuItem, lazy, register_demo, register_menu

        register_menu("Clients et ventes", 10, MenuItem("Catalogue", "catalog:list", "catalog.view"))
        register_demo(20, "catalogue", lazy("pilote.catalog.demo.load"))
        register_picker(pickers.ARTICLES)
