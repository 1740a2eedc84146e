"""Contacts bench, one database per process: `python -m bench.contacts_bench --db sqlite`.

DATABASE_URL must point at an empty database (bench/run.py prepares it). The process migrates,
creates the structure and a direction user, generates contacts deterministically, then measures on
a warm process with Django's test client:

- the list page (default sort by name), a broad search sorted by date and paged (`?q=lyon&tri=-cree&page=3`)
  and a narrow name search (`?q=dupont`): median and p95 after warm-up runs;
- the SQL queries per list page at `--small` contacts and at `--contacts` contacts (must not grow);
- the CSV (streamed) and XLSX exports of the whole list.

It prints progress on stderr and one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from bench import harness

SEED = 20261124
BASE_TIME = dt.datetime(2026, 11, 2, 18, 0, tzinfo=dt.UTC)  # "now" of the generated data, not the clock
LIST_URL = "/contacts/"
FILTERED_URL = "/contacts/?q=lyon&tri=-cree&page=3"  # a broad search (a quarter of the contacts), sorted, paged
SEARCH_URL = "/contacts/?q=dupont"  # looking for one name: about 1 % of the contacts match
EXPORT_CSV_URL = "/contacts/export.csv"
EXPORT_XLSX_URL = "/contacts/export.xlsx"
PAGE_SIZE = 50


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",")]


FIRST_NAMES = _names(
    "Camille, Léa, Manon, Chloé, Inès, Sarah, Julie, Emma, Louise, Alice, Jade, Lina, Rose, Anna, Zoé, Lou, "
    "Mila, Ambre, Juliette, Hugo, Lucas, Nathan, Louis, Gabriel, Arthur, Jules, Paul, Antoine, Maxime, "
    "Raphaël, Léo, Adam, Noah, Ethan, Tom, Théo, Sacha, Karim, Yasmine, Mehdi, Amélie, Céline, Nicolas, "
    "Olivier, Pierre, Sylvie, Isabelle, Nathalie, Sandrine, Philippe, Laurent, Éric, Christophe, Stéphane, "
    "Valérie, Catherine, Françoise, Jean, Michel, Alain, Bernard, Thierry, Patrick, Mohamed, Fatima"
)
LAST_NAMES = _names(
    "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon, Laurent, "
    "Lefebvre, Michel, Garcia, David, Bertrand, Roux, Vincent, Fournier, Morel, Girard, André, Mercier, "
    "Dupont, Lambert, Bonnet, François, Martinez, Legrand, Garnier, Faure, Rousseau, Blanc, Guérin, Muller, "
    "Henry, Roussel, Nicolas, Perrin, Morin, Mathieu, Clément, Gauthier, Dumont, Lopez, Fontaine, Chevalier, "
    "Robin, Masson, Sanchez, Gérard, Nguyen, Boyer, Denis, Lemaire, Duval, Joly, Gautier, Roger, Roche, Roy, "
    "Noël, Meyer, Lucas, Meunier, Jean, Perez, Marchand, Dufour, Blanchard, Marie, Barbier, Brun, Dumas, "
    "Brunet, Schmitt, Leroux, Colin, Fernandez, Pierre, Renard, Arnaud, Rolland, Caron, Aubert, Giraud, "
    "Leclerc, Vidal, Bourgeois, Renaud, Lemoine, Picard, Gaillard, Philippe, Leclercq, Lacroix, Fabre, "
    "Dupuis, Olivier, Rodriguez, Hubert, Louis, Charles, Guillot, Rivière, Guillaume, Adam, Rey, Moulin, "
    "Gonzalez, Berger, Lecomte, Menard, Fleury, Deschamps, Carpentier, Julien, Benoit, Paris, Maillard, "
    "Marchal, Aubry, Vasseur, Renault, Jacquet, Collet, Prévost, Poirier, Charpentier, Royer, Huet, Baron, "
    "Dupuy, Pons, Paul, Laine, Carré, Breton, Remy, Schneider, Perrot, Guyot, Barre, Marty, Cousin, Benali, "
    "Haddad, Diallo, Traoré, Ferreira, Pereira, Kaya, Yilmaz, Da Silva, Le Gall, Le Roux"
)
ACTIVITIES = [
    "Transports",
    "Menuiserie",
    "Boulangerie",
    "Cabinet",
    "Imprimerie",
    "Garage",
    "Pharmacie",
    "Agence",
    "Clinique",
    "Hôtel",
    "Restaurant",
    "Bureau d'études",
    "Électricité",
    "Plomberie",
    "Librairie",
    "Laboratoire",
    "École",
    "Crèche",
    "Architectes",
    "Conseil",
    "Maçonnerie",
    "Couverture",
    "Fromagerie",
    "Boucherie",
    "Fleuriste",
    "Informatique",
    "Expertise comptable",
    "Auto-école",
    "Taxis",
    "Nettoyage",
    "Paysagistes",
    "Chauffage",
    "Optique",
    "Cave",
    "Studio",
    "Atelier",
    "Association",
    "Ehpad",
    "Centre social",
    "Mutuelle",
]
PLACES = [
    "du Rhône",
    "des Alpes",
    "Lyonnaise",
    "du Beaujolais",
    "Saint-Jean",
    "de la Croix-Rousse",
    "Confluence",
    "Bellecour",
    "des Monts d'Or",
    "Part-Dieu",
    "de Savoie",
    "du Dauphiné",
    "Fourvière",
    "de Provence",
    "Atlantique",
    "du Nord",
    "de Bretagne",
    "d'Alsace",
    "Occitane",
    "de la Loire",
    "du Centre",
    "Parisienne",
    "Méditerranée",
    "des Vosges",
    "du Jura",
]
NAME_ENDINGS = ["", "", "", " et Fils", " Frères", " & Associés", " Services", " Pro", " Distribution", " Groupe"]
FORMS = ["SARL", "SAS", "SASU", "EURL", "SA", "SCOP", "SCI", "SNC"]
NAF_CODES = ["4322A", "4321A", "1071C", "6920Z", "4520A", "4773Z", "5610A", "7112B", "4711D", "8810A", "8891A"]
# (postal code, city, weight): a Lyon-based structure with customers across France and overseas.
CITIES = [
    *((f"6900{n}", "Lyon", 3) for n in range(1, 10)),
    ("69100", "Villeurbanne", 5),
    ("69200", "Vénissieux", 2),
    ("69500", "Bron", 2),
    ("69300", "Caluire-et-Cuire", 2),
    ("69600", "Oullins", 1),
    ("69400", "Villefranche-sur-Saône", 2),
    ("38000", "Grenoble", 4),
    ("42000", "Saint-Étienne", 3),
    ("01000", "Bourg-en-Bresse", 2),
    ("73000", "Chambéry", 2),
    ("74000", "Annecy", 2),
    ("26000", "Valence", 2),
    ("63000", "Clermont-Ferrand", 2),
    ("21000", "Dijon", 2),
    ("75011", "Paris", 4),
    ("75015", "Paris", 3),
    ("92100", "Boulogne-Billancourt", 1),
    ("13002", "Marseille", 3),
    ("13100", "Aix-en-Provence", 1),
    ("06000", "Nice", 2),
    ("34000", "Montpellier", 2),
    ("31000", "Toulouse", 3),
    ("33000", "Bordeaux", 3),
    ("44000", "Nantes", 2),
    ("35000", "Rennes", 2),
    ("29200", "Brest", 1),
    ("59000", "Lille", 3),
    ("67000", "Strasbourg", 2),
    ("57000", "Metz", 1),
    ("54000", "Nancy", 1),
    ("51100", "Reims", 1),
    ("76000", "Rouen", 1),
    ("14000", "Caen", 1),
    ("37000", "Tours", 1),
    ("87000", "Limoges", 1),
    ("66000", "Perpignan", 1),
    ("20000", "Ajaccio", 1),
    ("97400", "Saint-Denis", 1),
    ("97200", "Fort-de-France", 1),
]
STREETS = [
    "rue de la République",
    "avenue Jean Jaurès",
    "rue Garibaldi",
    "cours Lafayette",
    "rue Victor Hugo",
    "boulevard des Belges",
    "rue Paul Bert",
    "avenue Berthelot",
    "rue Marietton",
    "chemin des Vignes",
    "place de la Mairie",
    "rue du Général de Gaulle",
    "allée des Tilleuls",
    "impasse des Artisans",
    "zone d'activités des Prés",
    "route de Grenoble",
]
JOB_TITLES = ["Gérant(e)", "Responsable achats", "Comptable", "Directeur(trice)", "Assistant(e)", "Président(e)"]
TAGS = [
    "Salon 2026",
    "Grand compte",
    "Secteur public",
    "Santé",
    "BTP",
    "Fidèle",
    "À relancer",
    "Association",
    "Export",
    "Newsletter",
    "Contrat maintenance",
    "Impayé",
]
_CITY_WEIGHTS = [weight for *_, weight in CITIES]
_ASCII = str.maketrans("éèêëàâäîïôöûüùçÉÈÊÀÂÎÔÛÇ'& ", "eeeeaaaiioouuucEEEAAIOUC---")


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower().translate(_ASCII) if ch.isalnum() or ch == "-").strip("-")[:30]


def _phone(rng: random.Random, mobile: bool = False) -> str:
    head = rng.choice(["06", "07"]) if mobile else f"0{rng.randint(1, 5)}"
    return f"{head} " + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4))


def _roles(rng: random.Random, organisation: bool) -> dict[str, bool]:
    if not organisation:
        prospect = rng.random() < 0.25
        return {"is_customer": not prospect, "is_prospect": prospect}
    roll = rng.random()
    roles = {
        "is_customer": roll < 0.6,
        "is_prospect": 0.6 <= roll < 0.85,
        "is_supplier": roll >= 0.85 or rng.random() < 0.05,
        "is_funder": rng.random() < 0.02,
        "is_partner": rng.random() < 0.05,
    }
    return roles


def make_contact(rng: random.Random, index: int):
    """One contact, deterministic from the generator's state; `index` keeps SIRETs unique."""
    from pilote.contacts.models import Contact, ContactKind

    postal_code, city, _ = rng.choices(CITIES, weights=_CITY_WEIGHTS)[0]
    created_at = BASE_TIME - dt.timedelta(minutes=rng.randint(0, 6 * 365 * 24 * 60))
    address = f"{rng.randint(1, 180)} {rng.choice(STREETS)}"
    is_active = rng.random() >= 0.03
    if rng.random() < 0.3:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        return Contact(
            kind=ContactKind.PERSON,
            name=last,
            first_name=first,
            email=f"{_slug(first)}.{_slug(last)}{rng.randint(1, 99)}@exemple.fr",
            phone=_phone(rng, mobile=True),
            address_line1=address,
            postal_code=postal_code,
            city=city,
            is_active=is_active,
            created_at=created_at,
            **_roles(rng, organisation=False),
        )
    pattern = rng.random()
    if pattern < 0.45:
        name = f"{rng.choice(ACTIVITIES)} {rng.choice(LAST_NAMES)}{rng.choice(NAME_ENDINGS)}"
    elif pattern < 0.8:
        name = f"{rng.choice(ACTIVITIES)} {rng.choice(PLACES)}{rng.choice(NAME_ENDINGS)}"
    else:
        name = f"{rng.choice(LAST_NAMES)} et {rng.choice(LAST_NAMES)}"
    roles = _roles(rng, organisation=True)
    siren = f"{rng.randint(300_000_000, 999_999_999)}" if rng.random() < 0.85 else ""
    return Contact(
        kind=ContactKind.ORGANISATION,
        name=name,
        legal_form=rng.choice(FORMS) if siren else "",
        siren=siren,
        siret=f"{siren}{index:05d}" if siren else "",
        vat_number=f"FR{rng.randint(10, 99)}{siren}" if siren else "",
        naf_code=rng.choice(NAF_CODES) if siren else "",
        email=f"contact@{_slug(name)}.fr",
        phone=_phone(rng),
        address_line1=address,
        postal_code=postal_code,
        city=city,
        iban=f"FR76{rng.randint(0, 10**23 - 1):023d}" if roles["is_supplier"] else "",
        bic="CEPAFRPP" if roles["is_supplier"] else "",
        is_active=is_active,
        created_at=created_at,
        **roles,
    )


