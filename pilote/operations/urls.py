from django.urls import path

from pilote.operations.views import interventions as visits
from pilote.operations.views import lots, production, reorder, stock

app_name = "operations"

urlpatterns = [
    path("", stock.item_list, name="items"),
    path("articles/nouveau/", stock.item_create, name="item-create"),
    path("articles/<int:pk>/", stock.item_detail, name="item"),
    path("articles/<int:pk>/modifier/", stock.item_edit, name="item-edit"),
    path("articles/<int:pk>/mouvement/", stock.move_add, name="move-add"),
    path("mouvements/", stock.move_list, name="moves"),
    path("reapprovisionnement/", reorder.reorder_list, name="reorder"),
    path("reapprovisionnement/commander/", reorder.reorder_create, name="reorder-create"),
    path("lots/", lots.lot_list, name="lots"),
    path("lots/<int:pk>/", lots.lot_detail, name="lot"),
    path("emplacements/", stock.location_list, name="locations"),
    path("emplacements/nouveau/", stock.location_create, name="location-create"),
    path("inventaires/", stock.count_list, name="counts"),
    path("inventaires/ouvrir/", stock.count_open, name="count-open"),
    path("inventaires/<int:pk>/", stock.count_detail, name="count"),
    path("inventaires/<int:pk>/saisir/", stock.count_save, name="count-save"),
    path("variation-des-stocks/", stock.stock_closing, name="closing"),
    path("variation-des-stocks/comptabiliser/", stock.stock_closing_post, name="closing-post"),
    path("nomenclatures/", production.bom_list, name="boms"),
    path("nomenclatures/nouvelle/", production.bom_create, name="bom-create"),
    path("nomenclatures/postes/nouveau/", production.work_centre_create, name="work-centre-create"),
    path("nomenclatures/<int:pk>/", production.bom_detail, name="bom"),
    path("nomenclatures/<int:pk>/composant/", production.bom_line_add, name="bom-line-add"),
    path("nomenclatures/<int:pk>/operation/", production.bom_operation_add, name="bom-operation-add"),
    path("nomenclatures/composants/<int:pk>/retirer/", production.bom_line_delete, name="bom-line-delete"),
    path("fabrication/", production.order_list, name="orders"),
    path("fabrication/nouveau/", production.order_create, name="order-create"),
    path("fabrication/<int:pk>/", production.order_detail, name="order"),
    path("fabrication/<int:pk>/action/", production.order_action, name="order-action"),
]

# Mounted apart, at /interventions/ (pilote/urls.py), under its own namespace.
intervention_patterns = (
    [
        path("", visits.week, name="week"),
        path("liste/", visits.visit_list, name="list"),
        path("nouvelle/", visits.visit_create, name="create"),
        path("ma-journee/", visits.my_day, name="my-day"),
        path("intervenants/", visits.technicians, name="technicians"),
        path("intervenants/enregistrer/", visits.technician_save, name="technician-save"),
        path("secteurs/", visits.sectors, name="sectors"),
        path("secteurs/enregistrer/", visits.sector_save, name="sector-save"),
        path("secteurs/trajets/", visits.travel_save, name="travel-save"),
        path("<int:pk>/", visits.visit_detail, name="detail"),
        path("<int:pk>/deplacer/", visits.visit_move, name="move"),
        path("<int:pk>/annuler/", visits.visit_cancel, name="cancel"),
        path("<int:pk>/facturer/", visits.visit_invoice, name="invoice"),
        path("<int:pk>/etape/", visits.visit_step, name="step"),
    ],
    "interventions",
)
