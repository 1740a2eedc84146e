from django.urls import path

from pilote.ereporting import views

app_name = "ereporting"
urlpatterns = [
    path("", views.period_list, name="list"),
    path("<str:flow>/<str:start>/", views.period_detail, name="period"),
    path("<str:flow>/<str:start>/fichier.<str:fmt>", views.period_file, name="file"),
    path("<str:flow>/<str:start>/transmettre/", views.period_transmit, name="transmit"),
]
