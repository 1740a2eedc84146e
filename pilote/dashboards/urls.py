from django.urls import path

from pilote.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("seuils/", views.thresholds, name="thresholds"),
]
