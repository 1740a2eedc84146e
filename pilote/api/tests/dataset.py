"""A small data set made through the services, one object of each kind the API serves, for the API's property test:
`small_dataset` returns the id of each, named as the OpenAPI document names its path parameter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from pilote.api.tests import (
    dataset_apia,
    dataset_apic,
    dataset_apid,
    dataset_apioffice,  # apioffice
    dataset_apiops,  # apiops
    dataset_apiqual,  # apiqual
    dataset_apix,
    dataset_holds,
)
from pilote.api.tests.days import day, resolve, year
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
    _december_invoice(structure, shop)
    invoice = sales.create_invoice(
        actor=shop["actor"], customer=shop["customer"], date=shop["day"],
        lines=[sales.LineSpec.from_product(shop["p"]["book"], Decimal(1))],
    )  # fmt: skip
    invoice = issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)
    draft_invoice = sales.create_invoice(
        actor=shop["actor"], customer=shop["customer"], date=shop["day"],
        lines=[sales.LineSpec.from_product(shop["p"]["chair"], Decimal(2))],
    )  # fmt: skip
    quote = sales.create_quote(
        actor=shop["actor"],
        customer=shop["customer"],
        date=shop["day"],
        valid_until=shop["day"],
        lines=[sales.LineSpec.from_product(shop["p"]["book"], 3)],
    )
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
    from pilote.office.models import Document

    expired = documents.file_document(actor=personas["assistant"], uploaded=SimpleUploadedFile("o.txt", b"Vieux"),
                                      title="Ancien", folder=folder, document_date=shop["day"])  # fmt: skip
    Document.objects.filter(pk=expired.pk).update(retention_until=day(1, 1, years=-1))
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
    import datetime as dt

    from pilote.hr.services import absences, employees

    staff = {
        role: employees.hire_employee(actor=personas["rh"], last_name=role.capitalize(), first_names="Test", sex="F",
                                      birth_date=dt.date(1990, 1, 1), job="Employée", entry_date=day(1, 6, years=-1),
                                      user=user)
        for role, user in personas.items()
    }  # fmt: skip
    sickness = absences.record_absence(actor=personas["rh"], employee=staff["salarie"], kind="maladie",
                                       start=day(3, 2), end=day(3, 4))  # fmt: skip
    asked = absences.request_leave(actor=personas["salarie"], employee=staff["salarie"], kind="conges_payes",
                                   start=day(2, 1, years=1), end=day(2, 5, years=1))  # fmt: skip
    from pilote.quality.services import nonconformities, risks

    owner = personas["direction"]
    risk = risks.create_risk(actor=owner, title="Perte d'un client majeur", category="financial", owner=owner,
                             cause="Dépendance", consequence="Trésorerie", likelihood=3, impact=4,
                             residual_likelihood=2, residual_impact=3, review_on=day(1, 15, years=1))  # fmt: skip
    nc = nonconformities.open_nonconformity(actor=owner, title="Livraison incomplète", origin="supplier",
                                            description="Deux cartons manquants", owner=owner,
                                            detected_on=local_today())  # fmt: skip
    analysed = nonconformities.open_nonconformity(
        actor=owner,
        title="Retard",
        origin="internal",
        owner=owner,
        description="Retard de livraison",
        detected_on=local_today(),
    )
    nonconformities.record_analysis(actor=owner, nc=analysed, root_cause="Planning")
    nonconformities.add_capa(actor=owner, nc=analysed, title="Replanifier", owner=owner, due_on=day(1, 4, years=1))
    from pilote.operations.services import interventions, stock

    store = stock.create_location(actor=owner, code="DEP", name="Dépôt")
    stock.create_location(actor=owner, code="VAN", name="Camionnette")
    item = stock.track_product(actor=owner, product=shop["p"]["chair"], category="goods", default_location=store)
    stock.manual_move(actor=owner, item=item, kind="receipt", quantity=Decimal(10), date=shop["day"], location=store,
                      unit_cost=Decimal("80"))  # fmt: skip
    visits, _ = interventions.plan(actor=owner, customer=contact, kind="repair", address="1 rue du Lac, Annecy",
                                   subject="Fuite", technician=None, day=day(1, 12, years=1), at=dt.time(9),
                                   minutes=90)  # fmt: skip
    # sales (apisales): an order to deliver, invoice or cancel, another partly delivered, a payment received
    from pilote.sales import payments as sales_payments

    chairs = {"actor": shop["actor"], "customer": shop["customer"], "date": shop["day"]}
    customer_order = sales.create_order(**chairs, lines=[sales.LineSpec.from_product(shop["p"]["chair"], Decimal(3))])
    delivered = sales.create_order(**chairs, lines=[sales.LineSpec.from_product(shop["p"]["chair"], Decimal(2))])
    delivery = sales.deliver(actor=shop["actor"], order=delivered, date=shop["day"],
                             quantities={delivered.lines.get().pk: Decimal(1)})  # fmt: skip
    bank_account = BankAccount.objects.get()
    payment = sales_payments.record_payment(actor=shop["accountant"], customer=shop["customer"], date=shop["day"],
                                            amount=Decimal(5), method="transfer",
                                            bank_account=bank_account)  # fmt: skip
    # purchases (apisales): a typed invoice awaiting its decision, an approved one to pay, an order sent to receive
    from pilote.purchases import services as purchases

    Contact.objects.filter(pk=contact.pk).update(iban="FR7630006000011234567890189")  # paid by transfer

    typed = {"actor": personas["comptable"], "supplier": contact, "date": shop["day"],
             "lines": [sales.LineSpec(description="Toner", quantity=Decimal(1), unit_price=Decimal(80))]}  # fmt: skip
    to_decide = purchases.create_typed_invoice(**typed, number="T-1")
    to_pay = purchases.create_typed_invoice(**typed, number="T-2")
    for typed_invoice in (to_decide, to_pay):
        purchases.set_line_accounts(actor=personas["comptable"], invoice=typed_invoice,
                                    accounts={typed_invoice.lines.get().pk: "6064"})  # fmt: skip
    purchases.approve_invoice(actor=personas["direction"], invoice=to_pay)
    sent_order = orders.create_order(actor=personas["direction"], supplier=contact, date=shop["day"],
                                     lines=[sales.LineSpec(description="Papier", quantity=Decimal(5),
                                                           unit_price=Decimal(4))])  # fmt: skip
    orders.submit_order(actor=personas["direction"], order=sent_order)
    orders.mark_order_sent(actor=personas["direction"], order=sent_order)
    purchase_ids = {"typed_invoice_id": to_decide.pk, "payable_invoice_id": to_pay.pk, "sent_order_id": sent_order.pk,
                    "sent_order_line_id": sent_order.lines.get().pk,
                    "typed_line_id": to_decide.lines.get().pk}  # fmt: skip
    # pipeline, complaints, e-reporting (apisales)
    from pilote.complaints import services as complaints
    from pilote.ereporting import services as ereporting
    from pilote.pipeline import services as pipeline
    from pilote.pipeline import tender_services

    opportunity = pipeline.create_opportunity(actor=personas["commercial"], contact=contact, title="Extension",
                                              amount=Decimal(5000))  # fmt: skip
    tender = tender_services.create_tender(actor=personas["commercial"], buyer=contact, title="Marché de fournitures")
    grievance = {"customer": shop["customer"], "received_on": local_today(), "category": "billing"}
    complaint = complaints.record_complaint(actor=owner, subject="Facture en double", **grievance)
    answered = complaints.record_complaint(actor=owner, subject="Retard", **grievance)
    complaints.answer_complaint(actor=owner, complaint=answered, text="Livraison demain.", medium="email")
    closed = complaints.record_complaint(actor=owner, subject="Casse", **grievance)
    complaints.answer_complaint(actor=owner, complaint=closed, text="Remplacé.", medium="email")
    complaints.close_complaint(actor=owner, complaint=closed, resolution="goodwill")
    period = next(row.period for row in ereporting.period_rows(structure) if not row.in_progress)
    pipeline_ids = {"opportunity_id": opportunity.pk, "tender_id": tender.pk, "complaint_id": complaint.pk,
                    "answered_complaint_id": answered.pk, "closed_complaint_id": closed.pk, "flow": period.flow,
                    "start": period.key}  # fmt: skip
    # receivables (apisales): a paper letter to post, a mandate, a collection run of a second issued invoice
    import datetime as dt

    from pilote.receivables import direct_debit
    from pilote.receivables import dunning as dunning_rules
    from pilote.receivables.models import DunningLetter

    level = dunning_rules.active_levels()[0]
    letter = DunningLetter.objects.create(customer=shop["customer"], level=level, rank=level.rank, title=level.title,
                                          date=local_today(), channel="letter", subject="Relance", body="Relance",
                                          total_due=Decimal(10), total=Decimal(10))  # fmt: skip
    mandate = direct_debit.create_mandate(actor=shop["accountant"], customer=shop["customer"], reference="RUM-1",
                                          signed_on=local_today(), iban="FR7630006000011234567890189")  # fmt: skip
    free_mandate = direct_debit.create_mandate(actor=shop["accountant"], customer=contact, reference="RUM-3",
                                               signed_on=local_today(), iban="FR7630006000011234567890189")  # fmt: skip
    direct_debit.set_creditor_id(actor=shop["accountant"], value="FR72ZZZ123456")
    collected = sales.create_invoice(actor=shop["actor"], customer=shop["customer"], date=shop["day"],
                                     lines=[sales.LineSpec.from_product(shop["p"]["book"], Decimal(2))])  # fmt: skip
    collected = issuing.issue_invoice(actor=shop["actor"], invoice=collected, render_pdf=False)
    collection = direct_debit.create_run(actor=shop["accountant"], bank_account=BankAccount.objects.get(),
                                         collection_date=local_today() + dt.timedelta(days=1),
                                         invoices=[collected])  # fmt: skip
    receivables_ids = {"letter_id": letter.pk, "mandate_id": mandate.pk, "collection_id": collection.pk,
                       "free_mandate_id": free_mandate.pk}  # fmt: skip
    sales_ids = {"customer_order_id": customer_order.pk, "delivery_id": delivery.pk, "payment_id": payment.pk,
                 "bank_account_id": bank_account.pk}  # fmt: skip
    ids = {
        **sales_ids,
        **purchase_ids,
        **pipeline_ids,
        **receivables_ids,
        "item_id": item.pk,
        "location_id": store.pk,
        "book_id": shop["p"]["book"].pk,
        "visit_id": visits[0].pk,
        "risk_id": risk.pk,
        "owner_id": owner.pk,
        "nc_id": nc.pk,
        "analysed_nc_id": analysed.pk,
        "employee_id": staff["salarie"].pk,
        "absence_id": sickness.pk,
        "request_id": asked.pk,
        "project_id": project.pk,
        "task_id": task.pk,
        "time_id": time.pk,
        "second_task_id": project.tasks.exclude(pk=task.pk).get().pk,
        "account_id": Account.objects.get(code="6061").pk,
        "year_id": FiscalYear.objects.get(start_date=day(1, 1)).pk,
        "entry_id": draft.pk,
        "posted_entry_id": posted.pk,
        "contact_id": contact.pk,
        "product_id": product.pk,
        "invoice_id": invoice.pk,
        "draft_invoice_id": draft_invoice.pk,
        "quote_id": quote.pk,
        "customer_id": shop["customer"].pk,
        "supplier_invoice_id": received.pk,
        "order_id": order.pk,
        "run_id": run.pk,
        "document_id": document.pk,
        "expired_document_id": expired.pk,
        "version_id": document.versions.get().pk,
    }
    ids.update(_people_dataset(structure, personas, staff))
    ids.update(_organisation_rows(structure, personas, contact=contact, store=store, chair=item, folder=folder))
    ids.update(dataset_apia.rows(structure, personas, ids))
    ids.update(dataset_apic.rows(structure, personas, ids))
    ids.update(dataset_apid.rows(structure, personas, ids))
    ids.update(dataset_holds.rows(structure, personas, ids))
    ids.update(dataset_apix.rows(structure, personas, ids))
    ids.update(dataset_apibuy.rows(structure, personas, ids))  # apibuy
    ids.update(dataset_apiqual.rows(structure, personas, ids))  # apiqual
    from pilote.api.tests import dataset_apiledger  # apiledger

    ids.update(dataset_apiledger.rows(structure, personas, ids))  # apiledger
    from pilote.api.tests import dataset_apihr  # apihr

    ids.update(dataset_apihr.rows(structure, personas, ids))  # apihr
    ids.update(dataset_apiops.rows(structure, personas, ids))  # apiops
    ids.update(dataset_apioffice.rows(structure, personas, ids))  # apioffice
    from pilote.api.tests import dataset_gdpr  # GDPR

    ids.update(dataset_gdpr.rows(structure, personas, ids))  # GDPR
    return ids


def _december_invoice(structure, shop) -> None:
    """Early in the year no e-reporting period has ended since the data set's first operations (March 2), and the API
    serves ended ones: last year's books are then opened (as they still are early in the year) for an invoice of
    December, issued before this year's."""
    from pilote.ereporting import cadence as cadences
    from pilote.ereporting import services as ereporting
    from pilote.ledger import services as ledger
    from pilote.sales import issuing
    from pilote.sales import services as sales

    cadence, first = ereporting.cadence_of(structure), shop["day"]  # the data set's first operations are of that day
    if cadence is None or any(period.end < local_today()
                              for period in cadences.periods_between(cadence, first, local_today())):  # fmt: skip
        return
    ledger.open_fiscal_year(actor=None, start_date=day(1, 1, years=-1), end_date=day(12, 31, years=-1))
    december = sales.create_invoice(actor=shop["actor"], customer=shop["customer"], date=day(12, 1, years=-1),
                                    lines=[sales.LineSpec.from_product(shop["p"]["book"], Decimal(1))])  # fmt: skip
    issuing.issue_invoice(actor=shop["actor"], invoice=december, render_pdf=False)


