from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "pilote.projects"
    label = "projects"
    verbose_name = "Projets"

    def ready(self) -> None:
        from pilote.core.registry import MenuItem, TodoProvider, lazy, register_demo, register_menu, register_todo

        register_menu(
            "Projets",
            55,
            MenuItem("Projets", "projects:list", "projects.view"),
            MenuItem("Charge par personne", "projects:workload", "projects.view"),
            MenuItem("Temps passés", "projects:time", "projects.view"),
        )
        register_todo(TodoProvider("projects.view", lazy("pilote.projects.todo.late_tasks")))
        register_demo(85, "projets", lazy("pilote.projects.demo.load"))
        register_demo(
            85, "projet d'établissement", lazy("pilote.projects.demo.load_establishment"), structure_type="social"
        )