def generate(rng: random.Random, start: int, count: int, tags: list) -> dict:
    """Insert `count` contacts with their tags (M2M through table) and interlocutors; returns row counts."""
    from django.db import transaction

    from pilote.contacts.models import Contact, ContactKind, ContactPerson

    through = Contact.tags.through
    with transaction.atomic():
        contacts = [make_contact(rng, index) for index in range(start, start + count)]
        Contact.objects.bulk_create(contacts, batch_size=2000)
        if any(contact.pk is None for contact in contacts):  # a backend that does not return ids
            ids = list(Contact.objects.order_by("-pk").values_list("pk", flat=True)[:count])[::-1]
            for contact, pk in zip(contacts, ids, strict=True):
                contact.pk = pk
        links, persons = [], []
        for contact in contacts:
            for tag in rng.sample(tags, k=rng.choice([0, 0, 0, 1, 1, 2])):
                links.append(through(contact_id=contact.pk, tag_id=tag.pk))
            if contact.kind != ContactKind.ORGANISATION:
                continue
            for position in range(rng.choice([0, 1, 1, 2])):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                persons.append(
                    ContactPerson(
                        contact_id=contact.pk,
                        civility=rng.choice(["M.", "Mme"]),
                        first_name=first,
                        last_name=last,
                        job_title=rng.choice(JOB_TITLES),
                        email=f"{_slug(first)[0]}.{_slug(last)}@{contact.email.split('@')[1]}",
                        phone=_phone(rng, mobile=True),
                        is_primary=position == 0,
                    )
                )
        through.objects.bulk_create(links, batch_size=5000)
        ContactPerson.objects.bulk_create(persons, batch_size=2000)
    return {"contacts": len(contacts), "tag_links": len(links), "persons": len(persons)}


