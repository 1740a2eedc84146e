from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reinstall_triggers(sender, using="default", **kwargs) -> None:
    from django.db import connections

    from pilote.quality import triggers

    connection = connections[using]
    tables = connection.introspection.table_names()
    for trigger_set, table in ((triggers.TRIGGERS, "quality_duerpversion"),
                               (triggers.PROCEDURE_TRIGGERS, "quality_procedureversion")):  # fmt: skip
        if table in tables:  # not yet when migrating back
            trigger_set.install(connection)


SOCIAL = ("social",)


class QualityConfig(AppConfig):
    name = "pilote.quality"
    label = "quality"
    verbose_name = "Risques et qualité"

    def ready(self) -> None:
        from pilote.complaints.hooks import ComplaintPanel, register_complaint_panel
        from pilote.core.audit_labels import register_labels
        from pilote.core.registry import (
            DocumentSource,
            MenuItem,
            TodoProvider,
            lazy,
            register_demo,
            register_document_source,
            register_menu,
            register_todo,
        )
        from pilote.quality import audit_labels, triggers

        register_labels(audit_labels.LABELS)

        del triggers  # imported to register its TriggerSet (verify_ledger checks every registered set)
        register_menu(
            "Risques et qualité",
            60,
            MenuItem("Document unique (DUERP)", "quality:duerp", "quality.duerp.view"),
            MenuItem("Plan d'actions de prévention", "quality:action-plan", "quality.duerp.view"),
            MenuItem("Registre des risques", "quality:risk-list", "quality.risks.view"),
            MenuItem("Cartographie des risques", "quality:heatmap", "quality.risks.view"),
            MenuItem("Non-conformités", "quality:nc-list", "quality.nc.view"),
            MenuItem("Procédures", "quality:procedure-list", "quality.procedures.view"),
            MenuItem("Programme d'audits", "quality:audit-list", "quality.audits.view"),
            MenuItem("Enquêtes de satisfaction", "quality:survey-list", "quality.surveys.view"),
            MenuItem("Veille", "quality:watch-list", "quality.watch.view"),
            MenuItem("Sources de veille", "quality:watch-sources", "quality.watch.edit"),
            MenuItem("Événements indésirables", "quality:event-list", "quality.events.view", structure_types=SOCIAL),
            MenuItem(
                "Déclarer un événement indésirable",
                "quality:event-declare",
                "quality.events.declare",
                structure_types=SOCIAL,
            ),
            MenuItem("Paramètres qualité", "quality:settings", "quality.settings"),
        )
        register_todo(TodoProvider("quality.risks.view", lazy("pilote.quality.todo.risk_items")))
        register_todo(TodoProvider("quality.duerp.publish", lazy("pilote.quality.todo.duerp_items")))
        register_todo(TodoProvider("quality.nc.view", lazy("pilote.quality.todo.nc_items")))
        register_todo(TodoProvider("quality.procedures.view", lazy("pilote.quality.todo.procedure_items")))
        register_complaint_panel(
            ComplaintPanel("quality.nc.view", 10, lazy("pilote.quality.panels.complaint_nonconformities"))
        )
        register_demo(80, "risques et qualité", lazy("pilote.quality.demo.load"))
        from pilote.core import jobs, schedule
        from pilote.quality import tiles

        tiles.register()
        jobs.register_kind("quality.watch", "Relevé des flux de veille")
        schedule.register(schedule.Schedule("quality.watch", "Relevé des flux de veille et synthèse",
                                            lazy("pilote.quality.services.watch.fetch_all"), hour=6))  # fmt: skip
        register_document_source(
            DocumentSource(
                "quality.duerp",
                "Document unique (DUERP)",
                "quality.duerp.view",
                lazy("pilote.quality.search.search_duerp_versions"),
            )
        )
        post_migrate.connect(_reinstall_triggers, sender=self)
