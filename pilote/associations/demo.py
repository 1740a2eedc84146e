"""The association demo (`manage.py load_demo --type association`): « Théâtre des Pentes », a cultural and
social-action association in Lyon with about 150 members, donors with their tax receipts and three grants (city,
department, foundation — the department's earmarked and partly unused at the previous year end). Dated from the
business date it is loaded on, like the company demo: the previous calendar year and the current one to date.
Every figure of its books is the consequence of an operation posted through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pilote.associations.services import donations as donation_services
from pilote.associations.services import grants as grant_services
from pilote.associations.services import members as member_services
from pilote.associations.services import receipts as receipt_services
from pilote.associations.services import settings as settings_services
from pilote.associations.services import volunteering as volunteer_services
from pilote.associations.services.books import Line, account, post
from pilote.contacts.models import Contact
from pilote.ledger import services as ledger
from pilote.ledger.models import FiscalYear, Journal
from pilote.ledger.models_bank import BankAccount
from pilote.lib.dates import local_today
from pilote.lib.money import ZERO

STRUCTURE = {
    "type": "association",
    "legal_name": "Théâtre des Pentes",
    "legal_form": "ASSO",
    "siren": "812345676",
    "rna_number": "W691012345",
    "address_line1": "8 montée de la Grande-Côte",
    "postal_code": "69001",
    "city": "Lyon",
    "email": "contact@theatre-des-pentes.fr",
    "phone": "04 78 28 00 00",
    "iban": "FR7630004000010001234567830",
    "vat_regime": "non_assujettie",
}
EMAIL_DOMAIN = "theatre-des-pentes.fr"
MEMBERS = 150
FIRST_NAMES = (
    "Léa",
    "Hugo",
    "Chloé",
    "Louis",
    "Emma",
    "Jules",
    "Inès",
    "Arthur",
    "Manon",
    "Nathan",
    "Camille",
    "Paul",
    "Sarah",
    "Lucas",
    "Zoé",
    "Gabriel",
    "Alice",
    "Adam",
    "Jeanne",
    "Raphaël",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
)
STREETS = (
    "rue Burdeau",
    "rue des Tables-Claudiennes",
    "quai Saint-Vincent",
    "rue d'Austerlitz",
    "cours Général-Giraud",
    "rue Dumenge",
    "place Sathonay",
    "rue Royale",
)


def _expense(actor, bank, day, code, amount, label, reference=""):
    return ledger.create_entry(
        actor=actor,
        journal=bank.journal,
        date=day,
        label=label,
        post=True,
        piece_date=day,
        lines=[
            ledger.LineInput(
                account(code), debit=Decimal(amount), label=label, reference=reference, analytic=_on_grant(reference)
            ),
            ledger.LineInput(bank.account, credit=Decimal(amount), label=label),
        ],
    )


def open_second_year(users) -> int:
    """The demo's first year (the previous calendar year) and the current one opened after it; returns the first."""
    year0 = FiscalYear.objects.order_by("start_date").first().start_date.year
    if not FiscalYear.objects.filter(start_date=dt.date(year0 + 1, 1, 1)).exists():
        ledger.open_fiscal_year(
            actor=users["comptable"], start_date=dt.date(year0 + 1, 1, 1), end_date=dt.date(year0 + 1, 12, 31)
        )
    return year0


def close_first_year(users, year0: int, today: dt.date) -> None:
    """The first year closed through the real year-end closing (`ledger.closing.close_fiscal_year`): its classes 1
    to 5 — bank, receivables, the dedicated funds of account 19 — open the second year in the à-nouveaux, and the
    year's result goes to 120/129 there. Run once every first-year operation is posted."""
    from pilote.ledger import closing

    closing.close_fiscal_year(actor=users["comptable"], year=FiscalYear.objects.get(start_date=dt.date(year0, 1, 1)),
                              today=today)  # fmt: skip