def analyze() -> None:
    """PostgreSQL's autovacuum analyses a freshly loaded table within a minute; do it now. SQLite is left
    as Pilote leaves it in production: without ANALYZE statistics."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


LIST_PAGES = {"list_default": LIST_URL, "list_filtered": FILTERED_URL, "list_search": SEARCH_URL}


def page_checker(full: bool):
    """A rendered list page must show a full page of rows (or, for a narrow search, at least one)."""

    def check(body: bytes) -> None:
        rows = body.count(b'<td data-label="Nom">')
        if (full and rows != PAGE_SIZE) or not 1 <= rows <= PAGE_SIZE:
            raise RuntimeError(f"list page shows {rows} rows, expected {PAGE_SIZE if full else 'some'}")

    return check


def measure_lists(client, *, warmup: int, runs: int, plans: bool) -> dict:
    out = {}
    for label, url in LIST_PAGES.items():
        check = page_checker(full=label != "list_search")
        timing = harness.time_page(client, url, warmup=warmup, runs=runs, check=check)
        queries = harness.capture_queries(client, url)
        entry = {"url": url, **timing, "queries": len(queries), "sql_ms": round(sum(q["ms"] for q in queries), 1)}
        if plans:
            entry["slowest_queries"] = harness.slowest_with_plans(queries)
        out[label] = entry
        harness.log(
            f"  {url}: median {timing['median_ms']} ms, p95 {timing['p95_ms']} ms, "
            f"{len(queries)} queries ({entry['sql_ms']} ms SQL)"
        )
    return out


def measure_export(client, url: str, runs: int) -> dict:
    samples, size, lines = [], 0, None
    for _ in range(runs):
        seconds, body, response = harness.fetch(client, url)
        samples.append(seconds)
        size = len(body)
        if url.endswith(".csv"):
            lines = body.count(b"\r\n") - 1  # minus the header
        elif not body.startswith(b"PK"):
            raise RuntimeError(f"{url} is not an XLSX file")
    queries = harness.capture_queries(client, url)
    stats = harness.summarise(samples)
    entry = {"url": url, "runs": runs, "median_ms": stats["median_ms"], "min_ms": stats["min_ms"]}
    entry.update({"bytes": size, "queries": len(queries), "sql_ms": round(sum(q["ms"] for q in queries), 1)})
    if lines is not None:
        entry["rows"] = lines
    harness.log(f"  {url}: median {stats['median_ms']} ms over {runs} runs, {size:,} bytes, {len(queries)} queries")
    return entry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="label of the database (sqlite, postgresql)")
    parser.add_argument("--contacts", type=int, default=50_000)
    parser.add_argument("--small", type=int, default=1_000, help="first measure of query counts at this size")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--csv-runs", type=int, default=3)
    parser.add_argument("--xlsx-runs", type=int, default=1)
    args = parser.parse_args()
    result_stream = harness.start_django()

    import django
    from django.core.management import call_command
    from django.test import Client

    from pilote.contacts.models import Contact, Tag
    from pilote.core import services
    from pilote.core.demo import DEMO_STRUCTURE
    from pilote.core.roles import Role

    harness.log(f"[contacts/{args.db}] migrate, structure, direction user")
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    services.create_structure(actor=None, **DEMO_STRUCTURE)
    user = services.create_user(
        actor=None,
        username="direction",
        role=Role.DIRECTION,
        password="bench-direction-2026",
        validate=False,
        first_name="Claire",
        last_name="Martin",
    )
    tags = Tag.objects.bulk_create([Tag(name=name) for name in TAGS])
    setup_s = time.perf_counter() - started

    # The test client on a warm process; "localhost" is allowed by the development settings. Templates
    # are rendered without the test-environment instrumentation, as in production.
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    rng = random.Random(SEED)
    started = time.perf_counter()
    rows = generate(rng, 0, args.small, tags)
    analyze()
    generate_s = time.perf_counter() - started
    harness.log(f"[contacts/{args.db}] {args.small:,} contacts generated; measuring")
    small = {"contacts": args.small, **measure_lists(client, warmup=args.warmup, runs=args.runs, plans=False)}

    harness.log(f"[contacts/{args.db}] generating up to {args.contacts:,} contacts")
    started = time.perf_counter()
    more = generate(rng, args.small, args.contacts - args.small, tags)
    analyze()
    generate_s += time.perf_counter() - started
    rows = {key: rows[key] + more[key] for key in rows}
    assert Contact.objects.count() == args.contacts
    harness.log(f"[contacts/{args.db}] {rows} in {generate_s:.1f} s; measuring")
    large = {"contacts": args.contacts, **measure_lists(client, warmup=args.warmup, runs=args.runs, plans=True)}
    large["export_csv"] = measure_export(client, EXPORT_CSV_URL, args.csv_runs)
    large["export_xlsx"] = measure_export(client, EXPORT_XLSX_URL, args.xlsx_runs)

    queries_per_page = {
        page: {"at_small": small[page]["queries"], "at_large": large[page]["queries"]} for page in LIST_PAGES
    }
    harness.emit(
        {
            "database": harness.database_info(),
            "django": django.get_version(),
            "seed": SEED,
            "params": {key: value for key, value in vars(args).items() if key != "db"},
            "generated": {**rows, "active_contacts": Contact.objects.filter(is_active=True).count()},
            "setup_s": round(setup_s, 1),
            "generate_s": round(generate_s, 1),
            "small": small,
            "large": large,
            "queries_per_page": queries_per_page,
            "queries_constant": all(v["at_small"] == v["at_large"] for v in queries_per_page.values()),
            "max_rss_mb": harness.max_rss_mb(),
        },
        result_stream,
    )


if __name__ == "__main__":
    main()
