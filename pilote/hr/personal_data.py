"""An employee's personal data (core.personal_data, GDPR): the export of their whole file for a request from the
person (art. 15 and 20 — health-related absences, salaries and interview contents included, since they are the
person's own; the actions are for rh and direction only), the legal keeping periods that refuse an anonymisation
while they run, and the anonymisation itself.

Keeping periods (art. 17-3-b GDPR: a legal obligation outweighs erasure):
- the person still works here: their file is needed to run the contract;
- registre unique du personnel: its mentions are kept 5 years after the departure (R1221-26);
- payslips and what they are made of (payroll variables, absences): the employer keeps them 5 years (L3243-4);
- expense reports posted in the books: accounting documents, 10 years from the entry's year end (C. com. L123-22).
The register's lines themselves are indelible (D1221-23, triggers.py): an anonymisation leaves them as written."""

from __future__ import annotations

import datetime as dt

from pilote.core.personal_data import PersonalDataSource, Section
from pilote.hr.models import Employee
from pilote.lib.dates import add_months
from pilote.lib.formats import format_date

# What the page and the API say once an employee is anonymised.
ANONYMISED_MESSAGE = "Le dossier est anonymisé, ainsi que le journal d'audit qui le concerne."

REGISTER_YEARS = 5  # R1221-26
PAYSLIP_YEARS = 5  # L3243-4
ACCOUNTING_YEARS = 10  # C. com. L123-22

IDENTITY = {
    "register_number": "N° d'ordre au registre", "last_name": "Nom", "birth_name": "Nom de naissance",
    "first_names": "Prénoms", "sex": "Sexe", "birth_date": "Date de naissance", "birth_place": "Lieu de naissance",
    "nationality": "Nationalité", "nir": "N° de sécurité sociale", "address": "Adresse", "postal_code": "Code postal",
    "city": "Ville", "email": "E-mail personnel", "phone": "Téléphone", "emergency_contact": "Personne à prévenir",
    "emergency_phone": "Téléphone de la personne à prévenir", "iban": "IBAN", "bic": "BIC", "job": "Emploi",
    "qualification": "Qualification",
    "establishment": "Établissement", "weekly_hours": "Heures par semaine", "entry_date": "Date d'entrée",
    "exit_date": "Date de sortie", "exit_reason": "Motif de sortie", "work_permit_type": "Titre de travail (type)",
    "work_permit_number": "Titre de travail (n°)", "work_permit_expires": "Titre de travail valable jusqu'au",
    "temp_agency": "Entreprise de travail temporaire", "tutor": "Tuteur (stagiaire)",
    "internship_place": "Lieu du stage",
}  # fmt: skip
# Blanked on anonymisation (the file) and in the audit trail's snapshots of the employee.
PERSONAL_FIELDS = (
    "birth_name", "first_names", "birth_place", "nir", "address", "postal_code", "city", "email", "phone",
    "emergency_contact", "emergency_phone", "work_permit_type", "work_permit_number", "temp_agency", "tutor",
    "internship_place", "last_name", "birth_date", "nationality", "work_permit_expires", "iban", "bic",
)  # fmt: skip


def collect(employee: Employee) -> list[Section]:
    record = {label: getattr(employee, name) for name, label in IDENTITY.items()}
    record |= {"Contrat": employee.get_contract_type_display(), "Catégorie (CSE)": employee.get_cse_category_display(),
               "Responsable": employee.manager.full_name if employee.manager else ""}  # fmt: skip
    register = [
        {"N° d'ordre": line.register_number, "Nature": line.get_kind_display(), "Inscrit le": line.recorded_on,
         "Nom": line.last_name, "Prénoms": line.first_names, "Emploi": line.job, "Mentions du contrat": line.contract,
         "Entrée": line.entry_date, "Sortie": line.exit_date, "Motif": line.reason}
        for line in employee.register.order_by("recorded_at", "pk")
    ]  # fmt: skip
    contracts = [
        {"Version": c.version, "Nature": c.get_kind_display(), "À compter du": c.effective_from, "Fin": c.end_date,
         "Emploi": c.job, "Heures par semaine": c.weekly_hours, "Salaire mensuel brut": c.monthly_gross,
         "Fin de la période d'essai": c.trial_end, "Objet de l'avenant": c.reason}
        for c in employee.contracts.order_by("version")
    ]  # fmt: skip
    absences = [
        {"Nature": a.get_kind_display(), "Du": a.start, "Au": a.end, "Jours": a.days, "Statut": a.get_status_display(),
         "Justificatif reçu": a.certificate, "Commentaire": a.comment, "Motif de la décision": a.decision_note,
         "Information sur les congés remise le": a.leave_information_on}
        for a in employee.absences.order_by("start", "pk")
    ]  # fmt: skip
    expenses = [
        {"Note": line.report.number, "Objet": line.report.title, "État": line.report.get_status_display(),
         "Date": line.spent_on, "Catégorie": line.get_category_display(), "Détail": line.description,
         "Montant TTC": line.amount, "Distance (km)": line.distance, "Justificatif": line.receipt_name}
        for report in employee.expense_reports.prefetch_related("lines").order_by("created_at", "pk")
        for line in report.lines.all()
    ]  # fmt: skip
    interviews = [
        {"Nature": i.get_kind_display(), "Tenu le": i.held_on, "Compte rendu": i.summary,
         "Formation non obligatoire suivie": i.training_followed}
        for i in employee.interviews.order_by("held_on", "pk")
    ]  # fmt: skip
    reviews = [
        {"Tenu le": r.held_on, "Conduit par": r.reviewer, "Bilan": r.assessment, "Objectifs": r.objectives,
         "Souhaits de formation": r.training_wishes}
        for r in employee.annual_reviews.order_by("held_on", "pk")
    ]  # fmt: skip
    trainings = [
        {"Formation": t.action.title, "Organisme": t.action.provider, "Du": t.action.start, "Au": t.action.end,
         "Heures": t.action.hours, "Présent": t.attended, "Satisfaction": t.rating, "Appréciation": t.comment}
        for t in employee.trainings.select_related("action").order_by("action__start", "pk")
    ]  # fmt: skip
    skills = [
        {"Compétence": s.skill.name, "Niveau": s.get_level_display(), "Évalué le": s.assessed_on}
        for s in employee.skills.select_related("skill").order_by("skill__name")
    ]
    return [
        Section("Dossier salarié", [record]),
        Section("Registre unique du personnel", register),
        Section("Contrats et avenants", contracts),
        Section("Congés et absences", absences),
        Section("Notes de frais", expenses),
        Section("Entretiens professionnels", interviews),
        Section("Entretiens annuels", reviews),
        Section("Formations", trainings),
        Section("Compétences", skills),
    ]


