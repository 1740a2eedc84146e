"""Demo staff of Lumen Bureautique: the 18 people the ledger demo pays each month (ledger/demo.py, payroll), six of
them with a Pilote account, hired through the services in hiring order, so the register is the one the
services write — with a correction (a name changed on marriage), a departure and an intern in the trainees'
section. Deterministic: dates relative to DEMO_TODAY, no use of the shared generator."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from pilote.core.demo import DEMO_TODAY
from pilote.hr.services import employees as services
from pilote.lib.dates import add_months
from pilote.lib.minipdf import text_pdf

# key;last name;first names;sex;born;job;qualification;CSE category;months since hired;contract;manager;account
STAFF_TABLE = """
claire;Martin;Claire;F;1978-04-12;Gérante;Cadre dirigeant;cadre;150;cdi;;direction
julien;Bernard;Julien;M;1985-09-03;Comptable;Technicien comptable;technicien_am;110;cdi;claire;comptable
sophie;Petit;Sophie;F;1983-01-27;Responsable commerciale;Cadre;cadre;104;cdi;claire;commercial
marc;Lefebvre;Marc;M;1972-06-18;Responsable technique;Agent de maîtrise;technicien_am;98;cdi;claire;
nadia;Haddad;Nadia;F;1990-11-05;Chargée des ressources humaines;Technicienne RH;technicien_am;80;cdi;claire;rh
thomas;Girard;Thomas;M;1994-02-14;Technicien de maintenance;Technicien niveau III;technicien_am;72;cdi;marc;salarie
amandine;Roux;Amandine;F;1991-07-30;Commerciale itinérante;Employée qualifiée;ouvrier_employe;66;cdi;sophie;
karim;Benali;Karim;M;1988-03-09;Technicien de maintenance;Technicien niveau II;technicien_am;60;cdi;marc;
lucas;Moreau;Lucas;M;1996-10-21;Assistant de gestion;Employé qualifié;ouvrier_employe;54;cdi;claire;assistant
elodie;Fontaine;Élodie;F;1993-05-02;Assistante commerciale;Employée qualifiée;ouvrier_employe;48;cdi;sophie;
paul;Garnier;Paul;M;1999-12-11;Magasinier;Ouvrier qualifié;ouvrier_employe;40;cdi;marc;
ines;Mendes;Inês;F;1987-08-24;Technicienne de maintenance;Technicienne niveau II;technicien_am;34;cdi;marc;
yao;Kouassi;Yao;M;1992-04-16;Technicien réseaux;Technicien niveau III;technicien_am;28;cdi;marc;
chloe;Dubois;Chloé;F;1998-01-08;Commerciale sédentaire;Employée;ouvrier_employe;22;cdi;sophie;
hugo;Lambert;Hugo;M;1995-09-19;Livreur installateur;Ouvrier;ouvrier_employe;16;cdi;marc;
sarah;Bonnet;Sarah;F;1989-03-03;Employée administrative;Employée;ouvrier_employe;12;cdi;claire;
maxime;Chevalier;Maxime;M;2001-06-27;Technicien de maintenance;Technicien niveau I;technicien_am;5;cdd;marc;
lea;Rousseau;Léa;F;2006-02-15;Apprentie technicienne;BTS Maintenance;ouvrier_employe;3;apprentissage;marc;
"""
STAFF = [row.split(";") for row in STAFF_TABLE.strip().splitlines()]
PART_TIMERS = {"sarah": Decimal("24")}
# The accounts expense reports are paid back to by SEPA transfer (the others left to fill in).
IBANS = {"thomas": "FR7630006000011234567890189", "sophie": "FR1420041010050500013M02606"}
FOREIGN = {"yao": ("Ivoirienne", "Carte de séjour pluriannuelle « salarié »", "6912345678")}
INSEE_BIRTH_PLACE = ("69", "123")  # Lyon (department, commune code), for the demo's numbers


def demo_nir(sex: str, born: dt.date, order: int) -> str:
    """A well-formed social security number for a demo person (sex, year and month of birth, a Lyon commune,
    an order number), with its key: 97 minus the 13 digits modulo 97."""
    body = f"{'1' if sex == 'M' else '2'}{born.year % 100:02d}{born.month:02d}{INSEE_BIRTH_PLACE[0]}"
    body += f"{INSEE_BIRTH_PLACE[1]}{order:03d}"
    return f"{body}{97 - int(body) % 97:02d}"


def load(rng, users) -> None:
    del rng  # the staff does not depend on the shared generator: other apps' demo data stays as it was
    rh = users["rh"]
    people = {}
    for index, (
        key,
        last,
        first,
        sex,
        born,
        job,
        qualification,
        category,
        months,
        contract,
        manager,
        login,
    ) in enumerate(STAFF, start=1):
        born, months = dt.date.fromisoformat(born), int(months)
        entry = add_months(DEMO_TODAY, -months).replace(day=1)
        fields = {
            "last_name": last,
            "first_names": first,
            "sex": sex,
            "birth_date": born,
            "birth_place": "Lyon",
            "nationality": "Française",
            "nir": demo_nir(sex, born, 100 + index),
            "address": f"{10 + index} rue Garibaldi",
            "postal_code": "69003",
            "city": "Lyon",
            "phone": f"06 12 34 {index:02d} {index + 20:02d}",
            "emergency_contact": f"Contact de {first} {last}",
            "emergency_phone": f"06 98 76 {index:02d} {index + 30:02d}",
            "job": job,
            "qualification": qualification,
            "cse_category": category,
            "establishment": "Siège — Lyon 2e",
            "manager": people.get(manager) if manager else None,
            "user": users[login] if login else None,
            "contract_type": contract,
            "entry_date": entry,
        }
        if key in PART_TIMERS:
            fields |= {"part_time": True, "weekly_hours": PART_TIMERS[key]}
        if key in IBANS:
            fields["iban"] = IBANS[key]
        if key in FOREIGN:
            nationality, permit, number = FOREIGN[key]
            fields |= {"nationality": nationality, "needs_work_permit": True, "work_permit_type": permit,
                       "work_permit_number": number, "work_permit_expires": add_months(DEMO_TODAY, 26)}  # fmt: skip
            fields["nir"] = ""  # a number being assigned: left empty until the caisse gives it
        actor = users["direction"] if months > 80 else rh  # before the HR officer was hired
        people[key] = services.hire_employee(actor=actor, recorded_on=entry, **fields)
    # A name changed on marriage: a correction line, the first line stays as written.
    services.update_employee(
        actor=rh,
        employee=people["elodie"],
        last_name="Fontaine-Perrin",
        birth_name="Fontaine",
        reason="Nom d'usage après mariage (justificatif reçu)",
        on=add_months(DEMO_TODAY, -7),
    )
    _former_staff_and_trainee(rh, people)


def _former_staff_and_trainee(rh, people) -> None:
    entry = add_months(DEMO_TODAY, -30).replace(day=1)
    former = services.hire_employee(
        actor=rh, recorded_on=entry, last_name="Perrot", first_names="Damien", sex="M",
        birth_date=dt.date(1990, 10, 2), nir=demo_nir("M", dt.date(1990, 10, 2), 199), job="Technicien de maintenance",
        qualification="Technicien niveau II", cse_category="technicien_am", establishment="Siège — Lyon 2e",
        manager=people["marc"], contract_type="cdi", entry_date=entry,
    )  # fmt: skip
    left = add_months(DEMO_TODAY, -5).replace(day=1) - dt.timedelta(days=1)
    services.record_exit(actor=rh, employee=former, exit_date=left, exit_reason="Démission", on=left)
    start = add_months(DEMO_TODAY, -1).replace(day=1)
    services.hire_employee(
        actor=rh, recorded_on=start, last_name="Morel", first_names="Jade", sex="F", birth_date=dt.date(2004, 5, 9),
        job="Stagiaire assistante commerciale", qualification="BTS NDRC, 2e année", cse_category="ouvrier_employe",
        establishment="Siège — Lyon 2e", manager=people["sophie"], contract_type="stage", entry_date=start,
        tutor="Sophie Petit, responsable commerciale", internship_place="Siège — Lyon 2e",
    )  # fmt: skip


def _monday(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def load_leave(rng, users) -> None:
    """Two summers, a Christmas and a spring of paid leave, a sickness, a work accident, an unpaid leave, RTT;
    requests waiting: the salarie demo user's (for rh: his manager has no account) and the assistant's
    (for his manager, the direction demo user). Deterministic, relative to DEMO_TODAY."""
    from pilote.hr.models import Employee
    from pilote.hr.services import absences

    del rng
    rh, year = users["rh"], DEMO_TODAY.year
    staff = list(
        Employee.objects.filter(exit_date__isnull=True).exclude(contract_type="stage").order_by("register_number")
    )

    def record(employee, kind, start, days, **extra):
        end = start + dt.timedelta(days=days - 1)
        if start >= employee.entry_date and end < DEMO_TODAY:
            absences.record_absence(actor=rh, employee=employee, kind=kind, start=start, end=end, **extra)

    for index, employee in enumerate(staff):
        for summer in (year - 2, year - 1):
            record(employee, "conges_payes", _monday(dt.date(summer, 7, 20)) + dt.timedelta(weeks=index % 4), 13)
        if index % 2 == 0:
            record(employee, "conges_payes", dt.date(year - 1, 12, 22), 10)
        if index % 3 == 0:
            record(employee, "rtt", _monday(dt.date(year - 1, 10, 1)) + dt.timedelta(days=index % 5), 1)
        if index % 4 == 1:
            record(employee, "conges_payes", _monday(dt.date(year, 2, 10)) + dt.timedelta(weeks=index % 2), 6)
    by_name = {e.last_name: e for e in staff}
    record(by_name["Benali"], "maladie", add_months(DEMO_TODAY, -3).replace(day=2), 17, certificate=True)
    record(by_name["Mendes"], "accident_travail", add_months(DEMO_TODAY, -2).replace(day=9), 10, certificate=True)
    # The information on return (L3141-19-3): given to Karim Benali a week after his return; Inês Mendes's is due.
    sick = by_name["Benali"].absences.filter(kind="maladie").first()
    if sick is not None:
        absences.record_leave_information(actor=rh, absence=sick, given_on=sick.end + dt.timedelta(days=8))
    record(by_name["Garnier"], "sans_solde", add_months(DEMO_TODAY, -4).replace(day=14), 3)
    record(by_name["Lambert"], "evenement_familial", add_months(DEMO_TODAY, -1).replace(day=5), 4, certificate=True)
    soon = _monday(DEMO_TODAY + dt.timedelta(days=21))
    thomas = by_name["Girard"]
    absences.request_leave(actor=users["salarie"], employee=thomas, kind="conges_payes", start=soon,
                           end=soon + dt.timedelta(days=5), comment="Vacances en famille")  # fmt: skip
    accepted = absences.request_leave(actor=users["salarie"], employee=thomas, kind="rtt",
                                      start=soon + dt.timedelta(days=14), end=soon + dt.timedelta(days=14))  # fmt: skip
    absences.decide_leave(actor=rh, absence=accepted, approve=True)
    lucas = by_name["Moreau"]  # reports to the direction demo user, who decides as his manager
    start = soon + dt.timedelta(days=7)
    absences.request_leave(actor=users["assistant"], employee=lucas, kind="conges_payes", start=start,
                           end=start + dt.timedelta(days=5), comment="Quelques jours en famille")  # fmt: skip


def load_interviews(rng, users) -> None:
    """Professional interviews held in the first year and every four years since; two people never had theirs
    and two reviews at eight years are late, so the to-do list shows interviews due and late."""
    from pilote.hr.models import Employee
    from pilote.hr.services import interviews

    del rng
    never = {"Garnier", "Lambert"}
    reviewed = {"Martin", "Bernard"}
    staff = Employee.objects.filter(exit_date__isnull=True).exclude(contract_type="stage").order_by("register_number")
    for employee in staff:
        if employee.last_name in never:
            continue
        held = add_months(employee.entry_date, 11)
        review = add_months(employee.entry_date, 95)
        while held <= DEMO_TODAY:
            kind = "professionnel"
            if employee.last_name in reviewed and held <= review < add_months(held, 47):
                held, kind = review, "etat_des_lieux"
            interviews.record_interview(actor=users["rh"], employee=employee, kind=kind, held_on=held,
                                        summary="Point sur le poste, les compétences et les souhaits de formation.",
                                        training_followed=kind == "etat_des_lieux")  # fmt: skip
            held = add_months(held, 47)


def load_cse(rng, users) -> None:
    """The CSE election of last year, held through the services: the staff informed on 1 September, a first
    round on 2 October without quorum (union lists only), a second round on 16 October open to any list, the
    results proclaimed the next day — one full member and one substitute (single college, 11–24 employees)."""
    from pilote.core.demo import FIRST_YEAR
    from pilote.hr.models import CseVoter
    from pilote.hr.services import cse

    del rng
    rh = users["rh"]
    election = cse.prepare_election(
        actor=rh, title=f"Élections du CSE {FIRST_YEAR}", informed_on=dt.date(FIRST_YEAR, 9, 1),
        unions_invited_on=dt.date(FIRST_YEAR, 9, 1), first_round_on=dt.date(FIRST_YEAR, 10, 2),
        second_round_on=dt.date(FIRST_YEAR, 10, 16),
    )  # fmt: skip
    college = election.colleges.order_by("number").first()
    people = {v.employee.last_name: v.employee for v in CseVoter.objects.filter(college=college, eligible=True)
              .select_related("employee")}  # fmt: skip

    def one(name, ballots, last, crossed=0, union=True):
        return cse.ListInput(name, ballots, [cse.CandidateInput(people[last], crossed)], union)

    registered = college.voters.count()
    candidates = (("titulaires", "Girard", "Roux"), ("suppleants", "Benali", "Fontaine-Perrin"))
    for body, union_candidate, free_candidate in candidates:
        valid = registered // 2 - 2  # under half of the registered: no quorum
        cse.record_tally(actor=rh, college=college, round=1, body=body, votes_cast=valid + 1, blank_void=1,
                         lists=[one("CFDT", valid, union_candidate)])  # fmt: skip
        valid = registered - 3
        cse.record_tally(actor=rh, college=college, round=2, body=body, votes_cast=valid + 1, blank_void=1,
                         lists=[one("CFDT", valid - 3, union_candidate),
                                one("Liste libre du personnel", 3, free_candidate, union=False)])  # fmt: skip
    cse.proclaim(actor=rh, election=election, on=dt.date(FIRST_YEAR, 10, 17))


# Monthly gross pay of the demo staff (about the 44,500 € the ledger demo books each month in 641).
SALARIES = {
    "claire": "5200", "julien": "2900", "sophie": "3800", "marc": "3300", "nadia": "2800", "thomas": "2300",
    "amandine": "2300", "karim": "2350", "lucas": "2150", "elodie": "2100", "paul": "1950", "ines": "2350",
    "yao": "2400", "chloe": "1900", "hugo": "1850", "sarah": "1302.59", "maxime": "2050", "lea": "1100",
}  # fmt: skip


def load_contracts(rng, users) -> None:
    """A contract for each of the 18 (the CDD for nine months, accroissement d'activité; the apprenticeship with
    its school; the part-timer at 24 hours), a raise by amendment for the salarie demo user a year ago, and the
    intern's agreement with the legal gratification."""
    from pilote.hr.models import Employee
    from pilote.hr.services import contracts

    del rng
    rh = users["rh"]
    keys = {(last, first): key for key, last, first, *_ in STAFF}
    for employee in Employee.objects.order_by("register_number"):
        key = keys.get((employee.birth_name or employee.last_name, employee.first_names))
        if key is None:
            if employee.contract_type == "cdi":  # the technician who left
                contracts.sign_contract(actor=rh, employee=employee, kind="cdi", effective_from=employee.entry_date,
                                        monthly_gross=Decimal("2350"), job=employee.job)  # fmt: skip
            continue
        start = employee.entry_date
        terms = {"kind": employee.contract_type, "effective_from": start, "signed_on": start, "job": employee.job,
                 "part_time": employee.part_time, "weekly_hours": employee.weekly_hours,
                 "monthly_gross": Decimal(SALARIES[key])}  # fmt: skip
        if key == "maxime":
            terms |= {"end_date": add_months(employee.entry_date, 9) - dt.timedelta(days=1),
                      "cdd_reason": "accroissement"}  # fmt: skip
        if key == "lea":
            terms |= {"end_date": add_months(employee.entry_date, 24) - dt.timedelta(days=1),
                      "school": "Lycée La Martinière Diderot, BTS Maintenance des systèmes"}  # fmt: skip
        contracts.sign_contract(actor=rh, employee=employee, **terms)
        if key == "thomas":
            raised = add_months(DEMO_TODAY, -12).replace(day=1)
            contracts.amend_contract(actor=rh, employee=employee, effective_from=raised, monthly_gross=Decimal("2450"),
                                     reason="Augmentation individuelle")  # fmt: skip
    intern = Employee.objects.filter(contract_type="stage").order_by("-entry_date").first()
    if intern is not None:
        contracts.sign_contract(actor=rh, employee=intern, kind="stage", effective_from=intern.entry_date,
                                end_date=add_months(intern.entry_date, 2) - dt.timedelta(days=1),
                                school="Lycée Ampère, BTS NDRC", weekly_hours=Decimal(35),
                                monthly_gross=Decimal("665.28"), job=intern.job)  # fmt: skip


