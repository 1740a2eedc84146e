"""A small data set made through the services, one object of each kind the API serves, for the API's property test:
`small_dataset` returns the id of each, named as the OpenAPI document names its path parameter."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from pilote.lib.dates import local_today


def small_dataset(structure, personas) -> dict[str, int]:
    from pilote.catalog.models import Product
    from pilote.contacts.models import Contact
    from pilote.ledger.models_bank import BankAccount
    from pilote.office.services import documents
    from pilote.purchases import orders
    from pilote.purchases.models import PaymentRun, PaymentRunItem, SupplierInvoice, SupplierInvoiceOriginal
    from pilote.sales import issuing
    from pilote.sales import services as sales
    from pilote.sales.tests.factories import make_shop

    contact = Contact.objects.create(name="Cible", is_customer=True, is_supplier=True)
    product = Product.objects.create(reference="P1", name="Produit", unit_price=Decimal("12.5"))
    shop = make_shop(structure, personas)
    invoice = sales.create_invoice(
        actor=shop["actor"], customer=shop["customer"], date=shop["day"],
        lines=[sales.LineSpec.from_product(shop["p"]["book"], Decimal(1))],
    )  # fmt: skip
    invoice = issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)
    received = SupplierInvoice.objects.create(supplier=contact, number="F-1", date=shop["day"])
    SupplierInvoiceOriginal.objects.create(invoice=received, filename="f.xml", content_type="application/xml",
                                           content=b"<x/>", size=4, sha256="0" * 64)  # fmt: skip
    order = orders.create_order(actor=None, supplier=contact, date=shop["day"],
                                lines=[sales.LineSpec(description="Papier", quantity=Decimal(2),
                                                      unit_price=Decimal(10))])  # fmt: skip
    run = PaymentRun.objects.create(bank_account=BankAccount.objects.get(), execution_date=shop["day"],
                                    message_id="PILOTE-1", status="approved", total=Decimal(10))  # fmt: skip
    PaymentRunItem.objects.create(run=run, invoice=received, amount=Decimal(10), iban="FR7630006000011234567890189",
                                  end_to_end_id="1-1")  # fmt: skip
    folder = documents.create_folder(actor=personas["assistant"], name="Administration")
    document = documents.file_document(actor=personas["assistant"], uploaded=SimpleUploadedFile("n.txt", b"Note"),
                                       title="Note", folder=folder, document_date=shop["day"])  # fmt: skip
    from pilote.ledger import services as ledger
    from pilote.ledger.models import Account, FiscalYear, Journal

    accountant = personas["comptable"]
    od = Journal.objects.get(code="OD")
    lines = [
        ledger.LineInput(account=Account.objects.get(code="6061"), debit=Decimal("10"), label="Fournitures"),
        ledger.LineInput(account=Account.objects.get(code="530"), credit=Decimal("10"), label="Caisse"),
    ]
    draft = ledger.create_entry(actor=accountant, journal=od, date=shop["day"], label="Brouillard", lines=lines)
    posted = ledger.create_entry(actor=accountant, journal=od, date=shop["day"], label="Achat", lines=lines, post=True)
    from pilote.projects import services as projects

    project = projects.create_project(actor=personas["direction"], name="Refonte", customer=contact,
                                      start_date=shop["day"])  # fmt: skip
    task = projects.add_task(actor=personas["direction"], project=project, name="Étude", duration_days=3)
    projects.add_task(actor=personas["direction"], project=project, name="Réalisation", duration_days=5)
    time = projects.add_time_entry(actor=personas["direction"], task=task, person=personas["direction"],
                                   date=local_today(), hours=Decimal("1.5"))  # fmt: skip
    return {
        "project_id": project.pk,
        "task_id": task.pk,
        "time_id": time.pk,
        "second_task_id": project.tasks.exclude(pk=task.pk).get().pk,
        "account_id": Account.objects.get(code="6061").pk,
        "year_id": FiscalYear.objects.get().pk,
        "entry_id": draft.pk,
        "posted_entry_id": posted.pk,
        "contact_id": contact.pk,
        "product_id": product.pk,
        "invoice_id": invoice.pk,
        "supplier_invoice_id": received.pk,
        "order_id": order.pk,
        "run_id": run.pk,
        "document_id": document.pk,
        "version_id": document.versions.get().pk,
    }


# A valid body for each operation that takes one (path without /api/v1), so that a role holding the permission
# gets a 2xx: the permission walk sends it; the property test starts from it.
BODIES = {
    ("post", "/contacts"): {"name": "N", "is_customer": True},
    ("patch", "/contacts/{contact_id}"): {"city": "Lyon"},
    ("post", "/contacts/{contact_id}/echanges"): {"kind": "note", "subject": "S"},
    ("post", "/articles"): {"reference": "NEUF-1", "name": "Neuf", "unit_price": "12.50"},
    ("patch", "/articles/{product_id}"): {"unit_price": "13.00"},
    ("post", "/comptes"): {"code": "606100", "label": "Fournitures d'atelier"},
    ("post", "/journaux"): {"code": "OD2", "label": "Opérations diverses 2", "kind": "misc"},
    ("post", "/exercices"): {"start_date": "2027-01-01", "end_date": "2027-12-31"},
    ("post", "/exercices/{year_id}/verrouillage"): {"locked_until": "2026-01-31"},
    ("post", "/ecritures"): {
        "journal": "OD", "date": "2026-03-02", "label": "Achat", "valider": True,
        "lines": [{"account": "6061", "debit": "10.00"}, {"account": "530", "credit": "10.00"}],
    },
    ("put", "/ecritures/{entry_id}"): {
        "journal": "OD", "date": "2026-03-03", "label": "Achat corrigé",
        "lines": [{"account": "6061", "debit": "12.00"}, {"account": "530", "credit": "12.00"}],
    },
    ("post", "/ecritures/{entry_id}/contre-passation"): {},
    ("post", "/projets"): {"name": "Déménagement", "kind": "internal", "start_date": "2026-04-01"},
    ("patch", "/projets/{project_id}"): {"status": "active"},
    ("post", "/projets/{project_id}/taches"): {"name": "Recette", "duration_days": 2},
    ("patch", "/taches/{task_id}"): {"done_percent": 50},
    ("post", "/projets/{project_id}/dependances"): {"predecessor": "task_id", "successor": "second_task_id"},
    ("post", "/projets/{project_id}/temps"): {"task": "task_id", "date": "today", "hours": "2.25"},
}  # fmt: skip

# Operations whose path parameter must name another object of the data set than the one of its name.
IDS = {
    ("post", "/ecritures/{entry_id}/contre-passation"): {"entry_id": "posted_entry_id"},
}


def body_for(method: str, path: str, ids: dict[str, int]) -> dict:
    """The operation's valid body, the data set's ids and today's date put in."""
    body = BODIES[(method, path.removeprefix("/api/v1"))]
    return {name: ids.get(value, local_today().isoformat() if value == "today" else value)
            if isinstance(value, str) else value for name, value in body.items()}  # fmt: skip


def url_for(path: str, method: str, ids: dict[str, int]) -> str:
    """The operation's address (path as the OpenAPI document gives it) with the data set's ids."""
    short = path.removeprefix("/api/v1")
    names = {**{name: name for name in ids}, **IDS.get((method, short), {})}
    for name, key in names.items():
        path = path.replace("{" + name + "}", str(ids[key]))
    return path
