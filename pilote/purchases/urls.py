from django.urls import path

from pilote.purchases.views import invoices, orders, payments, rfq

app_name = "purchases"

urlpatterns = [
    path("factures/", invoices.invoice_list, name="invoice-list"),
    path("factures/recevoir/", invoices.invoice_receive, name="invoice-receive"),
    path("factures/recevoir/nouveau-fournisseur/", invoices.invoice_receive_new_supplier, name="invoice-new-supplier"),
    path("factures/saisir/", invoices.invoice_create, name="invoice-create"),
    path("factures/<int:pk>/", invoices.invoice_detail, name="invoice-detail"),
    path("factures/<int:pk>/commande/", invoices.invoice_link, name="invoice-link"),
    path("factures/<int:pk>/ecarts/", invoices.invoice_match_accept, name="invoice-match-accept"),
    path("factures/<int:pk>/original/", invoices.invoice_original, name="invoice-original"),
    path("factures/<int:pk>/comptes/", invoices.invoice_accounts, name="invoice-accounts"),
    path("factures/<int:pk>/decision/", invoices.invoice_decide, name="invoice-decide"),
    path("commandes/", orders.order_list, name="order-list"),
    path("commandes/nouvelle/", orders.order_create, name="order-create"),
    path("commandes/<int:pk>/", orders.order_detail, name="order-detail"),
    path("commandes/<int:pk>/modifier/", orders.order_edit, name="order-edit"),
    path("commandes/<int:pk>/action/", orders.order_action, name="order-action"),
    path("commandes/<int:pk>/pdf/", orders.order_pdf, name="order-pdf"),
    path("commandes/<int:pk>/envoyer/", orders.order_send, name="order-send"),
    path("commandes/<int:pk>/reception/", orders.order_receive, name="order-receive"),
    path("demandes-de-prix/", rfq.request_list, name="rfq-list"),
    path("demandes-de-prix/nouvelle/", rfq.request_create, name="rfq-create"),
    path("demandes-de-prix/<int:pk>/", rfq.request_detail, name="rfq-detail"),
    path("demandes-de-prix/<int:pk>/abandon/", rfq.request_cancel, name="rfq-cancel"),
    path("demandes-de-prix/<int:pk>/<int:answer_pk>/pdf/", rfq.request_pdf, name="rfq-pdf"),
    path("demandes-de-prix/<int:pk>/<int:answer_pk>/envoyer/", rfq.request_send, name="rfq-send"),
    path("demandes-de-prix/<int:pk>/<int:answer_pk>/reponse/", rfq.request_answer, name="rfq-answer"),
    path("demandes-de-prix/<int:pk>/<int:answer_pk>/choix/", rfq.request_choose, name="rfq-choose"),
    path("reglages/", orders.purchase_settings, name="settings"),
    path("virements/", payments.run_list, name="run-list"),
    path("virements/nouveau/", payments.run_create, name="run-create"),
    path("virements/<int:pk>/", payments.run_detail, name="run-detail"),
    path("virements/<int:pk>/fichier/", payments.run_file, name="run-file"),
    path("virements/<int:pk>/action/", payments.run_action, name="run-action"),
]
