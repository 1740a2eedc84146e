from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reinstall_triggers(sender, using="default", **kwargs) -> None:
    from django.db import connections

    from pilote.sales import triggers

    connection = connections[using]
    triggers.install(connection)
    if "sales_invoiceseal" in connection.introspection.table_names():  # not yet when migrating back before 0010
        triggers.SEALS.install(connection)


class SalesConfig(AppConfig):
    name = "pilote.sales"
    label = "sales"
    verbose_name = "Ventes"

    def ready(self) -> None:
        from pilote.core.personal_data import register_personal_data
        from pilote.core.registry import lazy
        from pilote.sales.personal_data import SOURCE as personal_data

        register_personal_data(personal_data)
        from pilote.core.registry import register_sales_volumes

        register_sales_volumes(lazy("pilote.sales.queries.invoices.volumes"))
        from pilote.core.pickers import register_picker
        from pilote.core.registry import (
            ContactPanel,
            DocumentSource,
            MenuItem,
            SearchProvider,
            TodoProvider,
            register_contact_panel,
            register_demo,
            register_demo_timeline,
            register_document_source,
            register_menu,
            register_search,
            register_todo,
        )
        from pilote.ledger import hooks, verify
        from pilote.sales import pickers, triggers

        del triggers  # imported to register its TriggerSet (verify_ledger checks every registered set)

        register_menu(
            "Clients et ventes",
            10,
            MenuItem("Devis", "sales:quote-list", "sales.view"),
            MenuItem("Commandes", "sales:order-list", "sales.view"),
            MenuItem("Livraisons", "sales:delivery-list", "sales.view"),
            MenuItem("Factures et avoirs", "sales:invoice-list", "sales.view"),
            MenuItem("Règlements clients", "sales:payment-list", "sales.view"),
            MenuItem("Encaissements à rapprocher", "sales:bank-match", "sales.payments"),
        )
        register_search(SearchProvider("Ventes", "sales.view", lazy("pilote.sales.search.search_documents")))
        register_document_source(
            DocumentSource(
                "sales",
                "Factures, commandes et devis (PDF)",
                "sales.view",
                lazy("pilote.sales.search.search_documents"),
            )
        )
        register_contact_panel(ContactPanel("sales.view", 10, lazy("pilote.sales.panels.contact_sales")))
        register_todo(TodoProvider("sales.issue", lazy("pilote.sales.todo.interrupted_issues")))
        register_demo_timeline(lazy("pilote.sales.demo.timeline"))
        register_demo(40, "ventes (devis, commandes, factures, règlements)", lazy("pilote.sales.demo.load"))
        register_picker(pickers.CUSTOMERS)
        register_picker(pickers.CUSTOMERS_AND_PROSPECTS)
        hooks.register(hooks.settlement_handlers, lazy("pilote.sales.bank_matching.ledger_settlement_handler"))
        hooks.register(hooks.operation_providers, lazy("pilote.sales.queries.vat.vat_bases"))
        verify.register_check("Chaînage des factures émises", lazy("pilote.sales.sealing.check_chain"))
        post_migrate.connect(_reinstall_triggers, sender=self)