def allot_first_result(users, year0: int, today: dt.date) -> None:
    """The general meeting of June allots the first year's result, carried on 120/129 by the à-nouveaux, to the
    report à nouveau (110 / 119)."""
    from django.db.models import Sum

    from pilote.ledger.models import EntryLine

    meeting = dt.date(year0 + 1, 6, 20)
    if meeting > today:
        return
    sums = EntryLine.objects.filter(is_posted=True, account__code__startswith="12", date__year=year0 + 1).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    net = (sums["c"] or ZERO) - (sums["d"] or ZERO)  # > 0: an excédent on 120
    if not net:
        return
    lines = ([Line(account("120"), debit=net), Line(account("110"), credit=net)] if net > 0
             else [Line(account("119"), debit=-net), Line(account("129"), credit=-net)])  # fmt: skip
    post(actor=users["comptable"], journal=Journal.objects.get(code="OD"), date=meeting, lines=lines,
         label=f"Affectation du résultat {year0} en report à nouveau (AG du {meeting:%d/%m/%Y})")  # fmt: skip


def _on_grant(code: str):
    """An expense of a funded action goes wholly to the grant's analytic section (axis « SUBV »)."""
    from pilote.associations.queries.grants import GRANTS_AXIS
    from pilote.ledger.models_analytic import AnalyticSection

    section = AnalyticSection.objects.filter(axis__code=GRANTS_AXIS, code=code).first() if code else None
    return [(section, Decimal(100))] if section is not None else None


