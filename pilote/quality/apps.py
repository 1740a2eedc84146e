from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "pilote.quality"
    label = "quality"
    verbose_name = "Risques et qualité"

    def ready(self) -> None:
        from pilote.core.registry import MenuItem, TodoProvider, register_demo, register_menu, register_todo
        from pilote.quality import demo, todo

        register_menu(
            "Risques et qualité",
            60,
            MenuItem("Registre des risques", "quality:risk-list", "quality.risks.view"),
            MenuItem("Cartographie des risques", "quality:heatmap", "quality.risks.view"),
            MenuItem("Paramètres qualité", "quality:settings", "quality.settings"),
        )
        register_todo(TodoProvider("quality.risks.view", todo.risk_items))
        register_demo(80, "risques et qualité", demo.load)