def _people_dataset(structure, personas, staff) -> dict[str, int]:
    """HR beyond employees and absences, quality beyond risks and non-conformities, settings and users."""
    import datetime as dt

    from pilote.hr.services import contracts, expenses, training
    from pilote.ledger.models_bank import BankAccount

    rh, employee = personas["rh"], staff["salarie"]
    contracts.sign_contract(actor=rh, employee=employee, kind="cdi", effective_from=day(1, 6, years=-1),
                            monthly_gross=Decimal("2100.00"))  # fmt: skip
    reports = []
    for title in ("Salon", "Client Lyon", "Formation"):
        report = expenses.create_report(actor=personas["salarie"], employee=employee, title=title)
        expenses.add_line(actor=personas["salarie"], report=report, spent_on=local_today() - dt.timedelta(days=3),
                          category="kilometrique", description="Trajet", vehicle="voiture", horsepower=5,
                          distance=Decimal("42"))  # fmt: skip
        reports.append(expenses.submit_report(actor=personas["salarie"], report=report))
    expenses.decide_report(actor=rh, report=reports[1], approve=True)
    expenses.decide_report(actor=rh, report=reports[2], approve=True)
    expenses.post_report(actor=personas["comptable"], report=reports[2])
    action = training.create_action(actor=rh, title="Sauveteur secouriste", provider="Croix-Rouge",
                                    kind="obligatoire", funding="plan", start=local_today() - dt.timedelta(days=10),
                                    end=local_today() - dt.timedelta(days=9), hours=Decimal(14), cost=Decimal(400),
                                    employees=[employee])  # fmt: skip
    from pilote.quality.models import WatchItem
    from pilote.quality.services import audits, duerp, procedures, surveys, watch

    boss = personas["direction"]
    unit = duerp.create_work_unit(actor=boss, name="Atelier", exposed=4)
    hazard = duerp.add_hazard(actor=boss, unit=unit, family="manual_handling", description="Port de charges",
                              frequency=3, severity=2)  # fmt: skip
    duerp.add_prevention_action(actor=boss, hazard=hazard, title="Diable de manutention", owner=boss,
                                due_on=day(3, 1, years=1), cost=Decimal(180))  # fmt: skip
    procedure = procedures.create_procedure(actor=boss, code="PR-ACC-01", title="Accueil", owner=boss,
                                            approver_role="direction", body="Accueillir.")  # fmt: skip
    approved = procedures.create_procedure(actor=boss, code="PR-ACH-01", title="Achats", owner=boss,
                                           approver_role="direction", body="Commander.")  # fmt: skip
    approved = procedures.approve(actor=boss, version=approved.versions.get())
    readers = ["direction", "comptable", "commercial", "rh", "assistant", "salarie"]
    read = procedures.create_procedure(actor=boss, code="PR-SEC-01", title="Sécurité", owner=boss,
                                       approver_role="direction", body="Badger.", reader_roles=readers)  # fmt: skip
    in_force = procedures.put_in_force(actor=boss, version=procedures.approve(actor=boss, version=read.versions.get()))
    review = audits.plan_audit(actor=boss, title="Audit achats", kind="internal", scope="Achats",
                               planned_on=day(3, 2), lead=boss,
                               questions=[("Fournisseurs évalués ?", "Grille")])  # fmt: skip
    audits.start_audit(actor=boss, audit=review, performed_on=local_today())
    planned = audits.plan_audit(actor=boss, title="Audit qualité", kind="internal", scope="Ventes", lead=boss,
                                planned_on=day(6, 1, years=1), questions=[("Devis suivis ?", "")])  # fmt: skip
    survey = surveys.create_survey(actor=boss, title="Satisfaction 2026")
    surveys.add_question(actor=boss, survey=survey, text="Êtes-vous satisfait ?", kind="scale5")
    opened = surveys.create_survey(actor=boss, title="Accueil")
    surveys.add_question(actor=boss, survey=opened, text="Bien accueilli ?", kind="scale5")
    surveys.open_survey(actor=boss, survey=opened)
    source = watch.create_source(actor=boss, name="Légifrance", url="https://www.legifrance.gouv.fr/rss")
    news = WatchItem.objects.create(source=source, guid="1", title="Décret", link="https://example.org/1",
                                    shared_roles=list(watch.SHARE_ROLES))  # fmt: skip
    from pilote.hr.services import payroll

    month = payroll.prepare_month(actor=rh, month=day(3, 1))
    validated = payroll.prepare_month(actor=rh, month=day(2, 1))
    payroll.validate_month(actor=rh, payroll_month=validated)
    return {
        "payroll_id": month.pk,
        "validated_payroll_id": validated.pk,
        "variable_id": month.variables.get(employee=employee).pk,
        "unit_id": unit.pk,
        "hazard_id": hazard.pk,
        "procedure_id": procedure.pk,
        "procedure_version_id": procedure.versions.get().pk,
        "approved_version_id": approved.pk,
        "in_force_version_id": in_force.pk,
        "audit_id": review.pk,
        "planned_audit_id": planned.pk,
        "finding_id": review.items.get().pk,
        "survey_id": survey.pk,
        "open_survey_id": opened.pk,
        "watch_item_id": news.pk,
        "user_id": personas["salarie"].pk,
        "report_id": reports[0].pk,
        "approved_report_id": reports[1].pk,
        "posted_report_id": reports[2].pk,
        "training_id": action.pk,
        "bank_account_id": BankAccount.objects.get().pk,
        "other_employee_id": staff["assistant"].pk,
    }


