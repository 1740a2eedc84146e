"""The small data set's rows for the operations helper apia added (e-invoices received as files, requests for
quotes, supplier evaluation…): `rows` adds them to the ids of `dataset.small_dataset`; BODIES, IDS and OBJECT_RULES
are merged into the data set's own."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal

from pilote.api.tests.days import day


def einvoice_base64(number: str = "FA-2026-0042") -> str:
    """A CII e-invoice of « Atelier Pilote » (SIREN 123 456 782) to the test structure, in base64."""
    from pilote.purchases.tests import factories

    return base64.b64encode(factories.cii(factories.supplier_invoice(number=number))).decode()


def rows(structure, personas, ids: dict[str, int]) -> dict[str, int]:
    from pilote.contacts.models import Contact
    from pilote.purchases import rfq

    owner = personas["direction"]
    supplier = Contact.objects.get(pk=ids["contact_id"])
    other = Contact.objects.create(name="Papeterie Alpine", is_supplier=True)
    asked = rfq.create_request(actor=owner, title="Ramettes", date=day(3, 2), suppliers=[supplier, other],
                               lines=[rfq.RequestedLine("Ramette A4", Decimal(10))])  # fmt: skip
    line = asked.lines.get()
    answered = asked.answers.get(supplier=other)
    rfq.record_answer(actor=owner, answer=answered, prices={line.pk: (Decimal("4.20"), "20.00")},
                      answered_on=day(3, 4), delay_days=5)  # fmt: skip
    return {"rfq_id": asked.pk, "rfq_line_id": line.pk, "answer_id": asked.answers.get(supplier=supplier).pk,
            "answered_id": answered.pk, **_receivables(personas, ids), **_tender(personas, ids)}  # fmt: skip


def _tender(personas, ids: dict[str, int]) -> dict[str, int]:
    """The data set's tender with a task and a document (its grid has the default criteria)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pilote.pipeline import tender_services
    from pilote.pipeline.models import Tender

    tender, seller = Tender.objects.get(pk=ids["tender_id"]), personas["commercial"]
    task = tender_services.add_task(actor=seller, tender=tender, title="Relire le CCTP", due_date=day(4, 1))
    document = tender_services.attach_document(actor=seller, tender=tender, kind="dce",
                                               uploaded=SimpleUploadedFile("rc.txt", b"Reglement"))  # fmt: skip
    from pilote.finance import services as finance

    loan = finance.create_loan(actor=personas["comptable"], label="Camion", lender="Banque", principal=Decimal(24000),
                               annual_rate=Decimal("4.2"), months=48, first_due=day(5, 5))  # fmt: skip
    return {"criterion_id": tender.criteria.order_by("pk").first().pk, "tender_task_id": task.pk,
            "tender_document_id": document.pk, "loan_id": loan.pk, **_bank_and_visit(personas, ids)}  # fmt: skip