def load(rng, users) -> None:
    today = local_today()
    year0 = open_second_year(users)
    actor, bank = users["comptable"], BankAccount.objects.get()
    settings_services.update_settings(
        actor=users["direction"],
        purpose="Créer et diffuser le théâtre sur les Pentes de la Croix-Rousse ; ateliers "
        "de pratique théâtrale pour les habitants, les scolaires et les résidents d'EHPAD.",
        category="culturel",
        signatory_name="Claire Martin",
        signatory_title="Présidente",
        quorum_percent=25,
    )
    # Own funds at the start of the first year (the association's first situation, 1021).
    post(
        actor=actor,
        journal=Journal.objects.get(code="AN"),
        date=dt.date(year0, 1, 1),
        label="Situation nette d'ouverture",
        lines=[Line(bank.account, debit=Decimal("18000")), Line(account("1021"), credit=Decimal("18000"))],
    )

    def day_in(year, rng_days=364, start=None):
        start = start or dt.date(year, 1, 1)
        day = start + dt.timedelta(days=rng.randrange(rng_days))
        return min(day, today) if year == today.year else day

    # Members and dues ------------------------------------------------------------------------------------------------
    kinds = [
        member_services.create_membership_type(actor=actor, name="Adhérent", fee=Decimal("30")),
        member_services.create_membership_type(actor=actor, name="Famille", fee=Decimal("50")),
        member_services.create_membership_type(actor=actor, name="Tarif réduit", fee=Decimal("10")),
        member_services.create_membership_type(
            actor=actor, name="Atelier (avec contrepartie)", fee=Decimal("120"), with_return=True
        ),
    ]
    people = []
    for n in range(MEMBERS):
        first_name, last_name = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        people.append(
            Contact.objects.create(
                kind="person",
                name=last_name,
                first_name=first_name,
                city="Lyon",
                postal_code=f"6900{rng.randint(1, 9)}",
                address_line1=f"{rng.randint(1, 60)} {rng.choice(STREETS)}",
                email=f"{first_name.lower()}.{last_name.lower()}{n}@exemple.fr".replace("é", "e")
                .replace("è", "e")
                .replace("ë", "e")
                .replace("ï", "i"),
            )
        )
    members = []
    for n, person in enumerate(people):
        kind = kinds[0] if n % 5 < 2 else kinds[1] if n % 5 == 2 else kinds[2] if n % 5 == 3 else kinds[3]
        joined = dt.date(year0, 1, 10) + dt.timedelta(days=rng.randrange(300)) if n >= 100 else dt.date(year0, 1, 10)
        members.append(
            member_services.enrol_member(actor=actor, contact=person, membership_type=kind, joined_on=joined)
        )
    called = member_services.call_dues(
        actor=actor,
        year=year0,
        called_on=dt.date(year0, 1, 15),
        members=type(members[0]).objects.filter(pk__in=[m.pk for m in members[:100]]),
    )
    for member in members[100:]:
        called += member_services.call_dues(
            actor=actor, year=year0, called_on=member.joined_on, members=type(member).objects.filter(pk=member.pk)
        )
    for n, due in enumerate(called):
        if n % 12 == 11:
            continue  # a few never paid last year
        method = ("cheque", "virement", "especes")[n % 3]
        member_services.receive_due(
            actor=actor,
            due=due,
            paid_on=due.called_on + dt.timedelta(days=rng.randint(1, 25)),
            method=method,
            bank_account=bank,
        )
    for member in members[:8]:  # some left during the year
        member_services.record_leaving(actor=actor, member=member, left_on=dt.date(year0, 12, 31))
    call_day = min(dt.date(year0 + 1, 1, 15), today)
    if call_day >= dt.date(year0 + 1, 1, 1):
        called = member_services.call_dues(actor=actor, year=year0 + 1, called_on=call_day)
        for n, due in enumerate(called):
            paid = call_day + dt.timedelta(days=rng.randint(2, 60))
            if n % 7 == 6 or paid > today:
                continue  # reminders to send
            member_services.receive_due(
                actor=actor, due=due, paid_on=paid, method=("cheque", "virement")[n % 2], bank_account=bank
            )

    # Donations and tax receipts --------------------------------------------------------------------------------------
    donors = people[::4] + [
        Contact.objects.create(
            kind="person",
            name=rng.choice(LAST_NAMES),
            first_name=rng.choice(FIRST_NAMES),
            city="Villeurbanne",
            postal_code="69100",
            address_line1=f"{n + 2} rue Francis-de-Pressensé",
        )
        for n in range(10)
    ]
    patron = Contact.objects.create(
        kind="organisation",
        name="Imprimerie des Canuts",
        siren="443061841",
        city="Lyon",
        postal_code="69004",
        address_line1="21 rue d'Austerlitz",
        email="direction@imprimerie-canuts.fr",
    )
    for year in (year0, year0 + 1):
        for donor in donors:
            for _ in range(rng.choice((1, 1, 2))):
                day = day_in(year)
                method = rng.choice(("cheque", "cheque", "virement", "especes"))
                donation_services.record_donation(
                    actor=actor,
                    donor=donor,
                    date=day,
                    method=method,
                    amount=Decimal(rng.choice((20, 30, 50, 50, 80, 100, 150, 300))),
                    bank_account=bank,
                )
        donation_services.record_donation(
            actor=actor,
            donor=patron,
            date=day_in(year, 60, dt.date(year, 3, 1)),
            method="virement",
            amount=Decimal("3000"),
            bank_account=bank,
        )
        donation_services.record_donation(
            actor=actor,
            donor=donors[0],
            date=day_in(year, 200),
            kind="abandon_frais",
            amount=Decimal("126.40"),
            description="Trajets de tournée, 320 km",
        )
    donation_services.record_donation(
        actor=actor,
        donor=donors[1],
        date=dt.date(year0, 10, 5),
        kind="nature",
        amount=Decimal("450"),
        description="Projecteurs de scène d'occasion",
    )
    batch_day = min(dt.date(year0 + 1, 1, 31), today)
    issued = receipt_services.issue_yearly_receipts(actor=actor, year=year0, issued_on=batch_day)
    receipt_services.cancel_receipt(actor=actor, receipt=issued[1], reason="Adresse du donateur erronée", on=batch_day)
    receipt_services.issue_receipt(actor=actor, donor=patron, year=year0 + 1, issued_on=today)

    # Grants ----------------------------------------------------------------------------------------------------------
    city = Contact.objects.create(
        name="Ville de Lyon", city="Lyon", postal_code="69001", address_line1="1 place de la Comédie"
    )
    department = Contact.objects.create(
        name="Métropole de Lyon", city="Lyon", postal_code="69003", address_line1="20 rue du Lac"
    )
    foundation = Contact.objects.create(
        name="Fondation des Arts Vivants", city="Paris", postal_code="75008", address_line1="12 rue de Miromesnil"
    )
    operating = grant_services.create_grant(
        actor=actor,
        funder=city,
        code=f"VILLE-{year0}",
        title="Fonctionnement de la saison théâtrale",
        amount_requested=Decimal("15000"),
        period_start=dt.date(year0, 1, 1),
        period_end=dt.date(year0, 12, 31),
        earmarked=False,
    )
    grant_services.award_grant(actor=actor, grant=operating, amount=Decimal("15000"), granted_on=dt.date(year0, 3, 10))
    for label, day, amount in (("Acompte", dt.date(year0, 4, 5), "9000"), ("Solde", dt.date(year0, 10, 2), "6000")):
        instalment = grant_services.add_instalment(
            actor=actor, grant=operating, label=label, expected_on=day, amount=Decimal(amount)
        )
        grant_services.receive_instalment(actor=actor, instalment=instalment, received_on=day, bank_account=bank)
    workshops = grant_services.create_grant(
        actor=actor,
        funder=department,
        code=f"EHPAD-{year0}",
        title="Ateliers théâtre en EHPAD",
        amount_requested=Decimal("14000"),
        period_start=dt.date(year0, 9, 1),
        period_end=dt.date(year0 + 1, 6, 30),
        conditions="Subvention affectée ; compte rendu financier dans les six mois suivant la fin de l'action.",
    )
    grant_services.award_grant(actor=actor, grant=workshops, amount=Decimal("12000"), granted_on=dt.date(year0, 7, 4))
    for nature, label, amount in (
        ("60", "Achats (costumes, décors)", "1500"),
        ("62", "Intervenants", "9000"),
        ("64", "Charges de personnel", "1500"),
        ("74", "Subvention Métropole", "12000"),
    ):
        grant_services.set_budget_line(actor=actor, grant=workshops, nature=nature, label=label, amount=Decimal(amount))
    instalment = grant_services.add_instalment(
        actor=actor, grant=workshops, label="Avance 70 %", expected_on=dt.date(year0, 9, 15), amount=Decimal("8400")
    )
    grant_services.receive_instalment(
        actor=actor, instalment=instalment, received_on=dt.date(year0, 9, 18), bank_account=bank
    )
    grant_services.add_instalment(
        actor=actor,
        grant=workshops,
        label="Solde sur compte rendu",
        expected_on=dt.date(year0 + 1, 9, 30),
        amount=Decimal("3600"),
    )
    grant_services.add_deadline(
        actor=actor, grant=workshops, label="Compte rendu financier (Cerfa 15059)", due_on=dt.date(year0 + 1, 12, 31)
    )
    # The action's spending by the year end: 5 200 € of 12 000 €, the rest goes to dedicated funds.
    for day, code, amount, label in (
        (dt.date(year0, 9, 20), "6064", "650", "Costumes ateliers EHPAD"),
        (dt.date(year0, 10, 30), "6226", "2200", "Intervenante ateliers octobre"),
        (dt.date(year0, 11, 28), "6226", "2350", "Intervenante ateliers novembre"),
    ):
        _expense(actor, bank, day, code, amount, label, workshops.code)
    grant_services.carry_unused(actor=actor, grant=workshops, year_end=dt.date(year0, 12, 31))
    for month, amount in ((1, "1800"), (2, "1800"), (3, "900")):
        day = dt.date(year0 + 1, month, 27)
        if day <= today:
            _expense(actor, bank, day, "6226", amount, f"Intervenante ateliers {day:%m/%Y}", workshops.code)
    spend_day = min(dt.date(year0 + 1, 6, 30), today)
    if spend_day > dt.date(year0 + 1, 1, 27):
        grant_services.use_funds(actor=actor, grant=workshops, on=spend_day)
    festival = grant_services.create_grant(
        actor=actor,
        funder=foundation,
        code=f"FONDATION-{year0 + 1}",
        title="Festival des Pentes",
        amount_requested=Decimal("8000"),
        period_start=dt.date(year0 + 1, 5, 1),
        period_end=dt.date(year0 + 1, 10, 31),
        earmarked=False,
    )
    grant_day = min(dt.date(year0 + 1, 3, 20), today)
    grant_services.award_grant(actor=actor, grant=festival, amount=Decimal("6000"), granted_on=grant_day)
    for nature, label, amount in (
        ("60", "Achats (matériel, décors)", "2500"),
        ("61", "Location de scène et de sonorisation", "3000"),
        ("62", "Cachets des compagnies invitées", "5500"),
        ("74", "Subvention de la fondation", "8000"),
        ("70", "Billetterie", "3000"),
    ):
        grant_services.set_budget_line(actor=actor, grant=festival, nature=nature, label=label, amount=Decimal(amount))
    instalment = grant_services.add_instalment(
        actor=actor,
        grant=festival,
        label="Versement unique",
        expected_on=grant_day + dt.timedelta(days=45),
        amount=Decimal("6000"),
    )
    if instalment.expected_on + dt.timedelta(days=3) <= today:
        grant_services.receive_instalment(
            actor=actor, instalment=instalment, received_on=instalment.expected_on + dt.timedelta(days=3),
            bank_account=bank,
        )  # fmt: skip
    # The festival's spending (June–July), as far as the demo's date goes.
    for day, code, amount, label in (
        (dt.date(year0 + 1, 6, 12), "6063", "1850", "Matériel et décors du festival"),
        (dt.date(year0 + 1, 7, 3), "6135", "2900", "Location scène et sonorisation"),
        (dt.date(year0 + 1, 7, 10), "6226", "4800", "Cachets des compagnies du festival"),
    ):
        if day <= today:
            _expense(actor, bank, day, code, amount, label, festival.code)
    grant_services.add_deadline(
        actor=actor, grant=festival, label="Bilan du festival à la fondation", due_on=dt.date(year0 + 1, 12, 15)
    )

    # The running costs of both years (rent, insurance, fees), paid from the bank.
    for year in (year0, year0 + 1):
        for month in range(1, 13):
            day = dt.date(year, month, 5)
            if day > today:
                break
            _expense(actor, bank, day, "6132", "650", f"Loyer de la salle {day:%m/%Y}")
        if dt.date(year, 2, 10) <= today:
            _expense(actor, bank, dt.date(year, 2, 10), "616", "820", f"Assurance {year}")

    _volunteering(rng, actor, people, city, patron, year0, today)
    close_first_year(users, year0, today)
    allot_first_result(users, year0, today)