def _organisation_rows(structure, personas, *, contact, store, chair, folder) -> dict[str, int]:
    """Operations (interventions, inventory, production), associations, office and finance rows (helper apiorg)."""
    import datetime as dt

    from pilote.catalog.models import Product
    from pilote.operations.services import interventions, production, stock

    owner, technician = personas["direction"], personas["salarie"]
    mine, _ = interventions.plan(actor=owner, customer=contact, kind="maintenance", address="2 rue du Pont, Annecy",
                                 subject="Entretien", technician=technician, day=day(1, 13, years=1), at=dt.time(9),
                                 minutes=60)  # fmt: skip
    started, _ = interventions.plan(actor=owner, customer=contact, kind="repair", address="3 rue du Port, Annecy",
                                    subject="Panne", technician=technician, day=day(1, 14, years=1), at=dt.time(9),
                                    minutes=60)  # fmt: skip
    interventions.arrive(actor=technician, visit=started[0])
    count = stock.open_count(actor=owner, location=store, date=day(3, 31))
    table = Product.objects.create(reference="TB-01", name="Table montée", unit_price=Decimal("300"))
    made = stock.track_product(actor=owner, product=table, category="products", default_location=store)
    centre = production.create_work_centre(actor=owner, name="Atelier", hourly_rate=Decimal("40"))
    bom = production.create_bom(actor=owner, product=made, name="Table", quantity=Decimal(1))
    line = production.add_component(actor=owner, bom=bom, component=chair, quantity=Decimal(1))
    production.add_operation(actor=owner, bom=bom, work_centre=centre, hours=Decimal("0.5"))
    planned = production.create_order(actor=owner, bom=bom, quantity=Decimal(1), planned_date=day(3, 10),
                                      location=store)  # fmt: skip
    released = production.create_order(actor=owner, bom=bom, quantity=Decimal(1), planned_date=day(3, 11),
                                       location=store)  # fmt: skip
    production.release(actor=owner, order=released)
    from django.utils import timezone

    from pilote.office.services import agenda, bookings, meetings, tasks

    room = bookings.create_resource(actor=owner, name="Salle du conseil", kind="room", capacity=12)
    slot = timezone.make_aware(dt.datetime(year(1), 2, 1, 9)), timezone.make_aware(dt.datetime(year(1), 2, 1, 10))
    booking = bookings.book_resource(actor=owner, resource=room, starts_at=slot[0], ends_at=slot[1], title="Bureau")
    team = agenda.create_team_calendar(actor=owner, name="Équipe", members=list(personas.values()))
    event = agenda.create_event(actor=owner, calendar=team, title="Inventaire annuel", starts_at=slot[0],
                                ends_at=slot[1])  # fmt: skip
    meeting = meetings.create_meeting(actor=owner, title="Réunion d'équipe", starts_at=slot[0] + dt.timedelta(days=1),
                                      ends_at=slot[1] + dt.timedelta(days=1), attendees=[personas["salarie"]],
                                      items=[("Budget", None, 20)])  # fmt: skip
    held = meetings.create_meeting(actor=owner, title="Bureau", starts_at=slot[0] - dt.timedelta(days=2),
                                   ends_at=slot[1] - dt.timedelta(days=2), guests=["bureau@example.fr"])  # fmt: skip
    meetings.record_minutes(actor=owner, meeting=held, summary="Budget voté.", notes={}, presence={})
    todo = tasks.create_task(actor=personas["commercial"], title="Relancer le fournisseur", owner=personas["rh"])
    tasks.delegate_task(actor=personas["rh"], task=todo, owner=personas["salarie"])
    from pilote.finance import services as finance
    from pilote.ledger import analytics
    from pilote.ledger.models import FiscalYear

    budget = finance.create_budget(
        actor=owner, fiscal_year=FiscalYear.objects.get(start_date=day(1, 1)), name="Budget initial"
    )
    finance.set_budget_group(actor=owner, budget=budget, group="706", months=[Decimal(1000)] * 12)
    axis = analytics.create_axis(actor=owner, code="ACT", label="Activités")
    analytics.create_section(actor=owner, axis=axis, code="FORMATION", label="Formation", kind="main")
    from pilote.associations.services import donations, grants, members
    from pilote.core.models import Structure
    from pilote.ledger.models_bank import BankAccount
    from pilote.ledger.services import install_chart

    Structure.objects.filter(pk=structure.pk).update(type="association")  # the associations' rows, then back
    install_chart(actor=None, kind="association")  # the ANC 2018-06 accounts (75x, 74x…) beside the PCG
    bank = BankAccount.objects.get()
    kind = members.create_membership_type(actor=owner, name="Membre actif", fee=Decimal(30))
    member = members.enrol_member(actor=owner, contact=contact, membership_type=kind, joined_on=day(1, 10))
    due = members.call_dues(actor=owner, year=year(), called_on=day(2, 1))[0]
    donation = donations.record_donation(actor=owner, donor=contact, date=local_today(), amount=Decimal(50),
                                         method="cheque", bank_account=bank)  # fmt: skip
    requested = grants.create_grant(actor=owner, funder=contact, code="VILLE-2026", title="Atelier jeunes",
                                    amount_requested=Decimal(5000), period_start=day(1, 1),
                                    period_end=day(12, 31))  # fmt: skip
    awarded = grants.create_grant(actor=owner, funder=contact, code="DEP-2026", title="Insertion",
                                  amount_requested=Decimal(8000), period_start=day(1, 1),
                                  period_end=day(12, 31))  # fmt: skip
    grants.award_grant(actor=owner, grant=awarded, amount=Decimal(8000), granted_on=day(2, 15))
    instalment = grants.add_instalment(actor=owner, grant=awarded, label="Premier versement",
                                       expected_on=day(4, 1), amount=Decimal(4000))  # fmt: skip
    from pilote.associations.services import receipts, volunteering
    from pilote.contacts.models import Contact

    donor = Contact.objects.create(name="Donatrice", first_name="Anne", kind="person")
    donations.record_donation(actor=owner, donor=donor, date=local_today(), amount=Decimal(80), method="cheque",
                              bank_account=bank)  # fmt: skip
    receipt = receipts.issue_receipt(actor=owner, donor=donor, year=year())
    activity = volunteering.create_activity(actor=owner, name="Accueil")
    volunteer = volunteering.enrol_volunteer(actor=owner, contact=contact, since=day(1, 1))
    hours = volunteering.record_hours(actor=owner, volunteer=volunteer, activity=activity, date=local_today(),
                                      hours=Decimal(2))  # fmt: skip
    Structure.objects.filter(pk=structure.pk).update(type=structure.type)
    return {
        "receipt_id": receipt.pk,
        "activity_id": activity.pk,
        "volunteer_id": volunteer.pk,
        "hours_id": hours.pk,
        "bank_account_id": bank.pk,
        "membership_type_id": kind.pk,
        "member_id": member.pk,
        "due_id": due.pk,
        "donation_id": donation.pk,
        "grant_id": requested.pk,
        "awarded_grant_id": awarded.pk,
        "instalment_id": instalment.pk,
        "budget_id": budget.pk,
        "axis_id": axis.pk,
        "folder_id": folder.pk,
        "room_id": room.pk,
        "booking_id": booking.pk,
        "event_id": event.pk,
        "meeting_id": meeting.pk,
        "held_meeting_id": held.pk,
        "agenda_item_id": meeting.items.get().pk,
        "attendee_id": meeting.attendees.get().pk,
        "todo_id": todo.pk,
        "technician_id": technician.pk,
        "my_visit_id": mine[0].pk,
        "started_visit_id": started[0].pk,
        "count_id": count.pk,
        "table_item_id": made.pk,
        "work_centre_id": centre.pk,
        "bom_id": bom.pk,
        "bom_line_id": line.pk,
        "production_id": planned.pk,
        "released_production_id": released.pk,
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
    ("post", "/exercices"): {"start_date": "Y+1-01-01", "end_date": "Y+1-12-31"},
    ("post", "/exercices/{year_id}/verrouillage"): {"locked_until": "Y-01-31"},
    ("post", "/ecritures"): {
        "journal": "OD", "date": "Y-03-02", "label": "Achat", "valider": True,
        "lines": [{"account": "6061", "debit": "10.00"}, {"account": "530", "credit": "10.00"}],
    },
    ("put", "/ecritures/{entry_id}"): {
        "journal": "OD", "date": "Y-03-03", "label": "Achat corrigé",
        "lines": [{"account": "6061", "debit": "12.00"}, {"account": "530", "credit": "12.00"}],
    },
    ("post", "/ecritures/{entry_id}/contre-passation"): {},
    ("post", "/projets"): {"name": "Déménagement", "kind": "internal", "start_date": "Y-04-01"},
    ("patch", "/projets/{project_id}"): {"status": "active"},
    ("post", "/projets/{project_id}/taches"): {"name": "Recette", "duration_days": 2},
    ("patch", "/taches/{task_id}"): {"done_percent": 50},
    ("post", "/projets/{project_id}/dependances"): {"predecessor": "task_id", "successor": "second_task_id"},
    ("post", "/projets/{project_id}/temps"): {"task": "task_id", "date": "today", "hours": "2.25"},
    ("post", "/salaries"): {"last_name": "Durand", "first_names": "Léa", "sex": "F", "birth_date": "1992-05-04",
                            "job": "Comptable", "entry_date": "Y-09-01"},
    ("patch", "/salaries/{employee_id}"): {"phone": "06 12 34 56 78"},
    ("post", "/salaries/{employee_id}/sortie"): {"exit_date": "Y-12-31", "exit_reason": "Démission"},
    ("post", "/absences"): {"employee": "employee_id", "kind": "maladie", "start": "Y-06-01", "end": "Y-06-03",
                            "certificate": True},
    ("post", "/mes-absences"): {"kind": "rtt", "start": "Y+1-03-01", "end": "Y+1-03-01"},
    ("post", "/absences/{absence_id}/decision"): {"decision": "accepter"},
    ("post", "/risques"): {"title": "Panne informatique", "category": "it", "owner": "owner_id", "cause": "Serveur",
                           "consequence": "Arrêt", "likelihood": 2, "impact": 3, "residual_likelihood": 1,
                           "residual_impact": 3, "review_on": "Y+1-06-30"},
    ("patch", "/risques/{risk_id}"): {"controls": "Contrat d'assurance"},
    ("post", "/risques/{risk_id}/actions"): {"title": "Diversifier", "owner": "owner_id", "due_on": "Y+1-03-31"},
    ("post", "/non-conformites"): {"title": "Étiquetage", "origin": "internal", "detected_on": "today",
                                   "description": "Étiquettes inversées", "owner": "owner_id"},
    ("post", "/non-conformites/{nc_id}/actions"): {"title": "Former", "owner": "owner_id", "due_on": "Y+1-01-31"},
    ("post", "/non-conformites/{nc_id}/analyse"): {"root_cause": "Fournisseur non qualifié", "whys": ["Délai"]},
    ("post", "/non-conformites/{nc_id}/etape"): {"etape": "actions"},
    ("post", "/devis"): {"customer": "customer_id", "date": "Y-03-02", "valid_until": "Y-04-01",
                         "lines": [{"description": "Conseil", "quantity": "2", "unit": "h", "unit_price": "90",
                                    "kind": "service"}]},
    ("put", "/devis/{quote_id}"): {"customer": "customer_id", "date": "Y-03-02", "valid_until": "Y-04-15",
                                   "lines": [{"description": "Conseil", "quantity": "3", "unit_price": "90"}]},
    ("post", "/factures"): {"customer": "customer_id", "date": "Y-03-02",
                            "lines": [{"description": "Chaise", "quantity": "1", "unit_price": "149.90"}]},
    ("put", "/factures/{invoice_id}"): {"customer": "customer_id", "date": "Y-03-03",
                                        "lines": [{"description": "Chaise", "quantity": "2", "unit_price": "149.90"}]},
    # sales (apisales)
    ("post", "/devis/{quote_id}/envoi"): {"to": "client@example.fr"},
    ("post", "/devis/{quote_id}/acceptation"): {"date": "Y-03-05", "note": "M. Martin"},
    ("post", "/devis/{quote_id}/refus"): {"date": "Y-03-05", "reason": "Trop cher"},
    ("post", "/devis/{quote_id}/commande"): {"date": "Y-03-05", "customer_reference": "BC-12"},
    ("post", "/commandes"): {"customer": "customer_id", "date": "Y-03-02",
                             "lines": [{"description": "Chaise", "quantity": "2", "unit_price": "149.90"}]},
    ("post", "/commandes/{customer_order_id}/livraisons"): {"date": "Y-03-03"},
    ("post", "/commandes/{customer_order_id}/acompte"): {"percent": "30", "date": "Y-03-03"},
    ("post", "/commandes/{customer_order_id}/facture"): {"date": "Y-03-03"},
    ("post", "/factures/{invoice_id}/avoir"): {"date": "Y-03-04"},
    ("post", "/reglements"): {"customer": "customer_id", "date": "Y-03-04", "amount": "10.00",
                              "method": "cheque", "bank_account": "bank_account_id", "reference": "CHQ 1"},
    # purchases (apisales)
    ("post", "/factures-fournisseurs"): {"supplier": "contact_id", "number": "FA-77", "date": "Y-03-02",
                                         "lines": [{"description": "Toner", "quantity": "2", "unit_price": "40"}]},
    ("put", "/factures-fournisseurs/{supplier_invoice_id}/comptes"): {"accounts": [{"line": "typed_line_id",
                                                                                  "account": "6063"}]},
    ("post", "/factures-fournisseurs/{supplier_invoice_id}/decision"): {"decision": "approve"},
    ("post", "/commandes-fournisseurs"): {"supplier": "contact_id", "date": "Y-03-02",
                                          "lines": [{"description": "Papier", "quantity": "5", "unit_price": "4"}]},
    ("post", "/commandes-fournisseurs/{order_id}/etape"): {"action": "submit"},
    ("post", "/commandes-fournisseurs/{order_id}/receptions"): {"date": "Y-03-03", "delivery_note": "BL-1",
                                                                "lines": [{"line": "sent_order_line_id",
                                                                           "received": "5"}]},
    ("post", "/virements-fournisseurs"): {"bank_account": "bank_account_id", "execution_date": "today",
                                          "invoices": ["payable_invoice_id"]},
    ("post", "/virements-fournisseurs/{run_id}/etape"): {"action": "cancel"},
    # pipeline, complaints (apisales)
    ("post", "/opportunites"): {"contact": "contact_id", "title": "Maintenance annuelle", "amount": "1200"},
    ("patch", "/opportunites/{opportunity_id}"): {"next_action": "Rappeler", "amount": "6000"},
    ("post", "/opportunites/{opportunity_id}/etape"): {"stage": "qualification"},
    ("post", "/opportunites/{opportunity_id}/cloture"): {"outcome": "gagnee", "closed_on": "today"},
    ("post", "/appels-offres"): {"buyer": "contact_id", "title": "Marché de nettoyage", "go_threshold": 60},
    ("patch", "/appels-offres/{tender_id}"): {"status": "preparation", "reference": "2026-AO-12"},
    ("post", "/appels-offres/{tender_id}/decision"): {"decision": "go"},
    ("post", "/reclamations"): {"customer": "customer_id", "received_on": "today", "category": "billing",
                                "subject": "Facture en double"},
    ("patch", "/reclamations/{complaint_id}"): {"severity": "major"},
    ("post", "/reclamations/{complaint_id}/suivi"): {"kind": "note", "text": "Appel du client"},
    ("post", "/reclamations/{complaint_id}/attribution"): {"assignee": "owner_id"},
    ("post", "/reclamations/{complaint_id}/cloture"): {"resolution": "unfounded", "root_cause": "Erreur client"},
    ("post", "/reclamations/{complaint_id}/reouverture"): {"reason": "Le client conteste"},
    # receivables (apisales)
    ("post", "/relances/envoi"): {"customers": ["customer_id"]},
    ("post", "/mandats"): {"customer": "customer_id", "reference": "RUM-2", "signed_on": "today",
                           "iban": "FR7630006000011234567890189"},
    ("post", "/prelevements"): {"bank_account": "bank_account_id", "collection_date": "tomorrow",
                                "invoices": ["invoice_id"]},
    ("post", "/prelevements/{collection_id}/etape"): {"action": "cancel"},
    ("post", "/emplacements"): {"code": "ATL", "name": "Atelier"},
    ("post", "/stock"): {"product": "book_id", "default_location": "location_id", "reorder_point": "5"},
    ("patch", "/stock/{item_id}"): {"reorder_point": "3"},
    ("post", "/stock/{item_id}/mouvements"): {"kind": "issue", "date": "Y-03-03", "quantity": "2",
                                               "location": "location_id", "note": "Casse"},
}  # fmt: skip