def load_payroll(rng, users) -> None:
    """Six closed months of payroll variables prepared from the files, completed (overtime for the technicians,
    expenses, and the sales staff's bonuses: what brings the month's gross to the 641 « Salaires » debit of the
    payroll entry the ledger demo posted, so the two agree), validated by rh, each linked to that entry (piece
    PAIEyyyymm), the current month in preparation."""
    from django.db.models import Sum

    from pilote.hr.models import PayrollVariable
    from pilote.hr.queries import payroll as queries
    from pilote.hr.services import payroll
    from pilote.ledger.models import Entry

    del rng
    rh = users["rh"]
    current = DEMO_TODAY.replace(day=1)
    for back in range(6, 0, -1):
        month = add_months(current, -back)
        record = payroll.prepare_month(actor=rh, month=month)
        sales = []
        for variable in PayrollVariable.objects.filter(payroll=record).select_related("employee"):
            if variable.employee.job.startswith("Technicien") and back % 2 == 0:
                payroll.update_variable(actor=rh, variable=variable, overtime_25=Decimal(6),
                                        overtime_50=Decimal(back == 2))  # fmt: skip
            if variable.employee.job.startswith("Commercial"):
                sales.append(variable)
        entry = Entry.objects.filter(piece_ref=f"PAIE{month:%Y%m}", journal__code="OD", date__month=month.month,
                                     date__year=month.year).first()  # fmt: skip
        booked = entry.lines.filter(account__code__startswith="641").aggregate(s=Sum("debit"))["s"] if entry else None
        gap = (booked or Decimal(0)) - queries.totals(queries.rows(record))["gross"]
        share = (gap / len(sales)).quantize(Decimal("0.01"), rounding=ROUND_DOWN) if sales and gap > 0 else None
        for i, variable in enumerate(sales):
            bonus = (gap - share * (len(sales) - 1) if i == 0 else share) if share is not None else Decimal(0)
            payroll.update_variable(actor=rh, variable=variable, bonus=bonus, expenses=Decimal("86.40"),
                                    comment="Prime sur objectifs" if bonus else "")  # fmt: skip
        payroll.validate_month(actor=rh, payroll_month=record)
        if entry is not None and entry.is_posted:
            payroll.link_entry(actor=rh, payroll_month=record, entry=entry)
    payroll.prepare_month(actor=rh, month=current)


