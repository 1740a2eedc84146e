from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "pilote.operations"
    label = "operations"
    verbose_name = "Stocks, production et interventions"

    def ready(self) -> None:
        from pilote.core.audit_labels import register_labels
        from pilote.core.registry import (
            CostChainSource,
            LotTracking,
            MenuItem,
            TodoProvider,
            lazy,
            register_cost_chain,
            register_demo,
            register_demo_year_end,
            register_lot_tracking,
            register_menu,
            register_todo,
            register_worked_time,
        )
        from pilote.operations import audit_labels, hooks

        register_labels(audit_labels.LABELS)
        register_menu(
            "Stocks et production",
            57,
            MenuItem("Stock", "operations:items", "operations.view"),
            MenuItem("Mouvements de stock", "operations:moves", "operations.view"),
            MenuItem("Réapprovisionnement", "operations:reorder", "operations.view"),
            MenuItem("Lots et numéros de série", "operations:lots", "operations.view"),
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
        register_todo(TodoProvider("operations.view", lazy("pilote.operations.todo.reorder_alerts")))
        register_cost_chain(
            CostChainSource(
                "stock",
                "Stocks et production",
                "operations.view",
                lazy("pilote.operations.costchain.rows"),
                lazy("pilote.operations.costchain.products"),
            )
        )
        register_worked_time(lazy("pilote.operations.queries.interventions.worked_time"))
        hooks.connect()
        register_lot_tracking(LotTracking(hooks.tracked, hooks.suggest))
        register_demo(88, "stocks (articles, mouvements, inventaire)", lazy("pilote.operations.demo.load"))
        register_demo_year_end(lazy("pilote.operations.demo.year_end"))
        register_demo(
            89, "production (nomenclature, ordres de fabrication)", lazy("pilote.operations.demo.load_production")
        )
        register_demo(
            89, "interventions (deux semaines de maintenance)", lazy("pilote.operations.demo.load_interventions")
        )
        register_demo(
            89,
            "visites à domicile (aide et soins)",
            lazy("pilote.operations.demo.load_home_care"),
            structure_type="social",
        )
