from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "pilote.pipeline"
    label = "pipeline"
    verbose_name = "Prospection et appels d'offres"
