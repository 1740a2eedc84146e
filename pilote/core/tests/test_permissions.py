"""Walk every URL for every role and check the answer against the permission matrix.

A view that forgets to declare its permission, or answers a role the matrix does not allow, fails
here. Anonymous visitors are sent to the login page everywhere except the public views.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pilote.contacts.models import Address, Contact, ContactPerson, Interaction
from pilote.core.permissions import MATRIX, role_can
from pilote.core.roles import Role


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", entry


# API operations are walked through their OpenAPI document in pilote/api/tests.
ALL_PATTERNS = [(n, p) for n, p in _walk(get_resolver().url_patterns) if not n.startswith("api:")]


@pytest.fixture
def sample(personas):
    contact = Contact.objects.create(name="Client Test", is_customer=True)
    person = ContactPerson.objects.create(contact=contact, last_name="Durand")
    address = Address.objects.create(contact=contact, line1="1 rue A", postal_code="69001", city="Lyon")
    interaction = Interaction.objects.create(
        contact=contact, kind="call", subject="Appel", author=personas["direction"]
    )
    ledger = _ledger_sample(personas["comptable"])
    from pilote.catalog.models import Product

    product = Product.objects.create(reference="P1", name="Produit", unit_price=Decimal("10"))
    ledger["catalog:edit"] = product.pk
    from pilote.complaints.models import Complaint

    complaint = Complaint.objects.create(
        customer=contact, received_on=dt.date(2026, 3, 2), answer_due=dt.date(2026, 3, 9), subject="Rayures"
    )
    ledger |= {f"complaints:{n}": complaint.pk for n in ("detail", "edit", "entry-create", "assign", "close", "reopen")}
    ledger |= _projects_sample(personas["direction"])
    ledger |= _operations_sample(personas["direction"], product)
    return {
        **ledger,
        **_pipeline_sample(contact, personas["commercial"]),
        **_receivables_sample(contact),
        **_purchases_sample(contact),
        **_sales_sample(contact, personas["commercial"], ledger["ledger:statement-line"]),
        **_documents_sample(contact, personas["commercial"]),
        "contacts:detail": contact.pk,
        "contacts:edit": contact.pk,
        "contacts:archive": contact.pk,
        "contacts:personal-data-archive": contact.pk,
        "contacts:anonymise": contact.pk,
        "contacts:interaction-create": contact.pk,
        "contacts:person-create": contact.pk,
        "contacts:address-create": contact.pk,
        "contacts:person-edit": person.pk,
        "contacts:person-delete": person.pk,
        "contacts:address-edit": address.pk,
        "contacts:address-delete": address.pk,
        "contacts:interaction-delete": interaction.pk,
        "core:user-edit": personas["salarie"].pk,
        "core:user-password": personas["salarie"].pk,
        "core:token-revoke": 0,
        **_ereporting_sample(),
        **_quality_sample(personas["direction"]),
        **_hr_sample(personas["rh"]),
        **_takeover_sample(),
        # A company: the associations' pages answer 404 to allowed roles (associations/tests/test_pages.py walks
        # them in an association).
        **{name: 1 for name, p in ALL_PATTERNS if name.startswith("associations:") and "pk" in p.pattern.converters},
        "associations:report-export": {"report": "bilan", "fmt": "csv"},
        **_finance_sample(personas["comptable"]),
        **_office_sample(personas),
    }


def _finance_sample(actor):
    from pilote.finance.services import create_budget
    from pilote.ledger.models import FiscalYear

    budget = create_budget(actor=actor, fiscal_year=FiscalYear.objects.get(start_date__year=2026), name="Budget")
    names = ("detail", "group", "sales", "import", "revise", "delete", "variance")
    from pilote.ledger import analytics

    axis = analytics.create_axis(actor=actor, code="ACT", label="Activité")
    section = analytics.create_section(actor=actor, axis=axis, code="ATELIER", label="Atelier", kind="main")
    from pilote.finance.services import create_loan
    from pilote.lib.dates import local_today

    loan = create_loan(actor=actor, label="Prêt", lender="", principal=Decimal(1000), annual_rate=Decimal(3),
                       months=12, first_due=local_today())  # fmt: skip
    return {f"finance:budget-{name}": budget.pk for name in names} | {
        "finance:analytic-section-create": axis.pk,
        "finance:analytic-section-edit": section.pk,
        "finance:analytic-defaults": axis.pk,
        "finance:loan-delete": loan.pk,
    }


def _office_sample(personas):
    from pilote.office.services import bookings

    actor = personas["assistant"]
    room = bookings.create_resource(actor=actor, name="Salle A", kind="room", capacity=8)
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    booking = bookings.book_resource(actor=actor, resource=room, starts_at=start, ends_at=start + dt.timedelta(hours=1),
                                     title="Réunion")  # fmt: skip
    urls = {"office:resource-detail": room.pk, "office:resource-edit": room.pk, "office:booking-cancel": booking.pk}
    from pilote.office.services import agenda

    calendar = agenda.personal_calendar(actor)
    event = agenda.create_event(actor=actor, calendar=calendar, title="Point", starts_at=start,
                                ends_at=start + dt.timedelta(hours=1))  # fmt: skip
    urls |= {f"office:event-{name}": event.pk for name in ("detail", "edit", "delete", "invite")}
    urls |= {"office:calendar-feed": calendar.pk, "office:calendar-import": calendar.pk}
    urls["office:calendar-edit"] = agenda.create_team_calendar(actor=actor, name="Équipe").pk
    from pilote.office.services import meetings, tasks

    later = start + dt.timedelta(days=1)
    items = [("Planning", None, 15)]
    meeting = meetings.create_meeting(
        actor=actor, title="Réunion", starts_at=later, ends_at=later + dt.timedelta(hours=1), items=items
    )
    names = ("detail", "item-add", "decision-add", "action-add", "document-attach", "minutes", "send", "pdf", "next")
    urls |= {f"office:meeting-{name}": meeting.pk for name in names}
    task = tasks.create_task(actor=actor, title="Relancer", owner=actor)
    urls |= {f"office:task-{name}": task.pk for name in ("detail", "edit", "done", "delegate", "comment")}
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pilote.office.services import documents

    folder = documents.create_folder(actor=actor, name="Administration", code="1")
    document = documents.file_document(actor=actor, uploaded=SimpleUploadedFile("note.txt", b"Note"), title="Note",
                                       folder=folder, document_date=dt.date(2026, 3, 2))  # fmt: skip
    urls |= {f"office:document-{name}": document.pk for name in ("detail", "edit", "version", "hold")}
    urls["office:version-download"] = document.versions.get().pk
    from pilote.office.services import assemblies

    assembly = assemblies.create_assembly(actor=actor, title="AG", starts_at=start)
    member = assemblies.add_member(actor=actor, assembly=assembly, name="Anne")
    resolution = assemblies.add_resolution(actor=actor, assembly=assembly, title="Comptes")
    names = ("detail", "member-add", "resolution-add", "minutes", "convene", "pdf")
    urls |= {f"office:assembly-{name}": assembly.pk for name in names}
    urls |= {"office:assembly-presence": member.pk, "office:resolution-vote": resolution.pk}
    from pilote.office.services import communication

    action = communication.save_action(actor=actor, title="Salon", target="PME", channel="event",
                                       starts_on=dt.date(2026, 3, 2), budget=Decimal(100), owner=actor)  # fmt: skip
    mailing = communication.create_mailing(actor=actor, title="Lettre", subject="Objet", body="Texte")
    recipient = mailing.recipients.create(email="a@example.org")
    urls |= {"office:comm-action-edit": action.pk, "office:mailing-detail": mailing.pk,
             "office:mailing-send": mailing.pk, "office:recipient-bounce": recipient.pk,
             "office:unsubscribe": {"token": "x"}}  # fmt: skip
    urls |= {"office:stakeholder-export": {"fmt": "csv"}}
    from pilote.office.models import WaitingRequest

    entry = WaitingRequest.objects.create(resource=room, title="Réunion", starts_at=start, requested_by=actor,
                                          ends_at=start + dt.timedelta(hours=1))  # fmt: skip
    urls |= {"office:booking-shorten": booking.pk, "office:waiting-confirm": entry.pk,
             "office:waiting-withdraw": entry.pk, "office:waiting-export": {"fmt": "csv"}}  # fmt: skip
    from pilote.office.services import territory

    study = territory.create_study(actor=actor, title="Étude", territory="Lyon", carried_out_on=dt.date(2026, 3, 2))
    indicator = territory.add_indicator(actor=actor, study=study, theme="Emploi", label="Taux de chômage")
    names = ("detail", "edit", "area-add", "source-add", "indicator-add", "finding-add", "remove", "status", "pdf")
    urls |= {f"office:study-{name}": study.pk for name in names}
    urls |= {"office:study-values": indicator.pk, "office:study-export": {"fmt": "csv"}}
    return urls | {"office:feed": {"token": "x"}}


def _quality_sample(actor):
    from pilote.quality.services import risks

    risk = risks.create_risk(actor=actor, title="Panne", category="it", owner=actor, cause="Serveur", consequence="Ko",
                             likelihood=2, impact=3, residual_likelihood=1, residual_impact=3,
                             review_on=dt.date(2026, 6, 1))  # fmt: skip
    action = risks.add_action(actor=actor, risk=risk, title="Sauvegarder", owner=actor, due_on=dt.date(2026, 5, 1))
    urls = {f"quality:risk-{n}": risk.pk for n in ("detail", "edit", "review", "status")}
    urls |= {"quality:action-add": risk.pk, "quality:action-status": action.pk}
    from pilote.quality.services import duerp

    unit = duerp.create_work_unit(actor=actor, name="Atelier")
    hazard = duerp.add_hazard(actor=actor, unit=unit, family="noise", description="Presse", frequency=2, severity=2)
    prevention = duerp.add_prevention_action(actor=actor, hazard=hazard, title="Casques", owner=actor,
                                             due_on=dt.date(2026, 5, 1))  # fmt: skip
    version = duerp.publish_duerp(actor=actor, published_on=dt.date(2026, 3, 1))
    urls |= {"quality:unit-edit": unit.pk, "quality:hazard-create": {"unit_pk": unit.pk}}
    urls |= {"quality:hazard-edit": hazard.pk, "quality:prevention-add": hazard.pk}
    urls |= {"quality:prevention-status": prevention.pk}
    urls |= {"quality:duerp-version": version.pk, "quality:duerp-version-pdf": version.pk}
    from pilote.complaints.models import Complaint
    from pilote.quality.services import nonconformities as ncs

    complaint = Complaint.objects.first()
    nc = ncs.from_complaint(actor=actor, complaint=complaint, owner=actor, detected_on=complaint.received_on)
    capa = ncs.add_capa(actor=actor, nc=nc, title="Former", owner=actor, due_on=dt.date(2026, 5, 1))
    urls |= {f"quality:nc-{n}": nc.pk for n in ("detail", "analysis", "step", "check")}
    urls |= {"quality:nc-from-complaint": {"complaint_pk": complaint.pk}}
    urls |= {"quality:capa-add": nc.pk, "quality:capa-status": capa.pk}
    from pilote.quality.services import procedures

    procedure = procedures.create_procedure(
        actor=actor, code="PR-1", title="Accueil", owner=actor, approver_role="direction", reader_roles=["salarie"],
        body="Texte",
    )  # fmt: skip
    draft = procedure.versions.get()
    urls |= {f"quality:procedure-{n}": procedure.pk for n in ("detail", "edit", "draft")}
    urls |= {f"quality:procedure-{n}": draft.pk for n in ("version", "approve", "in-force", "acknowledge")}
    from pilote.quality.services import audits

    audit = audits.plan_audit(actor=actor, title="Audit", scope="Accueil", planned_on=dt.date(2026, 3, 1), lead=actor,
                              questions=[("Accueil ?", "Registre")])  # fmt: skip
    urls |= {f"quality:audit-{n}": audit.pk for n in ("detail", "edit", "question-add", "step", "pdf")}
    urls |= {"quality:audit-finding": audit.items.get().pk}
    from pilote.quality.services import surveys

    survey = surveys.create_survey(actor=actor, title="Satisfaction")
    names = ("detail", "question-add", "step", "invite", "results")
    urls |= {f"quality:survey-{n}": survey.pk for n in names}
    # A company: the adverse events' pages answer 404 (quality/tests/test_adverse_events.py runs them as social).
    urls |= {f"quality:event-{n}": 1 for n in ("detail", "report", "analysis", "step")}
    from pilote.quality.services import watch

    source = watch.create_source(actor=actor, name="Démo", url="fichier:juridique.xml")
    watch.fetch_source(source)
    item = source.items.first()
    urls |= {"quality:watch-item": item.pk, "quality:watch-triage": item.pk, "quality:watch-convert": item.pk}
    urls["quality:watch-source-toggle"] = source.pk
    return urls | {
        "quality:survey-responses-export": {"pk": survey.pk, "fmt": "csv"},
        "quality:survey-answer": {"token": "x"},
    }


def _hr_sample(actor):
    from pilote.hr.services import employees as services

    employee = services.hire_employee(
        actor=actor, last_name="Durand", first_names="Alice", sex="F", birth_date=dt.date(1995, 10, 14),
        job="Comptable", entry_date=dt.date(2024, 3, 1),
    )  # fmt: skip
    from pilote.hr.models import Absence

    # A request nobody signed in owns: its manager or rh decide it, others get a 404 (not theirs to see).
    request = Absence.objects.create(employee=employee, kind="conges_payes", start=dt.date(2026, 7, 6),
                                     end=dt.date(2026, 7, 11), days=6)  # fmt: skip
    urls = {f"hr:employee-{name}": employee.pk for name in ("detail", "edit", "exit", "personal-data-archive",
                                                            "anonymise")}  # fmt: skip
    sick = Absence.objects.create(employee=employee, kind="maladie", start=dt.date(2026, 2, 2),
                                  end=dt.date(2026, 2, 13), days=12, status="acceptee")  # fmt: skip
    urls |= {f"hr:absence-{name}": sick.pk for name in ("detail", "information-pdf", "information-given")}
    urls |= _hr_cse_sample(actor)
    urls["hr:contract-edit"] = employee.pk
    from pilote.ledger import analytics

    axis = analytics.create_axis(actor=actor, code="SERV", label="Services")
    urls["hr:employee-analytic"] = {"pk": employee.pk, "axis": axis.pk}
    from pilote.hr.services import payroll

    month = payroll.prepare_month(actor=actor, month=dt.date(2026, 3, 1))
    urls |= {f"hr:payroll-{name}": month.pk for name in ("month", "validate", "post")}
    urls |= {"hr:payroll-export": {"pk": month.pk, "fmt": "csv"}, "hr:payroll-variable": month.variables.first().pk}
    from pilote.hr.services import expenses

    report = expenses.create_report(actor=actor, employee=employee, title="Frais")
    line = expenses.add_line(actor=actor, report=report, spent_on=dt.date(2026, 3, 2), category="repas",
                             description="Déjeuner", amount=Decimal("20.00"))  # fmt: skip
    urls |= {f"hr:expense-{name}": report.pk for name in ("detail", "submit", "decide", "post", "pay")}
    urls |= {"hr:expense-line-remove": line.pk, "hr:expense-receipt": line.pk, "hr:expense-export": {"fmt": "csv"}}
    from pilote.hr.services import worktime

    shift = worktime.plan_shift(actor=actor, employee=employee, day=dt.date(2026, 3, 2), start=dt.time(8),
                                end=dt.time(16), break_minutes=60)  # fmt: skip
    urls |= {"hr:shift-remove": shift.pk, "hr:overtime-export": {"fmt": "csv"}}
    from pilote.hr.services import training

    action = training.create_action(actor=actor, employees=[employee], title="SST", provider="INRS",
                                    kind="obligatoire", funding="plan", start=dt.date(2026, 3, 2),
                                    end=dt.date(2026, 3, 3), hours=Decimal(14), cost=Decimal(0))  # fmt: skip
    urls |= {f"hr:training-{name}": action.pk for name in ("detail", "enrol", "complete", "cancel")}
    urls |= {"hr:training-evaluate": action.attendees.get().pk, "hr:training-export": {"fmt": "csv"}}
    urls |= {"hr:review-create": employee.pk, "hr:employee-skills": employee.pk, "hr:skills-export": {"fmt": "csv"}}
    from pilote.hr.services import announcements, checklists

    checklists.open_checklist(actor=actor, employee=employee, kind="arrivee")
    urls |= {
        "hr:checklist-open": {"pk": employee.pk, "kind": "arrivee"},
        "hr:checklist-tick": employee.checklist.first().pk,
    }
    notice = announcements.publish(actor=actor, title="Fermeture", body="Le 24 décembre après-midi.")
    urls |= {"hr:announcement-withdraw": notice.pk}
    return urls | {"hr:leave-cancel": request.pk, "hr:leave-decide": request.pk, "hr:interview-create": employee.pk}


def _hr_cse_sample(actor):
    from pilote.hr.services import cse

    election = cse.prepare_election(actor=actor, title="CSE", informed_on=dt.date(2026, 2, 1),
                                    first_round_on=dt.date(2026, 3, 2), seats=1, hours=10)  # fmt: skip
    urls = {f"hr:cse-{name}": election.pk for name in ("election", "voters", "proclaim", "minutes")}
    urls["hr:cse-voters-export"] = {"pk": election.pk, "fmt": "csv"}
    return urls | {"hr:cse-tally": election.colleges.get().pk}


def _takeover_sample():
    """A refused file of each take-over dataset (its job, start and progress pages)."""
    from pilote.core.models import Job
    from pilote.takeover.datasets import registry

    urls = {}
    payload = {"name": "x.csv", "valid": False, "rows": 1, "error_count": 1, "errors": ["Ligne 2 : x."]}
    for dataset in registry.all_datasets():
        job = Job.objects.create(kind=f"takeover.{dataset.key}", step="validation", status="failed", payload=payload)
        urls |= {f"takeover:{dataset.key}-{name}": job.pk for name in ("job", "start", "progress")}
    return urls


def _ereporting_sample():
    period = {"flow": "transactions", "start": "2026-02-01"}  # a décade of the default « débits » regime
    return {
        "ereporting:period": period,
        "ereporting:transmit": period,
        "ereporting:file": {**period, "fmt": "csv"},
    }


def _pipeline_sample(contact, actor):
    from pilote.pipeline import services, tender_services
    from pilote.pipeline.models import TenderDocument

    opportunity = services.create_opportunity(actor=actor, contact=contact, title="Affaire")
    tender = tender_services.create_tender(actor=actor, buyer=contact, title="Marché")
    task = tender_services.add_task(actor=actor, tender=tender, title="Chiffrer")
    # A document row whose file is absent: the download answers 404 to allowed roles, writes nothing.
    document = TenderDocument.objects.create(tender=tender, file="tenders/absent.pdf", original_name="absent.pdf")
    urls = {f"pipeline:{name}": opportunity.pk for name in ("detail", "edit", "move", "close")}
    urls |= {f"pipeline:{name}": tender.pk for name in ("tender-detail", "tender-edit", "tender-grid")}
    urls |= {f"pipeline:{name}": tender.pk for name in ("criterion-add", "tender-decide", "task-add")}
    urls |= {"pipeline:document-upload": tender.pk, "pipeline:criterion-delete": tender.criteria.first().pk}
    urls |= {"pipeline:task-toggle": task.pk, "pipeline:task-delete": task.pk}
    urls |= {"pipeline:document-download": document.pk, "pipeline:document-delete": document.pk}
    return urls


def _sales_sample(contact, actor, statement_line_pk):
    from pilote.sales import services
    from pilote.sales.services import LineSpec

    line = LineSpec(description="Conseil", quantity=Decimal("1"), unit_price=Decimal("100"))
    invoice = services.create_invoice(actor=actor, customer=contact, date=dt.date(2026, 2, 1), lines=[line])
    urls = {f"sales:invoice-{n}": invoice.pk for n in ("detail", "edit", "delete", "issue", "credit-note", "pdf")}
    urls |= {"sales:invoice-send": invoice.pk, "sales:payment-create": {"customer_pk": contact.pk}}
    urls["sales:bank-match-confirm"] = {"line_pk": statement_line_pk, "invoice_pk": invoice.pk}
    return urls


def _documents_sample(contact, actor):
    """A draft quote, an order partly delivered (walking the POST views changes them only within the rules)."""
    from pilote.sales import services
    from pilote.sales.services import LineSpec

    lines = [LineSpec(description="Chaise", quantity=Decimal("2"), unit_price=Decimal("50"))]
    day = dt.date(2026, 2, 1)
    quote = services.create_quote(actor=actor, customer=contact, date=day, valid_until=day, lines=lines)
    order = services.create_order(actor=actor, customer=contact, date=day, lines=lines)
    delivery = services.deliver(actor=actor, order=order, date=day, quantities={order.lines.get().pk: Decimal(1)})
    urls = {f"sales:quote-{n}": quote.pk for n in ("detail", "edit", "pdf", "send", "accept", "refuse", "cancel")}
    urls |= {f"sales:quote-{n}": quote.pk for n in ("convert", "duplicate")}
    urls |= {f"sales:order-{n}": order.pk for n in ("detail", "deliver", "deposit", "invoice", "cancel")}
    return urls | {"sales:delivery-detail": delivery.pk, "sales:delivery-pdf": delivery.pk}


def _purchases_sample(contact):
    from pilote.ledger.models_bank import BankAccount
    from pilote.purchases.models import PaymentRun, SupplierInvoice

    invoice = SupplierInvoice.objects.create(supplier=contact, number="F-1", date=dt.date(2026, 2, 1))
    run = PaymentRun.objects.create(bank_account=BankAccount.objects.first(), execution_date=dt.date(2026, 3, 2),
                                    message_id="PILOTE-TEST-1")  # fmt: skip
    urls = {f"purchases:invoice-{n}": invoice.pk for n in ("detail", "original", "accounts", "decide", "link")}
    urls["purchases:invoice-match-accept"] = invoice.pk
    from pilote.purchases import orders
    from pilote.sales.services import LineSpec

    line = LineSpec(description="Papier", quantity=Decimal("2"), unit_price=Decimal("10"))
    order = orders.create_order(actor=None, supplier=contact, date=dt.date(2026, 2, 1), lines=[line])
    urls |= {f"purchases:order-{n}": order.pk for n in ("detail", "edit", "action", "pdf", "send", "receive")}
    from pilote.purchases import rfq

    asked = rfq.create_request(actor=None, title="Papier", date=dt.date(2026, 2, 1), suppliers=[contact],
                               lines=[rfq.RequestedLine("Papier", Decimal("2"))])  # fmt: skip
    answer = asked.answers.get()
    urls |= {"purchases:rfq-detail": asked.pk, "purchases:rfq-cancel": asked.pk}
    urls |= {
        f"purchases:rfq-{n}": {"pk": asked.pk, "answer_pk": answer.pk} for n in ("pdf", "send", "answer", "choose")
    }
    urls |= {f"purchases:supplier-{n}": contact.pk for n in ("account", "statement", "rate")}
    from pilote.purchases import selection

    chosen = selection.create_file(actor=None, title="Papier", date=dt.date(2026, 2, 1), criteria=[("Prix", 1)],
                                   suppliers=[contact])  # fmt: skip
    urls |= {f"purchases:selection-{n}": chosen.pk for n in ("detail", "grid", "decide", "candidate")}
    return urls | {f"purchases:run-{n}": run.pk for n in ("detail", "file", "action", "reconcile")}


def _receivables_sample(contact):
    import datetime as dt

    from pilote.receivables.models import DoubtfulDebt, DunningLetter, DunningLevel
    from pilote.sales.models import Invoice

    invoice = Invoice.objects.create(customer=contact, date=dt.date(2026, 2, 1))  # a draft: hold/release refuse it
    debt = DoubtfulDebt.objects.create(invoice=invoice, customer=contact, classified_on=dt.date(2026, 3, 1),
                                       amount_gross=Decimal("12"), amount_net=Decimal("10"),
                                       amount_vat=Decimal("2"))  # fmt: skip
    level = DunningLevel.objects.get(rank=1)
    letter = DunningLetter.objects.create(customer=contact, level=level, rank=1, title=level.title,
                                          date=dt.date(2026, 3, 1), channel="letter", subject="Relance", body="",
                                          total_due=Decimal("10"), total=Decimal("10"), pdf=b"%PDF-1.4")  # fmt: skip
    urls = {f"receivables:{name}": contact.pk for name in ("preview", "customer", "statement", "credit-limit")}
    urls |= {"receivables:hold": invoice.pk, "receivables:release": invoice.pk, "receivables:level-edit": level.pk}
    urls |= {"receivables:letter-pdf": letter.pk, "receivables:letter-posted": letter.pk}
    urls |= {"receivables:classify": invoice.pk}
    from pilote.ledger.models import EntryLine

    line = EntryLine.objects.values_list("pk", flat=True).first()  # no old invoice: allowed roles get the French 404
    urls |= {"receivables:hold-taken-over": line, "receivables:release-taken-over": line}
    urls |= {"receivables:classify-taken-over": line}
    urls |= {f"receivables:{name}": debt.pk for name in ("provision", "write-off", "recovery", "corrective-duplicate")}
    from pilote.ledger.models_bank import BankAccount
    from pilote.receivables.models import CollectionRun, Mandate

    mandate = Mandate.objects.create(customer=contact, reference="RUM-1", signed_on=dt.date(2026, 3, 1),
                                     iban="FR7630006000011234567890189")  # fmt: skip
    run = CollectionRun.objects.create(bank_account=BankAccount.objects.first(), collection_date=dt.date(2026, 3, 5),
                                       message_id="DD-1", creditor_id="FR72ZZZ123456")  # fmt: skip
    urls |= {"receivables:dd-mandate-revoke": mandate.pk}
    urls |= {f"receivables:dd-{name}": run.pk for name in ("run", "run-file", "run-action")}
    return urls


def _ledger_sample(actor):
    import datetime as dt
    from decimal import Decimal

    from pilote.ledger import services
    from pilote.ledger.models import Account, FiscalYear, Journal

    year = FiscalYear.objects.create(start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31))
    journal = Journal.objects.create(code="OD", label="Opérations diverses", kind="misc")
    expense, bank = (
        Account.objects.create(code="606", label="Achats"),
        Account.objects.create(code="512", label="Banque"),
    )

    def entry(post):
        lines = [services.LineInput(expense, debit=Decimal("10")), services.LineInput(bank, credit=Decimal("10"))]
        return services.create_entry(
            actor=actor, journal=journal, date=dt.date(2026, 2, 1), label="x", lines=lines, post=post
        )

    from pilote.ledger import lettering
    from pilote.ledger.models import AuxiliaryAccount

    draft, posted = entry(False), entry(True)
    customers = Account.objects.create(code="411", label="Clients")
    aux = AuxiliaryAccount.objects.create(code="C1", label="Client", control_account=customers)
    pair = [
        services.create_entry(
            actor=actor,
            journal=journal,
            date=dt.date(2026, 2, 1),
            label="y",
            post=True,
            lines=[
                services.LineInput(customers, debit=Decimal(d), credit=Decimal(c), auxiliary=aux),
                services.LineInput(bank, debit=Decimal(c), credit=Decimal(d)),
            ],
        ).lines.get(account=customers)
        for d, c in (("5", "0"), ("0", "5"))
    ]
    matching = lettering.letter_lines(actor=actor, lines=pair)
    from pilote.ledger import bank, bank_statements

    account = bank.create_bank_account(
        actor=actor, name="Banque", iban="FR7630004000010001234567830", account_code="512"
    )
    mapping = bank_statements.CsvMapping(date_column="Date", label_column="Libellé", amount_column="Montant")
    bank.import_statement(
        actor=actor,
        bank_account=account,
        data="Date;Libellé;Montant\n02/03/2026;Frais;-5,00\n".encode(),
        filename="r.csv",
        csv_mapping=mapping,
    )
    statement_line = account.statement_lines.get()
    rule = bank.create_rule(actor=actor, bank_account=account, label_contains="Frais", account=expense)
    urls = {f"ledger:entry-{name}": draft.pk for name in ("detail", "edit", "post", "delete")}
    bank_pages = ("detail", "edit", "import", "mapping", "apply-rules", "report", "reconcile-pairs", "csv-layout")
    urls |= {f"ledger:bank-{n}": account.pk for n in bank_pages}
    urls |= {f"ledger:statement-line{n}": statement_line.pk for n in ("", "-match", "-book", "-unmatch")}
    urls["ledger:bank-rule-delete"] = urls["ledger:bank-rule-edit"] = rule.pk
    from pilote.ledger import assets

    Account.objects.create(code="2183", label="Matériel de bureau")
    Account.objects.create(code="2818", label="Amortissements")
    Account.objects.create(code="6811", label="Dotations")
    laptop = assets.register_asset(
        actor=actor,
        label="PC",
        reference="INV-1",
        account=Account.objects.get(code="2183"),
        acquisition_date=dt.date(2026, 1, 1),
        cost=Decimal("1000"),
        years=3,
    )
    urls |= {"ledger:asset-detail": laptop.pk, "ledger:asset-dispose": laptop.pk, "ledger:asset-edit": laptop.pk}
    urls |= {f"ledger:lettering{suffix}": aux.pk for suffix in ("", "-letter", "-auto")}
    from pilote.core.models import Job

    refused = Job.objects.create(
        kind="ledger.fec_import", step="validation", status="failed", payload={"name": "f.txt"}
    )
    urls |= {f"ledger:fec-import-{name}": refused.pk for name in ("job", "start", "progress")}
    return {
        **urls,
        "ledger:entry-reverse": posted.pk,
        "ledger:fiscal-year-lock": year.pk,
        "ledger:closing": year.pk,
        "ledger:fec-download": year.pk,
        "ledger:fec-manifest": year.pk,
        "ledger:closing-confirm": year.pk,
        "ledger:lettering-undo": matching.pk,
        "core:backup-download": {"name": "pilote-20261201-020000.tar.gz"},
        "core:job-retry": refused.pk,
    }


def _projects_sample(actor) -> dict:
    from pilote.projects import services as projects

    project = projects.create_project(actor=actor, name="Projet", start_date=dt.date(2026, 3, 2))
    first = projects.add_task(actor=actor, project=project, name="Étude", duration_days=2)
    second = projects.add_task(actor=actor, project=project, name="Réalisation", duration_days=3)
    link = projects.link_tasks(actor=actor, predecessor=first, successor=second)
    from pilote.lib.dates import local_today

    entry = projects.add_time_entry(actor=actor, task=first, person=actor, date=local_today(), hours=Decimal(2))
    return {
        "projects:time-add": project.pk,
        "projects:time-invoice": project.pk,
        "projects:time-delete": entry.pk,
        **{f"projects:{n}": project.pk for n in ("detail", "edit", "task-add", "link-add", "budget")},
        **{f"projects:{n}": first.pk for n in ("task-edit", "task-delete")},
        "projects:link-delete": link.pk,
    }


def _operations_sample(actor, product) -> dict:
    from pilote.catalog.models import Product
    from pilote.operations.services import stock

    location = stock.create_location(actor=actor, code="DEP", name="Dépôt")
    product.kind = "goods"
    item = stock.track_product(actor=actor, product=product, default_location=location)
    count = stock.open_count(actor=actor, location=location, date=dt.date(2026, 3, 2))
    from pilote.operations.services import production

    bom = production.create_bom(actor=actor, product=item, name="Kit")
    component = stock.track_product(
        actor=actor,
        product=Product.objects.create(reference="C1", name="Vis", unit_price="1"),
        default_location=location,
    )
    line = production.add_component(actor=actor, bom=bom, component=component, quantity=Decimal(2))
    order = production.create_order(actor=actor, bom=bom, quantity=Decimal(1), planned_date=dt.date(2026, 3, 2),
                                    location=location)  # fmt: skip
    from pilote.operations.models import Lot

    lot = Lot.objects.create(item=component, number="L1", received_on=dt.date(2026, 3, 2))
    return {
        "operations:lot": lot.pk,
        **{f"operations:{n}": item.pk for n in ("item", "item-edit", "move-add")},
        **{f"operations:{n}": count.pk for n in ("count", "count-save")},
        **{f"operations:{n}": bom.pk for n in ("bom", "bom-line-add", "bom-operation-add")},
        **{f"operations:{n}": order.pk for n in ("order", "order-action")},
        "operations:bom-line-delete": line.pk,
        **_interventions_sample(actor),
    }


def _interventions_sample(actor) -> dict:
    from pilote.contacts.models import Contact
    from pilote.operations.services import interventions

    customer = Contact.objects.create(name="Client Visite", is_customer=True)
    [visit], _ = interventions.plan(actor=actor, customer=customer, kind="maintenance", address="1 rue A",
                                    subject="Entretien", technician=None, day=dt.date(2026, 3, 2), at=dt.time(9),
                                    minutes=60)  # fmt: skip
    return {f"interventions:{n}": visit.pk for n in ("detail", "move", "cancel", "invoice", "step")}


def _url(name, pattern, sample):
    if isinstance(sample.get(name), dict):  # several URL arguments
        return reverse(name, kwargs=sample[name])
    kwargs = {}
    for key in pattern.pattern.converters:
        kwargs[key] = {"pk": sample.get(name), "fmt": "csv", "path": "structure/absent.png"}[key]
    return reverse(name, kwargs=kwargs)


def test_every_view_declares_its_permission():
    missing = [name for name, p in ALL_PATTERNS if not hasattr(p.callback, "required_perm")]
    assert missing == []
    unknown = {p.callback.required_perm for _, p in ALL_PATTERNS} - set(MATRIX) - {None}
    assert unknown == set()


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_gets_exactly_what_the_matrix_allows(role, client, personas, sample):
    client.force_login(personas[role])
    protected = [(n, p) for n, p in ALL_PATTERNS if p.callback.required_perm is not None]
    post_only = []
    for name, pattern in protected:
        url = _url(name, pattern, sample)
        response = client.get(url)
        if response.status_code == 405:
            post_only.append((name, pattern, url))
            continue
        _check(role, name, pattern, response)
    for name, pattern, url in post_only:
        _check(role, name, pattern, client.post(url))


def _check(role, name, pattern, response):
    allowed = role_can(role, pattern.callback.required_perm)
    if allowed:
        assert response.status_code < 500 and response.status_code != 403, (role, name, response.status_code)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            page = response.content.decode()
            if "<title>" in page:  # a template block pasted into the title would show markup in the tab
                title = page.split("<title>", 1)[1].split("</title>", 1)[0]
                assert "<" not in title, (name, title[:80])
        assert not response.get("Location", "").startswith("/connexion/"), (role, name)
    else:
        assert response.status_code == 403, (role, name, response.status_code)


def test_anonymous_visitors_are_sent_to_login(client, sample):
    for name, pattern in ALL_PATTERNS:
        if pattern.callback.required_perm is None:
            continue
        url = _url(name, pattern, sample)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/connexion/?next="), name


def test_employee_sees_no_contact_and_no_menu_entry(client_as):
    client = client_as("salarie")
    page = client.get(reverse("core:home")).content.decode()
    assert "Contacts" not in page
    assert client.get(reverse("contacts:list")).status_code == 403
    assert "Accès refusé" in client.get(reverse("contacts:list")).content.decode()


def test_auditor_reads_but_cannot_write(client_as, sample):
    client = client_as("auditeur")
    assert client.get(reverse("contacts:detail", args=[sample["contacts:detail"]])).status_code == 200
    assert client.get(reverse("core:audit-log")).status_code == 200
    response = client.post(reverse("contacts:create"), {"name": "X", "kind": "organisation", "is_customer": "on"})
    assert response.status_code == 403
    assert not Contact.objects.filter(name="X").exists()