def _volunteering(rng, actor, people, city, patron, year0, today) -> None:
    """Twelve volunteers (members) giving time to three activities, their hours posted month by month (864 / 875)
    once each month is over; the city's rehearsal hall lent free and the printer's posters (861 and 862 / 871)."""
    welcome = volunteer_services.create_activity(actor=actor, name="Accueil et billetterie")
    workshops = volunteer_services.create_activity(actor=actor, name="Ateliers et répétitions",
                                                   hourly_rate=Decimal("15"))  # fmt: skip
    board = volunteer_services.create_activity(actor=actor, name="Conseil d'administration et gestion")
    volunteers = [
        volunteer_services.enrol_volunteer(actor=actor, contact=person, since=dt.date(year0, 1, 1))
        for person in people[10:22]
    ]
    month = dt.date(year0, 1, 1)
    while month <= today:
        for n, volunteer in enumerate(volunteers):
            activity = board if n < 3 else workshops if n % 3 == 0 else welcome
            for _ in range(rng.choice((1, 2, 2, 3))):
                day = month + dt.timedelta(days=rng.randrange(28))
                if day > today:
                    continue
                hours = Decimal(rng.choice(("2", "2.5", "3", "3.5", "4", "6")))
                volunteer_services.record_hours(actor=actor, volunteer=volunteer, activity=activity, date=day,
                                                hours=hours)  # fmt: skip
        end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        if end < today:
            volunteer_services.post_month(actor=actor, year=month.year, month=month.month)
        month = end + dt.timedelta(days=1)
    for year in (year0, year0 + 1):
        day = dt.date(year, 6, 30)
        if day <= today:
            volunteer_services.record_in_kind(
                actor=actor, date=day, kind="mise_a_disposition", contributor=city, amount=Decimal("2400"),
                description=f"Salle de répétition de la Ville, 1er semestre {year} (prêt gratuit)",
            )  # fmt: skip
    volunteer_services.record_in_kind(
        actor=actor, date=dt.date(year0, 9, 15), kind="prestations", contributor=patron, amount=Decimal("650"),
        description="Impression des affiches de la saison offerte",
    )  # fmt: skip
