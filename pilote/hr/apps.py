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
        from pilote.core.audit_labels import register_labels
        from pilote.core.registry import (
            CalendarLayer,
            CashForecastSource,
            HomePanel,
            MenuItem,
            TodoProvider,
            lazy,
            register_calendar_layer,
            register_cash_forecast,
            register_demo,
            register_home_panel,
            register_menu,
            register_todo,
            register_work_accidents,
        )
        from pilote.hr import audit_labels, triggers

        register_cash_forecast(
            CashForecastSource("hr.pay", lazy("pilote.hr.queries.payroll.cash_flows"), replaces=("64",))
        )
        from pilote.hr import tiles

        tiles.register()

        del triggers  # imported to register its TriggerSet (verify_ledger checks every registered set)
        register_menu(
            "Personnel",
            30,
            MenuItem("Mon dossier", "hr:me", "hr.self"),
            MenuItem("Mes congés", "hr:leave-mine", "hr.self"),
            MenuItem("Congés à valider", "hr:team-requests", "hr.self"),
            MenuItem("Calendrier des absences", "hr:calendar", "hr.self"),
            MenuItem("Planning", "hr:planning", "hr.self"),
            MenuItem("Mes notes de frais", "hr:expenses-mine", "hr.self"),
            MenuItem("Annonces internes", "hr:announcements", "hr.self"),
            MenuItem("Notes de frais", "hr:expense-list", "hr.expenses.view"),
            MenuItem("Salariés", "hr:employee-list", "hr.view"),
            MenuItem("Registre du personnel", "hr:register", "hr.view"),
            MenuItem("Absences", "hr:absence-list", "hr.view"),
            MenuItem("Entretiens professionnels", "hr:interviews", "hr.view"),
            MenuItem("Plan de formation", "hr:training-list", "hr.view"),
            MenuItem("Compétences (GPEC)", "hr:skills", "hr.view"),
            MenuItem("Heures supplémentaires", "hr:overtime", "hr.view"),
            MenuItem("Paie (variables et écritures)", "hr:payroll", "hr.view"),
            MenuItem("Élections du CSE", "hr:cse", "hr.view"),
            MenuItem("Indicateurs sociaux", "hr:indicators", "hr.view"),
        )
        register_labels(audit_labels.LABELS)
        from pilote.core.personal_data import register_personal_data
        from pilote.hr.personal_data import SOURCE as personal_data

        register_personal_data(personal_data)
        register_todo(TodoProvider("hr.self", lazy("pilote.hr.todo.todo_items")))
        from pilote.core.registry import register_planned_hours

        register_planned_hours(
            lazy("pilote.hr.queries.worktime.planned_hours")
        )  # the intervention planning checks visits against the schedule
        register_calendar_layer(
            CalendarLayer("rh", "Fins de contrat", "hr.view", lazy("pilote.hr.calendar.contract_ends"))
        )
        register_calendar_layer(
            CalendarLayer("entretiens", "Entretiens à tenir", "hr.view", lazy("pilote.hr.calendar.interviews_due"))
        )
        register_work_accidents(lazy("pilote.hr.calendar.work_accident_dates"))
        # The staff and their contracts before the books (30): the ledger demo's calendar archives the weekly cash
        # plans (finance.demo.timeline), whose pay hr projects from the contracts (register_cash_forecast).
        register_demo(26, "personnel (salariés, registre)", lazy("pilote.hr.demo.load"))
        register_demo(27, "personnel (contrats de travail)", lazy("pilote.hr.demo.load_contracts"))
        register_demo(91, "personnel (congés et absences)", lazy("pilote.hr.demo.load_leave"))
        register_demo(92, "personnel (entretiens professionnels)", lazy("pilote.hr.demo.load_interviews"))
        register_demo(93, "personnel (élection du CSE)", lazy("pilote.hr.demo.load_cse"))
        register_demo(95, "personnel (variables de paie)", lazy("pilote.hr.demo.load_payroll"))
        register_demo(96, "personnel (notes de frais)", lazy("pilote.hr.demo.load_expenses"))
        register_demo(97, "personnel (plannings et heures)", lazy("pilote.hr.demo.load_schedules"))
        register_demo(
            98, "personnel (compétences, formation, entretiens annuels)", lazy("pilote.hr.demo.load_training")
        )
        register_demo(99, "personnel (parcours d'arrivée et de départ)", lazy("pilote.hr.demo.load_checklists"))
        register_home_panel(HomePanel("hr.self", 20, lazy("pilote.hr.views.announcements.home_panel")))
        post_migrate.connect(_reinstall_triggers, sender=self)