# HR beyond employees and absences, quality beyond risks and non-conformities, settings and users.
BODIES |= {
    ("patch", "/parametres"): {"phone": "04 50 00 00 00", "siret": ""},
    ("post", "/utilisateurs"): {"username": "lea.durand", "first_name": "Léa", "last_name": "Durand",
                                "role": "assistant", "password": "Tartempion-Velo-92"},
    ("patch", "/utilisateurs/{user_id}"): {"role": "comptable", "is_active": False},
    ("post", "/salaries/{employee_id}/contrats"): {"effective_from": "Y-07-01", "monthly_gross": "2250.00",
                                                   "reason": "Augmentation"},
    ("post", "/mes-notes-de-frais"): {"title": "Déplacement", "soumettre": True, "lines": [
        {"spent_on": "today", "category": "kilometrique", "vehicle": "voiture", "horsepower": 4, "distance": "30"}]},
    ("post", "/validations-notes-de-frais/{report_id}"): {"decision": "accepter"},
    ("post", "/notes-de-frais/{report_id}/decision"): {"decision": "refuser", "note": "Trajet non professionnel"},
    ("post", "/notes-de-frais/{report_id}/remboursement"): {"on": "today", "bank_account": "bank_account_id"},
    ("post", "/formations"): {"title": "Excel", "provider": "CCI", "funding": "opco", "start": "Y+1-03-01",
                              "end": "Y+1-03-02", "hours": "14", "cost": "600.00", "employees": ["employee_id"]},
    ("post", "/formations/{training_id}/inscriptions"): {"employees": ["other_employee_id"]},
    ("post", "/formations/{training_id}/realisation"): {"attended": ["employee_id"], "evaluation": "Utile"},
    ("post", "/paie"): {"month": "Y-04-15"},
    # the provider's journal: « compte;libelle;debit;credit », 641100 / 421000 for 2 100,00
    ("post", "/paie/{payroll_id}/journal"): {"file_name": "journal.csv", "content_base64": (
        "Y29tcHRlO2xpYmVsbGU7ZGViaXQ7Y3JlZGl0CjY0MTEwMDtTYWxhaXJlcyBicnV0czsyMTAwLDAwOwo0MjEwMDA7TmV0IGEgcGF5ZXI7OzIx"
        "MDAsMDAK")},
    ("patch", "/paie/variables/{variable_id}"): {"overtime_25": "4.00", "bonus": "150.00", "comment": "Prime"},
    ("post", "/duerp/unites"): {"name": "Bureau", "exposed": 3},
    ("patch", "/duerp/unites/{unit_id}"): {"exposed": 5},
    ("post", "/duerp/unites/{unit_id}/risques"): {"family": "fall_level", "description": "Sol glissant",
                                                  "frequency": 2, "severity": 3},
    ("post", "/duerp/risques/{hazard_id}/actions"): {"title": "Tapis", "owner": "owner_id", "due_on": "Y+1-02-01",
                                                     "cost": "60.00"},
    ("post", "/procedures"): {"code": "PR-ACH-02", "title": "Achats", "kind": "procedure", "owner": "owner_id",
                              "approver_role": "direction", "reader_roles": ["comptable"], "body": "Commander."},
    ("post", "/audits"): {"title": "Audit RH", "kind": "internal", "scope": "Registre", "planned_on": "Y+1-04-01",
                          "lead": "owner_id"},
    ("post", "/audits/{audit_id}/questions"): {"question": "Registre à jour ?"},
    ("post", "/audits/constats/{finding_id}"): {"result": "observation", "comment": "Grille incomplète"},
    ("post", "/enquetes"): {"title": "Satisfaction clients", "audience": "customers", "questions": [
        {"text": "Recommanderiez-vous ?", "kind": "nps"}, {"text": "Canal", "kind": "single",
                                                           "choices": ["Web", "Agence"]}]},
    ("put", "/procedures/{procedure_id}/brouillon"): {"change_note": "Relecture", "body": "Accueillir et orienter."},
    ("post", "/procedures/versions/{procedure_version_id}/approbation"): {"comment": "Lu et approuvé"},
    ("post", "/procedures/versions/{procedure_version_id}/vigueur"): {"in_force_on": "today"},
    ("post", "/enquetes/{survey_id}/etape"): {"etape": "ouvrir"},
    ("post", "/enquetes/{survey_id}/invitations"): {"links": 2},
    ("post", "/audits/{audit_id}/etape"): {"etape": "commencer"},
    ("post", "/veille/{watch_item_id}/conversion"): {"vers": "non-conformite"},
    ("post", "/duerp/versions"): {"note": "Mise à jour annuelle", "confirm": True},
    ("post", "/veille/{watch_item_id}/tri"): {"status": "relevant", "note": "À suivre", "shared_roles": ["rh"]},
    ("post", "/veille-sources"): {"name": "Service public", "url": "https://www.service-public.fr/rss",
                                  "category": "legal"},
}  # fmt: skip

