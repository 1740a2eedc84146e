from django.urls import path

from pilote.operations.views import stock

app_name = "operations"

urlpatterns = [
    path("", stock.item_list, name="items"),
    path("articles/nouveau/", stock.item_create, name="item-create"),
    path("articles/<int:pk>/", stock.item_detail, name="item"),
    path("articles/<int:pk>/modifier/", stock.item_edit, name="item-edit"),
    path("articles/<int:pk>/mouvement/", stock.move_add, name="move-add"),
    path("mouvements/", stock.move_list, name="moves"),
    path("emplacements/", stock.location_list, name="locations"),
    path("emplacements/nouveau/", stock.location_create, name="location-create"),
    path("inventaires/", stock.count_list, name="counts"),
    path("inventaires/ouvrir/", stock.count_open, name="count-open"),
    path("inventaires/<int:pk>/", stock.count_detail, name="count"),
    path("inventaires/<int:pk>/saisir/", stock.count_save, name="count-save"),
    path("variation-des-stocks/", stock.stock_closing, name="closing"),
    path("variation-des-stocks/comptabiliser/", stock.stock_closing_post, name="closing-post"),
]