def _bank_and_visit(personas, ids: dict[str, int]) -> dict[str, int]:
    """A bank statement line to reconcile with a posted bank line of the books; a done intervention to invoice."""
    from pilote.catalog.models import Product
    from pilote.contacts.models import Contact
    from pilote.ledger import services as ledger
    from pilote.ledger.models import Account
    from pilote.ledger.models_bank import BankAccount, StatementImport, StatementLine
    from pilote.operations.services import interventions

    accountant = personas["comptable"]
    bank = BankAccount.objects.select_related("journal", "account").get(pk=ids["bank_account_id"])
    lines = [ledger.LineInput(account=Account.objects.get(code="6061"), debit=Decimal(7), label="Frais"),
             ledger.LineInput(account=bank.account, credit=Decimal(7), label="Frais")]  # fmt: skip
    entry = ledger.create_entry(actor=accountant, journal=bank.journal, date=day(3, 5), label="Frais",
                                lines=lines, post=True)  # fmt: skip
    statement = StatementImport.objects.create(bank_account=bank, filename="releve.csv", file_format="csv",
                                               file_hash="a" * 64, imported_by=accountant)  # fmt: skip
    line = StatementLine.objects.create(
        bank_account=bank,
        statement=statement,
        booking_date=day(3, 5),
        amount=Decimal(-7),
        label="FRAIS TENUE DE COMPTE",
        fingerprint="apia-1",
    )
    Product.objects.create(reference=interventions.HOURLY_PRODUCT, name="Intervention technicien",
                           unit_price=Decimal(60))  # fmt: skip
    technician = personas["salarie"]
    done, _ = interventions.plan(actor=personas["direction"], customer=Contact.objects.get(pk=ids["contact_id"]),
                                 kind="repair", address="4 rue du Lac, Annecy", subject="Vanne", technician=technician,
                                 day=day(1, 15, years=1), at=dt.time(9), minutes=60)  # fmt: skip
    from django.utils import timezone

    interventions.arrive(actor=technician, visit=done[0], at=timezone.now() - dt.timedelta(hours=2))
    interventions.finish(actor=technician, visit=done[0], report="Vanne changée", signed_by="M. Lac")
    return {"statement_line_id": line.pk, "bank_entry_line_id": entry.lines.get(account=bank.account).pk,
            "done_visit_id": done[0].pk}  # fmt: skip


def _receivables(personas, ids: dict[str, int]) -> dict[str, int]:
    """A dunning level, and a doubtful debt (an issued invoice of 120 € TTC classed doubtful)."""
    from pilote.contacts.models import Contact
    from pilote.receivables import bad_debts
    from pilote.receivables.models import DunningLevel
    from pilote.sales import issuing
    from pilote.sales import services as sales

    accountant = personas["comptable"]
    line = sales.LineSpec(description="Prestation", quantity=Decimal(1), unit_price=Decimal(100))
    draft = sales.create_invoice(actor=accountant, customer=Contact.objects.get(pk=ids["customer_id"]),
                                 date=day(3, 2), lines=[line])  # fmt: skip
    invoice = issuing.issue_invoice(actor=accountant, invoice=draft, render_pdf=False)
    debt = bad_debts.classify(actor=accountant, invoice=invoice, day=day(3, 20), reason="Litige")
    return {"level_id": DunningLevel.objects.order_by("rank").first().pk, "debt_id": debt.pk}


