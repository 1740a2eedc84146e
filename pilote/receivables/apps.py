from django.apps import AppConfig


class ReceivablesConfig(AppConfig):
    name = "pilote.receivables"
    label = "receivables"
    verbose_name = "Recouvrement et analyse clients"

    def ready(self) -> None:
        from pilote.core.registry import MenuItem, TodoProvider, lazy, register_demo, register_menu, register_todo
        from pilote.sales.hooks import register_order_warning, register_other_receivables, register_payment_block

        register_menu(
            "Clients et ventes",
            10,
            MenuItem("Relances", "receivables:run", "sales.dunning"),
            MenuItem("Encours clients", "receivables:aged", "sales.view"),
            MenuItem("Analyse clients", "receivables:analysis", "sales.analysis"),
            MenuItem("Créances douteuses", "receivables:bad-debts", "receivables.bad_debts"),
            MenuItem("Prélèvements SEPA", "receivables:dd-runs", "sales.view"),
        )
        register_todo(TodoProvider("sales.dunning", lazy("pilote.receivables.todo.todo_items")))
        register_demo(60, "relances et encours clients", lazy("pilote.receivables.demo.load"))
        register_order_warning(lazy("pilote.receivables.credit.credit_warning"))
        register_payment_block(lazy("pilote.receivables.bad_debts.blocked_invoices"))
        register_other_receivables(lazy("pilote.receivables.ledger_items.total_due"))
        from pilote.core.personal_data import register_personal_data
        from pilote.receivables.personal_data import SOURCE as personal_data

        register_personal_data(personal_data)
