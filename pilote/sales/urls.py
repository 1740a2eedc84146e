from pilote.sales import urls_documents, urls_invoices

app_name = "sales"
urlpatterns = [*urls_documents.urlpatterns, *urls_invoices.urlpatterns]
