from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reinstall_triggers(sender, using="default", **kwargs) -> None:
    from django.db import connections

    from pilote.hr import triggers

    triggers.install(connections[using])


class HrConfig(AppConfig):
    name = "pilote.hr"
    label = "hr"
    verbose_name = "Personnel"

    def ready(self) -> None:
        from pilote.core.registry import MenuItem, register_demo, register_menu
        from pilote.hr import demo, triggers

        del triggers  # imported to register its TriggerSet (verify_ledger checks every registered set)
        register_menu(
            "Personnel",
            30,
            MenuItem("Mon dossier", "hr:me", "hr.self"),
            MenuItem("Mes congés", "hr:leave-mine", "hr.self"),
            MenuItem("Congés à valider", "hr:team-requests", "hr.self"),
            MenuItem("Calendrier des absences", "hr:calendar", "hr.self"),
            MenuItem("Salariés", "hr:employee-list", "hr.view"),
            MenuItem("Registre du personnel", "hr:register", "hr.view"),
            MenuItem("Absences", "hr:absence-list", "hr.view"),
        )
        register_demo(90, "personnel (salariés, registre)", demo.load)
        register_demo(91, "personnel (congés et absences)", demo.load_leave)
        post_migrate.connect(_reinstall_triggers, sender=self)
