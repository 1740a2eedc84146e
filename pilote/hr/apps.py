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
        from pilote.core.registry import MenuItem, TodoProvider, register_demo, register_menu, register_todo
        from pilote.hr import demo, todo, triggers

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
            MenuItem("Entretiens professionnels", "hr:interviews", "hr.view"),
            MenuItem("Paie (variables et écritures)", "hr:payroll", "hr.view"),
            MenuItem("Élections du CSE", "hr:cse", "hr.view"),
        )
        register_todo(TodoProvider("hr.self", todo.todo_items))
        register_demo(90, "personnel (salariés, registre)", demo.load)
        register_demo(91, "personnel (congés et absences)", demo.load_leave)
        register_demo(92, "personnel (entretiens professionnels)", demo.load_interviews)
        register_demo(93, "personnel (élection du CSE)", demo.load_cse)
        register_demo(94, "personnel (contrats de travail)", demo.load_contracts)
        register_demo(95, "personnel (variables de paie)", demo.load_payroll)
        post_migrate.connect(_reinstall_triggers, sender=self)
