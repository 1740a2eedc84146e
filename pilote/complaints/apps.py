from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "pilote.complaints"
    label = "complaints"
    verbose_name = "Réclamations"

    def ready(self) -> None:
        from pilote.core.registry import (
            ContactPanel,
            MenuItem,
            SearchProvider,
            TodoProvider,
            lazy,
            register_contact_panel,
            register_demo,
            register_menu,
            register_search,
            register_todo,
        )

        register_menu("Clients et ventes", 10, MenuItem("Réclamations", "complaints:list", "complaints.view"))
        register_search(
            SearchProvider("Réclamations", "complaints.view", lazy("pilote.complaints.search.search_complaints"))
        )
        register_todo(TodoProvider("complaints.edit", lazy("pilote.complaints.todo.todo_items")))
        register_contact_panel(ContactPanel("complaints.view", 40, lazy("pilote.complaints.panels.contact_complaints")))
        register_demo(70, "réclamations", lazy("pilote.complaints.demo.load"))
