"""Contacts with an order or an invoice are customers (issue 8 point 6): before the sales services set the
role with the first document, a prospect stayed a prospect after its orders, invoices and payments."""

from django.db import migrations
from django.db.models import Exists, OuterRef, Q


def mark_customers(apps, schema_editor):
    Contact = apps.get_model("contacts", "Contact")
    Order = apps.get_model("sales", "Order")
    Invoice = apps.get_model("sales", "Invoice")
    has_documents = Q(Exists(Order.objects.filter(customer=OuterRef("pk")))) | Q(
        Exists(Invoice.objects.filter(customer=OuterRef("pk")))
    )
    Contact.objects.filter(has_documents).exclude(is_customer=True, is_prospect=False).update(
        is_customer=True, is_prospect=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0005_constraint_messages"),
        ("sales", "0005_constraint_messages"),
    ]

    operations = [migrations.RunPython(mark_customers, migrations.RunPython.noop)]
