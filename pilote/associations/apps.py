from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reinstall_triggers(sender, using="default", **kwargs) -> None:
    from django.db import connections

    from pilote.associations import triggers

    connection = connections[using]
    if "associations_taxreceipt" in connection.introspection.table_names():  # not yet when migrating back
        triggers.install(connection)


ASSOCIATIONS = ("association", "social")


class AssociationsConfig(AppConfig):
    name = "pilote.associations"
    label = "associations"
    verbose_name = "Vie associative"

    def ready(self) -> None:
        from pilote.associations.personal_data import SOURCE as personal_data
        from pilote.core.personal_data import register_personal_data

        register_personal_data(personal_data)
        from pilote.associations import audit_labels, triggers
        from pilote.core.audit_labels import register_labels
        from pilote.core.registry import (
            CalendarLayer,
            MemberSource,
            MenuItem,
            TodoProvider,
            lazy,
            register_calendar_layer,
            register_demo,
            register_demo_structure,
            register_member_source,
            register_menu,
            register_todo,
        )

        del triggers  # imported to register its TriggerSet (verify_ledger checks every registered set)
        register_labels(audit_labels.LABELS)
        from pilote.ledger import hooks

        hooks.register(hooks.section_code_users, lazy("pilote.associations.queries.grants.grant_names_section"))
        register_menu(
            "Vie associative",
            15,
            MenuItem("Tableau de bord associatif", "associations:home", "associations.view",
                     structure_types=ASSOCIATIONS),
            MenuItem("Adhérents", "associations:member-list", "associations.view", structure_types=ASSOCIATIONS),
            MenuItem("Cotisations", "associations:dues", "associations.view", structure_types=ASSOCIATIONS),
            MenuItem("Subventions", "associations:grant-list", "associations.view", structure_types=ASSOCIATIONS),
            MenuItem("Dons", "associations:donation-list", "associations.view", structure_types=ASSOCIATIONS),
            MenuItem("Reçus fiscaux", "associations:receipt-list", "associations.view", structure_types=ASSOCIATIONS),
            MenuItem("Bénévolat", "associations:volunteer-list", "associations.view", structure_types=ASSOCIATIONS),
            MenuItem("Rapports associatifs", "associations:reports", "associations.view",
                     structure_types=ASSOCIATIONS),
            MenuItem("CPOM", "associations:cpom-list", "associations.view", structure_types=("social",)),
            MenuItem("Activité mensuelle", "associations:activity-list", "associations.view",
                     structure_types=("social",)),
        )  # fmt: skip
        # Demo, to-do, calendar and members by dotted name: imported when used, not by every command's start-up.
        register_demo_structure("association", "pilote.associations.demo")
        register_demo(10, "vie associative (adhérents, dons, reçus fiscaux, subventions)",
                      lazy("pilote.associations.demo.load"), structure_type="association")  # fmt: skip
        register_demo_structure("social", "pilote.associations.social_demo")
        register_demo(10, "service d'aide et de soins à domicile (CPOM, activité, comptes)",
                      lazy("pilote.associations.social_demo.load"), structure_type="social")  # fmt: skip
        types = ("association", "social")  # a company's home page does not ask them
        register_todo(TodoProvider("associations.edit", lazy("pilote.associations.todo.dues_items"), types))
        register_todo(TodoProvider("associations.receipts", lazy("pilote.associations.todo.receipt_items"), types))
        register_todo(TodoProvider("associations.view", lazy("pilote.associations.todo.grant_items"), types))
        register_todo(TodoProvider("associations.view", lazy("pilote.associations.todo.cpom_items"), types))
        register_calendar_layer(CalendarLayer("subventions", "Subventions : comptes rendus", "associations.view",
                                              lazy("pilote.associations.calendar.grant_deadlines")))  # fmt: skip

        register_member_source(MemberSource("associations.members", "Adhérents de l'association",
                                            lazy("pilote.associations.assembly_members.members_on")))  # fmt: skip
        post_migrate.connect(_reinstall_triggers, sender=self)
