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
        from pilote.sales.personal_data import SOURCE as personal_data

        register_personal_data(personal_data)
        from pilote.core.registry import register_sales_volumes
        from pilote.sales.queries.invoices import volumes

        register_sales_volumes(volumes)
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
        from pilote.ledger import bank, vat, verify
        from pilote.sales import bank_matching, demo, panels, pickers, sealing, search, todo, triggers
        from pilote.sales.queries import vat as vat_queries

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
        register_search(SearchProvider("Ventes", "sales.view", search.search_documents))
        register_document_source(
            DocumentSource("sales", "Factures, commandes et devis (PDF)", "sales.view", search.search_documents)
        )
        register_contact_panel(ContactPanel("sales.view", 10, panels.contact_sales))
        register_todo(TodoProvider("sales.issue", todo.interrupted_issues))
        register_demo_timeline(demo.timeline)
        register_demo(40, "ventes (devis, commandes, factures, règlements)", demo.load)
        register_picker(pickers.CUSTOMERS)
        register_picker(pickers.CUSTOMERS_AND_PROSPECTS)
        if bank_matching.ledger_settlement_handler not in bank.settlement_handlers:
            bank.settlement_handlers.append(bank_matching.ledger_settlement_handler)
        if vat_queries.vat_bases not in vat.operation_providers:
            vat.operation_providers.append(vat_queries.vat_bases)
        verify.register_check("Chaînage des factures émises", sealing.check_chain)
        post_migrate.connect(_reinstall_triggers, sender=self)
