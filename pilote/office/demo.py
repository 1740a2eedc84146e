"""The office's share of the demo, through the services and dated from the demo's today: two rooms, two vehicles
and a projector; a team calendar with a month of events (two weeks back, three ahead) and a weekly meeting as a
recurring event; rooms and a vehicle booked, trips in the vehicle log; the weekly staff meetings of the last four
Mondays with their minutes, decisions and actions (each carrying the open ones to the next), the next one
planned, the last one held with two documents of the store attached; typed tasks in every quadrant of the matrix, some
late."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from pilote.core.demo import DEMO_TODAY
from pilote.core.exceptions import DomainError
from pilote.office import recurrence
from pilote.office.services import agenda, bookings, meetings, tasks

# fmt: off
RESOURCES = [
    ("Salle Lumière", "room", 10, "Rez-de-chaussée", "", (8, 20), None,
     "Rendre la salle rangée ; le vidéoprojecteur se réserve à part."),
    ("Bureau de passage", "room", 4, "1er étage", "", (8, 19), None, ""),
    ("Kangoo utilitaire", "vehicle", 2, "Parking", "GH-482-LB", None, 10,
     "Plein à faire au retour sous le quart ; carnet de bord à remplir."),
    ("Peugeot 308", "vehicle", 5, "Parking", "FT-915-KD", None, 12, ""),
    ("Vidéoprojecteur", "equipment", 1, "Armoire de la salle Lumière", "", None, None, ""),
]
# (days from today, hour, minutes, duration in minutes, title, place, calendar owner or "" for the team)
EVENTS = [
    (-12, 14, 0, 90, "Visite de la Mairie de Villeurbanne (contrat de maintenance)", "Villeurbanne", "commercial"),
    (-9, 10, 0, 60, "Entretien annuel — Thomas Girard", "Bureau de passage", "rh"),
    (-7, 9, 30, 180, "Formation Sauveteur secouriste du travail", "Salle Lumière", ""),
    (-5, 11, 0, 60, "Rendez-vous expert-comptable : situation intermédiaire", "Cabinet Fiducial", "comptable"),
    (-2, 15, 0, 60, "Point trésorerie", "Bureau de la gérance", "direction"),
    (1, 10, 0, 90, "Démonstration copieurs — Clinique du Parc", "Lyon 6e", "commercial"),
    (2, 14, 0, 120, "Comité de direction", "Salle Lumière", ""),
    (4, 9, 0, 480, "Salon Bureautique Pro", "Eurexpo, Chassieu", ""),
    (8, 11, 0, 30, "Appel fournisseur : contrat de location des véhicules", "", "assistant"),
    (10, 16, 0, 60, "Entretien de recrutement — technicien", "Bureau de passage", "rh"),
    (15, 12, 0, 120, "Repas de fin d'année", "Brasserie Georges", ""),
    (18, 9, 0, 60, "Revue des risques", "Bureau de la gérance", "direction"),
]
# (days from today, resource, hour, duration in hours, title, booker, attendees, trip km or None)
BOOKINGS = [
    (-12, "Peugeot 308", 13, 4, "Visite Mairie de Villeurbanne", "commercial", 2, 46),
    (-8, "Kangoo utilitaire", 8, 8, "Interventions de maintenance Lyon Est", "salarie", 1, 112),
    (-6, "Kangoo utilitaire", 8, 8, "Livraison de copieurs", "salarie", 2, 87),
    (-7, "Vidéoprojecteur", 9, 4, "Formation SST", "rh", 1, None),
    (-2, "Bureau de passage", 15, 1, "Point trésorerie", "direction", 2, None),
    (1, "Peugeot 308", 9, 4, "Démonstration Clinique du Parc", "commercial", 2, None),
    (2, "Salle Lumière", 14, 2, "Comité de direction", "direction", 5, None),
    (3, "Kangoo utilitaire", 8, 9, "Tournée de maintenance", "salarie", 1, None),
    (10, "Bureau de passage", 16, 1, "Entretien de recrutement", "rh", 3, None),
]
# Staff meetings: per week, (notes, decisions, actions: (title, owner, due in days from the meeting, done))
WEEKS = [
    ("Charge de la semaine répartie ; deux interventions urgentes chez Clinique du Parc.",
     ["Les interventions urgentes passent avant la maintenance préventive."],
     [("Mettre à jour le planning des techniciens", "assistant", 2, True),
      ("Commander les toners pour le stock", "assistant", 5, True)]),
    ("Le Kangoo doit passer au contrôle technique avant la fin du mois.",
     ["Contrôle technique du Kangoo chez le garage habituel."],
     [("Prendre rendez-vous pour le contrôle technique du Kangoo", "assistant", 7, True),
      ("Relancer la Mairie de Villeurbanne pour le bon de commande", "commercial", 4, False)]),
    ("Préparation du salon Bureautique Pro ; stand de 9 m² réservé.",
     ["Trois personnes tiennent le stand : Sophie, Lucas, Claire.", "Budget du salon : 2 500 € HT au plus."],
     [("Préparer les supports du stand (kakémono, plaquettes)", "commercial", 10, False),
      ("Réserver la Peugeot 308 pour le salon", "assistant", 3, True)]),
    ("Bilan du mois : 14 interventions, 2 réclamations traitées dans les délais.",
     ["Les comptes rendus d'intervention sont saisis le jour même."],
     [("Faire le point avec Thomas sur les comptes rendus en retard", "direction", 3, False),
      ("Inviter le cabinet comptable au comité de direction", "assistant", -5, False)]),
]
TASKS = [
    ("Renouveler l'assurance des véhicules", "assistant", 6, True, True),
    ("Préparer le dossier de subvention Région (formation)", "direction", 25, True, False),
    ("Classer les factures fournisseurs de novembre", "assistant", -3, False, True),
    ("Mettre à jour l'annuaire interne", "assistant", None, False, False),
    ("Déclarer le sinistre du copieur endommagé", "direction", -1, True, True),
    ("Trier les archives 2019", "salarie", None, False, False),
    ("Vérifier la trousse de secours de l'atelier", "salarie", 4, True, False),
]
# fmt: on


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def load(rng, users) -> None:
    assistant = users["assistant"]
    resources = {}
    for name, kind, capacity, location, plate, hours, max_hours, rules in RESOURCES:
        resources[name] = bookings.create_resource(
            actor=assistant, name=name, kind=kind, capacity=capacity, location=location, registration=plate,
            opens_at=dt.time(hours[0]) if hours else None, closes_at=dt.time(hours[1]) if hours else None,
            max_hours=max_hours, rules=rules,
        )  # fmt: skip
        if kind == "room":
            agenda.room_calendar(resources[name])
    people = [user for user in users.values() if user.role != "auditeur"]
    team = agenda.create_team_calendar(actor=assistant, name="Agenda de l'équipe", members=people)
    monday = DEMO_TODAY - dt.timedelta(days=DEMO_TODAY.weekday())
    agenda.create_event(
        actor=assistant, calendar=team, title="Réunion d'équipe", starts_at=_at(monday - dt.timedelta(days=28), 9),
        ends_at=_at(monday - dt.timedelta(days=28), 10), place="Salle Lumière", reminder_minutes=30,
        rrule=recurrence.build_rule("WEEKLY", DEMO_TODAY + dt.timedelta(days=90)),
    )  # fmt: skip
    for offset, hour, minute, length, title, place, owner in EVENTS:
        day = _weekday(DEMO_TODAY + dt.timedelta(days=offset))
        actor = users[owner] if owner else assistant
        calendar = agenda.personal_calendar(actor) if owner else team
        start = _at(day, hour, minute)
        agenda.create_event(actor=actor, calendar=calendar, title=title, starts_at=start,
                            ends_at=start + dt.timedelta(minutes=length), place=place,
                            attendees=[users["direction"]] if not owner else [])  # fmt: skip
    _staff_meetings(users, resources["Salle Lumière"], monday)
    odometer = {}
    for offset, name, hour, length, title, booker, count, km in BOOKINGS:
        day = _weekday(DEMO_TODAY + dt.timedelta(days=offset))
        try:
            booking = bookings.book_resource(actor=users[booker], resource=resources[name], starts_at=_at(day, hour),
                                             ends_at=_at(day, hour + length), title=title, attendees=count)  # fmt: skip
        except DomainError:
            continue  # two offsets fell on the same working day: the demo keeps the first
        if km:
            _trip(resources[name], booking, day, km, users[booker], odometer)
    for title, owner, due, important, urgent in TASKS:
        due_on = DEMO_TODAY + dt.timedelta(days=due) if due is not None else None
        tasks.create_task(actor=assistant, title=title, owner=users[owner], due_on=due_on, important=important,
                          urgent=urgent)  # fmt: skip
    from pilote.office import demo_documents

    demo_documents.load(rng, users)
    _meeting_documents(assistant)
    _assembly(users)
    _communication(rng, users)
    _stakeholders(rng, users)


def _trip(vehicle, booking, day, km, driver, odometer: dict) -> None:
    start = odometer.get(vehicle.pk, 41_250 if vehicle.name.startswith("Kangoo") else 18_730)
    litres = Decimal(km * 6 // 100)
    bookings.log_trip(actor=driver, resource=vehicle, day=day, km_start=start, km_end=start + km, booking=booking,
                      fuel_litres=litres, fuel_cost=(litres * Decimal("1.79")).quantize(Decimal("0.01")),
                      purpose=booking.title)  # fmt: skip
    odometer[vehicle.pk] = start + km


def _staff_meetings(users, room, monday: dt.date) -> None:
    assistant = users["assistant"]
    attendees = [users[name] for name in ("direction", "commercial", "rh", "assistant", "salarie", "comptable")]
    items = [("Planning de la semaine", users["assistant"], 15), ("Point commercial", users["commercial"], 15),
             ("Sécurité et qualité", users["rh"], 10), ("Questions diverses", None, 10)]  # fmt: skip
    first = monday - dt.timedelta(days=28)
    meeting = meetings.create_meeting(actor=assistant, title="Réunion d'équipe", series="Réunion d'équipe",
                                      starts_at=_at(first, 9), ends_at=_at(first, 10), room=room,
                                      attendees=attendees, items=items)  # fmt: skip
    for week, (summary, decisions, actions) in enumerate(WEEKS):
        day = first + dt.timedelta(days=7 * week)
        notes = {item.pk: summary if item.position == 1 else "" for item in meeting.items.all()}
        excused = meeting.attendees.get(user=users["comptable"]) if week % 2 else None
        presence = {a.pk: "apologies" if excused and a.pk == excused.pk else "present" for a in meeting.attendees.all()}
        meetings.record_minutes(actor=assistant, meeting=meeting, summary=summary, notes=notes, presence=presence)
        for text in decisions:
            meetings.add_decision(actor=assistant, meeting=meeting, text=text)
        for title, owner, due, done in actions:
            task = meetings.add_action(actor=assistant, meeting=meeting, title=title, owner=users[owner],
                                       due_on=day + dt.timedelta(days=due), urgent=due < 4)  # fmt: skip
            if done:
                tasks.complete_task(actor=users[owner], task=task)
        if week < len(WEEKS) - 1:
            meeting.status = "sent"  # the older minutes went out by e-mail
            meeting.minutes_sent_at = _at(day, 14)
            meeting.save(update_fields=["status", "minutes_sent_at"])
        meeting = meetings.schedule_next(actor=assistant, meeting=meeting,
                                         starts_at=_at(day + dt.timedelta(days=7), 9))  # fmt: skip


def _assembly(users) -> None:
    """The SAS's ordinary general meeting of the year: six associates voting by their shares, a proxy, three
    resolutions voted and the minutes written."""
    from pilote.office.services import assemblies

    assistant = users["assistant"]
    day = _weekday(DEMO_TODAY - dt.timedelta(days=12))
    assembly = assemblies.create_assembly(
        actor=assistant, title=f"Approbation des comptes {DEMO_TODAY.year - 1}", kind="ordinary",
        starts_at=_at(day, 17), place="Salle Lumière", quorum_percent=20, max_proxies=2,
        agenda="1. Rapport de gestion du président\n2. Approbation des comptes\n3. Affectation du résultat\n"
               "4. Renouvellement du commissaire aux comptes",
    )  # fmt: skip
    associates = [("Claire Martin", 2600, "present"), ("Paul Martin", 1400, "present"), ("Sofia Benali", 600, None),
                  ("Holding Lumen SAS", 3000, "present"), ("Marc Lefèvre", 250, "excused"),
                  ("Inès Caron", 150, "absent")]  # fmt: skip
    members = {
        name: assemblies.add_member(
            actor=assistant,
            assembly=assembly,
            name=name,
            votes=votes,
            email=f"{name.split()[0].lower()}@associes.example",
        )  # fmt: skip
        for name, votes, _ in associates
    }
    for name, _, presence in associates:
        if presence:
            assemblies.set_presence(actor=assistant, member=members[name], presence=presence)
    assemblies.set_presence(actor=assistant, member=members["Sofia Benali"], presence="represented",
                            proxy_holder=members["Claire Martin"])  # fmt: skip
    votes = [("Approbation des comptes de l'exercice et quitus au président", "simple", 7600, 0, 0),
             ("Affectation du résultat au compte de report à nouveau", "simple", 6200, 1400, 0),
             ("Renouvellement du mandat du commissaire aux comptes", "simple", 4600, 0, 3000)]  # fmt: skip
    for title, majority, yes, no, abstained in votes:
        resolution = assemblies.add_resolution(actor=assistant, assembly=assembly, title=title, majority=majority)
        assemblies.record_vote(actor=assistant, resolution=resolution, votes_for=yes, votes_against=no,
                               abstentions=abstained)  # fmt: skip
    assemblies.record_minutes(actor=assistant, assembly=assembly, chair="Claire Martin", secretary="Lucas Moreau",
                              notes="Le président présente le rapport de gestion et les comptes de l'exercice. "
                                    "Les associés posent leurs questions sur les investissements prévus.")  # fmt: skip
    assemblies.create_assembly(actor=assistant, title="Conseil de direction trimestriel", kind="board",
                               starts_at=_at(_weekday(DEMO_TODAY + dt.timedelta(days=20)), 14), place="Salle Lumière",
                               quorum_percent=50, agenda="1. Point trimestriel\n2. Budget à venir")  # fmt: skip


def _communication(rng, users) -> None:
    """A year's communication plan, consents recorded for the customers and partners with an address, and the
    newsletter of the month sent to them (the e-mails go to a local mailbox: a demo sends nothing out)."""
    from django.test import override_settings

    from pilote.contacts.models import Contact
    from pilote.office.models import MailTemplate
    from pilote.office.services import communication

    assistant, direction = users["assistant"], users["direction"]
    year = DEMO_TODAY.year
    plan = [
        (
            "Lettre d'information mensuelle",
            "Clients et partenaires",
            "newsletter",
            1,
            12,
            "1200",
            "950",
            "Taux d'ouverture moyen : 38 %.",
        ),
        (
            "Salon Bureautique Pro de Lyon",
            "Entreprises de la région",
            "event",
            3,
            3,
            "4500",
            "4820",
            "62 contacts, 9 devis, 3 commandes.",
        ),
        ("Campagne LinkedIn « 10 ans »", "Dirigeants de PME", "social", 5, 6, "800", "640", "18 000 vues."),
        (
            "Communiqué : ouverture de l'agence de Villeurbanne",
            "Presse locale",
            "press",
            9,
            9,
            "0",
            "0",
            "Article dans Le Progrès.",
        ),
        ("Refonte du site internet", "Prospects", "website", 10, 12, "6000", None, ""),
    ]
    actions = []
    for title, target, channel, first, last, budget, cost, results in plan:
        actions.append(
            communication.save_action(
                actor=assistant,
                title=title,
                target=target,
                channel=channel,
                starts_on=dt.date(year, first, 1),
                ends_on=dt.date(year, last, 28),
                budget=Decimal(budget),
                actual_cost=Decimal(cost) if cost else None,
                owner=rng.choice([assistant, direction]),
                results=results,
            )
        )
    MailTemplate.objects.create(
        name="Lettre d'information",
        subject="Les nouvelles de Lumen Bureautique",
        body="Bonjour {nom},\n\nCe mois-ci : nos nouveaux copieurs couleur, l'ouverture de "
        "l'agence de Villeurbanne et nos dates de formation.\n\nL'équipe Lumen",
    )
    for contact in Contact.objects.exclude(email="").filter(is_active=True).order_by("pk")[:60]:
        if contact.is_customer or contact.is_partner or rng.random() < 0.3:
            communication.record_consent(
                actor=assistant,
                contact=contact,
                given=rng.random() > 0.1,
                source=rng.choice(["Formulaire du site", "Salon", "Bon de commande"]),
            )
    template = MailTemplate.objects.get()
    mailing = communication.create_mailing(
        actor=assistant,
        title=f"Lettre d'information {DEMO_TODAY:%m/%Y}",
        subject=template.subject,
        body=template.body,
        action=actions[0],
    )
    with override_settings(PILOTE_JOBS_SYNC=True, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        communication.start_sending(actor=assistant, mailing=mailing, base_url="http://localhost:8000/")
    communication.create_mailing(
        actor=assistant,
        title="Invitation au salon de printemps",
        subject="Invitation",
        body="Bonjour {nom},\n\nRetrouvez-nous au salon.",
        role="clients",
        city="Lyon",
    )


def _stakeholders(rng, users) -> None:
    """A stakeholder map: funders and partners high on power, customers and suppliers spread, two authorities."""
    from pilote.contacts.models import Contact
    from pilote.office.services import communication

    owners = [users["direction"], users["assistant"], users["commercial"]]
    placed = 0
    for flag, kind, power, interest in (
        ("is_funder", "funder", (4, 5), (3, 5)),
        ("is_partner", "partner", (2, 4), (3, 5)),
        ("is_customer", "user", (1, 4), (2, 5)),
        ("is_supplier", "supplier", (1, 3), (1, 3)),
    ):
        for contact in Contact.objects.filter(**{flag: True}, is_active=True).order_by("pk")[:5]:
            if hasattr(contact, "stakeholder"):
                continue
            communication.place_stakeholder(
                actor=users["assistant"],
                contact=contact,
                kind=kind,
                power=rng.randint(*power),
                interest=rng.randint(*interest),
                owner=rng.choice(owners),
            )
            placed += 1
    for name, city, domain, power, interest in (
        ("Mairie de Villeurbanne", "Villeurbanne", "mairiedevilleurbanne", 4, 3),
        ("CCI Lyon Métropole", "Lyon", "ccilyonmetropole", 3, 2),
    ):
        contact, _ = Contact.objects.get_or_create(
            name=name, defaults={"city": city, "email": f"contact@{domain}.fr", "is_partner": True}
        )
        communication.place_stakeholder(
            actor=users["assistant"],
            contact=contact,
            kind="authority",
            power=power,
            interest=interest,
            owner=users["direction"],
            notes="Autorisations, aides locales et réseau d'entreprises.",
        )


def _meeting_documents(assistant) -> None:
    """The last staff meeting held has the store's latest public documents attached."""
    from pilote.office.models import Confidentiality, Document, Meeting

    held = Meeting.objects.filter(status="held").order_by("-starts_at").first()
    if held is None:
        return
    for document in Document.objects.filter(confidentiality=Confidentiality.PUBLIC).order_by("-document_date")[:2]:
        meetings.attach_document(actor=assistant, meeting=held, document=document)
