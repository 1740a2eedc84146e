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
            register_contact_panel,
            register_demo,
            register_menu,
            register_scheduled_payments,
            register_todo,
        )
        from pilote.purchases import demo, panels, payments, pickers, todo

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
        register_contact_panel(ContactPanel("purchases.view", 20, panels.contact_purchases))
        register_todo(TodoProvider("purchases.approve", todo.todo_items))
        register_scheduled_payments(payments.scheduled_payments)
        register_demo(45, "factures fournisseurs reçues", demo.load)
        from pilote.ledger import demo as ledger_demo

        if demo.book_supplier_invoice not in ledger_demo.supplier_invoice_handlers:
            ledger_demo.supplier_invoice_handlers.append(demo.book_supplier_invoice)