def _staff() -> dict:
    """The demo's people by key, found by their name at hiring (one changed hers on marriage)."""
    from pilote.hr.models import Employee

    keys = {(last, first): key for key, last, first, *_ in STAFF}
    people = {}
    for employee in Employee.objects.order_by("register_number"):
        key = keys.get((employee.birth_name or employee.last_name, employee.first_names))
        if key is not None:
            people[key] = employee
    return people


def _receipt_pdf(lines: list[str]) -> bytes:
    """A one-page PDF ticket standing for a photographed receipt."""
    return text_pdf(lines, width=300, height=300)


# key of the employee; title; step reached; lines (days before today, category, detail, amount incl. VAT, VAT)
# — a mileage line gives its distance in km instead of the amount (5 CV car).
EXPENSES = [
    ("thomas", "Intervention Annecy", "brouillon", [(2, "repas", "Déjeuner sur le trajet", "18.90", "1.72")]),
    ("thomas", "Maintenance Grenoble", "soumise", [
        (9, "kilometrique", "Lyon – Grenoble aller-retour", "220", ""),
        (9, "repas", "Déjeuner", "21.50", "1.95"),
        (9, "peage", "Péage A43", "19.60", "3.27")]),
    ("amandine", "Tournée clients Savoie", "approuvee", [
        (16, "kilometrique", "Tournée Chambéry, Albertville", "310", ""),
        (16, "hebergement", "Hôtel Chambéry", "89.00", "8.09"),
        (15, "reception", "Déjeuner client Savoie Bureau", "64.80", "5.89")]),
    ("sophie", "Salon Bureaux Expo Paris", "comptabilisee", [
        (20, "transport", "TGV Lyon – Paris aller-retour", "142.00", "12.91"),
        (20, "hebergement", "Hôtel Paris 12e", "132.00", "12.00"),
        (19, "cadeau", "Coffret pour un client", "45.00", "7.50")]),
    ("karim", "Formation constructeur Villeurbanne", "remboursee", [
        (25, "carburant", "Gazole véhicule de service", "72.40", "12.07"),
        (25, "repas", "Déjeuner", "16.50", "1.50")]),
    ("amandine", "Frais divers", "refusee", [(28, "autre", "Achat sans justificatif lisible", "35.00", "")]),
]  # fmt: skip


