from django.apps import AppConfig


class TakeoverConfig(AppConfig):
    name = "pilote.takeover"
    label = "takeover"
    verbose_name = "Reprise de données"

    def ready(self) -> None:
        from pilote.core import jobs
        from pilote.core.audit_labels import register_labels
        from pilote.core.registry import MenuItem, register_menu
        from pilote.takeover import audit_labels
        from pilote.takeover.datasets import balances, catalogue, employees, invoices, registry, suppliers

        for dataset in (suppliers.DATASET, catalogue.DATASET, employees.DATASET, invoices.CUSTOMERS,
                        invoices.SUPPLIERS, balances.DATASET):  # fmt: skip
            registry.register(dataset)
            jobs.register_kind(f"takeover.{dataset.key}", f"Reprise de données : {dataset.title}")
        register_labels(audit_labels.LABELS)
        register_menu("Administration", 90, MenuItem("Reprise de données", "takeover:index", "takeover.view"))
