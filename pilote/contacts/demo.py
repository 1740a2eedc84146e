"""Demo contacts: ~200 organisations and people with interactions, deterministic from the demo seed."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from zoneinfo import ZoneInfo

from stdnum import luhn
from stdnum.fr import siren as fr_siren

from pilote.contacts.models import Address, Contact, ContactPerson, Interaction, InteractionKind, Tag
from pilote.core.demo import DEMO_TODAY

PARIS = ZoneInfo("Europe/Paris")
# fmt: off
FEMALE = ["Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Julie", "Emma", "Louise", "Alice", "Yasmine",
          "Amélie", "Céline", "Sylvie", "Isabelle"]
MALE = ["Hugo", "Lucas", "Nathan", "Louis", "Gabriel", "Arthur", "Jules", "Paul", "Antoine", "Maxime", "Karim",
        "Mehdi", "Nicolas", "Olivier", "Pierre"]
FIRST_NAMES = FEMALE + MALE
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
              "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
              "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Benali"]
ACTIVITIES = ["Transports", "Menuiserie", "Boulangerie", "Cabinet", "Imprimerie", "Garage", "Pharmacie", "Agence",
              "Clinique", "Hôtel", "Restaurant", "Bureau d'études", "Électricité", "Plomberie", "Librairie",
              "Laboratoire", "École", "Crèche", "Architectes", "Conseil"]
SUFFIXES = ["du Rhône", "des Alpes", "du Lyonnais", "du Beaujolais", "Saint-Jean", "de la Croix-Rousse", "Confluence",
            "Bellecour", "du Vieux-Lyon", "des Monts d'Or", "Part-Dieu", "de Savoie", "du Dauphiné", "Fourvière"]
FORMS = ["SARL", "SAS", "SASU", "EURL", "SA", "SCOP"]
CITIES = [("69001", "Lyon"), ("69003", "Lyon"), ("69007", "Lyon"), ("69100", "Villeurbanne"), ("69200", "Vénissieux"),
          ("69500", "Bron"), ("69600", "Oullins"), ("38000", "Grenoble"), ("42000", "Saint-Étienne"),
          ("01000", "Bourg-en-Bresse"), ("73000", "Chambéry"), ("75011", "Paris"), ("13002", "Marseille"),
          ("69400", "Villefranche-sur-Saône"), ("26000", "Valence")]
STREETS = ["rue de la République", "avenue Jean Jaurès", "rue Garibaldi", "cours Lafayette", "rue Victor Hugo",
           "boulevard des Belges", "rue Paul Bert", "avenue Berthelot", "rue Marietton", "chemin des Vignes"]
FUNDERS = ["Région Auvergne-Rhône-Alpes", "Métropole de Lyon", "Bpifrance", "France Travail", "OPCO Commerce",
           "Fondation de France"]
# The demo company's suppliers by what they sell it (the ledger demo books each one's invoices on its own
# account, with the matching expense account).
SUPPLIERS = {
    "stationery": "Papeteries Dauphinoises",  # office supplies, and the paper the company resells
    "computers": "Informatique Rhône Distribution",  # printers for resale
    "copiers": "Copieurs Alpes Services",  # copiers and toners for resale, the company's own copier
    "furniture": "Mobilier Pro Lyon",  # office furniture for resale
    "energy": "Énergie Verte Rhône",
    "insurance": "Assurances Mutuelles du Centre",
    "telecom": "Télécom Services Pro",
    "transport": "Transports Express 69",  # deliveries to customers
    "cleaning": "Nettoyage Confluence",
    "accountant": "Cabinet d'expertise Vidal",
    "landlord": "SCI Presqu'île Immobilier",  # offices and warehouse
    "publisher": "Éditions Bureau Pratique",  # the guide the company resells (VAT 5.5 %)
    "subcontractor": "Maintenance Technique Rhône",  # copier servicing subcontracted at peaks
    "garage": "Garage Utilitaires du Rhône",  # the van
}
TAGS = [f"Salon {DEMO_TODAY.year}", "Grand compte", "Secteur public", "Santé", "BTP", "Fidèle", "À relancer",
        "Association"]
# fmt: on
SUBJECTS = {
    InteractionKind.CALL: ["Appel de suivi", "Demande de devis", "Relance paiement", "Question sur la livraison"],
    InteractionKind.MEETING: ["Rendez-vous de présentation", "Visite du site", "Revue annuelle du contrat"],
    InteractionKind.EMAIL: ["Envoi de la documentation", "Confirmation de commande", "Proposition commerciale"],
    InteractionKind.NOTE: [
        f"Budget validé pour {DEMO_TODAY.year + 1}",
        "Changement d'interlocuteur",
        "Intéressé par la maintenance",
    ],
}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


def _siren(rng: random.Random) -> str:
    while True:
        body = str(rng.randint(30_000_000, 99_999_999))
        number = body + luhn.calc_check_digit(body)
        if fr_siren.is_valid(number):
            return number


def _siret(siren: str, rng: random.Random) -> str:
    body = siren + f"{rng.randint(1, 99):04d}"
    return body + luhn.calc_check_digit(body)


def _iban(rng: random.Random) -> str:
    bank = rng.choice([("30004", "00001"), ("30003", "01234"), ("10278", "07320"), ("30066", "10021")])
    account = f"{rng.randint(0, 10**11 - 1):011d}"
    import schwifty  # loaded by the demo, not at start-up (ledger/tests/test_startup.py)

    return schwifty.IBAN.generate("FR", bank_code=bank[0], branch_code=bank[1], account_code=account).compact


def _when(rng: random.Random, days_back: int) -> dt.datetime:
    day = DEMO_TODAY - dt.timedelta(days=rng.randint(0, days_back))
    return dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.choice([0, 15, 30, 45])), tzinfo=PARIS)


def _organisation(rng: random.Random, name: str, **roles) -> Contact:
    siren = _siren(rng)
    postal_code, city = rng.choice(CITIES)
    slug = "".join(ch for ch in _ascii(name) if ch.isalnum())  # whole: « restaurantbellecou.fr » read as a typo
    return Contact(
        kind="organisation",
        name=name,
        legal_form=rng.choice(FORMS),
        siren=siren,
        siret=_siret(siren, rng),
        vat_number="FR" + fr_siren.to_tva(siren),
        email=f"contact@{slug}.fr",
        phone=f"0{rng.randint(1, 5)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
        f"{rng.randint(10, 99)}",
        address_line1=f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
        postal_code=postal_code,
        city=city,
        iban=_iban(rng) if roles.get("is_supplier") else "",
        created_at=_when(rng, 700),
        **roles,
    )


def load(rng: random.Random, users: dict) -> None:
    contacts: list[Contact] = []
    names = set()
    while len(contacts) < 150:
        name = f"{rng.choice(ACTIVITIES)} {rng.choice(SUFFIXES)}"
        if name in names:
            continue
        names.add(name)
        prospect = rng.random() < 0.3
        contacts.append(
            _organisation(rng, name, is_customer=not prospect, is_prospect=prospect, is_partner=rng.random() < 0.05)
        )
    for name in SUPPLIERS.values():
        contacts.append(_organisation(rng, name, is_supplier=True, is_customer=rng.random() < 0.2))
    for name in FUNDERS:
        funder = _organisation(rng, name, is_funder=True, is_partner=True)
        funder.legal_form = ""
        contacts.append(funder)
    while len(contacts) < 200:
        postal_code, city = rng.choice(CITIES)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        contacts.append(
            Contact(
                kind="person",
                name=last,
                first_name=first,
                is_customer=True,
                email=f"{_ascii(first)}.{_ascii(last)}@exemple.fr",
                address_line1=f"{rng.randint(1, 80)} {rng.choice(STREETS)}",
                postal_code=postal_code,
                city=city,
                created_at=_when(rng, 500),
            )
        )
    for contact in contacts:
        contact.full_clean()
    Contact.objects.bulk_create(contacts)
    contacts = list(Contact.objects.order_by("pk"))
    contacts[-3].is_active = False
    contacts[-3].save(update_fields=["is_active"])

    tags = Tag.objects.bulk_create([Tag(name=name) for name in TAGS])
    through = Contact.tags.through
    links = []
    for contact in contacts:
        for tag in rng.sample(tags, k=rng.choice([0, 0, 1, 1, 2])):
            links.append(through(contact_id=contact.pk, tag_id=tag.pk))
    through.objects.bulk_create(links)

    persons, addresses = [], []
    for contact in contacts:
        if contact.kind != "organisation":
            continue
        for index in range(rng.choice([1, 1, 2, 3])):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            persons.append(
                ContactPerson(
                    contact=contact,
                    civility="Mme" if first in FEMALE else "M.",
                    first_name=first,
                    last_name=last,
                    job_title=rng.choice(
                        ["Gérant(e)", "Responsable achats", "Comptable", "Directeur(trice)", "Assistant(e)"]
                    ),
                    email=f"{_ascii(first)[0]}.{_ascii(last)}@{contact.email.split('@')[1]}",
                    phone=f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                    is_primary=index == 0,
                )
            )
        if contact.is_customer and rng.random() < 0.2:
            postal_code, city = rng.choice(CITIES)
            addresses.append(
                Address(
                    contact=contact,
                    label="Entrepôt",
                    line1=f"ZI {rng.choice(SUFFIXES)}",
                    postal_code=postal_code,
                    city=city,
                    is_default_delivery=True,
                )
            )
    ContactPerson.objects.bulk_create(persons)
    Address.objects.bulk_create(addresses)

    authors = [users["commercial"], users["commercial"], users["assistant"], users["direction"]]
    person_by_contact: dict[int, list[ContactPerson]] = {}
    for person in ContactPerson.objects.all():
        person_by_contact.setdefault(person.contact_id, []).append(person)
    interactions = []
    for contact in contacts:
        for _ in range(rng.choice([0, 1, 2, 3, 4, 5])):
            kind = rng.choice(list(InteractionKind))
            people = person_by_contact.get(contact.pk, [])
            interactions.append(
                Interaction(
                    contact=contact,
                    kind=kind,
                    occurred_at=_when(rng, 400),
                    author=rng.choice(authors),
                    person=rng.choice(people) if people and rng.random() < 0.7 else None,
                    subject=rng.choice(SUBJECTS[kind]),
                    body="Échange cordial ; prochaine étape convenue." if rng.random() < 0.5 else "",
                )
            )
    Interaction.objects.bulk_create(interactions)
