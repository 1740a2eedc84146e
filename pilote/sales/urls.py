"""URLs of sales: quotes, orders, deliveries, invoices, credit notes and payments."""

from django.urls import path

from pilote.sales.views import deliveries as dlv
from pilote.sales.views import invoices as inv
from pilote.sales.views import orders, quotes
from pilote.sales.views import payments as pay

app_name = "sales"
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
    path("commandes/adresses/", orders.order_addresses, name="order-addresses"),
    path("commandes/<int:pk>/", orders.order_detail, name="order-detail"),
    path("commandes/<int:pk>/livrer/", orders.order_deliver, name="order-deliver"),
    path("commandes/<int:pk>/acompte/", orders.order_deposit, name="order-deposit"),
    path("commandes/<int:pk>/facturer/", orders.order_invoice, name="order-invoice"),
    path("commandes/<int:pk>/annuler/", orders.order_cancel, name="order-cancel"),
    path("livraisons/<int:pk>/", orders.delivery_detail, name="delivery-detail"),
    path("livraisons/<int:pk>/pdf/", orders.delivery_pdf, name="delivery-pdf"),
    path("livraisons/", dlv.delivery_list, name="delivery-list"),
    path("factures/", inv.invoice_list, name="invoice-list"),
    path("factures/nouvelle/", inv.invoice_create, name="invoice-create"),
    path("factures/<int:pk>/", inv.invoice_detail, name="invoice-detail"),
    path("factures/<int:pk>/modifier/", inv.invoice_edit, name="invoice-edit"),
    path("factures/<int:pk>/supprimer/", inv.invoice_delete, name="invoice-delete"),
    path("factures/<int:pk>/emettre/", inv.invoice_issue, name="invoice-issue"),
    path("factures/<int:pk>/avoir/", inv.invoice_credit_note, name="invoice-credit-note"),
    path("factures/<int:pk>/pdf/", inv.invoice_pdf, name="invoice-pdf"),
    path("factures/<int:pk>/envoyer/", inv.invoice_send, name="invoice-send"),
    path("reglements/", pay.payment_list, name="payment-list"),
    path("reglements/client/<int:customer_pk>/", pay.payment_create, name="payment-create"),
    path("reglements/rapprochement/", pay.bank_match, name="bank-match"),
    path(
        "reglements/rapprochement/<int:line_pk>/<int:invoice_pk>/",
        pay.bank_match_confirm,
        name="bank-match-confirm",
    ),
]
