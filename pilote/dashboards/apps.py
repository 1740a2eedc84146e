from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "pilote.dashboards"
    label = "dashboards"
    verbose_name = "Tableaux de bord"

    def ready(self) -> None:
        from pilote.core.registry import (
            HomePanel,
            MenuItem,
            TodoProvider,
            lazy,
            register_demo,
            register_home_panel,
            register_kpi_threshold,
            register_menu,
            register_todo,
        )
        from pilote.dashboards import tiles

        register_menu(
            "Tableau de bord",
            5,
            MenuItem("Indicateurs", "dashboards:dashboard", "dashboards.view"),
            MenuItem("Seuils d'alerte", "dashboards:thresholds", "dashboards.thresholds"),
        )
        tiles.register()
        register_home_panel(HomePanel("dashboards.view", 10, lazy("pilote.dashboards.views.home_panel")))
        register_todo(TodoProvider("dashboards.thresholds", lazy("pilote.dashboards.todo.todo_items")))
        register_kpi_threshold(lazy("pilote.dashboards.services.threshold"))
        from pilote.core import jobs, schedule

        jobs.register_kind("dashboards.alerts", "Alertes des indicateurs")
        label = "Alertes des indicateurs (e-mail à la direction)"
        work = lazy("pilote.dashboards.alerts.nightly_check")
        schedule.register(schedule.Schedule("dashboards.alerts", label, work, hour=5, minute=30))
        register_demo(95, "tableau de bord (seuil de trésorerie)", lazy("pilote.dashboards.demo.load"))
