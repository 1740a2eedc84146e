from django.urls import path

from pilote.finance import views

app_name = "finance"
urlpatterns = [
    path("", views.diagnosis, name="diagnosis"),
    path("bilan-fonctionnel/", views.balance_sheet, name="balance-sheet"),
    path("ratios/", views.ratios, name="ratios"),
    path("seuil-de-rentabilite/", views.break_even, name="break-even"),
    path("seuil-de-rentabilite/part-variable/", views.cost_behaviour, name="cost-behaviour"),
    path("tresorerie/", views.treasury, name="treasury"),
]
