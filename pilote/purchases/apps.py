from django.apps import AppConfig


class PurchasesConfig(AppConfig):
    name = "pilote.purchases"
    label = "purchases"
    verbose_name = "Achats"

    def ready(self) -> None:
        from pilote.core.pickers import register_picker
        from pilote.core.registry import (
            ContactPanel,
            MenuItem,
            TodoProvider,
            lazy,
            register_contact_panel,
            register_demo,
            register_menu,
            register_scheduled_payments,
            register_todo,
        )
        from pilote.ledger import hooks
        from pilote.purchases import pickers

        register_menu(
            "Fournisseurs et achats",
            20,
            MenuItem("Sélection des fournisseurs", "purchases:selection-list", "purchases.view"),
            MenuItem("Demandes de prix", "purchases:rfq-list", "purchases.view"),
            MenuItem("Commandes fournisseurs", "purchases:order-list", "purchases.view"),
            MenuItem("Factures fournisseurs", "purchases:invoice-list", "purchases.view"),
            MenuItem("Recevoir des factures", "purchases:invoice-receive", "purchases.receive"),
            MenuItem("Échéances fournisseurs", "purchases:due-list", "purchases.view"),
            MenuItem("Virements fournisseurs", "purchases:run-list", "purchases.view"),
            MenuItem("Évaluation des fournisseurs", "purchases:ranking", "purchases.view"),
            MenuItem("Réglages des achats", "purchases:settings", "purchases.settings"),
        )
        register_picker(pickers.SUPPLIERS)
        # Panels, to-do, payments and demo by dotted name: imported when used, not by every command's start-up.
        register_contact_panel(ContactPanel("purchases.view", 20, lazy("pilote.purchases.panels.contact_purchases")))
        register_todo(TodoProvider("purchases.approve", lazy("pilote.purchases.todo.todo_items")))
        register_scheduled_payments(lazy("pilote.purchases.payments.scheduled_payments"))
        register_demo(45, "factures fournisseurs reçues", lazy("pilote.purchases.demo.load"))
        hooks.register(hooks.supplier_invoice_handlers, lazy("pilote.purchases.demo.book_supplier_invoice"))
