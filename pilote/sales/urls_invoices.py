"""URLs of invoices, credit notes and payments (views_invoices.py, views_payments.py)."""

from django.urls import path

from pilote.sales import views_deliveries as dlv
from pilote.sales import views_invoices as inv
from pilote.sales import views_payments as pay

urlpatterns = [
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
