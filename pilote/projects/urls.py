from django.urls import path

from pilote.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("nouveau/", views.project_create, name="create"),
    path("charge/", views.workload_page, name="workload"),
    path("temps/", views.time_list, name="time"),
    path("<int:pk>/temps/ajouter/", views.time_add, name="time-add"),
    path("temps/<int:pk>/supprimer/", views.time_delete, name="time-delete"),
    path("<int:pk>/temps/facturer/", views.time_invoice, name="time-invoice"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/modifier/", views.project_edit, name="edit"),
    path("<int:pk>/budget/", views.budget_edit, name="budget"),
    path("<int:pk>/taches/ajouter/", views.task_add, name="task-add"),
    path("<int:pk>/dependances/ajouter/", views.link_add, name="link-add"),
    path("taches/<int:pk>/", views.task_edit, name="task-edit"),
    path("taches/<int:pk>/supprimer/", views.task_delete, name="task-delete"),
    path("dependances/<int:pk>/supprimer/", views.link_delete, name="link-delete"),
]
