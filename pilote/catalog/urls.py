from django.urls import path

from pilote.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.product_list, name="list"),
    path("nouveau/", views.product_create, name="create"),
    path("<int:pk>/", views.product_edit, name="edit"),
]