# helper apiorg: operations, associations, office, finance
BODIES |= {
    ("post", "/interventions"): {"customer": "contact_id", "kind": "repair", "subject": "Chaudière",
                                 "day": "Y+1-01-20", "at": "10:00", "minutes": 60},
    ("post", "/interventions/{visit_id}/deplacement"): {"technician": "technician_id", "day": "Y+1-01-19",
                                                        "at": "14:00"},
    ("post", "/interventions/{visit_id}/compte-rendu"): {"report": "Joint changé", "signed_by": "M. Martin",
                                                         "signature": True},
    ("post", "/inventaires"): {"location": "location_id", "date": "Y-03-31"},
    ("post", "/inventaires/{count_id}/quantites"): {"lines": [], "valider": False},
    ("post", "/postes-de-charge"): {"name": "Montage", "hourly_rate": "35.00"},
    ("post", "/nomenclatures"): {"name": "Table nue", "product": "table_item_id", "quantity": "1"},
    ("post", "/nomenclatures/{bom_id}/composants"): {"component": "item_id", "quantity": "2"},
    ("post", "/nomenclatures/{bom_id}/operations"): {"work_centre": "work_centre_id", "hours": "0.25"},
    ("post", "/ordres-fabrication"): {"bom": "bom_id", "quantity": "2", "planned_date": "Y-04-01",
                                      "location": "location_id"},
    ("post", "/ordres-fabrication/{production_id}/fin"): {"date": "Y-04-02"},
    ("post", "/reservations"): {"resource": "room_id", "title": "Entretien", "day": "Y+1-02-01", "start": "10:00",
                                "end": "11:00", "attendees": 2},
    ("post", "/liste-attente"): {"resource": "room_id", "title": "Formation", "day": "Y+1-02-01", "start": "09:00",
                                 "end": "10:00"},
    ("post", "/evenements"): {"title": "Rendez-vous banque", "day": "Y+1-02-03", "start": "14:00", "end": "15:00"},
    ("patch", "/evenements/{event_id}"): {"place": "Entrepôt"},
    ("post", "/reunions"): {"title": "Comité de direction", "day": "Y+1-02-04", "start": "09:00", "end": "10:30",
                            "items": "Budget ; 20\nRecrutements"},
    ("post", "/reunions/{meeting_id}/points"): {"title": "Questions diverses", "minutes": 10},
    ("post", "/reunions/{meeting_id}/decisions"): {"text": "Budget adopté", "item": "agenda_item_id"},
    ("post", "/reunions/{meeting_id}/actions"): {"title": "Envoyer le budget", "owner": "owner_id",
                                                 "due_on": "Y+1-02-15"},
    ("post", "/reunions/{meeting_id}/suivante"): {"day": "Y+1-03-01", "start": "09:00"},
    ("put", "/reunions/{meeting_id}/compte-rendu"): {"summary": "Budget adopté à l'unanimité."},
    ("post", "/taches-a-faire"): {"title": "Commander du papier", "due_on": "Y+1-01-15", "urgent": True},
    ("patch", "/taches-a-faire/{todo_id}"): {"important": True},
    ("post", "/taches-a-faire/{todo_id}/fait"): {"fait": True},
    ("post", "/budgets"): {"exercice": "year_id", "nom": "Budget prudent", "methode": "vide"},
    ("post", "/budgets/{budget_id}/revision"): {"nom": "Révision de juin"},
    ("put", "/budgets/{budget_id}/groupes"): {"groupe": "6061", "annuel": "2400.00"},
    ("post", "/axes-analytiques"): {"code": "SITE", "label": "Sites"},
    ("post", "/axes-analytiques/{axis_id}/sections"): {"code": "LYON", "label": "Lyon"},
    ("post", "/types-adhesion"): {"name": "Membre bienfaiteur", "fee": "100.00"},
    ("post", "/adherents"): {"contact": "customer_id", "membership_type": "membership_type_id",
                             "joined_on": "Y-03-01", "method": "cheque", "bank_account": "bank_account_id"},
    ("post", "/adherents/{member_id}/sortie"): {"left_on": "Y-06-30"},
    ("post", "/cotisations/appel"): {"year": "Y", "called_on": "Y-06-01"},
    ("post", "/cotisations/{due_id}/encaissement"): {"paid_on": "Y-03-10", "method": "cheque",
                                                     "bank_account": "bank_account_id"},
    ("post", "/dons"): {"donor": "customer_id", "date": "today", "amount": "120.00", "method": "virement",
                        "bank_account": "bank_account_id"},
    ("post", "/recus-fiscaux"): {"donor": "contact_id", "year": "Y"},
    ("post", "/subventions"): {"funder": "contact_id", "code": "REG-2026", "title": "Culture", "amount_requested":
                               "3000.00", "period_start": "Y-01-01", "period_end": "Y-12-31"},
    ("post", "/subventions/{grant_id}/attribution"): {"amount": "4500.00", "granted_on": "Y-03-01"},
    ("post", "/subventions/{grant_id}/versements"): {"label": "Solde", "expected_on": "Y-10-01",
                                                     "amount": "1000.00"},
    ("post", "/versements-subvention/{instalment_id}/encaissement"): {"received_on": "Y-04-03",
                                                                      "bank_account": "bank_account_id"},
    ("post", "/recus-fiscaux/{receipt_id}/annulation"): {"reason": "Adresse du donateur erronée"},
    ("post", "/activites-benevoles"): {"name": "Transport", "hourly_rate": "15.00"},
    ("post", "/benevoles"): {"contact": "customer_id", "since": "today"},
    ("post", "/heures-benevoles"): {"volunteer": "volunteer_id", "activity": "activity_id", "date": "today",
                                    "hours": "1.5", "note": "Permanence"},
    ("post", "/benevolat/comptabilisation"): {"period_start": "Y-01-01", "period_end": "Y-12-31"},
    ("post", "/documents/{document_id}/versions"): {"file_name": "n.txt", "content_base64": "Tm90ZSB2Mg==",
                                                    "note": "Corrigée"},
    ("post", "/documents/{document_id}/gel"): {"hold": True, "reason": "Litige"},
    ("post", "/documents-a-purger/suppression"): {"documents": ["expired_document_id"], "confirmation": "PURGER"},
    ("post", "/documents"): {"file_name": "compte-rendu.txt", "content_base64": "Q29tcHRlIHJlbmR1",
                             "title": "Compte rendu", "folder": "folder_id", "document_date": "Y-03-02"},
}  # fmt: skip

