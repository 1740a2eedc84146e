from django.urls import path

from pilote.pipeline import tender_views, views

app_name = "pipeline"

urlpatterns = [
    path("", views.kanban, name="kanban"),
    path("opportunites/", views.opportunity_list, name="list"),
    path("opportunites/export.<str:fmt>", views.opportunity_export, name="export"),
    path("opportunites/nouvelle/", views.opportunity_create, name="create"),
    path("opportunites/<int:pk>/", views.opportunity_detail, name="detail"),
    path("opportunites/<int:pk>/modifier/", views.opportunity_edit, name="edit"),
    path("opportunites/<int:pk>/etape/", views.opportunity_move, name="move"),
    path("opportunites/<int:pk>/cloturer/", views.opportunity_close, name="close"),
    path("appels-d-offres/", tender_views.tender_list, name="tender-list"),
    path("appels-d-offres/export.<str:fmt>", tender_views.tender_export, name="tender-export"),
    path("appels-d-offres/nouveau/", tender_views.tender_create, name="tender-create"),
    path("appels-d-offres/<int:pk>/", tender_views.tender_detail, name="tender-detail"),
    path("appels-d-offres/<int:pk>/modifier/", tender_views.tender_edit, name="tender-edit"),
    path("appels-d-offres/<int:pk>/grille/", tender_views.tender_grid, name="tender-grid"),
    path("appels-d-offres/<int:pk>/criteres/", tender_views.criterion_add, name="criterion-add"),
    path("appels-d-offres/criteres/<int:pk>/supprimer/", tender_views.criterion_delete, name="criterion-delete"),
    path("appels-d-offres/<int:pk>/decision/", tender_views.tender_decide, name="tender-decide"),
    path("appels-d-offres/<int:pk>/taches/", tender_views.task_add, name="task-add"),
    path("appels-d-offres/taches/<int:pk>/", tender_views.task_toggle, name="task-toggle"),
    path("appels-d-offres/taches/<int:pk>/supprimer/", tender_views.task_delete, name="task-delete"),
    path("appels-d-offres/<int:pk>/pieces/", tender_views.document_upload, name="document-upload"),
    path("appels-d-offres/pieces/<int:pk>/", tender_views.document_download, name="document-download"),
    path("appels-d-offres/pieces/<int:pk>/supprimer/", tender_views.document_delete, name="document-delete"),
]
