from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reinstall_triggers(sender, using="default", **kwargs) -> None:
    from django.db import connections

    from pilote.quality import triggers

    connection = connections[using]
    if "quality_duerpversion" in connection.introspection.table_names():  # not yet when migrating back
        triggers.install(connection)


class QualityConfig(AppConfig):
    name = "pilote.quality"
    label = "quality"
    verbose_name = "Risques et qualité"

    def ready(self) -> None:
        from pilote.complaints.hooks import ComplaintPanel, register_complaint_panel
        from pilote.core.registry import MenuItem, TodoProvider, register_demo, register_menu, register_todo
        from pilote.quality import demo, panels, todo, triggers

        del triggers  # imported to register its TriggerSet (verify_ledger checks every registered set)
        register_menu(
            "Risques et qualité",
            60,
            MenuItem("Document unique (DUERP)", "quality:duerp", "quality.duerp.view"),
            MenuItem("Plan d'actions de prévention", "quality:action-plan", "quality.duerp.view"),
            MenuItem("Registre des risques", "quality:risk-list", "quality.risks.view"),
            MenuItem("Cartographie des risques", "quality:heatmap", "quality.risks.view"),
            MenuItem("Non-conformités", "quality:nc-list", "quality.nc.view"),
            MenuItem("Paramètres qualité", "quality:settings", "quality.settings"),
        )
        register_todo(TodoProvider("quality.risks.view", todo.risk_items))
        register_todo(TodoProvider("quality.duerp.publish", todo.duerp_items))
        register_todo(TodoProvider("quality.nc.view", todo.nc_items))
        register_complaint_panel(ComplaintPanel("quality.nc.view", 10, panels.complaint_nonconformities))
        register_demo(80, "risques et qualité", demo.load)
        post_migrate.connect(_reinstall_triggers, sender=self)