# The associations' operations serve associations and social establishments only (their pages' rule): the walk and
# the property test call them with the structure made an association, in the savepoint of the call.
ASSOCIATION_PATHS = ("/types-adhesion", "/adherents", "/cotisations", "/dons", "/recus-fiscaux", "/subventions",
                     "/versements-subvention", "/benevol", "/activites-benevoles", "/heures-benevoles")  # fmt: skip


def prepare(method: str, path: str) -> None:
    """What the operation needs of the structure, inside the caller's savepoint."""
    if path.removeprefix("/api/v1").startswith(
        ASSOCIATION_PATHS + dataset_apic.ASSOCIATION_PATHS + dataset_apiops.ASSOCIATION_PATHS
    ):
        from pilote.core.models import Structure

        Structure.objects.filter(pk=1).update(type="association")
    dataset_apic.prepare(method, path)


# Operations a role holding the permission may still be refused by the object's own rule, as on the pages: the
# walk expects that status for those roles (a booking is cancelled by its author or the office; a to-do task is
# seen and changed by its owner, its author, who delegated it, or the roles that see them all).
OBJECT_RULES = {
    ("post", "/reservations/{booking_id}/annulation"): {role: 409 for role in ("comptable", "commercial", "rh",
                                                                                "salarie")},
    ("get", "/taches-a-faire/{todo_id}"): {"comptable": 404},
    ("patch", "/taches-a-faire/{todo_id}"): {"comptable": 404},
    ("post", "/taches-a-faire/{todo_id}/fait"): {"comptable": 404},
    # a report waits for the decision of the employee's manager (none here), rh or direction
    ("post", "/validations-notes-de-frais/{report_id}"): {role: 404 for role in ("comptable", "commercial",
                                                                                "assistant", "salarie")},
    # a procedure's draft is approved by the role it names (direction here), as on its page
    ("post", "/procedures/versions/{procedure_version_id}/approbation"): {role: 409 for role in (
        "comptable", "commercial", "rh", "assistant")},
}  # fmt: skip

