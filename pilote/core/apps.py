from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "pilote.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from pilote.core import collation
        from pilote.core.registry import MenuItem, register_menu

        connection_created.connect(collation.register_sqlite, dispatch_uid="pilote.core.collation")

        # The structure's own pages, for the roles that may open them (core.permissions).
        register_menu(
            "Administration",
            90,
            MenuItem("Paramètres de la structure", "core:settings", "core.settings.view"),
            MenuItem("Utilisateurs", "core:user-list", "core.users.manage"),
            MenuItem("Journal d'audit", "core:audit-log", "core.audit.view"),
            MenuItem("Sauvegardes", "core:backups", "core.backups"),
            MenuItem("Traitements", "core:jobs", "core.jobs"),
        )
        from pilote.core import schedule
        from pilote.core.registry import lazy

        # Scheduled works by dotted name (here and in every app): imported when due, not by every command's start-up.
        schedule.register(
            schedule.Schedule("core.backup", "Sauvegarde de l'instance", lazy("pilote.core.backup.backup_job"), hour=2)
        )
