"""Each dataset gets its own URL names (« takeover:catalogue », « takeover:catalogue-job »…) wrapped by its own
permission, so the permission walk checks every one against the matrix."""

from django.urls import path

from pilote.core.access import require_perm
from pilote.takeover import views
from pilote.takeover.datasets import registry

app_name = "takeover"


def _dataset_patterns(dataset):
    guard = require_perm(dataset.perm)
    slug, key = dataset.key, {"key": dataset.key}
    return [
        path(f"{slug}/", guard(views.dataset_page), key, name=slug),
        path(f"{slug}/modele.<str:fmt>", guard(views.template_file), key, name=f"{slug}-template"),
        path(f"{slug}/<int:pk>/", guard(views.job_page), key, name=f"{slug}-job"),
        path(f"{slug}/<int:pk>/importer/", guard(views.start), key, name=f"{slug}-start"),
        path(f"{slug}/<int:pk>/progression/", guard(views.progress), key, name=f"{slug}-progress"),
    ]


urlpatterns = [
    path("", views.index, name="index"),
    *(pattern for dataset in registry.all_datasets() for pattern in _dataset_patterns(dataset)),
]