# Operations whose path parameter must name another object of the data set than the one of its name.
IDS = {
    ("put", "/factures/{invoice_id}"): {"invoice_id": "draft_invoice_id"},
    ("post", "/factures/{invoice_id}/emission"): {"invoice_id": "draft_invoice_id"},
    ("delete", "/factures/{invoice_id}"): {"invoice_id": "draft_invoice_id"},
    ("post", "/non-conformites/{nc_id}/etape"): {"nc_id": "analysed_nc_id"},
    ("post", "/absences/{absence_id}/decision"): {"absence_id": "request_id"},
    ("post", "/notes-de-frais/{report_id}/comptabilisation"): {"report_id": "approved_report_id"},
    ("post", "/notes-de-frais/{report_id}/remboursement"): {"report_id": "posted_report_id"},
    ("post", "/ecritures/{entry_id}/contre-passation"): {"entry_id": "posted_entry_id"},
    # helper apiorg
    ("post", "/interventions/{visit_id}/arrivee"): {"visit_id": "my_visit_id"},
    ("post", "/interventions/{visit_id}/compte-rendu"): {"visit_id": "started_visit_id"},
    ("post", "/ordres-fabrication/{production_id}/fin"): {"production_id": "released_production_id"},
    # purchases (apisales)
    ("put", "/factures-fournisseurs/{supplier_invoice_id}/comptes"): {"supplier_invoice_id": "typed_invoice_id"},
    ("post", "/factures-fournisseurs/{supplier_invoice_id}/decision"): {"supplier_invoice_id": "typed_invoice_id"},
    ("post", "/commandes-fournisseurs/{order_id}/receptions"): {"order_id": "sent_order_id"},
    ("post", "/reclamations/{complaint_id}/cloture"): {"complaint_id": "answered_complaint_id"},
    ("post", "/audits/{audit_id}/etape"): {"audit_id": "planned_audit_id"},
    ("post", "/enquetes/{survey_id}/invitations"): {"survey_id": "open_survey_id"},
    ("post", "/reunions/{meeting_id}/envoi"): {"meeting_id": "held_meeting_id"},
    ("post", "/paie/{payroll_id}/journal"): {"payroll_id": "validated_payroll_id"},
    ("post", "/procedures/versions/{procedure_version_id}/vigueur"): {"procedure_version_id": "approved_version_id"},
    ("post", "/procedures/versions/{procedure_version_id}/lecture"): {"procedure_version_id": "in_force_version_id"},
    ("post", "/mandats/{mandate_id}/revocation"): {"mandate_id": "free_mandate_id"},
    ("post", "/reclamations/{complaint_id}/reouverture"): {"complaint_id": "closed_complaint_id"},
}


