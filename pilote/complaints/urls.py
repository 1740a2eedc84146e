from django.urls import path

from pilote.complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("export.<str:fmt>", views.complaint_export, name="export"),
    path("nouvelle/", views.complaint_create, name="create"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/modifier/", views.complaint_edit, name="edit"),
    path("<int:pk>/suivi/", views.entry_create, name="entry-create"),
    path("<int:pk>/attribuer/", views.complaint_assign, name="assign"),
    path("<int:pk>/clore/", views.complaint_close, name="close"),
    path("<int:pk>/rouvrir/", views.complaint_reopen, name="reopen"),
]