BODIES = {
    ("post", "/factures-fournisseurs-electroniques"): {"file_name": "facture.xml", "content_base64": "einvoice",
                                                   "create_supplier": True},
    ("post", "/demandes-de-prix"): {"title": "Toner", "date": "Y-03-02", "suppliers": ["contact_id"],
                                    "lines": [{"description": "Toner noir", "quantity": "4"}]},
    ("put", "/demandes-de-prix/{rfq_id}/reponses/{answer_id}"): {"answered_on": "Y-03-05", "delay_days": 3,
                                                                 "prices": [{"line": "rfq_line_id",
                                                                             "unit_price": "3.90"}]},
    ("post", "/demandes-de-prix/{rfq_id}/reponses/{answer_id}/choix"): {"reason": "Moins cher"},
    ("post", "/demandes-de-prix/{rfq_id}/abandon"): {},
    ("post", "/fournisseurs/{contact_id}/evaluations"): {"score": 4, "rated_on": "Y-03-10", "comment": "Fiable"},
    # receivables
    ("post", "/niveaux-relance"): {"rank": 9, "title": "Ultime", "days_after_due": 90, "email_subject": "Relance",
                                   "email_body": "Reste dû : {total_du}", "letter_body": "Madame, Monsieur"},
    ("patch", "/niveaux-relance/{level_id}"): {"title": "Premier rappel amical"},
    ("put", "/clients/{contact_id}/encours-autorise"): {"amount": "5000.00"},
    ("post", "/factures/{invoice_id}/creance-douteuse"): {"day": "Y-03-20", "reason": "Liquidation"},
    ("post", "/creances-douteuses/{debt_id}/depreciation"): {"day": "Y-03-31", "rate": "50"},
    ("post", "/creances-douteuses/{debt_id}/perte"): {"day": "Y-04-30", "proof": "Jugement de clôture"},
    # sales, purchase orders
    ("post", "/factures/{invoice_id}/envoi"): {"to": "client@example.fr"},
    ("put", "/commandes-fournisseurs/{order_id}"): {"supplier": "contact_id", "date": "Y-03-03", "lines": [
        {"description": "Papier recyclé", "quantity": "3", "unit_price": "5"}]},
    ("post", "/commandes-fournisseurs/{order_id}/envoi"): {"to": "fournisseur@example.fr"},
    # ledger (bank)
    ("post", "/lignes-releve/{statement_line_id}/rapprochement"): {"entry_line": "bank_entry_line_id"},
    # finance
    ("post", "/emprunts"): {"label": "Four", "principal": "12000.00", "annual_rate": "3.5", "months": 36,
                            "first_due": "Y-06-10"},
    ("put", "/seuil-de-rentabilite/part-variable"): {"compte": "6061", "part": "80"},
    ("put", "/axes-analytiques/{axis_id}/ventilation"): {"compte": "6061", "parts": []},
    ("post", "/ventilation-analytique/application"): {"exercice": "year_id"},
    # tenders
    ("put", "/appels-offres/{tender_id}/grille"): {"scores": [{"criterion": "criterion_id", "weight": 3, "score": 4}]},
    ("post", "/appels-offres/{tender_id}/criteres"): {"label": "Références similaires", "weight": 2},
    ("post", "/appels-offres/{tender_id}/taches"): {"title": "Chiffrer le lot 2", "assignee": "owner_id",
                                                     "due_date": "Y-04-15"},
    ("post", "/taches-appel-offres/{tender_task_id}/fait"): {"done": True},
    ("post", "/appels-offres/{tender_id}/pieces"): {"kind": "reponse", "file_name": "memoire.txt",
                                                     "content_base64": "TcOpbW9pcmU="},
    ("post", "/creances-douteuses/{debt_id}/encaissement"): {"day": "Y-04-02", "amount": "10.00",
                                                              "bank_account": "bank_account_id"},
}  # fmt: skip

IDS = {
    ("post", "/interventions/{visit_id}/facturation"): {"visit_id": "done_visit_id"},
    ("post", "/commandes-fournisseurs/{order_id}/envoi"): {"order_id": "sent_order_id"},
    ("post", "/demandes-de-prix/{rfq_id}/reponses/{answer_id}/choix"): {"answer_id": "answered_id"},
}

OBJECT_RULES: dict = {}

# Values of BODIES made when the data set is (the e-invoice's file): name → function of nothing.
MADE = {"einvoice": einvoice_base64}

# The addresses of apia's operations (prefixes under /api/v1): the property test of test_api_apia_schema walks them.
PATHS = (
    "/factures-fournisseurs-electroniques",
    "/demandes-de-prix",
    "/evaluation-fournisseurs",
    "/fournisseurs/",
    "/niveaux-relance",
    "/clients/",
    "/creances-douteuses",
    "/factures/{invoice_id}/creance-douteuse",
    "/appels-offres/{tender_id}/",
    "/criteres-appel-offres",
    "/taches-appel-offres",
    "/pieces-appel-offres",
    "/devis/{quote_id}/duplication",
    "/factures/{invoice_id}/envoi",
    "/commandes-fournisseurs/{order_id}",
    "/emprunts",
    "/seuil-de-rentabilite",
    "/comptes-bancaires/",
    "/lignes-releve",
    "/interventions/{visit_id}/facturation",
    "/axes-analytiques/{axis_id}/ventilation",
    "/ventilation-analytique",
)