def load_expenses(rng, users) -> None:
    """Expense reports at each step, through the services: a draft, one waiting for rh, one approved and waiting to
    be posted, one posted and waiting to be paid, one reimbursed by transfer, one refused. Entries dated today, in
    the current month, which no VAT return covers yet."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pilote.hr.services import expenses as services
    from pilote.ledger.models_bank import BankAccount

    del rng
    rh, accountant = users["rh"], users["comptable"]
    people = _staff()
    bank = BankAccount.objects.order_by("pk").first()
    for key, title, step, lines in EXPENSES:
        employee = people[key]
        actor = employee.user if employee.user_id else rh
        report = services.create_report(actor=actor, employee=employee, title=title)
        for days, category, detail, amount, vat in lines:
            spent_on = DEMO_TODAY - dt.timedelta(days=days)
            if category == "kilometrique":
                services.add_line(actor=actor, report=report, spent_on=spent_on, category=category, description=detail,
                                  vehicle="voiture", horsepower=5, distance=Decimal(amount))  # fmt: skip
                continue
            ticket = SimpleUploadedFile(f"ticket-{category}.pdf", _receipt_pdf(
                [detail, f"{spent_on:%d/%m/%Y}", f"Total TTC {amount} EUR", f"dont TVA {vat or '0'} EUR"]))  # fmt: skip
            services.add_line(actor=actor, report=report, spent_on=spent_on, category=category, description=detail,
                              amount=Decimal(amount), vat=Decimal(vat or 0), receipt=ticket)  # fmt: skip
        if step == "brouillon":
            continue
        services.submit_report(actor=actor, report=report)
        if step == "soumise":
            continue
        decider = rh if actor != rh else users["direction"]
        note = "Justificatif illisible : joignez la facture." if step == "refusee" else ""
        services.decide_report(actor=decider, report=report, approve=step != "refusee", note=note)
        if step in ("comptabilisee", "remboursee"):
            services.post_report(actor=accountant, report=report, on=DEMO_TODAY)
        if step == "remboursee" and bank is not None:
            services.reimburse_report(actor=accountant, report=report, bank_account=bank, on=DEMO_TODAY)


# key; days of the week (0 = Monday); start; end; break in minutes — the usual week, recopied week after week
SCHEDULE = [
    ("marc", range(5), "08:00", "16:30", 60), ("thomas", range(5), "08:00", "16:00", 60),
    ("karim", range(5), "07:30", "15:30", 60), ("ines", range(5), "08:30", "16:30", 60),
    ("yao", range(5), "09:00", "17:00", 60), ("maxime", range(5), "08:00", "16:00", 60),
    ("lea", range(5), "08:00", "16:00", 60), ("paul", range(5), "07:00", "15:00", 60),
    ("hugo", range(5), "08:00", "16:00", 60), ("sarah", range(3), "08:30", "17:00", 30),
]  # fmt: skip
WEEKS_BACK = 13


def load_schedules(rng, users) -> None:
    """Thirteen weeks of schedules and the current one for the technical team, the warehouse and the part-timer: the
    usual week planned once and recopied week after week (absences skipped), overtime on busy weeks, and in the
    current week a long day followed by a short night that the planning flags (L3121-18, L3131-1). The current
    month's payroll variables are refreshed from it."""
    import contextlib

    from pilote.core.exceptions import DomainError
    from pilote.hr.services import payroll
    from pilote.hr.services import worktime as services
    from pilote.hr.worktime import monday

    del rng
    rh = users["rh"]
    people = _staff()
    this_week = monday(DEMO_TODAY)
    first = this_week - dt.timedelta(weeks=WEEKS_BACK)

    def plan(key, day, start, end, pause=60, note=""):
        with contextlib.suppress(DomainError):  # absent that day
            services.plan_shift(actor=rh, employee=people[key], day=day, start=dt.time.fromisoformat(start),
                                end=dt.time.fromisoformat(end), break_minutes=pause, note=note)  # fmt: skip

    for key, days, start, end, pause in SCHEDULE:
        for day in days:
            plan(key, first + dt.timedelta(days=day), start, end, pause)
    for week in range(1, WEEKS_BACK + 1):
        target = first + dt.timedelta(weeks=week)
        services.copy_week(actor=rh, employees=list(people.values()), source=target - dt.timedelta(weeks=1),
                           target=target)  # fmt: skip
        if week % 3 == 0:  # a busy week: installations on Saturday morning
            for key in ("thomas", "karim"):
                plan(key, target + dt.timedelta(days=5), "08:00", "13:00", 0, "Installation client")
            # the part-timer's complementary hours (24 h contract: 2,4 h at 10 %, 1,6 h at 25 %)
            plan("sarah", target + dt.timedelta(days=3), "08:30", "12:30", 0, "Inventaire")
        if week % 4 == 1:  # an evening intervention on Thursday
            plan("yao", target + dt.timedelta(days=3), "18:00", "22:30", 0, "Bascule réseau client")
    # the current week: Yao's long Monday and early Tuesday (11 h of work, 10 h of rest)
    from pilote.hr.models import WorkShift

    for shift in WorkShift.objects.filter(employee=people["yao"], day__range=(this_week, this_week + dt.timedelta(1))):
        services.remove_shift(actor=rh, shift=shift)
    plan("yao", this_week, "07:00", "19:00", 60, "Déploiement Savoie Bureau")
    plan("yao", this_week + dt.timedelta(days=1), "05:00", "12:00", 0, "Astreinte")
    payroll.prepare_month(actor=rh, month=DEMO_TODAY.replace(day=1))


