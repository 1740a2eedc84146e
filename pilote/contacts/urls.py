from django.urls import path

from pilote.contacts.views import contacts as views
from pilote.contacts.views import imports, personal_data, related
from pilote.core.access import require_perm

app_name = "contacts"

urlpatterns = [
    path("", views.contact_list, name="list"),
    path("export.<str:fmt>", views.contact_export, name="export"),
    path("nouveau/", views.contact_create, name="create"),
    path("import/", imports.import_upload, name="import"),
    path("import/modele.csv", imports.import_template, name="import-template"),
    path("import/confirmer/", imports.import_confirm, name="import-confirm"),
    path("<int:pk>/", views.contact_detail, name="detail"),
    path("<int:pk>/modifier/", views.contact_edit, name="edit"),
    path("<int:pk>/archiver/", views.contact_archive, name="archive"),
    path("<int:pk>/donnees-personnelles.zip", personal_data.export, name="personal-data-archive"),
    path("<int:pk>/anonymiser/", personal_data.anonymise, name="anonymise"),
    path("<int:pk>/echanges/nouveau/", views.interaction_create, name="interaction-create"),
    path("echanges/<int:pk>/supprimer/", views.interaction_delete, name="interaction-delete"),
]

# Persons and addresses share one set of views; each URL is guarded by contacts.edit.
for kind, segment in (("person", "interlocuteurs"), ("address", "adresses")):
    urlpatterns += [
        path(
            f"<int:pk>/{segment}/nouveau/",
            require_perm("contacts.edit")(related.sub_create),
            {"kind": kind},
            name=f"{kind}-create",
        ),
        path(
            f"{segment}/<int:pk>/",
            require_perm("contacts.edit")(related.sub_edit),
            {"kind": kind},
            name=f"{kind}-edit",
        ),
        path(
            f"{segment}/<int:pk>/supprimer/",
            require_perm("contacts.edit")(related.sub_delete),
            {"kind": kind},
            name=f"{kind}-delete",
        ),
    ]
