"""URLs of quotes, orders and deliveries (views_quotes.py, views_orders.py)."""

from django.urls import path

from pilote.sales import views_orders as orders
from pilote.sales import views_quotes as quotes

urlpatterns = [
    path("devis/", quotes.quote_list, name="quote-list"),
    path("devis/nouveau/", quotes.quote_create, name="quote-create"),
    path("devis/<int:pk>/", quotes.quote_detail, name="quote-detail"),
    path("devis/<int:pk>/modifier/", quotes.quote_edit, name="quote-edit"),
    path("devis/<int:pk>/pdf/", quotes.quote_pdf, name="quote-pdf"),
    path("devis/<int:pk>/envoyer/", quotes.quote_send, name="quote-send"),
    path("devis/<int:pk>/accepter/", quotes.quote_accept, name="quote-accept"),
    path("devis/<int:pk>/refuser/", quotes.quote_refuse, name="quote-refuse"),
    path("devis/<int:pk>/annuler/", quotes.quote_cancel, name="quote-cancel"),
    path("devis/<int:pk>/commande/", quotes.quote_convert, name="quote-convert"),
    path("devis/<int:pk>/dupliquer/", quotes.quote_duplicate, name="quote-duplicate"),
    path("commandes/", orders.order_list, name="order-list"),
    path("commandes/nouvelle/", orders.order_create, name="order-create"),
    path("commandes/<int:pk>/", orders.order_detail, name="order-detail"),
    path("commandes/<int:pk>/livrer/", orders.order_deliver, name="order-deliver"),
    path("commandes/<int:pk>/acompte/", orders.order_deposit, name="order-deposit"),
    path("commandes/<int:pk>/facturer/", orders.order_invoice, name="order-invoice"),
    path("commandes/<int:pk>/annuler/", orders.order_cancel, name="order-cancel"),
    path("livraisons/<int:pk>/", orders.delivery_detail, name="delivery-detail"),
    path("livraisons/<int:pk>/pdf/", orders.delivery_pdf, name="delivery-pdf"),
]