# title; provider; kind; funding; months from today (negative: past); days; hours; cost; attendees; skill
TRAININGS = [
    ("Sauveteur secouriste du travail (SST)", "Croix-Rouge formation", "obligatoire", "plan", -9, 2, 14, "540.00",
     ["thomas", "paul", "hugo"], None),
    ("Habilitation électrique BR", "APAVE", "obligatoire", "opco", -5, 3, 21, "1290.00", ["karim", "ines", "yao"],
     "Habilitation électrique"),
    ("Négociation commerciale", "CCI Lyon Métropole", "developpement", "plan", -3, 2, 14, "1180.00",
     ["amandine", "chloe", "elodie"], "Négociation"),
    ("Paie et DSN : les fondamentaux", "Cegos", "developpement", "cpf", -1, 3, 21, "1650.00", ["nadia"], None),
    ("Réseaux et sécurité des imprimantes", "Konica Minolta Academy", "developpement", "opco", 2, 4, 28, "2400.00",
     ["maxime", "lea", "yao"], "Réseaux et sécurité"),
    ("Gestes et postures", "AST Grand Lyon", "obligatoire", "plan", 4, 1, 7, "320.00", ["paul", "hugo"], None),
]  # fmt: skip
SKILLS = [
    ("Diagnostic et dépannage des copieurs", "Maintenance"), ("Habilitation électrique", "Maintenance"),
    ("Réseaux et sécurité", "Maintenance"), ("Négociation", "Commerce"), ("Conseil en solutions d'impression",
    "Commerce"), ("Gestion de stock", "Logistique"), ("Conduite d'un véhicule utilitaire", "Logistique"),
]  # fmt: skip
# job; skill index; level required
REQUIRED = [
    ("Technicien de maintenance", 0, 3), ("Technicien de maintenance", 1, 3), ("Technicien de maintenance", 2, 2),
    ("Technicienne de maintenance", 0, 3), ("Technicienne de maintenance", 1, 3),
    ("Technicien réseaux", 2, 4), ("Technicien réseaux", 1, 3),
    ("Commerciale itinérante", 3, 3), ("Commerciale itinérante", 4, 3), ("Commerciale sédentaire", 4, 2),
    ("Magasinier", 5, 3), ("Livreur installateur", 6, 3), ("Livreur installateur", 0, 2),
]  # fmt: skip
# key; level of each skill (None: not assessed)
ASSESSED = {
    "marc": [4, 3, 2, None, None, None, None], "thomas": [3, 3, 2, None, None, None, 3],
    "karim": [3, 3, 1, None, None, None, None], "ines": [2, 3, None, None, None, None, None],
    "yao": [2, 3, 4, None, None, None, None], "maxime": [2, 1, 1, None, None, None, None],
    "amandine": [None, None, None, 3, 2, None, 3], "chloe": [None, None, None, 2, 3, None, None],
    "paul": [None, None, None, None, None, 3, 3], "hugo": [1, None, None, None, None, 2, 3],
}  # fmt: skip


