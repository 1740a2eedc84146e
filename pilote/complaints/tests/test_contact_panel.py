"""The complaints section on a contact's page, and a new complaint pre-filled from a contact or an invoice."""

from django.urls import reverse

from pilote.complaints import services


def test_contact_page_lists_the_customers_complaints(client_as, record, customers, personas):
    open_one = record(subject="Toner qui bave")
    closed = record(subject="Ancienne affaire")
    services.answer_complaint(actor=personas["commercial"], complaint=closed, text="OK")
    services.close_complaint(actor=personas["commercial"], complaint=closed, resolution="dropped")
    page = client_as("commercial").get(reverse("contacts:detail", args=[customers["bakery"].pk])).content.decode()
    section = page.split('id="reclamations"', 1)[1]
    assert "1 non close." in section
    assert section.index(open_one.reference) < section.index(closed.reference)  # open ones first
    assert f"/reclamations/nouvelle/?client={customers['bakery'].pk}" in section
    reader = client_as("auditeur").get(reverse("contacts:detail", args=[customers["bakery"].pk])).content.decode()
    assert open_one.reference in reader and "Nouvelle réclamation" not in reader
    hr = client_as("rh").get(reverse("contacts:detail", args=[customers["bakery"].pk])).content.decode()
    assert 'id="reclamations"' not in hr  # contacts.view without complaints.view


def test_panel_is_hidden_for_a_supplier_without_complaints(client_as, db):
    from pilote.contacts.models import Contact

    supplier = Contact.objects.create(name="Papeteries Dauphinoises", is_supplier=True)
    page = client_as("commercial").get(reverse("contacts:detail", args=[supplier.pk])).content.decode()
    assert 'id="reclamations"' not in page


def test_new_complaint_prefilled_from_an_invoice(client_as, sales_documents):
    invoice = sales_documents["invoice"]
    response = client_as("commercial").get(reverse("complaints:create"), {"facture": invoice.number})
    form = response.context["form"]
    assert form.initial["customer"] == sales_documents["customer"].pk
    assert form.initial["invoice_number"] == invoice.number
    response = client_as("commercial").get(reverse("complaints:create"), {"facture": "inconnue", "client": "x"})
    assert response.status_code == 200 and "customer" not in response.context["form"].initial