def body_for(method: str, path: str, ids: dict[str, int]) -> dict:
    """The operation's valid body, the data set's ids and today's date put in."""
    body = BODIES[(method, path.removeprefix("/api/v1"))]
    return _filled(body, ids)


def _filled(value, ids: dict[str, int]):
    """`value` with the data set's ids and today's date put in, at any depth (lines of a body, lists of ids)."""
    if isinstance(value, dict):
        return {name: _filled(item, ids) for name, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, ids) for item in value]
    if value == "Y":  # the current year (dues called, receipts issued)
        return year()
    if isinstance(value, str):
        days = {"today": 0, "tomorrow": 1}  # tomorrow: a direct debit's collection date
        if value in dataset_apia.MADE:
            return dataset_apia.MADE[value]()
        if value in days:
            return ids.get(value, (local_today() + dt.timedelta(days[value])).isoformat())
        return ids.get(value, resolve(value))
    return value


def url_for(path: str, method: str, ids: dict[str, int]) -> str:
    """The operation's address (path as the OpenAPI document gives it) with the data set's ids."""
    short = path.removeprefix("/api/v1")
    names = {**{name: name for name in ids}, **IDS.get((method, short), {})}
    for name, key in names.items():
        path = path.replace("{" + name + "}", str(ids[key]))
    return path


BODIES |= dataset_apia.BODIES
IDS |= dataset_apia.IDS
OBJECT_RULES |= dataset_apia.OBJECT_RULES
BODIES |= dataset_apic.BODIES
IDS |= dataset_apic.IDS
OBJECT_RULES |= dataset_apic.OBJECT_RULES
BODIES |= dataset_apid.BODIES
IDS |= dataset_apid.IDS
OBJECT_RULES |= dataset_apid.OBJECT_RULES
dataset_apia.MADE |= dataset_apid.MADE
BODIES |= dataset_holds.BODIES
IDS |= dataset_holds.IDS
BODIES |= dataset_apix.BODIES
IDS |= dataset_apix.IDS
dataset_apia.MADE |= dataset_apix.MADE
from pilote.api.tests import dataset_apibuy  # noqa: E402  (apibuy)

BODIES |= dataset_apibuy.BODIES  # apibuy
IDS |= dataset_apibuy.IDS  # apibuy
BODIES |= dataset_apiqual.BODIES  # apiqual
IDS |= dataset_apiqual.IDS  # apiqual
OBJECT_RULES |= dataset_apiqual.OBJECT_RULES  # apiqual

from pilote.api.tests import dataset_apiledger  # noqa: E402  (apiledger)

BODIES |= dataset_apiledger.BODIES  # apiledger
IDS |= dataset_apiledger.IDS  # apiledger
OBJECT_RULES |= dataset_apiledger.OBJECT_RULES  # apiledger

from pilote.api.tests import dataset_apihr  # noqa: E402  (apihr)

BODIES |= dataset_apihr.BODIES  # apihr
IDS |= dataset_apihr.IDS  # apihr
OBJECT_RULES |= dataset_apihr.OBJECT_RULES  # apihr
BODIES |= dataset_apiops.BODIES  # apiops
IDS |= dataset_apiops.IDS  # apiops
OBJECT_RULES |= dataset_apiops.OBJECT_RULES  # apiops
dataset_apia.MADE |= dataset_apiops.MADE  # apiops
BODIES |= dataset_apioffice.BODIES  # apioffice
IDS |= dataset_apioffice.IDS  # apioffice

from pilote.api.tests import dataset_gdpr  # noqa: E402  (GDPR)

BODIES |= dataset_gdpr.BODIES  # GDPR
IDS |= dataset_gdpr.IDS  # GDPR
OBJECT_RULES |= dataset_gdpr.OBJECT_RULES  # GDPR