def retention(employee: Employee, today: dt.date) -> list[str]:
    from pilote.hr.models import PayrollVariable

    if employee.exit_date is None or employee.exit_date >= today:
        return ["le salarié fait toujours partie du personnel"]
    reasons = []
    until = add_months(employee.exit_date, 12 * REGISTER_YEARS)
    if today <= until:
        reasons.append(f"le registre unique du personnel se conserve jusqu'au {format_date(until)} (5 ans après la "
                       "sortie, article R1221-26 du code du travail)")  # fmt: skip
    last = PayrollVariable.objects.filter(employee=employee).order_by("-payroll__month")
    month = last.values_list("payroll__month", flat=True).first()
    if month is not None and today <= (until := add_months(month, 12 * PAYSLIP_YEARS + 1) - dt.timedelta(days=1)):
        reasons.append(f"les éléments de paie se conservent jusqu'au {format_date(until)} (5 ans, article L3243-4 "
                       "du code du travail)")  # fmt: skip
    posted = employee.expense_reports.filter(entry__isnull=False).order_by("-entry__date")
    day = posted.values_list("entry__date", flat=True).first()
    if day is not None and today <= (until := dt.date(day.year + ACCOUNTING_YEARS, 12, 31)):
        reasons.append(f"des notes de frais comptabilisées se conservent jusqu'au {format_date(until)} (10 ans, "
                       "article L123-22 du code de commerce)")  # fmt: skip
    return reasons


def anonymise(employee: Employee, actor) -> None:
    """The file's identity blanked (a name by register number, the birth date kept to its year for the pyramids),
    the account unlinked, and the free texts about the person emptied; amounts, dates and the register stay."""
    del actor
    blank = dict.fromkeys(
        ("birth_name", "birth_place", "nir", "address", "postal_code", "city", "email", "phone", "emergency_contact",
         "emergency_phone", "work_permit_type", "work_permit_number", "temp_agency", "tutor", "internship_place",
         "exit_reason", "iban", "bic"), "")  # fmt: skip
    Employee.objects.filter(pk=employee.pk).update(
        **blank, last_name=f"Salarié anonymisé n° {employee.register_number}", first_names="—", user=None,
        birth_date=employee.birth_date.replace(month=1, day=1), nationality="—", work_permit_expires=None,
        version=employee.version + 1,
    )  # fmt: skip
    employee.absences.update(comment="", decision_note="")
    employee.interviews.update(summary="")
    employee.annual_reviews.update(assessment="", objectives="", training_wishes="")
    employee.trainings.update(comment="")
    employee.shifts.update(note="")
    from pilote.hr.models import ExpenseLine

    for line in ExpenseLine.objects.filter(report__employee=employee).exclude(receipt=""):
        line.receipt.delete(save=False)
    ExpenseLine.objects.filter(report__employee=employee).update(description="Dépense", receipt="", receipt_name="")
    employee.refresh_from_db()


def audited(employee: Employee) -> list[tuple[str, str]]:
    """The audit events naming the person: their file, absences, contracts, interviews, expense reports."""
    rows = [("hr.employee", str(employee.pk))]
    for label, related in (
        ("hr.absence", employee.absences),
        ("hr.contract", employee.contracts),
        ("hr.careerinterview", employee.interviews),
        ("hr.expensereport", employee.expense_reports),
    ):
        rows += [(label, str(pk)) for pk in related.values_list("pk", flat=True)]  # fmt: skip
    return rows


SOURCE = PersonalDataSource(
    key="hr.employee",
    subject_kind="employee",
    collect=collect,
    retention=retention,
    anonymise=anonymise,
    audited=audited,
    personal_fields=PERSONAL_FIELDS,
)
