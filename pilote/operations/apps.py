from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "pilote.operations"
    label = "operations"
    verbose_name = "Stocks, production et interventions"

    def ready(self) -> None:
        from pilote.core.audit_labels import register_labels
        from pilote.core.registry import MenuItem, TodoProvider, register_demo, register_menu, register_todo
        from pilote.operations import audit_labels, demo, hooks, todo

        register_labels(audit_labels.LABELS)
        register_menu(
            "Stocks et production",
            57,
            MenuItem("Stock", "operations:items", "operations.view"),
            MenuItem("Mouvements de stock", "operations:moves", "operations.view"),
            MenuItem("Inventaires", "operations:counts", "operations.view"),
            MenuItem("Nomenclatures", "operations:boms", "operations.view"),
            MenuItem("Ordres de fabrication", "operations:orders", "operations.view"),
        )
        register_menu(
            "Interventions",
            58,
            MenuItem("Planning de la semaine", "interventions:week", "operations.view"),
            MenuItem("Ma journée", "interventions:my-day", "operations.my_day"),
            MenuItem("Toutes les interventions", "interventions:list", "operations.view"),
        )
        register_todo(TodoProvider("operations.view", todo.reorder_alerts))
        hooks.connect()
        register_demo(88, "stocks (articles, mouvements, inventaire)", demo.load)
        register_demo(89, "production (nomenclature, ordres de fabrication)", demo.load_production)
        register_demo(89, "interventions (deux semaines de maintenance)", demo.load_interventions)