def load_training(rng, users) -> None:
    """The skills repository, the levels jobs require and the team's assessments (a skill held by one technician, a
    saleswoman below the level), the year's training plan — done with attendance and evaluations, and coming, one
    aimed at a skill —, and annual reviews with objectives."""
    from pilote.hr.services import skills as skill_services
    from pilote.hr.services import training as services

    del rng
    rh = users["rh"]
    people = _staff()
    skills = [skill_services.create_skill(actor=rh, name=name, family=family) for name, family in SKILLS]
    for job, index, level in REQUIRED:
        skill_services.require_skill(actor=rh, job=job, skill=skills[index], level=level)
    for key, levels in ASSESSED.items():
        assessed = {skills[i]: level for i, level in enumerate(levels) if level is not None}
        skill_services.assess(actor=rh, employee=people[key], levels=assessed)
    by_name = {s.name: s for s in skills}
    for title, provider, kind, funding, months, days, hours, cost, attendees, skill in TRAININGS:
        start = add_months(DEMO_TODAY, months)
        action = services.create_action(actor=rh, title=title, provider=provider, kind=kind, funding=funding,
                                        start=start, end=start + dt.timedelta(days=days - 1), hours=Decimal(hours),
                                        cost=Decimal(cost), employees=[people[k] for k in attendees],
                                        skill=by_name.get(skill))  # fmt: skip
        if months < 0:
            present = [people[k].pk for k in (attendees[:-1] if len(attendees) > 2 else attendees)]
            evaluation = "Objectifs atteints ; à renouveler selon l'échéance réglementaire."
            services.complete_action(actor=rh, action=action, attended=present, evaluation=evaluation)
            for rating, attendance in zip((5, 4), action.attendees.filter(attended=True), strict=False):
                services.evaluate(actor=rh, attendance=attendance, rating=rating, comment="Formation très concrète")
    services.record_review(actor=rh, employee=people["thomas"], held_on=add_months(DEMO_TODAY, -1),
                           assessment="Très bonne année : 96 % des interventions dans les délais.",
                           objectives="Obtenir l'habilitation électrique BR\nFormer Léa au diagnostic des copieurs",
                           training_wishes="Réseaux et sécurité des imprimantes")  # fmt: skip
    services.record_review(actor=rh, employee=people["amandine"], held_on=add_months(DEMO_TODAY, -2),
                           assessment="Objectifs commerciaux atteints à 104 %.",
                           objectives="Développer le secteur Savoie\nProposer les contrats de maintenance",
                           training_wishes="Négociation grands comptes")  # fmt: skip


def load_checklists(rng, users) -> None:
    """The departure of five months ago has its steps done; the intern who arrived last month has her arrival
    checklist half done (the safety training and the health visit still to do)."""
    from pilote.hr.models import Employee
    from pilote.hr.services import checklists

    del rng
    rh = users["rh"]
    for item in Employee.objects.get(last_name="Perrot").checklist.filter(done_on__isnull=True):
        checklists.tick(actor=rh, item=item, done=True)
    intern = Employee.objects.get(last_name="Morel")
    checklists.open_checklist(actor=rh, employee=intern, kind="arrivee")
    for item in intern.checklist.filter(code__in=["dpae", "contrat", "identite", "secu", "registre", "acces"]):
        checklists.tick(actor=rh, item=item, done=True)
