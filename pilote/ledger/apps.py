from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reinstall_triggers(sender, using="default", **kwargs) -> None:
    from django.db import connections

    from pilote.ledger import entry_words, triggers

    triggers.install(connections[using])
    entry_words.install_triggers(connections[using])  # SQLite's words index, when a migration rebuilt ledger_entry


class LedgerConfig(AppConfig):
    name = "pilote.ledger"
    label = "ledger"
    verbose_name = "Comptabilité"

    def ready(self) -> None:
        from pilote.core.pickers import register_picker
        from pilote.core.registry import (
            CalendarLayer,
            MenuItem,
            SearchProvider,
            lazy,
            register_backup_fact,
            register_calendar_layer,
            register_demo,
            register_demo_finish,
            register_menu,
            register_search,
            register_structure_setup,
            register_structure_update,
        )
        from pilote.ledger import pickers, triggers

        register_calendar_layer(
            CalendarLayer("tva", "Déclarations de TVA", "ledger.view", lazy("pilote.ledger.calendar.vat_deadlines"))
        )

        del triggers  # imported to register its TriggerSet (core.dbtriggers)
        from pilote.core import jobs, schedule
        from pilote.ledger import verify

        verify.register_check("Cumuls analytiques et pièces non lettrées", verify.check_derived_aggregates)

        jobs.register_kind("ledger.fec_import", "Import d'un FEC")
        register_backup_fact("ledger.chain", lazy("pilote.ledger.chain.current_head_text"))

        schedule.register(
            schedule.Schedule(
                "ledger.verify", "Vérification d'inaltérabilité des écritures", verify.nightly_verification, hour=3
            )
        )

        schedule.register(
            schedule.Schedule(
                "ledger.aging", "Balance âgée des tiers portée au jour", lazy("pilote.ledger.aging.nightly"), hour=0,
                minute=5,
            )
        )  # fmt: skip

        register_menu(
            "Comptabilité",
            30,
            MenuItem("Écritures", "ledger:entry-list", "ledger.view"),
            MenuItem("Balance", "ledger:trial-balance", "ledger.view"),
            MenuItem("Grand livre", "ledger:general-ledger", "ledger.view"),
            MenuItem("Journaux", "ledger:journal-report", "ledger.view"),
            MenuItem("Balance âgée", "ledger:aged-balance", "ledger.view"),
            MenuItem("Clients et fournisseurs", "ledger:third-parties", "ledger.view"),
            MenuItem("Banques et rapprochement", "ledger:bank-list", "ledger.view"),
            MenuItem("Déclaration de TVA", "ledger:vat-return", "ledger.view"),
            MenuItem("Immobilisations", "ledger:asset-list", "ledger.view"),
            MenuItem("Plan comptable", "ledger:account-list", "ledger.view"),
            MenuItem("Journaux et exercices", "ledger:setup", "ledger.view"),
            MenuItem("Import FEC", "ledger:fec-import", "ledger.import"),
        )
        register_search(SearchProvider("Comptabilité", "ledger.view", lazy("pilote.ledger.search.search_books")))
        register_structure_setup(lazy("pilote.ledger.services.initialise_books"))
        register_structure_update(lazy("pilote.ledger.services.follow_structure_update"))
        # SQLite drops a table's triggers when a migration rebuilds it: put them back after every migrate.
        post_migrate.connect(_reinstall_triggers, sender=self)
        register_demo(
            25, "comptabilité analytique (axes, centres, ventilations)", lazy("pilote.ledger.demo.load_analytic")
        )
        register_demo(30, "comptabilité (deux exercices)", lazy("pilote.ledger.demo.load"))
        register_demo_finish(
            "lettrages datés du jour de leur dernière pièce", lazy("pilote.ledger.demo.date_lettering")
        )
        for picker in (pickers.ACCOUNTS, pickers.AUXILIARIES, pickers.THIRD_PARTIES):
            register_picker(picker)
