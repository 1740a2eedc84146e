from django.urls import path

from pilote.pipeline.views import opportunities, tenders

app_name = "pipeline"

urlpatterns = [
    path("", opportunities.kanban, name="kanban"),
    path("opportunites/", opportunities.opportunity_list, name="list"),
    path("opportunites/export.<str:fmt>", opportunities.opportunity_export, name="export"),
    path("opportunites/nouvelle/", opportunities.opportunity_create, name="create"),
    path("opportunites/<int:pk>/", opportunities.opportunity_detail, name="detail"),
    path("opportunites/<int:pk>/modifier/", opportunities.opportunity_edit, name="edit"),
    path("opportunites/<int:pk>/etape/", opportunities.opportunity_move, name="move"),
    path("opportunites/<int:pk>/cloturer/", opportunities.opportunity_close, name="close"),
    path("appels-d-offres/", tenders.tender_list, name="tender-list"),
    path("appels-d-offres/export.<str:fmt>", tenders.tender_export, name="tender-export"),
    path("appels-d-offres/nouveau/", tenders.tender_create, name="tender-create"),
    path("appels-d-offres/<int:pk>/", tenders.tender_detail, name="tender-detail"),
    path("appels-d-offres/<int:pk>/modifier/", tenders.tender_edit, name="tender-edit"),
    path("appels-d-offres/<int:pk>/grille/", tenders.tender_grid, name="tender-grid"),
    path("appels-d-offres/<int:pk>/criteres/", tenders.criterion_add, name="criterion-add"),
    path("appels-d-offres/criteres/<int:pk>/supprimer/", tenders.criterion_delete, name="criterion-delete"),
    path("appels-d-offres/<int:pk>/decision/", tenders.tender_decide, name="tender-decide"),
    path("appels-d-offres/<int:pk>/taches/", tenders.task_add, name="task-add"),
    path("appels-d-offres/taches/<int:pk>/", tenders.task_toggle, name="task-toggle"),
    path("appels-d-offres/taches/<int:pk>/supprimer/", tenders.task_delete, name="task-delete"),
    path("appels-d-offres/<int:pk>/pieces/", tenders.document_upload, name="document-upload"),
    path("appels-d-offres/pieces/<int:pk>/", tenders.document_download, name="document-download"),
    path("appels-d-offres/pieces/<int:pk>/supprimer/", tenders.document_delete, name="document-delete"),
]
