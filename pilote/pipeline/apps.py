from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "pilote.pipeline"
    label = "pipeline"
    verbose_name = "Prospection et appels d'offres"

    def ready(self) -> None:
        from pilote.core.registry import (
            CalendarLayer,
            ContactPanel,
            MenuItem,
            SearchProvider,
            TodoProvider,
            lazy,
            register_calendar_layer,
            register_contact_panel,
            register_demo,
            register_menu,
            register_search,
            register_todo,
        )

        register_menu(
            "Clients et ventes",
            10,
            # A sales pipeline is a company's tool; associations and establishments answer calls for projects.
            MenuItem("Opportunités", "pipeline:kanban", "pipeline.view", structure_types=("company",)),
            MenuItem("Appels d'offres", "pipeline:tender-list", "pipeline.view"),
        )
        register_search(
            SearchProvider("Opportunités", "pipeline.view", lazy("pilote.pipeline.search.search_opportunities"))
        )
        register_search(
            SearchProvider("Appels d'offres", "pipeline.view", lazy("pilote.pipeline.search.search_tenders"))
        )
        register_todo(TodoProvider("pipeline.edit", lazy("pilote.pipeline.todo.todo_items")))
        register_contact_panel(ContactPanel("pipeline.view", 5, lazy("pilote.pipeline.panels.contact_pipeline")))
        register_demo(30, "opportunités et appels d'offres", lazy("pilote.pipeline.demo.load"))
        register_calendar_layer(
            CalendarLayer("ao", "Appels d'offres", "pipeline.view", lazy("pilote.pipeline.calendar.tender_deadlines"))
        )
