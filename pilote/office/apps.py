from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reinstall_triggers(sender, using="default", **kwargs) -> None:
    from django.db import connections

    from pilote.office import triggers

    connection = connections[using]
    if "office_booking" in connection.introspection.table_names():  # not yet when migrating back
        triggers.install(connection)


class OfficeConfig(AppConfig):
    name = "pilote.office"
    label = "office"
    verbose_name = "Organisation du bureau"

    def ready(self) -> None:
        from pilote.core import schedule
        from pilote.core.pickers import register_picker
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
        from pilote.office import pickers, triggers

        reminders = lazy("pilote.office.services.tasks.reminders_work")
        label = "Rappels des tâches proches ou en retard"
        schedule.register(schedule.Schedule("office.task_reminders", label, reminders, hour=7, minute=30))
        schedule.register(schedule.Schedule("office.waiting", "Listes d'attente des réservations : propositions "
                                            "expirées passées à la personne suivante",
                                            lazy("pilote.office.services.waiting.expired_offers_work"),
                                            hour=7))  # fmt: skip
        register_picker(pickers.REACHABLE)
        register_picker(pickers.STAKEHOLDERS)
        del triggers  # imported to register its TriggerSet and the overlap's French message
        register_menu(
            "Bureau",
            25,
            MenuItem("Agenda", "office:agenda", "office.view"),
            MenuItem("Réunions", "office:meeting-list", "office.meetings.view"),
            MenuItem("Relevé des décisions", "office:decision-list", "office.meetings.view"),
            MenuItem("Assemblées et conseils", "office:assembly-list", "office.meetings.view"),
            MenuItem("Tâches", "office:task-list", "office.view"),
            MenuItem("Matrice des priorités", "office:task-matrix", "office.view"),
            MenuItem("Réservations", "office:booking-list", "office.view"),
            MenuItem("Listes d'attente", "office:waiting-list", "office.book"),
            MenuItem("Salles, véhicules et matériel", "office:resource-list", "office.view"),
            MenuItem("Carnet de bord des véhicules", "office:trip-list", "office.view"),
            MenuItem("Plan de communication", "office:comm-action-list", "office.meetings.view"),
            MenuItem("Envois groupés", "office:mailing-list", "office.meetings.view"),
            MenuItem("Parties prenantes", "office:stakeholder-map", "office.meetings.view"),
            MenuItem("Études des besoins du territoire", "office:study-list", "office.meetings.view"),
            MenuItem("Documents", "office:document-list", "office.documents.view"),
            MenuItem("Plan de classement", "office:folder-list", "office.documents.view"),
            MenuItem("Purge des documents échus", "office:document-purge", "office.documents.purge"),
        )
        register_todo(TodoProvider("office.tasks", lazy("pilote.office.todo.task_items")))
        register_todo(TodoProvider("office.book", lazy("pilote.office.todo.waiting_offer_items")))
        register_todo(TodoProvider("office.view", lazy("pilote.office.todo.event_reminder_items")))
        from pilote.core import jobs
        from pilote.core.personal_data import register_personal_data
        from pilote.office import personal_data

        jobs.register_kind("office.mailing", "Envoi groupé de courriels")
        register_personal_data(personal_data.SOURCE)
        minutes = lazy("pilote.office.queries.meetings.search_minutes")
        register_document_source(
            DocumentSource("office.minutes", "Comptes rendus de réunion (PDF)", "office.meetings.view", minutes)
        )
        register_demo(
            95,
            "bureau (agenda, réservations, réunions, assemblées, tâches, documents)",
            lazy("pilote.office.demo.load"),
        )

        for kind in ("association", "social"):
            register_demo(
                96,
                "bureau (étude des besoins du territoire)",
                lazy("pilote.office.demo_territory.load"),
                structure_type=kind,
            )
        post_migrate.connect(_reinstall_triggers, sender=self)
