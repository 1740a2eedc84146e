from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "pilote.finance"
    label = "finance"
    verbose_name = "Finances"

    def ready(self) -> None:
        from pilote.core.audit_labels import register_labels
        from pilote.core.registry import MenuItem, lazy, register_demo, register_demo_timeline, register_menu
        from pilote.finance.audit_labels import LABELS

        register_labels(LABELS)
        from pilote.ledger import hooks

        hooks.register(hooks.section_code_users, lazy("pilote.finance.services.costing_names_section"))
        hooks.register(hooks.section_kind_users, lazy("pilote.finance.services.check_section_kind"))

        register_menu(
            "Finances",
            35,
            MenuItem("Diagnostic financier", "finance:diagnosis", "finance.view"),
            MenuItem("Bilan fonctionnel", "finance:balance-sheet", "finance.view"),
            MenuItem("Ratios", "finance:ratios", "finance.view"),
            MenuItem("Seuil de rentabilité", "finance:break-even", "finance.view"),
            MenuItem("Plan de trésorerie", "finance:treasury", "finance.view"),
            MenuItem("Budgets", "finance:budget-list", "finance.view"),
            MenuItem("Comptabilité analytique", "finance:analytic", "finance.view"),
            MenuItem("Coûts complets", "finance:costing", "finance.view"),
        )
        from pilote.core import jobs, schedule

        jobs.register_kind("finance.treasury", "Trésorerie : habitudes de paiement et plan de la semaine")
        label = "Trésorerie : habitudes de paiement des clients et plan de la semaine archivé"
        schedule.register(
            schedule.Schedule("finance.treasury", label, lazy("pilote.finance.services.treasury_night"), hour=5)
        )
        register_demo(
            93, "coûts complets et budget de l'exercice (initial et révisé)", lazy("pilote.finance.demo.load")
        )
        register_demo_timeline(lazy("pilote.finance.demo.timeline"))
