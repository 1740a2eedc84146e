"""The social establishment demo (`manage.py load_demo --type social`): « Aide à domicile du Val », an association
running a home nursing service (SSIAD, 40 places, funded by the ARS's global allocation) and a home help service
(SAAD, paid by the département by the hour — APA, PCH — and the users' share), with its five-year CPOM, the
monthly activity of both services, its volunteers (friendly visits, the board) and the books those months made,
the first year closed into the second. Dated from the business date it is loaded on,
like the other demos: the previous calendar year and the current one to date; everything posted through the
services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pilote.associations.demo import allot_first_result, close_first_year, open_second_year
from pilote.associations.services import cpom as cpom_services
from pilote.associations.services import volunteering as volunteer_services
from pilote.associations.services.books import Line, account, post
from pilote.contacts.models import Contact
from pilote.ledger.models import Journal
from pilote.ledger.models_bank import BankAccount
from pilote.lib.dates import local_today
from pilote.lib.money import ZERO, round_eur

STRUCTURE = {
    "type": "social",
    "legal_name": "Aide à domicile du Val",
    "legal_form": "ASSO",
    "siren": "794321000",
    "rna_number": "W691098765",
    "address_line1": "14 rue des Tanneurs",
    "postal_code": "69400",
    "city": "Villefranche-sur-Saône",
    "email": "accueil@aide-domicile-du-val.fr",
    "phone": "04 74 60 00 00",
    "iban": "FR7630004000010001234567830",
    "vat_regime": "non_assujettie",
}
EMAIL_DOMAIN = "aide-domicile-du-val.fr"
SSIAD, SAAD = "SSIAD", "SAAD"
PLACES = 40
ALLOCATION = Decimal("520000")  # the ARS's yearly global allocation for care (7311 assurance maladie, PA), year 1
HOURLY_TARIFF = Decimal("23.50")  # the département's hourly tariff (7331 département, personnes âgées)
HOURS_TARGETS = (36000, 38000, 40000, 41000, 42000)
WAITING_TARGETS = (12, 10, 8, 6, 5)
TRAINED_TARGETS = (15, 18, 20, 20, 22)


def _month_end(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def load(rng, users) -> None:
    today = local_today()
    year0 = open_second_year(users)
    actor, bank = users["comptable"], BankAccount.objects.get()
    post(
        actor=actor,
        journal=Journal.objects.get(code="AN"),
        date=dt.date(year0, 1, 1),
        label="Situation nette d'ouverture",
        lines=[Line(bank.account, debit=Decimal("150000")), Line(account("1021"), credit=Decimal("150000"))],
    )

    ars = Contact.objects.create(kind="organisation", name="ARS Auvergne-Rhône-Alpes", city="Lyon",
                                 postal_code="69003", address_line1="241 rue Garibaldi")  # fmt: skip
    department = Contact.objects.create(kind="organisation", name="Département du Rhône", city="Lyon",
                                        postal_code="69003", address_line1="29-31 cours de la Liberté")  # fmt: skip
    cpom = cpom_services.create_cpom(
        actor=users["direction"], title="SSIAD (40 places) et SAAD du Val", funders=[ars, department],
        start_year=year0, end_year=year0 + 4, signed_on=dt.date(year0 - 1, 12, 15),
        notes="Contrat signé avec l'ARS (soins) et le Département (aide à domicile) ; revue annuelle au printemps.",
    )  # fmt: skip
    years = cpom.years
    cpom_services.add_objective(
        actor=actor, cpom=cpom, title="Maintenir l'occupation du SSIAD", indicator="Taux d'occupation", unit="%",
        source="occupation", service=SSIAD, targets={y: Decimal("95") for y in years},
    )  # fmt: skip
    cpom_services.add_objective(
        actor=actor, cpom=cpom, title="Développer l'aide à domicile", indicator="Heures d'aide réalisées", unit="h",
        source="heures", service=SAAD, targets={y: Decimal(t) for y, t in zip(years, HOURS_TARGETS, strict=True)},
    )  # fmt: skip
    cpom_services.add_objective(
        actor=actor, cpom=cpom, title="Réduire l'attente pour une prise en charge en soins",
        indicator="Personnes en liste d'attente en fin d'année", unit="personnes", higher_is_better=False,
        source="attente", service=SSIAD,
        targets={y: Decimal(t) for y, t in zip(years, WAITING_TARGETS, strict=True)},
    )  # fmt: skip
    trained = cpom_services.add_objective(
        actor=actor, cpom=cpom, title="Former les intervenants à domicile", indicator="Salariés formés dans l'année",
        unit="personnes", targets={y: Decimal(t) for y, t in zip(years, TRAINED_TARGETS, strict=True)},
    )  # fmt: skip
    cpom_services.set_target(actor=actor, objective=trained, year=year0, target=Decimal(TRAINED_TARGETS[0]),
                             actual=Decimal("17"))  # fmt: skip
    for n, year in enumerate(years):
        growth = Decimal("1.02") ** n
        for accounts, label, amount in (
            ("7311", "Dotation globale de soins (ARS)", ALLOCATION * growth),
            ("7331", "Tarification horaire APA (Département)", HOURLY_TARIFF * HOURS_TARGETS[n]),
            ("706", "Participations des usagers", Decimal("60000") * growth),
            ("64", "Charges de personnel", Decimal("1250000") * growth),
            ("61", "Services extérieurs (locaux)", Decimal("45000") * growth),
            ("62", "Déplacements et autres services", Decimal("80000") * growth),
            ("60", "Achats (fournitures de soins)", Decimal("25000") * growth),
        ):
            cpom_services.set_means(actor=actor, cpom=cpom, year=year, accounts=accounts, label=label,
                                    amount=round_eur(amount))  # fmt: skip

    waiting = 15
    month = dt.date(year0, 1, 1)
    while month <= today:
        end = _month_end(month)
        days = end.day
        n = month.year - year0
        ssiad_days = int(PLACES * days * (Decimal("0.93") + Decimal(rng.randint(0, 50)) / 1000))
        saad_hours = Decimal(HOURS_TARGETS[n] / 12 * (0.95 + rng.random() * 0.1)).quantize(Decimal("1"))
        waiting = max(3, waiting + rng.choice((-1, -1, 0, 0, 1)))
        if end < today:  # a month's activity is typed once it is over
            cpom_services.record_activity(
                actor=actor, service=SSIAD, month=month, places=PLACES, days_open=days, days_delivered=ssiad_days,
                hours_delivered=Decimal(ssiad_days) * Decimal("0.75"), persons=44 + rng.randint(0, 6),
                waiting_list=waiting,
            )  # fmt: skip
            cpom_services.record_activity(
                actor=actor, service=SAAD, month=month, days_open=min(days, 26), hours_delivered=saad_hours,
                persons=150 + rng.randint(0, 20), waiting_list=rng.randint(2, 8),
            )  # fmt: skip
        growth = Decimal("1.02") ** n
        flows = (
            (10, "7311", round_eur(ALLOCATION * growth / 12), f"Dotation globale de soins ARS {month:%m/%Y}"),
            (25, "706", round_eur(Decimal("5000") * growth), f"Participations des usagers {month:%m/%Y}"),
            (28, "7331", round_eur(saad_hours * HOURLY_TARIFF), f"Heures APA/PCH du Département {month:%m/%Y}"),
        )  # fmt: skip
        wages = round_eur(Decimal("72000") * growth * Decimal(0.97 + rng.random() * 0.06))
        costs = (
            (5, "6132", round_eur(Decimal("3500") * growth), f"Loyer des locaux {month:%m/%Y}"),
            (12, "6068", Decimal(rng.randint(1500, 2600)), f"Fournitures de soins {month:%m/%Y}"),
            (20, "6251", Decimal(rng.randint(5200, 7000)), f"Indemnités kilométriques des intervenants {month:%m/%Y}"),
            (28, "641", wages, f"Salaires {month:%m/%Y}"),
            (28, "645", round_eur(wages * Decimal("0.42")), f"Charges sociales {month:%m/%Y}"),
        )
        for day, code, amount, label in (*flows, *costs):
            when = month.replace(day=day)
            if when <= today:
                cash_in, cash_out = (amount, ZERO) if code.startswith("7") else (ZERO, amount)
                post(actor=actor, journal=bank.journal, date=when, label=label, lines=[
                    Line(bank.account, debit=cash_in, credit=cash_out, label=label),
                    Line(account(code), debit=cash_out, credit=cash_in, label=label),
                ])  # fmt: skip
        month = end + dt.timedelta(days=1)
    _volunteering(rng, users["comptable"], year0, today)
    cpom_services.add_deadline(actor=users["direction"], cpom=cpom, kind="dialogue",
                               label=f"Dialogue de gestion {year0 + 1} avec l'ARS et le Département",
                               due_on=dt.date(year0 + 1, 12, 16), year=year0 + 1)  # fmt: skip
    report = cpom.deadlines.get(kind="rapport", year=year0)
    if dt.date(year0 + 1, 4, 28) <= today:
        cpom_services.complete_deadline(actor=users["direction"], deadline=report, done_on=dt.date(year0 + 1, 4, 28))
    close_first_year(users, year0, today)
    allot_first_result(users, year0, today)


VOLUNTEERS = (("Bernadette", "Rivière"), ("Gérard", "Chapuis"), ("Monique", "Laforêt"), ("Alain", "Brunet"),
              ("Josiane", "Perret"), ("Henri", "Vial"))  # fmt: skip


def _volunteering(rng, actor, year0: int, today: dt.date) -> None:
    """Six volunteers: four visit isolated people the services follow, two sit on the board; their hours valued
    at the SMIC (the association's default rate) and posted once each month is over (864 / 875)."""
    visits = volunteer_services.create_activity(actor=actor, name="Visites de convivialité aux personnes aidées")
    board = volunteer_services.create_activity(actor=actor, name="Conseil d'administration et bureau")
    volunteers = []
    for first_name, last_name in VOLUNTEERS:
        contact = Contact.objects.create(kind="person", first_name=first_name, name=last_name,
                                         city="Villefranche-sur-Saône", postal_code="69400")  # fmt: skip
        volunteers.append(volunteer_services.enrol_volunteer(actor=actor, contact=contact, since=dt.date(year0, 1, 1)))
    month = dt.date(year0, 1, 1)
    while month <= today:
        end = _month_end(month)
        for n, volunteer in enumerate(volunteers):
            activity = board if n >= 4 else visits
            for _ in range(2 if activity is board else rng.choice((3, 4, 4, 5))):
                day = month + dt.timedelta(days=rng.randrange(end.day))
                if day <= today:
                    volunteer_services.record_hours(actor=actor, volunteer=volunteer, activity=activity, date=day,
                                                    hours=Decimal(rng.choice(("1.5", "2", "2", "3"))))  # fmt: skip
        if end < today:
            volunteer_services.post_month(actor=actor, year=month.year, month=month.month)
        month = end + dt.timedelta(days=1)
